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
        let results: [(stats: [Double?], qm: Double?)?] = ParallelMap.map(count, sequential: sequential, progress: progress) { index in
            var y = yi
            var x = design
            if interceptOnly {
                if isExact {
                    for i in 0..<k where (index >> i) & 1 == 1 { y[i] = -y[i] }
                } else if index > 0 {
                    var g = Permutations.generator(seed: seed, index: index)
                    for i in 0..<k where g.next() >> 63 == 1 { y[i] = -y[i] }
                }
            } else {
                let rows: [Int]
                if isExact {
                    rows = orderings[index].map { representatives[$0] }
                } else if index > 0 {
                    var g = Permutations.generator(seed: seed, index: index)
                    rows = Permutations.shuffled(k, using: &g)
                } else {
                    rows = Array(0..<k)
                }
                x = design.submatrix(rows: rows, columns: Array(0..<p))
            }
            guard let fit = try? model.fitPreconditioned(yi: y, vi: vi, design: x, names: names, testedCoefficients: tested) else { return nil }
            return (fit.coefficients.map(\.statistic), fit.qm)
        }

        let tol = PermutationTest.comparisonTolerance
        var pValues: [Double?] = []
        for j in 0..<p {
            guard let observedStat = full.coefficients[j].statistic else { pValues.append(nil); continue }
            var hits = 0, used = 0
            for r in results {
                guard let r, let s = r.stats[j] else { continue }
                used += 1
                if abs(s) >= abs(observedStat) - tol { hits += 1 }
            }
            pValues.append(used > 0 ? min(1, Double(hits) / Double(used)) : nil)
        }
        var qmP: Double? = nil
        if let qmObserved = full.qm {
            var hits = 0, used = 0
            for r in results {
                guard let r, let q = r.qm else { continue }
                used += 1
                if q >= qmObserved - tol { hits += 1 }
            }
            qmP = used > 0 ? Double(hits) / Double(used) : nil
        }
        let failed = results.filter { $0 == nil }.count
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
