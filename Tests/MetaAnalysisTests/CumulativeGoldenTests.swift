import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import OutcomeData
import StatNumerics

/// Cumulative meta-analyses against metafor 3.8-1's `cumul(res)` in input order and, for bcg,
/// `cumul(res, order = year)` (`cumul.csv`, `sensitivity_fixtures.R` §3; REML and DL, test z), and
/// with test knha for bcg (`sens_knha.csv`; the first step, k = 1, is fitted with z as metafor does).
struct CumulativeGoldenTests {
    static let table = SensitivityFixtures.table("cumul.csv")
    static let knha = SensitivityFixtures.table("sens_knha.csv")
    static let cases: [[String]] = LeaveOneOutGoldenTests.datasets.flatMap { d in ["REML", "DL"].map { [d, $0, "input"] } }
        + [["bcg", "REML", "year"], ["bcg", "DL", "year"]]

    @Test(arguments: cases)
    func matchesMetafor(_ key: [String]) throws {
        let t = try #require(CumulativeGoldenTests.table)
        let method = try #require(TauSquaredEstimator(rawValue: key[1]))
        let table = try SensitivityFixtures.studyTable(key[0])
        var order: [Int]? = nil
        if key[2] == "year" {
            let years = table.records.map { Double(($0.moderators["year"] ?? nil) ?? "") }
            order = CumulativeMetaAnalysis.order(by: years)
        }
        let result = try CumulativeMetaAnalysis(estimator: method, control: SensitivityFixtures.control)
            .run(table.effects, order: order)
        let refs = SensitivityFixtures.rows(t, ["dataset": key[0], "method": key[1], "order": key[2]])
        LeaveOneOutGoldenTests.compare(result.rows, t, refs, context: "cumulative \(key.joined(separator: " "))")
        // Step 1 reports what metafor reports for k = 1.
        let first = try #require(result.rows.first)
        #expect(first.q == 0 && first.qP == 1 && first.i2 == 0 && first.h2 == 1)
    }

    @Test func knappHartungMatchesMetafor() throws {
        let t = try #require(CumulativeGoldenTests.knha)
        let studies = try SensitivityFixtures.studies("bcg")
        let result = try CumulativeMetaAnalysis(estimator: .REML, test: .knha, control: SensitivityFixtures.control).run(studies)
        LeaveOneOutGoldenTests.compare(result.rows, t, SensitivityFixtures.rows(t, ["kind": "cumul"]), context: "cumulative bcg REML knha")
        #expect(result.rows[0].degreesOfFreedom == nil)
        #expect(result.rows[1].degreesOfFreedom == 1)
    }

    /// R's order(): ascending, ties in input order, missing last.
    @Test func orderIsStableWithMissingLast() {
        #expect(CumulativeMetaAnalysis.order(by: [3, nil, 1, 3, 2]) == [2, 4, 0, 3, 1])
    }

    /// The last step is the full analysis.
    @Test func lastStepIsThePooledAnalysis() throws {
        let studies = try SensitivityFixtures.studies("molloy2014")
        let result = try CumulativeMetaAnalysis(control: SensitivityFixtures.control).run(studies)
        let pooled = try RandomEffectsModel(control: SensitivityFixtures.control, heterogeneityIntervals: false).fit(studies)
        #expect(isClose(result.rows.last?.estimate, pooled.estimate, rel: 1e-12))
        #expect(isClose(result.rows.last?.tau2, pooled.model.tau2, rel: 1e-12))
    }
}
