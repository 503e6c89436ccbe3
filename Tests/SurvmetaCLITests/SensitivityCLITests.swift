import Foundation
import Testing
import TestSupport

/// `survmeta loo`, `cumulative` and `influence`: the contract's row fields against metafor 3.8-1
/// (`leave1out.csv`, `cumul.csv`, `influence.csv`), ordering, formats and too-few-studies errors.
struct SensitivityCLITests {
    static let looFields = ["estimate", "se", "stat", "p", "ci_low", "ci_high", "q", "q_p", "tau2", "i2", "h2"]

    static func compareRows(_ rows: [[String: Any]], _ t: FixtureTable, _ match: [String: String], fields: [String]) {
        let refs = (0..<t.rows.count).filter { r in match.allSatisfy { t.record(r)[$0.key] == $0.value } }
        #expect(rows.count == refs.count)
        for (row, r) in zip(rows, refs) {
            #expect(row["study"] as? String == t.record(r)["study"])
            for field in fields {
                let column = field.replacingOccurrences(of: "-", with: "_")
                #expect(isClose(SensitivityCLI.number(row[field]), t.double(r, column), rel: 1e-6, abs: 1e-9),
                        "\(row["study"] ?? "") \(field): \(String(describing: row[field]))")
            }
        }
    }

    @Test func leaveOneOutMatchesMetafor() throws {
        let j = try SensitivityCLI.runJSON(["loo", SensitivityCLI.dataset("hackshaw1998"), "--method", "DL"])
        let rows = try #require(j["rows"] as? [[String: Any]])
        Self.compareRows(rows, try SensitivityCLI.fixture("leave1out.csv"), ["dataset": "hackshaw1998", "method": "DL"], fields: Self.looFields)
    }

    /// `--order-by year` sorts ascending with ties in input order (metafor's cumul(res, order = year)).
    @Test func cumulativeByYearMatchesMetafor() throws {
        let j = try SensitivityCLI.runJSON(["cumulative", SensitivityCLI.dataset("bcg"), "--order-by", "year"])
        #expect(j["order_by"] as? String == "year")
        let rows = try #require(j["rows"] as? [[String: Any]])
        Self.compareRows(rows, try SensitivityCLI.fixture("cumul.csv"), ["dataset": "bcg", "method": "REML", "order": "year"], fields: Self.looFields)
        // The one-study step reports what metafor reports.
        #expect(SensitivityCLI.number(rows[0]["q_p"]) == 1 && SensitivityCLI.number(rows[0]["i2"]) == 0 && SensitivityCLI.number(rows[0]["h2"]) == 1)
    }

    @Test func influenceMatchesMetafor() throws {
        let j = try SensitivityCLI.runJSON(["influence", SensitivityCLI.dataset("normand1999"), "--method", "DL"])
        let rows = try #require(j["rows"] as? [[String: Any]])
        let t = try SensitivityCLI.fixture("influence.csv")
        Self.compareRows(rows, t, ["dataset": "normand1999", "method": "DL"],
                         fields: ["rstudent", "dffits", "cook_d", "cov_r", "tau2_del", "qe_del", "hat", "weight"])
        let refs = (0..<t.rows.count).filter { t.record($0)["dataset"] == "normand1999" && t.record($0)["method"] == "DL" }
        #expect(rows.map { $0["influential"] as? Bool } == refs.map { t.record($0)["influential"] == "TRUE" })
        #expect(rows.contains { $0["influential"] as? Bool == true }, "metafor flags the two Orpington studies with DL")
    }

    /// Influence diagnostics of a meta-regression (`--mods`), with one DFBETAS per coefficient.
    @Test func influenceOfAMetaRegression() throws {
        let j = try SensitivityCLI.runJSON(["influence", SensitivityCLI.dataset("bcg"), "--mods", "ablat"])
        let rows = try #require(j["rows"] as? [[String: Any]])
        let t = try SensitivityCLI.fixture("influence_mods.csv")
        Self.compareRows(rows, t, ["dataset": "bcg", "method": "REML", "mods": "ablat"], fields: ["rstudent", "dffits", "cook_d", "hat"])
        let dfbetas = try #require(rows.first?["dfbetas"] as? [String: Any])
        #expect(Set(dfbetas.keys) == ["intrcpt", "ablat"])
    }

    /// Too few studies: leave-one-out and influence need k ≥ 2 (exit 1); a one-study cumulative
    /// analysis is metafor's single k = 1 fit.
    @Test func tooFewStudies() throws {
        let one = SensitivityCLI.dataset("edge_k1")
        for command in ["loo", "influence"] {
            let r = try runSurvmeta([command, one])
            #expect(r.exitCode == 1 && r.stderr.contains("at least 2 studies"), "\(command): \(r.stderr)")
        }
        let j = try SensitivityCLI.runJSON(["cumulative", one])
        #expect((j["rows"] as? [[String: Any]])?.count == 1)
    }

    @Test func unknownOrderColumnExitsWithOne() throws {
        let r = try runSurvmeta(["cumulative", SensitivityCLI.dataset("bcg"), "--order-by", "yr"])
        #expect(r.exitCode == 1 && r.stderr.contains("yr") && r.stderr.contains("\"year\""))
    }

    @Test func everyFormatRenders() throws {
        for command in ["loo", "cumulative", "influence"] {
            for format in ["table", "csv", "md"] {
                let r = try runSurvmeta([command, SensitivityCLI.dataset("bcg"), "--format", format])
                #expect(r.exitCode == 0 && r.stdout.contains("Aronson 1948"), "\(command) \(format)")
            }
        }
    }
}
