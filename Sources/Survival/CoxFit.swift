import StatNumerics

/// One coefficient of a Cox model, as a row of `summary(coxph)`.
public struct CoxCoefficient: Sendable, Codable, Equatable {
    /// The term name: a covariate's name, or the group variable's name followed by the level
    /// (`armB`) for a dummy-coded group.
    public let name: String
    /// β̂, the log hazard ratio.
    public let estimate: Double
    /// SE(β̂) from the inverse information at β̂.
    public let standardError: Double
    /// Wald z = β̂ / SE.
    public let z: Double
    /// Two-sided p = 2Φ(−|z|).
    public let pValue: Double
    /// exp(β̂), the hazard ratio; nil if it overflows.
    public let hazardRatio: Double?
    /// exp(β̂ − z_{α/2}·SE), the lower limit of the hazard ratio; nil if not finite.
    public let lower: Double?
    /// exp(β̂ + z_{α/2}·SE); nil if not finite (e.g. the huge SE of a diverging coefficient).
    public let upper: Double?

    /// The log HR with its SE, for pooling by `MetaAnalysis`.
    public var logHazardRatio: Estimate { Estimate(value: estimate, standardError: standardError) }
}

/// A fitted Cox proportional-hazards model (see `CoxModel`).
public struct CoxFit: Sendable, Codable, Equatable {
    public let coefficients: [CoxCoefficient]
    /// Var(β̂) = I(β̂)⁻¹ on the log-HR scale (R's `fit$var`).
    public let covariance: Matrix
    /// Log partial likelihood at β = 0 (R's `loglik[1]`).
    public let initialLogLikelihood: Double
    /// Log partial likelihood at β̂ (R's `loglik[2]`).
    public let finalLogLikelihood: Double
    /// Likelihood-ratio test 2(ℓ(β̂) − ℓ(0)).
    public let likelihoodRatioTest: SurvivalChiSquareTest
    /// Wald test β̂ᵀ Var(β̂)⁻¹ β̂.
    public let waldTest: SurvivalChiSquareTest
    /// Score (log-rank) test U(0)ᵀ I(0)⁻¹ U(0).
    public let scoreTest: SurvivalChiSquareTest
    /// Newton–Raphson iterations (R's `iter`).
    public let iterations: Int
    /// False when the iteration limit was reached first.
    public let converged: Bool
    /// The score U(β̂) on the log-HR scale (near 0 at convergence).
    public let score: [Double]
    /// What coxph would warn about: non-convergence, a coefficient that may be infinite (monotone
    /// likelihood, e.g. a group without events). Empty when all is well.
    public let warnings: [String]
    public let ties: CoxTies
    public let level: Double
    /// Subjects and events used.
    public let subjects: Int
    public let events: Int
    /// Group levels (sorted; the reference first) when a group factor was used.
    public let groupLevels: [String]
    public let reference: String?

    /// The coefficient with this name.
    public func coefficient(named name: String) -> CoxCoefficient? { coefficients.first { $0.name == name } }
}
