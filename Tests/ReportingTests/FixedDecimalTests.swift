import Foundation
import Testing
import TestSupport
import StatNumerics
@testable import Reporting

/// `NumberFormat.fixed` and `pValue` print with their own `%.Nf` conversion (`FixedDecimal`) instead of
/// `String(format:)`; the text must be the C library's, character for character. Reference: glibc's
/// `printf` through Foundation's `String(format:)`, which rounds the exact binary value half to even.
struct FixedDecimalTests {
    /// `String(format:)`, as `NumberFormat.fixed` printed before (with its "-0.0000" → "0.0000" rule).
    static func reference(_ x: Double, _ digits: Int) -> String {
        let s = String(format: "%.\(digits)f", x)
        return Double(s) == 0 ? String(format: "%.\(digits)f", 0.0) : s
    }

    @Test func randomValuesOfEveryMagnitudePrintAsPrintfDoes() {
        var g = SeededGenerator(seed: 20261128)
        var mismatches: [String] = []
        for i in 0..<200_000 {
            let magnitude = pow(10, -12 + 30 * g.nextUniform())
            let x = (i % 2 == 0 ? 1 : -1) * magnitude * g.nextUniform()
            let digits = i % 7
            if NumberFormat.fixed(x, digits) != Self.reference(x, digits) { mismatches.append("\(x) \(digits)") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    /// Exact ties (k/2ⁿ with a 5 in the first dropped place) round half to even on the binary value:
    /// 0.125 → "0.12", 0.375 → "0.38", 2.5 → "2"; values just off a tie go their own way.
    @Test func tiesRoundHalfToEven() {
        #expect(NumberFormat.fixed(0.125, 2) == "0.12")
        #expect(NumberFormat.fixed(0.375, 2) == "0.38")
        #expect(NumberFormat.fixed(2.5, 0) == "2")
        #expect(NumberFormat.fixed(3.5, 0) == "4")
        #expect(NumberFormat.fixed(-0.125, 2) == "-0.12")
        var mismatches: [String] = []
        for n in 1...20 {
            let unit = pow(2, -Double(n))
            for k in stride(from: 1, to: 1000, by: 1) {
                for x in [Double(k) * unit, Double(k) * unit.nextUp, Double(k) * unit - unit.ulp, -Double(k) * unit] {
                    for digits in 0...6 where NumberFormat.fixed(x, digits) != Self.reference(x, digits) {
                        mismatches.append("\(x) \(digits)")
                    }
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.prefix(5))")
    }

    @Test func specialValues() {
        let values: [Double] = [0, -0.0, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .leastNormalMagnitude,
                                1e-5, -4e-5, -5e-5, 5e-5, 0.00005, 0.99995, 0.999949999, 9.99995, -9.99995,
                                4503599627370495.5, 4503599627370496, 1e300, -1e300, .greatestFiniteMagnitude,
                                123456789.123456789, 0.1, 0.2, 0.3, 1.005, 2.675]
        for x in values {
            for digits in 0...17 {
                #expect(NumberFormat.fixed(x, digits) == Self.reference(x, digits), "\(x) with \(digits) digits")
            }
        }
        #expect(NumberFormat.fixed(-0.00001) == "0.0000", "a value printing as zero prints unsigned")
        #expect(NumberFormat.fixed(.nan) == "NA" && NumberFormat.fixed(.infinity) == "NA" && NumberFormat.fixed(nil) == "NA")
    }

    @Test func pValuesPrintAsBefore() {
        var g = SeededGenerator(seed: 4)
        for _ in 0..<20_000 {
            let p = pow(10, -6 * g.nextUniform())
            let before = p < 1e-4 ? "<.0001" : String(format: "%.4f", p)
            #expect(NumberFormat.pValue(p) == before, "\(p)")
        }
        #expect(NumberFormat.pValue(1) == "1.0000" && NumberFormat.pValue(0.00005) == "<.0001" && NumberFormat.pValue(.nan) == "NA")
    }
}
