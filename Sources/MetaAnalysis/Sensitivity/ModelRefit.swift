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
        if model.estimator == .GENQ { model.genqWeights = genqWeights }
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
