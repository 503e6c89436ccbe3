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
        // Fast path: without any of these bytes no character can need quoting.
        guard s.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\n") || $0 == UInt8(ascii: "\r") })
        else { return s }
        if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return s
    }

    public static func line(_ fields: [String]) -> String { fields.map(field).joined(separator: ",") + "\n" }

    /// Writes `line(fields)` into `out`.
    public static func writeLine(_ fields: [String], to out: TextSink) {
        for (i, f) in fields.enumerated() {
            if i > 0 { out.write(ascii: UInt8(ascii: ",")) }
            out.write(field(f))
        }
        out.write(ascii: UInt8(ascii: "\n"))
    }
}

extension String {
    func replacingTrailingSpaces() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

// MARK: Streaming

extension TextTable {
    /// The width `plainText()` gives `text`: its number of characters (counted from the bytes when
    /// the text is ASCII without a carriage return, the one ASCII pair, CR LF, that is one character).
    static func width(_ text: String) -> Int {
        var ascii = true
        for b in text.utf8 where b >= 0x80 || b == 0x0D {
            ascii = false
            break
        }
        return ascii ? text.utf8.count : text.count
    }

    /// Writes what `TextTable(header:rows:alignments:).plainText()` returns, for rows produced on
    /// demand: `row(i)` is called twice for each i in `0..<rowCount` (to measure the columns, then to
    /// write), so the rows are never held together in memory.
    public static func writePlainText(header: [String], alignments: [Alignment]? = nil, rowCount: Int,
                                      row: (Int) -> [String], to out: TextSink) {
        let shape = TextTable(header: header, rows: [], alignments: alignments)
        var widths = header.map(width)
        for i in 0..<rowCount {
            let cells = row(i)
            for c in widths.indices where c < cells.count {
                let w = width(cells[c])
                if w > widths[c] { widths[c] = w }
            }
        }
        shape.writeLine(header, widths: widths, to: out)
        for (c, w) in widths.enumerated() {
            if c > 0 { out.write("  ") }
            out.write(repeating: UInt8(ascii: "-"), count: w)
        }
        out.write(ascii: UInt8(ascii: "\n"))
        for i in 0..<rowCount { shape.writeLine(row(i), widths: widths, to: out) }
    }

    /// One line of `plainText()`: cells padded to `widths`, two spaces apart, trailing spaces dropped.
    private func writeLine(_ cells: [String], widths: [Int], to out: TextSink) {
        var ascii = true
        for cell in cells {
            for b in cell.utf8 where b >= 0x80 || b == 0x0D {
                ascii = false
                break
            }
        }
        guard ascii else {
            // Characters beyond ASCII (combining marks, CR LF) follow the String rules of plainText().
            let line = header.indices.map { c in
                let text = c < cells.count ? cells[c] : ""
                let fill = String(repeating: " ", count: max(0, widths[c] - text.count))
                return alignments[c] == .left ? text + fill : fill + text
            }.joined(separator: "  ").replacingTrailingSpaces()
            out.write(line)
            out.write(ascii: UInt8(ascii: "\n"))
            return
        }
        // Spaces are held back until something follows them, so none ends the line.
        var pending = 0
        func emit(_ text: String) {
            let utf8 = text.utf8
            var trailing = 0
            var end = utf8.endIndex
            while end > utf8.startIndex {
                let before = utf8.index(before: end)
                guard utf8[before] == UInt8(ascii: " ") else { break }
                trailing += 1
                end = before
            }
            if end > utf8.startIndex {
                out.write(repeating: UInt8(ascii: " "), count: pending)
                if trailing == 0 { out.write(text) } else { out.write(Substring(text.utf8[..<end])) }
                pending = trailing
            } else {
                pending += trailing
            }
        }
        for c in header.indices {
            if c > 0 { pending += 2 }
            let text = c < cells.count ? cells[c] : ""
            let fill = max(0, widths[c] - text.utf8.count)
            if alignments[c] == .left {
                emit(text)
                pending += fill
            } else {
                pending += fill
                emit(text)
            }
        }
        out.write(ascii: UInt8(ascii: "\n"))
    }

    /// Writes what `TextTable(header:rows:alignments:).markdown()` returns, for rows produced on demand
    /// (`row(i)` is called once for each i in `0..<rowCount`).
    public static func writeMarkdown(header: [String], alignments: [Alignment]? = nil, rowCount: Int,
                                     row: (Int) -> [String], to out: TextSink) {
        let shape = TextTable(header: header, rows: [], alignments: alignments)
        func esc(_ s: String) -> String {
            s.utf8.contains(UInt8(ascii: "|")) ? s.replacingOccurrences(of: "|", with: "\\|") : s
        }
        func line(_ cells: [String]) {
            out.write("| ")
            for c in header.indices {
                if c > 0 { out.write(" | ") }
                out.write(esc(c < cells.count ? cells[c] : ""))
            }
            out.write(" |\n")
        }
        line(header)
        out.write("|" + shape.alignments.map { $0 == .left ? " :--- |" : " ---: |" }.joined() + "\n")
        for i in 0..<rowCount { line(row(i)) }
    }

    /// Writes what `TextTable(header:rows:).csv()` returns, for rows produced on demand.
    public static func writeCSV(header: [String], rowCount: Int, row: (Int) -> [String], to out: TextSink) {
        CSVFormat.writeLine(header, to: out)
        for i in 0..<rowCount { CSVFormat.writeLine(row(i), to: out) }
    }
}
