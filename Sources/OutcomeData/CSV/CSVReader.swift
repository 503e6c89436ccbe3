import Foundation

/// Reads the CSV files users type by hand (RFC 4180, header row, UTF-8) into a `CSVTable`, reporting
/// every problem at once as `InputErrors` whose issues name file, line, column and the fix.
///
/// Accepted: a UTF-8 byte-order mark (dropped), CRLF, LF or CR line ends, quoted fields with commas,
/// doubled quotes and line breaks, spaces around fields, blank lines anywhere (line numbers stay
/// physical). Rejected with a message: empty files, files of blank lines, a header that is data, empty
/// or duplicate (case-insensitive) column names, rows with the wrong number of cells, unterminated
/// quotes (named by the line where they open), text after a closing quote, bytes that are not UTF-8
/// (named by line and byte offset), and files that are not CSV text at all (Excel workbooks, UTF-16).
/// See `CSVParser` for the grammar.
public enum CSVReader {
    /// Reads and parses the file at `path`; `"-"` reads standard input (named `"<stdin>"` in messages).
    /// Throws `InputErrors`, also when the file cannot be read.
    public static func read(path: String) throws -> CSVTable {
        let (data, source) = try contents(of: path)
        return try parse(data, source: source)
    }

    /// Reads the file at `path` (`"-"`: standard input) row by row without keeping the rows, for
    /// files too large to hold as a `CSVTable` (a `String` per cell): `header` is called once with the
    /// header as a table without rows (for `columnIndex`, `number`, `issue`), then `row` with every
    /// data row in file order. The checks are those of `read(path:)`; its `InputErrors` are thrown
    /// after the whole file has been read, and rows with problems are not handed on.
    /// Returns the header table.
    @discardableResult
    public static func forEachRow(path: String, header: (CSVTable) -> Void, row: (CSVRow) -> Void) throws -> CSVTable {
        let (data, source) = try contents(of: path)
        return try data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            if let issue = notText(bytes, source: source) { throw InputErrors(issue) }
            var parser = CSVParser(bytes: bytes, source: source)
            return try parser.run(header: header, row: row)
        }
    }

    /// The bytes of `path` (`"-"`: standard input) and the name messages use for it.
    static func contents(of path: String) throws -> (Data, String) {
        if path == "-" {
            return (FileHandle.standardInput.readDataToEndOfFile(), "<stdin>")
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw InputErrors(InputIssue(file: path, problem: "the file does not exist",
                                         expected: "the path of a CSV file",
                                         hint: "check the spelling and the working directory"))
        }
        if isDirectory.boolValue {
            throw InputErrors(InputIssue(file: path, problem: "this is a directory", expected: "the path of a CSV file"))
        }
        do {
            return (try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe), path)
        } catch {
            throw InputErrors(InputIssue(file: path, problem: "the file cannot be read (\(error.localizedDescription))",
                                         expected: "a readable CSV file", hint: "check its permissions"))
        }
    }

    /// Parses CSV bytes; `source` names the input in messages. Throws `InputErrors`.
    public static func parse(_ data: Data, source: String) throws -> CSVTable {
        try data.withUnsafeBytes { raw in
            try parse(bytes: raw.bindMemory(to: UInt8.self), source: source)
        }
    }

    /// Parses CSV text; `source` names the input in messages. Throws `InputErrors`.
    public static func parse(_ text: String, source: String) throws -> CSVTable {
        var text = text
        return try text.withUTF8 { try parse(bytes: $0, source: source) }
    }

    static func parse(bytes: UnsafeBufferPointer<UInt8>, source: String) throws -> CSVTable {
        if let issue = notText(bytes, source: source) { throw InputErrors(issue) }
        var parser = CSVParser(bytes: bytes, source: source)
        return try parser.run()
    }

    /// A file-level issue when the bytes are recognisably not CSV text: a spreadsheet workbook, UTF-16,
    /// or binary data (a NUL byte in the first 4 KiB).
    static func notText(_ bytes: UnsafeBufferPointer<UInt8>, source: String) -> InputIssue? {
        func startsWith(_ prefix: [UInt8]) -> Bool {
            bytes.count >= prefix.count && zip(bytes, prefix).allSatisfy { $0 == $1 }
        }
        let saveAs = "in the spreadsheet program use Save As → \"CSV UTF-8 (comma delimited)\""
        if startsWith([0x50, 0x4B, 0x03, 0x04]) {
            return InputIssue(file: source, problem: "this is a zip archive (an Excel .xlsx or OpenDocument workbook?), not a CSV file",
                              expected: "comma-separated text", hint: saveAs)
        }
        if startsWith([0xD0, 0xCF, 0x11, 0xE0]) {
            return InputIssue(file: source, problem: "this is an old Excel .xls workbook, not a CSV file",
                              expected: "comma-separated text", hint: saveAs)
        }
        if startsWith([0xFF, 0xFE]) || startsWith([0xFE, 0xFF]) {
            return InputIssue(file: source, problem: "the file is encoded as UTF-16",
                              expected: "text encoded as UTF-8", hint: saveAs)
        }
        if let nul = bytes.prefix(4096).firstIndex(of: 0) {
            return InputIssue(file: source, problem: "the file contains a NUL byte at byte offset \(nul): it is binary or UTF-16, not CSV text",
                              expected: "comma-separated text encoded as UTF-8", hint: saveAs)
        }
        return nil
    }
}
