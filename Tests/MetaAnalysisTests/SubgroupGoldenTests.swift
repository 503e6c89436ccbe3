import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import OutcomeData
import StatNumerics

/// Subgroup analyses against metafor 3.8-1 (`sensitivity_extra_fixtures.R` §1): per-subgroup
/// `rma(yi, vi, subset = g == level)` (separate τ²), `rma(yi, vi, mods = ~ factor(g) - 1)` (common τ²),
/// the equal-effects Q across subgroup estimates `rma(estimate, sei = se, method = "FE")`, and the
/// moderator test `rma(yi, vi, mods = ~ factor(g))`, for bcg by alloc (3 levels), bcg_k10 by alloc
/// (a one-study subgroup), hackshaw1998 by design, pignon2000 by grp (numeric levels), methods REML,
/// DL, EE and tests z, knha.
struct SubgroupGoldenTests {
    static let groups = SensitivityFixtures.table("subgroup_groups.csv")
    static let tests = SensitivityFixtures.table("subgroup_tests.csv")

    static var cases: [[String]] {
        guard let t = tests else { return [] }
        return (0..<t.rows.count).map { r in
            let rec = t.record(r)
            return [rec["dataset"]!, rec["by"]!, rec["method"]!, rec["test"]!, rec["mode"]!]
        }
    }

    @Test func fixturesArePresent() {
        #expect(SubgroupGoldenTests.cases.count == 48)
    }

    @Test(arguments: cases)
    func matchesMetafor(_ key: [String]) throws {
        let g = try #require(SubgroupGoldenTests.groups)
        let t = try #require(SubgroupGoldenTests.tests)
        let (dataset, by, mode) = (key[0], key[1], key[4])
        let method = try #require(TauSquaredEstimator(rawValue: key[2]))
        let test = try #require(InferenceTest(rawValue: key[3]))
        let table = try SensitivityFixtures.studyTable(dataset)
        let grouping = try ModeratorDesign.grouping(table, by: by)
        let result = try SubgroupAnalysis(estimator: method, test: test, control: SensitivityFixtures.control,
                                          commonTau2: mode == "common")
            .fit(table.effects, groups: grouping.assignments.map { $0! }, levels: grouping.levels)
        let context = "\(dataset) by \(by) \(method.rawValue) \(test.rawValue) \(mode)"

        let refs = SensitivityFixtures.rows(g, ["dataset": dataset, "by": by, "method": method.rawValue, "test": test.rawValue, "mode": mode])
        #expect(refs.count == result.groups.count, "\(context): groups")
        for (s, r) in zip(result.groups, refs) {
            let cc = "\(context) [\(s.group)]"
            #expect(s.group == g.record(r)["group"])
            #expect(Double(s.k) == g.double(r, "k"))
            SensitivityFixtures.check(s.estimate, g, r, "estimate", context: cc)
            SensitivityFixtures.check(s.standardError, g, r, "se", context: cc)
            SensitivityFixtures.check(s.statistic, g, r, "stat", context: cc)
            SensitivityFixtures.check(s.pValue, g, r, "p", context: cc, abs: 1e-12)
            SensitivityFixtures.check(s.ciLow, g, r, "ci_low", context: cc)
            SensitivityFixtures.check(s.ciHigh, g, r, "ci_high", context: cc)
            SensitivityFixtures.check(s.tau2, g, r, "tau2", context: cc, abs: 1e-10)
            SensitivityFixtures.check(s.degreesOfFreedom.map(Double.init), g, r, "df", context: cc)
            if mode == "separate" {
                SensitivityFixtures.check(s.i2, g, r, "i2", context: cc, abs: 1e-7)
                SensitivityFixtures.check(s.h2, g, r, "h2", context: cc)
                SensitivityFixtures.check(s.q, g, r, "q", context: cc)
                SensitivityFixtures.check(s.qP, g, r, "q_p", context: cc, abs: 1e-12)
                if s.k == 1 {
                    #expect(s.warnings.contains { $0.contains("single study") }, "\(cc): one-study warning")
                    if test != .z { #expect(s.warnings.contains { $0.contains("test set to z") }, "\(cc): metafor switches to z") }
                }
            }
        }
        let r = try #require(SensitivityFixtures.rows(t, ["dataset": dataset, "by": by, "method": method.rawValue, "test": test.rawValue, "mode": mode]).first)
        SensitivityFixtures.check(result.qBetween, t, r, "q_between", context: context)
        #expect(Double(result.qBetweenDF) == t.double(r, "q_between_df"))
        SensitivityFixtures.check(result.qBetweenP, t, r, "q_between_p", context: context, abs: 1e-12)
        SensitivityFixtures.check(result.commonTau2 ?? (mode == "common" ? nil : t.double(r, "common_tau2")), t, r, "common_tau2", context: context, abs: 1e-10)
        let mod = try #require(result.moderatorTest)
        SensitivityFixtures.check(mod.model.qm, t, r, "qm", context: context)
        SensitivityFixtures.check(Double(mod.model.qmDF), t, r, "qm_df", context: context)
        SensitivityFixtures.check(mod.model.qmDF2.map(Double.init), t, r, "qm_df2", context: context)
        SensitivityFixtures.check(mod.model.qmP, t, r, "qm_p", context: context, abs: 1e-12)
        SensitivityFixtures.check(mod.model.qe, t, r, "qe", context: context)
        SensitivityFixtures.check(mod.model.qeP, t, r, "qe_p", context: context, abs: 1e-12)
        SensitivityFixtures.check(mod.model.tau2, t, r, "tau2", context: context, abs: 1e-10)
        SensitivityFixtures.check(mod.r2, t, r, "r2", context: context, abs: 1e-7)
    }

    /// All studies in one subgroup: there is nothing to compare.
    @Test func oneSubgroupIsAnError() throws {
        let studies = try SensitivityFixtures.studies("bcg")
        #expect(throws: DomainError.self) {
            _ = try SubgroupAnalysis().fit(studies, groups: Array(repeating: "a", count: studies.count), levels: ["a"])
        }
    }

    /// Numeric subgroup labels sort numerically (pignon2000's grp 1 < 2 < 3; "10" after "9").
    @Test func numericLevelsSortNumerically() throws {
        let csv = "study,yi,vi,g\nA,0.1,0.01,10\nB,0.3,0.02,9\nC,-0.2,0.03,9\nD,0.5,0.04,10\n"
        let table = try StudyTable.load(CSVReader.parse(csv, source: "g.csv"))
        let grouping = try ModeratorDesign.grouping(table, by: "G")
        #expect(grouping.levels == ["9", "10"])
    }
}
