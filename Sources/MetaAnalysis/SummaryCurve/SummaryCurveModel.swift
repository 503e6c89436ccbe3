import StatNumerics

/// Fixed or random effects for the pooled conditional survivals (contract field `model`).
public enum SummaryCurveEffects: String, Sendable, Codable, CaseIterable, Hashable {
    /// Inverse-variance fixed effect per interval (the intervals' estimates are independent).
    case fixed
    /// Multivariate random effects across intervals with an unstructured between-study covariance T.
    case random
}

/// Which implementation's conventions to follow.
public enum SummaryCurveCompatibility: String, Sendable, Codable, CaseIterable, Hashable {
    /// SurvMeta's own choices, which fix the quirks of RISCA listed in
    /// `shared/data/summary-curves/README.md` (each documented where it is made).
    case none
    /// Reproduce `RISCA::survival.summary` 1.0.7 exactly, quirks included (`survmeta curve --compat risca`).
    case risca
}

/// How the between-study covariance T of the transformed conditional survivals is estimated.
public enum SummaryCurveTauEstimator: String, Sendable, Codable, CaseIterable, Hashable {
    /// The multivariate method of moments of Jackson, White & Thompson (2010, Stat Med 29:1282),
    /// element by element, then projected onto the positive semi-definite cone by zeroing negative
    /// eigenvalues — the estimator of Combescure et al. (2014, section 2.2) and RISCA.
    case DL
    /// Restricted maximum likelihood for the unstructured T (the model of metafor's `rma.mv` with
    /// `struct = "UN"`), maximised over the Cholesky factor of T by BFGS, so T stays positive
    /// semi-definite; default mode only (see `SummaryCurveREML`).
    case REML
}

/// How the pointwise confidence band of the pooled curve is built (`survmeta curve --ci`).
public enum SummaryCurveConfidence: String, Sendable, Codable, CaseIterable, Hashable {
    /// Delta method on log S (RISCA's "Greenwood"): exp(log Ŝ ± z·se(log Ŝ)).
    case delta
    /// Percentiles of the curves rebuilt from simulated pooled transformed values
    /// β* ~ N(β̂, Cov β̂) (RISCA's "MonteCarlo").
    case monteCarlo
}

/// The Monte Carlo specification: how many pooled curves are simulated and from which seed.
/// The generator is StatNumerics' `SeededGenerator`; the same seed gives the same draws.
public struct SummaryCurveMonteCarloSpec: Sendable, Codable, Equatable, Hashable {
    /// Number of simulated curves (RISCA: 10,000). 0 switches the Monte Carlo off (the `mc`
    /// fields are then nil), e.g. in simulations that only need the delta method.
    public var draws: Int
    public var seed: UInt64

    public init(draws: Int = 10_000, seed: UInt64 = 20_140_213) {
        self.draws = draws
        self.seed = seed
    }
}

/// The summary survival curve of single-arm studies (Combescure C, Foucher Y, Jackson D. Stat Med
/// 2014;33(15):2521–37, doi:10.1002/sim.6111): a configuration; `fit` returns an immutable result.
///
/// Method. Per study and interval (t_{j−1}, t_j], the conditional survival c = S(t_j)/S(t_{j−1})
/// with n at risk is transformed to y = arcsin √((n·c + 1/4)/(n + 1/2)), variance 1/(4(n + 1/2))
/// (the continuity-corrected arcsine of Anscombe, as in the paper's section 2.1). The vectors y are
/// pooled across studies, fixed effect or multivariate random effects (T by moments or REML), the
/// pooled values β are back-transformed to conditional survivals and multiplied into the curve.
///
/// Example: `try SummaryCurveModel(effects: .random).fit(rows)`.
public struct SummaryCurveModel: Sendable, Codable, Equatable, Hashable {
    public var effects: SummaryCurveEffects
    public var compatibility: SummaryCurveCompatibility
    /// Ignored for `effects == .fixed`; `.REML` needs `compatibility == .none`.
    public var tauEstimator: SummaryCurveTauEstimator
    /// Which band fills `rows[].ci_low/ci_high`; the other is always reported too when available.
    public var confidence: SummaryCurveConfidence
    /// Confidence level, 0.95 by default. RISCA mode uses z = 1.96 and the 2.5 %/97.5 % percentiles,
    /// so it only accepts 0.95.
    public var level: Double
    public var monteCarlo: SummaryCurveMonteCarloSpec
    /// Horizon of the restricted mean survival time; nil = the last time of the grid (RISCA's choice).
    /// It must lie in (0, last time].
    public var rmstTau: Double?
    /// REML stopping rule: an iteration changes no element of T by more than this (arcsine² scale)
    /// and the log-likelihood by less than 1e-10 relative.
    public var remlTolerance: Double
    public var remlMaxIterations: Int

    public init(
        effects: SummaryCurveEffects = .random,
        compatibility: SummaryCurveCompatibility = .none,
        tauEstimator: SummaryCurveTauEstimator = .DL,
        confidence: SummaryCurveConfidence = .delta,
        level: Double = 0.95,
        monteCarlo: SummaryCurveMonteCarloSpec = SummaryCurveMonteCarloSpec(),
        rmstTau: Double? = nil,
        remlTolerance: Double = 1e-9,
        remlMaxIterations: Int = 5_000
    ) {
        self.effects = effects
        self.compatibility = compatibility
        self.tauEstimator = tauEstimator
        self.confidence = confidence
        self.level = level
        self.monteCarlo = monteCarlo
        self.rmstTau = rmstTau
        self.remlTolerance = remlTolerance
        self.remlMaxIterations = remlMaxIterations
    }

    /// RISCA's configuration: `--compat risca`, with the given effects and band.
    public static func risca(
        effects: SummaryCurveEffects = .random, confidence: SummaryCurveConfidence = .delta,
        monteCarlo: SummaryCurveMonteCarloSpec = SummaryCurveMonteCarloSpec()
    ) -> SummaryCurveModel {
        SummaryCurveModel(effects: effects, compatibility: .risca, confidence: confidence, monteCarlo: monteCarlo)
    }

    /// Throws `DomainError` for option combinations that make no sense.
    func validateOptions() throws {
        let routine = "SummaryCurveModel"
        if !(level > 0 && level < 1) {
            throw DomainError(routine: routine, "level \(level) must lie in (0, 1)")
        }
        if compatibility == .risca && level != 0.95 {
            throw DomainError(routine: routine, "RISCA mode uses z = 1.96 and 2.5/97.5 % percentiles only; level must be 0.95 (got \(level))")
        }
        if compatibility == .risca && tauEstimator == .REML && effects == .random {
            throw DomainError(routine: routine, "RISCA mode estimates T by moments only; REML needs the default mode")
        }
        if monteCarlo.draws < 0 {
            throw DomainError(routine: routine, "Monte Carlo draws \(monteCarlo.draws) must be ≥ 0")
        }
        if confidence == .monteCarlo && monteCarlo.draws < 2 {
            throw DomainError(routine: routine, "a Monte Carlo band needs at least 2 draws (got \(monteCarlo.draws))")
        }
        if let tau = rmstTau, !(tau.isFinite && tau > 0) {
            throw DomainError(routine: routine, "RMST horizon \(tau) must be finite and > 0")
        }
        if !(remlTolerance > 0) || remlMaxIterations < 1 {
            throw DomainError(routine: routine, "REML tolerance must be > 0 and max iterations ≥ 1")
        }
    }
}
