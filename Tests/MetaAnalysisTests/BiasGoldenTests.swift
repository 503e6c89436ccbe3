import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import StatNumerics

/// Publication-bias methods against metafor 3.8-1 (`sensitivity_fixtures.R` §4) on bcg, pignon2000,
/// hackshaw1998, molloy2014, normand1999 and riley2003os: `regtest(res)` and
/// `regtest(res, model = "lm")` (`regtest.csv`), `ranktest(res)` (`ranktest.csv`),
/// `trimfill(res, estimator = E)` for L0 and R0 with the filled studies (`trimfill.csv`,
/// `trimfill_filled.csv`), and `fsn` Rosenthal, Orwin (targets ȳ/2 and ȳ/4) and Rosenberg (`fsn.csv`).
struct BiasGoldenTests {
    static let datasets = LeaveOneOutGoldenTests.datasets
    static let regtest = SensitivityFixtures.table("regtest.csv")
    static let ranktest = SensitivityFixtures.table("ranktest.csv")
    static let trimfill = SensitivityFixtures.table("trimfill.csv")
    static let filled = SensitivityFixtures.table("trimfill_filled.csv")
    static let fsn = SensitivityFixtures.table("fsn.csv")
    static let cases: [[String]] = datasets.flatMap { d in ["REML", "DL"].map { [d, $0] } }

    @Test(arguments: cases)
    func regressionTestMatchesMetafor(_ key: [String]) throws {
        let t = try #require(BiasGoldenTests.regtest)
        let method = try #require(TauSquaredEstimator(rawValue: key[1]))
        let studies = try SensitivityFixtures.studies(key[0])
        for model in EggerRegressionTest.Model.allCases {
            let result = try EggerRegressionTest(model: model, estimator: method, control: SensitivityFixtures.control).run(studies)
            let r = try #require(SensitivityFixtures.rows(t, ["dataset": key[0], "method": key[1], "model": model.rawValue]).first)
            let context = "regtest \(key[0]) \(key[1]) \(model.rawValue)"
            SensitivityFixtures.check(result.statistic, t, r, "stat", context: context)
            SensitivityFixtures.check(result.pValue, t, r, "p", context: context, abs: 1e-12)
            SensitivityFixtures.check(result.degreesOfFreedom.map(Double.init), t, r, "df", context: context)
            SensitivityFixtures.check(result.limitEstimate, t, r, "est", context: context)
            SensitivityFixtures.check(result.limitCILow, t, r, "ci_low", context: context)
            SensitivityFixtures.check(result.limitCIHigh, t, r, "ci_high", context: context)
            SensitivityFixtures.check(result.slope, t, r, "slope", context: context)
            SensitivityFixtures.check(result.slopeSE, t, r, "slope_se", context: context)
            SensitivityFixtures.check(result.tau2, t, r, "tau2", context: context, abs: 1e-10)
        }
    }

    @Test(arguments: datasets)
    func rankCorrelationMatchesMetafor(_ dataset: String) throws {
        let t = try #require(BiasGoldenTests.ranktest)
        let r = try #require(SensitivityFixtures.rows(t, ["dataset": dataset]).first)
        let result = try RankCorrelationTest().run(try SensitivityFixtures.studies(dataset))
        SensitivityFixtures.check(result.tau, t, r, "tau", context: "ranktest \(dataset)", rel: 1e-12)
        SensitivityFixtures.check(result.pValue, t, r, "p", context: "ranktest \(dataset)", rel: 1e-9, abs: 1e-14)
        let tiesInR = t.record(r)["warnings"]?.contains("ties") == true
        #expect(result.exact == !tiesInR, "ranktest \(dataset): exact p-value only without ties, as R")
        #expect(result.warnings.contains { $0.contains("ties") } == tiesInR)
    }

    /// The exact Kendall distribution: R's pkendall(q, n) at a few points (R 4.2.2,
    /// `.Call(stats:::C_pKendall, q, n)`): n = 10, q = 10 → 0.014304728835978836;
    /// n = 13, q = 30 → 0.15309246983726149; n = 65, q = 1000 → 0.32797377667241856.
    @Test func kendallDistributionMatchesR() {
        #expect(isClose(KendallTau.cdf(10, n: 10), 0.014304728835978836, rel: 1e-12))
        #expect(isClose(KendallTau.cdf(30, n: 13), 0.15309246983726149, rel: 1e-12))
        #expect(isClose(KendallTau.cdf(1000, n: 65), 0.32797377667241856, rel: 1e-9))
    }

    @Test(arguments: cases)
    func trimAndFillMatchesMetafor(_ key: [String]) throws {
        let t = try #require(BiasGoldenTests.trimfill)
        let f = try #require(BiasGoldenTests.filled)
        let method = try #require(TauSquaredEstimator(rawValue: key[1]))
        let studies = try SensitivityFixtures.studies(key[0])
        for estimator in TrimAndFill.Estimator.allCases {
            let result = try TrimAndFill(k0Estimator: estimator, estimator: method, control: SensitivityFixtures.control).run(studies)
            let context = "trimfill \(key[0]) \(key[1]) \(estimator.rawValue)"
            let r = try #require(SensitivityFixtures.rows(t, ["dataset": key[0], "method": key[1], "estimator": estimator.rawValue]).first)
            #expect(Double(result.k0) == t.double(r, "k0"), "\(context): k0 \(result.k0)")
            #expect(result.side.rawValue == t.record(r)["side"], "\(context): side")
            SensitivityFixtures.check(result.k0StandardError, t, r, "se_k0", context: context)
            SensitivityFixtures.check(result.pK0, t, r, "p_k0", context: context, abs: 1e-15)
            #expect(Double(result.refit.k) == t.double(r, "k"))
            let c = result.refit.coefficients[0]
            SensitivityFixtures.check(c.estimate, t, r, "estimate", context: context)
            SensitivityFixtures.check(c.standardError, t, r, "se", context: context)
            SensitivityFixtures.check(c.ciLow, t, r, "ci_low", context: context)
            SensitivityFixtures.check(c.ciHigh, t, r, "ci_high", context: context)
            SensitivityFixtures.check(result.refit.tau2, t, r, "tau2", context: context, abs: 1e-10)
            let refs = SensitivityFixtures.rows(f, ["dataset": key[0], "method": key[1], "estimator": estimator.rawValue])
            #expect(refs.count == result.filled.count, "\(context): filled studies")
            for (s, fr) in zip(result.filled, refs) {
                #expect(s.label == f.record(fr)["study"])
                SensitivityFixtures.check(s.yi, f, fr, "yi", context: "\(context) \(s.label)")
                SensitivityFixtures.check(s.vi, f, fr, "vi", context: "\(context) \(s.label)")
            }
        }
    }

    @Test(arguments: datasets)
    func failSafeNMatchesMetafor(_ dataset: String) throws {
        let t = try #require(BiasGoldenTests.fsn)
        let studies = try SensitivityFixtures.studies(dataset)
        let mean = studies.reduce(0) { $0 + $1.yi } / Double(studies.count)
        let results: [(String, String, FailSafeNResult)] = [
            ("Rosenthal", "NA (Stouffer)", try FailSafeN.rosenthal(studies)),
            ("Orwin", "default mean(yi)/2", try FailSafeN.orwin(studies)),
            ("Orwin", "mean(yi)/4", try FailSafeN.orwin(studies, target: mean / 4)),
            ("Rosenberg", "NA", try FailSafeN.rosenberg(studies)),
        ]
        for (type, rule, result) in results {
            let r = try #require(SensitivityFixtures.rows(t, ["dataset": dataset, "type": type, "target_rule": rule]).first)
            let context = "fsn \(dataset) \(type) \(rule)"
            #expect(result.n.map(Double.init) == t.double(r, "fsnum"), "\(context): \(String(describing: result.n))")
            SensitivityFixtures.check(result.raw, t, r, "fsnum_raw", context: context, rel: 1e-9)
            SensitivityFixtures.check(result.pValue, t, r, "pval", context: context, rel: 1e-9)
            SensitivityFixtures.check(result.meanEffect, t, r, "meanes", context: context, rel: 1e-12)
            SensitivityFixtures.check(result.target, t, r, "target", context: context, rel: 1e-12)
        }
    }

    /// Too few studies: the regression test needs k ≥ 3 (metafor cannot fit β₀, β₁ and τ² otherwise);
    /// equal standard errors cannot be a predictor.
    @Test func tooFewStudiesOrEqualErrorsAreErrors() throws {
        let two = try SensitivityFixtures.studies("edge_k2")
        #expect(throws: DomainError.self) { _ = try EggerRegressionTest().run(two) }
        let equal = (0..<5).map { StudyEffect(label: "S\($0)", yi: Double($0) / 10, vi: 0.04) }
        #expect(throws: DomainError.self) { _ = try EggerRegressionTest().run(equal) }
        #expect(throws: DomainError.self) { _ = try TrimAndFill().run(equal) }
        // …but trim-and-fill runs when the side is given, and the rank test gives its (powerless) answer at k = 2.
        _ = try TrimAndFill(side: .left).run(equal)
        let rank = try RankCorrelationTest().run(two)
        #expect(rank.pValue == 1 && !rank.warnings.isEmpty)
    }

    /// The battery reports what it can and says why the rest is missing.
    @Test func batteryReportsFailuresPerMethod() throws {
        let two = try SensitivityFixtures.studies("edge_k2")
        let result = try PublicationBiasAnalysis().run(two)
        #expect(result.egger == nil && result.eggerLM == nil)
        #expect(result.failures.contains { $0.method == .egger })
        #expect(result.begg != nil && result.fsnRosenthal != nil)
        #expect(result.funnel.points.count == 2)
    }

    /// Funnel coordinates: each study at (yᵢ, √vᵢ), the contour θ̂ ± z·se from se = 0.
    @Test func funnelCoordinates() throws {
        let studies = try SensitivityFixtures.studies("bcg")
        let funnel = FunnelPlot.coordinates(studies, estimate: -0.7, level: 0.95)
        #expect(funnel.contour.first?.se == 0 && funnel.contour.first?.lower == -0.7)
        let last = try #require(funnel.contour.last)
        #expect(isClose(last.se, studies.map { $0.vi.squareRoot() }.max()!, rel: 1e-15))
        #expect(isClose(last.upper - last.lower, 2 * 1.959963984540054 * last.se, rel: 1e-12))
    }
}
