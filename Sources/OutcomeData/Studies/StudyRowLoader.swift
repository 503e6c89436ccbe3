import MetaAnalysis

/// The row-by-row engine of `StudyTable.load` and `StudyColumns.read`: the file's column sets are
/// resolved once from the header, then each row is checked and converted as it comes, its problems
/// collected in `issues` (file order), so a file can be loaded without holding all of its rows.
struct StudyRowLoader {
    /// What the loader derives from a header, once: the column sets present and their column indices.
    /// A batch file computes it once for all of its analyses.
    struct Layout: Sendable {
        /// The header (and source) that issues are located in; its rows are not used.
        let table: CSVTable
        let measure: EffectMeasure?
        /// Every column set the header has, in order of preference.
        let available: [(EffectConversion, [String])]
        /// All column sets for this measure (for the message when none is available).
        let sets: [(EffectConversion, [String])]
        let moderatorColumns: [String]
        let studyColumn: Int?
        /// `available` with column indices.
        let availableColumns: [[Int]]

        init(header table: CSVTable, proportionMeasure: EffectMeasure?) {
            self.table = table
            measure = proportionMeasure
            var sets = StudyTable.columnSets
            if let measure = proportionMeasure, measure.isProportion { sets.insert((.proportion, ["events", "n"]), at: 0) }
            self.sets = sets
            available = sets.filter { set in set.1.allSatisfy(table.hasColumn) }
            availableColumns = available.map { $0.1.map { table.columnIndex($0)! } }
            moderatorColumns = table.header.filter { !StudyTable.reservedColumns.contains($0.lowercased().trimmingCharacters(in: .whitespaces)) }
            studyColumn = table.columnIndex("study")
        }
    }

    let layout: Layout
    private let collectModerators: Bool
    private var labels = LabelIndex()
    private var ordinal = 0
    private(set) var issues: [InputIssue] = []

    var table: CSVTable { layout.table }
    var measure: EffectMeasure? { layout.measure }
    var available: [(EffectConversion, [String])] { layout.available }
    var moderatorColumns: [String] { layout.moderatorColumns }
    private var sets: [(EffectConversion, [String])] { layout.sets }
    private var studyColumn: Int? { layout.studyColumn }
    private var availableColumns: [[Int]] { layout.availableColumns }

    init(header table: CSVTable, proportionMeasure: EffectMeasure?, moderators: Bool) {
        self.init(layout: Layout(header: table, proportionMeasure: proportionMeasure), moderators: moderators)
    }

    init(layout: Layout, moderators: Bool) {
        self.layout = layout
        collectModerators = moderators
    }

    /// Throws, as `StudyTable.load` does before reading rows, when the header has no complete column
    /// set (naming the missing columns of the closest set, with "did you mean" hints) or the file has
    /// no data rows.
    func checkColumns(rowCount: Int) throws {
        if available.isEmpty {
            // Report the missing columns of the set the header comes closest to (with "did you mean"),
            // and list every set the file could use.
            let closest = sets.min { a, b in
                a.1.filter { !table.hasColumn($0) }.count < b.1.filter { !table.hasColumn($0) }.count
            }!
            let names = sets.map { $0.1.joined(separator: ",") }.joined(separator: " | ")
            do {
                try table.require(closest.1, minimumRows: rowCount == 0 ? 1 : 0)
            } catch let errors as InputErrors {
                throw InputErrors(errors.issues.map { issue in
                    var i = issue
                    i.hint = (i.hint.map { $0 + "; " } ?? "") + "a study row needs one of: " + names
                    return i
                })
            }
        }
        if rowCount == 0 { try table.require([], minimumRows: 1) }
    }

    /// Whether the cell at column index `c` is absent or marks a missing value (`CSVTable.isMissing`).
    private func isMissing(_ row: CSVRow, _ c: Int) -> Bool {
        guard c < row.cells.count else { return true }
        return NumberSyntax.isMissing(row.cells[c].trimmingASCIIWhitespace())
    }

    /// Checks and converts the next data row; nil when it has problems (recorded in `issues`) or the
    /// header has no column set.
    mutating func load(_ row: CSVRow) -> StudyRecord? {
        let n = ordinal
        ordinal += 1
        guard !available.isEmpty else { return nil }
        let studyText = studyColumn.flatMap { c in c < row.cells.count && !row.cells[c].isEmpty ? row.cells[c] : nil }
        let label = studyText ?? "row \(n + 1)"
        if studyColumn != nil, studyText == nil {
            issues.append(table.issue(row, "study", value: "", problem: "is empty", expected: "a study label"))
        }
        if let previous = labels.insert(label, line: row.line) {
            issues.append(table.issue(row, "study", value: label, problem: "repeats the label of line \(previous)",
                                      expected: "a label unique to each study"))
        }
        guard let set = availableColumns.firstIndex(where: { $0.allSatisfy { !isMissing(row, $0) } }) else {
            // Name the empty cells of the set this row fills most of (the first set on a tie).
            let best = available.max { a, b in
                a.1.filter { !table.isMissing(row, $0) }.count < b.1.filter { !table.isMissing(row, $0) }.count
            }!
            for column in best.1 where table.isMissing(row, column) {
                _ = table.number(row, column, issues: &issues, required: true,
                                 expected: available.count > 1 ? "a number (or fill another column set: \(available.map { $0.1.joined(separator: ",") }.joined(separator: " | ")))" : "a number")
            }
            return nil
        }
        var rowIssues: [InputIssue] = []
        var record: StudyRecord?
        if let converted = StudyTable.convert(table, row, label: label, available[set].0, measure: measure, issues: &rowIssues) {
            var moderators: [String: String?] = [:]
            if collectModerators {
                for column in moderatorColumns {
                    let t = table.text(row, column)
                    moderators[column] = (t == nil || table.isMissing(row, column)) ? nil : t
                }
            }
            if rowIssues.isEmpty {
                record = StudyRecord(label: label, line: row.line, converted: converted, moderators: moderators)
            }
        }
        issues += rowIssues
        return record
    }
}

/// The study labels seen so far, to report a repeated one with the line of its latest earlier use.
///
/// An open-addressing hash table (linear probing, at most half full) of 4-byte row numbers over the
/// labels kept once in an array: about 40 bytes a label where a `[String: Int]` needs about 60 and
/// rehashes every label each time it grows. Labels are compared as `String`s (canonical equivalence,
/// like the dictionary it replaces) and hashed with `String`'s own hash, which agrees with it.
struct LabelIndex {
    private var labels: [String] = []
    private var lines: [Int] = []
    private var hashes: [Int] = []
    private var slots = [Int32](repeating: -1, count: 16)

    /// Records `label` as seen at `line`; returns the line where it was last seen before, if ever.
    mutating func insert(_ label: String, line: Int) -> Int? {
        let hash = label.hashValue
        let mask = slots.count - 1
        var s = hash & mask
        while slots[s] >= 0 {
            let i = Int(slots[s])
            if hashes[i] == hash && labels[i] == label {
                let previous = lines[i]
                lines[i] = line
                return previous
            }
            s = (s + 1) & mask
        }
        slots[s] = Int32(labels.count)
        labels.append(label)
        lines.append(line)
        hashes.append(hash)
        if 2 * labels.count > slots.count { grow() }
        return nil
    }

    private mutating func grow() {
        slots = [Int32](repeating: -1, count: 2 * slots.count)
        let mask = slots.count - 1
        for (i, hash) in hashes.enumerated() {
            var s = hash & mask
            while slots[s] >= 0 { s = (s + 1) & mask }
            slots[s] = Int32(i)
        }
    }
}
