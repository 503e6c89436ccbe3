import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import OutcomeData
import StatNumerics

/// Shared access to the metafor fixtures of issue 4 (`Fixtures/metafor/sensitivity_fixtures.R` and
/// `sensitivity_extra_fixtures.R`, R 4.2.2, metafor 3.8-1, control threshold 1e-10, tol 1e-12).
enum SensitivityFixtures {
    static let folder = fixturesDirectory().appendingPathComponent("metafor")
    /// The control every fixture was generated with.
    static let control = ModelControl(threshold: 1e-10, maxIterations: 1000, rootTolerance: 1e-12)

    static func table(_ name: String) -> FixtureTable? {
        try? FixtureTable(contentsOf: folder.appendingPathComponent(name))
    }

    /// The study table of `datasets/<name>.csv`, loaded by the product loader.
    static func studyTable(_ name: String) throws -> StudyTable {
        try StudyTable.load(CSVReader.read(path: folder.appendingPathComponent("datasets/\(name).csv").path))
    }

    static func studies(_ name: String) throws -> [StudyEffect] { try studyTable(name).effects }

    /// Row indices of `table` whose columns equal the given values.
    static func rows(_ table: FixtureTable, _ match: [String: String]) -> [Int] {
        (0..<table.rows.count).filter { r in
            let rec = table.record(r)
            return match.allSatisfy { rec[$0.key] == $0.value }
        }
    }

    /// 1e-6 relative (the brief's tolerance for closed-form and converged iterative quantities), with
    /// an absolute floor for values at or near zero.
    static func check(_ ours: Double?, _ table: FixtureTable, _ row: Int, _ column: String, context: String,
                      rel: Double = 1e-6, abs: Double = 1e-9, sourceLocation: SourceLocation = #_sourceLocation) {
        let ref = table.double(row, column)
        #expect(isClose(ours, ref, rel: rel, abs: abs),
                "\(context): \(column) = \(String(describing: ours)), metafor \(String(describing: ref))",
                sourceLocation: sourceLocation)
    }
}

/// Golden tests of `MetaRegression` against metafor 3.8-1:
/// `rma(yi, vi, mods = F, data = d, method = M, test = T, control = ctrl)` for bcg (~ ablat, ~ alloc,
/// ~ ablat + alloc, ~ ablat + year + ablat_x_year), hackshaw1998 (~ design), pignon2000
/// (~ factor(grp)) and molloy2014 (~ meanage, ~ meanage + quality), M ∈ {REML, DL, ML, EE},
/// T ∈ {z, knha} (`metareg_fit.csv`, `metareg_coef.csv`). Designs are built from the CSV columns by
/// `ModeratorDesign` (continuous vs categorical detection, dummy coding, names).
struct MetaRegressionGoldenTests {
    static let fits = SensitivityFixtures.table("metareg_fit.csv")
    static let coefs = SensitivityFixtures.table("metareg_coef.csv")
    static var rowIndices: [Int] { Array(0..<(fits?.rows.count ?? 0)) }

    static func terms(_ dataset: String, _ mods: String) -> [String] {
        mods.split(separator: "+").map { dataset == "pignon2000" && $0 == "grp" ? "factor(grp)" : String($0) }
    }

    @Test func fixturesArePresent() {
        #expect((MetaRegressionGoldenTests.fits?.rows.count ?? 0) == 64)
        #expect((MetaRegressionGoldenTests.coefs?.rows.count ?? 0) > 150)
    }

    @Test(arguments: rowIndices)
    func matchesMetafor(row: Int) throws {
        let t = try #require(MetaRegressionGoldenTests.fits)
        let c = try #require(MetaRegressionGoldenTests.coefs)
        let rec = t.record(row)
        let dataset = rec["dataset"]!, mods = rec["mods"]!
        let method = try #require(TauSquaredEstimator(rawValue: rec["method"]!))
        let test = try #require(InferenceTest(rawValue: rec["test"]!))
        let table = try SensitivityFixtures.studyTable(dataset)
        let design = try ModeratorDesign.build(table, terms: MetaRegressionGoldenTests.terms(dataset, mods))
        let fit = try MetaRegression(estimator: method, test: test, control: SensitivityFixtures.control)
            .fit(design.studies, design: design.matrix, names: design.names)
        let m = fit.model
        let context = "\(dataset) ~ \(mods) \(method.rawValue) \(test.rawValue)"
        func check(_ ours: Double?, _ column: String, abs: Double = 1e-9) {
            SensitivityFixtures.check(ours, t, row, column, context: context, abs: abs)
        }
        #expect(m.k == Int(t.double(row, "k")!))
        #expect(m.p == Int(t.double(row, "p")!))
        check(m.qm, "qm")
        check(Double(m.qmDF), "qm_df")
        check(m.qmDF2.map(Double.init), "qm_df2")
        check(m.qmP, "qm_p", abs: 1e-12)
        check(m.qe, "qe")
        check(Double(m.qeDF), "qe_df")
        check(m.qeP, "qe_p", abs: 1e-12)
        check(m.tau2, "tau2", abs: 1e-10)
        if !method.isEqualEffects { check(m.tau2StandardError, "tau2_se") }
        check(m.i2, "i2", abs: 1e-7)
        check(m.h2, "h2")
        check(fit.r2, "r2", abs: 1e-7)
        check(m.knappHartungScale, "s2w")
        check(m.logLikelihoodML, "ll_ml")
        check(m.logLikelihoodREML, "ll_reml")
        if method.isEqualEffects && test == .knha {
            #expect(fit.warnings.contains { $0.contains("Knapp & Hartung") }, "\(context): metafor warns about knha with EE")
        }

        let refs = SensitivityFixtures.rows(c, ["dataset": dataset, "mods": mods, "method": method.rawValue, "test": test.rawValue])
        #expect(refs.count == m.p, "\(context): coefficient rows")
        for (j, r) in refs.enumerated() where j < m.p {
            let coefficient = m.coefficients[j]
            #expect(coefficient.name == c.record(r)["name"], "\(context): name \(coefficient.name) vs \(c.record(r)["name"]!)")
            let cc = "\(context) \(coefficient.name)"
            SensitivityFixtures.check(coefficient.estimate, c, r, "estimate", context: cc)
            SensitivityFixtures.check(coefficient.standardError, c, r, "se", context: cc)
            SensitivityFixtures.check(coefficient.statistic, c, r, "stat", context: cc)
            SensitivityFixtures.check(coefficient.pValue, c, r, "p", context: cc, abs: 1e-12)
            SensitivityFixtures.check(coefficient.ciLow, c, r, "ci_low", context: cc)
            SensitivityFixtures.check(coefficient.ciHigh, c, r, "ci_high", context: cc)
            SensitivityFixtures.check(m.degreesOfFreedom.map(Double.init), c, r, "df", context: cc)
        }
    }

    /// Categorical coding: alloc has levels alternate < random < systematic; the reference is
    /// "alternate" and the dummies are named allocrandom, allocsystematic (metafor's names).
    @Test func categoricalModeratorIsDummyCodedAgainstTheFirstSortedLevel() throws {
        let table = try SensitivityFixtures.studyTable("bcg")
        let design = try ModeratorDesign.build(table, terms: ["ablat", "alloc"])
        #expect(design.names == ["intrcpt", "ablat", "allocrandom", "allocsystematic"])
        #expect(design.variables.map(\.kind) == [.continuous, .categorical(levels: ["alternate", "random", "systematic"])])
        // Aronson 1948 is "random", Frimodt-Moller 1973 "alternate".
        #expect(design.matrix.row(0) == [1, 44, 1, 0])
        #expect(design.matrix.row(4) == [1, 13, 0, 0])
    }

    /// An interaction a:b is the product of the coded columns, named as R names it.
    @Test func interactionIsTheProductOfCodedColumns() throws {
        let table = try SensitivityFixtures.studyTable("bcg")
        let design = try ModeratorDesign.build(table, terms: ["ablat", "year", "ablat:year"])
        #expect(design.names == ["intrcpt", "ablat", "year", "ablat:year"])
        let product = try #require(SensitivityFixtures.table("datasets/bcg.csv"))
        for i in 0..<design.matrix.rows {
            #expect(design.matrix[i, 3] == product.double(i, "ablat_x_year"))
        }
        let mixed = try ModeratorDesign.build(table, terms: ["ablat:alloc"])
        #expect(mixed.names == ["intrcpt", "ablat:allocrandom", "ablat:allocsystematic"])
        // Fitted with the product column, the interaction model is metafor's ~ ablat + year + ablat_x_year.
        let fit = try MetaRegression(control: SensitivityFixtures.control).fit(design.studies, design: design.matrix, names: design.names)
        let reference = try #require(MetaRegressionGoldenTests.fits)
        let r = try #require(SensitivityFixtures.rows(reference, ["dataset": "bcg", "mods": "ablat+year+ablat_x_year", "method": "REML", "test": "z"]).first)
        SensitivityFixtures.check(fit.model.qm, reference, r, "qm", context: "interaction")
        SensitivityFixtures.check(fit.model.tau2, reference, r, "tau2", context: "interaction", abs: 1e-10)
    }

    /// A moderator column that repeats an earlier one (here `ablat` given twice through a copy) is
    /// reported by the name of the aliased column.
    @Test func aliasedColumnIsNamed() throws {
        let studies = try SensitivityFixtures.studies("bcg")
        let table = try SensitivityFixtures.studyTable("bcg")
        let design = try ModeratorDesign.build(table, terms: ["ablat", "year"])
        var columns = (0..<design.matrix.columns).map { design.matrix.column($0) }
        columns.append(zip(columns[1], columns[2]).map { 2 * $0 - $1 })
        #expect {
            _ = try MetaRegression().fit(studies, design: Matrix(columns: columns), names: design.names + ["combo"])
        } throws: { error in
            (error as? DomainError)?.message.contains("'combo'") == true && (error as? DomainError)?.message.contains("rank-deficient") == true
        }
    }

    /// A moderator constant across the studies used is an input error naming the column.
    @Test func constantModeratorIsAnInputError() throws {
        let csv = "study,yi,vi,site\nA,0.1,0.01,x\nB,0.3,0.02,x\nC,-0.2,0.03,x\n"
        let constant = try StudyTable.load(CSVReader.parse(csv, source: "const.csv"))
        #expect {
            _ = try ModeratorDesign.build(constant, terms: ["site"])
        } throws: { error in
            let text = String(describing: error)
            return text.contains("site") && text.contains("single value")
        }
        // The library check too: a constant design column is named.
        let studies = try SensitivityFixtures.studies("bcg")
        let x = Matrix(columns: [[Double](repeating: 1, count: 13), [Double](repeating: 5, count: 13)])
        #expect {
            _ = try MetaRegression().fit(studies, design: x, names: ["intrcpt", "dose"])
        } throws: { error in
            (error as? DomainError)?.message.contains("'dose' is constant") == true
        }
    }

    /// An unknown column names the column and lists the moderator columns of the file.
    @Test func unknownModeratorIsAnInputError() throws {
        let table = try SensitivityFixtures.studyTable("bcg")
        #expect {
            _ = try ModeratorDesign.build(table, terms: ["latitude"])
        } throws: { error in
            let text = String(describing: error)
            return text.contains("latitude") && text.contains("\"ablat\"") && text.contains("\"alloc\"")
        }
    }

    /// Studies with a missing moderator are left out and reported (metafor's na.omit).
    @Test func missingModeratorLeavesTheStudyOut() throws {
        let csv = "study,yi,vi,dose\nA,0.1,0.01,1\nB,0.3,0.02,NA\nC,-0.2,0.03,3\nD,0.5,0.04,4\n"
        let table = try StudyTable.load(CSVReader.parse(csv, source: "m.csv"))
        let design = try ModeratorDesign.build(table, terms: ["dose"])
        #expect(design.rowIndices == [0, 2, 3])
        #expect(design.omitted.map(\.label) == ["B"])
        #expect(design.omitted.first?.line == 3)
    }

    /// Too many coefficients for the studies: metafor's "Number of parameters to be estimated is
    /// larger than the number of observations" (random effects need k ≥ p + 1).
    @Test func tooFewStudiesForTheModel() throws {
        let studies = Array(try SensitivityFixtures.studies("bcg").prefix(3))
        let x = Matrix([[1, 44, 1948], [1, 55, 1949], [1, 42, 1960]])
        #expect(throws: DomainError.self) {
            _ = try MetaRegression().fit(studies, design: x, names: ["intrcpt", "ablat", "year"])
        }
    }
}
