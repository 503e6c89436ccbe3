import Foundation
import OutcomeData
import Survival
import Testing

/// Loading patient-level survival CSV (`time,event[,arm][,stratum][,covariates…]`) into
/// `SurvivalData`, and every way the file can be wrong, each reported with its position.
struct IPDTableTests {
    private func load(_ csv: String, group: String? = nil, stratum: String? = nil,
                      covariates: [String] = []) throws -> IPDTable {
        try IPDTable.load(try CSVReader.parse(csv, source: "ipd.csv"), group: group, stratum: stratum, covariates: covariates)
    }

    /// The issues thrown when loading `csv`, or a failed expectation when it loads.
    private func issues(_ csv: String, group: String? = nil, stratum: String? = nil,
                        covariates: [String] = []) -> [InputIssue] {
        do {
            _ = try load(csv, group: group, stratum: stratum, covariates: covariates)
            Issue.record("expected input errors")
            return []
        } catch let e as InputErrors {
            return e.issues
        } catch {
            Issue.record("unexpected error \(error)")
            return []
        }
    }

    @Test func loadsEveryColumn() throws {
        let csv = """
        Time,EVENT,Arm,center,age
        9,1,Maintained,c1,61.5
        13,0,Maintained,c2,70
        5,1,Nonmaintained,c1,55

        0,1,Nonmaintained,c2,48
        """
        let t = try load(csv, group: "arm", stratum: "center", covariates: ["age"])
        #expect(t.data.times == [9, 13, 5, 0])
        #expect(t.data.events == [true, false, true, true])
        #expect(t.data.groups == ["Maintained", "Maintained", "Nonmaintained", "Nonmaintained"])
        #expect(t.data.strata == ["c1", "c2", "c1", "c2"])
        #expect(t.data.covariates == [SurvivalData.Covariate(name: "age", values: [61.5, 70, 55, 48])])
        #expect(t.groupColumn == "Arm" && t.stratumColumn == "center", "names as written in the header")
        #expect(t.lines == [2, 3, 4, 6], "physical lines; the blank line counts")
        #expect(t.source == "ipd.csv")
    }

    @Test func withoutGroupColumnTheDataAreOneSample() throws {
        let t = try load("time,event,arm\n1,1,A\n2,0,B\n")
        #expect(t.data.groups == nil && t.data.strata == nil && t.data.covariates.isEmpty)
        #expect(t.groupColumn == nil)
    }

    /// Missing columns are all reported, at the header line, with the columns present and a
    /// near-miss suggestion.
    @Test func missingColumnsAreReportedTogether() {
        let found = issues("tim,status,group\n1,1,A\n", group: "arm")
        #expect(found.count == 3)
        #expect(found.allSatisfy { $0.line == 1 && $0.problem == "required column is missing" })
        #expect(found.map(\.columnName) == ["time", "event", "arm"])
        #expect(found[0].hint?.contains("did you mean \"tim\"?") == true)
        #expect(found[0].description.hasPrefix("ipd.csv:1 (column \"time\"): required column is missing; expected a column named \"time\""))
    }

    @Test func aHeaderWithoutRowsIsAnError() {
        let found = issues("time,event\n")
        #expect(found.count == 1)
        #expect(found.first?.problem == "the file has a header but no data rows")
    }

    /// Every bad cell of the file in one error, in file order, each with line, column, value and
    /// what was expected.
    @Test func badCellsAreAllReported() {
        let csv = """
        time,event,arm,age
        5,1,A,60
        -3,1,A,61
        7,2,B,62
        8,0,,63
        x,0.5,NA,
        """
        let found = issues(csv, group: "arm", covariates: ["age"])
        let described = found.map(\.description)
        #expect(described == [
            "ipd.csv:3:1 (column \"time\"): \"-3\" is negative; expected a follow-up time (a number ≥ 0)",
            "ipd.csv:4:2 (column \"event\"): \"2\" is not 0 or 1; expected 1 (event) or 0 (censored) (hint: coded 1 = censored, 2 = event as in R's lung data? subtract 1 from the column)",
            "ipd.csv:5:3 (column \"arm\"): \"\" is empty; expected a group label in column \"arm\" for every subject",
            "ipd.csv:6:1 (column \"time\"): \"x\" is not a number; expected a follow-up time (a number ≥ 0)",
            "ipd.csv:6:2 (column \"event\"): \"0.5\" is not 0 or 1; expected 1 (event) or 0 (censored)",
            "ipd.csv:6:3 (column \"arm\"): \"NA\" marks a missing value; expected a group label in column \"arm\" for every subject",
            "ipd.csv:6:4 (column \"age\"): \"\" is empty, but this column is required; expected a number (covariate \"age\")",
        ])
    }

    @Test func emptyStratumAndNonFiniteTime() {
        let found = issues("time,event,s\ninf,1,a\n2,1,\n", stratum: "s")
        #expect(found.count == 2)
        #expect(found[0].line == 2 && found[0].column == 1 && found[0].problem?.contains("not a finite number") == true)
        #expect(found[1].line == 3 && found[1].column == 3 && found[1].expected.contains("stratum label"))
    }

    @Test func timeZeroAndDecimalTimesAreAccepted() throws {
        let t = try load("time,event\n0,0\n0.5,1\n1e2,1\n")
        #expect(t.data.times == [0, 0.5, 100])
    }
}
