import Foundation
import StatNumerics
@testable import Survival
import Testing

/// `fmt`, which writes the numbers in repair messages, prints exactly what `String(format: "%.6g")`
/// prints (its own digit routine is only a faster path to the same text).
@Suite("Reconstruction: number formatting")
struct NumberFormattingTests {
    @Test func matchesPrintfSixSignificantDigits() {
        var g = SeededGenerator(seed: 42)
        var values: [Double] = [0.1234565, 1.0000005, 999999.5, 9999995, 0.00001, 0.0001, 123456.5, 1e-5, 99999.95,
                                2.5e-7, 1e21, 1e-21, 5e-324, 1.7976931348623157e308, 0.1, 1.0 / 3, 2.0 / 3, 0.5, 1.5e6]
        for _ in 0..<200_000 {
            let magnitude = pow(10, -25 + 60 * g.nextUniform())
            let x = g.nextUniform() < 0.5 ? -magnitude : magnitude
            values.append(x)
            // Values with few digits sit on or near rounding ties at the 6th digit.
            values.append((x * 1e7).rounded() / 1e7)
        }
        var mismatches: [String] = []
        for x in values where x != x.rounded() || abs(x) >= 1e12 {
            let expected = String(format: "%.6g", x)
            if fmt(x) != expected { mismatches.append("\(x): \(fmt(x)) vs \(expected)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func integersAndNonFiniteValues() {
        #expect(fmt(3) == "3" && fmt(-12) == "-12" && fmt(0) == "0")
        #expect(fmt(.infinity) == "inf")
        #expect(fmt(2.5) == "2.5" && fmt(0.000123456789) == "0.000123457" && fmt(1234567.8) == "1.23457e+06")
    }

    /// `RepairText` (repair messages built in one byte buffer) writes what `String` interpolation
    /// writes: literal pieces with non-ASCII characters, integers of every sign and size, strings,
    /// and numbers through `fmt`.
    @Test func repairTextMatchesStringInterpolation() {
        var g = SeededGenerator(seed: 7)
        var ints = [0, 1, -1, 9, 10, -10, 99, 100, 123_456_789, Int.max, Int.min, Int.min + 1]
        for _ in 0..<2_000 { ints.append(Int(truncatingIfNeeded: g.next()) >> Int(g.next() % 64)) }
        for n in ints {
            let x = Double(n) / 7 + g.nextUniform()
            let word = n % 2 == 0 ? "" : "s"
            let text: RepairText = "click\(word) at \(n) (\(x)) — ≥ 0–100 %; \(fmt(x))"
            let expected = "click\(word) at \(n) (\(fmt(x))) — ≥ 0–100 %; \(fmt(x))"
            #expect(text.string == expected)
        }
        // Longer than the 256 bytes kept in place, split inside a multi-byte character.
        let long = String(repeating: "ab–", count: 60)
        for k in [0, 1, 2, 250, 255, 256, 300] {
            let head = String(repeating: "x", count: k)
            let text: RepairText = "\(head)\(long) — \(12345) \(0.000123456789) \(long)"
            #expect(text.string == "\(head)\(long) — 12345 0.000123457 \(long)")
        }
        let literal: RepairText = "no numbers – only text"
        #expect(literal.string == "no numbers – only text")
        let empty: RepairText = ""
        #expect(empty.string.isEmpty)
    }
}
