import Foundation

/// The two tables of an evidence base as read from disk, cells kept as text, with the schema's
/// missing-value marks. The domain rules, the summaries and `datasets show` work on these rather
/// than on `EvidenceBase`, so they see the cells exactly as written (`6.40`, not `6.4`) and still
/// work on a file whose cells break the schema (those cells are the schema validator's to report).
public struct EvidenceTables: Sendable, Equatable {
    public var studies: CSVTable
    public var outcomes: CSVTable
    public var studiesMissingValues: [String]
    public var outcomesMissingValues: [String]

    public init(studies: CSVTable, outcomes: CSVTable, studiesMissingValues: [String] = [""], outcomesMissingValues: [String] = [""]) {
        self.studies = studies
        self.outcomes = outcomes
        self.studiesMissingValues = studiesMissingValues
        self.outcomesMissingValues = outcomesMissingValues
    }

    /// The cell of `row` in `column` of `table`, nil when the column is absent or the cell holds one
    /// of `missing`.
    static func text(_ table: CSVTable, _ row: CSVRow, _ column: String, missing: [String]) -> String? {
        guard let c = table.columnIndex(column), c < row.cells.count else { return nil }
        let cell = row.cells[c]
        return missing.contains(cell) ? nil : cell
    }

    /// The cell of a `studies` row (nil when missing).
    public func study(_ row: CSVRow, _ column: String) -> String? {
        EvidenceTables.text(studies, row, column, missing: studiesMissingValues)
    }

    /// The cell of an `outcomes` row (nil when missing).
    public func outcome(_ row: CSVRow, _ column: String) -> String? {
        EvidenceTables.text(outcomes, row, column, missing: outcomesMissingValues)
    }

    /// The cell of an `outcomes` row read as a finite Table Schema number; nil when missing or not
    /// a finite number (the schema validator reports the latter).
    public func outcomeNumber(_ row: CSVRow, _ column: String) -> Double? {
        outcome(row, column).flatMap(TableLexicon.number).flatMap { $0.isFinite ? $0 : nil }
    }

    /// The study ids listed in a `studies` row's `overlaps_with` (separated by `;`, spaces trimmed).
    public func overlaps(_ row: CSVRow) -> [String] {
        (study(row, "overlaps_with") ?? "").split(separator: ";")
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The `studies` row of each study id (the first, if an id is duplicated).
    public var studyRows: [String: CSVRow] {
        var rows: [String: CSVRow] = [:]
        for row in studies.rows {
            if let id = study(row, "study_id"), rows[id] == nil { rows[id] = row }
        }
        return rows
    }

    /// The `outcomes` rows of study `id`, in file order.
    public func outcomeRows(of id: String) -> [CSVRow] {
        outcomes.rows.filter { outcome($0, "study_id") == id }
    }

    /// The `(column, text)` pairs of a row in header order, missing cells as nil.
    public static func fields(_ table: CSVTable, _ row: CSVRow, missing: [String]) -> [(String, String?)] {
        table.header.enumerated().map { c, name in
            let cell = c < row.cells.count ? row.cells[c] : ""
            return (name, missing.contains(cell) ? nil : cell)
        }
    }
}
