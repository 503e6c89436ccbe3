import Foundation
import Testing
import TestSupport

/// `survmeta median` and `survmeta pool --glmm` against R, through the command line.
struct MedianGLMMCLITests {
    static func json(_ r: ProcessResult) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    /// Median survival of the survival::lung institutions (survfit log CIs) pooled on log days:
    /// metafor 3.8-1 fed the same yi, vi (`Fixtures/median/median_metafor.R`).
    @Test(arguments: ["REML", "DL"])
    func medianMatchesMetafor(method: String) throws {
        let folder = fixturesDirectory().appendingPathComponent("median")
        let r = try runSurvmeta(["median", folder.appendingPathComponent("lung_medians.csv").path, "--method", method, "--format", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let j = try Self.json(r)
        let t = try FixtureTable(contentsOf: folder.appendingPathComponent("median_expected.csv"))
        let row = try #require((0..<t.rows.count).first { t.record($0)["method"] == method })
        #expect(j["measure"] as? String == "log_median" && j["k"] as? Int == 3)
        for field in ["estimate", "se", "ci_low", "ci_high", "tau2"] {
            #expect(isClose((j[field] as? NSNumber)?.doubleValue, t.double(row, field), rel: 1e-6, abs: 1e-10), "\(field)")
        }
        let bt = try #require(j["back_transformed"] as? [String: Any])
        #expect(isClose((bt["estimate"] as? NSNumber)?.doubleValue, t.double(row, "bt_estimate"), rel: 1e-6))
        #expect(isClose((bt["ci_high"] as? NSNumber)?.doubleValue, t.double(row, "bt_ci_high"), rel: 1e-6))
    }

    /// The binomial–normal GLMM on dat.pritz1997 (two 100% studies) against rma.glmm(measure = "PLO")
    /// with lme4's tight optimizer (`MetaAnalysisTests/Fixtures/metafor/glmm.csv`); tolerances as in
    /// `ProportionGoldenTests` (lme4's optimum and Hessian are themselves ~1e-6 accurate).
    @Test func glmmMatchesRmaGlmm() throws {
        let metafor = repositoryRoot().appendingPathComponent("Tests/MetaAnalysisTests/Fixtures/metafor")
        let r = try runSurvmeta(["pool", metafor.appendingPathComponent("datasets/prop_pritz1997.csv").path, "--measure", "PLO", "--glmm", "--format", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let j = try Self.json(r)
        let t = try FixtureTable(contentsOf: metafor.appendingPathComponent("glmm.csv"))
        let row = try #require((0..<t.rows.count).first { t.record($0)["dataset"] == "prop_pritz1997" && t.record($0)["variant"] == "tight" })
        #expect(isClose((j["estimate"] as? NSNumber)?.doubleValue, t.double(row, "estimate"), rel: 1e-5))
        #expect(isClose((j["tau2"] as? NSNumber)?.doubleValue, t.double(row, "tau2"), rel: 1e-4))
        #expect(isClose((j["se"] as? NSNumber)?.doubleValue, t.double(row, "se"), rel: 1e-4))
        #expect(isClose((j["q"] as? NSNumber)?.doubleValue, t.double(row, "q_wald"), rel: 1e-6))
        #expect(isClose((j["q_lrt"] as? NSNumber)?.doubleValue, t.double(row, "q_lrt"), rel: 1e-8))
        #expect(j["pi_low"] is NSNull && j["method"] as? String == "ML")
    }
}
