import Foundation

/// Number formats shared by the survival printouts (`KaplanMeierReport`, `CoxReport`,
/// `LogRankReport`), which follow R's `print` of `survfit`, `coxph` and `survdiff`. Tables only:
/// JSON and CSV keep full precision.
enum SurvivalNumberFormat {
    /// Up to `digits` significant digits without trailing zeros, as R prints times and counts
    /// (`161`, `27.5`, `0.0001234`); `NA` for nil or a non-finite value.
    static func compact(_ x: Double?, digits: Int = 6) -> String {
        guard let x, x.isFinite else { return "NA" }
        if x == 0 { return "0" }
        var s = String(format: "%.\(digits)g", x)
        if s.contains("e") { return s }
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// A confidence level as R labels its columns: 0.95 → "0.95", 0.9 → "0.9".
    static func level(_ level: Double) -> String { compact(level, digits: 6) }

    /// A level as a percentage, "95%".
    static func percent(_ level: Double) -> String { compact(level * 100, digits: 6) + "%" }

    /// A chi-square line as `print(coxph)` and `print(survdiff)` write it:
    /// `3.38 on 1 df, p = 0.0658`.
    static func chiSquare(_ statistic: Double, df: Int, p: Double?) -> String {
        "\(compact(statistic, digits: 3)) on \(df) df, p = \(pValue(p))"
    }

    /// A p-value with 3 significant digits, `<2e-16` below that (R's `format.pval`).
    static func pValue(_ p: Double?) -> String {
        guard let p, p.isFinite else { return "NA" }
        return p < 2e-16 ? "<2e-16" : compact(p, digits: 3)
    }
}
