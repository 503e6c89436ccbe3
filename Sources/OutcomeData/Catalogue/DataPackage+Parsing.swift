import Foundation

extension DataPackage {
    /// Reads and parses the descriptor at `path` (a `datapackage.json`). Throws `InputErrors` naming
    /// the file and, for each problem, the JSON path of the offending member
    /// (`resources[1].schema.fields[4].type`).
    public static func load(path: String) throws -> DataPackage {
        guard FileManager.default.fileExists(atPath: path) else {
            throw InputErrors(InputIssue(file: path, problem: "the file does not exist",
                                         expected: "a Frictionless datapackage.json describing the dataset's CSV files"))
        }
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw InputErrors(InputIssue(file: path, problem: "the file cannot be read (\(error.localizedDescription))",
                                         expected: "a readable datapackage.json"))
        }
        return try parse(data, source: path)
    }

    /// Parses descriptor bytes; `source` names the descriptor in messages. Every problem found is
    /// reported (thrown together as `InputErrors`), not only the first.
    public static func parse(_ data: Data, source: String) throws -> DataPackage {
        let root: JSONNode
        do {
            root = try JSONDecoder().decode(JSONNode.self, from: data)
        } catch {
            throw InputErrors(syntaxIssue(data, source: source))
        }
        var reader = DescriptorReader(source: source)
        let package = reader.package(root)
        if !reader.issues.isEmpty { throw InputErrors(reader.issues) }
        return package
    }
}

extension DataPackage {
    /// The JSON syntax error of `data`, located: `JSONDecoder` does not say where, so the bytes are
    /// parsed again by `JSONSerialization`, whose message gives the character offset, turned here into
    /// a line and column.
    static func syntaxIssue(_ data: Data, source: String) -> InputIssue {
        var reason = "the data is not JSON"
        var line: Int?, column: Int?
        do {
            _ = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            reason = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String ?? reason
            if let range = reason.range(of: #"character [0-9]+"#, options: .regularExpression),
               let offset = Int(reason[range].dropFirst("character ".count)), offset <= data.count {
                let prefix = data.prefix(offset)
                line = prefix.reduce(1) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
                column = offset - (prefix.lastIndex(of: UInt8(ascii: "\n")).map { $0 - prefix.startIndex + 1 } ?? 0) + 1
            }
        }
        if reason.hasSuffix(".") { reason.removeLast() }
        return InputIssue(file: source, line: line, column: column, problem: "the file is not valid JSON (\(reason))",
                          expected: "a JSON object (a Frictionless data package descriptor)")
    }
}

/// A JSON document as decoded by `JSONDecoder` (object key order is not kept; the descriptor does
/// not need it).
indirect enum JSONNode: Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONNode])
    case object([String: JSONNode])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let x = try? c.decode(Double.self) { self = .number(x) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONNode].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONNode].self)) }
    }

    var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .number: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}

/// Turns the decoded JSON into typed descriptor values, collecting an issue for every member that
/// is missing, of the wrong JSON kind, or outside the subset SurvMeta validates.
struct DescriptorReader {
    let source: String
    var issues: [InputIssue] = []

    init(source: String) { self.source = source }

    mutating func fail(_ path: String, _ problem: String, expected: String, hint: String? = nil) {
        issues.append(InputIssue(file: source, problem: "\(path) \(problem)", expected: expected, hint: hint))
    }

    mutating func string(_ object: [String: JSONNode], _ key: String, at path: String, required: Bool = false) -> String? {
        switch object[key] {
        case nil, .null?:
            if required { fail(path, "has no \"\(key)\"", expected: "a string member \"\(key)\"") }
            return nil
        case .string(let s)?: return s
        case let other?:
            fail("\(path).\(key)", "is \(other.kind)", expected: "a string")
            return nil
        }
    }

    /// A string or an array of strings (the two forms of `primaryKey` and foreign-key `fields`).
    mutating func names(_ node: JSONNode?, at path: String) -> [String] {
        switch node {
        case nil, .null?: return []
        case .string(let s)?: return [s]
        case .array(let items)?:
            return items.enumerated().compactMap { i, item in
                if case .string(let s) = item { return s }
                fail("\(path)[\(i)]", "is \(item.kind)", expected: "a field name (string)")
                return nil
            }
        case let other?:
            fail(path, "is \(other.kind)", expected: "a field name or an array of field names")
            return []
        }
    }

    mutating func package(_ root: JSONNode) -> DataPackage {
        guard case .object(let top) = root else {
            fail("the top level", "is \(root.kind)", expected: "a JSON object (a data package descriptor)")
            return DataPackage(resources: [])
        }
        var resources: [DataResource] = []
        switch top["resources"] {
        case .array(let items)? where !items.isEmpty:
            for (i, item) in items.enumerated() {
                if let r = resource(item, at: "resources[\(i)]") { resources.append(r) }
            }
        case .array?: fail("resources", "is empty", expected: "at least one resource")
        case nil: fail("the descriptor", "has no \"resources\"", expected: "an array \"resources\"")
        case let other?: fail("resources", "is \(other.kind)", expected: "an array of resources")
        }
        let names = resources.map(\.name)
        for (i, name) in names.enumerated() where names[..<i].contains(name) {
            fail("resources[\(i)].name", "\"\(name)\" is used by an earlier resource", expected: "unique resource names")
        }
        let package = DataPackage(
            name: string(top, "name", at: "the descriptor"), title: string(top, "title", at: "the descriptor"),
            description: string(top, "description", at: "the descriptor"), version: string(top, "version", at: "the descriptor"),
            resources: resources)
        checkForeignKeyTargets(package)
        return package
    }

    mutating func resource(_ node: JSONNode, at path: String) -> DataResource? {
        guard case .object(let o) = node else {
            fail(path, "is \(node.kind)", expected: "a resource object")
            return nil
        }
        let name = string(o, "name", at: path, required: true)
        if let name, name.range(of: #"^[a-z0-9._-]+$"#, options: .regularExpression) == nil {
            fail("\(path).name", "\"\(name)\" is not a valid resource name", expected: "lower-case letters, digits, '.', '_' or '-'")
        }
        if o["data"] != nil {
            fail(path, "has inline \"data\"", expected: "a \"path\" to a CSV file (inline data is not supported)")
        }
        var filePath: String?
        switch o["path"] {
        case .string(let p)?: filePath = p
        case .array?: fail("\(path).path", "is an array", expected: "a single CSV file path (multi-part resources are not supported)")
        case nil: if o["data"] == nil { fail(path, "has no \"path\"", expected: "a \"path\" to a CSV file") }
        case let other?: fail("\(path).path", "is \(other.kind)", expected: "a relative file path")
        }
        if let p = filePath {
            if p.contains("://") || p.hasPrefix("/") || p.split(separator: "/").contains("..") {
                fail("\(path).path", "\"\(p)\" is not a relative path inside the package folder",
                     expected: "a relative POSIX path without '..' (remote and absolute paths are not read)")
                filePath = nil
            }
        }
        if let format = string(o, "format", at: path), format.lowercased() != "csv" {
            fail("\(path).format", "is \"\(format)\"", expected: "\"csv\"")
        }
        if let encoding = string(o, "encoding", at: path), !["utf-8", "utf8"].contains(encoding.lowercased()) {
            fail("\(path).encoding", "is \"\(encoding)\"", expected: "\"utf-8\"")
        }
        if case .object(let dialect)? = o["dialect"] { self.dialect(dialect, at: "\(path).dialect") }
        var schema: TableSchema?
        switch o["schema"] {
        case .object(let s)?: schema = self.schema(s, at: "\(path).schema")
        case .string?: fail("\(path).schema", "is a path to a separate file", expected: "an inline Table Schema object")
        case nil: fail(path, "has no \"schema\"", expected: "an inline Table Schema \"schema\"")
        case let other?: fail("\(path).schema", "is \(other.kind)", expected: "a Table Schema object")
        }
        guard let name, let filePath, let schema else { return nil }
        return DataResource(name: name, path: filePath, title: string(o, "title", at: path),
                            description: string(o, "description", at: path), schema: schema)
    }

    /// The CSV dialect members that the CSV reader fixes (comma, double quote, header row) must agree.
    mutating func dialect(_ d: [String: JSONNode], at path: String) {
        if case .string(let delimiter)? = d["delimiter"], delimiter != "," {
            fail("\(path).delimiter", "is \"\(delimiter)\"", expected: "\",\" (SurvMeta reads comma-separated files only)")
        }
        if case .string(let quote)? = d["quoteChar"], quote != "\"" {
            fail("\(path).quoteChar", "is \"\(quote)\"", expected: "a double quote")
        }
        if case .bool(false)? = d["header"] {
            fail("\(path).header", "is false", expected: "true (a header row naming the fields)")
        }
        if case .bool(false)? = d["doubleQuote"] {
            fail("\(path).doubleQuote", "is false", expected: "true (quotes inside quoted cells are doubled, RFC 4180)")
        }
    }

    mutating func schema(_ s: [String: JSONNode], at path: String) -> TableSchema? {
        var fields: [SchemaField] = []
        switch s["fields"] {
        case .array(let items)? where !items.isEmpty:
            for (i, item) in items.enumerated() {
                if let f = field(item, at: "\(path).fields[\(i)]") { fields.append(f) }
            }
        case .array?: fail("\(path).fields", "is empty", expected: "at least one field")
        case nil: fail(path, "has no \"fields\"", expected: "an array \"fields\"")
        case let other?: fail("\(path).fields", "is \(other.kind)", expected: "an array of fields")
        }
        let fieldNames = fields.map(\.name)
        for (i, name) in fieldNames.enumerated() where fieldNames[..<i].contains(name) {
            fail("\(path).fields", "names \"\(name)\" twice", expected: "unique field names")
        }
        var missingValues = [""]
        switch s["missingValues"] {
        case nil: break
        case .array(let items)?:
            missingValues = items.enumerated().compactMap { i, item in
                if case .string(let v) = item { return v }
                fail("\(path).missingValues[\(i)]", "is \(item.kind)", expected: "a string")
                return nil
            }
        case let other?: fail("\(path).missingValues", "is \(other.kind)", expected: "an array of strings")
        }
        let primaryKey = names(s["primaryKey"], at: "\(path).primaryKey")
        for key in primaryKey where !fieldNames.contains(key) {
            fail("\(path).primaryKey", "names \"\(key)\", which is not a field", expected: "field names of the schema")
        }
        var foreignKeys: [ForeignKey] = []
        switch s["foreignKeys"] {
        case nil: break
        case .array(let items)?:
            for (i, item) in items.enumerated() {
                if let fk = foreignKey(item, at: "\(path).foreignKeys[\(i)]", fieldNames: fieldNames) { foreignKeys.append(fk) }
            }
        case let other?: fail("\(path).foreignKeys", "is \(other.kind)", expected: "an array of foreign keys")
        }
        return TableSchema(fields: fields, missingValues: missingValues, primaryKey: primaryKey, foreignKeys: foreignKeys)
    }

    mutating func foreignKey(_ node: JSONNode, at path: String, fieldNames: [String]) -> ForeignKey? {
        guard case .object(let o) = node, case .object(let reference)? = o["reference"] else {
            fail(path, "is not an object with \"fields\" and \"reference\"", expected: "{\"fields\": …, \"reference\": {\"resource\": …, \"fields\": …}}")
            return nil
        }
        let fields = names(o["fields"], at: "\(path).fields")
        let referenced = names(reference["fields"], at: "\(path).reference.fields")
        let resource = string(reference, "resource", at: "\(path).reference") ?? ""
        var ok = !fields.isEmpty
        if fields.isEmpty { fail("\(path).fields", "is empty", expected: "at least one field name") }
        for f in fields where !fieldNames.contains(f) {
            fail("\(path).fields", "names \"\(f)\", which is not a field", expected: "field names of the schema")
            ok = false
        }
        if fields.count != referenced.count {
            fail("\(path).reference.fields", "has \(referenced.count) names for \(fields.count) fields", expected: "one referenced field per field")
            ok = false
        }
        return ok ? ForeignKey(fields: fields, resource: resource, referencedFields: referenced) : nil
    }

    /// Every foreign key must point at an existing resource and at fields of its schema.
    mutating func checkForeignKeyTargets(_ package: DataPackage) {
        for (i, r) in package.resources.enumerated() {
            for (k, fk) in r.schema.foreignKeys.enumerated() {
                let path = "resources[\(i)].schema.foreignKeys[\(k)].reference"
                guard let target = fk.resource.isEmpty ? r : package.resource(fk.resource) else {
                    fail(path, "names the resource \"\(fk.resource)\", which the package does not have",
                         expected: "one of " + package.resources.map { "\"\($0.name)\"" }.joined(separator: ", "))
                    continue
                }
                for f in fk.referencedFields where target.schema.field(f) == nil {
                    fail("\(path).fields", "names \"\(f)\", which is not a field of \"\(target.name)\"", expected: "field names of the referenced resource")
                }
            }
        }
    }

    static let knownConstraints: Set<String> = ["required", "unique", "enum", "minimum", "maximum", "pattern", "minLength", "maxLength"]

    mutating func field(_ node: JSONNode, at path: String) -> SchemaField? {
        guard case .object(let o) = node else {
            fail(path, "is \(node.kind)", expected: "a field object")
            return nil
        }
        let name = string(o, "name", at: path, required: true)
        var type = FieldType.string
        if let t = string(o, "type", at: path) {
            if let known = FieldType(rawValue: t) { type = known } else {
                fail("\(path).type", "is \"\(t)\", which SurvMeta's validator does not read",
                     expected: "one of " + FieldType.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", "))
                return nil
            }
        }
        let format = string(o, "format", at: path)
        if let format, format != "default" {
            let supported = type == .string ? ["uri", "email"] : (type == .date ? [] : ["default"])
            if !supported.contains(format) {
                fail("\(path).format", "is \"\(format)\"", expected: type == .string ? "\"default\", \"uri\" or \"email\"" : "\"default\"")
            }
        }
        for key in ["decimalChar", "groupChar", "bareNumber", "trueValues", "falseValues"] where o[key] != nil {
            fail("\(path).\(key)", "is set", expected: "the Table Schema default (SurvMeta reads the default lexical forms only)")
        }
        var constraints = FieldConstraints()
        switch o["constraints"] {
        case nil: break
        case .object(let c)?: constraints = self.constraints(c, type: type, at: "\(path).constraints")
        case let other?: fail("\(path).constraints", "is \(other.kind)", expected: "an object")
        }
        guard let name else { return nil }
        return SchemaField(name: name, type: type, format: format == "default" ? nil : format,
                           title: string(o, "title", at: path), description: string(o, "description", at: path),
                           constraints: constraints)
    }

    mutating func constraints(_ c: [String: JSONNode], type: FieldType, at path: String) -> FieldConstraints {
        var result = FieldConstraints()
        for key in c.keys.sorted() where !Self.knownConstraints.contains(key) {
            fail("\(path).\(key)", "is not a constraint SurvMeta's validator checks",
                 expected: "one of " + Self.knownConstraints.sorted().joined(separator: ", "))
        }
        func flag(_ key: String) -> Bool {
            switch c[key] {
            case nil: return false
            case .bool(let b)?: return b
            case let other?:
                fail("\(path).\(key)", "is \(other.kind)", expected: "true or false")
                return false
            }
        }
        result.required = flag("required")
        result.unique = flag("unique")
        func literal(_ node: JSONNode, at p: String) -> SchemaLiteral? {
            let lit: SchemaLiteral
            switch node {
            case .string(let s): lit = .string(s)
            case .number(let x): lit = .number(x)
            case .bool(let b): lit = .bool(b)
            default:
                fail(p, "is \(node.kind)", expected: "a value of type \(type.rawValue)")
                return nil
            }
            if lit.value(as: type) == nil {
                fail(p, "\"\(lit)\" is not a value of the field's type \(type.rawValue)", expected: type.expectation)
                return nil
            }
            return lit
        }
        switch c["enum"] {
        case nil: break
        case .array(let items)? where !items.isEmpty:
            result.enumValues = items.enumerated().compactMap { i, item in literal(item, at: "\(path).enum[\(i)]") }
        case let other?: fail("\(path).enum", "is \(other.kind == "an array" ? "empty" : other.kind)", expected: "a non-empty array of allowed values")
        }
        for key in ["minimum", "maximum"] {
            guard let node = c[key] else { continue }
            if [.string, .boolean].contains(type) {
                fail("\(path).\(key)", "is set on a \(type.rawValue) field", expected: "minimum/maximum only on integer, number, year or date fields")
                continue
            }
            let lit = literal(node, at: "\(path).\(key)")
            if key == "minimum" { result.minimum = lit } else { result.maximum = lit }
        }
        if let pattern = c["pattern"] {
            if case .string(let p) = pattern {
                if (try? Regex(p)) == nil {
                    fail("\(path).pattern", "\"\(p)\" is not a valid regular expression", expected: "a regular expression")
                } else {
                    result.pattern = p
                }
            } else {
                fail("\(path).pattern", "is \(pattern.kind)", expected: "a regular expression (string)")
            }
        }
        for key in ["minLength", "maxLength"] {
            switch c[key] {
            case nil: continue
            case .number(let x)? where x >= 0 && x == x.rounded() && x < 1e9:
                if key == "minLength" { result.minLength = Int(x) } else { result.maxLength = Int(x) }
            case let other?: fail("\(path).\(key)", "is \(other.kind)", expected: "a non-negative integer")
            }
        }
        return result
    }
}
