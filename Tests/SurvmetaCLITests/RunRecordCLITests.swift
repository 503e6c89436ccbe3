import Foundation
import Testing
import TestSupport

/// The run record: `--record FILE` and `record` inside JSON output hold the version, the exact
/// command line, input SHA-256s, every option resolved, the seed and the time; rerunning the
/// recorded command on the same inputs gives the same output bytes.
struct RunRecordCLITests {
    @Test func recordedCommandReproducesItsOutputByteForByte() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-record-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("ssa.csv")
        try "study,hr,ci_low,ci_high\nPROMID,0.34,0.20,0.59\nCLARINET,0.47,0.30,0.73\n".write(to: input, atomically: true, encoding: .utf8)
        let env = ["SOURCE_DATE_EPOCH": "1700000000"]
        let out1 = dir.appendingPathComponent("a.json").path, svg1 = dir.appendingPathComponent("a.svg").path
        let rec = dir.appendingPathComponent("record.json").path
        let first = try runSurvmeta(["pool", input.path, "--method", "DL", "--format", "json", "--output", out1, "--svg", svg1, "--record", rec],
                                    in: dir, environment: env)
        #expect(first.exitCode == 0, "\(first.stderr)")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: rec))) as? [String: Any])
        #expect(record["version"] as? String != nil && record["time"] as? String == "2023-11-14T22:13:20Z")
        let inputs = try #require(record["inputs"] as? [[String: Any]])
        #expect(inputs.count == 1 && (inputs[0]["sha256"] as? String)?.count == 64)
        let options = try #require(record["options"] as? [String: String])
        #expect(options["method"] == "DL" && options["test"] == "z" && options["level"] == "0.95", "defaults resolved")
        // Rerun the recorded command line, writing elsewhere.
        var args = try #require(record["command_line"] as? [String]).dropFirst().map { $0 }
        let out2 = dir.appendingPathComponent("b.json").path, svg2 = dir.appendingPathComponent("b.svg").path
        args = args.map { $0 == out1 ? out2 : ($0 == svg1 ? svg2 : ($0 == rec ? dir.appendingPathComponent("record2.json").path : $0)) }
        let second = try runSurvmeta(args, in: dir, environment: env)
        #expect(second.exitCode == 0)
        #expect(try Data(contentsOf: URL(fileURLWithPath: svg1)) == Data(contentsOf: URL(fileURLWithPath: svg2)))
        let a = try String(contentsOfFile: out1, encoding: .utf8), b = try String(contentsOfFile: out2, encoding: .utf8)
        // The JSON differs only in the output paths named in its own record.
        #expect(a.replacingOccurrences(of: out1, with: "OUT").replacingOccurrences(of: svg1, with: "SVG").replacingOccurrences(of: rec, with: "REC")
                == b.replacingOccurrences(of: out2, with: "OUT").replacingOccurrences(of: svg2, with: "SVG").replacingOccurrences(of: dir.appendingPathComponent("record2.json").path, with: "REC"))
    }

    @Test func everyJSONOutputCarriesItsRecord() throws {
        let csv = "study,yi,vi\na,0.1,0.04\nb,0.3,0.02\nc,-0.1,0.05\n"
        let r = try runSurvmeta(["pool", "-", "--format", "json"], stdin: csv)
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let record = try #require(j["record"] as? [String: Any])
        #expect((record["inputs"] as? [[String: Any]])?.first?["path"] as? String == "<stdin>")
        #expect((record["command_line"] as? [String])?.prefix(2) == ["survmeta", "pool"])
    }
}
