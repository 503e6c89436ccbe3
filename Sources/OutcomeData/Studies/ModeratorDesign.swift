import Foundation
import MetaAnalysis
import StatNumerics

/// How one moderator column enters a model.
public enum ModeratorKind: Sendable, Equatable, Hashable {
    /// Every value used is a number: the column enters as is (one coefficient).
    case continuous
    /// Text values (or numbers forced with `factor(column)`): treatment (dummy) coding against the
    /// first level, one column `COLUMNlevel` per other level. Levels in sorted order: numerically when
    /// every level is a number, else by case-insensitive text order (ties by code point).
    case categorical(levels: [String])
}

/// A moderator column and how it was coded.
public struct ModeratorVariable: Sendable, Equatable, Hashable {
    /// The column name as written in the header.
    public var column: String
    public var kind: ModeratorKind
}

/// A study left out of an analysis because a moderator it needs is missing (as metafor's `na.omit`).
public struct OmittedStudy: Sendable, Equatable, Hashable {
    public var label: String
    /// The physical line of the study's row.
    public var line: Int
    /// The moderator columns that are empty or `NA` in that row.
    public var columns: [String]

    public var description: String {
        "study \"\(label)\" (line \(line)) left out: missing " + columns.map { "\"\($0)\"" }.joined(separator: ", ")
    }
}

/// The model matrix of a meta-regression built from moderator columns, formula-free:
/// terms are column names (`ablat`), forced factors (`factor(grp)`) and interactions (`ablat:alloc`,
/// the element-wise products of the terms' coded columns), always after an intercept named `intrcpt`.
///
/// Coding follows R's `model.matrix` with treatment contrasts as metafor uses it: a categorical term
/// gives one 0/1 column per level but the first (sorted order), named column + level
/// (`allocrandom`); an interaction of coded columns `a` and `b` is named `a:b`. Main effects are not
/// added for an interaction: list them (`a,b,a:b`) as a formula `~ a*b` would.
public struct ModeratorDesign: Sendable, Equatable {
    /// k × p, column-major; first column the intercept.
    public var matrix: Matrix
    /// One name per column: `intrcpt`, then the coded names.
    public var names: [String]
    /// Indices into the table's `records` of the studies used, in input order.
    public var rowIndices: [Int]
    /// The studies used (same order as `rowIndices`).
    public var studies: [StudyEffect]
    /// The moderator columns used and how each was coded.
    public var variables: [ModeratorVariable]
    /// Studies left out because a moderator they need is missing.
    public var omitted: [OmittedStudy]
    /// Notes for the reader (e.g. a column read as categorical because of one non-number).
    public var notes: [String]

    /// Splits a `--mods` list (`a,b,a:b`) into trimmed, non-empty terms.
    public static func parseTerms(_ specification: String) -> [String] {
        specification.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// Builds the design for `terms` (see `parseTerms`) from the table's moderator columns.
    ///
    /// Throws `InputErrors` for an unknown column (naming it and listing the moderator columns the
    /// file has), a term that is not a plain name, and a moderator that takes one value in every study
    /// used (a constant column cannot be separated from the intercept).
    /// - Parameter headerLine: the line of the file's header, for messages.
    public static func build(_ table: StudyTable, terms: [String], headerLine: Int = 1) throws -> ModeratorDesign {
        let parsed = try terms.map { try parseTerm($0, table: table, headerLine: headerLine) }
        // Every column used, in order of first appearance; forced factors win for a column.
        var columns: [String] = []
        var forced: Set<String> = []
        for term in parsed {
            for factor in term {
                if !columns.contains(factor.column) { columns.append(factor.column) }
                if factor.forcedFactor { forced.insert(factor.column) }
            }
        }

        // Leave out studies with a missing value in any column used.
        var used: [Int] = []
        var omitted: [OmittedStudy] = []
        for (i, record) in table.records.enumerated() {
            let missing = columns.filter { (record.moderators[$0] ?? nil) == nil }
            if missing.isEmpty { used.append(i) } else { omitted.append(OmittedStudy(label: record.label, line: record.line, columns: missing)) }
        }

        if used.isEmpty {
            throw InputErrors(InputIssue(file: table.source, line: headerLine,
                                         problem: "no study has a value for every moderator used (" + columns.map { "\"\($0)\"" }.joined(separator: ", ") + ")",
                                         expected: "moderator values in at least as many studies as the model has coefficients"))
        }

        // Code each column over the studies used.
        var variables: [String: ModeratorVariable] = [:]
        var numeric: [String: [Double]] = [:]
        var notes: [String] = []
        var issues: [InputIssue] = []
        for column in columns {
            let texts = used.map { table.records[$0].moderators[column]!!.trimmingCharacters(in: .whitespaces) }
            let values = texts.map(numberValue)
            let allNumeric = values.allSatisfy { $0 != nil }
            if let first = texts.first, Set(texts).count == 1 || (allNumeric && Set(values.map { $0! }).count == 1) {
                issues.append(InputIssue(
                    file: table.source, line: headerLine, columnName: column,
                    problem: "moderator \"\(column)\" takes the single value \"\(first)\" in all \(used.count) studies used",
                    expected: "a moderator that varies across studies",
                    hint: "a constant moderator cannot be separated from the intercept; drop it from --mods"))
                continue
            }
            if allNumeric && !forced.contains(column) {
                variables[column] = ModeratorVariable(column: column, kind: .continuous)
                numeric[column] = values.map { $0! }
            } else {
                let levels = sortedLevels(Array(Set(texts)), numeric: allNumeric)
                variables[column] = ModeratorVariable(column: column, kind: .categorical(levels: levels))
                let numbers = values.compactMap { $0 }.count
                if !allNumeric && numbers * 2 > texts.count,
                   let (row, text) = zip(used, texts).first(where: { numberValue($0.1) == nil }) {
                    notes.append("moderator \"\(column)\" is treated as categorical because \"\(text)\" (line \(table.records[row].line)) is not a number")
                }
            }
        }
        if !issues.isEmpty { throw InputErrors(issues) }

        // Columns of the design: intercept, then each term's coded columns.
        var names = ["intrcpt"]
        var designColumns: [[Double]] = [[Double](repeating: 1, count: used.count)]
        for (termIndex, term) in parsed.enumerated() {
            var coded: [(String, [Double])] = [("", [Double](repeating: 1, count: used.count))]
            for factor in term {
                let variable = variables[factor.column]!
                let parts = codedColumns(variable, used: used, table: table, numeric: numeric[factor.column])
                var next: [(String, [Double])] = []
                for (leftName, left) in coded {
                    for (rightName, right) in parts {
                        next.append((leftName.isEmpty ? rightName : leftName + ":" + rightName, zip(left, right).map(*)))
                    }
                }
                coded = next
            }
            for (name, values) in coded {
                if names.contains(name) {
                    throw InputErrors(InputIssue(file: table.source, line: headerLine, columnName: terms[termIndex],
                                                 problem: "the term \"\(terms[termIndex])\" repeats the model column \"\(name)\"",
                                                 expected: "each moderator term listed once in --mods"))
                }
                names.append(name)
                designColumns.append(values)
            }
        }
        return ModeratorDesign(
            matrix: Matrix(columns: designColumns), names: names, rowIndices: used,
            studies: used.map { table.records[$0].effect },
            variables: columns.compactMap { variables[$0] }, omitted: omitted, notes: notes)
    }

    /// The grouping of studies by a column for subgroup analyses: the levels in sorted order (as
    /// `ModeratorKind.categorical`) and, for each record, its level (nil when the cell is missing:
    /// such studies are left out, as metafor's `subset` drops them).
    public static func grouping(_ table: StudyTable, by column: String, headerLine: Int = 1)
        throws -> (levels: [String], assignments: [String?], omitted: [OmittedStudy]) {
        let name = try resolveColumn(column, table: table, headerLine: headerLine)
        var assignments: [String?] = []
        var omitted: [OmittedStudy] = []
        for record in table.records {
            if let value = record.moderators[name] ?? nil {
                assignments.append(value.trimmingCharacters(in: .whitespaces))
            } else {
                assignments.append(nil)
                omitted.append(OmittedStudy(label: record.label, line: record.line, columns: [name]))
            }
        }
        let present = Array(Set(assignments.compactMap { $0 }))
        let allNumeric = present.allSatisfy { numberValue($0) != nil }
        return (sortedLevels(present, numeric: allNumeric), assignments, omitted)
    }

    /// The header spelling of a moderator column given in any case, or an issue that names the
    /// column and lists the moderator columns of the file.
    public static func resolveColumn(_ name: String, table: StudyTable, headerLine: Int = 1) throws -> String {
        let key = name.trimmingCharacters(in: .whitespaces).lowercased()
        if let found = table.moderatorColumns.first(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == key }) {
            return found
        }
        let available = table.moderatorColumns.isEmpty ? "the file has no moderator columns"
            : "the moderator columns are " + table.moderatorColumns.map { "\"\($0)\"" }.joined(separator: ", ")
        let reserved = StudyTable.reservedColumns.contains(key)
        throw InputErrors(InputIssue(
            file: table.source, line: headerLine, columnName: name,
            problem: reserved ? "\"\(name)\" is an effect-size column, not a moderator" : "unknown moderator column \"\(name)\"",
            expected: "the name of a moderator column", hint: available))
    }

    // MARK: - Helpers

    private struct Factor { var column: String; var forcedFactor: Bool }

    private static func parseTerm(_ term: String, table: StudyTable, headerLine: Int) throws -> [Factor] {
        try term.split(separator: ":", omittingEmptySubsequences: false).map { raw in
            var text = raw.trimmingCharacters(in: .whitespaces)
            var forcedFactor = false
            if text.lowercased().hasPrefix("factor("), text.hasSuffix(")") {
                text = String(text.dropFirst(7).dropLast()).trimmingCharacters(in: .whitespaces)
                forcedFactor = true
            }
            guard !text.isEmpty else {
                throw InputErrors(InputIssue(file: table.source, line: headerLine, value: term,
                                             problem: "is not a moderator term",
                                             expected: "a column name, factor(column) or an interaction a:b"))
            }
            return Factor(column: try resolveColumn(text, table: table, headerLine: headerLine), forcedFactor: forcedFactor)
        }
    }

    private static func numberValue(_ text: String) -> Double? {
        if case .value(let x) = NumberSyntax.classify(text) { return x }
        return nil
    }

    static func sortedLevels(_ levels: [String], numeric: Bool) -> [String] {
        if numeric {
            return levels.sorted { a, b in
                let x = numberValue(a)!, y = numberValue(b)!
                return x != y ? x < y : a < b
            }
        }
        return levels.sorted { a, b in
            let order = a.lowercased().compare(b.lowercased(), options: .literal)
            return order != .orderedSame ? order == .orderedAscending : a < b
        }
    }

    private static func codedColumns(_ variable: ModeratorVariable, used: [Int], table: StudyTable,
                                     numeric: [Double]?) -> [(String, [Double])] {
        switch variable.kind {
        case .continuous:
            return [(variable.column, numeric!)]
        case .categorical(let levels):
            let texts = used.map { table.records[$0].moderators[variable.column]!!.trimmingCharacters(in: .whitespaces) }
            return levels.dropFirst().map { level in
                (variable.column + level, texts.map { $0 == level ? 1 : 0 })
            }
        }
    }
}
