import StatNumerics

/// The Kaplan–Meier curve read at a requested time, as a row of R's
/// `summary(fit, times = …, extend = TRUE)`.
public struct KaplanMeierEstimate: Sendable, Codable, Equatable {
    /// The requested time.
    public let time: Double
    /// Subjects with follow-up ≥ `time` (0 past the last follow-up), R's n.risk at a requested time.
    public let atRisk: Int
    /// Events in (previous requested time, `time`] (the first interval starts at time 0, inclusive).
    public let events: Int
    /// Censorings in the same interval.
    public let censored: Int
    /// Ŝ(time), carried forward past the last step.
    public let survival: Double
    /// SE of Ŝ (Greenwood); nil where R gives NaN (Ŝ = 0).
    public let standardError: Double?
    /// SE of −log Ŝ (R's `fit$std.err`); nil where R gives Inf.
    public let logStandardError: Double?
    public let lower: Double?
    public let upper: Double?
    /// Nelson–Aalen cumulative hazard at `time`.
    public let cumulativeHazard: Double
    public let cumulativeHazardStandardError: Double
}

extension KaplanMeierFit {
    /// The curve at the given times, sorted ascending as R sorts them, with R's
    /// `summary(fit, times, extend = TRUE)` semantics: before the first step S = 1 with SE 0 and
    /// interval [1, 1] (the row `survfit0` adds at time 0); past the last follow-up the last values
    /// are carried forward and n.risk is 0.
    ///
    /// - Throws: `DomainError` for a negative, NaN or infinite time (naming its index in `times`).
    public func summary(at times: [Double]) throws -> [KaplanMeierEstimate] {
        for (i, t) in times.enumerated() where !(t.isFinite && t >= 0) {
            throw DomainError(routine: KaplanMeier.routine, "requested time at index \(i) is \(t); expected a finite number ≥ 0")
        }
        // Cumulative event and censoring counts through each step.
        var cumEvents: [Int] = []
        var cumCensored: [Int] = []
        var e = 0
        var c = 0
        for step in steps {
            e += step.events; c += step.censored
            cumEvents.append(e); cumCensored.append(c)
        }
        var previousEvents = 0
        var previousCensored = 0
        return times.sorted().map { t in
            let j = lastStepIndex(atOrBefore: t)
            let atRisk = steps.reduce(0) { $0 + ($1.time >= t ? $1.events + $1.censored : 0) }
            let eventsThrough = j.map { cumEvents[$0] } ?? 0
            let censoredThrough = j.map { cumCensored[$0] } ?? 0
            defer { previousEvents = eventsThrough; previousCensored = censoredThrough }
            guard let j else {
                let ci: Double? = confidenceType == .none ? nil : 1
                return KaplanMeierEstimate(time: t, atRisk: atRisk, events: eventsThrough - previousEvents,
                                           censored: censoredThrough - previousCensored, survival: 1,
                                           standardError: 0, logStandardError: 0, lower: ci, upper: ci,
                                           cumulativeHazard: 0, cumulativeHazardStandardError: 0)
            }
            let s = steps[j]
            return KaplanMeierEstimate(time: t, atRisk: atRisk, events: eventsThrough - previousEvents,
                                       censored: censoredThrough - previousCensored, survival: s.survival,
                                       standardError: s.standardError, logStandardError: s.logStandardError,
                                       lower: s.lower, upper: s.upper, cumulativeHazard: s.cumulativeHazard,
                                       cumulativeHazardStandardError: s.cumulativeHazardStandardError)
        }
    }
}
