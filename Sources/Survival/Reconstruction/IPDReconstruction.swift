/// Reconstruction of individual patient data (IPD) from a digitized Kaplan–Meier curve and its
/// printed numbers at risk (Guyot, Ades, Ouwens & Welton 2012, BMC Med Res Methodol 12:9), with
/// preprocessing that reports every repair and a quality report.
///
/// Usage: `try IPDReconstruction().reconstruct(curve: c, riskTable: r, totalEvents: 123, arm: "A")`.
///
/// **Preprocessing** (each step reports the input rows it touched, see `ReconstructionRepair`):
/// percentages are divided by 100; survival more than `survivalTolerance` above 1 (or below 0) is
/// an error, anything closer is clipped; negative times are set to 0; clicks are sorted by time
/// (at one time from the top of the step to its bottom); at a repeated time the first (top) and
/// last (bottom) click are kept as a vertical step and those between are merged into it; (0, 1) is
/// added when the curve does not start there; rises are removed by weighted isotonic regression
/// (pool-adjacent-violators, weights = clicks merged into a point), which replaces a rising run by
/// its mean instead of deleting points — a deletion rule such as IPDfromKM's outlier filter can
/// remove genuine drops. The risk table must start at time 0 (N cannot be read from a curve
/// without guessing, so this is an error, not a repair), never increase and have distinct times;
/// rows after the last click cannot be reconstructed and are reported (see `Tail`).
///
/// **Algorithm.** The curve is cut into intervals at the risk-table times; the last runs from the
/// last risk-table time at or before the last click to the last click. Events sit at the drops
/// between consecutive clicks: at a vertical step (clicks within 0.2 % of the time axis) at its
/// time; on a sloped run at the step corner when the neighbouring clicks show one (a flat stretch
/// before the drop marks its top corner, one after it its bottom corner), else evenly over the
/// run. Censoring is spread evenly over each interval. In each interval with a printed number at
/// risk at its end, the number censored is found by bisection such that the events implied by the
/// drops leave exactly the printed number (Guyot's iterative adjustment, here guaranteed to stop
/// at an exact match); the integer events of each drop are chosen to bring the product-limit
/// estimate closest to the click, given all earlier rounding. The last interval is censored at the
/// per-person-time rate of the earlier intervals (none when only N is known). When the total of
/// events is printed, the difference from it is shared among ALL intervals in proportion to their
/// events (Guyot's code puts it in the last interval only) and each interval is re-solved to take
/// its share exactly. Patients still at risk after the last click are censored there (`Tail`).
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
