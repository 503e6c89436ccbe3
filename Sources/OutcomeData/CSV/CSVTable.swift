/// One data row of a CSV file: its cells (trimmed, unquoted) and the physical line it starts on.
public struct CSVRow: Sendable, Equatable {
    /// 1-based physical line where the row starts (the header is line 1 in a file without leading
    /// blank lines).
    public let line: Int
    /// The cells, one per header column after a successful parse.
    public let cells: [String]
    /// The line each cell starts on, when the row spans several lines (a quoted line break);
    /// nil when the whole row is on `line`.
    let cellLines: [Int]?

    public init(line: Int, cells: [String]) {
        self.init(line: line, cells: cells, cellLines: nil)
    }

    init(line: Int, cells: [String], cellLines: [Int]?) {
        self.line = line
        self.cells = cells
        self.cellLines = cellLines
    }

    /// The physical line where cell `index` (0-based) starts.
    func line(ofCell index: Int) -> Int {
        guard let cellLines, index >= 0, index < cellLines.count else { return line }
        return cellLines[index]
    }

    public static func == (a: CSVRow, b: CSVRow) -> Bool { a.line == b.line && a.cells == b.cells }
}

/// A parsed CSV file: header and rows, every row having one cell per header column.
///
/// Column names are matched case-insensitively after trimming (`YI`, ` yi ` and `yi` are the same
/// column), as `cli-contract.md` specifies. Cell access that can fail (`number`) records an
/// `InputIssue` and carries on, so a caller can report every problem of a file at once.
public struct CSVTable: Sendable, Equatable {
    /// The name used in messages: the path as given, or `"<stdin>"`.
    public let source: String
    /// The column names as written (trimmed).
    public let header: [String]
    /// The data rows, blank lines left out.
    public let rows: [CSVRow]
    /// The physical line of the header (1 unless blank lines precede it).
    public let headerLine: Int
    /// Lower-cased name → column index.
    private let index: [String: Int]
    /// The lower-cased name of each column, for a linear search that beats hashing on short headers.
    private let keys: [String]

    public init(source: String, header: [String], rows: [CSVRow], headerLine: Int = 1) {
        self.source = source
        self.header = header
        self.rows = rows
        self.headerLine = headerLine
        var index: [String: Int] = [:]
        let keys = header.map(CSVTable.key)
        for (i, key) in keys.enumerated() where index[key] == nil { index[key] = i }
        self.index = index
        self.keys = keys
    }

    /// The same table with other rows (the header, its index and the source are shared).
    func replacingRows(_ rows: [CSVRow]) -> CSVTable {
        CSVTable(source: source, header: header, rows: rows, headerLine: headerLine, index: index, keys: keys)
    }

    private init(source: String, header: [String], rows: [CSVRow], headerLine: Int, index: [String: Int], keys: [String]) {
        self.source = source
        self.header = header
        self.rows = rows
        self.headerLine = headerLine
        self.index = index
        self.keys = keys
    }

    /// The normalized form under which a column name is looked up.
    static func key(_ name: String) -> String {
        name.trimmingASCIIWhitespace().lowercased()
    }

    /// The 0-based index of the column named `name` (case-insensitive, trimmed), or nil.
    public func columnIndex(_ name: String) -> Int? {
        if keys.count <= 16 {
            // Loaders look names up per cell: comparing a few short strings is cheaper than hashing one.
            if let i = keys.firstIndex(of: name) { return i }
            let key = CSVTable.key(name)
            return key == name ? nil : keys.firstIndex(of: key)
        }
        return index[name] ?? index[CSVTable.key(name)]  // the first lookup spares the common lower-case name a copy
    }

    /// Whether the header has a column named `name` (case-insensitive, trimmed).
    public func hasColumn(_ name: String) -> Bool { columnIndex(name) != nil }

    /// Throws `InputErrors` unless every one of `columns` is present (case-insensitive) and the
    /// table has at least `minimumRows` data rows. Every missing column gets its own issue, which
    /// names the columns present and, when a header name is a near miss (differs only in case,
    /// spaces or punctuation, or by one letter: `"v_i"` for `"vi"`, `"event"` for `"events"`), suggests it.
    public func require(_ columns: [String], minimumRows: Int = 1) throws {
        var issues: [InputIssue] = []
        let present = header.map { "\"\($0)\"" }.joined(separator: ", ")
        for name in columns where !hasColumn(name) {
            var hint = "the header has \(present)"
            if let near = nearestColumn(to: name) { hint = "did you mean \"\(near)\"? " + hint }
            issues.append(InputIssue(
                file: source, line: headerLine, columnName: name,
                problem: "required column is missing", expected: "a column named \"\(name)\"",
                hint: hint))
        }
        if rows.count < minimumRows {
            issues.append(InputIssue(
                file: source,
                problem: rows.isEmpty ? "the file has a header but no data rows"
                    : "the file has only \(rows.count) data row\(rows.count == 1 ? "" : "s")",
                expected: "at least \(minimumRows) data row\(minimumRows == 1 ? "" : "s") below the header"))
        }
        if !issues.isEmpty { throw InputErrors(issues) }
    }

    /// A header name that is probably what the user meant by `name`: equal once punctuation,
    /// spaces and case are ignored (`"y_i"`, `"Y I"` for `"yi"`), or within edit distance 1 for names
    /// of 3 or more letters (`"event"` for `"events"`). Nil when no header name is that close; used
    /// for the "did you mean" hints of `require`.
    public func nearestColumn(to name: String) -> String? {
        func squeeze(_ s: String) -> String {
            String(s.lowercased().unicodeScalars.filter { $0.properties.isAlphabetic || ("0"..."9").contains($0) }
                .map(Character.init))
        }
        let target = squeeze(name)
        if let exact = header.first(where: { squeeze($0) == target && !target.isEmpty }) { return exact }
        guard target.count >= 3 else { return nil }
        return header.first { editDistance(squeeze($0), target, limit: 1) <= 1 }
    }
}

/// Levenshtein distance, stopping early once it exceeds `limit`.
func editDistance(_ a: String, _ b: String, limit: Int) -> Int {
    let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
    if abs(a.count - b.count) > limit { return limit + 1 }
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
        current[0] = i
        var rowMin = current[0]
        for j in 1...b.count {
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            rowMin = min(rowMin, current[j])
        }
        if rowMin > limit { return limit + 1 }
        swap(&previous, &current)
    }
    return previous[b.count]
}

extension String {
    /// The text without leading and trailing spaces and tabs (the whitespace the CSV reader trims).
    func trimmingASCIIWhitespace() -> String {
        let utf8 = self.utf8
        var start = utf8.startIndex, end = utf8.endIndex
        while start < end, utf8[start] == 0x20 || utf8[start] == 0x09 { start = utf8.index(after: start) }
        while end > start {
            let before = utf8.index(before: end)
            guard utf8[before] == 0x20 || utf8[before] == 0x09 else { break }
            end = before
        }
        if start == utf8.startIndex && end == utf8.endIndex { return String(self) }
        return String(self[start..<end])
    }
}
