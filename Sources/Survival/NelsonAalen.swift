import Foundation
import StatNumerics

/// One step of a Nelson–Aalen curve.
public struct NelsonAalenStep: Sendable, Codable, Equatable {
    public let time: Double
    public let atRisk: Int
    public let events: Int
    public let censored: Int
    /// Ĥ(time) = Σ_{tⱼ ≤ time} dⱼ/nⱼ (R's `cumhaz`, ctype = 1).
    public let cumulativeHazard: Double
    /// √Σ dⱼ/nⱼ² (R's `std.chaz`), which is also the SE of −log Ŝ.
    public let standardError: Double
    /// The Fleming–Harrington (Breslow) survival estimate exp(−Ĥ) (R's `surv` with stype = 2).
    public let survival: Double
    /// Pointwise limits for exp(−Ĥ) per the confidence type (nil where R gives NA).
    public let lower: Double?
    public let upper: Double?
}

/// The Nelson–Aalen estimator of the cumulative hazard and the survival estimate exp(−Ĥ), as R's
/// `survfit(Surv(time, status) ~ 1, stype = 2, ctype = 1)` computes them (survival 3.5).
///
/// Ĥ(t) = Σ_{tⱼ ≤ t} dⱼ/nⱼ (Nelson 1972; Aalen 1978) with variance Σ dⱼ/nⱼ² (R's `std.chaz`²); the
/// survival intervals use that SE on the −log S scale, exactly as Kaplan–Meier uses Greenwood's.
public struct NelsonAalen: Sendable, Equatable, Codable {
    public var confidenceType: SurvivalConfidenceType
    public var level: Double

    public init(confidenceType: SurvivalConfidenceType = .log, level: Double = 0.95) {
        self.confidenceType = confidenceType
        self.level = level
    }

    /// - Throws: `DomainError` for unequal lengths, no subjects, a negative/NaN/infinite time (with
    ///   its index) or a level outside (0, 1).
    public func fit(times: [Double], events: [Bool]) throws -> NelsonAalenFit {
        let routine = "Nelson–Aalen"
        guard times.count == events.count else {
            throw DomainError(routine: routine, "\(times.count) times but \(events.count) event indicators")
        }
        guard !times.isEmpty else { throw DomainError(routine: routine, "no subjects: a curve needs at least one") }
        try SurvivalData.validateTimes(times, routine: routine)
        let z = try normalCriticalValue(level: level, routine: routine)
        var hazard = 0.0
        var variance = 0.0
        let steps = RiskTable.rows(times: times, events: events).map { row -> NelsonAalenStep in
            let n = Double(row.atRisk), d = Double(row.events)
            hazard += d / n
            variance += d / (n * n)
            let se = variance.squareRoot()
            let s = Foundation.exp(-hazard)
            let ci = confidenceType.interval(survival: s, logSE: se, z: z)
            return NelsonAalenStep(time: row.time, atRisk: row.atRisk, events: row.events, censored: row.censored,
                                   cumulativeHazard: hazard, standardError: se, survival: s,
                                   lower: ci.lower, upper: ci.upper)
        }
        return NelsonAalenFit(steps: steps, confidenceType: confidenceType, level: level)
    }

    public func fit(_ data: SurvivalData) throws -> NelsonAalenFit { try fit(times: data.times, events: data.events) }
}

/// A fitted Nelson–Aalen curve.
public struct NelsonAalenFit: Sendable, Codable, Equatable {
    /// Steps at every distinct time (event or censoring), ascending.
    public let steps: [NelsonAalenStep]
    public let confidenceType: SurvivalConfidenceType
    public let level: Double

    /// Ĥ(t): 0 before the first step, carried forward past the last.
    public func cumulativeHazard(at t: Double) -> Double {
        steps.last { $0.time <= t }?.cumulativeHazard ?? 0
    }
}
