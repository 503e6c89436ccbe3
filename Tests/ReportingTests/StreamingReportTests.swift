import Foundation
import Testing
import TestSupport
import MetaAnalysis
import StatNumerics
@testable import Reporting

/// The streamed writers (`TextSink`) give the same bytes as building the whole text: `survmeta pool`
/// streams its report so that 100,000 studies never exist as one `String`, and its output must not
/// change by a byte. Sinks with tiny chunks (7 bytes) exercise every chunk boundary.
struct StreamingReportTests {
    /// The JSON serializer as it was before streaming (string concatenation), the reference.
    static func reference(_ v: JSONValue, indent: Int?) -> String {
        func string(_ s: String) -> String {
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
                }
            }
            return out + "\""
        }
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let x): return !x.isFinite ? "null" : x == 0 ? "0" : x.description
        case .string(let s): return string(s)
        case .array(let items):
            if items.isEmpty { return "[]" }
            var out = "["
            for (n, item) in items.enumerated() {
                if n > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                out += reference(item, indent: indent.map { $0 + 1 })
            }
            if let indent { out += "\n" + String(repeating: "  ", count: indent) }
            return out + "]"
        case .object(let fields):
            if fields.isEmpty { return "{}" }
            var out = "{"
            for (n, (key, value)) in fields.enumerated() {
                if n > 0 { out += "," }
                if let indent { out += "\n" + String(repeating: "  ", count: indent + 1) }
                out += string(key) + (indent == nil ? ":" : ": ") + reference(value, indent: indent.map { $0 + 1 })
            }
            if let indent { out += "\n" + String(repeating: "  ", count: indent) }
            return out + "}"
        }
    }

    /// Labels that need escaping, quoting or careful counting in one format or another.
    static let awkwardLabels = ["Smith, 2003", "O\"Brien", "a|b", "tab\there", "line\nbreak", "cr\r\nlf", "Müller 2005", "李 2010",
                                "e\u{301}", "trailing  ", "", "\u{1}ctl", "back\\slash", "\u{600} "]

    static func drained(_ body: (TextSink) -> Void) -> String {
        var bytes: [UInt8] = []
        let sink = TextSink(chunkSize: 7) { bytes.append(contentsOf: $0) }
        body(sink)
        sink.flush()
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test func jsonSerializationMatchesTheStringBuiltReference() {
        var g = SeededGenerator(seed: 77)
        func random(_ depth: Int) -> JSONValue {
            switch g.next() % (depth > 3 ? 5 : 7) {
            case 0: return .null
            case 1: return .bool(g.next() % 2 == 0)
            case 2: return .integer(Int(g.next() % 2000) - 1000)
            case 3: return [.number(g.nextNormal() * pow(10, Double(Int(g.next() % 40) - 20))), .number(0), .number(-0.0), .number(.nan), .number(.infinity)][Int(g.next() % 5)]
            case 4: return .string(Self.awkwardLabels[Int(g.next() % UInt64(Self.awkwardLabels.count))])
            case 5: return .array((0..<Int(g.next() % 4)).map { _ in random(depth + 1) })
            default: return .object((0..<Int(g.next() % 4)).map { i in (Self.awkwardLabels[i] + "\(i)", random(depth + 1)) })
            }
        }
        for _ in 0..<2000 {
            let v = random(0)
            #expect(v.serialized() == Self.reference(v, indent: 0))
            #expect(v.serialized(pretty: false) == Self.reference(v, indent: nil))
            #expect(Self.drained { v.write(to: $0, indent: 0) } == Self.reference(v, indent: 0))
        }
    }

    static func report(_ k: Int, measure: EffectMeasure, seed: UInt64) throws -> PoolReport {
        var g = SeededGenerator(seed: seed)
        let studies = (0..<k).map { i in
            StudyEffect(label: i < awkwardLabels.count ? awkwardLabels[i] + "\(i)" : "S\(i)", yi: g.nextNormal(), vi: 0.01 + g.nextUniform())
        }
        let fit = try RandomEffectsModel(estimator: .REML).fit(studies)
        return PoolReport(fit: fit, measure: measure, conversions: studies.indices.map { $0 % 3 == 0 ? .hazardRatioCI : .yiVi },
                          studyNotes: k < 5 ? [:] : [studies[1].label: ["asymmetric CI", "second note"], studies[4].label: []],
                          notes: ["1 study left out"])
    }

    @Test(arguments: [EffectMeasure.HR, .GEN, .PLO])
    func poolReportStreamsTheSameBytes(measure: EffectMeasure) throws {
        for k in [1, 2, 17, 300] {
            let r = try Self.report(k, measure: measure, seed: UInt64(k))
            let json = Self.reference(.object(r.json()), indent: 0)
            #expect(Self.drained { r.writeJSON(to: $0) } == json)
            #expect(JSONValue.object(r.json()).serialized() == json)
            let record = RunRecord(tool: "survmeta", version: "1", commandLine: ["survmeta", "pool", "x.csv"],
                                   inputs: [.init(path: "x.csv", sha256: nil)], options: [("method", "REML")], seed: nil, time: "2026-01-01T00:00:00Z")
            #expect(Self.drained { r.writeJSON(to: $0, trailer: [("record", record.json)]); $0.write("\n") } == record.splice(into: json + "\n"),
                    "the run record streamed last equals the record spliced into the text")
            #expect(Self.drained { r.writeTable(to: $0) } == r.table())
            #expect(Self.drained { r.writeMarkdown(to: $0) } == r.markdown())
            #expect(Self.drained { r.writeCSV(to: $0) } == r.csv())
        }
    }

    /// The streamed text table, Markdown and CSV writers against `TextTable`'s own renderings, on
    /// random cells including every awkward label (combining marks, CR LF, pipes, trailing spaces).
    @Test func tableWritersMatchTextTable() {
        var g = SeededGenerator(seed: 5)
        for _ in 0..<300 {
            let columns = 1 + Int(g.next() % 5)
            let header = (0..<columns).map { "c\($0)" + String(repeating: "x", count: Int(g.next() % 4)) }
            let rows = (0..<Int(g.next() % 12)).map { _ in
                (0..<(columns - Int(g.next() % 2))).map { _ -> String in
                    g.next() % 3 == 0 ? Self.awkwardLabels[Int(g.next() % UInt64(Self.awkwardLabels.count))] : NumberFormat.fixed(g.nextNormal())
                }
            }
            let alignments: [TextTable.Alignment]? = g.next() % 2 == 0 ? nil : header.map { _ in g.next() % 2 == 0 ? .left : .right }
            let table = TextTable(header: header, rows: rows, alignments: alignments)
            #expect(Self.drained { TextTable.writePlainText(header: header, alignments: alignments, rowCount: rows.count, row: { rows[$0] }, to: $0) } == table.plainText())
            #expect(Self.drained { TextTable.writeMarkdown(header: header, alignments: alignments, rowCount: rows.count, row: { rows[$0] }, to: $0) } == table.markdown())
            #expect(Self.drained { TextTable.writeCSV(header: header, rowCount: rows.count, row: { rows[$0] }, to: $0) } == table.csv())
        }
    }

    /// CSV quoting keeps its old rule, decided per character: "a\r\nb" holds neither a lone "\n" nor a
    /// lone "\r" character (CR LF is one character), so it stays unquoted, as it always was.
    @Test func csvFieldQuotingIsUnchanged() {
        #expect(CSVFormat.field("plain") == "plain")
        #expect(CSVFormat.field("a,b") == "\"a,b\"")
        #expect(CSVFormat.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSVFormat.field("a\nb") == "\"a\nb\"")
        #expect(CSVFormat.field("a\r\nb") == "a\r\nb")
    }
}
