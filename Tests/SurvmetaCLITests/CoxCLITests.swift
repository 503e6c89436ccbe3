import Foundation
import Testing
import TestSupport

/// `survmeta cox` against R's coxph (survival 3.5-3; cases and R calls in
/// Fixtures/survival/cases.csv, written by survival_cli_fixtures.R), its formats and errors.
struct CoxCLITests {
    /// Every JSON number at 1e-5 relative: Newton–Raphson stops when the relative change of the log
    /// partial likelihood is below 1e-9 (R's eps), which leaves β̂ accurate to about 1e-5 relative.
    /// Cases: aml with both tie methods and with --ref, heavily tied data with efron and breslow,
    /// lung with covariates, veteran's four cell types against --ref squamous, and a stratified
    /// breslow model with a covariate (all coefficients listed).
    @Test(arguments: SurvivalGolden.cases("cox_"))
    func matchesR(_ c: SurvivalGoldenCase) throws {
        try SurvivalGolden.check(c, rel: 1e-5)
    }

    @Test func goldenCasesAreThere() {
        #expect(SurvivalGolden.cases("cox_").count == 8)
    }

    /// Both tie methods give different answers on tied data (R: log HR efron 0.3184…, breslow 0.2987…
    /// for ties.csv), so --ties really reaches the model.
    @Test func tieMethodsDiffer() throws {
        let file = SurvivalGolden.file("ties.csv")
        let efron = try runSurvmeta(["cox", file, "--format", "json"])
        let breslow = try runSurvmeta(["cox", file, "--ties", "breslow", "--format", "json"])
        let e = try #require(try JSONSerialization.jsonObject(with: Data(efron.stdout.utf8)) as? [String: Any])
        let b = try #require(try JSONSerialization.jsonObject(with: Data(breslow.stdout.utf8)) as? [String: Any])
        #expect(e["ties"] as? String == "efron" && b["ties"] as? String == "breslow")
        #expect((e["loghr"] as? Double) != (b["loghr"] as? Double))
    }

    /// A group without events: coxph warns that the coefficient may be infinite; so does survmeta,
    /// with exit 0 and the warning in the JSON.
    @Test func groupWithoutEventsWarns() throws {
        let r = try runSurvmeta(["cox", SurvivalGolden.file("no_events.csv"), "--format", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let j = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let warnings = try #require(j["warnings"] as? [String])
        #expect(warnings.contains { $0.contains("infinite") }, "\(warnings)")
        #expect(((j["loghr"] as? Double) ?? 0) < -10, "R: β̂ ≈ −21.8 for arm B")
    }

    /// Running out of iterations is a numerical failure: exit 3, naming the routine, the iteration
    /// and a remedy.
    @Test func nonConvergenceExitsWithThree() throws {
        let r = try runSurvmeta(["cox", SurvivalGolden.file("lung.csv"), "--covariates", "age,ph_ecog", "--max-iter", "1"])
        #expect(r.exitCode == 3, "\(r.stderr)")
        for fragment in ["Cox partial likelihood", "did not converge", "(at iteration 1)", "raise --max-iter"] {
            #expect(r.stderr.contains(fragment), "missing \"\(fragment)\" in \(r.stderr)")
        }
    }

    @Test func unknownReferenceIsAnInputError() throws {
        let r = try runSurvmeta(["cox", SurvivalGolden.file("aml.csv"), "--ref", "Placebo"])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("reference level 'Placebo'") && r.stderr.contains("Maintained"), "\(r.stderr)")
    }

    /// --by absent from the file: exit 1 naming file, line and column.
    @Test func byColumnAbsent() throws {
        let r = try runSurvmeta(["cox", SurvivalGolden.file("veteran.csv")])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("veteran.csv:1 (column \"arm\"): required column is missing; expected a column named \"arm\""), "\(r.stderr)")
    }

    /// A covariate cell that is not a number: exit 1 with line, column and value.
    @Test func badCovariate() throws {
        let csv = "time,event,arm,age\n5,1,A,60\n6,0,B,sixty\n7,1,B,70\n"
        let r = try runSurvmeta(["cox", "-", "--covariates", "age"], stdin: csv)
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("<stdin>:3:4 (column \"age\"): \"sixty\" is not a number"), "\(r.stderr)")
    }

    @Test(arguments: [["--ties", "exact"], ["--level", "0"], ["--covariates", "age,,x"], ["--by", "arm", "--strata", "ARM"]])
    func usageErrors(_ options: [String]) throws {
        let r = try runSurvmeta(["cox", SurvivalGolden.file("aml.csv")] + options)
        #expect(r.exitCode == 2, "\(options): exit \(r.exitCode) \(r.stderr)")
    }

    /// Table like print(coxph); CSV one row per coefficient, full precision.
    @Test func tableAndCSV() throws {
        let file = SurvivalGolden.file("veteran.csv")
        let table = try runSurvmeta(["cox", file, "--by", "celltype", "--ref", "squamous"])
        #expect(table.exitCode == 0)
        for fragment in ["reference celltype = squamous", "exp(coef)", "lower .95", "celltypeadeno", "Likelihood ratio test",
                         "Score (logrank) test", "n = 137, number of events = 128"] {
            #expect(table.stdout.contains(fragment), "missing \"\(fragment)\" in\n\(table.stdout)")
        }
        let csv = try runSurvmeta(["cox", file, "--by", "celltype", "--ref", "squamous", "--format", "csv"])
        let lines = csv.stdout.split(separator: "\n")
        #expect(lines.first == "term,loghr,se,z,p,hr,hr_ci_low,hr_ci_high")
        #expect(lines.dropFirst().map { $0.split(separator: ",").first.map(String.init) ?? "" }
                == ["celltypeadeno", "celltypelarge", "celltypesmallcell"])
        let md = try runSurvmeta(["cox", file, "--by", "celltype", "--format", "md"])
        #expect(md.exitCode == 0 && md.stdout.contains("| test | chisq | df | p |"))
    }

    @Test func helpHasAnExample() throws {
        let r = try runSurvmeta(["cox", "--help"])
        #expect(r.exitCode == 0 && r.stdout.contains("Example:") && r.stdout.contains("survmeta cox "))
    }
}
