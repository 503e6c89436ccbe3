import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import StatNumerics

/// Leave-one-out analyses against metafor 3.8-1's `leave1out(rma(yi, vi, data = d, method = M,
/// control = ctrl))` (`leave1out.csv`, `sensitivity_fixtures.R` §3) for bcg, pignon2000, hackshaw1998,
/// molloy2014, normand1999, riley2003os with REML and DL (test z), and for bcg with REML and test knha
/// (`sens_knha.csv`). Tolerance 1e-6 relative: REML refits converge to |Δτ²| ≤ 1e-10 in both programs.
struct LeaveOneOutGoldenTests {
    static let table = SensitivityFixtures.table("leave1out.csv")
    static let knha = SensitivityFixtures.table("sens_knha.csv")
    static let datasets = ["bcg", "pignon2000", "hackshaw1998", "molloy2014", "normand1999", "riley2003os"]
    static let cases: [[String]] = datasets.flatMap { d in ["REML", "DL"].map { [d, $0] } }

    static func compare(_ rows: [SensitivityRow], _ t: FixtureTable, _ refs: [Int], context: String) {
        #expect(rows.count == refs.count, "\(context): rows")
        for (row, r) in zip(rows, refs) {
            let cc = "\(context) [\(row.study)]"
            #expect(row.study == t.record(r)["study"], "\(cc): study label")
            SensitivityFixtures.check(row.estimate, t, r, "estimate", context: cc)
            SensitivityFixtures.check(row.standardError, t, r, "se", context: cc)
            SensitivityFixtures.check(row.statistic, t, r, "stat", context: cc)
            SensitivityFixtures.check(row.pValue, t, r, "p", context: cc, abs: 1e-12)
            SensitivityFixtures.check(row.ciLow, t, r, "ci_low", context: cc)
            SensitivityFixtures.check(row.ciHigh, t, r, "ci_high", context: cc)
            SensitivityFixtures.check(row.q, t, r, "q", context: cc)
            SensitivityFixtures.check(row.qP, t, r, "q_p", context: cc, abs: 1e-12)
            // τ² near 0: metafor's Fisher scoring stops at |Δτ²| ≤ 1e-10 while still converging
            // linearly, so it can sit up to ~1e-9 from the optimum (hackshaw1998, cumulative step 9);
            // I² (percent) inherits that as ~1e-6.
            SensitivityFixtures.check(row.tau2, t, r, "tau2", context: cc, abs: 1e-9)
            SensitivityFixtures.check(row.i2, t, r, "i2", context: cc, abs: 1e-6)
            SensitivityFixtures.check(row.h2, t, r, "h2", context: cc)
        }
    }

    @Test(arguments: cases)
    func matchesMetafor(_ key: [String]) throws {
        let t = try #require(LeaveOneOutGoldenTests.table)
        let method = try #require(TauSquaredEstimator(rawValue: key[1]))
        let studies = try SensitivityFixtures.studies(key[0])
        let result = try LeaveOneOut(estimator: method, control: SensitivityFixtures.control).run(studies)
        let refs = SensitivityFixtures.rows(t, ["dataset": key[0], "method": key[1]])
        LeaveOneOutGoldenTests.compare(result.rows, t, refs, context: "\(key[0]) \(key[1])")
    }

    @Test func knappHartungMatchesMetafor() throws {
        let t = try #require(LeaveOneOutGoldenTests.knha)
        let studies = try SensitivityFixtures.studies("bcg")
        let result = try LeaveOneOut(estimator: .REML, test: .knha, control: SensitivityFixtures.control).run(studies)
        let refs = SensitivityFixtures.rows(t, ["kind": "leave1out"])
        LeaveOneOutGoldenTests.compare(result.rows, t, refs, context: "bcg REML knha")
        #expect(result.rows.allSatisfy { $0.degreesOfFreedom == 11 })
    }

    /// Property: permuting the study order permutes the leave-one-out rows and changes nothing else.
    @Test(arguments: ["bcg", "molloy2014"])
    func studyOrderDoesNotMatter(_ dataset: String) throws {
        let studies = try SensitivityFixtures.studies(dataset)
        let model = LeaveOneOut(estimator: .REML, control: SensitivityFixtures.control)
        let original = try model.run(studies)
        var g = SeededGenerator(seed: 11)
        let order = Permutations.shuffled(studies.count, using: &g)
        let shuffled = try model.run(order.map { studies[$0] })
        for (position, i) in order.enumerated() {
            let a = original.rows[i], b = shuffled.rows[position]
            #expect(a.study == b.study)
            for (x, y) in [(a.estimate, b.estimate), (a.standardError, b.standardError), (a.tau2, b.tau2), (a.q, b.q), (a.i2, b.i2)] {
                #expect(isClose(x, y, rel: 1e-9, abs: 1e-12), "\(dataset) \(a.study)")
            }
        }
    }

    /// The warm-started refits (τ² from the full-data estimate) reach the cold path's optimum
    /// (Hedges start, metafor's algorithm) for every leave-one-out refit of every dataset.
    @Test(arguments: ["REML", "ML", "EB"])
    func warmStartReachesTheColdOptimum(_ name: String) throws {
        let method = try #require(TauSquaredEstimator(rawValue: name))
        for dataset in LeaveOneOutGoldenTests.datasets {
            let studies = try SensitivityFixtures.studies(dataset)
            let model = MixedEffectsModel(estimator: method, control: SensitivityFixtures.control)
            let full = try model.fit(yi: studies.map(\.yi), vi: studies.map(\.vi),
                                     design: Matrix(rows: studies.count, columns: 1, repeating: 1), names: ["intrcpt"])
            let refit = ModelRefit(model: model)
            for i in studies.indices {
                var rest = studies
                rest.remove(at: i)
                let ones = Matrix(rows: rest.count, columns: 1, repeating: 1)
                let warm = try refit.fit(yi: rest.map(\.yi), vi: rest.map(\.vi), design: ones, names: ["intrcpt"], warmStart: full.tau2)
                let cold = try model.fit(yi: rest.map(\.yi), vi: rest.map(\.vi), design: ones, names: ["intrcpt"])
                #expect(isClose(warm.tau2, cold.tau2, rel: 1e-7, abs: 1e-10), "\(dataset) \(name) without \(i): τ² \(warm.tau2) vs \(cold.tau2)")
                #expect(isClose(warm.coefficients[0].estimate, cold.coefficients[0].estimate, rel: 1e-8, abs: 1e-12))
                #expect(isClose(warm.i2, cold.i2, rel: 1e-7, abs: 1e-8))
            }
        }
    }

    /// k = 1: nothing to leave out (metafor: "Stopped because k = 1").
    @Test func needsTwoStudies() {
        #expect(throws: DomainError.self) {
            _ = try LeaveOneOut().run([StudyEffect(label: "only", yi: -0.35, vi: 0.04)])
        }
    }

    /// k = 2: each refit has one study, fitted as metafor does with k = 1.
    @Test func twoStudiesGiveOneStudyRefits() throws {
        let studies = try SensitivityFixtures.studies("edge_k2")
        let result = try LeaveOneOut(test: .knha).run(studies)
        for (row, other) in zip(result.rows, studies.reversed()) {
            #expect(isClose(row.estimate, other.yi, rel: 1e-14))
            #expect(isClose(row.standardError, other.standardError, rel: 1e-12))
            #expect(row.q == 0 && row.qP == 1 && row.i2 == 0 && row.h2 == 1 && row.tau2 == 0)
            #expect(row.degreesOfFreedom == nil)
        }
    }
}
