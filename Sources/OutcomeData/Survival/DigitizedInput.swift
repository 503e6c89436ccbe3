import Foundation
import Survival

/// Loaders for the inputs of `survmeta reconstruct`: digitized clicks (`time,survival`) and a printed
/// risk table (`time,nrisk`). Row numbers passed on to the reconstruction are the files' line
/// numbers, so its repairs and errors name lines a person can find.
public enum DigitizedInput {
    public static func curve(_ table: CSVTable, percent: Bool) throws -> DigitizedCurve {
        try table.require(["time", "survival"])
        var issues: [InputIssue] = []
        var times: [Double] = [], survival: [Double] = [], rows: [Int] = []
        for row in table.rows {
            let t = table.number(row, "time", issues: &issues, expected: "a time")
            let s = table.number(row, "survival", issues: &issues, expected: percent ? "survival in 0–100" : "survival in 0–1")
            if let t, let s { times.append(t); survival.append(s); rows.append(row.line) }
        }
        if !issues.isEmpty { throw InputErrors(issues) }
        return DigitizedCurve(times: times, survival: survival, scale: percent ? .percent : .proportion, rows: rows)
    }

    public static func riskTable(_ table: CSVTable) throws -> PrintedRiskTable {
        try table.require(["time", "nrisk"])
        var issues: [InputIssue] = []
        var times: [Double] = [], counts: [Int] = [], rows: [Int] = []
        for row in table.rows {
            let t = table.number(row, "time", issues: &issues, expected: "a time")
            let n = table.number(row, "nrisk", issues: &issues, expected: "a whole number at risk ≥ 0")
            if let n, n != n.rounded() || n < 0 {
                issues.append(table.issue(row, "nrisk", value: table.text(row, "nrisk"), problem: "is not a whole number ≥ 0", expected: "a number at risk"))
                continue
            }
            if let t, let n { times.append(t); counts.append(Int(n)); rows.append(row.line) }
        }
        if !issues.isEmpty { throw InputErrors(issues) }
        return PrintedRiskTable(times: times, numberAtRisk: counts, rows: rows)
    }
}
