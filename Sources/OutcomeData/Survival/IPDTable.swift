import Foundation
import Survival

/// An individual-patient-data (IPD) file after loading: one row per subject with
/// `time,event[,arm][,stratum][,covariates…]` (`cli-contract.md`, "Survival input and output"),
/// turned into the `SurvivalData` that `Survival` fits.
///
/// - `time`: follow-up time, a finite number ≥ 0 in the data's own unit;
/// - `event`: 1 = event, 0 = censored (R's `Surv(time, status)` with 0/1 status);
/// - the group column (named by the caller, e.g. `arm`): a non-empty label per subject;
/// - the stratum column: a non-empty label per subject;
/// - covariate columns: a finite number per subject.
///
/// Column names are matched case-insensitively. Every problem of the file is collected and thrown
/// together as `InputErrors`, each naming file, line, column, the offending text and what was
/// expected, so that one run shows every fix needed.
public struct IPDTable: Sendable, Equatable {
    /// The name used in messages: the path as given, or `"<stdin>"`.
    public var source: String
    /// The validated subjects.
    public var data: SurvivalData
    /// The group column's name as written in the header, when a group column was used.
    public var groupColumn: String?
    /// The stratum column's name as written in the header, when strata were used.
    public var stratumColumn: String?
    /// The physical line of each subject's row (same order as `data`).
    public var lines: [Int]

    /// The column of follow-up times.
    public static let timeColumn = "time"
    /// The column of event indicators (1 = event, 0 = censored).
    public static let eventColumn = "event"

    /// Reads every row of `table` into `SurvivalData`.
    ///
    /// - Parameters:
    ///   - group: the column holding the arm (group) labels, or nil for one pooled sample.
    ///   - stratum: the column holding stratum labels, or nil for no strata.
    ///   - covariates: numeric columns, in model order (for Cox regression).
    /// - Throws: `InputErrors` listing every problem: a missing column (the header line, with the
    ///   columns present and a near-miss suggestion), no data rows, a time that is empty, not a
    ///   number or negative, an event that is not 0 or 1, an empty group or stratum label, a
    ///   covariate that is not a finite number.
    public static func load(_ table: CSVTable, group: String? = nil, stratum: String? = nil,
                            covariates: [String] = []) throws -> IPDTable {
        let required = [timeColumn, eventColumn] + [group, stratum].compactMap { $0 } + covariates
        try table.require(required, minimumRows: 1)

        var issues: [InputIssue] = []
        var times: [Double] = []
        var events: [Bool] = []
        var groups: [String] = []
        var strata: [String] = []
        var covariateValues = [[Double]](repeating: [], count: covariates.count)
        var lines: [Int] = []
        for row in table.rows {
            var rowIssues: [InputIssue] = []
            let time = table.number(row, timeColumn, issues: &rowIssues,
                                    expected: "a follow-up time (a number ≥ 0)")
            if let time, time < 0 {
                rowIssues.append(table.issue(row, timeColumn, value: table.text(row, timeColumn) ?? "",
                                             problem: "is negative", expected: "a follow-up time (a number ≥ 0)"))
            }
            let event = table.number(row, eventColumn, issues: &rowIssues,
                                     expected: "1 (event) or 0 (censored)")
            if let event, event != 0, event != 1 {
                let hint = event == 2
                    ? "coded 1 = censored, 2 = event as in R's lung data? subtract 1 from the column"
                    : nil
                rowIssues.append(table.issue(row, eventColumn, value: table.text(row, eventColumn) ?? "",
                                             problem: "is not 0 or 1", expected: "1 (event) or 0 (censored)",
                                             hint: hint))
            }
            let groupLabel = group.flatMap { label(table, row, $0, what: "a group label", issues: &rowIssues) }
            let stratumLabel = stratum.flatMap { label(table, row, $0, what: "a stratum label", issues: &rowIssues) }
            var values: [Double] = []
            for name in covariates {
                if let x = table.number(row, name, issues: &rowIssues, expected: "a number (covariate \"\(name)\")") {
                    values.append(x)
                }
            }
            if rowIssues.isEmpty, let time, let event {
                times.append(time)
                events.append(event == 1)
                if let groupLabel { groups.append(groupLabel) }
                if let stratumLabel { strata.append(stratumLabel) }
                for (j, x) in values.enumerated() { covariateValues[j].append(x) }
                lines.append(row.line)
            }
            issues += rowIssues
        }
        if !issues.isEmpty { throw InputErrors(issues) }

        let data = try SurvivalData(
            times: times, eventFlags: events,
            groups: group == nil ? nil : groups, strata: stratum == nil ? nil : strata,
            covariates: zip(covariates, covariateValues).map { name, values in
                SurvivalData.Covariate(name: headerName(table, name), values: values)
            })
        return IPDTable(source: table.source, data: data,
                        groupColumn: group.map { headerName(table, $0) },
                        stratumColumn: stratum.map { headerName(table, $0) }, lines: lines)
    }

    /// A required text label: an empty cell or a missing-value mark (`NA`, `.`, …) is an issue.
    private static func label(_ table: CSVTable, _ row: CSVRow, _ column: String, what: String,
                              issues: inout [InputIssue]) -> String? {
        if table.isMissing(row, column) {
            let text = table.text(row, column) ?? ""
            issues.append(table.issue(row, column, value: text,
                                      problem: text.isEmpty ? "is empty" : "marks a missing value",
                                      expected: "\(what) in column \"\(headerName(table, column))\" for every subject"))
            return nil
        }
        return table.text(row, column)
    }

    /// The column's name as written in the header (the lookup is case-insensitive).
    private static func headerName(_ table: CSVTable, _ column: String) -> String {
        table.columnIndex(column).map { table.header[$0] } ?? column
    }
}
