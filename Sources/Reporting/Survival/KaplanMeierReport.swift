import Foundation
import StatNumerics
import Survival

/// One reported point of a Kaplan–Meier curve: a step of the fit, or the curve read at a requested
/// time (R's `summary(fit, times, extend = TRUE)`).
public struct KaplanMeierReportRow: Sendable, Equatable {
    public var time: Double
    /// Ŝ(time).
    public var survival: Double
    /// SE of Ŝ (Greenwood, R's `summary(fit)$std.err`, not the log-scale `fit$std.err`); nil where
    /// R gives NaN (Ŝ = 0).
    public var standardError: Double?
    public var lower: Double?
    public var upper: Double?
    /// Number at risk at `time` (0 past the last follow-up).
    public var atRisk: Int
    /// Events at the step, or in (previous requested time, `time`] for requested times.
    public var events: Int
    /// Censorings, counted like `events`.
    public var censored: Int

    public init(time: Double, survival: Double, standardError: Double?, lower: Double?, upper: Double?,
                atRisk: Int, events: Int, censored: Int) {
        self.time = time
        self.survival = survival
        self.standardError = standardError
        self.lower = lower
        self.upper = upper
        self.atRisk = atRisk
        self.events = events
        self.censored = censored
    }

    init(_ step: KaplanMeierStep) {
        self.init(time: step.time, survival: step.survival, standardError: step.standardError,
                  lower: step.lower, upper: step.upper, atRisk: step.atRisk, events: step.events,
                  censored: step.censored)
    }

    init(_ e: KaplanMeierEstimate) {
        self.init(time: e.time, survival: e.survival, standardError: e.standardError, lower: e.lower,
                  upper: e.upper, atRisk: e.atRisk, events: e.events, censored: e.censored)
    }
}

/// Everything `survmeta km` shows, built from the fitted curves: JSON with the contract's fields,
/// a printout like R's `print(survfit)` followed by `summary(survfit)`, Markdown, and the tidy long
/// curve as plot-ready CSV.
public struct KaplanMeierReport: Sendable {
    /// One curve with its summaries.
    public struct Group: Sendable, Equatable {
        /// The group label ("all" for a single pooled curve).
        public var label: String
        public var fit: KaplanMeierFit
        /// Median survival and its interval as `print(fit)` reports them.
        public var median: SurvivalQuantile
        /// RMST up to `KaplanMeierReport.tau` (`print(fit, rmean = tau)`).
        public var restrictedMean: RestrictedMeanSurvival
        /// The requested times, or every step of the fit.
        public var rows: [KaplanMeierReportRow]
    }

    /// The label of the single curve fitted without groups.
    public static let pooledLabel = "all"

    public var groups: [Group]
    /// The requested times (sorted), or nil when every step is listed.
    public var requestedTimes: [Double]?
    /// The RMST truncation time τ.
    public var tau: Double
    /// True when τ was not given: R's default `rmean = "common"`, the largest last follow-up time
    /// over the curves (for one curve, its own last time).
    public var tauIsCommon: Bool
    /// The grouping column, as written in the input header (nil for one pooled curve).
    public var groupColumn: String?
    public var confidenceType: SurvivalConfidenceType
    public var level: Double

    /// Summarises the fitted curves (all fitted with the same confidence type and level).
    ///
    /// - Parameters:
    ///   - times: where to read the curves (R's `summary(fit, times, extend = TRUE)`), or nil for
    ///     every step.
    ///   - tau: the RMST truncation time, or nil for R's `rmean = "common"` (see `tauIsCommon`).
    /// - Throws: `DomainError` for no curves, a negative or non-finite time or τ.
    public init(fits: [KaplanMeierFit], times: [Double]? = nil, tau: Double? = nil,
                groupColumn: String? = nil) throws {
        guard let first = fits.first, let common = KaplanMeier.commonRestrictionTime(fits) else {
            throw DomainError(routine: "Kaplan–Meier report", "no curves to report")
        }
        tauIsCommon = tau == nil
        let tau = tau ?? common
        groups = try fits.map { fit in
            let rows = try times.map { try fit.summary(at: $0).map(KaplanMeierReportRow.init) }
                ?? fit.steps.map(KaplanMeierReportRow.init)
            return Group(label: fit.label ?? Self.pooledLabel, fit: fit, median: fit.median,
                         restrictedMean: try fit.restrictedMean(upTo: tau), rows: rows)
        }
        requestedTimes = times?.sorted()
        self.tau = tau
        self.groupColumn = groupColumn
        confidenceType = first.confidenceType
        level = first.level
    }

    // MARK: JSON

    /// The contract's `km` fields (`groups [{group, n, events, median, median_ci_low,
    /// median_ci_high, rmst, rmst_se, surv [{time, surv, se, ci_low, ci_high, nrisk}]}]`), with
    /// `n_event` and `n_censor` in each `surv` row, then the settings.
    public func json() -> [(String, JSONValue)] {
        let groupValues: [JSONValue] = groups.map { g in
            .object([
                ("group", .string(g.label)),
                ("n", .integer(g.fit.subjects)),
                ("events", .integer(g.fit.eventCount)),
                ("median", .num(g.median.time)),
                ("median_ci_low", .num(g.median.lower)),
                ("median_ci_high", .num(g.median.upper)),
                ("rmst", .num(g.restrictedMean.estimate)),
                ("rmst_se", .num(g.restrictedMean.standardError)),
                ("surv", .array(g.rows.map { r in
                    .object([
                        ("time", .num(r.time)),
                        ("surv", .num(r.survival)),
                        ("se", .num(r.standardError)),
                        ("ci_low", .num(r.lower)),
                        ("ci_high", .num(r.upper)),
                        ("nrisk", .integer(r.atRisk)),
                        ("n_event", .integer(r.events)),
                        ("n_censor", .integer(r.censored)),
                    ])
                })),
            ])
        }
        return [
            ("groups", .array(groupValues)),
            ("group_column", .str(groupColumn)),
            ("conf_type", .string(confidenceType.rawValue)),
            ("level", .number(level)),
            ("times", requestedTimes.map { .array($0.map(JSONValue.num)) } ?? .null),
            ("rmst_tau", .num(tau)),
            ("rmst_tau_rule", .string(tauIsCommon ? "common" : "given")),
            ("se_scale", .string("survival")),
        ]
    }

    // MARK: Table (R-like)

    private var lcl: String { SurvivalNumberFormat.level(level) + "LCL" }
    private var ucl: String { SurvivalNumberFormat.level(level) + "UCL" }

    private func rowName(_ g: Group) -> String {
        groupColumn.map { "\($0)=\(g.label)" } ?? g.label
    }

    /// The `print(survfit, rmean = tau)` table: one row per curve.
    private func summaryTable() -> TextTable {
        let header = ["", "n", "events", "median", lcl, ucl, "rmean*", "se(rmean)"]
        let rows = groups.map { g in
            [rowName(g), String(g.fit.subjects), String(g.fit.eventCount),
             SurvivalNumberFormat.compact(g.median.time), SurvivalNumberFormat.compact(g.median.lower),
             SurvivalNumberFormat.compact(g.median.upper),
             SurvivalNumberFormat.compact(g.restrictedMean.estimate, digits: 5),
             SurvivalNumberFormat.compact(g.restrictedMean.standardError, digits: 5)]
        }
        return TextTable(header: header, rows: rows)
    }

    private var curveHeader: [String] {
        let pct = SurvivalNumberFormat.percent(level)
        return ["time", "n.risk", "n.event", "n.censor", "survival", "std.err", "lower \(pct) CI", "upper \(pct) CI"]
    }

    private func curveCells(_ r: KaplanMeierReportRow) -> [String] {
        [SurvivalNumberFormat.compact(r.time), String(r.atRisk), String(r.events), String(r.censored),
         NumberFormat.fixed(r.survival), NumberFormat.fixed(r.standardError),
         NumberFormat.fixed(r.lower), NumberFormat.fixed(r.upper)]
    }

    private var tauNote: String {
        "* restricted mean with upper limit = \(SurvivalNumberFormat.compact(tau))"
            + (tauIsCommon ? " (the largest follow-up time, R's rmean = \"common\")" : "")
    }

    private var heading: String {
        let by = groupColumn.map { " by \($0)" } ?? ""
        let interval = confidenceType == .none ? "no CI" : "\(SurvivalNumberFormat.percent(level)) pointwise CI"
        return "Kaplan–Meier estimate\(by) (conf.type = \(confidenceType.rawValue), \(interval))"
    }

    private static let seNote = "std.err is the standard error of the survival probability (Greenwood)."

    public func table() -> String {
        var out = heading + "\n\n" + summaryTable().plainText() + "    " + tauNote + "\n"
        for g in groups {
            out += "\n" + rowName(g) + "\n"
            out += TextTable(header: curveHeader, rows: g.rows.map(curveCells),
                             alignments: curveHeader.map { _ in .right }).plainText()
        }
        out += "\n" + Self.seNote + "\n"
        return out
    }

    /// Markdown: the summary table, then one table of curve rows with the group as first column.
    public func markdown() -> String {
        var out = "**" + heading + "**\n\n" + summaryTable().markdown() + "\n" + tauNote + "\n\n"
        let header = ["group"] + curveHeader
        let rows = groups.flatMap { g in g.rows.map { [g.label] + curveCells($0) } }
        out += TextTable(header: header, rows: rows).markdown() + "\n" + Self.seNote + "\n"
        return out
    }

    // MARK: CSV (plot-ready)

    /// The tidy long curve `group,time,surv,se,ci_low,ci_high,nrisk,n_event,n_censor`, full
    /// precision, `NA` for missing values. Without requested times every curve starts with the row
    /// at time 0 (S = 1, SE 0, interval [1, 1], everyone at risk; R's `survfit0`) followed by every
    /// step, so that the rows draw the step function directly; with requested times, the rows of
    /// the JSON `surv` lists.
    public func csv() -> String {
        let header = ["group", "time", "surv", "se", "ci_low", "ci_high", "nrisk", "n_event", "n_censor"]
        var rows: [[String]] = []
        for g in groups {
            if requestedTimes == nil {
                let ci = confidenceType == .none ? "NA" : "1"
                rows.append([g.label, "0", "1", "0", ci, ci, String(g.fit.subjects), "0", "0"])
            }
            for r in g.rows {
                rows.append([g.label, NumberFormat.full(r.time), NumberFormat.full(r.survival),
                             NumberFormat.full(r.standardError), NumberFormat.full(r.lower),
                             NumberFormat.full(r.upper), String(r.atRisk), String(r.events), String(r.censored)])
            }
        }
        return TextTable(header: header, rows: rows).csv()
    }
}
