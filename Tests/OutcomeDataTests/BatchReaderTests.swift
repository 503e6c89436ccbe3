import Foundation
import MetaAnalysis
import StatNumerics
import TestSupport
import Testing
import OutcomeData

/// `BatchReader` cuts a long-format file into analyses the same way whatever the block size and the
/// number of threads: each analysis equals `StudyTable.load` of its own rows, ids in file order.
struct BatchReaderTests {
    static func write(_ text: String) throws -> (URL, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("batchreader-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent("batch.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return (dir, path)
    }

    static func readAll(_ path: String, blockSize: Int, workers: Int) throws -> [(Int, String, [StudyEffect])] {
        var reader = try BatchReader(path: path, blockSize: blockSize)
        var out: [(Int, String, [StudyEffect])] = []
        while let block = try reader.nextBlock(workers: workers) { out += block.map { ($0.ordinal, $0.id, $0.studies.effects) } }
        return out
    }

    /// 400 analyses of 1–40 studies (some larger than the smallest block), quoted ids with commas,
    /// blank and comma-only lines, CRLF line ends and no final line feed.
    static func simulated() -> (String, [(String, [StudyEffect])]) {
        var g = SeededGenerator(seed: 99)
        var text = "\u{FEFF}analysis,study,yi,vi\r\n"
        var expected: [(String, [StudyEffect])] = []
        for a in 0..<400 {
            let id = a % 5 == 0 ? "A \(a), quoted" : "A\(a)"
            let k = a % 50 == 7 ? 40 : 1 + Int(g.next() % 12)
            var effects: [StudyEffect] = []
            for s in 0..<k {
                let e = StudyEffect(label: "S\(s)", yi: g.nextNormal(), vi: 0.01 + g.nextUniform())
                effects.append(e)
                text += (a % 5 == 0 ? "\"\(id)\"" : id) + ",S\(s),\(String(format: "%.17g", e.yi)),\(String(format: "%.17g", e.vi))\r\n"
                if g.next() % 40 == 0 { text += g.next() % 2 == 0 ? "\r\n" : " ,,\r\n" }
            }
            expected.append((id, effects))
        }
        text.removeLast(2)
        return (text, expected)
    }

    @Test(arguments: [(1024, 1), (1024, 2), (4096, 3), (1 << 22, 2)])
    func analysesAreTheSameForEveryBlockSizeAndThreadCount(blockSize: Int, workers: Int) throws {
        let (text, expected) = Self.simulated()
        let (dir, path) = try Self.write(text)
        defer { try? FileManager.default.removeItem(at: dir) }
        let read = try Self.readAll(path, blockSize: blockSize, workers: workers)
        #expect(read.map(\.0) == Array(0..<400))
        #expect(read.map(\.1) == expected.map(\.0))
        #expect(read.map(\.2) == expected.map(\.1))
    }

    /// A quoted line break inside a cell keeps the line numbers of the file in messages; a lone CR
    /// (a record separator to the CSV reader) inside a line splits it into two rows.
    @Test func quotedLineBreaksAndLoneCarriageReturns() throws {
        let (dir, path) = try Self.write("analysis,study,yi,vi\nA,\"s\n1\",0.1,0.04\nA,s2,0.12,0.05\nB,s1,-2,0.01\nB,\"s\n3\",0,-0.01\n")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: InputErrors.self) { try Self.readAll(path, blockSize: 1024, workers: 1) }
        do {
            _ = try Self.readAll(path, blockSize: 1024, workers: 1)
        } catch let e as InputErrors {
            #expect(e.issues.count == 1 && e.issues[0].line == 7 && e.issues[0].column == 4, "\(e)")
        }
        try "analysis,study,yi,vi\nA,s1,0.1,0.04\nA,s2,0.12,0.05\rB,s1,-2,0.01\nB,s2,2,0.01\n".write(toFile: path, atomically: true, encoding: .utf8)
        let read = try Self.readAll(path, blockSize: 1024, workers: 2)
        #expect(read.map(\.1) == ["A", "B"] && read.map(\.2.count) == [2, 2])
    }
}
