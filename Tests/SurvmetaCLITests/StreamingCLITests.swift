import Foundation
import Testing
import TestSupport
import StatNumerics

/// `pool` and `batch` stream their output: a large file gives complete, parseable output, identical
/// on standard output and in an `--output` file (written through a temporary file and a rename).
struct StreamingCLITests {
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-stream-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// 20,000 studies (several chunks of output): every format is the same on stdout and in a file;
    /// the JSON has every study, its weights add up to 100 % and the run record comes last.
    @Test func largePoolStreamsEveryFormat() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var g = SeededGenerator(seed: 3)
        var text = "study,yi,vi\n"
        for i in 0..<20_000 { text += "S\(i),\(-0.2 + 0.3 * g.nextNormal()),\(0.01 + g.nextUniform())\n" }
        let input = dir.appendingPathComponent("large.csv")
        try text.write(to: input, atomically: true, encoding: .utf8)
        let env = ["SOURCE_DATE_EPOCH": "0"]
        for format in ["json", "table", "csv", "md"] {
            let out = dir.appendingPathComponent("out.\(format)").path
            let toStdout = try runSurvmeta(["pool", input.path, "--format", format], environment: env)
            let toFile = try runSurvmeta(["pool", input.path, "--format", format, "--output", out], environment: env)
            #expect(toStdout.exitCode == 0 && toFile.exitCode == 0, "\(toStdout.stderr)\(toFile.stderr)")
            #expect(toFile.stdout.isEmpty)
            // The recorded command line differs by the --output option only.
            let fileText = try String(contentsOfFile: out, encoding: .utf8)
            if format == "json" {
                let j = try #require(try JSONSerialization.jsonObject(with: Data(toStdout.stdout.utf8)) as? [String: Any])
                let studies = try #require(j["studies"] as? [[String: Any]])
                #expect(j["k"] as? Int == 20_000 && studies.count == 20_000 && studies.last?["study"] as? String == "S19999")
                let weights = studies.compactMap { ($0["weight"] as? NSNumber)?.doubleValue }
                #expect(isClose(weights.reduce(0, +), 100, rel: 1e-9))
                #expect(toStdout.stdout.hasSuffix("\n}\n") && (j["record"] as? [String: Any])?["tool"] as? String == "survmeta")
                let k = try #require(try JSONSerialization.jsonObject(with: Data(fileText.utf8)) as? [String: Any])
                #expect((k["studies"] as? [[String: Any]])?.count == 20_000)
            } else {
                #expect(fileText == toStdout.stdout)
                #expect(toStdout.stdout.split(separator: "\n").count > 20_000)
            }
        }
        // A failed run (bad input) leaves no file and no temporary file behind.
        let missing = dir.appendingPathComponent("never.json").path
        #expect(try runSurvmeta(["pool", "-", "--format", "json", "--output", missing], stdin: "study,yi,vi\nA,0.1,0\n").exitCode == 1)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(!names.contains("never.json") && !names.contains { $0.hasSuffix(".tmp") })
    }

    /// An analysis larger than a block is read whole (reading goes on until its id changes), and a
    /// quoted line break inside a cell keeps the file's line numbers in messages.
    @Test func batchAnalysisLargerThanABlockAndQuotedLineBreaks() throws {
        var text = "analysis,study,yi,vi\n"
        for s in 0..<120 { text += "BIG,S\(s),\(Double(s % 7) / 10 - 0.3),\(0.02 + Double(s % 5) / 100)\n" }
        text += "SMALL,a,0.1,0.04\nSMALL,b,0.3,0.05\n"
        let small = try runSurvmeta(["batch", "-", "--block-size", "1024"], stdin: text)
        let large = try runSurvmeta(["batch", "-"], stdin: text)
        #expect(small.exitCode == 0, "\(small.stderr)")
        #expect(small.stdout == large.stdout)
        #expect(large.stdout.split(separator: "\n").map { $0.split(separator: ",").prefix(2).joined(separator: ",") } == ["analysis,k", "BIG,120", "SMALL,2"])

        let quoted = "analysis,study,yi,vi\nA,\"s\n1\",0.1,0.04\nA,s2,0.12,0.05\nB,s1,-2,0.01\nB,\"s\n3\",0,-0.01\n"
        let r = try runSurvmeta(["batch", "-"], stdin: quoted)
        #expect(r.exitCode == 1 && r.stdout.isEmpty && r.stderr.contains("<stdin>:7:4"), "\(r.stderr)")
    }

    /// `batch --output`: the file appears only when the batch is complete; bad input leaves nothing.
    @Test func batchOutputFileIsAtomic() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("rows.csv").path
        let good = "analysis,study,yi,vi\nA,s1,0.1,0.04\nA,s2,0.3,0.05\n"
        let r = try runSurvmeta(["batch", "-", "--format", "json", "--output", out], stdin: good)
        #expect(r.exitCode == 0 && r.stdout.isEmpty)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: out))) as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["analysis"] as? String == "A" && rows[0]["k"] as? Int == 2)
        let before = try String(contentsOfFile: out, encoding: .utf8)
        #expect(try runSurvmeta(["batch", "-", "--output", out], stdin: good + "B,s1,0.1,-1\n").exitCode == 1)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["rows.csv"])
    }
}
