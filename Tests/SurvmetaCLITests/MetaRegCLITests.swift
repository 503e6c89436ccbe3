import Foundation
import Testing
import TestSupport

/// Shared helpers of the issue-4 CLI tests (`metareg`, `subgroup`, `loo`, `cumulative`, `influence`, `bias`).
enum SensitivityCLI {
    static let metafor = repositoryRoot().appendingPathComponent("Tests/MetaAnalysisTests/Fixtures/metafor")

    static func dataset(_ name: String) -> String { metafor.appendingPathComponent("datasets/\(name).csv").path }

    static func fixture(_ name: String) throws -> FixtureTable {
        try FixtureTable(contentsOf: metafor.appendingPathComponent(name))
    }

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    static func number(_ value: Any?) -> Double? { (value as? NSNumber)?.doubleValue }

    /// Runs survmeta and returns the parsed JSON, expecting exit 0.
    static func runJSON(_ arguments: [String], stdin: String? = nil) throws -> [String: Any] {
        let r = try runSurvmeta(arguments + ["--format", "json"], stdin: stdin)
        #expect(r.exitCode == 0, "\(arguments): exit \(r.exitCode): \(r.stderr)")
        #expect(!r.stdout.contains("NaN") && !r.stdout.contains("nan"))
        return try json(r.stdout)
    }

    static func row(_ t: FixtureTable, _ match: [String: String]) -> Int? {
        (0..<t.rows.count).first { r in match.allSatisfy { t.record(r)[$0.key] == $0.value } }
    }
}

/// `survmeta metareg`: the contract's fields against metafor 3.8-1 (`metareg_fit.csv`,
/// `metareg_coef.csv`, `permutest.csv`), exit codes and messages for bad moderators.
struct MetaRegCLITests {
    /// bcg ~ ablat + alloc, REML, knha: a continuous and a 3-level categorical moderator.
    @Test func contractFieldsMatchMetafor() throws {
        let j = try SensitivityCLI.runJSON(["metareg", SensitivityCLI.dataset("bcg"), "--mods", "ablat,alloc", "--test", "knha"])
        let fits = try SensitivityCLI.fixture("metareg_fit.csv")
        let coefs = try SensitivityCLI.fixture("metareg_coef.csv")
        let r = try #require(SensitivityCLI.row(fits, ["dataset": "bcg", "mods": "ablat+alloc", "method": "REML", "test": "knha"]))
        for field in ["qm", "qm_df", "qm_p", "qe", "qe_df", "qe_p", "tau2", "i2", "h2", "r2"] {
            #expect(isClose(SensitivityCLI.number(j[field]), fits.double(r, field), rel: 1e-6, abs: 1e-12), "\(field)")
        }
        #expect(j["k"] as? Int == 13 && j["method"] as? String == "REML" && j["test"] as? String == "knha")
        let coefficients = try #require(j["coefficients"] as? [[String: Any]])
        #expect(coefficients.map { $0["name"] as? String } == ["intrcpt", "ablat", "allocrandom", "allocsystematic"])
        for c in coefficients {
            let name = try #require(c["name"] as? String)
            let cr = try #require(SensitivityCLI.row(coefs, ["dataset": "bcg", "mods": "ablat+alloc", "method": "REML", "test": "knha", "name": name]))
            for (field, column) in [("estimate", "estimate"), ("se", "se"), ("stat", "stat"), ("p", "p"), ("ci_low", "ci_low"), ("ci_high", "ci_high")] {
                #expect(isClose(SensitivityCLI.number(c[field]), coefs.double(cr, column), rel: 1e-6, abs: 1e-12), "\(name) \(field)")
            }
        }
    }

    /// `factor(grp)` makes a numeric column categorical (pignon2000, metafor's ~ factor(grp)).
    @Test func forcedFactor() throws {
        let j = try SensitivityCLI.runJSON(["metareg", SensitivityCLI.dataset("pignon2000"), "--mods", "factor(grp)", "--method", "DL"])
        let coefficients = try #require(j["coefficients"] as? [[String: Any]])
        #expect(coefficients.map { $0["name"] as? String } == ["intrcpt", "grp2", "grp3"])
        let fits = try SensitivityCLI.fixture("metareg_fit.csv")
        let r = try #require(SensitivityCLI.row(fits, ["dataset": "pignon2000", "mods": "grp", "method": "DL", "test": "z"]))
        #expect(isClose(SensitivityCLI.number(j["qm"]), fits.double(r, "qm"), rel: 1e-6))
        #expect(j["qm_df"] as? Int == 2)
    }

    /// The exact permutation test: bcg_k7 ~ ablat has 2520 distinct permutations, fewer than the 5000
    /// asked, so the test is exact and its p-values are metafor's exactly.
    @Test func exactPermutationTestMatchesMetafor() throws {
        let r = try runSurvmeta(["metareg", SensitivityCLI.dataset("bcg_k7"), "--mods", "ablat", "--method", "DL",
                                 "--permutations", "5000", "--format", "json"])
        #expect(r.exitCode == 0, "\(r.stderr)")
        let j = try SensitivityCLI.json(r.stdout)
        let perm = try #require(j["permutation"] as? [String: Any])
        #expect(perm["exact"] as? Bool == true && perm["permutations"] as? Int == 2520)
        let t = try SensitivityCLI.fixture("permutest.csv")
        let row = try #require(SensitivityCLI.row(t, ["dataset": "bcg_k7", "method": "DL", "test": "z", "name": "ablat"]))
        // Exact p-values are counts over 2520: compared as text, since JSON numbers are written
        // round-trip exact but Foundation's JSONSerialization on Linux can be one ulp off when reading.
        let qmP = try #require(t.double(row, "qm_p")), pval = try #require(t.double(row, "pval"))
        #expect(r.stdout.contains("\"qm_p\": \(qmP.description)"))
        #expect(r.stdout.contains("\"p_perm\": \(pval.description)"))
    }

    /// A seeded approximate permutation test prints the same output twice.
    @Test func seededPermutationsAreReproducible() throws {
        let args = ["metareg", SensitivityCLI.dataset("bcg"), "--mods", "ablat", "--permutations", "100", "--seed", "42", "--format", "json"]
        // The run record's time comes from SOURCE_DATE_EPOCH, so the two outputs can be compared byte for byte.
        let env = ["SOURCE_DATE_EPOCH": "1700000000"]
        let a = try runSurvmeta(args, environment: env), b = try runSurvmeta(args, environment: env)
        #expect(a.exitCode == 0 && a.stdout == b.stdout)
    }

    /// An unknown column: exit 1, the column named and the available ones listed.
    @Test func unknownModeratorExitsWithOne() throws {
        let r = try runSurvmeta(["metareg", SensitivityCLI.dataset("bcg"), "--mods", "ablat,latitude"])
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("latitude") && r.stderr.contains("\"ablat\"") && r.stderr.contains("\"alloc\"") && r.stderr.contains("bcg.csv:1"))
    }

    /// A moderator constant across studies: exit 1 naming it.
    @Test func constantModeratorExitsWithOne() throws {
        let csv = "study,yi,vi,site,dose\nA,0.1,0.01,x,1\nB,0.3,0.02,x,2\nC,-0.2,0.03,x,3\nD,0.2,0.02,x,4\n"
        let r = try runSurvmeta(["metareg", "-", "--mods", "dose,site"], stdin: csv)
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("site") && r.stderr.contains("single value"))
    }

    /// A rank-deficient design: exit 1, the aliased column named.
    @Test func aliasedModeratorIsNamed() throws {
        let csv = "study,yi,vi,a,b\nA,0.1,0.01,1,2\nB,0.3,0.02,2,4\nC,-0.2,0.03,3,6\nD,0.2,0.02,4,8\nE,0.5,0.05,5,10\n"
        let r = try runSurvmeta(["metareg", "-", "--mods", "a,b"], stdin: csv)
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("'b'") && r.stderr.contains("rank-deficient"))
    }

    /// Too few studies for the model (random effects need k ≥ p + 1): exit 1.
    @Test func tooFewStudiesExitsWithOne() throws {
        let csv = "study,yi,vi,a,b\nA,0.1,0.01,1,5\nB,0.3,0.02,2,3\nC,-0.2,0.03,4,1\n"
        let r = try runSurvmeta(["metareg", "-", "--mods", "a,b"], stdin: csv)
        #expect(r.exitCode == 1)
        #expect(r.stderr.contains("cannot be estimated from 3 studies"))
    }

    /// Studies with a missing moderator are left out and listed in `notes`.
    @Test func missingModeratorIsReported() throws {
        let csv = "study,yi,vi,dose\nA,0.1,0.01,1\nB,0.3,0.02,NA\nC,-0.2,0.03,3\nD,0.5,0.04,4\nE,0.2,0.02,6\n"
        let j = try SensitivityCLI.runJSON(["metareg", "-", "--mods", "dose"], stdin: csv)
        #expect(j["k"] as? Int == 4)
        let notes = try #require(j["notes"] as? [String])
        #expect(notes.contains { $0.contains("\"B\"") && $0.contains("line 3") })
    }

    @Test func everyFormatRenders() throws {
        for format in ["table", "csv", "md"] {
            let r = try runSurvmeta(["metareg", SensitivityCLI.dataset("bcg"), "--mods", "ablat", "--format", format])
            #expect(r.exitCode == 0 && r.stdout.contains("ablat"), "\(format)")
        }
    }
}
