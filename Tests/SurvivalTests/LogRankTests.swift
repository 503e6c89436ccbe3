import Testing
import StatNumerics
import Survival
import TestSupport

// Golden tests against R 4.2.2, survival 3.5-3 (Fixtures/survival_fixtures.R):
//   survdiff(Surv(time, event) ~ group [+ strata(stratum)], data = d)
// Closed form: 1e-6 relative (absolute 1e-10 where R's value is 0).

private let logRankMain = SurvivalFixture("logrank.csv")
private let logRankGroups = SurvivalFixture("logrank_groups.csv")
private let logRankVariance = SurvivalFixture("logrank_var.csv")

@Suite("Log-rank test against survdiff (survival 3.5-3)")
struct LogRankTests {
    @Test(arguments: logRankMain.rows.map { $0["test"]! })
    func matchesSurvdiff(_ test: String) throws {
        let main = try #require(logRankMain.rows.first { $0["test"] == test })
        let data = try FixtureDataset(main["dataset"]!).survivalData(stratified: main["stratified"] == "TRUE")
        let result = try LogRankTest().test(data)
        expectClose(result.chiSquare, main.number("chisq"), rel: 1e-6, "\(test) chisq")
        #expect(result.degreesOfFreedom == main.integer("df"))
        expectClose(result.pValue, main.number("p"), rel: 1e-6, "\(test) p")

        let groups = logRankGroups.rows.filter { $0["test"] == test }
        #expect(result.groups.map(\.group) == groups.map { $0["group"]! })
        for (g, row) in zip(result.groups, groups) {
            #expect(g.subjects == row.integer("n"), "\(test) \(g.group) n")
            expectClose(g.observed, row.number("observed"), rel: 1e-6, "\(test) \(g.group) observed")
            expectClose(g.expected, row.number("expected"), rel: 1e-6, "\(test) \(g.group) expected")
        }
        for row in logRankVariance.rows where row["test"] == test {
            let i = row.integer("row")! - 1, j = row.integer("col")! - 1
            expectClose(result.variance[i, j], row.number("value"), rel: 1e-6, "\(test) var[\(i + 1),\(j + 1)]")
        }
    }

    @Test func needsAtLeastTwoGroups() throws {
        let noGroups = try SurvivalData(times: [1, 2, 3], events: [1, 0, 1])
        #expect(throws: DomainError.self) { try LogRankTest().test(noGroups) }
        let oneGroup = try SurvivalData(times: [1, 2, 3], events: [1, 0, 1], groups: ["A", "A", "A"])
        let error = #expect(throws: DomainError.self) { try LogRankTest().test(oneGroup) }
        #expect(error?.message.contains("only one group") == true)
    }
}
