import Foundation
import StatNumerics

/// Regression test for funnel-plot asymmetry (Egger et al. 1997; metafor 3.8's `regtest` with the
/// default predictor `sei`).
///
/// - `rma` (metafor's default): the mixed-effects model yᵢ = β₀ + β₁·√vᵢ + uᵢ + εᵢ fitted with the
///   analysis's estimator, test, level and control; the test statistic is β̂₁'s z (t for t/knha/adhoc),
///   and β̂₀ — the estimate as the standard error goes to 0 — is the "limit estimate" with its CI.
/// - `lm` (the classical version): weighted least squares yᵢ = β₀ + β₁·√vᵢ with weights 1/vᵢ and a
///   multiplicative residual variance σ̂² = Σwᵢrᵢ²/(k − 2); t statistic of β̂₁ with k − 2 df; limit
///   estimate β̂₀ with a t(k − 2) interval at the analysis level.
/// Both need the two columns to be linearly independent (not all vᵢ equal) and k ≥ 3.
public struct EggerRegressionTest: Sendable, Equatable {
    public enum Model: String, Sendable, Codable, CaseIterable, Hashable {
        case rma, lm
    }

    public var model: Model
    public var estimator: TauSquaredEstimator
    public var test: InferenceTest
    public var level: Double
    public var control: ModelControl

    public init(model: Model = .rma, estimator: TauSquaredEstimator = .REML, test: InferenceTest = .z,
                level: Double = 0.95, control: ModelControl = .default) {
        self.model = model
        self.estimator = estimator
        self.test = test
        self.level = level
        self.control = control
    }

    public func run(_ studies: [StudyEffect]) throws -> EggerRegressionResult {
        let routine = "EggerRegressionTest.run"
        let studies = try studies.validated(routine: routine)
        let k = studies.count
        let yi = studies.map(\.yi), vi = studies.map(\.vi)
        let sei = vi.map { $0.squareRoot() }
        let x = Matrix(columns: [[Double](repeating: 1, count: k), sei])
        let needed = (model == .lm || !estimator.isEqualEffects) ? 3 : 2
        guard k >= needed else {
            throw DomainError(routine: routine, "the regression test needs at least \(needed) studies (k = \(k))")
        }
        if sei.allSatisfy({ $0 == sei[0] }) {
            throw DomainError(routine: routine, "all studies have the same standard error, so it cannot be a predictor (metafor: \"Model matrix no longer of full rank after addition of predictor\")")
        }
        switch model {
        case .rma:
            let fit = try MixedEffectsModel(estimator: estimator, test: test, level: level, control: control)
                .fit(yi: yi, vi: vi, design: x, names: ["intrcpt", "sei"])
            let b0 = fit.coefficients[0], b1 = fit.coefficients[1]
            return EggerRegressionResult(
                model: .rma, statistic: b1.statistic, pValue: b1.pValue, degreesOfFreedom: fit.degreesOfFreedom,
                limitEstimate: b0.estimate, limitCILow: b0.ciLow, limitCIHigh: b0.ciHigh,
                slope: b1.estimate, slopeSE: b1.standardError, tau2: fit.tau2, warnings: fit.warnings)
        case .lm:
            let projection = try WeightedProjection(weights: vi.map { 1 / $0 }, design: x)
            let beta = projection.coefficients(yi)
            let df = k - 2
            let sigma2 = projection.quadratic(yi) / Double(df)
            let se0 = (sigma2 * projection.m[0, 0]).squareRoot()
            let se1 = (sigma2 * projection.m[1, 1]).squareRoot()
            let t = StudentT(df: Double(df))
            let stat = beta[1] / se1
            let crit = t.upperQuantile((1 - level) / 2)
            return EggerRegressionResult(
                model: .lm, statistic: se1 > 0 ? stat : nil, pValue: se1 > 0 ? 2 * t.sf(abs(stat)) : nil,
                degreesOfFreedom: df, limitEstimate: beta[0], limitCILow: beta[0] - crit * se0,
                limitCIHigh: beta[0] + crit * se0, slope: beta[1], slopeSE: se1, tau2: nil, warnings: [])
        }
    }
}

/// The result of an Egger-type regression test (metafor's `regtest` object).
public struct EggerRegressionResult: Sendable, Codable, Equatable {
    public var model: EggerRegressionTest.Model
    /// z (or t) statistic of the `sei` coefficient; nil when its SE is 0.
    public var statistic: Double?
    public var pValue: Double?
    /// Degrees of freedom of a t statistic (nil for z).
    public var degreesOfFreedom: Int?
    /// The intercept β̂₀: the estimate for a study with standard error 0, with its CI.
    public var limitEstimate: Double
    public var limitCILow: Double
    public var limitCIHigh: Double
    /// The `sei` coefficient and its SE.
    public var slope: Double
    public var slopeSE: Double
    /// Residual τ² of the `rma` model (nil for `lm`).
    public var tau2: Double?
    public var warnings: [String]
}
