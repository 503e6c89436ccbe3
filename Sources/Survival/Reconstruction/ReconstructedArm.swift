import StatNumerics

/// Reconstructed patient data of one arm with its quality report.
public struct ReconstructedArm: Sendable, Codable, Equatable {
    /// The arm label given to `reconstruct` (nil if none).
    public var arm: String?
    /// Follow-up times, ascending (at a tie, events first), in the unit of the figure's x-axis.
    public var times: [Double]
    /// Event indicators: true = event, false = censored.
    public var events: [Bool]
    public var report: ReconstructionReport

    public init(arm: String?, times: [Double], events: [Bool], report: ReconstructionReport) {
        self.arm = arm
        self.times = times
        self.events = events
        self.report = report
    }

    /// Number of patients N.
    public var patientCount: Int { times.count }
    /// Number of events.
    public var eventCount: Int { events.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// The records as `SurvivalData`, grouped by the arm label when there is one.
    public func survivalData() throws -> SurvivalData {
        try SurvivalData(times: times, eventFlags: events, groups: arm.map { Array(repeating: $0, count: times.count) })
    }
}

/// How well the reconstruction matches what was printed and digitized.
public struct ReconstructionReport: Sendable, Codable, Equatable {
    /// One printed risk-table row against the reconstruction.
    public struct RiskCheck: Sendable, Codable, Equatable {
        /// Input row of the risk-table entry.
        public var row: Int
        public var time: Double
        public var printed: Int
        /// #{reconstructed times ≥ time}, the same convention as the printed table.
        public var reconstructed: Int
        /// Reconstructed events from this time up to the next risk-table time (or the last click).
        public var events: Int
        /// Reconstructed censorings in the same span.
        public var censored: Int
        /// True for a row after the last click (not reconstructable from the curve).
        public var beyondCurve: Bool

        public init(row: Int, time: Double, printed: Int, reconstructed: Int, events: Int, censored: Int, beyondCurve: Bool) {
            self.row = row
            self.time = time
            self.printed = printed
            self.reconstructed = reconstructed
            self.events = events
            self.censored = censored
            self.beyondCurve = beyondCurve
        }
    }

    /// Number of patients N (the printed number at risk at time 0).
    public var patients: Int
    /// Reconstructed number of events.
    public var events: Int
    /// The printed total of events, if given.
    public var printedTotalEvents: Int?
    /// Printed against reconstructed numbers at risk, one entry per risk-table row.
    public var numbersAtRisk: [RiskCheck]
    /// Largest vertical distance (0–1 scale) from an input click to the reconstructed KM curve,
    /// vertical steps included (a click on a step's riser has distance 0).
    public var maxAbsDifference: Double
    /// Mean of the same distances over all input clicks.
    public var meanAbsDifference: Double
    /// Time of the last click: the reconstruction ends there (unless censoring is extrapolated).
    public var lastClickTime: Double
    /// Every change made to the input, in order.
    public var repairs: [ReconstructionRepair]

    public init(patients: Int, events: Int, printedTotalEvents: Int?, numbersAtRisk: [RiskCheck],
                maxAbsDifference: Double, meanAbsDifference: Double, lastClickTime: Double, repairs: [ReconstructionRepair]) {
        self.patients = patients
        self.events = events
        self.printedTotalEvents = printedTotalEvents
        self.numbersAtRisk = numbersAtRisk
        self.maxAbsDifference = maxAbsDifference
        self.meanAbsDifference = meanAbsDifference
        self.lastClickTime = lastClickTime
        self.repairs = repairs
    }

    /// True when every printed number at risk up to the last click is reproduced exactly.
    public var numbersAtRiskMatched: Bool {
        numbersAtRisk.allSatisfy { $0.beyondCurve || $0.printed == $0.reconstructed }
    }

    /// True when a printed total of events was given and is reproduced exactly.
    public var totalEventsMatched: Bool? { printedTotalEvents.map { $0 == events } }
}
