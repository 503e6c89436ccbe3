import Foundation
import MetaAnalysis
import StatNumerics

/// A landmark-survival CSV (`survmeta landmark`): rows `study, surv` plus one of `ci_low,ci_high`
/// [`ci_level`], `nrisk`, or `n`; optional `time`. With `percent`, survival and CI are read on 0–100.
public struct LandmarkTable: Sendable, Equatable {
    public var source: String
    public var observations: [LandmarkObservation]
    public var lines: [Int]
    /// Distinct landmark times in the `time` column (empty when the column is absent).
    public var times: [Double]

    public static func load(_ table: CSVTable, percent: Bool = false) throws -> LandmarkTable {
        try table.require(["study", "surv"])
        let hasCI = table.hasColumn("ci_low") && table.hasColumn("ci_high")
        guard hasCI || table.hasColumn("nrisk") || table.hasColumn("n") else {
            throw InputErrors(InputIssue(file: table.source, line: table.headerLine,
                                         problem: "the header gives no way to derive a variance",
                                         expected: "columns ci_low,ci_high, or nrisk, or n",
                                         hint: "the header has " + table.header.map { "\"\($0)\"" }.joined(separator: ", ")))
        }
        let scale = percent ? 100.0 : 1.0
        let range = percent ? "0–100 (--percent)" : "0–1"
        var issues: [InputIssue] = []
        var observations: [LandmarkObservation] = []
        var lines: [Int] = []
        var times = Set<Double>()
        for row in table.rows {
            let label = table.text(row, "study") ?? "line \(row.line)"
            var rowIssues: [InputIssue] = []
            func proportion(_ column: String, required: Bool) -> Double? {
                guard let v = table.number(row, column, issues: &rowIssues, required: required, expected: "a survival probability in \(range)") else { return nil }
                let s = v / scale
                if !(s >= 0 && s <= 1) {
                    let hint: String? = (!percent && v > 1 && v <= 100) ? "a percentage? add --percent, or write \(v / 100)" : nil
                    rowIssues.append(table.issue(row, column, value: table.text(row, column), problem: "is outside \(range)",
                                                 expected: "a survival probability in \(range)", hint: hint))
                    return nil
                }
                return s
            }
            let s = proportion("surv", required: true)
            var lo: Double? = nil, hi: Double? = nil
            if hasCI && !(table.isMissing(row, "ci_low") && table.isMissing(row, "ci_high")) {
                lo = proportion("ci_low", required: true)
                hi = proportion("ci_high", required: true)
                if let l = lo, let h = hi, let s {
                    if l >= h {
                        rowIssues.append(table.issue(row, "ci_low", value: table.text(row, "ci_low"), problem: "is not below ci_high (\(table.text(row, "ci_high") ?? ""))",
                                                     expected: "ci_low < ci_high", hint: "are the bounds swapped?"))
                    } else if s < l || s > h {
                        rowIssues.append(table.issue(row, "surv", value: table.text(row, "surv"),
                                                     problem: "lies outside its CI \(table.text(row, "ci_low") ?? "")–\(table.text(row, "ci_high") ?? "")",
                                                     expected: "ci_low ≤ surv ≤ ci_high"))
                    }
                }
            }
            var level = 0.95
            if table.hasColumn("ci_level"), !table.isMissing(row, "ci_level"),
               let l = table.number(row, "ci_level", issues: &rowIssues, required: false, expected: "a CI level such as 0.95 or 95") {
                level = l > 1 ? l / 100 : l
            }
            let nrisk = table.hasColumn("nrisk") && !table.isMissing(row, "nrisk") ? table.number(row, "nrisk", issues: &rowIssues, expected: "a number at risk > 0") : nil
            let n = table.hasColumn("n") && !table.isMissing(row, "n") ? table.number(row, "n", issues: &rowIssues, expected: "a number of patients > 0") : nil
            for (value, column) in [(nrisk, "nrisk"), (n, "n")] {
                if let v = value, !(v > 0) {
                    rowIssues.append(table.issue(row, column, value: table.text(row, column), problem: "is not > 0", expected: "a count > 0"))
                }
            }
            if lo == nil && hi == nil && nrisk == nil && n == nil && rowIssues.isEmpty {
                rowIssues.append(InputIssue(file: table.source, line: row.line, problem: "the row has no CI, number at risk or N",
                                            expected: "filled ci_low,ci_high, or nrisk, or n"))
            }
            if table.hasColumn("time"), !table.isMissing(row, "time"), let t = table.number(row, "time", issues: &rowIssues, required: false, expected: "the landmark time") {
                times.insert(t)
            }
            if rowIssues.isEmpty, let s {
                let decimals = ["surv", "ci_low", "ci_high"].compactMap { table.text(row, $0) }.map(StudyTable.decimalPlaces).max() ?? 2
                observations.append(LandmarkObservation(label: label, survival: s, ciLow: lo, ciHigh: hi, ciLevel: level,
                                                        numberAtRisk: nrisk, sampleSize: n,
                                                        roundingUnit: pow(10, -Double(decimals)) / scale))
                lines.append(row.line)
            }
            issues += rowIssues
        }
        if !issues.isEmpty { throw InputErrors(issues) }
        return LandmarkTable(source: table.source, observations: observations, lines: lines, times: times.sorted())
    }

    /// Each observation's effect on `transform`; a study whose numbers cannot give one is reported
    /// with its line (all such rows together).
    public func effects(transform: LandmarkTransform) throws -> [LandmarkEffect] {
        var issues: [InputIssue] = []
        var out: [LandmarkEffect] = []
        for (o, line) in zip(observations, lines) {
            do {
                out.append(try LandmarkSurvival.effect(o, transform: transform))
            } catch let e as DomainError {
                issues.append(InputIssue(file: source, line: line, columnName: "surv", value: String(o.survival),
                                         problem: "cannot be pooled", expected: e.message))
            }
        }
        if !issues.isEmpty { throw InputErrors(issues) }
        return out
    }
}
