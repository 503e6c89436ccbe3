import Foundation
import OutcomeData
import TestSupport
import Testing

/// `DataPackage` parsing: the shipped descriptor read completely, and malformed descriptors each
/// reported with the JSON path of the offending member.
struct DataPackageTests {
    static let shippedDescriptor = DatasetCopy.shipped.appendingPathComponent("datapackage.json")

    @Test("the shipped datapackage.json: resources, fields, constraints, keys")
    func shippedDescriptor() throws {
        let p = try DataPackage.load(path: Self.shippedDescriptor.path)
        #expect(p.name == "net-liver-metastases" && p.version == "1.0.0")
        #expect(p.title?.hasPrefix("Survival outcomes after treatment of neuroendocrine tumour liver metastases") == true)
        #expect(p.resources.map(\.name) == ["studies", "outcomes"] && p.resources.map(\.path) == ["studies.csv", "outcomes.csv"])
        let studies = try #require(p.resource("studies")?.schema)
        let outcomes = try #require(p.resource("outcomes")?.schema)
        #expect(studies.fields.count == 17 && outcomes.fields.count == 23)
        #expect(studies.primaryKey == ["study_id"] && outcomes.primaryKey == ["outcome_id"])
        #expect(outcomes.foreignKeys == [ForeignKey(fields: ["study_id"], resource: "studies", referencedFields: ["study_id"])])
        #expect(studies.missingValues == [""] && outcomes.missingValues == [""])
        #expect(studies.field("year")?.type == .year && studies.field("n")?.type == .integer && outcomes.field("time")?.type == .number)
        #expect(studies.field("study_id")?.constraints == FieldConstraints(required: true, unique: true, pattern: "^[A-Za-z0-9_]+$"))
        #expect(studies.field("source_url")?.format == "uri")
        #expect(outcomes.field("ci_level")?.constraints.enumValues == [.number(0.95)])
        #expect(outcomes.field("n")?.constraints.minimum == .number(1))
        #expect(outcomes.field("endpoint")?.constraints.enumValues?.count == 21)
        #expect(outcomes.field("verification")?.constraints.enumValues == ["verified", "worksheet_only", "secondary", "doubtful"].map(SchemaLiteral.string))
    }

    static func issues(_ json: String) -> [InputIssue] {
        do {
            _ = try DataPackage.parse(Data(json.utf8), source: "dp.json")
            return []
        } catch let e as InputErrors {
            return e.issues
        } catch {
            return [InputIssue(file: "?", expected: "InputErrors, got \(error)")]
        }
    }

    static func resource(schema: String, extra: String = "") -> String {
        #"{"resources": [{"name": "r", "path": "r.csv"\#(extra), "schema": \#(schema)}]}"#
    }

    /// Each descriptor has one problem; the message starts with its JSON path.
    static let malformed: [(json: String, problem: String)] = [
        ("{\"resources\": [", "the file is not valid JSON"),
        ("[1, 2]", "the top level is an array"),
        ("{}", "the descriptor has no \"resources\""),
        (resource(schema: #"{"fields": [{"name": "a", "type": "datetime"}]}"#), "resources[0].schema.fields[0].type is \"datetime\""),
        (resource(schema: #"{"fields": [{"name": "a", "type": "integer", "constraints": {"enum": ["x"]}}]}"#),
         "resources[0].schema.fields[0].constraints.enum[0] \"x\" is not a value of the field's type integer"),
        (resource(schema: #"{"fields": [{"name": "a", "constraints": {"required": "yes"}}]}"#), "resources[0].schema.fields[0].constraints.required is a string"),
        (resource(schema: #"{"fields": [{"name": "a", "constraints": {"pattern": "(["}}]}"#), "resources[0].schema.fields[0].constraints.pattern \"([\" is not a valid regular expression"),
        (resource(schema: #"{"fields": [{"name": "a", "constraints": {"exclusiveMaximum": 3}}]}"#), "resources[0].schema.fields[0].constraints.exclusiveMaximum is not a constraint"),
        (resource(schema: #"{"fields": [{"name": "a"}], "primaryKey": "b"}"#), "resources[0].schema.primaryKey names \"b\", which is not a field"),
        (resource(schema: #"{"fields": [{"name": "a"}, {"name": "a"}]}"#), "resources[0].schema.fields names \"a\" twice"),
        (resource(schema: #"{"fields": [{"name": "a"}], "foreignKeys": [{"fields": "a", "reference": {"resource": "other", "fields": "id"}}]}"#),
         "resources[0].schema.foreignKeys[0].reference names the resource \"other\""),
        (resource(schema: #"{"fields": [{"name": "a"}]}"#, extra: #", "dialect": {"delimiter": ";"}"#), "resources[0].dialect.delimiter is \";\""),
        (#"{"resources": [{"name": "r", "path": "../r.csv", "schema": {"fields": [{"name": "a"}]}}]}"#, "resources[0].path \"../r.csv\" is not a relative path"),
        (#"{"resources": [{"name": "r", "path": "r.csv"}]}"#, "resources[0] has no \"schema\""),
        (#"{"resources": [{"name": "R", "path": "r.csv", "schema": {"fields": [{"name": "a"}]}}]}"#, "resources[0].name \"R\" is not a valid resource name"),
    ]

    @Test("a malformed descriptor is reported with the path of the offending member", arguments: malformed.indices)
    func malformedDescriptor(_ i: Int) {
        let m = Self.malformed[i]
        let issues = Self.issues(m.json)
        #expect(issues.count == 1, "\(issues)")
        #expect(issues.first?.file == "dp.json")
        #expect(issues.first?.problem?.hasPrefix(m.problem) == true, "\(issues)")
    }

    @Test("every problem of a descriptor is reported, not only the first")
    func allProblems() {
        let json = Self.resource(schema: #"{"fields": [{"name": "a", "type": "datetime"}, {"name": "b", "constraints": {"minimum": 1}}], "primaryKey": "c"}"#)
        let problems = Self.issues(json).compactMap(\.problem)
        #expect(problems.count == 3, "\(problems)")
    }

    @Test("a dataset folder without a descriptor fails validation, naming the file")
    func missingDescriptor() throws {
        let copy = try DatasetCopy()
        defer { copy.remove() }
        try FileManager.default.removeItem(at: copy.folder.appendingPathComponent("datapackage.json"))
        let result = DatasetValidator.validate(folder: copy.folder.path)
        #expect(result.issues.count == 1 && result.issues[0].file.hasSuffix("net-liver-metastases/datapackage.json"))
        #expect(result.issues.first?.problem == "the file does not exist")
    }

    @Test("a resource whose CSV file is missing is reported; the other resource is still checked")
    func missingResourceFile() throws {
        let copy = try DatasetCopy()
        defer { copy.remove() }
        try FileManager.default.removeItem(at: copy.folder.appendingPathComponent("studies.csv"))
        let dataset = try CatalogueDataset.open(folder: copy.folder.path)
        let result = TableSchemaValidator(dataset: dataset).validate()
        #expect(result.issues.count == 1 && result.issues[0].file.hasSuffix("studies.csv") && result.issues[0].problem == "the file does not exist")
        #expect(result.tables["outcomes"]?.rows.count == 302)
    }

    @Test("typed values: lexical forms of the Table Schema types")
    func lexicalForms() {
        #expect(FieldType.integer.cast("-12") == .integer(-12) && FieldType.integer.cast("1.0") == nil && FieldType.integer.cast("") == nil)
        #expect(FieldType.number.cast(".5") == .number(0.5) && FieldType.number.cast("1e-3") == .number(0.001) && FieldType.number.cast("1,5") == nil)
        #expect(FieldType.number.cast("1e") == nil && FieldType.number.cast("-") == nil && FieldType.number.cast("0x10") == nil)
        #expect(FieldType.year.cast("2016") == .year(2016) && FieldType.year.cast("16") == nil)
        #expect(FieldType.boolean.cast("TRUE") == .boolean(true) && FieldType.boolean.cast("0") == .boolean(false) && FieldType.boolean.cast("yes") == nil)
        #expect(FieldType.date.cast("2000-02-29") == .date(year: 2000, month: 2, day: 29) && FieldType.date.cast("1900-02-29") == nil)
        #expect(FieldType.date.cast("2020-13-01") == nil && FieldType.date.cast("2020-1-01") == nil)
        #expect(SchemaLiteral.number(0.95).value(as: .number) == FieldType.number.cast("0.950"))
    }
}
