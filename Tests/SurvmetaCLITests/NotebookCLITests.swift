import Foundation
import Testing
import TestSupport

/// The notebooks (`Notebooks/NN-*.sh`) run with the built binary, and their key numbers equal the
/// metafor reproduction of the same rows (`Fixtures/report/report_expected.csv`, report_metafor.R).
struct NotebookCLITests {
    static let notebooks = (try? FileManager.default.contentsOfDirectory(atPath: repositoryRoot().appendingPathComponent("Notebooks").path))?
        .filter { $0.first?.isNumber == true && $0.hasSuffix(".sh") }.sorted() ?? []

    static func runNotebook(_ name: String, results: URL) throws -> (Int32, String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = [repositoryRoot().appendingPathComponent("Notebooks/\(name)").path]
        p.environment = ProcessInfo.processInfo.environment.merging(["SURVMETA": survmetaExecutable().path, "RESULTS": results.path]) { _, n in n }
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        return (p.terminationStatus, text)
    }

    @Test func thereAreSixNotebooks() { #expect(Self.notebooks.count >= 6) }

    @Test(arguments: notebooks)
    func notebookRunsAndItsKeyNumbersMatchMetafor(_ name: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-nb-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        let (status, log) = try Self.runNotebook(name, results: dir)
        #expect(status == 0, "\(name):\n\(log)")
        let expected = try FixtureTable(contentsOf: fixturesDirectory().appendingPathComponent("report/report_expected.csv"))
        let checks: [String: (String, String)] = [
            "01-resection.sh": ("01-resection/os5_cloglog.json", "resection-os-5y"),
            "02-transplant.sh": ("02-transplant/os5.json", "transplant-os-5y"),
            "03-intra-arterial.sh": ("03-intra-arterial/os5.json", "intra-arterial-os-5y"),
            "04-ssa-vs-placebo.sh": ("04-ssa-vs-placebo/pfs_ttp.json", "ssa-vs-placebo-pfs-ttp-hr"),
        ]
        guard let (file, slug) = checks[name] else { return }
        let j = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent(file))) as? [String: Any])
        let row = try #require((0..<expected.rows.count).first { expected.record($0)["slug"] == slug })
        for field in ["estimate", "se", "ci_low", "ci_high"] {
            #expect(isClose((j[field] as? NSNumber)?.doubleValue, expected.double(row, field), rel: 1e-6), "\(name) \(field)")
        }
    }
}
