import Foundation
import Testing
import TestSupport

/// `survmeta subgroup`: the contract's fields against metafor 3.8-1 (`subgroup_groups.csv`,
/// `subgroup_tests.csv`, written by `sensitivity_extra_fixtures.R`).
struct SubgroupCLITests {
    @Test(arguments: ["separate", "common"])
    func contractFieldsMatchMetafor(_ mode: String) throws {
        var args = ["subgroup", SensitivityCLI.dataset("bcg"), "--by", "alloc", "--method", "DL"]
        if mode == "common" { args.append("--common-tau2") }
        let j = try SensitivityCLI.runJSON(args)
        let g = try SensitivityCLI.fixture("subgroup_groups.csv")
        let t = try SensitivityCLI.fixture("subgroup_tests.csv")
        let groups = try #require(j["groups"] as? [[String: Any]])
        #expect(groups.map { $0["group"] as? String } == ["alternate", "random", "systematic"])
        for group in groups {
            let name = try #require(group["group"] as? String)
            let r = try #require(SensitivityCLI.row(g, ["dataset": "bcg", "method": "DL", "test": "z", "mode": mode, "group": name]))
            #expect(group["k"] as? Int == Int(g.double(r, "k")!))
            var fields = ["estimate", "se", "ci_low", "ci_high", "tau2"]
            if mode == "separate" { fields += ["i2", "q"] }
            for field in fields {
                #expect(isClose(SensitivityCLI.number(group[field]), g.double(r, field), rel: 1e-6, abs: 1e-12), "\(name) \(field)")
            }
        }
        let r = try #require(SensitivityCLI.row(t, ["dataset": "bcg", "method": "DL", "test": "z", "mode": mode]))
        for field in ["q_between", "q_between_df", "q_between_p"] {
            #expect(isClose(SensitivityCLI.number(j[field]), t.double(r, field), rel: 1e-6, abs: 1e-12), "\(field)")
        }
        let mod = try #require(j["moderator_test"] as? [String: Any])
        #expect(isClose(SensitivityCLI.number(mod["qm"]), t.double(r, "qm"), rel: 1e-6))
        #expect(isClose(SensitivityCLI.number(mod["qm_p"]), t.double(r, "qm_p"), rel: 1e-6))
    }

    /// A one-study subgroup is fitted as metafor does (k = 1; with knha the test falls back to z),
    /// with a warning, and the command succeeds.
    @Test func oneStudySubgroupWarns() throws {
        let j = try SensitivityCLI.runJSON(["subgroup", SensitivityCLI.dataset("bcg_k10"), "--by", "alloc", "--test", "knha"])
        let groups = try #require(j["groups"] as? [[String: Any]])
        let single = try #require(groups.first { $0["group"] as? String == "systematic" })
        #expect(single["k"] as? Int == 1 && SensitivityCLI.number(single["tau2"]) == 0 && SensitivityCLI.number(single["q"]) == 0)
        let g = try SensitivityCLI.fixture("subgroup_groups.csv")
        let r = try #require(SensitivityCLI.row(g, ["dataset": "bcg_k10", "method": "REML", "test": "knha", "mode": "separate", "group": "systematic"]))
        #expect(isClose(SensitivityCLI.number(single["ci_low"]), g.double(r, "ci_low"), rel: 1e-9))
        let warnings = try #require(j["warnings"] as? [String])
        #expect(warnings.contains { $0.contains("single study") })
        let t = try SensitivityCLI.fixture("subgroup_tests.csv")
        let tr = try #require(SensitivityCLI.row(t, ["dataset": "bcg_k10", "method": "REML", "test": "knha", "mode": "separate"]))
        #expect(isClose(SensitivityCLI.number(j["q_between"]), t.double(tr, "q_between"), rel: 1e-6))
    }

    /// Unknown grouping column: exit 1 naming it; a single subgroup: exit 1.
    @Test func badGroupingExitsWithOne() throws {
        let unknown = try runSurvmeta(["subgroup", SensitivityCLI.dataset("bcg"), "--by", "region"])
        #expect(unknown.exitCode == 1 && unknown.stderr.contains("region") && unknown.stderr.contains("\"alloc\""))
        let csv = "study,yi,vi,site\nA,0.1,0.01,x\nB,0.3,0.02,x\nC,-0.2,0.03,x\n"
        let single = try runSurvmeta(["subgroup", "-", "--by", "site"], stdin: csv)
        #expect(single.exitCode == 1 && single.stderr.contains("at least 2 subgroups"))
    }

    @Test func everyFormatRenders() throws {
        for format in ["table", "csv", "md"] {
            let r = try runSurvmeta(["subgroup", SensitivityCLI.dataset("hackshaw1998"), "--by", "design", "--format", format])
            #expect(r.exitCode == 0 && r.stdout.contains("cohort"), "\(format)")
        }
    }
}
