import StatNumerics

/// One model coefficient with its test and confidence interval (metafor's `coef(summary(res))` row).
public struct Coefficient: Sendable, Codable, Equatable, Hashable {
    public var name: String
    public var estimate: Double
    public var standardError: Double
    /// z or t statistic; nil when the SE is 0.
    public var statistic: Double?
    public var pValue: Double?
    public var ciLow: Double
    public var ciHigh: Double
}

/// The result of `MixedEffectsModel.fit`: immutable, with the convergence record and no display settings.
public struct MixedEffectsFit: Sendable, Codable, Equatable {
    public var estimator: TauSquaredEstimator
    public var test: InferenceTest
    public var level: Double
    public var k: Int
    public var p: Int
    public var coefficients: [Coefficient]
    /// Var(β̂), p × p (after any Knapp–Hartung scaling).
    public var covariance: Matrix
    public var tau2: Double
    /// metafor's `se.tau2`; nil for equal-effects models and k = 1.
    public var tau2StandardError: Double?
    /// Residual heterogeneity QE (Cochran's Q for an intercept-only model), its df k − p and p-value.
    public var qe: Double
    public var qeDF: Int
    public var qeP: Double
    /// I² in percent.
    public var i2: Double
    public var h2: Double
    /// ṽ = (k − p)/tr P₀, the "typical" within-study variance behind I² and H².
    public var typicalVariance: Double
    /// Omnibus test of `testedCoefficients`: Wald χ² (test z) or F = χ²/m (t, knha, adhoc).
    public var qm: Double?
    public var qmDF: Int
    /// Denominator df of the F test (nil for z).
    public var qmDF2: Int?
    public var qmP: Double?
    public var testedCoefficients: [Int]
    /// k − p for t-based tests, nil for z.
    public var degreesOfFreedom: Int?
    /// The critical value of the CIs (z or t quantile).
    public var criticalValue: Double
    /// The Knapp–Hartung variance factor s² (1 for z and t).
    public var knappHartungScale: Double
    /// Each study's weight in percent (metafor's `weights(res)`).
    public var weightsPercent: [Double]
    public var logLikelihoodML: Double
    public var logLikelihoodREML: Double?
    public var convergence: Convergence
    public var warnings: [String]

    public var tau: Double { tau2.squareRoot() }
}
