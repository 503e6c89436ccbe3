import Foundation
import OutcomeData
import TestSupport
import Testing

/// The malformed-input corpus (`Fixtures/malformed/`, one defect per file, described in its
/// `manifest.csv`). Each `stage = loader` file is run through the loader's generic pass, the one every
/// study-level command starts with: read, require `study,yi,vi`, read `yi` and `vi` as required
/// numbers. Exactly one issue must come out, on the manifest's line and column, and its message must
/// contain the manifest's fragment. Rows of other stages are checked through the CLI by its own tests.
@Suite("CSV malformed-input corpus")
struct CSVCorpusTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let file: String
        let exitCode: Int
        let fragment: String
        let line: Int?
        let column: Int?
        var testDescription: String { file }
    }

    static let directory = fixturesDirectory().appendingPathComponent("malformed")

    static let cases: [Case] = {
        guard let manifest = try? FixtureTable(contentsOf: directory.appendingPathComponent("manifest.csv")) else { return [] }
        return manifest.rows.indices.compactMap { r in
            let record = manifest.record(r)
            guard record["stage"] == "loader", let file = record["file"] else { return nil }
            return Case(file: file, exitCode: Int(record["exit_code"] ?? "") ?? -1,
                        fragment: record["message_fragment"] ?? "",
                        line: record["line"].flatMap { Int($0) }, column: record["column"].flatMap { Int($0) })
        }
    }()

    /// The generic pass: the issues a file produces, or nil when it loads cleanly.
    static func loaderIssues(_ path: String) -> [InputIssue]? {
        do {
            let table = try CSVReader.read(path: path)
            try table.require(["study", "yi", "vi"])
            var issues: [InputIssue] = []
            for row in table.rows {
                _ = table.number(row, "yi", issues: &issues)
                _ = table.number(row, "vi", issues: &issues, expected: "a number > 0")
            }
            return issues.isEmpty ? nil : issues
        } catch let errors as InputErrors {
            return errors.issues
        } catch {
            Issue.record("not an InputErrors: \(error)")
            return []
        }
    }

    @Test("the manifest lists at least 50 loader cases, each file present, every file listed")
    func manifestComplete() throws {
        #expect(Self.cases.count >= 50)
        let files = try FileManager.default.contentsOfDirectory(atPath: Self.directory.path)
            .filter { $0.hasSuffix(".csv") && $0 != "manifest.csv" }
        let listed = Set(try FixtureTable(contentsOf: Self.directory.appendingPathComponent("manifest.csv")).rows.map { $0[0] })
        #expect(Set(files) == listed)
        #expect(Set(Self.cases.map(\.file)).count == Self.cases.count)
    }

    @Test("each malformed file: one issue, at the stated line and column, with the stated message", arguments: cases)
    func malformed(_ c: Case) throws {
        #expect(c.exitCode == 1)  // bad input data (cli-contract.md)
        let path = Self.directory.appendingPathComponent(c.file).path
        let issues = try #require(Self.loaderIssues(path), "\(c.file) loaded without error")
        #expect(issues.count == 1, "\(issues.map(\.description))")
        let issue = try #require(issues.first)
        #expect(issue.file == path)
        #expect(issue.line == c.line)
        #expect(issue.column == c.column)
        #expect(issue.description.contains(c.fragment), "\(issue.description)")
    }

    @Test("the valid variants pass the same generic pass")
    func validPassGenericPass() throws {
        let directory = fixturesDirectory().appendingPathComponent("valid")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".csv") }
        #expect(files.count >= 15)
        for file in files {
            #expect(Self.loaderIssues(directory.appendingPathComponent(file).path) == nil, "\(file)")
        }
    }
}
