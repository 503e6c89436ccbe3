import Foundation

/// A number for a repair message: up to 6 significant digits, no trailing zeros (98.9, not
/// 98.90000000000001), integers without a decimal point.
func fmt(_ x: Double) -> String {
    guard x.isFinite else { return String(x) }
    if x == x.rounded() && abs(x) < 1e12 { return String(Int(x)) }
    return String(format: "%.6g", x)
}
