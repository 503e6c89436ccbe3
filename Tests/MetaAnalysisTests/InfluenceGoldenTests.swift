import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import OutcomeData
import StatNumerics

/// Influence diagnostics and Baujat coordinates against metafor 3.8-1:
/// `influence(res)` ($inf, $dfbs, the "*" flag) and `baujat(res)` for intercept-only models of bcg,
/// pignon2000, hackshaw1998, molloy2014, normand1999, riley2003os, REML and DL (`influence.csv`,
/// `baujat.csv`), and for meta-regressions bcg ~ ablat, hackshaw1998 ~ design (`influence_mods.csv`,
/// `baujat_mods.csv`). hackshaw1998 and normand1999 contain studies metafor flags as influential.
struct InfluenceGoldenTests {
    static let table = SensitivityFixtures.table("influence.csv")
    static let baujat = SensitivityFixtures.table("baujat.csv")
    static let mods = SensitivityFixtures.table("influence_mods.csv")
    static let baujatMods = SensitivityFixtures.table("baujat_mods.csv")
    static let cases: [[String]] = LeaveOneOutGoldenTests.datasets.flatMap { d in ["REML", "DL"].map { [d, $0, ""] } }
        + ["REML", "DL"].flatMap { m in [["bcg", m, "ablat"], ["hackshaw1998", m, "design"]] }

    @Test func fixturesFlagInfluentialStudies() throws {
        let t = try #require(InfluenceGoldenTests.table)
        #expect((0..<t.rows.count).contains { t.record($0)["influential"] == "TRUE" })
    }

    @Test(arguments: cases)
    func matchesMetafor(_ key: [String]) throws {
        let (dataset, mods) = (key[0], key[2])
        let method = try #require(TauSquaredEstimator(rawValue: key[1]))
        let t = try #require(mods.isEmpty ? InfluenceGoldenTests.table : InfluenceGoldenTests.mods)
        let b = try #require(mods.isEmpty ? InfluenceGoldenTests.baujat : InfluenceGoldenTests.baujatMods)
        let table = try SensitivityFixtures.studyTable(dataset)
        let design = try ModeratorDesign.build(table, terms: mods.isEmpty ? [] : [mods])
        let result = try InfluenceDiagnostics(estimator: method, control: SensitivityFixtures.control)
            .run(design.studies, design: design.matrix, names: design.names)
        var match = ["dataset": dataset, "method": method.rawValue]
        if !mods.isEmpty { match["mods"] = mods }
        let refs = SensitivityFixtures.rows(t, match)
        let brefs = SensitivityFixtures.rows(b, match)
        let context = "\(dataset) \(mods) \(method.rawValue)"
        #expect(refs.count == result.rows.count && brefs.count == result.rows.count, "\(context): rows")
        for ((row, r), br) in zip(zip(result.rows, refs), brefs) {
            let cc = "\(context) [\(row.study)]"
            #expect(row.study == t.record(r)["study"])
            SensitivityFixtures.check(row.rstudent, t, r, "rstudent", context: cc)
            SensitivityFixtures.check(row.dffits, t, r, "dffits", context: cc)
            SensitivityFixtures.check(row.cookD, t, r, "cook_d", context: cc, abs: 1e-10)
            SensitivityFixtures.check(row.covRatio, t, r, "cov_r", context: cc)
            SensitivityFixtures.check(row.tau2Deleted, t, r, "tau2_del", context: cc, abs: 1e-10)
            SensitivityFixtures.check(row.qeDeleted, t, r, "qe_del", context: cc)
            SensitivityFixtures.check(row.hat, t, r, "hat", context: cc)
            SensitivityFixtures.check(row.weight, t, r, "weight", context: cc)
            #expect(row.influential == (t.record(r)["influential"] == "TRUE"), "\(cc): influential flag")
            if mods.isEmpty {
                SensitivityFixtures.check(row.dfbetas[0], t, r, "dfbetas_intrcpt", context: cc)
            } else {
                SensitivityFixtures.check(row.dfbetas[0], t, r, "dfbetas_1", context: cc)
                SensitivityFixtures.check(row.dfbetas[1], t, r, "dfbetas_2", context: cc)
            }
            SensitivityFixtures.check(row.baujatX, b, br, "x", context: cc + " baujat")
            SensitivityFixtures.check(row.baujatY, b, br, "y", context: cc + " baujat", abs: 1e-12)
        }
    }

    /// Property: influence values do not depend on the order of the studies.
    @Test func studyOrderDoesNotMatter() throws {
        let studies = try SensitivityFixtures.studies("hackshaw1998")
        let model = InfluenceDiagnostics(estimator: .REML, control: SensitivityFixtures.control)
        let original = try model.run(studies)
        var g = SeededGenerator(seed: 5)
        let order = Permutations.shuffled(studies.count, using: &g)
        let shuffled = try model.run(order.map { studies[$0] })
        for (position, i) in order.enumerated() {
            let a = original.rows[i], b = shuffled.rows[position]
            #expect(a.study == b.study && a.influential == b.influential)
            let pairs: [(Double?, Double?)] = [(a.rstudent, b.rstudent), (a.dffits, b.dffits), (a.cookD, b.cookD),
                                               (a.covRatio, b.covRatio), (a.tau2Deleted, b.tau2Deleted), (a.hat, b.hat),
                                               (a.weight, b.weight), (a.dfbetas[0], b.dfbetas[0]), (a.baujatY, b.baujatY)]
            for (x, y) in pairs { #expect(isClose(x, y, rel: 1e-8, abs: 1e-12), "\(a.study)") }
        }
    }

    /// Refits that cannot be done leave the deletion quantities nil (metafor's NA): with p = 2 and
    /// k = 3, a random-effects refit on 2 studies has too few studies for β and τ².
    @Test func impossibleRefitsGiveMissingValues() throws {
        let studies = Array(try SensitivityFixtures.studies("bcg").prefix(3))
        let x = Matrix([[1, 44], [1, 55], [1, 42]])
        let result = try InfluenceDiagnostics(estimator: .DL).run(studies, design: x, names: ["intrcpt", "ablat"])
        #expect(result.rows.allSatisfy { $0.rstudent == nil && $0.tau2Deleted == nil })
        #expect(result.rows.allSatisfy { $0.hat > 0 })
        #expect(!result.warnings.isEmpty)
    }
}
