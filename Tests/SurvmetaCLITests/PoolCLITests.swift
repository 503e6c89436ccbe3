import Foundation
import Testing
import TestSupport

/// `survmeta pool` and `landmark` as a user's script sees them: the contract's JSON fields and
/// scales, exit codes, atomic `--output`, standard input.
struct PoolCLITests {
    static let metafor = repositoryRoot().appendingPathComponent("Tests/MetaAnalysisTests/Fixtures/metafor")

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// dat.bcg with REML and Knapp–Hartung: every contract field against `rma_uni.csv`
    /// (metafor 3.8-1, `pool_fixtures.R`).
    @Test func contractFieldsMatchMetafor() throws {
        let r = try runSurvmeta(["pool", Self.metafor.appendingPathComponent("datasets/bcg.csv").path,
                                 "--method", "REML", "--test", "knha", "--format", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let j = try Self.json(r.stdout)
        let t = try FixtureTable(contentsOf: Self.metafor.appendingPathComponent("rma_uni.csv"))
        let row = try #require((0..<t.rows.count).first {
            t.record($0)["dataset"] == "bcg" && t.record($0)["method"] == "REML" && t.record($0)["test"] == "knha" && t.double($0, "level") == 0.95
        })
        for field in ["estimate", "se", "stat", "p", "df", "ci_low", "ci_high", "pi_low", "pi_high", "tau2", "tau2_se", "i2", "h2", "q", "q_df", "q_p",
                      "tau2_ci_low", "tau2_ci_high", "i2_ci_low", "i2_ci_high", "h2_ci_low", "h2_ci_high"] {
            let ours = (j[field] as? NSNumber)?.doubleValue
            #expect(isClose(ours, t.double(row, field), rel: 1e-6), "\(field): \(String(describing: ours))")
        }
        #expect(j["k"] as? Int == 13 && j["method"] as? String == "REML" && j["test"] as? String == "knha" && j["measure"] as? String == "GEN")
        let conv = try #require(j["convergence"] as? [String: Any])
        #expect(conv["converged"] as? Bool == true)
        let studies = try #require(j["studies"] as? [[String: Any]])
        #expect(studies.count == 13 && studies.allSatisfy { $0["study"] is String && $0["weight"] is NSNumber })
        let weights = studies.compactMap { ($0["weight"] as? NSNumber)?.doubleValue }
        #expect(isClose(weights.reduce(0, +), 100, rel: 1e-12))
    }

    /// `--tau2-ci genq`: the Biggerstaff–Jackson interval of a DerSimonian–Laird pool equals metafor's
    /// confint(type = "GENQ") on the GENQ fit with weights 1/v (`genq.csv`, `genq_fixtures.R`); the
    /// default stays Q-profile and says so.
    @Test func generalizedQInterval() throws {
        let bcg = Self.metafor.appendingPathComponent("datasets/bcg.csv").path
        let r = try runSurvmeta(["pool", bcg, "--method", "DL", "--tau2-ci", "genq", "--format", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let j = try Self.json(r.stdout)
        let t = try FixtureTable(contentsOf: Self.metafor.appendingPathComponent("genq.csv"))
        let row = try #require((0..<t.rows.count).first {
            t.record($0)["dataset"] == "bcg" && t.record($0)["scheme"] == "inv_v" && t.record($0)["method"] == "GENQ" && t.double($0, "level") == 0.95
        })
        #expect(j["tau2_ci_method"] as? String == "genq")
        for field in ["tau2", "tau2_ci_low", "tau2_ci_high", "i2_ci_low", "i2_ci_high", "h2_ci_low", "h2_ci_high"] {
            let ours = (j[field] as? NSNumber)?.doubleValue
            #expect(isClose(ours, t.double(row, field), rel: 1e-8), "\(field): \(String(describing: ours))")
        }
        let table = try runSurvmeta(["pool", bcg, "--method", "DL", "--tau2-ci", "genq"])
        #expect(table.stdout.contains("generalized Q, Biggerstaff–Jackson"))
        let plain = try runSurvmeta(["pool", bcg, "--method", "DL", "--format", "json"])
        #expect(try Self.json(plain.stdout)["tau2_ci_method"] as? String == "qprofile")
        let bad = try runSurvmeta(["pool", bcg, "--tau2-ci", "exact"])
        #expect(bad.exitCode == 2)
    }

    @Test func hazardRatiosGetBackTransformedAndUndefinedIsNull() throws {
        let csv = "study,hr,ci_low,ci_high\nPROMID,0.34,0.20,0.59\nCLARINET,0.47,0.30,0.73\n"
        let r = try runSurvmeta(["pool", "-", "--method", "EE", "--format", "json"], stdin: csv)
        #expect(r.exitCode == 0, "\(r.stderr)")
        let j = try Self.json(r.stdout)
        #expect(j["measure"] as? String == "HR")
        #expect(j["pi_low"] is NSNull && j["tau2_se"] is NSNull && j["df"] is NSNull, "EE: no PI, no SE of τ², z test")
        let bt = try #require(j["back_transformed"] as? [String: Any])
        let est = try #require((j["estimate"] as? NSNumber)?.doubleValue)
        #expect(isClose((bt["estimate"] as? NSNumber)?.doubleValue, exp(est), rel: 1e-14))
        #expect(!r.stdout.contains("NaN") && !r.stdout.contains("inf"))
    }

    @Test func usageErrorsExitWithTwo() throws {
        let bcg = Self.metafor.appendingPathComponent("datasets/bcg.csv").path
        for args in [["pool", bcg, "--method", "XYZ"], ["pool", bcg, "--level", "1.5"], ["pool"], ["frobnicate"], ["pool", bcg, "--glmm"]] {
            let r = try runSurvmeta(args)
            #expect(r.exitCode == 2, "\(args): exit \(r.exitCode) \(r.stderr)")
        }
    }

    @Test func missingFileIsAnInputError() throws {
        let r = try runSurvmeta(["pool", "/nonexistent/studies.csv"])
        #expect(r.exitCode == 1 && r.stderr.contains("/nonexistent/studies.csv"))
    }

    @Test func outputIsWrittenAtomicallyAndAFailedRunLeavesTheOldFile() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-atomic-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("pooled.json").path
        let good = Self.metafor.appendingPathComponent("datasets/bcg.csv").path
        #expect(try runSurvmeta(["pool", good, "--format", "json", "--output", out]).exitCode == 0)
        let before = try String(contentsOfFile: out, encoding: .utf8)
        #expect(try Self.json(before)["k"] as? Int == 13)
        let bad = dir.appendingPathComponent("bad.csv")
        try "study,yi,vi\nA,0.1,-1\n".write(to: bad, atomically: true, encoding: .utf8)
        #expect(try runSurvmeta(["pool", bad.path, "--format", "json", "--output", out]).exitCode == 1)
        #expect(try String(contentsOfFile: out, encoding: .utf8) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func landmarkReportsSurvivalScaleAndSources() throws {
        let lung = repositoryRoot().appendingPathComponent("Tests/MetaAnalysisTests/Fixtures/landmark/lung_ci.csv").path
        let r = try runSurvmeta(["landmark", lung, "--transform", "cloglog", "--format", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let j = try Self.json(r.stdout)
        #expect(j["measure"] as? String == "cloglog")
        let bt = try #require(j["back_transformed"] as? [String: Any])
        let lo = try #require((bt["ci_low"] as? NSNumber)?.doubleValue), hi = try #require((bt["ci_high"] as? NSNumber)?.doubleValue)
        let est = try #require((bt["estimate"] as? NSNumber)?.doubleValue)
        #expect(0 < lo && lo < est && est < hi && hi < 1, "survival-scale CI in increasing order")
        let studies = try #require(j["studies"] as? [[String: Any]])
        #expect(studies.allSatisfy { $0["variance_source"] as? String == "ci" })
    }

    @Test func helpAndVersion() throws {
        let v = try runSurvmeta(["--version"])
        #expect(v.exitCode == 0 && !v.stdout.isEmpty)
        let h = try runSurvmeta(["pool", "--help"])
        #expect(h.exitCode == 0 && h.stdout.contains("--method") && h.stdout.contains("Example"))
    }
}
