import Foundation
import Testing
import TestSupport

/// `survmeta sensitivity`: every cell equals the `pool` (or `landmark`) run with the same options on
/// the same studies; the verdict line counts the cells; the specification curve is valid SVG.
struct SensitivityGridCLITests {
    static let bcg = repositoryRoot().appendingPathComponent("Tests/MetaAnalysisTests/Fixtures/metafor/datasets/bcg.csv").path

    static func cells(_ stdout: String) throws -> [[String: Any]] {
        let j = try #require(try JSONSerialization.jsonObject(with: Data(stdout.utf8)) as? [String: Any])
        return try #require(j["cells"] as? [[String: Any]])
    }

    @Test func cellsEqualIndividualPoolRuns() throws {
        let grid = try runSurvmeta(["sensitivity", Self.bcg, "--format", "json"])
        #expect(grid.exitCode == 0, "\(grid.stderr)")
        let cells = try Self.cells(grid.stdout)
        #expect(cells.count == 12 * 3 * (1 + 13), "12 estimators × 3 tests × (full + 13 leave-one-out)")
        let lines = try String(contentsOfFile: Self.bcg, encoding: .utf8).split(separator: "\n").map(String.init)
        for (method, test, leftOut) in [("REML", "knha", ""), ("DL", "z", "Aronson 1948"), ("PMM", "adhoc", "TPT Madras 1980"), ("EE", "z", "")] {
            let cell = try #require(cells.first { $0["method"] as? String == method && $0["test"] as? String == test && ($0["left_out"] as? String ?? "") == leftOut })
            let rows = [lines[0]] + lines.dropFirst().filter { leftOut.isEmpty || !$0.hasPrefix(leftOut + ",") }
            let pool = try runSurvmeta(["pool", "-", "--method", method, "--test", test, "--format", "json"], stdin: rows.joined(separator: "\n") + "\n")
            let p = try #require(try JSONSerialization.jsonObject(with: Data(pool.stdout.utf8)) as? [String: Any])
            for field in ["estimate", "se", "ci_low", "ci_high", "tau2", "i2"] {
                #expect(isClose((cell[field] as? NSNumber)?.doubleValue, (p[field] as? NSNumber)?.doubleValue, rel: 1e-12, abs: 1e-15), "\(method) \(test) \(leftOut) \(field)")
            }
        }
        let j = try #require(try JSONSerialization.jsonObject(with: Data(grid.stdout.utf8)) as? [String: Any])
        let excluding = cells.filter { $0["excludes_null"] as? String == "true" }.count
        #expect(j["excluding_null"] as? Int == excluding)
        #expect((j["conclusion"] as? String)?.contains("\(excluding) of \(cells.count)") == true)
    }

    @Test func landmarkDataAddsEveryTransform() throws {
        let lung = repositoryRoot().appendingPathComponent("Tests/MetaAnalysisTests/Fixtures/landmark/net_os5.csv").path
        let r = try runSurvmeta(["sensitivity", lung, "--format", "json", "--no-leave-one-out"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let scales = Set(try Self.cells(r.stdout).compactMap { $0["scale"] as? String })
        #expect(scales == ["cloglog", "logit", "arcsine", "ft", "log", "raw"])
    }

    @Test func specificationCurveIsValidSVG() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-spec-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let svg = dir.appendingPathComponent("spec.svg").path
        #expect(try runSurvmeta(["sensitivity", Self.bcg, "--svg", svg, "--format", "csv"]).exitCode == 0)
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        let xml = XMLInspection(text)
        #expect(xml.isWellFormed)
        #expect(xml.count("g", class: "specification") == 504)
        #expect(xml.count("line", class: "reference") == 1)
        if let bytes = try renderSVGToPNG(text) { #expect(bytes > 1000) } else { Issue.record("rsvg-convert missing") }
    }
}
