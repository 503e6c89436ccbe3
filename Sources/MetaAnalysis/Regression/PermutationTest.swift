import Foundation
import StatNumerics

/// Permutation tests of a (mixed-effects) meta-analytic model, as metafor 3.8's `permutest.rma.uni`
/// (Follmann & Proschan 1999; Higgins & Thompson 2004; Viechtbauer et al. 2015).
///
/// - With moderators, the rows of X are permuted against (yi, vi); without, the signs of yi are flipped.
/// - Exact when the number of distinct permutations — k!/∏cⱼ! for X with groups of cⱼ identical rows,
///   2ᵏ sign patterns for an intercept-only model — is at most `iterations` (or when `exact` is set):
///   every distinct permutation is fitted once, the observed one included. Otherwise `iterations`
///   permutations are drawn, the first being the observed data (as metafor); draw i uses its own
///   stream seeded from (`seed`, i), so results do not depend on the number of threads.
/// - p-value of coefficient j: the share of fitted permutations with |statⱼ| ≥ |statⱼ,obs| − tol, and
///   of QM: the share with QM ≥ QM_obs − tol, with tol = √ε ≈ 1.5·10⁻⁸ (metafor's `comptol`).
///   Permutations whose fit fails are left out of both shares, as metafor's `na.rm = TRUE`.
/// The statistics are the model's own: z (or t for t, knha, adhoc) and QM (χ² or F).
public struct PermutationTest: Sendable, Equatable {
    /// Permutations to draw (metafor's `iter`, default 1000); also the bound for going exact.
    public var iterations: Int
    public var seed: UInt64
    /// Enumerate every distinct permutation whatever their number (metafor's `exact = TRUE`).
    public var exact: Bool

    /// Fit the permutations one after another on the calling thread (the results are the same).
    var sequential = false

    /// metafor's `comptol`, √ε.
    public static let comparisonTolerance = Double.ulpOfOne.squareRoot()
    /// The largest number of permutations enumerated or drawn.
    public static let maximumPermutations = 10_000_000

    public init(iterations: Int = 1000, seed: UInt64 = 1, exact: Bool = false) {
        self.iterations = iterations
        self.seed = seed
        self.exact = exact
    }

    /// Runs the test for `model` fitted to `studies` with `design` (names as the fit's).
    /// Every fit goes through `MixedEffectsModel.fitPreconditioned`, as `MetaRegression` fits.
    /// - Parameter observed: the fit on the data as given (fitted here when nil); pass the
    ///   `MetaRegression` fit, whose statistics are computed the same way.
    public func run(_ model: MixedEffectsModel, studies: [StudyEffect], design: Matrix, names: [String],
                    testedCoefficients: [Int]? = nil, observed: MixedEffectsFit? = nil,
                    progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> PermutationTestResult {
        let routine = "PermutationTest.run"
        guard iterations >= 2 else { throw DomainError(routine: routine, "the number of permutations must be at least 2 (got \(iterations))") }
        let studies = try studies.validated(routine: routine)
        let yi = studies.map(\.yi), vi = studies.map(\.vi)
        let k = yi.count, p = design.columns
        let full = try observed ?? model.fitPreconditioned(yi: yi, vi: vi, design: design, names: names, testedCoefficients: testedCoefficients)
        let tested = testedCoefficients ?? full.testedCoefficients
        let interceptOnly = p == 1 && design.column(0).allSatisfy { $0 == 1 }

        // Distinct rows of X → labels; the exact count k!/∏cⱼ! or 2^k.
        var labels = [Int](repeating: 0, count: k)
        var representatives: [Int] = []
        var exactCount: Double
        if interceptOnly {
            exactCount = k < 1023 ? pow(2, Double(k)) : .infinity
        } else {
            var seen: [[Double]: Int] = [:]
            for i in 0..<k {
                let row = design.row(i)
                if let label = seen[row] { labels[i] = label } else {
                    seen[row] = representatives.count
                    labels[i] = representatives.count
                    representatives.append(i)
                }
            }
            var counts = [Int](repeating: 0, count: representatives.count)
            for l in labels { counts[l] += 1 }
            exactCount = Permutations.multisetCount(counts)
        }
        let isExact = exact || exactCount <= Double(iterations)
        let count: Int
        if isExact {
            guard exactCount <= Double(PermutationTest.maximumPermutations) else {
                throw DomainError(routine: routine, "an exact test needs \(exactCount) permutations, more than the \(PermutationTest.maximumPermutations) allowed; run an approximate test (without --exact)")
            }
            count = Int(exactCount)
        } else {
            guard iterations <= PermutationTest.maximumPermutations else {
                throw DomainError(routine: routine, "\(iterations) permutations exceed the \(PermutationTest.maximumPermutations) allowed")
            }
            count = iterations
        }

        // Each permutation as a function of its index (exact orderings are enumerated up front).
        let orderings: [[Int]] = (isExact && !interceptOnly) ? Permutations.allDistinctOrderings(labels) : []
        let seed = self.seed
        // Every fit goes on the preconditioned design X̃ = X·T (`fitPreconditioned`); permuting the rows
        // of X permutes those of X̃ and leaves T unchanged, so X̃ is computed once.
        let pre = p > 1 ? DesignPreconditioner(design) : nil
        let fast = FastPermutationFit(model: model, design: design, preconditioner: pre, tested: tested)
        // Per permutation: failed flag, then for each of p statistics and QM a presence flag and the value.
        let stride = 1 + 2 * (p + 1)
        var slots = [Double](repeating: 0, count: count * stride)
        slots.withUnsafeMutableBufferPointer { buffer in
            let out = buffer.baseAddress!
            _ = ParallelMap.map(count, sequential: sequential, progress: progress,
                                workspace: { ScoringWorkspace(capacity: k, p: p) }) { ws, index in
                let slot = out + index * stride
                // The permuted y and the row order of X, in the workspace.
                for i in 0..<k { ws.y[i] = yi[i]; ws.v[i] = vi[i]; ws.indices[i] = i }
                if interceptOnly {
                    if isExact {
                        for i in 0..<k where (index >> i) & 1 == 1 { ws.y[i] = -ws.y[i] }
                    } else if index > 0 {
                        var g = Permutations.generator(seed: seed, index: index)
                        for i in 0..<k where g.next() >> 63 == 1 { ws.y[i] = -ws.y[i] }
                    }
                } else if isExact {
                    let ordering = orderings[index]
                    for i in 0..<k { ws.indices[i] = representatives[ordering[i]] }
                } else if index > 0 {
                    var g = Permutations.generator(seed: seed, index: index)
                    Permutations.shuffle(into: ws.indices, k, using: &g)
                }
                if fast.fit(ws, into: slot) { return }
                // Other estimators, or a fit the fast path could not finish: the full fit (which may throw).
                let y = (0..<k).map { ws.y[$0] }
                let x = interceptOnly ? design : design.submatrix(rows: (0..<k).map { ws.indices[$0] }, columns: Array(0..<p))
                guard let fit = try? model.fitPreconditioned(yi: y, vi: vi, design: x, names: names, testedCoefficients: tested) else {
                    slot[0] = 1
                    return
                }
                slot[0] = 0
                for j in 0..<p {
                    if let s = fit.coefficients[j].statistic { slot[1 + 2 * j] = 1; slot[2 + 2 * j] = s } else { slot[1 + 2 * j] = 0 }
                }
                if let q = fit.qm { slot[1 + 2 * p] = 1; slot[2 + 2 * p] = q } else { slot[1 + 2 * p] = 0 }
            }
        }

        let tol = PermutationTest.comparisonTolerance
        var pValues: [Double?] = []
        for j in 0..<p {
            guard let observedStat = full.coefficients[j].statistic else { pValues.append(nil); continue }
            var hits = 0, used = 0
            for r in 0..<count {
                let slot = r * stride
                guard slots[slot] == 0, slots[slot + 1 + 2 * j] == 1 else { continue }
                used += 1
                if abs(slots[slot + 2 + 2 * j]) >= abs(observedStat) - tol { hits += 1 }
            }
            pValues.append(used > 0 ? min(1, Double(hits) / Double(used)) : nil)
        }
        var qmP: Double? = nil
        if let qmObserved = full.qm {
            var hits = 0, used = 0
            for r in 0..<count {
                let slot = r * stride
                guard slots[slot] == 0, slots[slot + 1 + 2 * p] == 1 else { continue }
                used += 1
                if slots[slot + 2 + 2 * p] >= qmObserved - tol { hits += 1 }
            }
            qmP = used > 0 ? Double(hits) / Double(used) : nil
        }
        let failed = (0..<count).filter { slots[$0 * stride] != 0 }.count
        var warnings: [String] = []
        if failed > 0 { warnings.append("\(failed) of \(count) permuted fits failed and were left out") }
        return PermutationTestResult(
            names: names, exact: isExact, permutations: count, exactPermutations: exactCount.isFinite ? exactCount : nil,
            failedFits: failed, seed: isExact ? nil : seed, observed: full,
            coefficientPValues: pValues, qmPValue: qmP, warnings: warnings)
    }
}

/// The result of a permutation test: permutation p-values next to the observed fit.
public struct PermutationTestResult: Sendable, Codable, Equatable {
    public var names: [String]
    /// Whether every distinct permutation was enumerated.
    public var exact: Bool
    /// Permutations fitted (enumerated or drawn, the observed data included).
    public var permutations: Int
    /// The number of distinct permutations (nil when it overflows).
    public var exactPermutations: Double?
    /// Permuted fits that failed (left out of the p-values).
    public var failedFits: Int
    /// The seed of an approximate test (nil when exact).
    public var seed: UInt64?
    /// The fit on the data as observed.
    public var observed: MixedEffectsFit
    /// Permutation p-value of each coefficient (nil when its statistic is undefined).
    public var coefficientPValues: [Double?]
    /// Permutation p-value of the omnibus test QM.
    public var qmPValue: Double?
    public var warnings: [String]
}

/// The statistics of one permuted fit by `ScoringWorkspace` (no allocation): what
/// `MixedEffectsModel.fitPreconditioned` reports as the coefficient statistics and QM, from the same
/// τ² algorithm (Hedges' start, metafor's Fisher scoring) on the preconditioned design.
struct FastPermutationFit {
    let model: MixedEffectsModel
    /// X̃ (or X when p = 1) row-major, and T (p × p, row-major; identity when p = 1).
    let rowsX: [Double]
    let t: [Double]
    let p: Int
    let tested: [Int]
    let applies: Bool

    /// Fisher-scoring steps from Hedges' start before Newton steps may be taken. One step, not the
    /// general fit's 10: the same optimum (Newton steps are guarded as in `fisherScoring`: observed
    /// information > 0, halved until the likelihood does not drop), reached in about 5 iterations
    /// instead of 8, and exactly rather than within the Fisher iteration's linear-convergence lag.
    static let fisherIterations = 1

    init(model: MixedEffectsModel, design: Matrix, preconditioner: DesignPreconditioner?, tested: [Int]) {
        self.model = model
        let p = design.columns, k = design.rows
        self.p = p
        self.tested = tested
        let q = preconditioner?.q ?? design
        var rowsX = [Double](repeating: 0, count: k * p)
        for i in 0..<k { for a in 0..<p { rowsX[i * p + a] = q[i, a] } }
        self.rowsX = rowsX
        var t = [Double](repeating: 0, count: p * p)
        for a in 0..<p { for b in 0..<p { t[a * p + b] = preconditioner?.t[a, b] ?? (a == b ? 1 : 0) } }
        self.t = t
        applies = ModelRefit(model: model).hasFastPath && (p == 1 || preconditioner != nil) && k > p
            && tested.count <= p && tested.allSatisfy { $0 >= 0 && $0 < p }
    }

    /// Fits y (`ws.y`), v (`ws.v`) against the rows `ws.indices` of X̃ and writes the failed flag, the
    /// statistics and QM at `slot` (layout of `PermutationTest.run`); false when this path does not
    /// apply or the fit failed (the caller then takes the full fit).
    func fit(_ ws: ScoringWorkspace, into slot: UnsafeMutablePointer<Double>) -> Bool {
        guard applies else { return false }
        let k = ws.capacity, p = self.p
        rowsX.withUnsafeBufferPointer { rx in
            for i in 0..<k {
                let src = ws.indices[i] * p
                for a in 0..<p { ws.x[i * p + a] = rx[src + a] }
            }
        }
        ws.prepare(k)
        guard let result = ws.fitTau2(model.estimator, control: model.control, start: nil,
                                      newtonAfter: FastPermutationFit.fisherIterations) else { return false }
        let st = result.state
        let pp = p * p
        let betaTilde = ws.small, beta = ws.small + p, vb = ws.small + 2 * p
        ws.coefficients(st, into: betaTilde)
        let s2 = ws.knappHartungScale(model.test, tau2: st.tau2, beta: betaTilde)
        t.withUnsafeBufferPointer { t in
            ws.mapBack(st, t: t.baseAddress!, scale: s2, betaTilde: betaTilde, beta: beta, covariance: vb)
        }
        slot[0] = 0
        for j in 0..<p {
            let se = max(0, vb[j * p + j]).squareRoot()
            if se > 0 { slot[1 + 2 * j] = 1; slot[2 + 2 * j] = beta[j] / se } else { slot[1 + 2 * j] = 0 }
        }
        // QM = β_ttᵀ Var(β̂)_tt⁻¹ β_tt (divided by m for t-based tests), by Cholesky of the tested block.
        let m = tested.count
        slot[1 + 2 * p] = 0
        guard m > 0 else { return true }
        let sub = ws.small + 2 * p + 2 * pp, l = sub + m * m, b = ws.scratch
        for r in 0..<m {
            let jr = tested[r]
            b[r] = beta[jr]
            for c in 0..<m { sub[r * m + c] = vb[jr * p + tested[c]] }
        }
        guard ScoringWorkspace.cholesky(sub, m, into: l) else { return true }
        // Forward substitution L z = b; QM = ‖z‖².
        var value = 0.0
        for r in 0..<m {
            var sum = b[r]
            for c in 0..<r { sum -= l[r * m + c] * b[c] }
            b[r] = sum / l[r * m + r]
            value += b[r] * b[r]
        }
        if model.test.usesTDistribution { value /= Double(m) }
        slot[1 + 2 * p] = 1
        slot[2 + 2 * p] = value
        return true
    }
}
