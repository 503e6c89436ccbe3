import StatNumerics

/// What the pooling engine needs from a two-arm trial rebuilt from its Kaplan–Meier figure: the
/// Cox log hazard ratio with its SE and the log-rank O − E and V, experimental arm against
/// control (cli-contract `loghr,se` and `o_minus_e,v` inputs).
///
/// - Cox: `CoxModel` (R's `coxph(Surv(time, status) ~ arm, ties = "efron")`), β̂ = log HR of the
///   experimental arm, SE from the inverse information.
/// - Log-rank: `LogRankTest` (R's `survdiff`), O − E of the experimental arm and its
///   hypergeometric variance V; the Peto one-step estimate is log HR ≈ (O − E)/V with
///   Var = 1/V (Yusuf et al. 1985), which is how a meta-analysis reads `o_minus_e,v`.
public struct ReconstructedComparison: Sendable, Codable, Equatable {
    /// Arm labels (the reconstructed arms' labels, or "control" / "experimental").
    public let control: String
    public let experimental: String
    /// Patients and events, control then experimental.
    public let patients: [Int]
    public let events: [Int]
    /// Cox log hazard ratio, experimental vs control, with its SE (log scale).
    public let logHazardRatio: Estimate
    /// The Cox Wald interval of the hazard ratio (HR scale); nil if a limit is not finite.
    public let hazardRatioInterval: ConfidenceInterval?
    /// Log-rank observed minus expected events in the experimental arm.
    public let observedMinusExpected: Double
    /// The hypergeometric variance V of O − E.
    public let variance: Double
    /// Log-rank χ² on 1 df, (O − E)²/V.
    public let logRankChiSquare: Double
    /// Warnings of the Cox fit (e.g. an arm without events: the log HR may be infinite).
    public let warnings: [String]

    /// The Peto one-step log hazard ratio (O − E)/V with SE 1/√V; nil when V = 0.
    public var petoLogHazardRatio: Estimate? {
        variance > 0 ? Estimate(value: observedMinusExpected / variance, standardError: (1 / variance).squareRoot()) : nil
    }

    /// - Throws: `DomainError` when both arms carry the same label or an arm has no patients;
    ///   the Cox and log-rank errors (`DomainError`, `NumericalError`) otherwise, e.g. when
    ///   neither arm has an event.
    public init(control: ReconstructedArm, experimental: ReconstructedArm, ties: CoxTies = .efron, level: Double = 0.95) throws {
        let c = control.arm ?? "control"
        let e = experimental.arm ?? "experimental"
        guard c != e else {
            throw DomainError(routine: "reconstructed comparison", "both arms are labelled '\(c)'; expected two different labels")
        }
        guard control.patientCount > 0, experimental.patientCount > 0 else {
            throw DomainError(routine: "reconstructed comparison", "an arm has no patients")
        }
        let data = try SurvivalData(
            times: control.times + experimental.times, eventFlags: control.events + experimental.events,
            groups: Array(repeating: c, count: control.patientCount) + Array(repeating: e, count: experimental.patientCount))
        let cox = try CoxModel(ties: ties, level: level).fit(data, reference: c, groupName: "arm")
        let beta = cox.coefficients[0]
        let logRank = try LogRankTest().test(data)
        guard let k = logRank.groups.firstIndex(where: { $0.group == e }) else {
            throw DomainError(routine: "reconstructed comparison", "log-rank result lacks the arm '\(e)'")
        }
        self.control = c
        self.experimental = e
        patients = [control.patientCount, experimental.patientCount]
        events = [control.eventCount, experimental.eventCount]
        logHazardRatio = beta.logHazardRatio
        if let lo = beta.lower, let hi = beta.upper {
            hazardRatioInterval = ConfidenceInterval(lower: lo, upper: hi, level: level)
        } else {
            hazardRatioInterval = nil
        }
        observedMinusExpected = logRank.groups[k].observed - logRank.groups[k].expected
        variance = logRank.variance[k, k]
        logRankChiSquare = logRank.chiSquare
        warnings = cox.warnings
    }
}
