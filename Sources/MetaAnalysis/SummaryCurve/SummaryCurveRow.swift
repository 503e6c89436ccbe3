/// One reported point of one study's survival curve: the long input format of the summary
/// survival curve (Combescure C, Foucher Y, Jackson D, Stat Med 2014;33(15):2521–37,
/// doi:10.1002/sim.6111), as `survmeta curve` reads it (`study,time,surv,n`).
///
/// - `time` is on the study's own scale (months in the hepatology example), > 0; the curve starts
///   at S(0) = 1 implicitly.
/// - `surv` is the Kaplan–Meier survival probability S(time), 0–1.
/// - `n` is the number at risk for the interval that *ends* at `time`, i.e. (previous time, time],
///   the denominator of that interval's conditional survival S(time)/S(previous). It may be
///   fractional (derived with the methods of Parmar or Williamson to allow for censoring).
/// - Instead of `n`, a row may carry the curve's pointwise CI (`ciLow`, `ciHigh`); `n` is then
///   derived from the increments of the Greenwood variance (see `SummaryCurveData`). When both
///   are given, `n` is used and the CI is only checked.
public struct SummaryCurveRow: Sendable, Codable, Equatable, Hashable {
    /// The study label (rows of one study share it).
    public var study: String
    public var time: Double
    public var surv: Double
    public var n: Double?
    public var ciLow: Double?
    public var ciHigh: Double?
    /// A grouping label for `compareStrata` (e.g. `Asia`); nil rows are left out of that comparison.
    public var stratum: String?
    /// The physical line of the source file (header = 1), when the row came from a file; errors name
    /// it. When nil, errors name the 1-based position of the row in the array instead.
    public var line: Int?

    public init(
        study: String, time: Double, surv: Double, n: Double? = nil,
        ciLow: Double? = nil, ciHigh: Double? = nil, stratum: String? = nil, line: Int? = nil
    ) {
        self.study = study
        self.time = time
        self.surv = surv
        self.n = n
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.stratum = stratum
        self.line = line
    }

    enum CodingKeys: String, CodingKey {
        case study, time, surv, n, ciLow = "ci_low", ciHigh = "ci_high", stratum, line
    }
}

/// Where an offending input row is: its position in the array passed in, the file line when known,
/// and its study and time, so a person can find it.
public struct SummaryCurveRowReference: Sendable, Codable, Equatable, Hashable, CustomStringConvertible {
    /// 1-based position of the row in the input array.
    public var index: Int
    /// The source line, when the row came from a file.
    public var line: Int?
    public var study: String
    public var time: Double

    public init(index: Int, line: Int?, study: String, time: Double) {
        self.index = index
        self.line = line
        self.study = study
        self.time = time
    }

    public var description: String {
        let place = line.map { "line \($0)" } ?? "row \(index)"
        return "\(place) (study \(study), time \(SummaryCurveRowReference.format(time)))"
    }

    static func format(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}

/// Why the rows cannot be pooled into a summary survival curve. Each case names the row (or study)
/// and what was expected; the command-line tool maps these to exit code 1 (bad input data).
public enum SummaryCurveInputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No rows, or fewer than `required` studies.
    case tooFewStudies(found: Int, required: Int)
    /// A field is NaN or infinite.
    case notFinite(SummaryCurveRowReference, field: String, value: Double)
    /// `time` ≤ 0 (the curve starts at S(0) = 1 implicitly).
    case timeNotPositive(SummaryCurveRowReference)
    /// `surv` is outside [0, 1].
    case survivalOutOfRange(SummaryCurveRowReference, value: Double)
    /// `n` ≤ 0.
    case numberAtRiskNotPositive(SummaryCurveRowReference, value: Double)
    /// Neither `n` nor a CI to derive it from.
    case missingNumberAtRisk(SummaryCurveRowReference)
    /// The CI is not ordered `0 ≤ ciLow ≤ surv ≤ ciHigh ≤ 1`.
    case confidenceLimitsOutOfOrder(SummaryCurveRowReference, low: Double, surv: Double, high: Double)
    /// `n` cannot be derived from the CI of this row (why is in `reason`).
    case cannotDeriveNumberAtRisk(SummaryCurveRowReference, reason: String)
    /// The row's time is not after the previous time of its study (rows must be in time order).
    case timeOutOfOrder(SummaryCurveRowReference, previousTime: Double)
    /// The same study reports this time twice.
    case duplicateTime(SummaryCurveRowReference)
    /// The survival rises above the previous row's of the same study.
    case survivalIncreases(SummaryCurveRowReference, value: Double, previous: Double)
    /// The study's survival reached 0 at `zeroTime`, so the conditional survival of this later row
    /// (S/0) is undefined.
    case rowAfterZeroSurvival(SummaryCurveRowReference, zeroTime: Double)
    /// RISCA mode only: the study does not report every time of the common grid up to its own last
    /// time (`RISCA::survival.summary` would return NA everywhere).
    case incompleteCommonGrid(study: String, missingTime: Double)
    /// RISCA mode only: every study's transformed conditional survival is undefined in one interval.
    case noDefinedValue(time: Double)
    /// A study carries two different strata.
    case inconsistentStratum(SummaryCurveRowReference, expected: String, found: String)
    /// Fewer than two strata to compare, or no time at which every stratum has two studies.
    case strataNotComparable(String)

    public var description: String {
        switch self {
        case let .tooFewStudies(found, required):
            return "summary curve: \(found) studies; expected at least \(required)"
        case let .notFinite(row, field, value):
            return "\(row): \(field) = \(value) is not finite; expected a finite number"
        case let .timeNotPositive(row):
            return "\(row): time must be > 0 (the curve starts at S(0) = 1 implicitly)"
        case let .survivalOutOfRange(row, value):
            return "\(row): survival \(value) is outside [0, 1]; expected a probability (use 0–1, not percent)"
        case let .numberAtRiskNotPositive(row, value):
            return "\(row): number at risk n = \(value); expected a number > 0"
        case let .missingNumberAtRisk(row):
            return "\(row): no number at risk; expected n, or ci_low and ci_high to derive it"
        case let .confidenceLimitsOutOfOrder(row, low, surv, high):
            return "\(row): confidence limits \(low), \(high) around survival \(surv); expected 0 ≤ ci_low ≤ surv ≤ ci_high ≤ 1"
        case let .cannotDeriveNumberAtRisk(row, reason):
            return "\(row): cannot derive the number at risk from the CI: \(reason); give n instead"
        case let .timeOutOfOrder(row, previous):
            return "\(row): time is not after the study's previous time \(SummaryCurveRowReference.format(previous)); expected each study's rows in increasing time"
        case let .duplicateTime(row):
            return "\(row): the study reports this time twice; expected one row per study and time"
        case let .survivalIncreases(row, value, previous):
            return "\(row): survival \(value) rises above the study's previous value \(previous); expected a non-increasing curve"
        case let .rowAfterZeroSurvival(row, zeroTime):
            return "\(row): the study's survival is already 0 at time \(SummaryCurveRowReference.format(zeroTime)), so the conditional survival of this interval (S/0) is undefined; expected no rows after a survival of 0"
        case let .incompleteCommonGrid(study, missingTime):
            return "study \(study): no row at time \(SummaryCurveRowReference.format(missingTime)); RISCA mode needs every study to report every grid time up to its own last time (RISCA returns NA here). Use the default mode, which builds the union grid"
        case let .noDefinedValue(time):
            return "time \(SummaryCurveRowReference.format(time)): no study has a defined conditional survival in this interval"
        case let .inconsistentStratum(row, expected, found):
            return "\(row): stratum \"\(found)\" differs from the study's earlier stratum \"\(expected)\"; expected one stratum per study"
        case let .strataNotComparable(reason):
            return "strata comparison: \(reason)"
        }
    }
}
