import Foundation
import OutcomeData
import TestSupport
import Testing

/// `TableSchemaValidator` against the Frictionless Table Schema specification v1
/// (https://specs.frictionlessdata.io/table-schema/): small in-memory tables whose every violation
/// is known by construction, then the shipped dataset and corrupted copies of it.
struct TableSchemaTests {
    static func table(_ text: String, source: String = "t.csv") throws -> CSVTable {
        try CSVReader.parse(text, source: source)
    }

    static let schema = TableSchema(
        fields: [
            SchemaField(name: "id", constraints: FieldConstraints(required: true, pattern: "^[a-z]+[0-9]*$")),
            SchemaField(name: "n", type: .integer, constraints: FieldConstraints(minimum: .number(1))),
            SchemaField(name: "level", type: .number, constraints: FieldConstraints(enumValues: [.number(0.95)])),
            SchemaField(name: "year", type: .year, constraints: FieldConstraints(maximum: .number(2030))),
            SchemaField(name: "ok", type: .boolean),
            SchemaField(name: "day", type: .date, constraints: FieldConstraints(minimum: .string("2000-01-01"))),
            SchemaField(name: "unit", constraints: FieldConstraints(enumValues: [.string("months"), .string("years")])),
        ],
        missingValues: ["", "NA"], primaryKey: ["id"])

    static let header = "id,n,level,year,ok,day,unit\n"

    @Test("a table that follows the schema has no issue; missing values per missingValues")
    func validTable() throws {
        let t = try Self.table(Self.header + "a1,3,0.95,2020,true,2020-02-29,months\nb,NA,0.950,,0,,\nc,+7,,1999,FALSE,2024-12-31,years\n")
        #expect(TableSchemaValidator.validate(t, schema: Self.schema).isEmpty)
    }

    /// Each row breaks exactly one rule; the issue names line, column, value and the expectation.
    static let violations: [(row: String, column: Int, name: String, problem: String)] = [
        ("A1,3,,,,,", 1, "id", "does not match the field's pattern"),
        (",3,,,,,", 1, "id", "is empty, but the field is required"),
        ("a,three,,,,,", 2, "n", "is not of type integer"),
        ("a,2.5,,,,,", 2, "n", "is not of type integer"),
        ("a,0,,,,,", 2, "n", "is below the minimum"),
        ("a,,0.9,,,,", 3, "level", "is not one of the allowed values"),
        ("a,,95%,,,,", 3, "level", "is not of type number"),
        ("a,,,20,,,", 4, "year", "is not of type year"),
        ("a,,,2031,,,", 4, "year", "is above the maximum"),
        ("a,,,,yes,,", 5, "ok", "is not of type boolean"),
        ("a,,,,,2021-02-29,", 6, "day", "is not of type date"),
        ("a,,,,,1999-12-31,", 6, "day", "is below the minimum"),
        ("a,,,,,,Months", 7, "unit", "is not one of the allowed values"),
    ]

    @Test("one violation per row, located and described", arguments: violations.indices)
    func singleViolation(_ i: Int) throws {
        let v = Self.violations[i]
        let t = try Self.table(Self.header + v.row + "\n")
        let issues = TableSchemaValidator.validate(t, schema: Self.schema)
        try #require(issues.count == 1, "\(issues)")
        #expect(issues[0].line == 2 && issues[0].column == v.column && issues[0].columnName == v.name)
        #expect(issues[0].problem == v.problem)
        #expect(issues[0].description.hasPrefix("t.csv:2:\(v.column) (column \"\(v.name)\")"), "\(issues[0])")
    }

    @Test("an enum slip gets a did-you-mean hint")
    func enumHint() throws {
        let issues = TableSchemaValidator.validate(try Self.table(Self.header + "a,,,,,,Months\n"), schema: Self.schema)
        #expect(issues.first?.hint == "did you mean \"months\"?")
        #expect(issues.first?.expected == "one of \"months\", \"years\"")
    }

    @Test("header: missing, extra, case-different and out-of-order columns")
    func headerIssues() throws {
        let s = TableSchema(fields: ["a", "b", "c"].map { SchemaField(name: $0) })
        let missing = TableSchemaValidator.validate(try Self.table("a,b\n1,2\n"), schema: s)
        #expect(missing.count == 1 && missing[0].problem == "the header has no column \"c\"" && missing[0].line == 1)
        let extra = TableSchemaValidator.validate(try Self.table("a,b,c,d\n1,2,3,4\n"), schema: s)
        #expect(extra.count == 1 && extra[0].column == 4 && extra[0].problem == "is not a field of the schema")
        let cased = TableSchemaValidator.validate(try Self.table("a,B,c\n1,2,3\n"), schema: s)
        #expect(cased.count == 1 && cased[0].column == 2 && cased[0].problem == "differs in case from the schema's field")
        let order = TableSchemaValidator.validate(try Self.table("a,c,b\n1,2,3\n"), schema: s)
        #expect(order.count == 1 && order[0].column == 2 && order[0].problem == "is out of the schema's order")
    }

    @Test("unique fields and primary keys (single and composite) report the repeated line")
    func uniqueness() throws {
        let single = TableSchemaValidator.validate(try Self.table(Self.header + "a,,,,,,\nb,,,,,,\na,,,,,,\n"), schema: Self.schema)
        #expect(single.count == 1 && single[0].line == 4 && single[0].problem == "repeats the primary key (id) of line 2")
        let composite = TableSchema(fields: [SchemaField(name: "s"), SchemaField(name: "k", type: .integer)], primaryKey: ["s", "k"])
        let c = TableSchemaValidator.validate(try Self.table("s,k\nx,1\nx,2\ny,1\nx,01\n"), schema: composite)
        #expect(c.count == 1 && c[0].line == 5 && c[0].problem == "repeats the primary key (s, k) of line 2", "integers compare as values: 01 = 1")
        let unique = TableSchema(fields: [SchemaField(name: "u", constraints: FieldConstraints(unique: true)), SchemaField(name: "v")])
        let u = TableSchemaValidator.validate(try Self.table("u,v\nx,1\n,2\n,3\nx,4\n"), schema: unique)
        #expect(u.count == 1 && u[0].line == 5 && u[0].problem == "repeats the value of line 2", "missing values are not compared")
    }

    @Test("string formats uri and email, lengths")
    func formats() throws {
        let s = TableSchema(fields: [SchemaField(name: "url", format: "uri"), SchemaField(name: "code", constraints: FieldConstraints(minLength: 2, maxLength: 3))])
        let issues = TableSchemaValidator.validate(try Self.table("url,code\nhttps://a.org/x,ab\nnot a uri,abcd\nwww.example.org,a\n"), schema: s)
        #expect(issues.map { "\($0.line!):\($0.column!)" } == ["3:1", "3:2", "4:1", "4:2"])
    }

    // MARK: The shipped dataset

    @Test("the shipped dataset follows its Table Schemas")
    func shippedDatasetIsSchemaValid() throws {
        let dataset = try CatalogueDataset.open(folder: DatasetCopy.shipped.path)
        let result = TableSchemaValidator(dataset: dataset).validate()
        #expect(result.issues.isEmpty, "\(result.issues.map(\.description).joined(separator: "\n"))")
        #expect(result.tables["studies"]?.rows.count == 52 && result.tables["outcomes"]?.rows.count == 302,
                "README: 52 publications, 302 figures")
    }

    /// A copy with one cell changed breaks exactly one schema rule, reported at that cell.
    static let corruptions: [(id: String, column: String, value: String, problem: String)] = [
        ("mayo2010-01", "endpoint", "overall_survival", "is not one of the allowed values"),
        ("mayo2010-02", "n", "3 39", "is not of type integer"),
        ("mayo2010-02", "n", "0", "is below the minimum"),
        ("dong2011-01", "time", "three", "is not of type number"),
        ("dong2011-01", "ci_level", "95", "is not one of the allowed values"),
        ("rinke2009_promid-03", "doi_or_pmid", "19704057", "does not match the field's pattern"),
        ("rinke2009_promid-03", "verification", "checked", "is not one of the allowed values"),
        ("chamberlain2000-01", "study_id", "chamberlain2001", "is not a value of studies.study_id in %STUDIES%"),
        ("chamberlain2000-02", "outcome_id", "chamberlain2000-01", "repeats the primary key (outcome_id) of line 2"),
        ("chamberlain2000-02", "unit", "", "is empty, but the field is required"),
    ]

    @Test("a corrupted copy fails at the corrupted cell", arguments: corruptions.indices)
    func corruptedCopy(_ i: Int) throws {
        let c = Self.corruptions[i]
        let copy = try DatasetCopy()
        defer { copy.remove() }
        let line = try copy.edit("outcomes.csv", row: c.id, column: c.column, to: c.value)
        let result = TableSchemaValidator(dataset: try CatalogueDataset.open(folder: copy.folder.path)).validate()
        try #require(result.issues.count == 1, "\(result.issues.map(\.description))")
        let issue = result.issues[0]
        #expect(issue.file == copy.folder.appendingPathComponent("outcomes.csv").path)
        #expect(issue.line == line && issue.columnName == c.column && issue.value == c.value)
        #expect(issue.problem == c.problem.replacingOccurrences(of: "%STUDIES%", with: copy.folder.appendingPathComponent("studies.csv").path))
    }

    /// `Fixtures/datasets/frictionless_reference.csv`: the errors frictionless 5.21.0 reports on the same
    /// corrupted copies (`frictionless_reference.py`). Both must flag the same lines, and the same
    /// column where frictionless names one (it reports a repeated primary key twice, as unique-error and
    /// primary-key; SurvMeta once).
    @Test("agrees with frictionless 5.21.0 on the shipped data and on every corrupted copy")
    func agreesWithFrictionless() throws {
        let t = try FixtureTable(contentsOf: fixturesDirectory().appendingPathComponent("datasets/frictionless_reference.csv"))
        var cases: [[String]] = []
        for r in 0..<t.rows.count {
            let key = ["file", "row_id", "column", "value"].map { t.record(r)[$0] ?? "" }
            if !cases.contains(key) { cases.append(key) }
        }
        #expect(cases.count == 20)
        for key in cases {
            let rows = (0..<t.rows.count).filter { r in ["file", "row_id", "column", "value"].map { t.record(r)[$0] ?? "" } == key }
            let copy = try DatasetCopy()
            defer { copy.remove() }
            if key[0] != "none" { try copy.edit(key[0], row: key[1], column: key[2], to: key[3]) }
            let ours = TableSchemaValidator(dataset: try CatalogueDataset.open(folder: copy.folder.path)).validate().issues
            let oursLines = Set(ours.map { "\(URL(fileURLWithPath: $0.file).lastPathComponent):\($0.line ?? 0)" })
            let theirs = rows.filter { t.record($0)["error_type"] != "NA" }
            let theirLines = Set(theirs.map { "\(t.record($0)["error_file"]!):\(Int(t.double($0, "error_row")!))" })
            #expect(oursLines == theirLines, "\(key): \(ours.map(\.description))")
            for r in theirs {
                guard let field = t.double(r, "error_field") else { continue }
                let line = Int(t.double(r, "error_row")!)
                #expect(ours.contains { $0.line == line && $0.column == Int(field) && $0.file.hasSuffix(t.record(r)["error_file"]!) },
                        "\(key): frictionless \(t.record(r)["error_type"]!) at \(line):\(Int(field))")
            }
        }
    }

    @Test("a study_id repeated in studies.csv breaks the primary key (and orphans the renamed study's figures)")
    func duplicateStudy() throws {
        let copy = try DatasetCopy()
        defer { copy.remove() }
        let line = try copy.edit("studies.csv", row: "que1995", column: "study_id", to: "mcentee1990")
        let result = TableSchemaValidator(dataset: try CatalogueDataset.open(folder: copy.folder.path)).validate()
        let first = try #require(result.issues.first)
        #expect(first.file.hasSuffix("studies.csv") && first.line == line && first.problem == "repeats the primary key (study_id) of line \(line - 1)")
        let tables = try CatalogueDataset.open(folder: DatasetCopy.shipped.path).evidenceTables()
        let orphans = tables.outcomeRows(of: "que1995").map(\.line)
        #expect(result.issues.dropFirst().map(\.line) == orphans && result.issues.dropFirst().allSatisfy { $0.value == "que1995" })
    }
}

/// A temporary copy of the shipped `Datasets/net-liver-metastases`, whose cells tests change one at a
/// time, so that every corrupted copy follows the real data.
struct DatasetCopy {
    static let shipped = repositoryRoot().appendingPathComponent("Datasets/net-liver-metastases")

    /// The folder holding the copy (a catalogue root with one dataset).
    let root: URL
    /// The copied dataset folder.
    let folder: URL

    init() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-datasets-\(UUID().uuidString)")
        folder = root.appendingPathComponent("net-liver-metastases")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: DatasetCopy.shipped, to: folder)
    }

    func remove() { try? FileManager.default.removeItem(at: root) }

    /// Sets `column` of the row whose first cell is `id` to `value` and rewrites the file (RFC 4180,
    /// LF line ends); returns the row's line. Rows never span lines in these files, so lines keep
    /// their numbers.
    @discardableResult
    func edit(_ file: String, row id: String, column: String, to value: String) throws -> Int {
        try rewrite(file) { header, rows in
            let c = try #require(header.firstIndex(of: column))
            let r = try #require(rows.firstIndex { $0.cells.first == id }, "no row \(id)")
            var cells = rows[r].cells
            cells[c] = value
            rows[r] = CSVRow(line: rows[r].line, cells: cells)
            return rows[r].line
        }
    }

    /// The line of the row whose first cell is `id`.
    func line(_ file: String, row id: String) throws -> Int {
        let table = try CSVReader.read(path: folder.appendingPathComponent(file).path)
        return try #require(table.rows.first { $0.cells.first == id }).line
    }

    func rewrite(_ file: String, _ change: ([String], inout [CSVRow]) throws -> Int) throws -> Int {
        let path = folder.appendingPathComponent(file).path
        let table = try CSVReader.read(path: path)
        var rows = table.rows
        let line = try change(table.header, &rows)
        func field(_ s: String) -> String {
            s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s
        }
        let text = ([table.header] + rows.map(\.cells)).map { $0.map(field).joined(separator: ",") + "\n" }.joined()
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return line
    }
}
