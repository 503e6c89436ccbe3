import Foundation

/// "Nice" tick values for an axis: multiples of 1, 2 or 5 × 10ᵏ (Heckbert, "Nice numbers for graph
/// labels", Graphics Gems, 1990), so that tick labels are short, round and evenly spaced.
public enum NiceTicks {
    /// The nice step closest to span/count: the raw step r = span/count is written m·10ᵏ with
    /// 1 ≤ m < 10, and m is rounded to 1 (m < 1.5), 2 (m < 3), 5 (m < 7) or 10. 1 for an empty or
    /// non-finite span.
    public static func step(span: Double, count: Int) -> Double {
        guard span.isFinite, span > 0 else { return 1 }
        let raw = span / Double(max(count, 1))
        let magnitude = pow(10, floor(log10(raw)))
        let m = raw / magnitude
        let nice: Double = m < 1.5 ? 1 : m < 3 ? 2 : m < 7 ? 5 : 10
        return nice * magnitude
    }

    /// The multiples of `step` within [lower, upper] (ends included up to rounding), each rounded
    /// to the step's decimals so that 3 × 0.1 is 0.3, not 0.30000000000000004.
    public static func values(from lower: Double, to upper: Double, step: Double) -> [Double] {
        guard lower.isFinite, upper.isFinite, step.isFinite, step > 0, lower <= upper else { return [] }
        let first = Int((lower / step - 1e-9).rounded(.up))
        let last = Int((upper / step + 1e-9).rounded(.down))
        guard first <= last, last - first <= 1000 else { return [] }
        let scale = pow(10, Double(decimals(for: step)))
        return (first...last).map { i in
            let v = (Double(i) * step * scale).rounded() / scale
            return v == 0 ? 0 : v
        }
    }

    /// About `count` nice ticks covering [lower, upper] (fewer or more by the rounding of the step).
    public static func values(from lower: Double, to upper: Double, count: Int) -> [Double] {
        values(from: lower, to: upper, step: step(span: upper - lower, count: count))
    }

    /// The decimals needed to write every multiple of `step` exactly: 0 for 5 or 100, 1 for 0.5,
    /// 2 for 0.25 (at most 10).
    public static func decimals(for step: Double) -> Int {
        guard step.isFinite, step > 0 else { return 0 }
        var d = 0
        var scaled = step
        while d < 10 && abs(scaled - scaled.rounded()) > 1e-9 * max(1, scaled) {
            d += 1
            scaled *= 10
        }
        return d
    }

    /// A tick label: `value` with the decimals of `step` (`0.2`, `150`, `0.25`).
    public static func label(_ value: Double, step: Double) -> String {
        let d = decimals(for: step)
        let s = String(format: "%.\(d)f", value)
        return Double(s) == 0 ? String(format: "%.\(d)f", 0.0) : s
    }
}
