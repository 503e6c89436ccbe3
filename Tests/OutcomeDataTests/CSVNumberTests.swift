import Foundation
import OutcomeData
import Testing

/// `CSVTable.number`: the accepted number syntax, missing values, and the hint for each usual slip.
@Suite("CSVTable.number")
struct CSVNumberTests {
    /// A one-column table holding `cell` in row 2, read back through `number`.
    static func read(_ cell: String, required: Bool = true) -> (value: Double?, issues: [InputIssue]) {
        let table = CSVTable(source: "n.csv", header: ["x"], rows: [CSVRow(line: 2, cells: [cell])])
        var issues: [InputIssue] = []
        let value = table.number(table.rows[0], "x", issues: &issues, required: required, expected: "a number > 0")
        return (value, issues)
    }

    @Test("accepted forms", arguments: [
        ("0", 0.0), ("-0", -0.0), ("007", 7), ("0.25", 0.25), ("-0.3", -0.3), ("+1.5", 1.5), (".5", 0.5),
        ("5.", 5), ("1e-5", 1e-5), ("2.5E+3", 2500), ("1E3", 1000), (" 3 ", 3),
        ("\u{2212}0.3", -0.3), ("1e\u{2212}2", 0.01), ("1.7976931348623157e308", 1.7976931348623157e308),
        ("4.9406564584124654e-324", .leastNonzeroMagnitude), ("123456789012345678901234567890", 1.2345678901234568e29),
        ("0.1000000000000000055511151231257827", 0.1),
    ])
    func accepted(_ text: String, _ expected: Double) {
        let (value, issues) = Self.read(text)
        #expect(value == expected)
        #expect(value?.sign == expected.sign)
        #expect(issues.isEmpty)
    }

    @Test("missing-value marks: nil, and an issue only when required", arguments: ["", "NA", "na", "N/A", "n/a", ".", "-"])
    func missing(_ text: String) {
        let optional = Self.read(text, required: false)
        #expect(optional.value == nil && optional.issues.isEmpty)
        let required = Self.read(text, required: true)
        #expect(required.value == nil)
        let problem = text.isEmpty ? "is empty, but this column is required" : "marks a missing value, but this column is required"
        #expect(required.issues == [InputIssue(file: "n.csv", line: 2, column: 1, columnName: "x", value: text,
                                               problem: problem, expected: "a number > 0")])
    }

    /// Each slip: the cell as typed, the problem, and the hint (nil: none is given).
    @Test("rejected text, with the problem and the hint", arguments: [
        ("12,5", "is not a number", "decimal comma? write 12.5"),
        (",5", "is not a number", "decimal comma? write 0.5"),
        ("0,250", "is not a number", "decimal comma? write 0.250"),
        ("1,234", "is not a number", "thousands separator? write 1234; decimal comma? write 1.234"),
        ("1,234,567", "is not a number", "thousands separator? write 1234567"),
        ("-1,234.5", "is not a number", "thousands separator? write -1234.5"),
        ("1 234", "is not a number", "thousands separator? write 1234"),
        ("1\u{202F}234\u{202F}567", "is not a number", "thousands separator? write 1234567"),
        ("1'234.5", "is not a number", "thousands separator? write 1234.5"),
        ("1.234,5", "is not a number", "decimal comma with '.' as thousands separator? write 1234.5"),
        ("45%", "is not a number", "percent sign? write 45"),
        ("12.5 %", "is not a number", "percent sign? write 12.5"),
        ("0.2\u{2013}0.5", "is not a number", "a range? put the CI bounds in ci_low and ci_high"),
        ("0.2 - 0.5", "is not a number", "a range? put the CI bounds in ci_low and ci_high"),
        ("0.2 to 0.5", "is not a number", "a range? put the CI bounds in ci_low and ci_high"),
        ("0.8 (0.6\u{2013}1.1)", "is not a number",
         "an estimate with its CI? keep the estimate here and put the bounds in ci_low and ci_high"),
        ("0.8 [0.6, 1.1]", "is not a number",
         "an estimate with its CI? keep the estimate here and put the bounds in ci_low and ci_high"),
        ("\u{2013}0.3", "is not a number", "a dash used as minus sign? write -0.3"),
        ("\u{2014}1", "is not a number", "a dash used as minus sign? write -1"),
        ("<0.001", "is not a number", "an inequality (such as < 0.001) is not a value; give the exact number"),
        ("\u{2264} 0.05", "is not a number", "an inequality (such as < 0.001) is not a value; give the exact number"),
        ("0\u{00B7}25", "is not a number", "middle dot as decimal point? write 0.25"),
        ("0.25*", "is not a number", "footnote mark or unit? remove \"*\""),
        ("0.25\u{2020}", "is not a number", "footnote mark or unit? remove \"\u{2020}\""),
        ("12 months", "is not a number", "footnote mark or unit? remove \"months\""),
        ("p=0.03", "is not a number", "label before the number? remove \"p=\""),
        ("1e", "is not a number", "an exponent needs digits, e.g. 1e-5"),
        ("0x1A", "is not a number", "hexadecimal numbers are not accepted; write it in decimal"),
        ("0x1p3", "is not a number", "hexadecimal numbers are not accepted; write it in decimal"),
        ("0.25\u{00A0}", "is not a number", "it contains an invisible character (non-breaking or zero-width space); delete it"),
        ("\u{200B}0.25", "is not a number", "it contains an invisible character (non-breaking or zero-width space); delete it"),
        ("--0.3", "is not a number", nil),
        ("+-1", "is not a number", nil),
        ("1.2.3", "is not a number", nil),
        ("0..03", "is not a number", nil),
        ("abc", "is not a number", nil),
        ("inf", "is not a finite number", nil),
        ("-Inf", "is not a finite number", nil),
        ("Infinity", "is not a finite number", nil),
        ("NaN", "is not a finite number", nil),
        ("nan", "is not a finite number", nil),
        ("\u{221E}", "is not a finite number", nil),
        ("1e400", "is too large to store as a number", nil),
        ("-1e309", "is too large to store as a number", nil),
    ] as [(String, String, String?)])
    func rejected(_ text: String, _ problem: String, _ hint: String?) {
        let (value, issues) = Self.read(text)
        #expect(value == nil)
        #expect(issues == [InputIssue(file: "n.csv", line: 2, column: 1, columnName: "x", value: text,
                                      problem: problem, expected: "a number > 0", hint: hint)])
    }

    @Test("diagnosis gives the same answers from 8 threads at once (shared compiled patterns)")
    func concurrentDiagnosis() {
        let cells = ["12,5", "45%", "1 234", "abc", "0.5*", "<0.001", "0.2\u{2013}0.5", "1.234,5"]
        let expected = cells.map { Self.read($0).issues }
        final class Results: @unchecked Sendable {
            let lock = NSLock()
            var mismatches = 0
        }
        let results = Results()
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for k in 0..<200 {
                let i = (thread + k) % cells.count
                if Self.read(cells[i]).issues != expected[i] {
                    results.lock.lock()
                    results.mismatches += 1
                    results.lock.unlock()
                }
            }
        }
        #expect(results.mismatches == 0)
    }

    @Test("a required column absent from the header is reported once, not once per row")
    func absentColumn() {
        let table = CSVTable(source: "a.csv", header: ["study"], rows: [CSVRow(line: 2, cells: ["A"]), CSVRow(line: 3, cells: ["B"])])
        var issues: [InputIssue] = []
        for row in table.rows { #expect(table.number(row, "yi", issues: &issues) == nil) }
        #expect(issues.count == 1)
        #expect(issues.first?.columnName == "yi")
        var none: [InputIssue] = []
        #expect(table.number(table.rows[0], "yi", issues: &none, required: false) == nil)
        #expect(none.isEmpty)
    }

    /// Decimal strings of up to 17 significant digits and exponents −30…30 (the fast path covers up to
    /// 15 digits and |exponent| ≤ 22; the rest go to strtod): the value must be bit-identical to
    /// Swift's correctly rounded `Double(_:)`.
    @Test("reading is correctly rounded: bit-identical to Double(_:) on 20 000 seeded random decimals")
    func correctlyRounded() {
        var rng = SplitMix64(seed: 20_240_601)
        for _ in 0..<20_000 {
            let digits = Int(rng.next() % 17) + 1
            var mantissa = ""
            for _ in 0..<digits { mantissa.append(Character(Unicode.Scalar(UInt8(48 + rng.next() % 10)))) }
            let point = Int(rng.next() % UInt64(digits + 1))
            var text = String(mantissa.prefix(point)) + "." + String(mantissa.dropFirst(point))
            if rng.next() % 2 == 0 { text = "-" + text }
            if rng.next() % 3 == 0 { text += "e\(Int(rng.next() % 61) - 30)" }
            let (value, issues) = Self.read(text)
            guard let reference = Double(text) else { Issue.record("Double(\"\(text)\") failed"); continue }
            #expect(value?.bitPattern == reference.bitPattern, "\(text)")
            #expect(issues.isEmpty)
        }
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): a deterministic generator for the seeded tests of this
/// target, kept here so the tests do not depend on another module's generator.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
