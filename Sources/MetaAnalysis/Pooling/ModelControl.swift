/// Numerical settings of the τ² estimators.
///
/// The defaults are tighter than metafor's (`threshold = 1e-5`, `tol = .Machine$double.eps^0.25`)
/// so that SurvMeta returns the optimum itself rather than a point within 10⁻⁵ of it; metafor fitted
/// with `control = list(threshold = 1e-10, tol = 1e-12)` gives the same numbers.
public struct ModelControl: Sendable, Codable, Equatable, Hashable {
    /// Fisher scoring (ML, REML, EB) stops when |Δτ²| ≤ threshold.
    public var threshold: Double
    /// Fisher scoring iterations allowed before `NumericalError` (metafor: 100).
    public var maxIterations: Int
    /// Step length multiplier of Fisher scoring (metafor's `stepadj`); below 1 damps oscillation.
    public var stepAdjustment: Double
    /// Absolute tolerance of the Brent root searches (PM, PMM, Q-profile).
    public var rootTolerance: Double
    /// Upper end of the τ² search interval; nil means metafor's max(100, 10·mad(y)²).
    public var tau2Max: Double?
    /// After ML/REML, compare the log-likelihood at τ² = 0 and return 0 when it is higher (metafor's `ll0check`).
    public var likelihoodAtZeroCheck: Bool

    public init(threshold: Double = 1e-10, maxIterations: Int = 100, stepAdjustment: Double = 1,
                rootTolerance: Double = 1e-12, tau2Max: Double? = nil, likelihoodAtZeroCheck: Bool = true) {
        self.threshold = threshold
        self.maxIterations = maxIterations
        self.stepAdjustment = stepAdjustment
        self.rootTolerance = rootTolerance
        self.tau2Max = tau2Max
        self.likelihoodAtZeroCheck = likelihoodAtZeroCheck
    }

    public static let `default` = ModelControl()
}

/// Iteration record of an estimator.
public struct Convergence: Sendable, Codable, Equatable, Hashable {
    public var converged: Bool
    /// Fisher-scoring or root-search iterations (0 for closed-form estimators).
    public var iterations: Int
    /// |Δτ²| at the last Fisher-scoring step (nil for closed-form estimators and root searches).
    public var lastChange: Double?

    public init(converged: Bool, iterations: Int, lastChange: Double?) {
        self.converged = converged
        self.iterations = iterations
        self.lastChange = lastChange
    }
}
