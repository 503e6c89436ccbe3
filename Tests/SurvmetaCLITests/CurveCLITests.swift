import Foundation
import Testing
import TestSupport

/// `survmeta curve`: in `--compat risca` mode the pooled curve and its Greenwood band equal
/// RISCA 1.0.7's `survival.summary` on its hepatology example (../shared/data/summary-curves,
/// expected_hepatology.json) to 1e-6; the CSV is plot-ready; the SVG is valid and renders.
struct CurveCLITests {
    static let folder = sharedDirectory().appendingPathComponent("data/summary-curves")

    @Test(arguments: ["random", "fixed"])
    func riscaCompatibilityMatchesRISCA(model: String) throws {
        let r = try runSurvmeta(["curve", Self.folder.appendingPathComponent("hepatology.csv").path, "--compat", "risca", "--model", model, "--format", "csv"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent("expected_hepatology.json"))) as? [String: Any])
        let block = try #require(expected[model] as? [String: Any])
        let surv = try #require(block["surv"] as? [Double])
        let band = try #require(block["ci_greenwood"] as? [String: Any])
        let lower = try #require(band["lower"] as? [Any]), upper = try #require(band["upper"] as? [Any])
        let lines = r.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        #expect(lines.count == surv.count)
        for (i, cells) in lines.enumerated() where i < surv.count {
            #expect(isClose(Double(cells[1]), surv[i], rel: 1e-6), "\(model) surv[\(i)]")
            if let lo = lower[i] as? Double { #expect(isClose(Double(cells[2]), lo, rel: 1e-6, abs: 1e-12), "\(model) lower[\(i)]") }
            if let hi = upper[i] as? Double { #expect(isClose(Double(cells[3]), hi, rel: 1e-6, abs: 1e-12), "\(model) upper[\(i)]") }
        }
    }

    @Test func defaultModeWritesJSONAndAValidPlot() throws {
        let svg = FileManager.default.temporaryDirectory.appendingPathComponent("curve-\(UUID().uuidString).svg").path
        defer { try? FileManager.default.removeItem(atPath: svg) }
        let r = try runSurvmeta(["curve", Self.folder.appendingPathComponent("hepatology.csv").path, "--format", "json", "--svg", svg])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for field in ["model", "rows", "median", "rmst", "rmst_tau", "q", "h2", "i2", "record"] { #expect(j[field] != nil, "\(field)") }
        let text = try String(contentsOfFile: svg, encoding: .utf8)
        let xml = XMLInspection(text)
        #expect(xml.isWellFormed && xml.count("path", class: "pooled-curve") == 1 && xml.count("path", class: "study-curve") == 27)
        if let bytes = try renderSVGToPNG(text) { #expect(bytes > 1000) } else { Issue.record("rsvg-convert missing") }
    }

    /// Between-strata test (`--strata location`, RISCA's survival.summary.strata example): the default
    /// mode uses the unrounded Q_between of expected_hepatology.json (165.27550244331098), RISCA mode
    /// RISCA's Q from two-decimal rounded components (165.28).
    @Test func strataTest() throws {
        let data = Self.folder.appendingPathComponent("hepatology.csv").path
        let expected = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: Self.folder.appendingPathComponent("expected_hepatology.json"))) as? [String: Any])
        let full = try #require((expected["strata"] as? [String: Any])?["full_precision"] as? [String: Any])
        let qRef = try #require(full["Q_between"] as? Double)
        let r = try runSurvmeta(["curve", data, "--strata", "location", "--format", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let fixed = try #require(j["fixed_effect_test"] as? [String: Any] ?? j["fixedEffectTest"] as? [String: Any])
        let q = try #require(((fixed["q_between"] ?? fixed["qBetween"]) as? NSNumber)?.doubleValue)
        #expect(isClose(q, qRef, rel: 1e-9))
        let risca = try runSurvmeta(["curve", data, "--strata", "location", "--compat", "risca"])
        #expect(risca.stdout.contains("Q = 165.280"))
        #expect(try runSurvmeta(["curve", data, "--strata", "nowhere"]).exitCode == 1)
    }

    @Test func increasingCurveIsAnInputError() throws {
        let csv = "study,time,surv,n\na,1,0.9,50\na,2,0.95,45\nb,1,0.8,40\nb,2,0.7,35\n"
        let r = try runSurvmeta(["curve", "-"], stdin: csv)
        #expect(r.exitCode == 1, "\(r.stderr)")
        #expect(r.stderr.contains("line 3") || r.stderr.contains(":3"), "\(r.stderr)")
    }
}
