import Foundation

/// A rectangular table of already-formatted cells, rendered as aligned plain text, Markdown or CSV.
/// Pure formatting: no I/O.
public struct TextTable: Sendable, Equatable {
    public enum Alignment: Sendable, Equatable { case left, right }

    public var header: [String]
    public var rows: [[String]]
    public var alignments: [Alignment]

    /// Columns after the first are right-aligned unless stated (numbers read best that way).
    public init(header: [String], rows: [[String]], alignments: [Alignment]? = nil) {
        self.header = header
        self.rows = rows
        self.alignments = alignments ?? header.indices.map { $0 == 0 ? .left : .right }
    }

    private var widths: [Int] {
        header.indices.map { c in
            ([header[c]] + rows.map { c < $0.count ? $0[c] : "" }).map(\.count).max() ?? 0
        }
    }

    private func pad(_ text: String, _ width: Int, _ alignment: Alignment) -> String {
        let fill = String(repeating: " ", count: max(0, width - text.count))
        return alignment == .left ? text + fill : fill + text
    }

    /// Aligned columns separated by two spaces, with a rule under the header.
    public func plainText() -> String {
        let w = widths
        func line(_ cells: [String]) -> String {
            header.indices.map { c in pad(c < cells.count ? cells[c] : "", w[c], alignments[c]) }
                .joined(separator: "  ").replacingTrailingSpaces()
        }
        var out = [line(header), w.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        out += rows.map(line)
        return out.joined(separator: "\n") + "\n"
    }

    /// A GitHub-flavoured Markdown table.
    public func markdown() -> String {
        func esc(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|") }
        var out = "| " + header.map(esc).joined(separator: " | ") + " |\n"
        out += "|" + alignments.map { $0 == .left ? " :--- |" : " ---: |" }.joined() + "\n"
        for r in rows { out += "| " + header.indices.map { esc($0 < r.count ? r[$0] : "") }.joined(separator: " | ") + " |\n" }
        return out
    }

    /// RFC 4180 CSV (fields quoted when they hold a comma, quote or line break; LF line ends).
    public func csv() -> String {
        CSVFormat.line(header) + rows.map(CSVFormat.line).joined()
    }
}

/// RFC 4180 field quoting.
public enum CSVFormat {
    public static func field(_ s: String) -> String {
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\n" }
}

extension String {
    func replacingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
