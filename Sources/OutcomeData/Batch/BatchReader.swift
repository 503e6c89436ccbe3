import Foundation

/// One meta-analysis of a long-format batch file: its id and its study rows, converted.
public struct BatchAnalysis: Sendable {
    /// Position of the analysis in the file (0-based, in order of first appearance).
    public var ordinal: Int
    public var id: String
    public var studies: StudyTable
}

/// Streams a long-format study file with an `analysis` column (`survmeta batch`): rows of one
/// analysis must be contiguous; the file is read in blocks of whole lines, so memory does not grow
/// with the number of analyses. Each block is parsed by the ordinary CSV reader and study loader
/// (the same column sets and checks as `pool`), with line numbers kept as in the file.
public struct BatchReader {
    public let path: String
    /// Approximate bytes per block.
    public let blockSize: Int
    private let handle: FileHandle
    private var buffer = Data()
    private var headerLine = Data()
    private var nextLine = 1
    private var atEOF = false
    private var carry: [(line: Int, text: Data)] = []
    private var carryID: String?
    private var ordinal = 0
    private var seen = Set<String>()
    private var analysisColumn = 0

    public init(path: String, blockSize: Int = 4 << 20) throws {
        self.path = path == "-" ? "<stdin>" : path
        self.blockSize = max(blockSize, 1 << 10)
        if path == "-" {
            handle = FileHandle.standardInput
        } else {
            guard let h = FileHandle(forReadingAtPath: path) else {
                throw InputErrors(InputIssue(file: path, problem: "the file cannot be opened", expected: "a readable CSV file"))
            }
            handle = h
        }
        guard let header = try readLine() else {
            throw InputErrors(InputIssue(file: path, line: 1, problem: "the file is empty", expected: "a header row with an analysis column"))
        }
        var h = header.text
        if h.starts(with: [0xEF, 0xBB, 0xBF]) { h.removeFirst(3) }
        headerLine = h
        let table = try CSVReader.parse(h + Data("\n".utf8), source: path)
        guard let column = table.columnIndex("analysis") else {
            throw InputErrors(InputIssue(file: path, line: 1, columnName: "analysis", problem: "required column is missing",
                                         expected: "a column named \"analysis\" holding each row's meta-analysis id"))
        }
        analysisColumn = column
    }

    /// The next block of complete analyses (nil at the end of the file).
    public mutating func nextBlock() throws -> [BatchAnalysis]? {
        var lines: [(line: Int, text: Data)] = carry
        var bytes = lines.reduce(0) { $0 + $1.text.count }
        carry = []
        while bytes < blockSize, let l = try readLine() {
            if l.text.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x2C }) { continue }
            lines.append(l)
            bytes += l.text.count
        }
        if lines.isEmpty { return nil }
        // Hold back the last analysis: its rows may continue in the next block.
        if !atEOF {
            let lastID = id(of: lines.last!.text)
            var cut = lines.count
            while cut > 0 && id(of: lines[cut - 1].text) == lastID { cut -= 1 }
            if cut == 0 {
                // One analysis larger than a block: keep reading it.
                carry = lines
                return try nextBlock()
            }
            carry = Array(lines[cut...])
            lines = Array(lines[..<cut])
        }
        // Parse the block with the header in front; map line numbers back to the file's.
        var text = headerLine + Data("\n".utf8)
        for l in lines { text += l.text + Data("\n".utf8) }
        let lineMap = [1] + lines.map(\.line)
        let table: CSVTable
        do {
            table = try CSVReader.parse(text, source: path)
        } catch let e as InputErrors {
            throw remap(e, lineMap)
        }
        var groups: [(String, [CSVRow])] = []
        for row in table.rows {
            let id = row.cells.count > analysisColumn ? row.cells[analysisColumn] : ""
            if id.isEmpty {
                throw InputErrors(InputIssue(file: path, line: lineMap[row.line - 1], column: analysisColumn + 1, columnName: "analysis",
                                             value: "", problem: "is empty", expected: "an analysis id"))
            }
            if groups.last?.0 != id {
                if seen.contains(id) {
                    throw InputErrors(InputIssue(file: path, line: lineMap[row.line - 1], column: analysisColumn + 1, columnName: "analysis",
                                                 value: id, problem: "appears again after other analyses",
                                                 expected: "the rows of each analysis together", hint: "sort the file by the analysis column"))
                }
                seen.insert(id)
                groups.append((id, []))
            }
            groups[groups.count - 1].1.append(row)
        }
        var out: [BatchAnalysis] = []
        for (id, rows) in groups {
            let sub = CSVTable(source: path, header: table.header, rows: rows.map { CSVRow(line: lineMap[$0.line - 1], cells: $0.cells) })
            out.append(BatchAnalysis(ordinal: ordinal, id: id, studies: try StudyTable.load(sub)))
            ordinal += 1
        }
        return out
    }

    private func id(of line: Data) -> String {
        // The analysis id is one cell; ids with commas must be quoted, which the full parser handles,
        // so a quote anywhere sends the line through it.
        if line.contains(0x22), let t = try? CSVReader.parse(headerLine + Data("\n".utf8) + line + Data("\n".utf8), source: path),
           let row = t.rows.first, row.cells.count > analysisColumn {
            return row.cells[analysisColumn]
        }
        let cells = line.split(separator: 0x2C, omittingEmptySubsequences: false)
        guard cells.count > analysisColumn else { return "" }
        return String(decoding: cells[analysisColumn], as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }

    private func remap(_ e: InputErrors, _ map: [Int]) -> InputErrors {
        InputErrors(e.issues.map { issue in
            var i = issue
            if let l = i.line, l >= 1, l <= map.count { i.line = map[l - 1] }
            return i
        })
    }

    /// The next physical line (without its line end) and its 1-based number; quoted line breaks are
    /// kept inside the line.
    private mutating func readLine() throws -> (line: Int, text: Data)? {
        var quoted = false
        var start = buffer.startIndex
        var i = start
        while true {
            while i < buffer.endIndex {
                let b = buffer[i]
                if b == 0x22 { quoted.toggle() }
                else if b == 0x0A && !quoted {
                    var end = i
                    if end > start && buffer[end - 1] == 0x0D { end -= 1 }
                    let text = buffer[start..<end]
                    let number = nextLine
                    nextLine += 1 + text.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
                    buffer = buffer[(i + 1)...]
                    return (number, Data(text))
                }
                i += 1
            }
            if atEOF {
                guard start < buffer.endIndex else { return nil }
                let text = buffer[start...]
                buffer = Data()
                let number = nextLine
                nextLine += 1
                var t = Data(text)
                if t.last == 0x0D { t.removeLast() }
                return (number, t)
            }
            let chunk = handle.readData(ofLength: 1 << 20)
            if chunk.isEmpty { atEOF = true }
            let offset = i - start
            buffer = Data(buffer[start...]) + chunk
            start = buffer.startIndex
            i = start + offset
        }
    }
}
