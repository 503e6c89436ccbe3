import Foundation
import OutcomeData
import Testing

/// Properties that hold by construction, checked on seeded random input (`SplitMix64`, defined in
/// `CSVNumberTests.swift`).
@Suite("CSVReader: properties")
struct CSVPropertyTests {
    /// Physical lines of a byte string: 1 + line breaks, a CRLF counting once.
    static func physicalLines(_ bytes: [UInt8]) -> Int {
        var lines = 1
        for (i, b) in bytes.enumerated() {
            if b == 0x0A || (b == 0x0D && !(i + 1 < bytes.count && bytes[i + 1] == 0x0A)) { lines += 1 }
        }
        return lines
    }

    /// Pieces that random input is built from: CSV syntax, whitespace, numbers and words, multi-byte
    /// UTF-8, bytes that are not UTF-8, a BOM, and the slips the number reader diagnoses.
    static let pieces: [[UInt8]] = [
        ",", ",", ",", "\"", "\"", "\n", "\n", "\r\n", "\r", " ", "\t", "0", "1.5", "-2e3", "x", "NA", "study",
        "yi", "Müller", "−", "–", "·", "%", "\u{FEFF}", "\u{00A0}", "0x1", "inf", ";", "1,234", "\"\"", "e",
    ].map { Array($0.utf8) } + [[0xFF], [0xC3], [0xE2, 0x88], [0xED, 0xA0, 0x80], [0x80], [0xEF, 0xBB, 0xBF]]

    @Test("random input never crashes: a consistent table or InputErrors with in-range positions (3000 seeded inputs)")
    func randomInput() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<3000 {
            var bytes: [UInt8] = []
            for _ in 0..<Int(rng.next() % 60) { bytes += Self.pieces[Int(rng.next() % UInt64(Self.pieces.count))] }
            let lines = Self.physicalLines(bytes)
            do {
                let table = try CSVReader.parse(Data(bytes), source: "fuzz")
                #expect(!table.header.isEmpty)
                #expect(table.rows.allSatisfy { $0.cells.count == table.header.count })
                let rowLines = table.rows.map(\.line)
                #expect(rowLines == rowLines.sorted() && Set(rowLines).count == rowLines.count)
                #expect(rowLines.allSatisfy { $0 > table.headerLine && $0 <= lines })
                var issues: [InputIssue] = []
                for row in table.rows {
                    for name in table.header where !name.isEmpty {
                        if let x = table.number(row, name, issues: &issues, required: false) { #expect(x.isFinite) }
                    }
                }
                #expect(issues.allSatisfy { ($0.line ?? 1) <= lines && !$0.description.isEmpty })
            } catch let errors as InputErrors {
                #expect(!errors.issues.isEmpty)
                for issue in errors.issues {
                    #expect(issue.file == "fuzz")
                    #expect((1...lines).contains(issue.line ?? 1), "\(issue) in \(bytes)")
                    #expect((issue.column ?? 1) >= 1)
                }
            } catch {
                Issue.record("unexpected error type \(type(of: error)): \(error)")
            }
        }
    }

    /// The reference for the UTF-8 check: the standard library's decoder (`Unicode.UTF8.ForwardParser`),
    /// the offset of its first error being the summed length of the scalars decoded before it.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .error: return offset
            case .emptyInput: return nil
            }
        }
    }

    @Test("invalid UTF-8 is found at the byte offset the standard library's decoder finds (2000 seeded cells)")
    func utf8Offsets() throws {
        var rng = SplitMix64(seed: 99)
        let prefix = Array("h\n".utf8)
        for _ in 0..<2000 {
            // Letters and high bytes only: no delimiter, space, NUL or quote to interfere.
            let cell: [UInt8] = (0..<Int(rng.next() % 8) + 1).map { _ in
                rng.next() % 3 == 0 ? 0x61 : UInt8(0x80 + rng.next() % 0x80)
            }
            let reference = Self.firstInvalidUTF8(cell)
            do {
                let table = try CSVReader.parse(Data(prefix + cell), source: "u")
                #expect(reference == nil, "\(cell)")
                #expect(table.rows.first?.cells == [String(decoding: cell, as: UTF8.self)])
            } catch let errors as InputErrors {
                let offset = try #require(reference, "\(cell) is valid UTF-8 but was rejected")
                #expect(errors.issues.count == 1)
                #expect(errors.issues.first?.problem?.contains("at byte offset \(prefix.count + offset))") == true,
                        "\(cell): \(errors)")
            }
        }
    }

    /// A random cell: words, digits, and every character that needs quoting.
    static func randomCell(_ rng: inout SplitMix64) -> String {
        let alphabet: [String] = ["a", "B", "7", ".", "-", ",", "\"", " ", "\t", "\n", "\r\n", "\r", "é", "李", "−", "NA"]
        var cell = ""
        for _ in 0..<Int(rng.next() % 6) { cell += alphabet[Int(rng.next() % UInt64(alphabet.count))] }
        return cell
    }

    /// RFC 4180 writing: quote a cell holding a comma, quote or line break, or starting or ending with
    /// a space or tab (which the reader would trim); double the quotes inside.
    static func written(_ cell: String) -> String {
        let needsQuotes = cell.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }
            || cell.first == " " || cell.first == "\t" || cell.last == " " || cell.last == "\t"
        return needsQuotes ? "\"" + cell.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : cell
    }

    @Test("write then read gives back header, cells and physical line numbers (500 seeded tables)")
    func roundTrip() throws {
        var rng = SplitMix64(seed: 2024)
        for _ in 0..<500 {
            let width = Int(rng.next() % 4) + 1
            let header = (0..<width).map { "c\($0)" }
            let rows: [[String]] = (0..<Int(rng.next() % 6)).map { _ in
                // The first cell is never empty, so no row is all-empty (those are skipped as blank).
                ["r\(rng.next() % 100)" + Self.randomCell(&rng)] + (1..<width).map { _ in Self.randomCell(&rng) }
            }
            let newline = ["\n", "\r\n", "\r"][Int(rng.next() % 3)]
            var text = rng.next() % 2 == 0 ? "\u{FEFF}" : ""
            text += header.joined(separator: ",") + newline
            var expectedLines: [Int] = []
            for row in rows {
                expectedLines.append(Self.physicalLines(Array(text.utf8)))
                text += row.map(Self.written).joined(separator: ",") + newline
                if rng.next() % 4 == 0 { text += newline }  // a blank line
            }
            let table = try CSVReader.parse(Data(text.utf8), source: "rt")
            #expect(table.header == header)
            #expect(table.rows.map(\.cells) == rows, "\(text.debugDescription)")
            #expect(table.rows.map(\.line) == expectedLines)
        }
    }
}
