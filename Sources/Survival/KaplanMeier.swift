import Foundation
import StatNumerics

/// The Kaplan–Meier (product-limit) estimator of the survival function, as R's
/// `survfit(Surv(time, status) ~ 1, conf.type = …, conf.int = …)` computes it (survival 3.5).
///
/// At each distinct time tⱼ with nⱼ at risk and dⱼ events:
/// - Ŝ(t) = Π_{tⱼ ≤ t} (1 − dⱼ/nⱼ) (Kaplan & Meier 1958);
/// - Greenwood: Var(−log Ŝ) = Σ dⱼ / (nⱼ(nⱼ − dⱼ)), infinite once nⱼ = dⱼ (Greenwood 1926);
///   R's `std.err` is its square root, the SE on the cumulative-hazard scale, and SE(Ŝ) = Ŝ·std.err;
/// - Nelson–Aalen: Ĥ(t) = Σ dⱼ/nⱼ with Var = Σ dⱼ/nⱼ² (R's `cumhaz`, `std.chaz`, ctype = 1);
/// - pointwise intervals per `SurvivalConfidenceType` (R's default `log`, level 0.95).
///
/// The steps are at every distinct time, censoring-only times included, as `survfit` reports them.
public struct KaplanMeier: Sendable, Equatable, Codable {
    public var confidenceType: SurvivalConfidenceType
    /// Confidence level in (0, 1), e.g. 0.95.
    public var level: Double

    public init(confidenceType: SurvivalConfidenceType = .log, level: Double = 0.95) {
        self.confidenceType = confidenceType
        self.level = level
    }

    static let routine = "Kaplan–Meier"

    /// Fits one curve to follow-up times and event flags (true = event).
    ///
    /// - Throws: `DomainError` for unequal lengths, a time that is negative, NaN or infinite (naming
    ///   its index), no subjects, or a level outside (0, 1).
    public func fit(times: [Double], events: [Bool], label: String? = nil) throws -> KaplanMeierFit {
        guard times.count == events.count else {
            throw DomainError(routine: Self.routine, "\(times.count) times but \(events.count) event indicators")
        }
        guard !times.isEmpty else {
            throw DomainError(routine: Self.routine, "no subjects: a survival curve needs at least one")
        }
        try SurvivalData.validateTimes(times, routine: Self.routine)
        let z = try normalCriticalValue(level: level, routine: Self.routine)
        return KaplanMeierFit(rows: RiskTable.rows(times: times, events: events), label: label,
                              confidenceType: confidenceType, level: level, z: z)
    }

    /// Fits one curve from 0/1 event codes.
    ///
    /// - Throws: `DomainError` as `fit(times:events:)`, and for an event code other than 0 or 1.
    public func fit(times: [Double], events: [Int], label: String? = nil) throws -> KaplanMeierFit {
        let data = try SurvivalData(times: times, events: events)
        return try fit(times: data.times, events: data.events, label: label)
    }

    /// Fits one curve to all subjects of `data`, ignoring groups.
    public func fit(_ data: SurvivalData) throws -> KaplanMeierFit {
        try fit(times: data.times, events: data.events)
    }

    /// One curve per group, in sorted group order (R's `survfit(Surv(time, status) ~ group)`), each
    /// labelled with its group; a single unlabelled curve when `data` has no groups.
    public func fitGroups(_ data: SurvivalData) throws -> [KaplanMeierFit] {
        guard data.groups != nil else { return [try fit(data)] }
        return try data.groupLevels.map { level in
            let idx = data.indices(ofGroup: level)
            return try fit(times: idx.map { data.times[$0] }, events: idx.map { data.events[$0] }, label: level)
        }
    }
}
