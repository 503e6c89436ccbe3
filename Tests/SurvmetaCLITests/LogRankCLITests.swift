import Foundation
import Testing
import TestSupport

/// `survmeta logrank` against R's survdiff (survival 3.5-3; cases and R calls in
/// Fixtures/survival/cases.csv, written by survival_cli_fixtures.R), its formats and errors.
struct LogRankCLITests {
    /// Every JSON number at 1e-6 relative (closed form): aml, a group without events, veteran's
    /// four cell types, and the same stratified by treatment (--strata).
    @Test(arguments: SurvivalGolden.cases("logrank_"))
    func matchesR(_ c: SurvivalGoldenCase) throws {
        try SurvivalGolden.check(c, rel: 1e-6)
    }

    @Test func goldenCasesAreThere() {
        #expect(SurvivalGolden.cases("logrank_").count == 4)
    }

    /// print(survdiff(Surv(time, status) ~ x, aml)): Chisq = 3.4 on 1 df, p = 0.07; the table has
    /// R's columns.
    @Test func tableLooksLikeR() throws {
        let r = try runSurvmeta(["logrank", SurvivalGolden.file("aml.csv")])
        #expect(r.exitCode == 0, "\(r.stderr)")
        for fragment in ["N  Observed  Expected  (O-E)^2/E  (O-E)^2/V", "arm=Maintained", "Chisq = 3.396 on 1 degrees of freedom, p = 0.0653"] {
            #expect(r.stdout.contains(fragment), "missing \"\(fragment)\" in\n\(r.stdout)")
        }
        let csv = try runSurvmeta(["logrank", SurvivalGolden.file("aml.csv"), "--format", "csv"])
        #expect(csv.stdout.hasPrefix("group,n,observed,expected,o_minus_e,variance,oe2_over_e,oe2_over_v\nMaintained,11,7"))
        let md = try runSurvmeta(["logrank", SurvivalGolden.file("aml.csv"), "--format", "md"])
        #expect(md.exitCode == 0 && md.stdout.contains("| (O-E)^2/V |"))
    }

    /// Standard input and --output.
    @Test func standardInputAndOutputFile() throws {
        let folder = try SurvivalGolden.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("lr.json").path
        let csv = try String(contentsOfFile: SurvivalGolden.file("aml.csv"), encoding: .utf8)
        let r = try runSurvmeta(["logrank", "-", "--format", "json", "--output", out], stdin: csv)
        #expect(r.exitCode == 0 && r.stdout.isEmpty, "\(r.stderr)")
        let direct = try runSurvmeta(["logrank", SurvivalGolden.file("aml.csv"), "--format", "json"])
        #expect(try SurvivalGolden.analysis(String(contentsOfFile: out, encoding: .utf8)) == SurvivalGolden.analysis(direct.stdout))
    }

    /// One group only: nothing to compare (exit 1, saying so).
    @Test func oneGroupIsAnInputError() throws {
        let r = try runSurvmeta(["logrank", "-"], stdin: "time,event,arm\n1,1,A\n2,0,A\n")
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("only one group"), "\(r.stderr)")
    }

    /// --strata naming an absent column: exit 1 naming it.
    @Test func strataColumnAbsent() throws {
        let r = try runSurvmeta(["logrank", SurvivalGolden.file("aml.csv"), "--strata", "center"])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("aml.csv:1 (column \"center\"): required column is missing"), "\(r.stderr)")
    }

    @Test func helpHasAnExample() throws {
        let r = try runSurvmeta(["logrank", "--help"])
        #expect(r.exitCode == 0 && r.stdout.contains("Example:") && r.stdout.contains("survmeta logrank "))
    }
}
