/// `survmeta datasets show STUDY_ID`: one publication of an evidence base and every figure taken
/// from it, with the figure's source and verification status, cells exactly as in the CSV files.
/// Pure formatting.
public struct StudyReport: Sendable, Equatable {
    /// One cell: the column name, the text as written (nil when missing) and how the schema types it
    /// (JSON writes integers and numbers as numbers, everything else as the text).
    public struct Field: Sendable, Equatable {
        public enum Kind: Sendable, Equatable { case text, integer, number }

        public var name: String
        public var text: String?
        public var kind: Kind

        public init(name: String, text: String?, kind: Kind = .text) {
            self.name = name
            self.text = text
            self.kind = kind
        }
    }

    public var dataset: String
    public var studyID: String
    /// The `studies.csv` row, in column order.
    public var publication: [Field]
    /// The `outcomes.csv` rows of the study, in file order, each in column order.
    public var outcomes: [[Field]]

    public init(dataset: String, studyID: String, publication: [Field], outcomes: [[Field]]) {
        self.dataset = dataset
        self.studyID = studyID
        self.publication = publication
        self.outcomes = outcomes
    }

    static func value(_ f: Field) -> JSONValue {
        guard let text = f.text else { return .null }
        switch f.kind {
        case .integer: if let i = Int(text.hasPrefix("+") ? String(text.dropFirst()) : text) { return .integer(i) }
        case .number: if let x = Double(text), x.isFinite { return .number(x) }
        case .text: break
        }
        return .string(text)
    }

    /// `{"dataset", "study": {column: value}, "outcomes": [{column: value}]}`; missing cells are null.
    public func json() -> JSONValue {
        .object([
            ("dataset", .string(dataset)),
            ("study", .object(publication.map { ($0.name, StudyReport.value($0)) })),
            ("outcomes", .array(outcomes.map { row in .object(row.map { ($0.name, StudyReport.value($0)) }) })),
        ])
    }

    static func cell(_ row: [Field], _ name: String) -> String? { row.first { $0.name == name }?.text }

    /// The compact outcome table of the text formats: value with unit, CI with level, the figure's
    /// denominator and events, verification, pooled by default, location.
    func outcomeTable(truncate: Bool) -> TextTable {
        func cut(_ s: String, _ n: Int) -> String { truncate ? CatalogueFormat.truncated(s, n) : s }
        let rows: [[String]] = outcomes.map { r in
            let c = { (name: String) in StudyReport.cell(r, name) ?? "" }
            let time = c("time").isEmpty ? "" : "\(c("time")) \(c("time_unit"))"
            var ci = ""
            if !c("ci_low").isEmpty || !c("ci_high").isEmpty {
                ci = "\(c("ci_low").isEmpty ? "?" : c("ci_low"))–\(c("ci_high").isEmpty ? "?" : c("ci_high"))"
                if !c("ci_level").isEmpty { ci += " (\(c("ci_level")))" }
            }
            return [c("outcome_id"), cut(c("arm"), 36), c("endpoint"), c("measure"), time, "\(c("value")) \(c("unit"))".trimmingCharacters(in: .whitespaces),
                    ci, c("n"), c("events"), c("verification"), c("pool_default"), cut(c("location"), 40)]
        }
        return TextTable(header: ["outcome_id", "arm", "endpoint", "measure", "time", "value", "ci", "n", "events", "verification", "pooled", "location"],
                         rows: rows, alignments: [.left, .left, .left, .left, .right, .right, .right, .right, .right, .left, .left, .left])
    }

    /// Each figure's source: `outcome_id`, `doi_or_pmid`, `source_url`.
    var sourceTable: TextTable {
        TextTable(header: ["outcome_id", "doi_or_pmid", "source_url"],
                  rows: outcomes.map { r in ["outcome_id", "doi_or_pmid", "source_url"].map { StudyReport.cell(r, $0) ?? "" } },
                  alignments: [.left, .left, .left])
    }

    public func table() -> String {
        let width = publication.map(\.name.count).max() ?? 0
        var out = "\(studyID) (dataset \(dataset))\n"
        for f in publication {
            out += f.name + String(repeating: " ", count: width - f.name.count) + "  " + (f.text ?? "") + "\n"
        }
        out += "\nOutcomes (\(outcomes.count))\n"
        out += outcomes.isEmpty ? "none\n" : outcomeTable(truncate: true).plainText() + "\nSources\n" + sourceTable.plainText()
        return out
    }

    public func markdown() -> String {
        var out = "# \(studyID)\n\nDataset \(dataset).\n\n"
        out += TextTable(header: ["field", "value"], rows: publication.map { [$0.name, $0.text ?? ""] }, alignments: [.left, .left]).markdown()
        out += "\n## Outcomes (\(outcomes.count))\n\n"
        out += outcomes.isEmpty ? "None.\n" : outcomeTable(truncate: false).markdown() + "\n## Sources\n\n" + sourceTable.markdown()
        return out
    }

    /// The study's outcome rows with every column, as in `outcomes.csv` (missing cells empty).
    public func csv() -> String {
        guard let first = outcomes.first else {
            return TextTable(header: publication.map(\.name), rows: [publication.map { $0.text ?? "" }]).csv()
        }
        return TextTable(header: first.map(\.name), rows: outcomes.map { $0.map { $0.text ?? "" } }).csv()
    }
}
