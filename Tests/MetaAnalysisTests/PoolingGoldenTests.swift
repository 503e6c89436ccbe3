import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import StatNumerics

/// Golden tests of the pooling engine against metafor 3.8-1.
///
/// Fixture: `Fixtures/metafor/rma_uni.csv`, written by `Fixtures/metafor/pool_fixtures.R`:
/// `rma.uni(yi, vi, data = d, method = M, test = T, level = L,
///          control = list(threshold = 1e-10, maxiter = 1000, tol = 1e-12))` (GENQ with `weights = 1/vi`),
/// `predict(res)`, `predict(res, pi.type = "riley")`, `confint(res, type = "QP", control = list(tol = 1e-12))`
/// and `weights(res)`, for 16 datasets (dat.bcg, dat.hackshaw1998, dat.normand1999, dat.molloy2014,
/// dat.pritz1997, log-HR sets and edge cases) × 13 estimators × 4 tests.
/// Tolerances: 1e-8 relative for the closed-form estimators, 1e-6 relative for the iterative ones
/// (R's threshold 1e-10 on τ² leaves about that much), with an absolute floor for values near zero.
struct PoolingGoldenTests {
    static let folder = fixturesDirectory().appendingPathComponent("metafor")
    static let table = try? FixtureTable(contentsOf: folder.appendingPathComponent("rma_uni.csv"))
    static let weights = try? FixtureTable(contentsOf: folder.appendingPathComponent("rma_uni_weights.csv"))

    static func dataset(_ name: String) throws -> [StudyEffect] {
        let t = try FixtureTable(contentsOf: folder.appendingPathComponent("datasets/\(name).csv"))
        return (0..<t.rows.count).map { r in
            StudyEffect(label: t.record(r)["study"] ?? "\(r)", yi: t.double(r, "yi")!, vi: t.double(r, "vi")!)
        }
    }

    static var rowIndices: [Int] { Array(0..<(table?.rows.count ?? 0)) }

    @Test func fixtureIsPresent() {
        #expect((PoolingGoldenTests.table?.rows.count ?? 0) > 700)
    }

    @Test(arguments: rowIndices)
    func matchesMetafor(row: Int) throws {
        let t = try #require(PoolingGoldenTests.table)
        let rec = t.record(row)
        let name = rec["dataset"]!
        let method = try #require(TauSquaredEstimator(rawValue: rec["method"]!))
        var test = try #require(InferenceTest(rawValue: rec["test"]!))
        if let used = rec["test_used"], let u = InferenceTest(rawValue: used) { test = u }
        let level = t.double(row, "level")!
        let studies = try PoolingGoldenTests.dataset(name)
        let control = ModelControl(threshold: 1e-10, maxIterations: 1000, rootTolerance: 1e-12)
        let fit = try RandomEffectsModel(estimator: method, test: test, level: level, control: control).fit(studies)
        let rel = method.isIterative ? 1e-6 : 1e-8
        let context = "\(name) \(method.rawValue) \(test.rawValue) level \(level)"
        func check(_ ours: Double?, _ column: String, rel r: Double = rel, abs a: Double = 1e-9) {
            let ref = t.double(row, column)
            #expect(isClose(ours, ref, rel: r, abs: a), "\(context): \(column) = \(String(describing: ours)), metafor \(String(describing: ref))")
        }
        let m = fit.model
        #expect(m.k == Int(t.double(row, "k")!))
        check(fit.estimate, "estimate")
        check(fit.standardError, "se")
        if let refStat = t.double(row, "stat"), refStat.isInfinite {
            // metafor divides by a zero SE; SurvMeta reports the infinite statistic as null.
            #expect(fit.pooled.statistic == nil && fit.standardError == 0, "\(context): infinite statistic")
        } else {
            check(fit.pooled.statistic, "stat")
        }
        check(fit.pooled.pValue, "p", abs: 1e-12)
        check(m.degreesOfFreedom.map(Double.init), "df")
        check(fit.pooled.ciLow, "ci_low")
        check(fit.pooled.ciHigh, "ci_high")
        check(fit.predictionInterval?.lower, "pi_low")
        check(fit.predictionInterval?.upper, "pi_high")
        check(m.tau2, "tau2", abs: 1e-10)
        // metafor forms tr(P²) from dense k × k products, which loses about 1e-8 relative when one
        // variance is 1e-6 beside others near 0.1 (edge_dominant); 1e-7 covers that.
        check(m.tau2StandardError, "tau2_se", rel: max(rel, 1e-7))
        check(m.i2, "i2", abs: 1e-7)
        check(m.h2, "h2")
        check(m.qe, "q")
        check(Double(m.qeDF), "q_df")
        check(m.qeP, "q_p", abs: 1e-12)
        check(m.knappHartungScale, "s2w")
        check(m.logLikelihoodML, "ll_ml")
        check(m.logLikelihoodREML, "ll_reml")
        if !method.isEqualEffects && m.k >= 2 {
            let hi = fit.heterogeneityIntervals
            check(hi?.tau2Low, "tau2_ci_low", rel: 1e-6, abs: 1e-9)
            check(hi?.tau2High, "tau2_ci_high", rel: 1e-6, abs: 1e-9)
            check(hi?.i2Low, "i2_ci_low", rel: 1e-6, abs: 1e-7)
            check(hi?.i2High, "i2_ci_high", rel: 1e-6, abs: 1e-7)
            check(hi?.h2Low, "h2_ci_low", rel: 1e-6, abs: 1e-9)
            check(hi?.h2High, "h2_ci_high", rel: 1e-6, abs: 1e-9)
        }
        // The Higgins interval (t with k − 2 df) equals metafor's predict(pi.type = "riley") for k ≥ 3.
        if !method.isEqualEffects && m.k >= 3 {
            let higgins = try RandomEffectsModel(estimator: method, test: test, level: level, predictionInterval: .higgins, control: control).fit(studies)
            check(higgins.predictionInterval?.lower, "pi_t_low")
            check(higgins.predictionInterval?.upper, "pi_t_high")
        }
        // Study weights (percent), fixture for test z.
        if test == .z, let w = PoolingGoldenTests.weights {
            let refs = (0..<w.rows.count).filter { w.record($0)["dataset"] == name && w.record($0)["method"] == method.rawValue }
            if level == 0.95 {
                #expect(refs.count == studies.count, "\(context): weights fixture rows")
                for (i, r) in refs.enumerated() where i < m.weightsPercent.count {
                    #expect(isClose(m.weightsPercent[i], w.double(r, "weight"), rel: rel, abs: 1e-10), "\(context): weight \(i)")
                }
            }
        }
    }

    /// metafor 3.8 stops with "Fisher scoring algorithm did not converge" for EB on the extreme-variance
    /// set even with 1,000 iterations (`rma_uni_errors.csv`). SurvMeta's Newton finish converges there;
    /// the estimate must then solve EB's defining equation Q(τ²) = k − p (Morris 1983).
    @Test func ebConvergesWhereMetaforDoesNot() throws {
        let studies = try PoolingGoldenTests.dataset("edge_extreme_var")
        let fit = try RandomEffectsModel(estimator: .EB, control: ModelControl(maxIterations: 1000)).fit(studies)
        let pm = try RandomEffectsModel(estimator: .PM).fit(studies)
        #expect(fit.model.convergence.converged)
        #expect(isClose(fit.model.tau2, pm.model.tau2, rel: 1e-6, abs: 1e-12), "EB and PM solve the same equation")
    }

    /// A fit that runs out of iterations is a typed error naming the estimator, the iteration and a remedy.
    @Test func nonConvergenceIsATypedError() throws {
        let studies = try PoolingGoldenTests.dataset("bcg")
        #expect {
            _ = try RandomEffectsModel(estimator: .REML, control: ModelControl(maxIterations: 2)).fit(studies)
        } throws: { error in
            guard let e = error as? NumericalError else { return false }
            return e.routine.contains("REML") && e.iteration == 2 && e.remedy.contains("--max-iter")
        }
    }
}
