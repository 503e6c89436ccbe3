import Foundation

/// How numbers are printed in tables (never in JSON or CSV, which keep full precision).
public enum NumberFormat {
    /// Fixed decimals; `NA` for nil or a non-finite value (metafor prints NA on purpose).
    public static func fixed(_ x: Double?, _ digits: Int = 4) -> String {
        guard let x, x.isFinite else { return "NA" }
        // A value that prints as zero prints as unsigned zero (never "-0.0000").
        if let (negative, q) = FixedDecimal.scaledInteger(x, digits: digits) {
            return FixedDecimal.render(negative: negative && q != 0, q, digits: digits)
        }
        let s = String(format: "%.\(digits)f", x)
        if Double(s) == 0 { return String(format: "%.\(digits)f", 0.0) }
        return s
    }

    /// A p-value as metafor prints it: "<.0001" below 10⁻⁴, else 4 decimals.
    public static func pValue(_ p: Double?) -> String {
        guard let p, p.isFinite else { return "NA" }
        return p < 1e-4 ? "<.0001" : FixedDecimal.format(p, digits: 4) ?? "NA"
    }

    /// A whole number without decimals, anything else in its shortest round-trip form
    /// ("12", "0.59"); `NA` for a non-finite value. For numbers shown as printed in a paper.
    public static func compact(_ x: Double) -> String {
        guard x.isFinite else { return "NA" }
        return x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }

    /// Full precision (round-trip) for CSV cells; empty for nil (CSV missing value: `NA`).
    public static func full(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "NA" }
        return x == 0 ? "0" : x.description
    }
}
