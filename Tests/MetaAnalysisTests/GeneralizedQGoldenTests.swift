import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import StatNumerics

/// Golden tests of the generalized-Q interval for τ² (Biggerstaff–Jackson for aᵢ = 1/vᵢ, Jackson 2013
/// for other weights) and of the median-unbiased GENQM estimator, against metafor 3.8-1.
///
/// Fixture: `Fixtures/metafor/genq.csv`, written by `Fixtures/metafor/genq_fixtures.R`:
/// `rma.uni(yi, vi, weights = a, method = "GENQ"|"GENQM", level = L, control = list(tol = 1e-12))` and
/// `confint(res, type = "GENQ")` for 12 datasets × 3 weight schemes (1/v, 1/√v, equal) × 2 levels.
/// metafor's tail probabilities come from a stand-in for CompQuadForm::farebrother (Ruben's series,
/// checked in StatNumericsTests) because CompQuadForm cannot be installed here; everything else is
/// metafor's code. The interval columns were computed with uniroot's tolerance lowered to 1e-12 (3.8-1
/// leaves it at its default ~1.2e-4); the shipped bounds are in *_metafor and checked to that tolerance.
struct GeneralizedQGoldenTests {
    static let folder = fixturesDirectory().appendingPathComponent("metafor")
    static let table = try? FixtureTable(contentsOf: folder.appendingPathComponent("genq.csv"))
    static var rows: [Int] { Array(0..<(table?.rows.count ?? 0)) }

    static func weights(_ scheme: String, _ vi: [Double]) -> [Double] {
        switch scheme {
        case "inv_v": return vi.map { 1 / $0 }
        case "inv_se": return vi.map { 1 / $0.squareRoot() }
        default: return vi.map { _ in 1 }
        }
    }

    /// metafor's default upper end of a τ² root search in rma.uni: max(100, 10·mad(y)²).
    static func searchUpper(_ y: [Double]) -> Double {
        func median(_ x: [Double]) -> Double {
            let s = x.sorted()
            return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
        }
        let m = median(y)
        let mad = 1.4826 * median(y.map { abs($0 - m) })
        return max(100, 10 * mad * mad)
    }

    @Test func fixtureIsPresent() {
        #expect(GeneralizedQGoldenTests.table?.rows.count == 144)
    }

    @Test(arguments: rows)
    func matchesMetafor(row: Int) throws {
        let t = try #require(GeneralizedQGoldenTests.table)
        let rec = t.record(row)
        let studies = try PoolingGoldenTests.dataset(rec["dataset"]!)
        let yi = studies.map(\.yi), vi = studies.map(\.vi)
        let a = GeneralizedQGoldenTests.weights(rec["scheme"]!, vi)
        let level = t.double(row, "level")!
        let context = "\(rec["dataset"]!) \(rec["scheme"]!) \(rec["method"]!) level \(level)"
        let control = ModelControl(rootTolerance: 1e-12)
        let design = Matrix(rows: yi.count, columns: 1, repeating: 1)
        let q = try GeneralizedQ(yi: yi, vi: vi, design: design, weights: a, control: control)
        #expect(isClose(q.statistic, t.double(row, "q_gen"), rel: 1e-12, abs: 1e-25), "\(context): Q")

        // GENQ: the closed-form estimate (the engine's own fit); GENQM: the median-unbiased root.
        let genq = try MixedEffectsModel(estimator: .GENQ, level: level, control: control, genqWeights: a)
            .fit(yi: yi, vi: vi, design: design, names: ["intrcpt"])
        let tau2: Double
        if rec["method"] == "GENQ" {
            tau2 = genq.tau2
        } else {
            let upper = t.double(row, "fit_tau2_max") ?? GeneralizedQGoldenTests.searchUpper(yi)
            tau2 = try q.medianUnbiasedTau2(upper: upper).tau2
        }
        #expect(isClose(tau2, t.double(row, "tau2"), rel: 1e-8, abs: 1e-10), "\(context): tau2 = \(tau2), metafor \(t.double(row, "tau2")!)")
        #expect(isClose(genq.typicalVariance, t.double(row, "vt"), rel: 1e-10), "\(context): vt")

        // The engine's own fit with this estimator: τ², the a-weighted estimate, its sandwich SE, I², H².
        let method = try #require(TauSquaredEstimator(rawValue: rec["method"]!))
        let engine = try MixedEffectsModel(estimator: method, level: level,
                                           control: ModelControl(rootTolerance: 1e-12, tau2Max: t.double(row, "fit_tau2_max")),
                                           genqWeights: a).fit(yi: yi, vi: vi, design: design, names: ["intrcpt"])
        for (ours, column) in [(engine.tau2, "tau2"), (engine.coefficients[0].estimate, "estimate"),
                               (engine.coefficients[0].standardError, "se"), (engine.i2, "i2"), (engine.h2, "h2")] {
            #expect(isClose(ours, t.double(row, column), rel: 1e-8, abs: 1e-10), "\(context): engine \(column) = \(ours), metafor \(t.double(row, column)!)")
        }

        let ci = try q.intervals(level: level, tau2: tau2, typicalVariance: genq.typicalVariance)
        for (ours, column) in [(ci.tau2Low, "tau2_ci_low"), (ci.tau2High, "tau2_ci_high"), (ci.i2Low, "i2_ci_low"),
                               (ci.i2High, "i2_ci_high"), (ci.h2Low, "h2_ci_low"), (ci.h2High, "h2_ci_high")] {
            #expect(isClose(ours, t.double(row, column), rel: 1e-8, abs: 1e-9), "\(context): \(column) = \(ours), metafor \(t.double(row, column)!)")
        }
        // metafor as shipped: its uniroot stops within ~1.2e-4 of the root.
        for (ours, column) in [(ci.tau2Low, "tau2_ci_low_metafor"), (ci.tau2High, "tau2_ci_high_metafor")] {
            let shipped = try #require(t.double(row, column))
            #expect(abs(ours - shipped) <= 2.5e-4, "\(context): \(column) = \(ours), metafor \(shipped)")
        }
        #expect(ci.lowerAtBound == (rec["lb_sign"] == ">"), "\(context): lower bound flag")
        #expect(ci.upperAtBound == (rec["ub_sign"] == ">"), "\(context): upper bound flag")
    }

    /// A DerSimonian–Laird pool asked for the Biggerstaff–Jackson interval: the GENQ rows with aᵢ = 1/vᵢ
    /// (whose τ² is the DL τ²) give the same τ², I² and H² bounds.
    @Test(arguments: rows.filter { r in
        let rec = table?.record(r)
        return rec?["scheme"] == "inv_v" && rec?["method"] == "GENQ" && (table?.double(r, "k") ?? 0) >= 2
    })
    func derSimonianLairdWithBiggerstaffJackson(row: Int) throws {
        let t = try #require(GeneralizedQGoldenTests.table)
        let studies = try PoolingGoldenTests.dataset(t.record(row)["dataset"]!)
        let level = t.double(row, "level")!
        let fit = try RandomEffectsModel(estimator: .DL, level: level, control: ModelControl(rootTolerance: 1e-12),
                                         tau2Interval: .generalizedQ).fit(studies)
        let ci = try #require(fit.heterogeneityIntervals)
        #expect(ci.method == "generalized Q")
        #expect(isClose(fit.model.tau2, t.double(row, "tau2"), rel: 1e-8, abs: 1e-10))
        for (ours, column) in [(ci.tau2Low, "tau2_ci_low"), (ci.tau2High, "tau2_ci_high"), (ci.i2Low, "i2_ci_low"),
                               (ci.i2High, "i2_ci_high"), (ci.h2Low, "h2_ci_low"), (ci.h2High, "h2_ci_high")] {
            #expect(isClose(ours, t.double(row, column), rel: 1e-8, abs: 1e-9), "\(column) = \(ours), metafor \(t.double(row, column)!)")
        }
    }

    /// With equal variances and aᵢ = 1/v every non-zero eigenvalue of S P S is 1 + τ²/v, so Qₐ is a
    /// scaled χ²(k − 1) and the interval must equal the Q-profile interval exactly.
    @Test func equalVariancesReduceToQProfile() throws {
        let yi = [0.1, -0.4, 0.35, 0.9, -0.2, 0.05, 0.6, -0.75]
        let vi = Array(repeating: 0.04, count: yi.count)
        let design = Matrix(rows: yi.count, columns: 1, repeating: 1)
        let control = ModelControl(rootTolerance: 1e-13)
        let fit = try MixedEffectsModel(estimator: .DL, control: control).fit(yi: yi, vi: vi, design: design, names: ["intrcpt"])
        let genq = try GeneralizedQ(yi: yi, vi: vi, design: design, weights: vi.map { 1 / $0 }, control: control)
            .intervals(level: 0.95, tau2: fit.tau2, typicalVariance: fit.typicalVariance)
        let qp = try QProfile(yi: yi, vi: vi, design: design, control: control)
            .intervals(level: 0.95, tau2: fit.tau2, typicalVariance: fit.typicalVariance)
        #expect(isClose(genq.tau2Low, qp.tau2Low, rel: 1e-9, abs: 1e-12))
        #expect(isClose(genq.tau2High, qp.tau2High, rel: 1e-9))
        for lambda in try GeneralizedQ(yi: yi, vi: vi, design: design, weights: vi.map { 1 / $0 }).eigenvalues(tau2: 0.3) {
            #expect(isClose(lambda, 1 + 0.3 / 0.04, rel: 1e-12))
        }
    }

    /// With a moderator (p = 2) the k − p largest eigenvalues are used; their sum is E[Qₐ] = tr(P(V + τ²I)).
    @Test func eigenvaluesSumToTheExpectedQ() throws {
        let yi = [0.1, -0.4, 0.35, 0.9, -0.2, 0.05]
        let vi = [0.02, 0.1, 0.05, 0.3, 0.07, 0.01]
        let x = Matrix(columns: [Array(repeating: 1, count: 6), [1, 2, 3, 4, 5, 6]])
        let a = vi.map { 1 / $0.squareRoot() }
        let q = try GeneralizedQ(yi: yi, vi: vi, design: x, weights: a)
        let tau2 = 0.15
        let lambda = try q.eigenvalues(tau2: tau2)
        #expect(lambda.count == 4)
        let trace = try WeightedProjection(weights: a, design: x).traceTimesDiagonal(vi.map { $0 + tau2 })
        #expect(isClose(lambda.reduce(0, +), trace, rel: 1e-12))
    }

    /// GENQM whose median lies beyond the τ² search range stops as metafor does ("tau2.max too low"),
    /// naming the estimator and the remedy; a wider range finds the metafor value (bcg, 1/v: 0.38281).
    @Test func genqmSearchRangeTooNarrow() throws {
        let studies = try PoolingGoldenTests.dataset("bcg")
        let yi = studies.map(\.yi), vi = studies.map(\.vi)
        let design = Matrix(rows: yi.count, columns: 1, repeating: 1)
        do {
            _ = try MixedEffectsModel(estimator: .GENQM, control: ModelControl(tau2Max: 0.1))
                .fit(yi: yi, vi: vi, design: design, names: ["intrcpt"])
            Issue.record("expected a NumericalError")
        } catch let error as NumericalError {
            #expect(error.routine.contains("GENQM"))
            #expect(error.reason.contains("0.1"))
            #expect(error.remedy.contains("--tau2-max"))
        }
        let fit = try MixedEffectsModel(estimator: .GENQM, control: ModelControl(tau2Max: 10))
            .fit(yi: yi, vi: vi, design: design, names: ["intrcpt"])
        #expect(isClose(fit.tau2, 0.38280949648190116, rel: 1e-8))   // genq.csv, bcg inv_v GENQM
    }

    @Test func badInput() throws {
        let x = Matrix(rows: 3, columns: 1, repeating: 1)
        #expect(throws: DomainError.self) { try GeneralizedQ(yi: [1, 2, 3], vi: [1, 1, 1], design: x, weights: [1, 0, 1]) }
        #expect(throws: DomainError.self) { try GeneralizedQ(yi: [1, 2, 3], vi: [1, -1, 1], design: x, weights: [1, 1, 1]) }
        #expect(throws: DomainError.self) { try GeneralizedQ(yi: [1], vi: [1], design: Matrix(rows: 1, columns: 1, repeating: 1), weights: [1]) }
        let k = GeneralizedQ.maximumStudies + 1  // intercept only
        #expect(throws: DomainError.self) {
            try GeneralizedQ(yi: Array(repeating: 0, count: k), vi: Array(repeating: 1, count: k),
                             design: Matrix(rows: k, columns: 1, repeating: 1), weights: Array(repeating: 1, count: k))
        }
    }
}
