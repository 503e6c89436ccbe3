import Foundation

/// Which figures of an evidence base can end up in one pooled analysis: those of the same
/// treatment class (`therapy`), endpoint, measure, landmark time (in years, so 60 months and 5 years
/// agree) and kind (a between-arm contrast, which has a `comparison`, or a single-arm figure).
///
/// The treatment class follows the report's grouping (`TherapyClass.of` in `Evidence/PoolingSets.swift`):
/// the study's `modality` (all embolization modalities and `intra_arterial_mixed` are one
/// intra-arterial class; `chemotherapy` is `other`); for a study of several treatments (`mixed`, or
/// any other modality) the arm's words decide: "intra-arterial"/"emboli" → intra-arterial,
/// "resect"/"surg" → resection, "transplant" → transplant, else `other`. So the intra-arterial arm of
/// a surgery-vs-IAT cohort is pooled (and checked for overlap) with the intra-arterial series, its
/// surgery arm with the resection series.
///
/// The overlap rule (`EvidenceRules`) compares rows by `overlapKey`, which also treats PFS and TTP
/// as one endpoint: the report pools them together (PROMID's TTP hazard ratio with CLARINET's PFS
/// one), and overlapping reports must not be pooled across the two either.
public struct PoolingKey: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The treatment class: `resection`, `transplant`, `ablation`, `intra-arterial`, `PRRT`, `SSA`,
    /// `targeted` or `other`.
    public var therapy: String
    public var endpoint: String
    public var measure: String
    /// The landmark time in years (`time` converted from `time_unit`), nil when the row has none.
    public var landmarkYears: Double?
    /// True for a between-arm figure (the row has a `comparison`).
    public var isContrast: Bool

    public init(therapy: String, endpoint: String, measure: String, landmarkYears: Double? = nil, isContrast: Bool) {
        self.therapy = therapy
        self.endpoint = endpoint
        self.measure = measure
        self.landmarkYears = landmarkYears
        self.isContrast = isContrast
    }

    /// The key of an `outcomes` row from its cells and its study's modality: `time` in `time_unit`
    /// (`years`, or `months` divided by 12); a time in another or no unit gives no landmark (the
    /// rules report that).
    public init(modality: String?, arm: String?, endpoint: String, measure: String, time: String?, timeUnit: String?, comparison: String?) {
        var years: Double?
        if let time, let t = TableLexicon.number(time), t.isFinite {
            switch timeUnit {
            case "years"?: years = t
            case "months"?: years = t / 12
            default: years = nil
            }
        }
        self.init(therapy: PoolingKey.therapy(modality: modality, arm: arm), endpoint: endpoint, measure: measure,
                  landmarkYears: years, isContrast: comparison != nil)
    }

    /// The treatment class of a figure (see the type's documentation).
    public static func therapy(modality: String?, arm: String?) -> String {
        switch modality ?? "" {
        case "resection", "transplant", "ablation", "PRRT", "SSA", "targeted": return modality!
        case let m where m.hasPrefix("embolization") || m == "intra_arterial_mixed": return "intra-arterial"
        default:
            let a = (arm ?? "").lowercased()
            if a.contains("intra-arterial") || a.contains("emboli") { return "intra-arterial" }
            if a.contains("resect") || a.contains("surg") { return "resection" }
            if a.contains("transplant") { return "transplant" }
            return "other"
        }
    }

    /// The treatment classes in the report's order.
    public static let therapyOrder = ["resection", "transplant", "ablation", "intra-arterial", "PRRT", "SSA", "targeted", "other"]

    /// The endpoints pooled together by the report, hence compared together by the overlap rule.
    public static let endpointFamilies: [String: String] = ["PFS": "PFS/TTP", "TTP": "PFS/TTP"]

    /// The key under which the overlap rule compares rows (PFS and TTP merged).
    public var overlapKey: PoolingKey {
        var key = self
        key.endpoint = PoolingKey.endpointFamilies[endpoint] ?? endpoint
        return key
    }

    /// E.g. `resection: OS landmark_rate at 5 years, single-arm` or `SSA: PFS hr, contrast`.
    public var description: String {
        var text = "\(therapy): \(endpoint) \(measure)"
        if let years = landmarkYears { text += " at \(PoolingKey.format(years)) year\(years == 1 ? "" : "s")" }
        return text + (isContrast ? ", contrast" : ", single-arm")
    }

    /// Years in shortest form (`5`, `1.5`, `0.25`).
    public static func format(_ years: Double) -> String {
        years == years.rounded() && abs(years) < 1e9 ? String(Int(years)) : String(years)
    }
}
