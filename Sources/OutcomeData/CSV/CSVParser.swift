/// The byte-level RFC 4180 reader behind `CSVReader`: one pass over UTF-8 bytes, collecting every
/// problem instead of stopping at the first.
///
/// Grammar (RFC 4180, section 2, with the leniencies hand-typed files need): records end with CRLF,
/// LF or a lone CR; fields are separated by `,`; a field may be enclosed in double quotes, inside which
/// `,`, line breaks and `""` (one quote) are literal; spaces and tabs around a field are dropped (but
/// not inside quotes); a `"` inside an unquoted field is kept as a literal character. Records whose
/// cells are all empty (blank lines, `,,,` lines left by spreadsheets) are skipped, but every physical
/// line is counted, so line numbers match an editor's. The delimiters are ASCII, and ASCII bytes never
/// occur inside a multi-byte UTF-8 sequence, so scanning bytes is exact; each cell is checked for valid
/// UTF-8 as it is turned into a `String`.
struct CSVParser {
    private static let comma = UInt8(ascii: ","), quote = UInt8(ascii: "\""), cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    let bytes: UnsafeBufferPointer<UInt8>
    let source: String
    /// Index of the first byte after any byte-order mark.
    let start: Int

    private(set) var issues: [InputIssue] = []
    private var header: [String]?
    private var headerLine = 0
    private var scratch: [UInt8] = []

    init(bytes: UnsafeBufferPointer<UInt8>, source: String) {
        self.bytes = bytes
        self.source = source
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF]
        start = bytes.count >= 3 && bytes[0] == bom[0] && bytes[1] == bom[1] && bytes[2] == bom[2] ? 3 : 0
    }

    /// A parser for bytes that continue a file whose header was already read: every non-blank record
    /// is a data row of `header`'s columns (`survmeta batch` parses its blocks this way).
    init(bytes: UnsafeBufferPointer<UInt8>, source: String, header: [String]) {
        self.init(bytes: bytes, source: source)
        self.header = header
    }

    /// The data rows of a parser made with `init(bytes:source:header:)` (line 1 = the first byte's
    /// line), or every problem found.
    mutating func dataRows() throws -> [CSVRow] {
        var rows: [CSVRow] = []
        parseRecords(header: { _, _ in }, row: { rows.append($0) })
        if !issues.isEmpty { throw InputErrors(issues) }
        return rows
    }

    /// Parses the whole buffer; returns the table, or throws every problem found.
    mutating func run() throws -> CSVTable {
        var rows: [CSVRow] = []
        let table = try run(header: { _ in }, row: { rows.append($0) })
        return CSVTable(source: source, header: table.header, rows: rows, headerLine: headerLine)
    }

    /// Parses the whole buffer, handing each data row to `row` (in file order, never kept) once
    /// `header` has been given the header as a table without rows. Returns that table, or throws every
    /// problem found (rows with problems are not handed on).
    mutating func run(header: (CSVTable) -> Void, row: (CSVRow) -> Void) throws -> CSVTable {
        var table: CSVTable?
        let source = source
        parseRecords { names, line in
            let t = CSVTable(source: source, header: names, rows: [], headerLine: line)
            table = t
            header(t)
        } row: { row($0) }
        if !issues.isEmpty { throw InputErrors(issues) }
        guard let table else {
            // parseRecords reports empty and blank-only files; this is an internal invariant.
            preconditionFailure("CSV parser finished without a header and without issues")
        }
        return table
    }

    private mutating func parseRecords(header onHeader: ([String], Int) -> Void, row onRow: (CSVRow) -> Void) {
        let n = bytes.count
        guard n > start else {
            issues.append(InputIssue(file: source, problem: "the file is empty",
                                     expected: "a header row naming the columns, then one row per line"))
            return
        }
        var i = start
        var line = 1
        var cells: [String] = []
        var cellLines: [Int]?
        while i < n {
            let recordLine = line
            cells.removeAll(keepingCapacity: true)
            cellLines = nil
            fields: while true {
                let fieldLine = line
                var s = i
                while s < n, bytes[s] == Self.space || bytes[s] == Self.tab { s += 1 }
                let column = cells.count + 1
                var cell: String
                if s < n, bytes[s] == Self.quote {
                    guard let field = quotedField(openingAt: s, line: &line, column: column,
                                                  fieldLine: fieldLine) else { return }
                    cell = field.text
                    i = field.end
                } else {
                    var j = s
                    while j < n {
                        let b = bytes[j]
                        if b == Self.comma || b == Self.lf || b == Self.cr { break }
                        j += 1
                    }
                    var e = j
                    while e > s, bytes[e - 1] == Self.space || bytes[e - 1] == Self.tab { e -= 1 }
                    cell = decode(s..<e, content: nil, line: fieldLine, column: column)
                    i = j
                }
                if fieldLine != recordLine, cellLines == nil {
                    cellLines = Array(repeating: recordLine, count: cells.count)
                }
                cellLines?.append(fieldLine)
                cells.append(cell)
                if i < n, bytes[i] == Self.comma {
                    i += 1
                    continue fields
                }
                if i < n {  // a line break ends the record
                    if bytes[i] == Self.cr, i + 1 < n, bytes[i + 1] == Self.lf { i += 1 }
                    i += 1
                    line += 1
                }
                break fields
            }
            if cells.allSatisfy(\.isEmpty) { continue }
            if header == nil {
                if !acceptHeader(cells, line: recordLine) { return }
                onHeader(cells, recordLine)
            } else if let row = acceptRow(cells, line: recordLine, cellLines: cellLines) {
                onRow(row)
            }
        }
        if header == nil {
            issues.append(InputIssue(file: source, problem: "the file contains only blank lines",
                                     expected: "a header row naming the columns"))
        }
    }

    /// Reads the quoted field whose opening quote is at `open`; returns its text and the index just
    /// past it (at the delimiter or line break that follows), or nil when the quote is never closed
    /// (the problem is recorded and nothing after it can be read reliably).
    private mutating func quotedField(openingAt open: Int, line: inout Int, column: Int,
                                      fieldLine: Int) -> (text: String, end: Int)? {
        let n = bytes.count
        var j = open + 1
        var segment = j
        var escaped = false
        scratch.removeAll(keepingCapacity: true)
        while true {
            guard j < n else {
                let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[(open + 1)..<n]), as: UTF8.self)
                let firstLine = text.prefix { $0 != "\n" && $0 != "\r" && $0 != "\r\n" }
                issues.append(InputIssue(
                    file: source, line: fieldLine, column: column, columnName: headerName(column),
                    value: "\"" + firstLine, problem: "opens a quoted value that is never closed",
                    expected: "a closing double quote before the end of the file",
                    hint: "a stray \"? remove it, or double it (\"\") inside a quoted value; everything after it was read as one value"))
                return nil
            }
            let b = bytes[j]
            if b == Self.quote {
                if j + 1 < n, bytes[j + 1] == Self.quote {
                    scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segment...j]))
                    j += 2
                    segment = j
                    escaped = true
                    continue
                }
                break
            }
            if b == Self.lf || (b == Self.cr && !(j + 1 < n && bytes[j + 1] == Self.lf)) { line += 1 }
            j += 1
        }
        let contentRange = (open + 1)..<j
        if escaped { scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[segment..<j])) }
        var text = decode(contentRange, content: escaped ? scratch : nil, line: fieldLine, column: column)
        j += 1
        let junkStart = j
        while j < n, bytes[j] == Self.space || bytes[j] == Self.tab { j += 1 }
        if j < n, bytes[j] != Self.comma, bytes[j] != Self.lf, bytes[j] != Self.cr {
            while j < n, bytes[j] != Self.comma, bytes[j] != Self.lf, bytes[j] != Self.cr { j += 1 }
            let junk = decode(junkStart..<j, content: nil, line: line, column: column)
            issues.append(InputIssue(
                file: source, line: line, column: column, columnName: headerName(column),
                value: "\"\(text)\"\(junk)", problem: "has text after its closing quote",
                expected: "a comma or the end of the line after a closing quote",
                hint: "to put a double quote inside a quoted value, double it (\"\"); or quote the whole value"))
            text += junk
        }
        return (text, j)
    }

    /// The header name of 1-based `column`, once the header is known.
    private func headerName(_ column: Int) -> String? {
        guard let header, column >= 1, column <= header.count else { return nil }
        return header[column - 1]
    }

    /// The cell text of `range` (or of the unescaped `content`, whose validity is that of `range`),
    /// recording an issue when the bytes are not UTF-8.
    private mutating func decode(_ range: Range<Int>, content: [UInt8]?, line: Int, column: Int) -> String {
        let raw = UnsafeBufferPointer(rebasing: bytes[range])
        var high: UInt8 = 0
        for b in raw { high |= b }
        if high >= 0x80, let bad = UTF8Check.firstInvalid(raw) {
            let offset = range.lowerBound + bad
            var badLine = line
            var k = range.lowerBound
            while k < offset {
                if bytes[k] == Self.lf || (bytes[k] == Self.cr && !(k + 1 < offset && bytes[k + 1] == Self.lf)) { badLine += 1 }
                k += 1
            }
            let shown = content.map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: raw, as: UTF8.self)
            let byte = String(bytes[offset], radix: 16, uppercase: true)
            issues.append(InputIssue(
                file: source, line: badLine, column: column, columnName: headerName(column), value: shown,
                problem: "contains a byte that is not UTF-8 (0x\(byte.count == 1 ? "0" : "")\(byte) at byte offset \(offset))",
                expected: "text encoded as UTF-8",
                hint: "the file seems to use another encoding (Windows-1252 or Latin-1?); save it as \"CSV UTF-8\""))
            return shown
        }
        if let content { return String(decoding: content, as: UTF8.self) }
        return String(decoding: raw, as: UTF8.self)
    }

    /// Takes the first non-blank record as the header; false when nothing after it can be read.
    private mutating func acceptHeader(_ cells: [String], line: Int) -> Bool {
        headerLine = line
        header = cells
        if cells.count == 1, let separator = [";", "\t", "|"].first(where: { cells[0].contains($0) }) {
            let name = separator == "\t" ? "tab" : "'\(separator)'"
            issues.append(InputIssue(
                file: source, line: line, column: 1, value: cells[0], problem: "is the whole header: one column",
                expected: "column names separated by commas",
                hint: "the file seems to use \(name) as separator; save it as comma-separated CSV"))
            return false
        }
        var seen: [String: Int] = [:]
        for (k, name) in cells.enumerated() {
            if name.isEmpty {
                let last = k == cells.count - 1 && k > 0
                issues.append(InputIssue(
                    file: source, line: line, column: k + 1,
                    problem: "column \(k + 1) of the header has no name", expected: "a column name",
                    hint: last ? "a trailing comma at the end of the header? remove it" : nil))
                continue
            }
            let key = CSVTable.key(name)
            if let first = seen[key] {
                issues.append(InputIssue(
                    file: source, line: line, column: k + 1, value: name,
                    problem: "repeats the name of column \(first + 1) (\"\(cells[first])\")",
                    expected: "unique column names (compared ignoring case)",
                    hint: "rename or delete one of the two columns"))
            } else {
                seen[key] = k
            }
        }
        if cells.allSatisfy({ NumberSyntax.strict($0) != nil }) {
            issues.append(InputIssue(
                file: source, line: line, value: cells.joined(separator: ","),
                problem: "looks like data, not column names",
                expected: "a header row naming the columns first (e.g. study,yi,vi)",
                hint: "add a header line at the top of the file"))
        }
        return true
    }

    private mutating func acceptRow(_ cells: [String], line: Int, cellLines: [Int]?) -> CSVRow? {
        let expected = header?.count ?? 0
        guard cells.count == expected else {
            let hint: String
            if cells.count > expected {
                if cells[expected...].allSatisfy(\.isEmpty) {
                    hint = "a trailing comma? remove the empty cells at the end of the row"
                } else {
                    hint = "a comma inside a value (a decimal comma such as 12,5, or a label such as Smith, 2003)? "
                        + "write 12.5, or put the value in double quotes"
                }
            } else {
                hint = "a missing value? keep its comma and leave the cell empty (or write NA), e.g. a,,c"
            }
            issues.append(InputIssue(
                file: source, line: line, problem: "the row has \(cells.count) cell\(cells.count == 1 ? "" : "s")",
                expected: "\(expected) cell\(expected == 1 ? "" : "s"), one per header column "
                    + "(\(header?.joined(separator: ",") ?? ""))",
                hint: hint))
            return nil
        }
        return CSVRow(line: line, cells: cells, cellLines: cellLines)
    }
}
