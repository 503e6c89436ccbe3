/// One change made to the input before or during reconstruction, with the input rows it concerns.
///
/// Nothing is removed or altered silently: every clipped value, moved row, pooled rise, merged
/// duplicate, added anchor and unreconstructable risk-table row appears here, in words a person can
/// check against the figure.
public struct ReconstructionRepair: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    /// Which input the repair concerns.
    public enum Source: String, Sendable, Codable, Hashable {
        case curve
        case riskTable = "risk_table"
        case totalEvents = "total_events"
    }

    /// What was done.
    public enum Kind: String, Sendable, Codable, Hashable, CaseIterable {
        /// A negative click time was set to 0.
        case negativeTimeSetToZero = "negative_time_set_to_zero"
        /// A survival value slightly above 1 (or below 0) was clipped to the [0, 1] range.
        case survivalClipped = "survival_clipped"
        /// Clicks were not in time order; they were sorted.
        case clicksSorted = "clicks_sorted"
        /// Clicks closer in time than the time resolution that rose in time order were taken as
        /// one vertical step (top first) at the latest of their times.
        case verticalStepReordered = "vertical_step_reordered"
        /// Clicks at one time beyond the top and bottom of its vertical step were merged into it,
        /// or an exact duplicate click was merged.
        case duplicateTimeMerged = "duplicate_time_merged"
        /// A run of clicks that rose was replaced by its weighted mean (isotonic regression).
        case risePooled = "rise_pooled"
        /// The point (0, 1) was added at the start of the curve.
        case anchorAdded = "anchor_added"
        /// Clicks run past the last risk-table time: the last interval runs to the last click.
        case clicksBeyondRiskTable = "clicks_beyond_risk_table"
        /// Risk-table rows were not in time order; they were sorted.
        case riskTableSorted = "risk_table_sorted"
        /// A risk-table row lies after the last click and cannot be reconstructed from the curve.
        case riskRowBeyondCurve = "risk_row_beyond_curve"
        /// Patients still at risk at the last click were censored to follow the printed numbers
        /// at risk after it (assuming no further events).
        case censoringExtrapolated = "censoring_extrapolated"
        /// The printed number at risk could not be met (the curve and the table disagree).
        case numberAtRiskNotMatched = "number_at_risk_not_matched"
        /// The events of a drop that spans a risk-table time were spread across that time instead
        /// of being put at the end of the drop the clicks point to, because that reading could not
        /// hold the printed total of events.
        case dropSpreadAcrossRiskTime = "drop_spread_across_risk_time"
        /// The printed total of events could not be met exactly.
        case totalEventsNotMatched = "total_events_not_matched"
    }

    public var kind: Kind
    public var source: Source
    /// The input rows concerned (as given by the `rows` of the input; 1-based positions by default).
    public var rows: [Int]
    /// What was found and what was done, in words.
    public var message: String

    public init(kind: Kind, source: Source, rows: [Int], message: String) {
        self.kind = kind
        self.source = source
        self.rows = rows
        self.message = message
    }

    init(kind: Kind, source: Source, rows: [Int], text: RepairText) {
        self.init(kind: kind, source: source, rows: rows, message: text.string)
    }

    public var description: String {
        let what = source == .totalEvents ? "total events" : (source == .curve ? "curve" : "risk table")
        if rows.isEmpty { return "\(what): \(message)" }
        let label = rows.count == 1 ? "row \(rows[0])" : "rows \(Self.rowList(rows))"
        return "\(what) \(label): \(message)"
    }

    /// "3, 5, 7–9" for [3, 5, 7, 8, 9].
    static func rowList(_ rows: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        while i < rows.count {
            var j = i
            while j + 1 < rows.count && rows[j + 1] == rows[j] + 1 { j += 1 }
            parts.append(j > i + 1 ? "\(rows[i])–\(rows[j])" : (j == i + 1 ? "\(rows[i]), \(rows[j])" : "\(rows[i])"))
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }
}
