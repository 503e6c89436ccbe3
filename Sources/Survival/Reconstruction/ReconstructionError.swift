/// Input that `IPDReconstruction` cannot repair without guessing. Each case names the input row
/// (as given by `DigitizedCurve.rows` / `PrintedRiskTable.rows`, 1-based positions by default) and
/// what was expected. The command-line tool maps these to exit code 1 (bad input data).
public enum ReconstructionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The click arrays (times, survival, rows) differ in length.
    case curveLengthMismatch(times: Int, survival: Int, rows: Int?)
    /// The risk-table arrays (times, numbers at risk, rows) differ in length.
    case riskTableLengthMismatch(times: Int, numberAtRisk: Int, rows: Int?)
    /// Fewer than two clicks: no curve to follow.
    case tooFewClicks(count: Int)
    /// A click's time or survival is NaN or infinite.
    case nonFiniteClick(row: Int, column: String, value: Double)
    /// A click's survival is above 100 % by more than rounding (`tolerance` on the 0–1 scale).
    case survivalAboveOne(row: Int, value: Double, scale: SurvivalScale, tolerance: Double)
    /// A click's survival is below 0 by more than rounding.
    case survivalBelowZero(row: Int, value: Double, scale: SurvivalScale, tolerance: Double)
    /// The risk table is empty.
    case emptyRiskTable
    /// A risk-table time is NaN, infinite or negative.
    case invalidRiskTime(row: Int, value: Double)
    /// A number at risk is negative.
    case negativeNumberAtRisk(row: Int, value: Int)
    /// Two risk-table rows give the same time.
    case duplicateRiskTime(row: Int, otherRow: Int, time: Double)
    /// The first risk-table time is not 0, so the number of patients N is unknown.
    case riskTableDoesNotStartAtZero(row: Int, time: Double)
    /// No patients at time 0.
    case noPatients(row: Int)
    /// The number at risk goes up between two (time-sorted) rows.
    case riskTableIncreases(row: Int, previousRow: Int, value: Int, previous: Int)
    /// The printed total number of events is negative.
    case negativeTotalEvents(Int)
    /// The printed total number of events exceeds the number of patients.
    case totalEventsExceedPatients(events: Int, patients: Int)

    public var description: String {
        switch self {
        case let .curveLengthMismatch(t, s, r):
            return "digitized curve: \(t) times but \(s) survival values" + (r.map { " and \($0) row numbers" } ?? "")
                + "; expected one of each per click"
        case let .riskTableLengthMismatch(t, n, r):
            return "risk table: \(t) times but \(n) numbers at risk" + (r.map { " and \($0) row numbers" } ?? "")
                + "; expected one of each per row"
        case let .tooFewClicks(count):
            return "digitized curve: \(count) click\(count == 1 ? "" : "s"); expected at least 2 (time, survival) points"
        case let .nonFiniteClick(row, column, value):
            return "digitized curve row \(row): \(column) is \(value); expected a finite number"
        case let .survivalAboveOne(row, value, scale, tolerance):
            let limit = scale.full * (1 + tolerance)
            return "digitized curve row \(row): survival \(value) is above \(Self.format(scale.full)) by more than rounding "
                + "(limit \(Self.format(limit)) on the \(scale.rawValue) scale)"
                + (scale == .proportion && value > 1.5 ? "; hint: percentages? use the percent scale" : "")
        case let .survivalBelowZero(row, value, scale, tolerance):
            return "digitized curve row \(row): survival \(value) is below 0 by more than rounding "
                + "(limit −\(Self.format(scale.full * tolerance)) on the \(scale.rawValue) scale)"
        case .emptyRiskTable:
            return "risk table: no rows; expected at least the number at risk at time 0"
        case let .invalidRiskTime(row, value):
            return "risk table row \(row): time \(value); expected a finite number ≥ 0"
        case let .negativeNumberAtRisk(row, value):
            return "risk table row \(row): number at risk \(value); expected an integer ≥ 0"
        case let .duplicateRiskTime(row, otherRow, time):
            return "risk table row \(row): time \(Self.format(time)) already given in row \(otherRow); expected distinct times"
        case let .riskTableDoesNotStartAtZero(row, time):
            return "risk table row \(row): first time is \(Self.format(time)); expected the number at risk at time 0 "
                + "(the number of patients), which cannot be recovered from the curve without guessing"
        case let .noPatients(row):
            return "risk table row \(row): 0 at risk at time 0; expected at least one patient"
        case let .riskTableIncreases(row, previousRow, value, previous):
            return "risk table row \(row): \(value) at risk after \(previous) in row \(previousRow); "
                + "expected numbers at risk that never increase with time"
        case let .negativeTotalEvents(e):
            return "total events \(e); expected an integer ≥ 0"
        case let .totalEventsExceedPatients(events, patients):
            return "total events \(events) is larger than the \(patients) patients at time 0; expected at most \(patients)"
        }
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
