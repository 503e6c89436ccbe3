import Foundation
import StatNumerics
import Survival

/// Everything `survmeta logrank` shows, built from a `LogRankResult`: JSON with the contract's
/// fields, a printout like R's `print(survdiff)`, Markdown, and CSV with one row per group.
///
/// Per group: N, observed O and expected E events (summed over strata), O − E, its variance Vₖₖ
/// (the diagonal of R's `var`), and the two columns R prints, (O − E)²/E and (O − E)²/V. For two
/// groups, (O − E)/V of the second group is the Peto estimate of its log hazard ratio against the
/// first, and 1/V its variance (the `o_minus_e,v` input of `survmeta pool`).
public struct LogRankReport: Sendable {
    public var result: LogRankResult
    /// The group column, as written in the input header.
    public var groupColumn: String?
    /// The stratum column, as written in the input header, for a stratified test.
    public var stratumColumn: String?

    public init(result: LogRankResult, groupColumn: String? = nil, stratumColumn: String? = nil) {
        self.result = result
        self.groupColumn = groupColumn
        self.stratumColumn = stratumColumn
    }

    private struct Row {
        var group: LogRankGroup
        var variance: Double
        var difference: Double { group.observed - group.expected }
        /// (O − E)²/E; nil when E = 0.
        var overExpected: Double? { group.expected > 0 ? difference * difference / group.expected : nil }
        /// (O − E)²/V; nil when V = 0.
        var overVariance: Double? { variance > 0 ? difference * difference / variance : nil }
    }

    private var rows: [Row] {
        result.groups.enumerated().map { j, g in Row(group: g, variance: result.variance[j, j]) }
    }

    // MARK: JSON

    /// The contract's `logrank` fields (`chisq, df, p, groups [{group, observed, expected}]`), each
    /// group with `n`, `o_minus_e`, `variance`, `oe2_over_e`, `oe2_over_v` added, then the columns
    /// and the number of strata.
    public func json() -> [(String, JSONValue)] {
        [
            ("chisq", .num(result.chiSquare)),
            ("df", .integer(result.degreesOfFreedom)),
            ("p", .num(result.pValue)),
            ("groups", .array(rows.map { r in
                .object([
                    ("group", .string(r.group.group)),
                    ("observed", .num(r.group.observed)),
                    ("expected", .num(r.group.expected)),
                    ("n", .integer(r.group.subjects)),
                    ("o_minus_e", .num(r.difference)),
                    ("variance", .num(r.variance)),
                    ("oe2_over_e", .num(r.overExpected)),
                    ("oe2_over_v", .num(r.overVariance)),
                ])
            })),
            ("group_column", .str(groupColumn)),
            ("strata_column", .str(stratumColumn)),
            ("strata", .integer(result.strata)),
        ]
    }

    // MARK: Table (R-like)

    private func groupTable() -> TextTable {
        let header = ["", "N", "Observed", "Expected", "(O-E)^2/E", "(O-E)^2/V"]
        let body = rows.map { r in
            [groupColumn.map { "\($0)=\(r.group.group)" } ?? r.group.group, String(r.group.subjects),
             SurvivalNumberFormat.compact(r.group.observed), NumberFormat.fixed(r.group.expected, 2),
             NumberFormat.fixed(r.overExpected, 3), NumberFormat.fixed(r.overVariance, 3)]
        }
        return TextTable(header: header, rows: body)
    }

    private var heading: String {
        "Log-rank test" + (groupColumn.map { " by \($0)" } ?? "")
            + (stratumColumn.map { ", stratified by \($0) (\(result.strata) strata)" } ?? "")
    }

    private var testLine: String {
        "Chisq = \(SurvivalNumberFormat.compact(result.chiSquare, digits: 4)) on \(result.degreesOfFreedom) degrees of freedom, p = \(SurvivalNumberFormat.pValue(result.pValue))"
    }

    public func table() -> String {
        heading + "\n\n" + groupTable().plainText() + "\n" + testLine + "\n"
    }

    public func markdown() -> String {
        "**" + heading + "**\n\n" + groupTable().markdown() + "\n" + testLine + "\n"
    }

    // MARK: CSV

    /// One row per group: `group,n,observed,expected,o_minus_e,variance,oe2_over_e,oe2_over_v`,
    /// full precision.
    public func csv() -> String {
        let header = ["group", "n", "observed", "expected", "o_minus_e", "variance", "oe2_over_e", "oe2_over_v"]
        let body = rows.map { r in
            [r.group.group, String(r.group.subjects), NumberFormat.full(r.group.observed),
             NumberFormat.full(r.group.expected), NumberFormat.full(r.difference), NumberFormat.full(r.variance),
             NumberFormat.full(r.overExpected), NumberFormat.full(r.overVariance)]
        }
        return TextTable(header: header, rows: body).csv()
    }
}
