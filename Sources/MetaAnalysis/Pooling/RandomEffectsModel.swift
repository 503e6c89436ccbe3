import Foundation
import StatNumerics

/// Pooling of k study effects: the intercept-only `MixedEffectsModel`, plus what a pooled analysis
/// reports beyond the coefficient — prediction interval, study weights and the intervals for τ², I²
/// and H² (metafor's `rma`, `predict`, `weights` and `confint`): Q-profile by default, or the
/// generalized-Q (Biggerstaff–Jackson) interval.
public struct RandomEffectsModel: Sendable, Equatable {
    public var estimator: TauSquaredEstimator
    public var test: InferenceTest
    public var level: Double
    public var predictionInterval: PredictionIntervalKind
    public var control: ModelControl
    /// Compute the intervals for τ², I², H² (random-effects models with k ≥ 2).
    public var heterogeneityIntervals: Bool
    /// Which interval for τ² (and so for I² and H²).
    public var tau2Interval: HeterogeneityIntervalMethod

    public init(estimator: TauSquaredEstimator = .REML, test: InferenceTest = .z, level: Double = 0.95,
                predictionInterval: PredictionIntervalKind = .metafor, control: ModelControl = .default,
                heterogeneityIntervals: Bool = true, tau2Interval: HeterogeneityIntervalMethod = .qProfile) {
        self.estimator = estimator
        self.test = test
        self.level = level
        self.predictionInterval = predictionInterval
        self.control = control
        self.heterogeneityIntervals = heterogeneityIntervals
        self.tau2Interval = tau2Interval
    }

    public func fit(_ studies: [StudyEffect]) throws -> RandomEffectsFit {
        let studies = try studies.validated(routine: "RandomEffectsModel.fit")
        let k = studies.count
        let yi = studies.map(\.yi)
        let vi = studies.map(\.vi)
        let design = Matrix(rows: k, columns: 1, repeating: 1)
        let model = MixedEffectsModel(estimator: estimator, test: test, level: level, control: control)
        let fit = try model.fit(yi: yi, vi: vi, design: design, names: ["intrcpt"])
        let c = fit.coefficients[0]

        // Prediction interval: metafor's default uses the CI's critical value; Higgins uses t(k − 2).
        var pi: ConfidenceInterval? = nil
        if !estimator.isEqualEffects {
            let sd = (c.standardError * c.standardError + fit.tau2).squareRoot()
            switch predictionInterval {
            case .metafor:
                pi = ConfidenceInterval(lower: c.estimate - fit.criticalValue * sd, upper: c.estimate + fit.criticalValue * sd, level: level)
            case .higgins:
                if k >= 3 {
                    let crit = StudentT(df: Double(k - 2)).upperQuantile((1 - level) / 2)
                    pi = ConfidenceInterval(lower: c.estimate - crit * sd, upper: c.estimate + crit * sd, level: level)
                }
            }
        }

        var intervals: HeterogeneityIntervals? = nil
        if heterogeneityIntervals && !estimator.isEqualEffects && k >= 2 {
            switch tau2Interval {
            case .qProfile:
                intervals = try QProfile(yi: yi, vi: vi, design: design, control: control)
                    .intervals(level: level, tau2: fit.tau2, typicalVariance: fit.typicalVariance)
            case .generalizedQ:
                // The DerSimonian–Laird weights 1/vᵢ (the GENQ estimator's weights here too).
                intervals = try GeneralizedQ(yi: yi, vi: vi, design: design, weights: vi.map { 1 / $0 }, control: control)
                    .intervals(level: level, tau2: fit.tau2, typicalVariance: fit.typicalVariance)
            }
        }
        return RandomEffectsFit(model: fit, studies: studies, predictionInterval: pi, heterogeneityIntervals: intervals)
    }
}

/// How the confidence interval for τ² is built.
public enum HeterogeneityIntervalMethod: String, Sendable, Codable, CaseIterable, Hashable {
    /// Q-profile (Viechtbauer 2007): Q(τ²) with weights 1/(vᵢ + τ²) against χ²(k − p) quantiles.
    case qProfile = "qprofile"
    /// Generalized Q (Biggerstaff & Jackson 2008; Jackson 2013): the DerSimonian–Laird Q with fixed
    /// weights 1/vᵢ against its exact distribution, a weighted sum of χ²₁ (`GeneralizedQ`).
    case generalizedQ = "genq"
}

/// A pooled analysis: the fitted model plus its per-study view and the pooled summaries.
public struct RandomEffectsFit: Sendable, Codable, Equatable {
    public var model: MixedEffectsFit
    public var studies: [StudyEffect]
    /// nil for equal-effects models (and for the Higgins interval with k < 3).
    public var predictionInterval: ConfidenceInterval?
    /// Intervals for τ², I², H² (`method` says which); nil for equal-effects models and k = 1.
    public var heterogeneityIntervals: HeterogeneityIntervals?

    public var pooled: Coefficient { model.coefficients[0] }
    public var estimate: Double { pooled.estimate }
    public var standardError: Double { pooled.standardError }
    public var confidenceInterval: ConfidenceInterval {
        ConfidenceInterval(lower: pooled.ciLow, upper: pooled.ciHigh, level: model.level)
    }
}
