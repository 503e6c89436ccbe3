import Foundation

/// Validates the CSV files of a data package against their Table Schemas, as the Frictionless
/// specification defines validity (https://specs.frictionlessdata.io/table-schema/):
///
/// 1. the header row names the schema's fields, in the schema's order (exact, case-sensitive names);
/// 2. each cell is a missing value (one of `missingValues`) or a lexical form of its field's type
///    (`FieldType`); a missing value is an error when the field is `required` or part of the
///    primary key;
/// 3. each present value satisfies the field's constraints: `enum` (compared as typed values, so
///    `0.950` matches an enum entry `0.95` of a number field), `minimum`/`maximum`, `pattern` (the
///    whole text must match), `minLength`/`maxLength` (in characters), and the string formats `uri`
///    (a scheme followed by ':' and no spaces) and `email`;
/// 4. `unique` fields and the primary key hold no repeated (typed) value;
/// 5. every foreign-key tuple occurs among the referenced resource's rows.
///
/// Every violation becomes an `InputIssue` naming the file, the physical line, the column, the
/// offending text and what was expected; all are collected, none stops the others.
public struct TableSchemaValidator: Sendable {
    public var dataset: CatalogueDataset

    public init(dataset: CatalogueDataset) { self.dataset = dataset }

    /// Validates every resource and the foreign keys between them.
    public func validate() -> SchemaValidation {
        var issues: [InputIssue] = []
        var tables: [String: CSVTable] = [:]
        for resource in dataset.package.resources {
            do {
                let table = try dataset.table(resource)
                tables[resource.name] = table
                issues += TableSchemaValidator.validate(table, schema: resource.schema)
            } catch let e as InputErrors {
                issues += e.issues
            } catch {
                issues.append(InputIssue(file: dataset.path(of: resource), problem: "the file cannot be read (\(error))", expected: "a CSV file"))
            }
        }
        for resource in dataset.package.resources {
            guard let table = tables[resource.name] else { continue }
            for fk in resource.schema.foreignKeys {
                let targetName = fk.resource.isEmpty ? resource.name : fk.resource
                guard let target = dataset.package.resource(targetName), let targetTable = tables[targetName] else { continue }
                issues += TableSchemaValidator.foreignKeyIssues(table, schema: resource.schema, key: fk,
                                                                target: targetTable, targetSchema: target.schema, targetName: targetName)
            }
        }
        return SchemaValidation(issues: issues, tables: tables)
    }

    /// The header, cell, uniqueness and primary-key violations of one table (no foreign keys).
    public static func validate(_ table: CSVTable, schema: TableSchema) -> [InputIssue] {
        var issues = headerIssues(table, schema: schema)
        let columns = schema.fields.map { columnIndex(table, $0.name) }
        let patterns: [Regex<AnyRegexOutput>?] = schema.fields.map { f in f.constraints.pattern.flatMap { try? Regex($0) } }
        let enums: [[TableValue]?] = schema.fields.map { f in f.constraints.enumValues?.compactMap { $0.value(as: f.type) } }
        let singleKey = schema.primaryKey.count == 1 ? schema.primaryKey[0] : nil
        var seen: [Int: [TableValue: Int]] = [:]
        var seenKeys: [[TableValue]: Int] = [:]
        let keyColumns = schema.primaryKey.map { name in (schema.fields.firstIndex { $0.name == name }, name) }

        for row in table.rows {
            for (i, field) in schema.fields.enumerated() {
                guard let c = columns[i] else { continue }
                let text = c < row.cells.count ? row.cells[c] : ""
                func issue(_ problem: String?, _ expected: String, hint: String? = nil) -> InputIssue {
                    InputIssue(file: table.source, line: row.line(ofCell: c), column: c + 1, columnName: table.header[c],
                               value: text, problem: problem, expected: expected, hint: hint)
                }
                if schema.missingValues.contains(text) {
                    if field.constraints.required || schema.primaryKey.contains(field.name) {
                        issues.append(issue(text.isEmpty ? "is empty, but the field is required" : "marks a missing value, but the field is required",
                                            "a value (\(field.type.expectation))"))
                    }
                    continue
                }
                guard let value = field.type.cast(text) else {
                    issues.append(issue("is not of type \(field.type.rawValue)", field.type.expectation))
                    continue
                }
                issues += constraintProblems(field, value: value, text: text, allowed: enums[i], pattern: patterns[i]).map { issue($0.0, $0.1, hint: $0.2) }
                if field.constraints.unique && field.name != singleKey {
                    if let first = seen[i]?[value] {
                        issues.append(issue("repeats the value of line \(first)", "a value no other row has (constraint unique)"))
                    } else {
                        seen[i, default: [:]][value] = row.line
                    }
                }
            }
            // The primary key, when every part is present and well-typed (other cases are reported above).
            guard !keyColumns.isEmpty else { continue }
            var key: [TableValue] = []
            for (f, _) in keyColumns {
                guard let f, let c = columns[f], c < row.cells.count, !schema.missingValues.contains(row.cells[c]),
                      let v = schema.fields[f].type.cast(row.cells[c]) else { key = []; break }
                key.append(v)
            }
            guard !key.isEmpty, let f0 = keyColumns[0].0, let c0 = columns[f0] else { continue }
            if let first = seenKeys[key] {
                let names = schema.primaryKey.joined(separator: ", ")
                issues.append(InputIssue(file: table.source, line: row.line(ofCell: c0), column: c0 + 1, columnName: table.header[c0],
                                         value: row.cells[c0], problem: "repeats the primary key (\(names)) of line \(first)",
                                         expected: "a key no other row has"))
            } else {
                seenKeys[key] = row.line
            }
        }
        return issues
    }

    /// The column holding field `name`: the exact header name, else a case-insensitive match (whose
    /// case difference `headerIssues` reports).
    static func columnIndex(_ table: CSVTable, _ name: String) -> Int? {
        table.header.firstIndex(of: name) ?? table.columnIndex(name)
    }

    /// The header must list the schema's fields in order. Reported: a column the schema lacks, a field
    /// the header lacks, a name differing only in case, and (when the names agree as sets) the first
    /// column out of order.
    static func headerIssues(_ table: CSVTable, schema: TableSchema) -> [InputIssue] {
        let names = schema.fields.map(\.name)
        guard table.header != names else { return [] }
        var issues: [InputIssue] = []
        let line = table.headerLine
        let order = names.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: ", ")
        for (c, h) in table.header.enumerated() where !names.contains(h) {
            if let field = names.first(where: { $0.lowercased() == h.lowercased() }) {
                issues.append(InputIssue(file: table.source, line: line, column: c + 1, columnName: h, value: h,
                                         problem: "differs in case from the schema's field", expected: "\"\(field)\" (field names are case-sensitive)"))
            } else {
                let near = names.first { editDistance($0.lowercased(), h.lowercased(), limit: 2) <= 2 }
                issues.append(InputIssue(file: table.source, line: line, column: c + 1, columnName: h, value: h,
                                         problem: "is not a field of the schema", expected: "only the schema's fields, in order: \(order)",
                                         hint: near.map { "did you mean \"\($0)\"?" }))
            }
        }
        let lowered = Set(table.header.map { $0.lowercased() })
        for (i, name) in names.enumerated() where !lowered.contains(name.lowercased()) {
            issues.append(InputIssue(file: table.source, line: line, columnName: name,
                                     problem: "the header has no column \"\(name)\"",
                                     expected: "a column \"\(name)\" at position \(i + 1) (field \(i + 1) of the schema)"))
        }
        if issues.isEmpty, table.header.count == names.count,
           let c = names.indices.first(where: { table.header[$0].lowercased() != names[$0].lowercased() }) {
            issues.append(InputIssue(file: table.source, line: line, column: c + 1, columnName: table.header[c], value: table.header[c],
                                     problem: "is out of the schema's order", expected: "\"\(names[c])\" at position \(c + 1); the order is \(order)"))
        }
        return issues
    }

    /// The constraint violations of one present, well-typed value: (problem, expected, hint).
    static func constraintProblems(_ field: SchemaField, value: TableValue, text: String, allowed: [TableValue]?,
                                   pattern: Regex<AnyRegexOutput>?) -> [(String, String, String?)] {
        var problems: [(String, String, String?)] = []
        let c = field.constraints
        if let allowed, let literals = c.enumValues, !allowed.contains(value) {
            let list = literals.map { "\"\($0)\"" }.joined(separator: ", ")
            var hint: String?
            if field.type == .string {
                let candidates = literals.map(\.description)
                hint = (candidates.first { $0.lowercased() == text.lowercased() }
                        ?? candidates.first { editDistance($0.lowercased(), text.lowercased(), limit: 2) <= 2 })
                    .map { "did you mean \"\($0)\"?" }
            }
            problems.append(("is not one of the allowed values", "one of \(list)", hint))
        }
        if let minimum = c.minimum, let m = minimum.value(as: field.type), let order = TableValue.compare(value, m), order < 0 {
            problems.append(("is below the minimum", "a value ≥ \(minimum)", nil))
        }
        if let maximum = c.maximum, let m = maximum.value(as: field.type), let order = TableValue.compare(value, m), order > 0 {
            problems.append(("is above the maximum", "a value ≤ \(maximum)", nil))
        }
        if let pattern, let source = c.pattern, (try? pattern.wholeMatch(in: text)) == nil {
            problems.append(("does not match the field's pattern", "text matching \(source)", nil))
        }
        if let minLength = c.minLength, text.count < minLength {
            problems.append(("is shorter than \(minLength) characters", "at least \(minLength) characters", nil))
        }
        if let maxLength = c.maxLength, text.count > maxLength {
            problems.append(("is longer than \(maxLength) characters", "at most \(maxLength) characters", nil))
        }
        switch field.format {
        case "uri"?:
            if text.range(of: #"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s]+$"#, options: .regularExpression) == nil {
                problems.append(("is not a URI", "a URI such as https://example.org/page (format uri)", nil))
            }
        case "email"?:
            if text.range(of: #"^[^@\s]+@[^@\s]+\.[^@\s]+$"#, options: .regularExpression) == nil {
                problems.append(("is not an e-mail address", "an address such as name@example.org (format email)", nil))
            }
        default: break
        }
        return problems
    }

    /// Rows of `table` whose foreign-key tuple (all parts present) is not a tuple of the referenced
    /// fields in `target`.
    static func foreignKeyIssues(_ table: CSVTable, schema: TableSchema, key: ForeignKey, target: CSVTable,
                                 targetSchema: TableSchema, targetName: String) -> [InputIssue] {
        func typed(_ text: String, _ field: SchemaField?) -> TableValue { field?.type.cast(text) ?? .string(text) }
        let targetColumns = key.referencedFields.map { columnIndex(target, $0) }
        guard targetColumns.allSatisfy({ $0 != nil }) else { return [] }
        var known: Set<[TableValue]> = []
        var knownText: [String] = []
        for row in target.rows {
            let cells = targetColumns.map { $0! < row.cells.count ? row.cells[$0!] : "" }
            guard !cells.contains(where: targetSchema.missingValues.contains) else { continue }
            known.insert(zip(cells, key.referencedFields).map { typed($0, targetSchema.field($1)) })
            knownText.append(cells.joined(separator: ", "))
        }
        let columns = key.fields.map { columnIndex(table, $0) }
        guard columns.allSatisfy({ $0 != nil }), let c0 = columns[0] else { return [] }
        let referenced = key.referencedFields.map { "\(targetName).\($0)" }.joined(separator: ", ")
        var issues: [InputIssue] = []
        for row in table.rows {
            let cells = columns.map { $0! < row.cells.count ? row.cells[$0!] : "" }
            guard !cells.contains(where: schema.missingValues.contains) else { continue }
            let tuple = zip(cells, key.fields).map { typed($0, schema.field($1)) }
            guard !known.contains(tuple) else { continue }
            let text = cells.joined(separator: ", ")
            let near = knownText.first { editDistance($0.lowercased(), text.lowercased(), limit: 2) <= 2 }
            issues.append(InputIssue(file: table.source, line: row.line(ofCell: c0), column: c0 + 1, columnName: table.header[c0],
                                     value: text, problem: "is not a value of \(referenced) in \(target.source)",
                                     expected: "an existing \(referenced) (foreign key)", hint: near.map { "did you mean \"\($0)\"?" }))
        }
        return issues
    }
}

/// The outcome of `TableSchemaValidator.validate()`: the violations and the tables that could be read
/// (keyed by resource name), so later checks need not read the files again.
public struct SchemaValidation: Sendable, Equatable {
    public var issues: [InputIssue]
    public var tables: [String: CSVTable]

    public init(issues: [InputIssue], tables: [String: CSVTable]) {
        self.issues = issues
        self.tables = tables
    }
}
