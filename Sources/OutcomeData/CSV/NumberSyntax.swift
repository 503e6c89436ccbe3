import Foundation

/// What a cell holds when read as a number.
enum CellNumber: Equatable {
    /// A finite number.
    case value(Double)
    /// A missing value: empty, `NA`, `N/A` (any case), `.` or `-`.
    case missing
    /// Not a usable number: `problem` follows the quoted text (`"is not a number"`), `hint` names the
    /// likely slip and its fix.
    case invalid(problem: String, hint: String?)
}

/// The number syntax of input cells and the diagnosis of the usual slips made when typing numbers
/// from papers.
///
/// Accepted: an optional sign (`+`, `-` or the Unicode minus U+2212, which typesetting and PDF copy
/// produce and which is unambiguous), decimal digits with an optional `.` fraction (`.5` and `5.` are
/// accepted), an optional exponent (`1e-5`, `2.5E+3`). Rejected with a hint: decimal commas, thousands
/// separators, percent signs, ranges, an estimate with its CI in one cell, inequalities, dashes used
/// as minus, the Lancet's middle dot, footnote marks and units. Rejected as not finite: `inf`, `nan`
/// and values that overflow a `Double`. Hexadecimal is rejected (Swift's `Double(_:)` would accept it).
enum NumberSyntax {
    /// Whether `text` (already trimmed) marks a missing value.
    static func isMissing(_ text: some StringProtocol) -> Bool {
        let utf8 = text.utf8
        switch utf8.count {
        case 0: return true
        case 1: return utf8.first == UInt8(ascii: ".") || utf8.first == UInt8(ascii: "-")
        case 2, 3:
            let lower = text.lowercased()
            return lower == "na" || lower == "n/a"
        default: return false
        }
    }

    /// Reads one cell. Surrounding spaces and tabs are ignored.
    static func classify(_ raw: String) -> CellNumber {
        let text = raw.trimmingASCIIWhitespace()
        if isMissing(text) { return .missing }
        if let value = strict(text) {
            return value.isFinite ? .value(value)
                : .invalid(problem: "is too large to store as a number", hint: nil)
        }
        return diagnose(text)
    }

    /// The value of `text` if it matches the accepted grammar exactly, else nil. May be ±∞ on overflow.
    ///
    /// Numbers of at most 15 significant digits with a decimal exponent of magnitude ≤ 22 are converted
    /// by Clinger's exact fast path (one correctly rounded multiplication or division of two exactly
    /// representable doubles; W. D. Clinger, "How to read floating point numbers accurately", PLDI 1990);
    /// all others go through `Double(_:)` (correctly rounded `strtod`).
    static func strict(_ text: String) -> Double? {
        var scan = Scan()
        let ok: Bool = text.utf8.withContiguousStorageIfAvailable { scan.run($0) }
            ?? Array(text.utf8).withUnsafeBufferPointer { scan.run($0) }
        guard ok else { return nil }
        if let fast = scan.fastValue { return fast }
        if scan.unicodeMinus { return Double(text.replacingOccurrences(of: "\u{2212}", with: "-")) }
        return Double(text)
    }

    /// 10⁰ … 10²², all exactly representable as doubles.
    private static let exactPowersOfTen: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    /// One pass of the grammar `[sign] (digits [. digits] | . digits) [(e|E) [sign] digits]`, sign
    /// being `+`, `-` or U+2212, gathering what the fast path needs.
    private struct Scan {
        var unicodeMinus = false
        var fastValue: Double?

        mutating func run(_ b: UnsafeBufferPointer<UInt8>) -> Bool {
            let n = b.count
            var i = 0
            func sign() -> Bool {  // true when negative
                guard i < n else { return false }
                if b[i] == UInt8(ascii: "+") { i += 1; return false }
                if b[i] == UInt8(ascii: "-") { i += 1; return true }
                if i + 2 < n, b[i] == 0xE2, b[i + 1] == 0x88, b[i + 2] == 0x92 {
                    i += 3
                    unicodeMinus = true
                    return true
                }
                return false
            }
            var mantissa: UInt64 = 0
            var significant = 0  // significant digits seen (leading zeros excluded)
            var scale = 0  // decimal exponent contributed by the fraction
            var digitCount = 0
            let negative = sign()
            while i < n, b[i] &- UInt8(ascii: "0") < 10 {
                let d = b[i] &- UInt8(ascii: "0")
                if significant > 0 || d != 0 { significant += 1 }
                if significant <= 19 { mantissa = mantissa &* 10 &+ UInt64(d) } else { scale += 1 }
                digitCount += 1
                i += 1
            }
            if i < n, b[i] == UInt8(ascii: ".") {
                i += 1
                while i < n, b[i] &- UInt8(ascii: "0") < 10 {
                    let d = b[i] &- UInt8(ascii: "0")
                    if significant > 0 || d != 0 { significant += 1 }
                    if significant <= 19 { mantissa = mantissa &* 10 &+ UInt64(d); scale -= 1 }
                    digitCount += 1
                    i += 1
                }
            }
            guard digitCount > 0 else { return false }
            var exponent = 0
            if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
                i += 1
                let negativeExponent = sign()
                let start = i
                while i < n, b[i] &- UInt8(ascii: "0") < 10 {
                    if exponent < 100_000 { exponent = exponent * 10 + Int(b[i] &- UInt8(ascii: "0")) }
                    i += 1
                }
                guard i > start else { return false }
                if negativeExponent { exponent = -exponent }
            }
            guard i == n else { return false }
            let e10 = exponent + scale
            if significant <= 15, abs(e10) <= 22 {
                let m = Double(mantissa)  // exact: mantissa < 10¹⁵ < 2⁵³
                let value = e10 >= 0 ? m * exactPowersOfTen[e10] : m / exactPowersOfTen[-e10]
                fastValue = negative ? -value : value
            }
            return true
        }
    }

    // MARK: Diagnosis of text that is not a number

    /// A number as the accepted grammar writes it (with any minus sign), for use inside patterns.
    private static let number = #"[+\-−]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+\-−]?[0-9]+)?"#
    /// An unsigned number.
    private static let unsigned = #"(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+\-−]?[0-9]+)?"#

    /// The diagnostic patterns, compiled once (compiling costs ~0.1 ms each, which a file of thousands of
    /// bad cells would pay thousands of times). `Regex` is not `Sendable` (it builds its matching
    /// program lazily), so every use goes through `patternLock`.
    private enum Pattern {
        static func compile(_ pattern: String) -> Regex<AnyRegexOutput> {
            do { return try Regex(pattern) } catch { preconditionFailure("bad built-in pattern \(pattern): \(error)") }
        }
        nonisolated(unsafe) static let hex = compile(#"[+\-]?0x[0-9a-f.]+(?:p[+\-]?[0-9]+)?"#)
        nonisolated(unsafe) static let percent = compile(#"(\#(number))\s*%"#)
        nonisolated(unsafe) static let thousandsComma = compile(#"([+\-]?)([1-9][0-9]{0,2}(?:,[0-9]{3})+)(\.[0-9]*)?"#)
        nonisolated(unsafe) static let dotThousandsDecimalComma = compile(#"([+\-]?)([0-9]{1,3}(?:\.[0-9]{3})+),([0-9]+)"#)
        nonisolated(unsafe) static let decimalComma = compile(#"([+\-]?)([0-9]*),([0-9]*)"#)
        nonisolated(unsafe) static let thousandsSpace = compile(#"([+\-]?)([0-9]{1,3}(?:[ \u{00A0}\u{2009}\u{202F}'’][0-9]{3})+)(\.[0-9]+)?"#)
        nonisolated(unsafe) static let middleDot = compile(#"([0-9]*)·([0-9]+)"#)
        nonisolated(unsafe) static let estimateWithCI = compile(#"(\#(number))\s*[(\[]\s*(\#(number))\s*(?:,|;|–|—|-|to)\s*(\#(number))\s*[)\]]"#)
        nonisolated(unsafe) static let range = compile(#"(\#(number))\s*(?:–|—|‒|-|to)\s*(\#(number))"#)
        nonisolated(unsafe) static let dashMinus = compile(#"[–—‒﹣－]\s*(\#(unsigned))"#)
        nonisolated(unsafe) static let inequality = compile(#"(?:<=|>=|=<|=>|<|>|≤|≥|⩽|⩾)\s*(\#(number))"#)
        nonisolated(unsafe) static let bareExponent = compile(#"(\#(number))[eE][+\-]?"#)
        nonisolated(unsafe) static let trailingText = compile(#"(\#(number))\s*([^0-9\s.,].*)"#)
        nonisolated(unsafe) static let leadingText = compile(#"(.*[^0-9\s.+\-])\s*(\#(number))"#)
    }

    private static let patternLock = NSLock()

    /// The captures of `regex` matching all of `text` (empty strings for groups that did not take
    /// part), or nil.
    private static func whole(_ text: String, _ regex: Regex<AnyRegexOutput>) -> [String]? {
        patternLock.lock()
        defer { patternLock.unlock() }
        guard let match = text.wholeMatch(of: regex) else { return nil }
        return match.output.map { $0.substring.map(String.init) ?? "" }
    }

    private static func notANumber(_ hint: String?) -> CellNumber { .invalid(problem: "is not a number", hint: hint) }

    /// The diagnosis of `text` (trimmed, not missing, not matching the grammar).
    static func diagnose(_ text: String) -> CellNumber {
        let ascii = text.replacingOccurrences(of: "\u{2212}", with: "-")
        let lower = ascii.lowercased()
        var unsignedLower = Substring(lower)
        if let first = unsignedLower.first, first == "+" || first == "-" { unsignedLower = unsignedLower.dropFirst() }
        if ["inf", "infinity", "nan", "∞", "-nan", "+nan"].contains(unsignedLower) {
            return .invalid(problem: "is not a finite number", hint: nil)
        }
        if whole(lower, Pattern.hex) != nil {
            return notANumber("hexadecimal numbers are not accepted; write it in decimal")
        }
        if let m = whole(ascii, Pattern.percent) {
            return notANumber("percent sign? write \(m[1])")
        }
        if let m = whole(ascii, Pattern.thousandsComma) {
            let digits = m[2].replacingOccurrences(of: ",", with: "")
            let groups = m[2].split(separator: ",").count
            if m[3].isEmpty && groups == 2 {
                let decimal = m[1] + m[2].replacingOccurrences(of: ",", with: ".")
                return notANumber("thousands separator? write \(m[1])\(digits); decimal comma? write \(decimal)")
            }
            return notANumber("thousands separator? write \(m[1])\(digits)\(m[3])")
        }
        if let m = whole(ascii, Pattern.dotThousandsDecimalComma) {
            let digits = m[2].replacingOccurrences(of: ".", with: "")
            return notANumber("decimal comma with '.' as thousands separator? write \(m[1])\(digits).\(m[3])")
        }
        if let m = whole(ascii, Pattern.decimalComma), !(m[2].isEmpty && m[3].isEmpty) {
            let integer = m[2].isEmpty ? "0" : m[2]
            let fixed = m[3].isEmpty ? integer : "\(integer).\(m[3])"
            return notANumber("decimal comma? write \(m[1])\(fixed)")
        }
        if let m = whole(ascii, Pattern.thousandsSpace) {
            let digits = String(m[2].unicodeScalars.filter { ("0"..."9").contains($0) }.map(Character.init))
            return notANumber("thousands separator? write \(m[1])\(digits)\(m[3])")
        }
        if let m = whole(ascii, Pattern.middleDot) {
            return notANumber("middle dot as decimal point? write \(m[1].isEmpty ? "0" : m[1]).\(m[2])")
        }
        if whole(ascii, Pattern.estimateWithCI) != nil {
            return notANumber("an estimate with its CI? keep the estimate here and put the bounds in ci_low and ci_high")
        }
        if whole(ascii, Pattern.range) != nil {
            return notANumber("a range? put the CI bounds in ci_low and ci_high")
        }
        if let m = whole(ascii, Pattern.dashMinus) {
            return notANumber("a dash used as minus sign? write -\(m[1])")
        }
        if whole(ascii, Pattern.inequality) != nil {
            return notANumber("an inequality (such as < 0.001) is not a value; give the exact number")
        }
        if text.unicodeScalars.contains(where: { invisible.contains($0) }) {
            return notANumber("it contains an invisible character (non-breaking or zero-width space); delete it")
        }
        if whole(ascii, Pattern.bareExponent) != nil {
            return notANumber("an exponent needs digits, e.g. 1e-5")
        }
        if let m = whole(ascii, Pattern.trailingText) {
            return notANumber("footnote mark or unit? remove \"\(m[2])\"")
        }
        if let m = whole(ascii, Pattern.leadingText) {
            return notANumber("label before the number? remove \"\(m[1])\"")
        }
        return notANumber(nil)
    }

    /// Characters that look like nothing or like a plain space.
    private static let invisible: Set<Unicode.Scalar> = [
        "\u{00A0}", "\u{2007}", "\u{2009}", "\u{200A}", "\u{200B}", "\u{200C}", "\u{200D}", "\u{202F}",
        "\u{2060}", "\u{FEFF}",
    ]
}
