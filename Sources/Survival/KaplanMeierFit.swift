import Foundation
import StatNumerics

/// One step of a Kaplan–Meier curve: a distinct observed time (event or censoring) with R's
/// `survfit` columns.
public struct KaplanMeierStep: Sendable, Codable, Equatable {
    public let time: Double
    /// n.risk: subjects with follow-up ≥ `time`.
    public let atRisk: Int
    /// n.event at `time`.
    public let events: Int
    /// n.censor at `time`.
    public let censored: Int
    /// Ŝ(time), the product-limit estimate just after `time`.
    public let survival: Double
    /// SE of Ŝ by Greenwood's formula, Ŝ·std.err (R's `summary(fit)$std.err`); nil where Ŝ = 0
    /// (R: NaN).
    public let standardError: Double?
    /// R's `fit$std.err`: the SE of −log Ŝ (cumulative-hazard scale), √Σ d/(n(n−d)); nil once n = d
    /// at some step (R: Inf).
    public let logStandardError: Double?
    /// Pointwise lower confidence limit for S (nil where R gives NA, or with confidence type `none`).
    public let lower: Double?
    /// Pointwise upper confidence limit for S.
    public let upper: Double?
    /// Nelson–Aalen cumulative hazard Σ d/n (R's `cumhaz`).
    public let cumulativeHazard: Double
    /// Its standard error √Σ d/n² (R's `std.chaz`).
    public let cumulativeHazardStandardError: Double
}

/// A fitted Kaplan–Meier curve (see `KaplanMeier`). Immutable; survival at any time, quantiles and
/// restricted means are computed from it on demand.
public struct KaplanMeierFit: Sendable, Codable, Equatable {
    /// The group label, when fitted per group.
    public let label: String?
    /// Number of subjects.
    public let subjects: Int
    /// Number of events.
    public let eventCount: Int
    /// The steps at every distinct time, ascending.
    public let steps: [KaplanMeierStep]
    public let confidenceType: SurvivalConfidenceType
    public let level: Double
    /// The normal critical value z used for the intervals.
    public let criticalValue: Double

    init(rows: [RiskTableRow], label: String?, confidenceType: SurvivalConfidenceType, level: Double, z: Double) {
        var s = 1.0
        var greenwood = 0.0
        var greenwoodInfinite = false
        var hazard = 0.0
        var hazardVariance = 0.0
        var steps: [KaplanMeierStep] = []
        steps.reserveCapacity(rows.count)
        for row in rows {
            let n = Double(row.atRisk)
            let d = Double(row.events)
            if row.events > 0 {
                s *= (n - d) / n
                if row.events == row.atRisk { greenwoodInfinite = true } else { greenwood += d / (n * (n - d)) }
                hazard += d / n
                hazardVariance += d / (n * n)
            }
            let logSE: Double? = greenwoodInfinite ? nil : greenwood.squareRoot()
            let ci = confidenceType.interval(survival: s, logSE: logSE, z: z)
            steps.append(KaplanMeierStep(
                time: row.time, atRisk: row.atRisk, events: row.events, censored: row.censored,
                survival: s, standardError: logSE.map { $0 * s }, logStandardError: logSE,
                lower: ci.lower, upper: ci.upper,
                cumulativeHazard: hazard, cumulativeHazardStandardError: hazardVariance.squareRoot()))
        }
        self.label = label
        self.subjects = rows.first?.atRisk ?? 0
        self.eventCount = rows.reduce(0) { $0 + $1.events }
        self.steps = steps
        self.confidenceType = confidenceType
        self.level = level
        self.criticalValue = z
    }

    /// The steps at which at least one event occurred (R's `summary(fit)` without `times`).
    public var eventSteps: [KaplanMeierStep] { steps.filter { $0.events > 0 } }

    /// The last observed time (event or censoring).
    public var lastTime: Double { steps.last?.time ?? 0 }

    /// Ŝ(t): 1 before the first step, the last value carried forward past the last time.
    public func survival(at t: Double) -> Double {
        guard let j = lastStepIndex(atOrBefore: t) else { return 1 }
        return steps[j].survival
    }

    /// Ŝ at each of `times` (any order, any values; negative times give 1).
    public func survival(at times: [Double]) -> [Double] { times.map { survival(at: $0) } }

    /// The index of the last step with time ≤ t, or nil before the first step.
    func lastStepIndex(atOrBefore t: Double) -> Int? {
        var lo = 0
        var hi = steps.count   // first index with time > t
        while lo < hi {
            let mid = (lo + hi) / 2
            if steps[mid].time <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }
}
