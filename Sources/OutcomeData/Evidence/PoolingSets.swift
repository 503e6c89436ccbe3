import Foundation

/// The treatment class a figure belongs to, for grouping single-arm series and trials.
public enum TherapyClass: String, Sendable, CaseIterable, Comparable {
    case resection = "Hepatic resection / debulking"
    case transplant = "Liver transplantation"
    case ablation = "Ablation"
    case intraArterial = "Intra-arterial therapy (TAE, TACE, DEB-TACE, TARE)"
    case prrt = "PRRT (177Lu-DOTATATE)"
    case ssa = "Somatostatin analogue vs placebo"
    case targeted = "Targeted agents vs placebo"
    case other = "Other"

    public static func < (a: TherapyClass, b: TherapyClass) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The class of a figure, from its study's modality and, for studies comparing modalities
    /// (`mixed`), from the arm it describes.
    public static func of(_ outcome: OutcomeRecord, study: PublicationRecord?) -> TherapyClass {
        of(modality: study?.modality ?? "", arm: outcome.arm)
    }

    /// The class from a study's modality and, for `mixed` studies, the arm's wording.
    public static func of(modality: String, arm: String) -> TherapyClass {
        switch modality {
        case "resection": return .resection
        case "transplant": return .transplant
        case "ablation": return .ablation
        case "PRRT": return .prrt
        case "SSA": return .ssa
        case "targeted": return .targeted
        default:
            if modality.hasPrefix("embolization") || modality == "intra_arterial_mixed" { return .intraArterial }
            let arm = arm.lowercased()
            if arm.contains("intra-arterial") || arm.contains("emboli") { return .intraArterial }
            if arm.contains("resect") || arm.contains("surg") { return .resection }
            if arm.contains("transplant") { return .transplant }
            return .other
        }
    }
}

/// What kind of pooled analysis a set is.
public enum PoolingSetKind: String, Sendable, Equatable {
    /// Single-arm survival at a landmark time (rate, percent).
    case landmark
    /// Single-arm median survival time.
    case median
    /// Between-arm hazard ratio (experimental vs control).
    case hazardRatio = "hr"
}

/// A group of figures that may be pooled together: same therapy class, same kind, commensurable
/// endpoint and (for landmark rates) the same landmark time.
public struct PoolingSet: Sendable, Equatable {
    public var therapy: TherapyClass
    public var kind: PoolingSetKind
    /// The endpoint label, e.g. "OS" or "PFS/TTP" (progression endpoints of SSA trials pooled together).
    public var endpoint: String
    /// Landmark time in years (landmark sets only).
    public var years: Double?
    public var outcomes: [OutcomeRecord]

    public init(therapy: TherapyClass, kind: PoolingSetKind, endpoint: String, years: Double?, outcomes: [OutcomeRecord]) {
        self.therapy = therapy
        self.kind = kind
        self.endpoint = endpoint
        self.years = years
        self.outcomes = outcomes
    }

    /// A file-name-safe identifier, e.g. `transplant-os-5y`.
    public var slug: String {
        let therapySlug: String
        switch therapy {
        case .resection: therapySlug = "resection"
        case .transplant: therapySlug = "transplant"
        case .ablation: therapySlug = "ablation"
        case .intraArterial: therapySlug = "intra-arterial"
        case .prrt: therapySlug = "prrt"
        case .ssa: therapySlug = "ssa-vs-placebo"
        case .targeted: therapySlug = "targeted-vs-placebo"
        case .other: therapySlug = "other"
        }
        var s = "\(therapySlug)-\(endpoint.lowercased().replacingOccurrences(of: "/", with: "-").replacingOccurrences(of: "_", with: "-"))"
        switch kind {
        case .landmark: s += "-\(years.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? "?")y"
        case .median: s += "-median"
        case .hazardRatio: s += "-hr"
        }
        return s
    }

    public var title: String {
        switch kind {
        case .landmark:
            let y = years.map { $0 == $0.rounded() ? String(Int($0)) : String($0) } ?? "?"
            return "\(therapy.rawValue): \(y)-year \(endpoint)"
        case .median: return "\(therapy.rawValue): median \(endpoint)"
        case .hazardRatio: return "\(therapy.rawValue): \(endpoint) hazard ratio"
        }
    }
}

/// A figure left out of the default analyses, with the reason.
public struct ExcludedFigure: Sendable, Equatable {
    public var outcome: OutcomeRecord
    public var reason: String
}

extension EvidenceBase {
    /// Endpoints that are survival-type time-to-event outcomes.
    public static let survivalEndpoints: Set<String> = ["OS", "PFS", "TTP", "DSS", "DFS", "liver_PFS"]
    /// Measures the report can pool.
    public static let poolableMeasures: Set<String> = ["median", "landmark_rate", "hr"]

    /// The default pooling sets: every `pool_default = yes` survival figure, grouped by therapy class,
    /// kind, endpoint and landmark time; sets sorted by therapy, then kind, endpoint and time.
    /// Progression endpoints (PFS, TTP) of between-arm comparisons form one set, as the SSA trials
    /// report them (PROMID TTP, CLARINET PFS); single-arm endpoints are never mixed.
    public func poolingSets(includeSecondary: Bool = false) -> [PoolingSet] {
        var groups: [String: PoolingSet] = [:]
        for o in outcomes where Self.survivalEndpoints.contains(o.endpoint) && Self.poolableMeasures.contains(o.measure) {
            let chosen = o.poolDefault || (includeSecondary && o.isSecondary && o.verification != "doubtful" && o.value != nil && !overlapsPooledStudy(o))
            guard chosen else { continue }
            let therapy = TherapyClass.of(o, study: publication(o.studyID))
            let kind: PoolingSetKind
            var endpoint = o.endpoint
            switch o.measure {
            case "landmark_rate": kind = .landmark
            case "median": kind = .median
            default:
                kind = .hazardRatio
                if o.endpoint == "PFS" || o.endpoint == "TTP" { endpoint = "PFS/TTP" }
            }
            let years = kind == .landmark ? o.timeInYears : nil
            let key = "\(therapy.rawValue)|\(kind.rawValue)|\(endpoint)|\(years.map { String($0) } ?? "")"
            groups[key, default: PoolingSet(therapy: therapy, kind: kind, endpoint: endpoint, years: years, outcomes: [])].outcomes.append(o)
        }
        let kindOrder: [PoolingSetKind] = [.landmark, .median, .hazardRatio]
        return groups.values.sorted { a, b in
            if a.therapy != b.therapy { return a.therapy < b.therapy }
            if a.kind != b.kind { return kindOrder.firstIndex(of: a.kind)! < kindOrder.firstIndex(of: b.kind)! }
            if a.endpoint != b.endpoint { return a.endpoint < b.endpoint }
            return (a.years ?? 0) < (b.years ?? 0)
        }
    }

    /// True when the outcome's study overlaps a study that has a default-pooled figure.
    func overlapsPooledStudy(_ o: OutcomeRecord) -> Bool {
        let pooledStudies = Set(outcomes.filter(\.poolDefault).map(\.studyID))
        let overlaps = Set(publication(o.studyID)?.overlapsWith ?? [])
            .union(publications.filter { $0.overlapsWith.contains(o.studyID) }.map(\.id))
        return !overlaps.isDisjoint(with: pooledStudies.subtracting([o.studyID]))
    }

    /// Survival figures (poolable measures) left out of the default sets, each with the first reason
    /// that applies, in this order: doubtful, secondary source, overlap with a pooled report, DSS,
    /// counted from diagnosis, a randomized trial's arm-level figure, a prognostic-factor HR, a
    /// non-numeric value, missing N, then the curator's note.
    public func excludedFigures() -> [ExcludedFigure] {
        var out: [ExcludedFigure] = []
        let endpoints = Self.survivalEndpoints.union(["OS_from_diagnosis", "OS_from_LM_diagnosis"])
        for o in outcomes where !o.poolDefault && endpoints.contains(o.endpoint) && Self.poolableMeasures.contains(o.measure) {
            let study = publication(o.studyID)
            let reason: String
            if o.verification == "doubtful" {
                reason = "doubtful figure" + (o.note.map { ": \($0)" } ?? "")
            } else if o.isSecondary {
                reason = "secondary source only (\(o.location))"
            } else if overlapsPooledStudy(o) {
                let others = (study?.overlapsWith ?? []).joined(separator: ", ")
                reason = "same patients as a pooled report (\(others.isEmpty ? "overlap" : others))"
            } else if o.endpoint == "DSS" {
                reason = "disease-specific survival, not overall survival"
            } else if o.endpoint.hasPrefix("OS_from") {
                reason = "survival counted from diagnosis, not from treatment: incommensurable"
            } else if study?.design == "RCT" && o.measure != "hr" {
                reason = "arm-level figure of a randomized trial: trials enter through their hazard ratio"
            } else if o.measure == "hr" && (o.comparison ?? "").isEmpty {
                reason = "prognostic-factor hazard ratio, not a treatment comparison"
            } else if o.value == nil {
                reason = "value is not a number (\(o.valueText))"
            } else if o.measure == "landmark_rate" && o.n == nil {
                reason = "no denominator (N) for the rate"
            } else {
                reason = o.note ?? "not in a default pooling set"
            }
            out.append(ExcludedFigure(outcome: o, reason: reason))
        }
        return out
    }
}
