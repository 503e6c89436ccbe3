import MetaAnalysis

/// A study-level file read for pooling only (`survmeta pool`), column-wise: the effects, how each
/// was derived and the few notes, without the per-row `CSVRow`s and `StudyRecord`s of a `StudyTable`
/// (at 100,000 studies those take about 30 MB; these columns about 4 MB).
///
/// The rows are checked and converted exactly as `StudyTable.load` does (same column sets, same
/// messages, in the same order), while the file is parsed.
public struct StudyColumns: Sendable, Equatable {
    /// The name used in messages: the path as given, or `"<stdin>"`.
    public var source: String
    /// One effect per row, in file order (label, yi, vi on the analysis scale).
    public var effects: [StudyEffect]
    /// How each row's (yi, vi) was derived (same order as `effects`).
    public var conversions: [EffectConversion]
    /// The notes of the studies that have any (asymmetric CI, inverted direction …), by label.
    public var notes: [String: [String]]
    /// The harmonic mean of the column named in `read`'s `harmonicMeanColumn`, over the rows where it
    /// holds a number: count / Σ 1/x (summed in file order); nil without such rows.
    public var harmonicMean: Double?

    /// Reads the study file at `path` (`"-"`: standard input); throws `InputErrors` as
    /// `CSVReader.read` then `StudyTable.load(_:proportionMeasure:)` would.
    public static func read(path: String, proportionMeasure: EffectMeasure? = nil,
                            harmonicMeanColumn: String? = nil) throws -> StudyColumns {
        var loader: StudyRowLoader?
        var rowCount = 0
        var effects: [StudyEffect] = []
        var conversions: [EffectConversion] = []
        var notes: [String: [String]] = [:]
        var count = 0
        var inverseSum = 0.0
        var ignored: [InputIssue] = []
        let header = try CSVReader.forEachRow(path: path) { table in
            loader = StudyRowLoader(header: table, proportionMeasure: proportionMeasure, moderators: false)
        } row: { row in
            rowCount += 1
            guard let record = loader?.load(row) else { return }
            effects.append(record.effect)
            conversions.append(record.converted.conversion)
            if !record.converted.notes.isEmpty { notes[record.label, default: []] += record.converted.notes }
            if let column = harmonicMeanColumn, let x = loader?.table.number(row, column, issues: &ignored, required: false) {
                count += 1
                inverseSum += 1 / x
                ignored.removeAll()
            }
        }
        guard let loader else { preconditionFailure("CSV reader returned without calling back with the header") }
        try loader.checkColumns(rowCount: rowCount)
        if !loader.issues.isEmpty { throw InputErrors(loader.issues) }
        return StudyColumns(source: header.source, effects: effects, conversions: conversions, notes: notes,
                            harmonicMean: count > 0 ? Double(count) / inverseSum : nil)
    }
}
