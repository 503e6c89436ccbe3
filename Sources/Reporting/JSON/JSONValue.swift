import Foundation

/// A JSON document with ordered object keys, so output is deterministic and fields appear in the
/// order of `cli-contract.md`.
///
/// Numbers are written in the shortest form that reads back to the same `Double` (Swift's
/// `description`, round-trip exact). A non-finite number is written as `null`: an undefined value
/// is `null` in SurvMeta's JSON, never NaN.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.number(x), .number(y)): return x == y || (x.isNaN && y.isNaN)
        case let (.integer(x), .integer(y)): return x == y
        case let (.string(x), .string(y)): return x == y
        case let (.array(x), .array(y)): return x == y
        case let (.object(x), .object(y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    /// `.number(x)`, or `.null` when x is nil or not finite.
    public static func num(_ x: Double?) -> JSONValue {
        guard let x, x.isFinite else { return .null }
        return .number(x)
    }

    /// `.integer(x)` or `.null`.
    public static func int(_ x: Int?) -> JSONValue { x.map(JSONValue.integer) ?? .null }

    /// `.string(x)` or `.null`.
    public static func str(_ x: String?) -> JSONValue { x.map(JSONValue.string) ?? .null }

    /// Serialized text; `pretty` indents with two spaces.
    public func serialized(pretty: Bool = true) -> String {
        let sink = TextSink()
        write(to: sink, indent: pretty ? 0 : nil)
        return sink.text
    }

    /// Writes the serialized text into `sink`: pretty-printed as if nested `indent` levels deep
    /// (`serialized()` is `indent: 0`), or compact when `indent` is nil.
    public func write(to out: TextSink, indent: Int?) {
        switch self {
        case .null: out.write("null")
        case .bool(let b): out.write(b ? "true" : "false")
        case .integer(let i): out.write(String(i))
        case .number(let x): JSONValue.writeNumber(x, to: out)
        case .string(let s): JSONValue.writeString(s, to: out)
        case .array(let items):
            if items.isEmpty { out.write("[]"); return }
            out.write(ascii: UInt8(ascii: "["))
            for (n, item) in items.enumerated() {
                if n > 0 { out.write(ascii: UInt8(ascii: ",")) }
                if let indent { JSONValue.newline(indent + 1, to: out) }
                item.write(to: out, indent: indent.map { $0 + 1 })
            }
            if let indent { JSONValue.newline(indent, to: out) }
            out.write(ascii: UInt8(ascii: "]"))
        case .object(let fields):
            if fields.isEmpty { out.write("{}"); return }
            out.write(ascii: UInt8(ascii: "{"))
            for (n, (key, value)) in fields.enumerated() {
                if n > 0 { out.write(ascii: UInt8(ascii: ",")) }
                JSONValue.writeKey(key, to: out, indent: indent.map { $0 + 1 })
                value.write(to: out, indent: indent.map { $0 + 1 })
            }
            if let indent { JSONValue.newline(indent, to: out) }
            out.write(ascii: UInt8(ascii: "}"))
        }
    }

    /// A line break and two spaces per level.
    static func newline(_ level: Int, to out: TextSink) {
        if level < breaks.count {
            out.write(bytes: breaks[level])
        } else {
            out.write(ascii: UInt8(ascii: "\n"))
            out.write(repeating: UInt8(ascii: " "), count: 2 * level)
        }
    }

    /// A line break followed by the indentation of levels 0 … 7.
    private static let breaks: [[UInt8]] = (0..<8).map { [UInt8(ascii: "\n")] + Array(repeating: UInt8(ascii: " "), count: 2 * $0) }

    /// `"key": ` at `indent` (on its own line when pretty), `"key":` when compact; the comma before
    /// it is the caller's.
    public static func writeKey(_ key: String, to out: TextSink, indent: Int?) {
        if let indent { newline(indent, to: out) }
        writeString(key, to: out)
        if indent == nil { out.write(ascii: UInt8(ascii: ":")) } else { out.write(": ") }
    }

    /// A number as `format` writes it (`null` when not finite).
    public static func writeNumber(_ x: Double, to out: TextSink) {
        guard x.isFinite else { out.write("null"); return }
        if x == 0 { out.write(ascii: UInt8(ascii: "0")); return }
        out.write(x.description)
    }

    /// `.num(x)` written directly: the number, or `null` when nil or not finite.
    public static func writeNumber(_ x: Double?, to out: TextSink) {
        guard let x else { out.write("null"); return }
        writeNumber(x, to: out)
    }

    /// Shortest round-trip decimal form of a finite double; integral values keep a ".0" only when
    /// Swift's description has one (JSON readers treat both as numbers).
    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "null" }
        if x == 0 { return "0" }
        return x.description
    }

    /// A JSON string literal: `"`, `\\`, line feed, carriage return and tab escaped by name, other
    /// control characters as `\\u00xx`, everything else as is (UTF-8).
    public static func writeString(_ s: String, to out: TextSink) {
        out.write(ascii: UInt8(ascii: "\""))
        var plain = true
        for b in s.utf8 where b < 0x20 || b == UInt8(ascii: "\"") || b == UInt8(ascii: "\\") {
            plain = false
            break
        }
        if plain {
            out.write(s)
        } else {
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out.write("\\\"")
                case "\\": out.write("\\\\")
                case "\n": out.write("\\n")
                case "\r": out.write("\\r")
                case "\t": out.write("\\t")
                default:
                    if scalar.value < 0x20 {
                        let hex: [UInt8] = Array("0123456789abcdef".utf8)
                        out.write("\\u00")
                        out.write(ascii: hex[Int(scalar.value >> 4)])
                        out.write(ascii: hex[Int(scalar.value & 0xF)])
                    } else {
                        out.write(String(scalar))
                    }
                }
            }
        }
        out.write(ascii: UInt8(ascii: "\""))
    }
}
