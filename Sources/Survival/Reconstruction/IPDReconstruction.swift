/// Reconstruction of individual patient data (IPD) from a digitized Kaplan–Meier curve and its
/// printed numbers at risk (Guyot, Ades, Ouwens & Welton 2012, BMC Med Res Methodol 12:9), with
/// preprocessing that reports every repair and a quality report.
///
/// Usage: `try IPDReconstruction().reconstruct(curve: c, riskTable: r, totalEvents: 123, arm: "A")`.
///
/// **Preprocessing** (each step reports the input rows it touched, see `ReconstructionRepair`):
/// percentages are divided by 100; survival more than `survivalTolerance` above 1 (or below 0) is
/// an error, anything closer is clipped; negative times are set to 0; clicks are sorted by time
/// (at one time from the top of the step to its bottom; clicks closer in time than 0.2 % of the
/// time axis that rise in time order are one vertical step read with noise in x, so they are put
/// top first at the latest of their times); at a repeated time the first (top) and
/// last (bottom) click are kept as a vertical step and those between are merged into it; (0, 1) is
/// added when the curve does not start there; rises are removed by weighted isotonic regression
/// (pool-adjacent-violators, weights = clicks merged into a point), which replaces a rising run by
/// its mean instead of deleting points — a deletion rule such as IPDfromKM's outlier filter can
/// remove genuine drops. The risk table must start at time 0 (N cannot be read from a curve
/// without guessing, so this is an error, not a repair), never increase and have distinct times;
/// rows after the last click cannot be reconstructed and are reported (see `Tail`).
///
/// **Algorithm.** The curve is cut into intervals at the risk-table times; the last runs from the
/// last risk-table time at or before the last click to the last click.
/// - *Where events go.* Events sit at the drops between consecutive clicks. How the person clicked
///   is read off the clicks: when at least a quarter of the drops are vertical (clicks within 0.2 %
///   of the time axis), they clicked step corners, and a drop between clicks at different times is
///   a step whose corners were missed — its events go at the corner the neighbouring clicks point
///   to (a flat stretch into the drop marks its top corner, a flat stretch out of it its bottom
///   corner, a vertical drop next to it the opposite corner), else evenly over the drop;
///   otherwise they clicked one point per step, and the events go at the later click (Guyot's
///   convention). A drop that spans a risk-table time is split there the same way.
/// - *Integer events.* Walking through the drops with n at risk and the reconstructed
///   product-limit value Ŝ, each drop gets the integer number of events that brings
///   Ŝ·Π(1 − 1/nⱼ) (the exact product, censoring between its events included) closest to the
///   click: rounding that preserves the product-limit estimate and corrects earlier rounding.
/// - *Where censoring goes.* Inside every interval censoring is spread in proportion to the curve
///   S(t): only the event-free can be censored, and their potential censoring times (mostly the
///   data cut-off after staggered entry) are taken as uniform within the interval. Spreading it
///   in proportion to the number at risk (a constant censoring hazard) would put it too early
///   where much of an interval is cut off, leaving too few at risk at the drops and too few
///   events; Guyot's even spread in time is the same rule with S taken as flat.
/// - *An interval with a printed end*: the number censored is found by bisection so that the
///   printed number at risk at the end is met exactly (Guyot's iterative adjustment, here
///   guaranteed to stop at an exact match); if even no censoring leaves too many events, all drops
///   of the interval are scaled down alike.
/// - *The last interval* is assumed to end with the follow-up, as Kaplan–Meier curves are drawn:
///   patients still at risk at its start are censored over it, events first, as far as the drops
///   allow (no drop followed worse than with no censoring, plus twice the click noise); those
///   left — at least the first printed number at risk after the last click — are censored at the
///   last click (see `Tail`).
/// - *Printed total of events.* The difference from it is shared among ALL intervals (Guyot's
///   code puts it in the last one only) in proportion to how uncertain each interval's count is
///   (censoring timing and click noise; see `ReconstructionEngine.matchTotal`), and each interval
///   is re-solved to take its share exactly. If the total is out of reach only because a drop
///   that spans a risk-table time was put wholly at one end (by the corner reading or at the later
///   click), such drops are spread across the time and the reconstruction is rerun (reported as
///   `dropSpreadAcrossRiskTime`).
/// - *Only N known* (`reconstruct(curve:patients:)`): a single open interval, as above.
public struct IPDReconstruction: Sendable, Codable, Equatable {
    /// What happens to patients still at risk at the last click.
    public enum Tail: String, Sendable, Codable, CaseIterable {
        /// Censored at the time of the last click (Guyot; IPDfromKM). Printed numbers at risk after
        /// the last click are reported as not reconstructed.
        case censorAtLastClick = "censor_at_last_click"
        /// Censored evenly between the printed risk-table times after the last click so that those
        /// printed numbers are reproduced, assuming no events after the last click (which the
        /// curve cannot show). A documented extrapolation, off by default.
        case extrapolateCensoring = "extrapolate_censoring"
    }

    public var tail: Tail
    /// How far above 1 (or below 0), on the 0–1 scale, a click may be and still be clipped as a
    /// rounding slip: 0.05 (105 % on the percent scale). Farther is an error.
    public var survivalTolerance: Double

    public init(tail: Tail = .censorAtLastClick, survivalTolerance: Double = 0.05) {
        self.tail = tail
        self.survivalTolerance = survivalTolerance
    }

    /// Reconstructs one arm from its clicks and printed risk table.
    ///
    /// - Parameters:
    ///   - totalEvents: the printed total of events in the arm, if reported (matched exactly when
    ///     the curve has drops to hold them).
    ///   - arm: a label carried into the result.
    /// - Throws: `ReconstructionError` naming the input row, for input that cannot be repaired.
    public func reconstruct(curve: DigitizedCurve, riskTable: PrintedRiskTable, totalEvents: Int? = nil,
                            arm: String? = nil) throws -> ReconstructedArm {
        let cleaned = try CurvePreprocessing.clean(curve, tolerance: survivalTolerance)
        let table = try RiskTableValidation.validate(riskTable)
        if let totalEvents {
            if totalEvents < 0 { throw ReconstructionError.negativeTotalEvents(totalEvents) }
            if totalEvents > table.patients {
                throw ReconstructionError.totalEventsExceedPatients(events: totalEvents, patients: table.patients)
            }
        }
        return ReconstructionAssembly(cleaned: cleaned, table: table, totalEvents: totalEvents, tail: tail,
                                      arm: arm, scale: curve.scale).build()
    }

    /// Reconstructs one arm when only the number of patients is known (no risk table after time
    /// 0): no censoring before the last click unless the total of events asks for it.
    public func reconstruct(curve: DigitizedCurve, patients: Int, totalEvents: Int? = nil,
                            arm: String? = nil) throws -> ReconstructedArm {
        try reconstruct(curve: curve, riskTable: .initialOnly(patients), totalEvents: totalEvents, arm: arm)
    }
}
