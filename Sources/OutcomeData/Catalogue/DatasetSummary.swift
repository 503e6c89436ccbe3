import Foundation

/// What `survmeta datasets list` and `datasets show NAME` say about an evidence base: counts of
/// studies and figures, verification statuses, and the figures pooled by default, by modality,
/// endpoint and pooling set. Computed from the tables as written (no cell is converted).
public struct DatasetSummary: Sendable, Equatable, Codable {
    /// A label with counts, e.g. a modality with its studies, figures and pooled figures.
    public struct Tally: Sendable, Equatable, Codable {
        public var name: String
        public var studies: Int?
        public var outcomes: Int
        public var pooled: Int
    }

    /// The figures pooled by default in one pooling set (same `PoolingKey`).
    public struct PoolingGroup: Sendable, Equatable, Codable {
        public var key: PoolingKey
        public var outcomeIDs: [String]
    }

    public var name: String
    public var title: String?
    public var version: String?
    public var studies: Int
    public var outcomes: Int
    /// Figures per verification status (schema order; statuses with no figure included as 0).
    public var verification: [Tally]
    public var pooledByDefault: Int
    public var modalities: [Tally]
    public var endpoints: [Tally]
    public var poolingGroups: [PoolingGroup]

    /// Summarises `tables`; `package` supplies the title, version and the order of the closed
    /// vocabularies (`enum` constraints), values outside them following in order of appearance.
    public init(name: String, package: DataPackage?, tables t: EvidenceTables) {
        func vocabulary(_ resource: String, _ field: String) -> [String] {
            (package?.resource(resource)?.schema.field(field)?.constraints.enumValues ?? []).map(\.description)
        }
        func ordered(_ seen: [String], by vocabulary: [String], keepAll: Bool) -> [String] {
            let present = Set(seen)
            var result = keepAll ? vocabulary : vocabulary.filter(present.contains)
            for v in seen where !result.contains(v) { result.append(v) }
            return result
        }
        let studyModality: [String: String] = t.studyRows.compactMapValues { t.study($0, "modality") }
        let rows = t.outcomes.rows
        func pooled(_ row: CSVRow) -> Bool { t.outcome(row, "pool_default") == "yes" }

        self.name = name
        title = package?.title
        version = package?.version
        studies = t.studies.rows.count
        outcomes = rows.count
        pooledByDefault = rows.filter(pooled).count

        let statuses = rows.map { t.outcome($0, "verification") ?? "(empty)" }
        verification = ordered(statuses, by: vocabulary(CatalogueDataset.outcomesResource, "verification"), keepAll: true).map { s in
            let matching = rows.filter { (t.outcome($0, "verification") ?? "(empty)") == s }
            return Tally(name: s, studies: nil, outcomes: matching.count, pooled: matching.filter(pooled).count)
        }

        let modalityOfRow = rows.map { t.outcome($0, "study_id").flatMap { studyModality[$0] } ?? "(unknown study)" }
        let studyModalities = t.studies.rows.map { t.study($0, "modality") ?? "(empty)" }
        modalities = ordered(studyModalities + modalityOfRow, by: vocabulary(CatalogueDataset.studiesResource, "modality"), keepAll: false).map { m in
            let matching = zip(rows, modalityOfRow).filter { $0.1 == m }.map(\.0)
            return Tally(name: m, studies: studyModalities.filter { $0 == m }.count, outcomes: matching.count, pooled: matching.filter(pooled).count)
        }

        let endpointOfRow = rows.map { t.outcome($0, "endpoint") ?? "(empty)" }
        endpoints = ordered(endpointOfRow, by: vocabulary(CatalogueDataset.outcomesResource, "endpoint"), keepAll: false).map { e in
            let matching = zip(rows, endpointOfRow).filter { $0.1 == e }.map(\.0)
            return Tally(name: e, studies: Set(matching.compactMap { t.outcome($0, "study_id") }).count,
                         outcomes: matching.count, pooled: matching.filter(pooled).count)
        }

        // Pooling sets: by treatment class (the report's order), single-arm before contrasts, endpoint, measure, time.
        var groups: [PoolingGroup] = []
        for row in rows where pooled(row) {
            let key = PoolingKey(modality: t.outcome(row, "study_id").flatMap { studyModality[$0] }, arm: t.outcome(row, "arm"),
                                 endpoint: t.outcome(row, "endpoint") ?? "", measure: t.outcome(row, "measure") ?? "",
                                 time: t.outcome(row, "time"), timeUnit: t.outcome(row, "time_unit"), comparison: t.outcome(row, "comparison"))
            let id = t.outcome(row, "outcome_id") ?? "line \(row.line)"
            if let g = groups.firstIndex(where: { $0.key == key }) {
                groups[g].outcomeIDs.append(id)
            } else {
                groups.append(PoolingGroup(key: key, outcomeIDs: [id]))
            }
        }
        let endpointOrder = vocabulary(CatalogueDataset.outcomesResource, "endpoint")
        func rank(_ list: [String], _ x: String) -> Int { list.firstIndex(of: x) ?? list.count }
        poolingGroups = groups.enumerated().sorted { a, b in
            let (x, y) = (a.element.key, b.element.key)
            let kx = (rank(PoolingKey.therapyOrder, x.therapy), x.isContrast ? 1 : 0, rank(endpointOrder, x.endpoint), x.measure, x.landmarkYears ?? -1, a.offset)
            let ky = (rank(PoolingKey.therapyOrder, y.therapy), y.isContrast ? 1 : 0, rank(endpointOrder, y.endpoint), y.measure, y.landmarkYears ?? -1, b.offset)
            return kx < ky
        }.map(\.element)
    }

    /// Figures with verification status `status` (0 when none).
    public func count(_ status: String) -> Int { verification.first { $0.name == status }?.outcomes ?? 0 }
}
