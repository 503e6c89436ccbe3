import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import OutcomeData
import StatNumerics

/// Permutation tests against metafor 3.8-1's `permutest(res, exact = TRUE)` (`permutest.csv`,
/// `sensitivity_fixtures.R` §2): bcg_k7 with ~ ablat (7!/2! = 2520 distinct row permutations) and the
/// intercept-only bcg_k8 (2⁸ = 256 sign flips), REML and DL, tests z and knha. Exact p-values are
/// counts over the number of permutations, so they are compared exactly.
struct PermutationTests {
    static let table = SensitivityFixtures.table("permutest.csv")

    static var cases: [[String]] {
        guard let t = table else { return [] }
        var seen: [[String]] = []
        for r in 0..<t.rows.count {
            let rec = t.record(r)
            let key = [rec["dataset"]!, rec["method"]!, rec["test"]!, rec["mods"]!]
            if !seen.contains(key) { seen.append(key) }
        }
        return seen
    }

    @Test func fixtureIsPresent() {
        #expect(PermutationTests.cases.count == 8)
    }

    @Test(arguments: cases)
    func exactTestMatchesMetafor(_ key: [String]) throws {
        let t = try #require(PermutationTests.table)
        let (dataset, method, test, mods) = (key[0], try #require(TauSquaredEstimator(rawValue: key[1])), try #require(InferenceTest(rawValue: key[2])), key[3])
        let table = try SensitivityFixtures.studyTable(dataset)
        let design = try ModeratorDesign.build(table, terms: mods.isEmpty ? [] : [mods])
        let model = MixedEffectsModel(estimator: method, test: test, control: SensitivityFixtures.control)
        let result = try PermutationTest(iterations: 1000, seed: 7, exact: true)
            .run(model, studies: design.studies, design: design.matrix, names: design.names)
        let refs = SensitivityFixtures.rows(t, ["dataset": dataset, "method": method.rawValue, "test": test.rawValue, "mods": mods])
        let context = "\(dataset) \(mods) \(method.rawValue) \(test.rawValue)"
        #expect(result.exact)
        #expect(result.failedFits == 0)
        for (j, r) in refs.enumerated() {
            #expect(Double(result.permutations) == t.double(r, "iterations"), "\(context): permutations")
            #expect(result.coefficientPValues[j] == t.double(r, "pval"), "\(context): p of \(design.names[j]) = \(String(describing: result.coefficientPValues[j])), metafor \(t.double(r, "pval")!)")
            SensitivityFixtures.check(result.observed.coefficients[j].statistic, t, r, "stat", context: context)
            if let qmP = t.double(r, "qm_p") {
                #expect(result.qmPValue == qmP, "\(context): QM p = \(String(describing: result.qmPValue)), metafor \(qmP)")
            }
        }
    }

    /// metafor goes exact by itself when the distinct permutations are no more than the iterations
    /// asked (2520 ≤ 5000 here), and draws otherwise.
    @Test func goesExactWhenThePermutationsAreFew() throws {
        let table = try SensitivityFixtures.studyTable("bcg_k7")
        let design = try ModeratorDesign.build(table, terms: ["ablat"])
        let model = MixedEffectsModel(estimator: .DL, control: SensitivityFixtures.control)
        let exact = try PermutationTest(iterations: 5000, seed: 1).run(model, studies: design.studies, design: design.matrix, names: design.names)
        #expect(exact.exact && exact.permutations == 2520)
        let drawn = try PermutationTest(iterations: 200, seed: 1).run(model, studies: design.studies, design: design.matrix, names: design.names)
        #expect(!drawn.exact && drawn.permutations == 200 && drawn.seed == 1)
    }

    /// A seeded approximate test is reproducible, and does not depend on how many threads run it:
    /// each permutation has its own stream (compared with a strictly sequential run).
    @Test func seededTestIsReproducibleAndThreadIndependent() throws {
        let table = try SensitivityFixtures.studyTable("bcg")
        let design = try ModeratorDesign.build(table, terms: ["ablat"])
        let model = MixedEffectsModel(estimator: .REML, control: SensitivityFixtures.control)
        let test = PermutationTest(iterations: 300, seed: 20240501)
        let a = try test.run(model, studies: design.studies, design: design.matrix, names: design.names)
        let b = try test.run(model, studies: design.studies, design: design.matrix, names: design.names)
        var sequential = test
        sequential.sequential = true
        let c = try sequential.run(model, studies: design.studies, design: design.matrix, names: design.names)
        #expect(a == b)
        #expect(a == c)
        let other = try PermutationTest(iterations: 300, seed: 99).run(model, studies: design.studies, design: design.matrix, names: design.names)
        #expect(other.coefficientPValues != a.coefficientPValues || other.qmPValue != a.qmPValue)
        // With 13 studies the permutation p of ablat is small, as metafor's (about 0.001–0.01).
        let p = try #require(a.coefficientPValues[1])
        #expect(p < 0.05)
    }

    /// k!/∏cⱼ! and the enumeration agree (multiset permutations of 1,1,2,3,3,3: 6!/(2!·3!) = 60).
    @Test func multisetEnumerationCountsDistinctOrderings() {
        let labels = [3, 1, 3, 2, 1, 3]
        let all = Permutations.allDistinctOrderings(labels)
        #expect(all.count == 60)
        #expect(Set(all).count == 60)
        #expect(Permutations.multisetCount([2, 1, 3]) == 60)
    }
}
