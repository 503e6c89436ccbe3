import Foundation

/// How numbers are written in SVG attributes and path data: rounded to a fixed number of decimals
/// (2 by default: a hundredth of a user unit, far below a pixel), trailing zeros dropped, never
/// `-0`, never an exponent. The same input always gives the same text, so plots are reproducible
/// byte for byte and diff cleanly.
public enum SVGNumber {
    /// The decimals used when none are given.
    public static let defaultDecimals = 2

    /// `x` rounded to `decimals` places (`12.5`, `3`, `-0.25`). A non-finite `x` (which callers
    /// must not pass: plots drop undefined points before drawing) is written as `0` so the document
    /// stays well-formed.
    public static func format(_ x: Double, decimals: Int = defaultDecimals) -> String {
        guard x.isFinite else { return "0" }
        let digits = max(0, min(decimals, 10))
        var s = String(format: "%.\(digits)f", x)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        if s == "-0" { s = "0" }
        return s
    }
}
