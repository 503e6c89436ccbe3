import Foundation

/// A cell read as its Table Schema type (see `FieldType` for the lexical forms).
public enum TableValue: Sendable, Equatable, Hashable, Codable {
    case string(String)
    case integer(Int)
    case number(Double)
    case year(Int)
    case boolean(Bool)
    case date(year: Int, month: Int, day: Int)

    /// The order used by `minimum` and `maximum`; nil when the two values are of different types or
    /// the type has no order (strings, booleans: the specification defines none for them).
    public static func compare(_ a: TableValue, _ b: TableValue) -> Int? {
        func sign<T: Comparable>(_ x: T, _ y: T) -> Int { x < y ? -1 : (x > y ? 1 : 0) }
        switch (a, b) {
        case let (.integer(x), .integer(y)), let (.year(x), .year(y)): return sign(x, y)
        case let (.number(x), .number(y)): return x.isNaN || y.isNaN ? nil : sign(x, y)
        case let (.integer(x), .number(y)): return y.isNaN ? nil : sign(Double(x), y)
        case let (.number(x), .integer(y)): return x.isNaN ? nil : sign(x, Double(y))
        case let (.date(y1, m1, d1), .date(y2, m2, d2)): return sign((y1 * 100 + m1) * 100 + d1, (y2 * 100 + m2) * 100 + d2)
        default: return nil
        }
    }

    /// The value as a `Double` (integers, numbers and years), else nil.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i), .year(let i): return Double(i)
        case .number(let x): return x
        default: return nil
        }
    }
}

extension FieldType {
    /// The cell text read as this type, or nil when it is not a lexical form of the type (see
    /// `FieldType`). `text` is taken as it is: the CSV reader has already trimmed spaces and tabs.
    public func cast(_ text: String) -> TableValue? {
        switch self {
        case .string: return .string(text)
        case .integer: return TableLexicon.integer(text).map(TableValue.integer)
        case .number: return TableLexicon.number(text).map(TableValue.number)
        case .year:
            guard text.utf8.count == 4, text.utf8.allSatisfy(TableLexicon.isDigit), let y = Int(text) else { return nil }
            return .year(y)
        case .boolean:
            if ["true", "True", "TRUE", "1"].contains(text) { return .boolean(true) }
            if ["false", "False", "FALSE", "0"].contains(text) { return .boolean(false) }
            return nil
        case .date: return TableLexicon.date(text)
        }
    }
}

/// The lexical grammar of the Table Schema's numeric and date types.
enum TableLexicon {
    static func isDigit(_ b: UInt8) -> Bool { b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") }

    /// `[+-]digits`, within `Int`'s range.
    static func integer(_ text: String) -> Int? {
        var body = Substring(text)
        if body.first == "+" || body.first == "-" { body = body.dropFirst() }
        guard !body.isEmpty, body.utf8.allSatisfy(isDigit) else { return nil }
        return Int(text.first == "+" ? String(text.dropFirst()) : text)
    }

    /// `[+-](digits[.digits*] | .digits)([eE][+-]digits)`, or `NaN`, `INF`, `-INF`; nil on overflow.
    static func number(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "INF", "+INF": return .infinity
        case "-INF": return -.infinity
        default: break
        }
        let b = Array(text.utf8)
        var i = 0
        if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
        var mantissaDigits = 0
        while i < b.count, isDigit(b[i]) { i += 1; mantissaDigits += 1 }
        if i < b.count, b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, isDigit(b[i]) { i += 1; mantissaDigits += 1 }
        }
        guard mantissaDigits > 0 else { return nil }
        if i < b.count, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            i += 1
            if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            var exponentDigits = 0
            while i < b.count, isDigit(b[i]) { i += 1; exponentDigits += 1 }
            guard exponentDigits > 0 else { return nil }
        }
        guard i == b.count, let x = Double(text), x.isFinite else { return nil }
        return x
    }

    /// `YYYY-MM-DD` naming a day of the proleptic Gregorian calendar.
    static func date(_ text: String) -> TableValue? {
        let b = Array(text.utf8)
        guard b.count == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
              [0, 1, 2, 3, 5, 6, 8, 9].allSatisfy({ isDigit(b[$0]) }) else { return nil }
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3 else { return nil }
        let (y, m, d) = (parts[0], parts[1], parts[2])
        guard (1...12).contains(m), d >= 1 else { return nil }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days ? .date(year: y, month: m, day: d) : nil
    }
}
