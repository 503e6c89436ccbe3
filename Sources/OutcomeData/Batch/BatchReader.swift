import Dispatch
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
/// with the number of analyses. Each analysis is parsed by the ordinary CSV parser and study loader
/// (the same column sets and checks as `pool`), with line numbers kept as in the file.
///
/// A block is cut into analyses at the byte level (the `analysis` cell of each line), then the
/// analyses are parsed and loaded in parallel (`nextBlock(workers:)`); the problems of a block are
/// reported as a whole-file read would: every CSV problem of the block, else the first misplaced or
/// empty analysis id, else the problems of the first analysis that does not load.
public struct BatchReader {
    public let path: String
    /// Approximate bytes per block.
    public let blockSize: Int
    private let handle: FileHandle
    /// Bytes read from the file and not yet cut into lines: `pending[pendingStart...]`.
    private var pending: [UInt8] = []
    private var pendingStart = 0
    private var nextLine = 1
    /// The file has no more bytes (some may still wait in `pending`).
    private var atEOF = false
    /// Every line has been read.
    private var exhausted: Bool { atEOF && pendingStart >= pending.count }
    /// The lines of the last analysis of the previous block (its rows may continue).
    private var carry = Lines()
    private var ordinal = 0
    private var seen = Set<String>()
    private var analysisColumn = 0
    /// The header, as a table without rows.
    private var header: CSVTable
    /// The study loader's view of the header, computed once.
    private var layout: StudyRowLoader.Layout

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
        header = CSVTable(source: path, header: [], rows: [])
        layout = StudyRowLoader.Layout(header: header, proportionMeasure: nil)
        var first = Lines()
        guard try readLine(into: &first, skippingBlank: false) else {
            throw InputErrors(InputIssue(file: path, line: 1, problem: "the file is empty", expected: "a header row with an analysis column"))
        }
        var h = Array(first.bytes[first.refs[0].start..<first.refs[0].end])
        if h.starts(with: [0xEF, 0xBB, 0xBF]) { h.removeFirst(3) }
        let table = try CSVReader.parse(Data(h + [0x0A]), source: path)
        guard let column = table.columnIndex("analysis") else {
            throw InputErrors(InputIssue(file: path, line: 1, columnName: "analysis", problem: "required column is missing",
                                         expected: "a column named \"analysis\" holding each row's meta-analysis id"))
        }
        analysisColumn = column
        header = CSVTable(source: self.path, header: table.header, rows: [], headerLine: 1)
        layout = StudyRowLoader.Layout(header: header, proportionMeasure: nil)
    }

    // MARK: Lines

    /// Lines of the file, each stored followed by a line feed, so the lines of one analysis are one
    /// contiguous CSV text.
    private struct Lines {
        struct Ref {
            /// 1-based line number in the file.
            var number: Int
            /// Byte range of the text (without line end) in `bytes`.
            var start: Int
            var end: Int
            /// Line feeds inside the line (quoted line breaks).
            var breaks: Int
        }
        var bytes: [UInt8] = []
        var refs: [Ref] = []
        var isEmpty: Bool { refs.isEmpty }
        var byteCount: Int { bytes.count }

        mutating func append(_ text: UnsafeBufferPointer<UInt8>, number: Int, breaks: Int) {
            let start = bytes.count
            bytes.append(contentsOf: text)
            refs.append(Ref(number: number, start: start, end: bytes.count, breaks: breaks))
            bytes.append(0x0A)
        }

        /// Lines `range` (indices into `refs`) as a new `Lines`.
        func slice(_ range: Range<Int>) -> Lines {
            var out = Lines()
            guard let first = range.first else { return out }
            let base = refs[first].start
            out.bytes = Array(bytes[base..<(refs[range.last!].end + 1)])
            out.refs = refs[range].map { Ref(number: $0.number, start: $0.start - base, end: $0.end - base, breaks: $0.breaks) }
            return out
        }
    }

    /// Reads the next physical line (quoted line breaks stay inside it) into `lines`; false at the end
    /// of the file. With `skippingBlank`, lines of only spaces, tabs, carriage returns and commas are
    /// counted but not kept.
    private mutating func readLine(into lines: inout Lines, skippingBlank: Bool) throws -> Bool {
        while true {
            var quoted = false
            var i = pendingStart
            while true {
                let found: Int? = pending.withUnsafeBufferPointer { b in
                    var j = i
                    while j < b.count {
                        let c = b[j]
                        if c == 0x22 { quoted.toggle() } else if c == 0x0A && !quoted { return j }
                        j += 1
                    }
                    i = j
                    return nil
                }
                if let lf = found {
                    var end = lf
                    if end > pendingStart && pending[end - 1] == 0x0D { end -= 1 }
                    let keep = take(pendingStart..<end, into: &lines, skippingBlank: skippingBlank, countBreaks: true)
                    pendingStart = lf + 1
                    if keep { return true }
                    break  // a blank line: read the next one
                }
                if atEOF {
                    guard pendingStart < pending.count else { return false }
                    var end = pending.count
                    if pending[end - 1] == 0x0D { end -= 1 }
                    let keep = take(pendingStart..<end, into: &lines, skippingBlank: skippingBlank, countBreaks: false)
                    pendingStart = pending.count
                    if keep { return true }
                    return false
                }
                let chunk = handle.readData(ofLength: 1 << 20)
                if chunk.isEmpty { atEOF = true }
                let offset = i - pendingStart
                pending.removeSubrange(0..<pendingStart)
                pending.append(contentsOf: chunk)
                pendingStart = 0
                i = offset
            }
        }
    }

    /// Numbers the line `range` of `pending` and keeps it in `lines` unless it is blank (and blank
    /// lines are skipped); returns whether it was kept. The last line of a file without a final line
    /// feed counts as one line (`countBreaks` false), as before.
    private mutating func take(_ range: Range<Int>, into lines: inout Lines, skippingBlank: Bool, countBreaks: Bool) -> Bool {
        pending.withUnsafeBufferPointer { b in
            let text = UnsafeBufferPointer(rebasing: b[range])
            var breaks = 0
            var blank = true
            for c in text {
                if c == 0x0A { breaks += 1 }
                if !(c == 0x20 || c == 0x09 || c == 0x0D || c == 0x2C) { blank = false }
            }
            let number = nextLine
            nextLine += 1 + (countBreaks ? breaks : 0)
            if skippingBlank && blank { return false }
            lines.append(text, number: number, breaks: breaks)
            return true
        }
    }

    // MARK: Analysis ids

    /// The analysis id of a line as bytes, or as text when the line has quotes (parsed in full).
    private enum IDKey {
        case bytes(Range<Int>)
        case text(String)
    }

    private func idKey(of ref: Lines.Ref, in lines: Lines) -> IDKey {
        lines.bytes.withUnsafeBufferPointer { b in
            var column = 0
            var s = ref.start
            var j = ref.start
            while j < ref.end {
                let c = b[j]
                if c == 0x22 { return .text(parsedID(UnsafeBufferPointer(rebasing: b[ref.start..<ref.end]))) }
                if c == 0x2C {
                    if column == analysisColumn { break }
                    column += 1
                    s = j + 1
                }
                j += 1
            }
            guard column == analysisColumn else { return .bytes(ref.start..<ref.start) }
            // Trim spaces and tabs, as the CSV parser does; a quote later in the line cannot change this cell.
            var e = j
            while s < e, b[s] == 0x20 || b[s] == 0x09 { s += 1 }
            while e > s, b[e - 1] == 0x20 || b[e - 1] == 0x09 { e -= 1 }
            return .bytes(s..<e)
        }
    }

    /// The analysis cell of a line with quotes, read by the CSV parser (empty when it does not parse).
    private func parsedID(_ line: UnsafeBufferPointer<UInt8>) -> String {
        var parser = CSVParser(bytes: line, source: path, header: header.header)
        guard let row = (try? parser.dataRows())?.first, row.cells.count > analysisColumn else { return "" }
        return row.cells[analysisColumn]
    }

    private func sameID(_ a: IDKey, _ b: IDKey, _ lines: Lines) -> Bool {
        switch (a, b) {
        case let (.bytes(x), .bytes(y)):
            if lines.bytes[x].elementsEqual(lines.bytes[y]) { return true }
            if lines.bytes[x].allSatisfy({ $0 < 0x80 }) && lines.bytes[y].allSatisfy({ $0 < 0x80 }) { return false }
            return text(a, lines) == text(b, lines)  // canonically equivalent spellings are one id
        default:
            return text(a, lines) == text(b, lines)
        }
    }

    private func text(_ key: IDKey, _ lines: Lines) -> String {
        switch key {
        case .bytes(let r): return String(decoding: lines.bytes[r], as: UTF8.self)
        case .text(let s): return s
        }
    }

    // MARK: Blocks

    /// The next block of whole analyses as lines, cut where the analysis id changes (nil at the end).
    private mutating func nextLines() throws -> (Lines, [Range<Int>])? {
        var lines = carry
        carry = Lines()
        while lines.byteCount < blockSize, try readLine(into: &lines, skippingBlank: true) {}
        if lines.isEmpty { return nil }
        var keys = lines.refs.map { idKey(of: $0, in: lines) }
        var groups: [Range<Int>] = []
        var start = 0
        for i in 1..<max(1, keys.count) where !sameID(keys[i], keys[i - 1], lines) {
            groups.append(start..<i)
            start = i
        }
        groups.append(start..<keys.count)
        // One analysis larger than a block: read on until its id changes.
        while groups.count == 1, try readLine(into: &lines, skippingBlank: true) {
            keys.append(idKey(of: lines.refs[lines.refs.count - 1], in: lines))
            let n = keys.count
            if !sameID(keys[n - 1], keys[n - 2], lines) {
                groups[0] = 0..<(n - 1)
                groups.append((n - 1)..<n)
            } else {
                groups[0] = 0..<n
            }
        }
        // Hold back the last analysis: its rows may continue in the next block.
        if groups.count > 1, !exhausted, let last = groups.last {
            carry = lines.slice(last)
            groups.removeLast()
        }
        return (lines, groups)
    }

    /// What parsing one group of lines gave: its CSV problems, or its rows cut where the parsed id
    /// changes, each run loaded (or its problems).
    private struct ParsedGroup {
        struct Run {
            var id: String
            var rows: [CSVRow]
            var studies: Result<StudyTable, Error>
        }
        var issues: [InputIssue] = []
        var runs: [Run] = []
    }

    private func parse(_ group: Range<Int>, of lines: Lines) -> ParsedGroup {
        var result = ParsedGroup()
        let first = lines.refs[group.lowerBound], last = lines.refs[group.upperBound - 1]
        // Physical lines of the group's text → lines of the file.
        var lineMap: [Int] = []
        lineMap.reserveCapacity(group.count)
        for ref in lines.refs[group] { for k in 0...ref.breaks { lineMap.append(ref.number + k) } }
        func fileLine(_ l: Int) -> Int { l >= 1 && l <= lineMap.count ? lineMap[l - 1] : l }
        let parsed: Result<[CSVRow], Error> = lines.bytes.withUnsafeBufferPointer { b in
            var parser = CSVParser(bytes: UnsafeBufferPointer(rebasing: b[first.start...last.end]), source: path, header: header.header)
            return Result { try parser.dataRows() }
        }
        let rows: [CSVRow]
        switch parsed {
        case .success(let r):
            rows = r
        case .failure(let e as InputErrors):
            result.issues = e.issues.map { issue in
                var i = issue
                if let l = i.line { i.line = fileLine(l) }
                return i
            }
            return result
        case .failure(let e):
            preconditionFailure("CSV parser threw \(e)")
        }
        var runStart = 0
        func close(_ end: Int) {
            guard end > runStart else { return }
            let runRows = rows[runStart..<end].map { CSVRow(line: fileLine($0.line), cells: $0.cells, cellLines: $0.cellLines?.map(fileLine)) }
            let id = runRows[0].cells.count > analysisColumn ? runRows[0].cells[analysisColumn] : ""
            result.runs.append(ParsedGroup.Run(id: id, rows: runRows, studies: Result { try load(runRows) }))
            runStart = end
        }
        for i in rows.indices where i > 0 {
            let a = rows[i - 1].cells, b = rows[i].cells
            let idA = a.count > analysisColumn ? a[analysisColumn] : "", idB = b.count > analysisColumn ? b[analysisColumn] : ""
            if idA != idB { close(i) }
        }
        close(rows.count)
        return result
    }

    private func load(_ rows: [CSVRow]) throws -> StudyTable {
        try StudyTable.load(header.replacingRows(rows), layout: layout, moderators: false)
    }

    /// The next block of complete analyses (nil at the end of the file), parsed and loaded on
    /// `workers` threads.
    public mutating func nextBlock(workers: Int = 1) throws -> [BatchAnalysis]? {
        guard let (lines, groups) = try nextLines() else { return nil }
        var parsed = [ParsedGroup](repeating: ParsedGroup(), count: groups.count)
        let chunk = max(1, groups.count / (max(1, workers) * 8))
        let chunks = (groups.count + chunk - 1) / chunk
        parsed.withUnsafeMutableBufferPointer { out in
            let out = out
            let reader = self
            DispatchQueue.concurrentPerform(iterations: chunks) { c in
                for g in (c * chunk)..<min(groups.count, (c + 1) * chunk) { out[g] = reader.parse(groups[g], of: lines) }
            }
        }
        // Every CSV problem of the block, as one read of the block would report them.
        let issues = parsed.flatMap(\.issues)
        if !issues.isEmpty { throw InputErrors(issues) }
        // Ids in file order: none empty, none seen before; runs cut apart by a group boundary rejoin.
        var runs: [ParsedGroup.Run] = []
        for run in parsed.lazy.flatMap(\.runs) {
            if run.id.isEmpty {
                throw InputErrors(InputIssue(file: path, line: run.rows[0].line, column: analysisColumn + 1, columnName: "analysis",
                                             value: "", problem: "is empty", expected: "an analysis id"))
            }
            if let previous = runs.last, previous.id == run.id {
                let rows = previous.rows + run.rows
                runs[runs.count - 1] = ParsedGroup.Run(id: previous.id, rows: rows, studies: Result { try load(rows) })
                continue
            }
            if seen.contains(run.id) {
                throw InputErrors(InputIssue(file: path, line: run.rows[0].line, column: analysisColumn + 1, columnName: "analysis",
                                             value: run.id, problem: "appears again after other analyses",
                                             expected: "the rows of each analysis together", hint: "sort the file by the analysis column"))
            }
            seen.insert(run.id)
            runs.append(run)
        }
        var out: [BatchAnalysis] = []
        out.reserveCapacity(runs.count)
        for run in runs {
            out.append(BatchAnalysis(ordinal: ordinal, id: run.id, studies: try run.studies.get()))
            ordinal += 1
        }
        return out
    }
}
