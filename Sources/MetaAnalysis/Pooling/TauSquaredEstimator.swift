/// How the between-study variance τ² is estimated; the names and definitions are those of
/// metafor 3.8's `rma.uni(method = …)` (Viechtbauer 2005; Veroniki et al. 2016, Res Syn Meth 7:55).
///
/// With k studies, p model coefficients, W = diag(1/vᵢ) and P = W − W X (XᵀWX)⁻¹ XᵀW:
/// - `EE`, `FE`: equal/common effect, τ² = 0.
/// - `DL`: DerSimonian–Laird, τ² = (Q − (k − p)) / tr P.
/// - `HE`: Hedges (unweighted method of moments), τ² = (RSSₒₗₛ − tr(P₁V)) / (k − p) with P₁ the OLS projection.
/// - `HS`: Hunter–Schmidt, τ² = (Q − k) / Σwᵢ; `HSk` its small-sample version (k/(k−p)·Q − k) / Σwᵢ.
/// - `SJ`: Sidik–Jonkman, τ² = τ₀² · Q(τ₀²) / (k − p) with τ₀² = Σ(yᵢ − ȳ)² / k.
/// - `ML`, `REML`: (restricted) maximum likelihood by Fisher scoring with step halving.
/// - `EB`: empirical Bayes (Morris), the Fisher-scoring root of Q(τ²)·k/(k−p) = k.
/// - `PM`: Paule–Mandel, the root of Q(τ²) = k − p; `PMM`: median-unbiased, Q(τ²) = χ²₀.₅(k − p).
/// - `GENQ`: generalized Q with weights aᵢ (default 1/vᵢ), τ² = (Qₐ − tr(PₐV)) / tr Pₐ
///   (DerSimonian & Kacker 2007); the pooled estimate then uses the weights aᵢ with a sandwich variance.
/// - `GENQM`: the median-unbiased generalized Q estimator (Jackson 2013): the τ² at which the observed
///   Qₐ is the median of its exact distribution (`GeneralizedQ`); pooled estimate as for `GENQ`.
///
/// Negative moment estimates are truncated at 0, as metafor does.
public enum TauSquaredEstimator: String, Sendable, Codable, CaseIterable, Hashable {
    case EE, FE, DL, HE, HS, HSk, SJ, ML, REML, EB, PM, PMM, GENQ, GENQM

    /// True for the equal/common-effect models (τ² fixed at 0).
    public var isEqualEffects: Bool { self == .EE || self == .FE }

    /// True for the estimators that iterate (and so report iterations and can fail to converge).
    public var isIterative: Bool { [.ML, .REML, .EB, .PM, .PMM, .GENQM].contains(self) }

    /// True for the generalized-Q estimators, whose pooled estimate uses the fixed weights aᵢ.
    public var usesGeneralizedQWeights: Bool { self == .GENQ || self == .GENQM }
}

/// How the pooled estimate is tested and its interval built (metafor's `test`).
public enum InferenceTest: String, Sendable, Codable, CaseIterable, Hashable {
    /// Standard normal (Wald z).
    case z
    /// Student t with k − p degrees of freedom, model-based variance unchanged.
    case t
    /// Knapp–Hartung: variance scaled by s² = Σwᵢ(yᵢ − ŷᵢ)²/(k − p), t with k − p df.
    case knha
    /// Knapp–Hartung with s² truncated below at 1, so the interval is never narrower than `t`'s.
    case adhoc

    public var usesTDistribution: Bool { self != .z }
}

/// Which prediction interval to report for a random-effects model.
public enum PredictionIntervalKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// metafor's default: estimate ± crit·√(SE² + τ²) with the same critical value as the CI.
    case metafor
    /// Higgins, Thompson & Spiegelhalter (2009): t with k − 2 df (k − p − 1 in general); nil when k < 3.
    case higgins
}
