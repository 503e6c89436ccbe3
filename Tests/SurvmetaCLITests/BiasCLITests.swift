import Foundation
import Testing
import TestSupport

/// `survmeta bias`: the contract's `egger`, `begg`, `trimfill`, `fsn` objects against metafor 3.8-1
/// (`regtest.csv`, `ranktest.csv`, `trimfill.csv`, `fsn.csv`), the funnel CSV, and what happens with
/// too few studies.
struct BiasCLITests {
    @Test(arguments: ["hackshaw1998", "molloy2014"])
    func contractFieldsMatchMetafor(_ dataset: String) throws {
        let j = try SensitivityCLI.runJSON(["bias", SensitivityCLI.dataset(dataset)])
        let egger = try #require(j["egger"] as? [String: Any])
        let reg = try SensitivityCLI.fixture("regtest.csv")
        let r = try #require(SensitivityCLI.row(reg, ["dataset": dataset, "method": "REML", "model": "rma"]))
        #expect(isClose(SensitivityCLI.number(egger["stat"]), reg.double(r, "stat"), rel: 1e-6))
        #expect(isClose(SensitivityCLI.number(egger["p"]), reg.double(r, "p"), rel: 1e-6))
        #expect(isClose(SensitivityCLI.number(egger["limit_estimate"]), reg.double(r, "est"), rel: 1e-6))

        let begg = try #require(j["begg"] as? [String: Any])
        let rank = try SensitivityCLI.fixture("ranktest.csv")
        let rr = try #require(SensitivityCLI.row(rank, ["dataset": dataset]))
        #expect(isClose(SensitivityCLI.number(begg["tau"]), rank.double(rr, "tau"), rel: 1e-12))
        #expect(isClose(SensitivityCLI.number(begg["p"]), rank.double(rr, "p"), rel: 1e-9))

        let tf = try #require(j["trimfill"] as? [String: Any])
        let trim = try SensitivityCLI.fixture("trimfill.csv")
        let tr = try #require(SensitivityCLI.row(trim, ["dataset": dataset, "method": "REML", "estimator": "L0"]))
        #expect(SensitivityCLI.number(tf["k0"]) == trim.double(tr, "k0"))
        #expect(tf["side"] as? String == trim.record(tr)["side"])
        for field in ["estimate", "se", "ci_low", "ci_high"] {
            #expect(isClose(SensitivityCLI.number(tf[field]), trim.double(tr, field), rel: 1e-6), "trimfill \(field)")
        }

        let fsn = try #require(j["fsn"] as? [String: Any])
        let f = try SensitivityCLI.fixture("fsn.csv")
        let fr = try #require(SensitivityCLI.row(f, ["dataset": dataset, "type": "Rosenthal"]))
        #expect(SensitivityCLI.number(fsn["rosenthal"]) == f.double(fr, "fsnum"))
    }

    /// R0 with the side given.
    @Test func trimAndFillR0() throws {
        let j = try SensitivityCLI.runJSON(["bias", SensitivityCLI.dataset("pignon2000"), "--trimfill-estimator", "R0", "--only", "trimfill"])
        let tf = try #require(j["trimfill"] as? [String: Any])
        let trim = try SensitivityCLI.fixture("trimfill.csv")
        let tr = try #require(SensitivityCLI.row(trim, ["dataset": "pignon2000", "method": "REML", "estimator": "R0"]))
        #expect(SensitivityCLI.number(tf["k0"]) == trim.double(tr, "k0"))
        #expect(isClose(SensitivityCLI.number(tf["estimate"]), trim.double(tr, "estimate"), rel: 1e-6))
        #expect((tf["filled"] as? [[String: Any]])?.count == 2)
        #expect(j["egger"] is NSNull)
    }

    /// `--format csv` and `--funnel-csv` give the funnel coordinates: every study at (yi, sei) and the
    /// pseudo-confidence contour from se = 0.
    @Test func funnelCoordinates() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-bias-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("funnel.csv").path
        let r = try runSurvmeta(["bias", SensitivityCLI.dataset("bcg"), "--format", "csv", "--funnel-csv", file])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.first == "kind,study,yi,sei,ci_low,ci_high")
        #expect(lines.filter { $0.hasPrefix("study,") }.count == 13)
        #expect(lines.filter { $0.hasPrefix("filled,") }.count == 1, "bcg: trim-and-fill fills one study (metafor)")
        #expect(lines.contains { $0.hasPrefix("contour,,") && $0.split(separator: ",").count >= 5 })
        #expect(try String(contentsOfFile: file, encoding: .utf8) == r.stdout)
    }

    /// With k = 2 the regression tests cannot be fitted: reported as not computed (exit 0) while the
    /// others are given; asked for alone, it is an error (exit 1).
    @Test func tooFewStudies() throws {
        let two = SensitivityCLI.dataset("edge_k2")
        let j = try SensitivityCLI.runJSON(["bias", two])
        #expect(j["egger"] is NSNull)
        let failures = try #require(j["failures"] as? [[String: Any]])
        #expect(failures.contains { $0["method"] as? String == "egger" && ($0["message"] as? String)?.contains("at least 3 studies") == true })
        #expect(j["begg"] is [String: Any] && j["fsn"] is [String: Any])
        let alone = try runSurvmeta(["bias", two, "--only", "egger"])
        #expect(alone.exitCode == 1 && alone.stderr.contains("at least 3 studies"))
        let usage = try runSurvmeta(["bias", two, "--only", "funnel-magic"])
        #expect(usage.exitCode == 2)
    }

    @Test func everyFormatRenders() throws {
        for format in ["table", "md"] {
            let r = try runSurvmeta(["bias", SensitivityCLI.dataset("bcg"), "--format", format])
            #expect(r.exitCode == 0 && r.stdout.contains("Egger"), "\(format)")
        }
    }
}
