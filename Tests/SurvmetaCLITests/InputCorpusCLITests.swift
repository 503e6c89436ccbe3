import Foundation
import Testing
import TestSupport

/// Every malformed input gets exit code 1 and a message naming the file, the line, the column and
/// what was expected — never a crash, never a NaN.
///
/// Two corpora, one file per defect: the loader-level corpus of `OutcomeDataTests/Fixtures/malformed/`
/// (encoding, quoting, column counts, non-numeric cells…) run through `survmeta pool`, and the
/// study-level corpus here (`Fixtures/malformed-study/`: negative variances, swapped CIs, p outside
/// (0, 1], events > n, survival above 1 …) run through the command its manifest names.
struct InputCorpusCLITests {
    struct Case: CustomTestStringConvertible, Sendable {
        var folder: String
        var file: String
        var command: [String]
        var exitCode: Int32
        var fragment: String
        var line: Int?
        var column: Int?
        var testDescription: String { file }
    }

    static func cases(folder: URL, defaultCommand: [String]) -> [Case] {
        guard let t = try? FixtureTable(contentsOf: folder.appendingPathComponent("manifest.csv")) else { return [] }
        return (0..<t.rows.count).map { r in
            let rec = t.record(r)
            return Case(folder: folder.path, file: rec["file"]!,
                        command: rec["command"].map { $0.split(separator: " ").map(String.init) } ?? defaultCommand,
                        exitCode: Int32(rec["exit_code"]!)!, fragment: rec["message_fragment"]!,
                        line: t.double(r, "line").map { Int($0) }, column: t.double(r, "column").map { Int($0) })
        }
    }

    static let loaderCases = cases(folder: repositoryRoot().appendingPathComponent("Tests/OutcomeDataTests/Fixtures/malformed"), defaultCommand: ["pool"])
    static let studyCases = cases(folder: fixturesDirectory().appendingPathComponent("malformed-study"), defaultCommand: ["pool"])

    @Test func corpusHasAtLeastFiftyFiles() {
        #expect(Self.loaderCases.count + Self.studyCases.count >= 50)
        #expect(Self.studyCases.count >= 20)
    }

    @Test(arguments: loaderCases + studyCases)
    func malformedInputIsReported(_ c: Case) throws {
        let path = URL(fileURLWithPath: c.folder).appendingPathComponent(c.file).path
        let result = try runSurvmeta(c.command + [path, "--format", "json"])
        #expect(result.exitCode == c.exitCode, "\(c.file): exit \(result.exitCode), stderr \(result.stderr)")
        #expect(result.stdout.isEmpty, "\(c.file): nothing on stdout for a failed run")
        #expect(result.stderr.contains(c.fragment), "\(c.file): \(result.stderr)")
        if let line = c.line {
            let position = c.column.map { "\(c.file):\(line):\($0)" } ?? "\(c.file):\(line)"
            #expect(result.stderr.contains(position), "\(c.file): expected position \(position) in \(result.stderr)")
        }
        #expect(!result.stderr.contains("Fatal error") && !result.stderr.contains("Stack dump"))
    }
}
