import StatNumerics

/// One time point of the pooled curve (contract: `rows [{time, surv, ci_low, ci_high}]`).
public struct SummaryCurvePoint: Sendable, Codable, Equatable {
    public let time: Double
    /// Pooled survival Ŝ(time) = Π_{u ≤ t} p_u, 0–1.
    public let surv: Double
    /// The band chosen by `SummaryCurveModel.confidence` (nil where undefined, e.g. Ŝ = 0).
    public let ciLow: Double?
    public let ciHigh: Double?
    /// se of log Ŝ by the delta method.
    public let seLogSurv: Double?
    public let deltaCILow: Double?
    public let deltaCIHigh: Double?
    /// Monte Carlo percentiles (nil when the Monte Carlo is off).
    public let monteCarloCILow: Double?
    public let monteCarloCIHigh: Double?
    /// The pooled conditional survival p_t of the interval ending here, and its arcsine-scale β_t.
    public let conditionalSurv: Double
    public let beta: Double
    /// Number of studies with a (counted) cell in the interval.
    public let studies: Int

    enum CodingKeys: String, CodingKey {
        case time, surv, ciLow = "ci_low", ciHigh = "ci_high", seLogSurv = "se_log_surv"
        case deltaCILow = "delta_ci_low", deltaCIHigh = "delta_ci_high"
        case monteCarloCILow = "mc_ci_low", monteCarloCIHigh = "mc_ci_high"
        case conditionalSurv = "conditional_surv", beta, studies
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeEach([
            .time: time, .surv: surv, .ciLow: ciLow, .ciHigh: ciHigh, .seLogSurv: seLogSurv,
            .deltaCILow: deltaCILow, .deltaCIHigh: deltaCIHigh, .monteCarloCILow: monteCarloCILow,
            .monteCarloCIHigh: monteCarloCIHigh, .conditionalSurv: conditionalSurv, .beta: beta, .studies: studies
        ])
    }
}

/// The median survival time or the restricted mean survival time of the pooled curve, with its
/// intervals (time units of the input).
public struct SummaryCurveTimeSummary: Sendable, Codable, Equatable {
    /// nil when undefined (a median the curve never reaches).
    public let estimate: Double?
    /// The reported interval: delta method in default mode, Monte Carlo in RISCA mode.
    public let ciLow: Double?
    public let ciHigh: Double?
    public let ciMethod: SummaryCurveConfidence
    /// Delta-method standard error and interval (default mode).
    public let se: Double?
    public let deltaCILow: Double?
    public let deltaCIHigh: Double?
    /// Monte Carlo percentile interval.
    public let monteCarloCILow: Double?
    public let monteCarloCIHigh: Double?
    /// Median only: how many simulated curves never reach 0.5 within the grid (RISCA mode: never
    /// reach it, or start below it). Default mode ranks them above every finite median.
    public let monteCarloUndefined: Int?

    enum CodingKeys: String, CodingKey {
        case estimate, ciLow = "ci_low", ciHigh = "ci_high", ciMethod = "ci_method", se
        case deltaCILow = "delta_ci_low", deltaCIHigh = "delta_ci_high"
        case monteCarloCILow = "mc_ci_low", monteCarloCIHigh = "mc_ci_high"
        case monteCarloUndefined = "mc_undefined"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeEach([
            .estimate: estimate, .ciLow: ciLow, .ciHigh: ciHigh, .ciMethod: ciMethod, .se: se,
            .deltaCILow: deltaCILow, .deltaCIHigh: deltaCIHigh, .monteCarloCILow: monteCarloCILow,
            .monteCarloCIHigh: monteCarloCIHigh, .monteCarloUndefined: monteCarloUndefined
        ])
    }
}

/// Heterogeneity of one grid interval: the univariate Q of its studies around the fixed-effect β_t.
public struct SummaryCurveIntervalHeterogeneity: Sendable, Codable, Equatable {
    /// The interval (start, end].
    public let start: Double
    public let end: Double
    public let studies: Int
    public let q: Double
    /// k_t − 1.
    public let df: Int
    public let p: Double?
    public let h2: Double?
    /// Percent, 0–100.
    public let i2: Double?
    /// Diagonal of the positive semi-definite T (arcsine² scale); nil where T is not estimated.
    public let tau2: Double?

    enum CodingKeys: String, CodingKey { case start, end, studies, q, df, p, h2, i2, tau2 }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeEach([
            .start: start, .end: end, .studies: studies, .q: q, .df: df, .p: p, .h2: h2, .i2: i2, .tau2: tau2
        ])
    }
}

/// Convergence of an iterative estimator (REML by EM).
public struct SummaryCurveConvergence: Sendable, Codable, Equatable {
    public let converged: Bool
    public let iterations: Int
    /// Largest change of an element of T at the last iteration.
    public let lastChange: Double
    /// REML log-likelihood at the estimate (metafor's convention, constants included).
    public let logLikelihood: Double

    enum CodingKeys: String, CodingKey { case converged, iterations, lastChange = "last_change", logLikelihood = "log_likelihood" }
}

/// The pooling internals: what RISCA computes but does not return, and what a reviewer needs.
/// Matrices are arrays of rows.
public struct SummaryCurveEstimation: Sendable, Codable, Equatable {
    /// Pooled arcsine-scale β per interval and its covariance (fixed or random, as the result's model).
    public let beta: [Double]
    public let covariance: [[Double]]
    /// Var log Ŝ(t) at each time (delta method); nil from an interval pooled to p = 0 on.
    public let varianceLogSurv: [Double?]
    /// Between-study covariance T before/after the positive semi-definite projection, and the raw
    /// eigenvalues (ascending). Empty for the fixed-effect model.
    public let tauRaw: [[Double]]
    public let tauPSD: [[Double]]
    public let tauRawEigenvalues: [Double]
    /// 0-based intervals where T was not estimable (fewer than 2 studies).
    public let unestimableIntervals: [Int]
    /// REML only.
    public let convergence: SummaryCurveConvergence?

    enum CodingKeys: String, CodingKey {
        case beta, covariance, varianceLogSurv = "var_log_surv", tauRaw = "tau_raw", tauPSD = "tau_psd"
        case tauRawEigenvalues = "tau_raw_eigenvalues", unestimableIntervals = "unestimable_intervals", convergence
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeEach([
            .beta: beta, .covariance: covariance, .varianceLogSurv: varianceLogSurv, .tauRaw: tauRaw,
            .tauPSD: tauPSD, .tauRawEigenvalues: tauRawEigenvalues, .unestimableIntervals: unestimableIntervals,
            .convergence: convergence
        ])
    }
}

/// What went into the pool: the grid, the studies and the transformed cells (study × interval,
/// nil where a study has no cell; RISCA's fill-ins are included in RISCA mode).
public struct SummaryCurveInputSummary: Sendable, Codable, Equatable {
    public let studies: [String]
    public let times: [Double]
    public let studiesPerInterval: [Int]
    /// Cells that count in Q and its df (reported, interpolated or RISCA-replaced).
    public let countedCells: Int
    /// Default mode: cells split from a reported interval spanning several grid intervals.
    public let interpolatedCells: Int
    /// RISCA mode: rows whose undefined transformed value was replaced by the column mean.
    public let replacedRows: [SummaryCurveRowReference]
    /// Rows whose n was derived from their CI.
    public let derivedNumberAtRisk: [SummaryCurveRowReference]
    public let y: [[Double?]]
    public let v: [[Double?]]

    enum CodingKeys: String, CodingKey {
        case studies, times, studiesPerInterval = "studies_per_interval", countedCells = "counted_cells"
        case interpolatedCells = "interpolated_cells", replacedRows = "replaced_rows"
        case derivedNumberAtRisk = "derived_n", y, v
    }
}

/// The summary survival curve and everything around it (contract: `survmeta curve --format json`:
/// `model, rows [{time, surv, ci_low, ci_high}], median, rmst, rmst_tau, q, h2, i2`).
///
/// Scales: times in the input's unit; survival 0–1; `i2` in percent; `beta`, `tau` on the arcsine
/// scale (radians, variances in radians²).
public struct SummaryCurveResult: Sendable, Codable, Equatable {
    public let model: SummaryCurveEffects
    public let compatibility: SummaryCurveCompatibility
    /// nil for the fixed-effect model.
    public let tauEstimator: SummaryCurveTauEstimator?
    public let confidence: SummaryCurveConfidence
    public let level: Double
    public let rows: [SummaryCurvePoint]
    public let median: SummaryCurveTimeSummary
    public let rmst: SummaryCurveTimeSummary
    public let rmstTau: Double
    /// Q = Σ over counted cells (y − β_FE)²/v (always around the fixed-effect estimates).
    public let q: Double
    /// Degrees of freedom H² divides by: RISCA mode (quirk kept) counted cells − studies; default
    /// mode counted cells − intervals (quirk fixed), also the df of `qP`.
    public let qDF: Int
    public let qP: Double?
    public let h2: Double?
    /// Percent, 0–100.
    public let i2: Double?
    public let intervals: [SummaryCurveIntervalHeterogeneity]
    public let seed: UInt64
    public let monteCarlo: SummaryCurveMonteCarloSpec
    public let estimation: SummaryCurveEstimation
    public let input: SummaryCurveInputSummary

    enum CodingKeys: String, CodingKey {
        case model, compatibility, tauEstimator = "tau_estimator", confidence = "ci", level, rows
        case median, medianCILow = "median_ci_low", medianCIHigh = "median_ci_high"
        case rmst, rmstCILow = "rmst_ci_low", rmstCIHigh = "rmst_ci_high", rmstTau = "rmst_tau"
        case medianDetail = "median_detail", rmstDetail = "rmst_detail"
        case q, qDF = "q_df", qP = "q_p", h2, i2, intervals, seed, monteCarlo = "monte_carlo", estimation, input
    }

    init(
        model: SummaryCurveEffects, compatibility: SummaryCurveCompatibility, tauEstimator: SummaryCurveTauEstimator?,
        confidence: SummaryCurveConfidence, level: Double, rows: [SummaryCurvePoint], median: SummaryCurveTimeSummary,
        rmst: SummaryCurveTimeSummary, rmstTau: Double, q: Double, qDF: Int, qP: Double?, h2: Double?, i2: Double?,
        intervals: [SummaryCurveIntervalHeterogeneity], seed: UInt64, monteCarlo: SummaryCurveMonteCarloSpec,
        estimation: SummaryCurveEstimation, input: SummaryCurveInputSummary
    ) {
        self.model = model
        self.compatibility = compatibility
        self.tauEstimator = tauEstimator
        self.confidence = confidence
        self.level = level
        self.rows = rows
        self.median = median
        self.rmst = rmst
        self.rmstTau = rmstTau
        self.q = q
        self.qDF = qDF
        self.qP = qP
        self.h2 = h2
        self.i2 = i2
        self.intervals = intervals
        self.seed = seed
        self.monteCarlo = monteCarlo
        self.estimation = estimation
        self.input = input
    }

    /// The flat contract fields first (`median` and `rmst` are the estimates; their intervals sit
    /// beside them), then the details.
    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeEach([
            .model: model, .compatibility: compatibility, .tauEstimator: tauEstimator, .confidence: confidence,
            .level: level, .rows: rows, .median: median.estimate, .medianCILow: median.ciLow,
            .medianCIHigh: median.ciHigh, .rmst: rmst.estimate, .rmstCILow: rmst.ciLow, .rmstCIHigh: rmst.ciHigh,
            .rmstTau: rmstTau, .q: q, .qDF: qDF, .qP: qP, .h2: h2, .i2: i2, .intervals: intervals, .seed: seed,
            .monteCarlo: monteCarlo, .medianDetail: median, .rmstDetail: rmst, .estimation: estimation,
            .input: input
        ])
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        model = try c.decode(SummaryCurveEffects.self, forKey: .model)
        compatibility = try c.decode(SummaryCurveCompatibility.self, forKey: .compatibility)
        tauEstimator = try c.decodeIfPresent(SummaryCurveTauEstimator.self, forKey: .tauEstimator)
        confidence = try c.decode(SummaryCurveConfidence.self, forKey: .confidence)
        level = try c.decode(Double.self, forKey: .level)
        rows = try c.decode([SummaryCurvePoint].self, forKey: .rows)
        median = try c.decode(SummaryCurveTimeSummary.self, forKey: .medianDetail)
        rmst = try c.decode(SummaryCurveTimeSummary.self, forKey: .rmstDetail)
        rmstTau = try c.decode(Double.self, forKey: .rmstTau)
        q = try c.decode(Double.self, forKey: .q)
        qDF = try c.decode(Int.self, forKey: .qDF)
        qP = try c.decodeIfPresent(Double.self, forKey: .qP)
        h2 = try c.decodeIfPresent(Double.self, forKey: .h2)
        i2 = try c.decodeIfPresent(Double.self, forKey: .i2)
        intervals = try c.decode([SummaryCurveIntervalHeterogeneity].self, forKey: .intervals)
        seed = try c.decode(UInt64.self, forKey: .seed)
        monteCarlo = try c.decode(SummaryCurveMonteCarloSpec.self, forKey: .monteCarlo)
        estimation = try c.decode(SummaryCurveEstimation.self, forKey: .estimation)
        input = try c.decode(SummaryCurveInputSummary.self, forKey: .input)
    }
}

extension KeyedEncodingContainer {
    /// Encodes every field in order, writing an explicit JSON null for a nil value (synthesized
    /// `Codable` would leave the key out, and the contract's fields are always present).
    mutating func encodeEach(_ fields: KeyValuePairs<Key, (any Encodable)?>) throws {
        for (key, value) in fields {
            if let value { try encode(value, forKey: key) } else { try encodeNil(forKey: key) }
        }
    }
}
