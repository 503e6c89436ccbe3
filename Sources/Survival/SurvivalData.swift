import StatNumerics

/// Patient-level (individual participant) right-censored survival data.
///
/// One entry per subject: a follow-up `time` (finite, ≥ 0, in the data's own unit), whether the
/// subject had the `event` (true) or was censored (false), an optional `group` label (the arm
/// compared by log-rank and Cox), an optional `stratum` label (for stratified log-rank and Cox) and
/// optional numeric covariates (for Cox). This is the input `Surv(time, status) ~ group + strata(s) + x`
/// of R's `survival` package.
///
/// The initialisers validate everything and throw `DomainError` naming the offending (0-based) index.
public struct SurvivalData: Sendable, Codable, Equatable {
    /// A named numeric covariate, one value per subject.
    public struct Covariate: Sendable, Codable, Equatable {
        public let name: String
        public let values: [Double]

        public init(name: String, values: [Double]) {
            self.name = name
            self.values = values
        }
    }

    /// Follow-up times, finite and ≥ 0.
    public let times: [Double]
    /// Event indicators: true = event, false = right-censored.
    public let events: [Bool]
    /// Group labels (one per subject), or nil when the data have a single group.
    public let groups: [String]?
    /// Stratum labels (one per subject), or nil when unstratified.
    public let strata: [String]?
    /// Numeric covariates, each with one finite value per subject, in model order.
    public let covariates: [Covariate]

    /// Validated data from 0/1 event codes.
    ///
    /// - Throws: `DomainError` when the arrays differ in length, a time is negative, NaN or infinite,
    ///   an event code is not 0 or 1, or a covariate value is not finite (the message names the index).
    public init(times: [Double], events: [Int], groups: [String]? = nil, strata: [String]? = nil,
                covariates: [Covariate] = []) throws {
        var flags: [Bool] = []
        flags.reserveCapacity(events.count)
        for (i, e) in events.enumerated() {
            guard e == 0 || e == 1 else {
                throw DomainError(routine: SurvivalData.routine, "event at index \(i) is \(e); expected 0 (censored) or 1 (event)")
            }
            flags.append(e == 1)
        }
        try self.init(times: times, eventFlags: flags, groups: groups, strata: strata, covariates: covariates)
    }

    /// Validated data from 0/1 event codes stored as floating-point numbers (as read from a CSV file).
    ///
    /// - Throws: `DomainError` as `init(times:events:…)`; an event that is not exactly 0 or 1 (NaN,
    ///   0.5, 2) is rejected with its index.
    public init(times: [Double], events: [Double], groups: [String]? = nil, strata: [String]? = nil,
                covariates: [Covariate] = []) throws {
        var flags: [Bool] = []
        flags.reserveCapacity(events.count)
        for (i, e) in events.enumerated() {
            guard e == 0 || e == 1 else {
                throw DomainError(routine: SurvivalData.routine, "event at index \(i) is \(e); expected 0 (censored) or 1 (event)")
            }
            flags.append(e == 1)
        }
        try self.init(times: times, eventFlags: flags, groups: groups, strata: strata, covariates: covariates)
    }

    /// Validated data from Boolean event flags (true = event).
    public init(times: [Double], eventFlags: [Bool], groups: [String]? = nil, strata: [String]? = nil,
                covariates: [Covariate] = []) throws {
        let n = times.count
        guard eventFlags.count == n else {
            throw DomainError(routine: SurvivalData.routine, "\(n) times but \(eventFlags.count) event indicators")
        }
        try SurvivalData.validateTimes(times)
        if let groups, groups.count != n {
            throw DomainError(routine: SurvivalData.routine, "\(n) times but \(groups.count) group labels")
        }
        if let strata, strata.count != n {
            throw DomainError(routine: SurvivalData.routine, "\(n) times but \(strata.count) stratum labels")
        }
        var names = Set<String>()
        for c in covariates {
            guard c.values.count == n else {
                throw DomainError(routine: SurvivalData.routine, "covariate '\(c.name)' has \(c.values.count) values for \(n) subjects")
            }
            guard names.insert(c.name).inserted else {
                throw DomainError(routine: SurvivalData.routine, "covariate name '\(c.name)' appears twice")
            }
            if let i = c.values.firstIndex(where: { !$0.isFinite }) {
                throw DomainError(routine: SurvivalData.routine, "covariate '\(c.name)' at index \(i) is \(c.values[i]); expected a finite number")
            }
        }
        self.times = times
        self.events = eventFlags
        self.groups = groups
        self.strata = strata
        self.covariates = covariates
    }

    /// The number of subjects.
    public var count: Int { times.count }

    /// The number of events.
    public var eventCount: Int { events.reduce(0) { $0 + ($1 ? 1 : 0) } }

    /// The distinct group labels in sorted order (R's factor levels for a character vector, in
    /// code-point order); empty when there are no groups.
    public var groupLevels: [String] { groups.map { Array(Set($0)).sorted() } ?? [] }

    /// The subjects (indices) with the given group label.
    public func indices(ofGroup label: String) -> [Int] {
        guard let groups else { return [] }
        return groups.indices.filter { groups[$0] == label }
    }

    static let routine = "SurvivalData"

    /// Throws unless every time is finite and ≥ 0.
    static func validateTimes(_ times: [Double], routine: String = SurvivalData.routine) throws {
        for (i, t) in times.enumerated() {
            if t.isNaN {
                throw DomainError(routine: routine, "time at index \(i) is NaN; expected a finite number ≥ 0")
            }
            if !t.isFinite {
                throw DomainError(routine: routine, "time at index \(i) is \(t); expected a finite number ≥ 0")
            }
            if t < 0 {
                throw DomainError(routine: routine, "time at index \(i) is negative (\(t)); expected a finite number ≥ 0")
            }
        }
    }
}
