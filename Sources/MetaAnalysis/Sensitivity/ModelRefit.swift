import Foundation
import StatNumerics

/// What the sensitivity analyses need from one refit of the model on a subset of the studies
/// (metafor's `rma.uni(..., subset = -i)` inside `leave1out`, `influence`, `baujat`, and on the
/// first i studies inside `cumul`).
struct RefitSummary: Sendable {
    var tau2: Double
    /// β̂ and its variance (after any Knapp–Hartung scaling).
    var beta: [Double]
    var covariance: Matrix
    /// Knapp–Hartung factor s² (1 for z and t).
    var knappHartungScale: Double
    var coefficients: [Coefficient]
    var qe: Double
    var qeP: Double
    var i2: Double
    var h2: Double
    /// k − p for t-based tests, nil for z.
    var degreesOfFreedom: Int?
    var warnings: [String]
}

/// Refits a model to subsets of the data, as metafor does, with two economies that leave the numbers
/// unchanged: ML/REML/EB refits may start τ² at a nearby value (`warmStart`, e.g. the full-data τ²)
/// rather than at Hedges' estimate, and every quantity is computed through `WeightedProjection`
/// (O(k·p²), no k × k matrices). Other estimators take `MixedEffectsModel.fit` itself.
///
/// As metafor's refits: a model with k = 1 is fitted with test z (metafor's "Setting argument
/// test = "z" since k = 1"), and a random-effects model with k < p + 1 (other than the intercept-only
/// k = 1 model) is an error, which callers report as a missing row.
struct ModelRefit: Sendable {
    var model: MixedEffectsModel

    func fit(yi: [Double], vi: [Double], design x: Matrix, names: [String], genqWeights: [Double]? = nil,
             warmStart: Double? = nil) throws -> RefitSummary {
        let k = yi.count, p = x.columns
        var model = self.model
        var warnings: [String] = []
        if k == 1 && model.test != .z {
            model.test = .z
            warnings.append("test set to z for a fit with k = 1")
        }
        let interceptOnly = p == 1 && names[0] == "intrcpt"
        if !(interceptOnly && k == 1) && !model.estimator.isEqualEffects && k < p + 1 {
            throw DomainError(routine: "ModelRefit.fit", "\(p) coefficients and τ² cannot be estimated from \(k) studies")
        }
        if let start = warmStart, [.ML, .REML, .EB].contains(model.estimator), k > p {
            let estimation = TauSquaredEstimation(y: yi, v: vi, x: x, control: model.control, genqWeights: nil)
            // A refit that runs out of iterations from the warm start takes the cold path below.
            if let tauFit = try? estimation.fisherScoring(model.estimator, estimation.centred, start: start) {
                var summary = try ModelRefit.summary(tau2: tauFit.tau2, yi: yi, vi: vi, x: x, names: names,
                                                     test: model.test, level: model.level, centred: estimation.centred)
                summary.warnings = warnings + tauFit.warnings
                return summary
            }
        }
        if model.estimator.usesGeneralizedQWeights { model.genqWeights = genqWeights }
        let fit = try model.fit(yi: yi, vi: vi, design: x, names: names, testedCoefficients: [])
        return RefitSummary(tau2: fit.tau2, beta: fit.coefficients.map(\.estimate), covariance: fit.covariance,
                            knappHartungScale: fit.knappHartungScale, coefficients: fit.coefficients,
                            qe: fit.qe, qeP: fit.qeP, i2: fit.i2, h2: fit.h2,
                            degreesOfFreedom: fit.degreesOfFreedom, warnings: warnings + fit.warnings)
    }

    /// The random-effects fit at a given τ² (k > p, weights 1/(vᵢ + τ²)), with the same formulas as
    /// `MixedEffectsModel.fit`.
    static func summary(tau2: Double, yi: [Double], vi: [Double], x: Matrix, names: [String],
                        test: InferenceTest, level: Double, centred: [Double]) throws -> RefitSummary {
        let k = yi.count, p = x.columns
        let projection = try WeightedProjection(weights: vi.map { 1 / ($0 + tau2) }, design: x)
        let beta = projection.coefficients(yi)
        var s2w = 1.0
        if test == .knha || test == .adhoc {
            let rss = projection.quadratic(yi)
            s2w = rss <= Double.ulpOfOne ? 0 : rss / Double(k - p)
            if test == .adhoc { s2w = max(s2w, 1) }
        }
        let vb = s2w * projection.m
        let ddf: Int? = test.usesTDistribution ? k - p : nil
        let t = ddf.map { StudentT(df: Double($0)) }
        let alpha = 1 - level
        let crit = t?.upperQuantile(alpha / 2) ?? Normal.standard.upperQuantile(alpha / 2)
        var coefficients: [Coefficient] = []
        for j in 0..<p {
            let se = vb[j, j].squareRoot()
            let stat = beta[j] / se
            let pValue: Double? = se > 0 ? 2 * (t?.sf(abs(stat)) ?? Normal.standard.sf(abs(stat))) : (beta[j] != 0 ? 0 : nil)
            coefficients.append(Coefficient(name: names[j], estimate: beta[j], standardError: se,
                                            statistic: se > 0 ? stat : nil, pValue: pValue,
                                            ciLow: beta[j] - crit * se, ciHigh: beta[j] + crit * se))
        }
        let fe = try WeightedProjection(weights: vi.map { 1 / $0 }, design: x)
        let qe = max(0, fe.quadratic(centred))
        let typical = Double(k - p) / fe.trace
        return RefitSummary(tau2: tau2, beta: beta, covariance: vb, knappHartungScale: s2w, coefficients: coefficients,
                            qe: qe, qeP: ChiSquared(df: Double(k - p)).sf(qe),
                            i2: 100 * tau2 / (typical + tau2), h2: tau2 / typical + 1,
                            degreesOfFreedom: ddf, warnings: [])
    }
}

extension Matrix {
    /// The rows `rows` of the matrix (all columns).
    func selectingRows(_ rows: [Int]) -> Matrix {
        submatrix(rows: rows, columns: Array(0..<columns))
    }
}

/// A refit by `ScoringWorkspace` (no allocation): τ̂², its state, and the Knapp–Hartung factor.
/// β̃ is left in `ws.small[0..<p]` by `ModelRefit.fastFit`.
struct FastRefit {
    var result: ScoringWorkspace.Tau2Result
    var tau2: Double { result.state.tau2 }
    /// Knapp–Hartung factor s² (1 for z and t).
    var s2: Double
}

extension ModelRefit {
    /// Whether `fastFit` can fit this model (estimators with a `ScoringWorkspace` path).
    var hasFastPath: Bool { [.ML, .REML, .EB, .DL, .HE].contains(model.estimator) }

    /// The refit of the studies loaded in `ws` (`ws.prepare` called) by `ScoringWorkspace`, with the
    /// same algorithm as `fit` (warm start: Newton from the first step; cold: Hedges' start and
    /// metafor's Fisher scoring), β̂ in `ws.small[0..<p]`. nil when this path does not apply
    /// (k ≤ p, other estimators) or the fit failed: callers then take `fit`, which reports why.
    func fastFit(_ ws: ScoringWorkspace, warmStart: Double?) -> FastRefit? {
        let k = ws.k, p = ws.p
        guard k > p, hasFastPath else { return nil }
        var result: ScoringWorkspace.Tau2Result? = nil
        if let warmStart, [.ML, .REML, .EB].contains(model.estimator) {
            result = ws.fitTau2(model.estimator, control: model.control, start: warmStart, newtonAfter: 0)
        }
        if result == nil {
            result = ws.fitTau2(model.estimator, control: model.control, start: nil, newtonAfter: TauSquaredEstimation.fisherIterations)
        }
        guard let result else { return nil }
        ws.coefficients(result.state, into: ws.small)
        let s2 = ws.knappHartungScale(model.test, tau2: result.state.tau2, beta: ws.small)
        return FastRefit(result: result, s2: s2)
    }

    /// The intercept-only row of a leave-one-out or cumulative analysis from `fastFit` (p = 1):
    /// the formulas of `summary`, with the critical value `crit` of `ddf` computed once by the caller.
    func sensitivityRow(_ ws: ScoringWorkspace, _ r: FastRefit, study: String, crit: Double, ddf: Int?) -> SensitivityRow? {
        let k = ws.k
        guard let z = ws.atZero(r.result) else { return nil }
        let beta = ws.small[0]
        let se = (r.s2 * ws.m(r.result.state, 0, 0)).squareRoot()
        let stat = beta / se
        let pValue: Double? = se > 0 ? 2 * (ddf.map { StudentT(df: Double($0)).sf(abs(stat)) } ?? Normal.standard.sf(abs(stat)))
            : (beta != 0 ? 0 : nil)
        let qe = max(0, z.rss)
        let typical = Double(k - 1) / z.traceP
        let tau2 = r.tau2
        var notes: [String] = []
        if r.result.setToZero { notes.append(ModelRefit.localMaximumWarning) }
        if (model.test == .knha || model.test == .adhoc) && r.s2 == 0 { notes.append(ModelRefit.zeroScaleWarning) }
        return SensitivityRow(study: study, k: k, estimate: beta, standardError: se, statistic: se > 0 ? stat : nil,
                              pValue: pValue, ciLow: beta - crit * se, ciHigh: beta + crit * se,
                              q: qe, qP: ChiSquared(df: Double(k - 1)).sf(qe), tau2: tau2,
                              i2: 100 * tau2 / (typical + tau2), h2: tau2 / typical + 1,
                              degreesOfFreedom: ddf, notes: notes)
    }

    /// The critical value of `level` CIs for `ddf` degrees of freedom (nil = z), as `MixedEffectsModel.fit`.
    static func criticalValue(level: Double, ddf: Int?) -> Double {
        let alpha = 1 - level
        return ddf.map { StudentT(df: Double($0)).upperQuantile(alpha / 2) } ?? Normal.standard.upperQuantile(alpha / 2)
    }

    static let localMaximumWarning = "Fisher scoring may have stopped at a local maximum; the likelihood is higher at τ² = 0, so τ² was set to 0"
    static let zeroScaleWarning = "the Knapp–Hartung factor s² is 0 (the estimates fit the model exactly), so every standard error is 0 and the test statistics are infinite"
}
