/// `survmeta datasets show NAME`: an evidence base at a glance — size, verification statuses,
/// modalities, endpoints, and the default pooling sets with the `outcome_id`s they pool. Pure
/// formatting.
public struct DatasetSummaryReport: Sendable, Equatable {
    /// A label with counts: studies (nil where not meaningful), figures, figures pooled by default.
    public struct Tally: Sendable, Equatable {
        public var name: String
        public var studies: Int?
        public var outcomes: Int
        public var pooled: Int

        public init(name: String, studies: Int?, outcomes: Int, pooled: Int) {
            self.name = name
            self.studies = studies
            self.outcomes = outcomes
            self.pooled = pooled
        }
    }

    /// A default pooling set: treatment class, endpoint, measure, landmark time (years), kind, rows.
    public struct PoolingSetRow: Sendable, Equatable {
        public var therapy: String
        public var endpoint: String
        public var measure: String
        public var landmarkYears: Double?
        public var isContrast: Bool
        public var outcomeIDs: [String]

        public init(therapy: String, endpoint: String, measure: String, landmarkYears: Double?, isContrast: Bool, outcomeIDs: [String]) {
            self.therapy = therapy
            self.endpoint = endpoint
            self.measure = measure
            self.landmarkYears = landmarkYears
            self.isContrast = isContrast
            self.outcomeIDs = outcomeIDs
        }

        var kind: String { isContrast ? "contrast" : "single-arm" }
        var years: String { landmarkYears.map(CatalogueFormat.number) ?? "" }
    }

    public var name: String
    public var title: String?
    public var version: String?
    public var studies: Int
    public var outcomes: Int
    public var verification: [Tally]
    public var pooledByDefault: Int
    public var modalities: [Tally]
    public var endpoints: [Tally]
    public var poolingSets: [PoolingSetRow]

    public init(name: String, title: String?, version: String?, studies: Int, outcomes: Int, verification: [Tally],
                pooledByDefault: Int, modalities: [Tally], endpoints: [Tally], poolingSets: [PoolingSetRow]) {
        self.name = name
        self.title = title
        self.version = version
        self.studies = studies
        self.outcomes = outcomes
        self.verification = verification
        self.pooledByDefault = pooledByDefault
        self.modalities = modalities
        self.endpoints = endpoints
        self.poolingSets = poolingSets
    }

    // MARK: JSON

    public func json() -> JSONValue {
        func tallies(_ list: [Tally], key: String) -> JSONValue {
            .array(list.map { t in
                var fields: [(String, JSONValue)] = [(key, .string(t.name))]
                if let s = t.studies { fields.append(("studies", .integer(s))) }
                fields += [("outcomes", .integer(t.outcomes)), ("pooled", .integer(t.pooled))]
                return .object(fields)
            })
        }
        return .object([
            ("name", .string(name)), ("title", .str(title)), ("version", .str(version)),
            ("studies", .integer(studies)), ("outcomes", .integer(outcomes)),
            ("verification", .object(verification.map { ($0.name, .integer($0.outcomes)) })),
            ("pooled_by_default", .integer(pooledByDefault)),
            ("modalities", tallies(modalities, key: "modality")),
            ("endpoints", tallies(endpoints, key: "endpoint")),
            ("pooling_sets", .array(poolingSets.map { p in
                .object([
                    ("therapy", .string(p.therapy)), ("endpoint", .string(p.endpoint)), ("measure", .string(p.measure)),
                    ("landmark_years", .num(p.landmarkYears)), ("kind", .string(p.kind)),
                    ("k", .integer(p.outcomeIDs.count)), ("outcome_ids", .array(p.outcomeIDs.map(JSONValue.string))),
                ])
            })),
        ])
    }

    // MARK: Tables

    var headline: String {
        let statuses = verification.map { "\($0.outcomes) \($0.name)" }.joined(separator: ", ")
        return "\(studies) studies, \(outcomes) outcome rows (\(statuses)); \(pooledByDefault) pooled by default"
    }

    var modalityTable: TextTable {
        TextTable(header: ["modality", "studies", "outcomes", "pooled"],
                  rows: modalities.map { [$0.name, $0.studies.map(String.init) ?? "", String($0.outcomes), String($0.pooled)] })
    }

    var endpointTable: TextTable {
        TextTable(header: ["endpoint", "studies", "outcomes", "pooled"],
                  rows: endpoints.map { [$0.name, $0.studies.map(String.init) ?? "", String($0.outcomes), String($0.pooled)] })
    }

    var poolingTable: TextTable {
        TextTable(header: ["therapy", "endpoint", "measure", "years", "kind", "k", "outcome_ids"],
                  rows: poolingSets.map { [$0.therapy, $0.endpoint, $0.measure, $0.years, $0.kind, String($0.outcomeIDs.count), $0.outcomeIDs.joined(separator: ", ")] },
                  alignments: [.left, .left, .left, .right, .left, .right, .left])
    }

    public func table() -> String {
        var out = "\(name)" + (title.map { ": \($0)" } ?? "") + "\n"
        if let version { out += "version \(version); " }
        out += headline + "\n\nModalities\n" + modalityTable.plainText()
        out += "\nEndpoints\n" + endpointTable.plainText()
        out += "\nPooling sets (pool_default = yes)\n" + (poolingSets.isEmpty ? "none\n" : poolingTable.plainText())
        return out
    }

    public func markdown() -> String {
        var out = "# \(name)\n\n"
        if let title { out += "\(title)\n\n" }
        if let version { out += "Version \(version). " }
        out += headline + ".\n\n## Modalities\n\n" + modalityTable.markdown()
        out += "\n## Endpoints\n\n" + endpointTable.markdown()
        out += "\n## Pooling sets (pool_default = yes)\n\n" + (poolingSets.isEmpty ? "None.\n" : poolingTable.markdown())
        return out
    }

    /// Long format: one row per verification status, modality, endpoint and pooling set
    /// (`section,name,studies,outcomes,pooled,outcome_ids`; a set's `outcome_ids` separated by `;`).
    public func csv() -> String {
        var rows: [[String]] = []
        for t in verification { rows.append(["verification", t.name, "", String(t.outcomes), String(t.pooled), ""]) }
        for t in modalities { rows.append(["modality", t.name, t.studies.map(String.init) ?? "", String(t.outcomes), String(t.pooled), ""]) }
        for t in endpoints { rows.append(["endpoint", t.name, t.studies.map(String.init) ?? "", String(t.outcomes), String(t.pooled), ""]) }
        for p in poolingSets {
            let label = "\(p.therapy): \(p.endpoint) \(p.measure)" + (p.landmarkYears == nil ? "" : " at \(p.years) years") + ", \(p.kind)"
            rows.append(["pooling_set", label, "", String(p.outcomeIDs.count), String(p.outcomeIDs.count), p.outcomeIDs.joined(separator: ";")])
        }
        return TextTable(header: ["section", "name", "studies", "outcomes", "pooled", "outcome_ids"], rows: rows).csv()
    }
}

/// Small formatting helpers shared by the catalogue reports.
enum CatalogueFormat {
    /// A number in shortest form (`5`, `1.5`).
    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }

    /// `text` cut to `limit` characters with an ellipsis (tables only; JSON and CSV keep the full text).
    static func truncated(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }
}
