import Foundation
import MetaAnalysis
import StatNumerics

/// A median-survival CSV (`survmeta median`): rows `study, median` plus `ci_low,ci_high` [`ci_level`]
/// (an empty `ci_high` means "not reached") or `events`.
public struct MedianTable: Sendable, Equatable {
    public var source: String
    public var effects: [MedianEffect]

    public static func load(_ table: CSVTable) throws -> MedianTable {
        try table.require(["study", "median"])
        var issues: [InputIssue] = []
        var effects: [MedianEffect] = []
        for row in table.rows {
            var rowIssues: [InputIssue] = []
            let label = table.text(row, "study") ?? "line \(row.line)"
            let m = table.number(row, "median", issues: &rowIssues, expected: "a median survival time > 0")
            func optional(_ column: String, _ what: String) -> Double? {
                guard table.hasColumn(column), !table.isMissing(row, column) else { return nil }
                return table.number(row, column, issues: &rowIssues, required: false, expected: what)
            }
            let lo = optional("ci_low", "a CI bound > 0")
            let hi = optional("ci_high", "a CI bound > 0")
            var level = optional("ci_level", "a CI level such as 0.95 or 95") ?? 0.95
            if level > 1 { level /= 100 }
            let events = optional("events", "a number of events ≥ 1")
            if let m, rowIssues.isEmpty {
                do {
                    effects.append(try MedianSurvival.effect(MedianObservation(label: label, median: m, ciLow: lo, ciHigh: hi, ciLevel: level, events: events)))
                } catch let e as DomainError {
                    rowIssues.append(table.issue(row, "median", value: table.text(row, "median"), problem: "cannot be pooled", expected: e.message))
                }
            }
            issues += rowIssues
        }
        if !issues.isEmpty { throw InputErrors(issues) }
        return MedianTable(source: table.source, effects: effects)
    }
}
