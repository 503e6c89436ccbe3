/// `survmeta datasets validate`: every violation of the schemas and evidence rules, one per line
/// (`file:line:column (column "name"): "value" problem; expected …`), or one OK line per dataset.
/// Pure formatting.
public struct ValidationReport: Sendable, Equatable {
    /// One violation, with its parts and its one-line `message`.
    public struct Finding: Sendable, Equatable {
        public var file: String
        public var line: Int?
        public var column: Int?
        public var columnName: String?
        public var value: String?
        public var problem: String?
        public var expected: String
        public var hint: String?
        /// The whole violation on one line, as printed.
        public var message: String

        public init(file: String, line: Int?, column: Int?, columnName: String?, value: String?, problem: String?,
                    expected: String, hint: String?, message: String) {
            self.file = file
            self.line = line
            self.column = column
            self.columnName = columnName
            self.value = value
            self.problem = problem
            self.expected = expected
            self.hint = hint
            self.message = message
        }
    }

    public struct Dataset: Sendable, Equatable {
        public var name: String
        public var folder: String
        public var studies: Int?
        public var outcomes: Int?
        public var findings: [Finding]

        public init(name: String, folder: String, studies: Int?, outcomes: Int?, findings: [Finding]) {
            self.name = name
            self.folder = folder
            self.studies = studies
            self.outcomes = outcomes
            self.findings = findings
        }

        /// `OK net-liver-metastases: 52 studies, 302 outcome rows; schema and evidence rules pass`.
        var okLine: String {
            var sizes: [String] = []
            if let studies { sizes.append("\(studies) studies") }
            if let outcomes { sizes.append("\(outcomes) outcome rows") }
            return "OK \(name): " + (sizes.isEmpty ? "" : sizes.joined(separator: ", ") + "; ") + "schema and evidence rules pass"
        }
    }

    public var datasets: [Dataset]

    public init(datasets: [Dataset]) { self.datasets = datasets }

    public var violationCount: Int { datasets.reduce(0) { $0 + $1.findings.count } }
    public var isValid: Bool { violationCount == 0 }

    /// One line per violation, then a count per failing dataset; or one OK line per dataset.
    public func table() -> String {
        var out = ""
        for d in datasets {
            if d.findings.isEmpty {
                out += d.okLine + "\n"
            } else {
                out += d.findings.map { $0.message + "\n" }.joined()
                out += "\(d.name): \(d.findings.count) violation\(d.findings.count == 1 ? "" : "s")\n"
            }
        }
        return out
    }

    var findingRows: [[String]] {
        datasets.flatMap { d in
            d.findings.map { f in
                [d.name, f.file, f.line.map(String.init) ?? "", f.column.map(String.init) ?? "", f.columnName ?? "", f.value ?? "",
                 f.problem ?? "", f.expected, f.hint ?? ""]
            }
        }
    }

    static let findingHeader = ["dataset", "file", "line", "column", "column_name", "value", "problem", "expected", "hint"]

    /// One row per violation (header only when there is none).
    public func csv() -> String { TextTable(header: ValidationReport.findingHeader, rows: findingRows).csv() }

    public func markdown() -> String {
        var out = ""
        for d in datasets where d.findings.isEmpty { out += d.okLine + "\n" }
        if !isValid {
            if !out.isEmpty { out += "\n" }
            out += TextTable(header: ValidationReport.findingHeader, rows: findingRows,
                             alignments: ValidationReport.findingHeader.map { $0 == "line" || $0 == "column" ? .right : .left }).markdown()
        }
        return out
    }

    /// `{"valid", "violations", "datasets": [{name, folder, studies, outcomes, valid, violations: [{file, line, column,
    /// column_name, value, problem, expected, hint, message}]}]}`.
    public func json() -> JSONValue {
        .object([
            ("valid", .bool(isValid)),
            ("violations", .integer(violationCount)),
            ("datasets", .array(datasets.map { d in
                .object([
                    ("name", .string(d.name)), ("folder", .string(d.folder)),
                    ("studies", .int(d.studies)), ("outcomes", .int(d.outcomes)),
                    ("valid", .bool(d.findings.isEmpty)),
                    ("violations", .array(d.findings.map { f in
                        .object([
                            ("file", .string(f.file)), ("line", .int(f.line)), ("column", .int(f.column)),
                            ("column_name", .str(f.columnName)), ("value", .str(f.value)), ("problem", .str(f.problem)),
                            ("expected", .string(f.expected)), ("hint", .str(f.hint)), ("message", .string(f.message)),
                        ])
                    })),
                ])
            })),
        ])
    }
}
