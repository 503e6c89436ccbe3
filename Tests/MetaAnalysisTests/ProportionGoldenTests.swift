import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import StatNumerics

/// Proportion measures, their pooling and the binomial–normal GLMM against metafor 3.8-1.
///
/// Fixtures written by `Fixtures/metafor/proportion_fixtures.R`:
/// - `escalc_props.csv`: `escalc(measure = M, xi = events, ni = n)` for PLO, PFT, PAS, PLN, PR
///   (defaults: add = 1/2 to = "only0" for PLO/PLN/PR, no correction for PAS/PFT);
/// - `rma_props.csv`: `rma(yi, vi, method = M, control = list(threshold = 1e-10, tol = 1e-12))` and
///   `predict(res, transf = …)` with transf.ilogit, transf.ipft.hm (targs ni = n), transf.iarcsin, exp;
/// - `glmm.csv`: `rma.glmm(measure = "PLO", xi, ni, method = "ML")` with nAGQ 7 (`tight` optimizer
///   rows) and nAGQ 25.
/// Datasets: dat.pritz1997 (two 100% studies), dat.debruin2009, dat.hasselblad1998 (two zero-event
/// arms), and two made-up edge sets with zeros and 100%.
struct ProportionGoldenTests {
    static let folder = fixturesDirectory().appendingPathComponent("metafor")

    static func counts(_ name: String) throws -> (labels: [String], events: [Double], n: [Double]) {
        let t = try FixtureTable(contentsOf: folder.appendingPathComponent("datasets/\(name).csv"))
        let r = 0..<t.rows.count
        return (r.map { t.record($0)["study"]! }, r.map { t.double($0, "events")! }, r.map { t.double($0, "n")! })
    }

    @Test func escalcMatches() throws {
        let t = try FixtureTable(contentsOf: Self.folder.appendingPathComponent("escalc_props.csv"))
        #expect(t.rows.count > 100)
        for r in 0..<t.rows.count {
            let measure = try #require(EffectMeasure(rawValue: t.record(r)["measure"]!))
            let e = try ProportionEffects.escalc(events: t.double(r, "events")!, n: t.double(r, "n")!, measure: measure)
            #expect(isClose(e.yi, t.double(r, "yi"), rel: 1e-12, abs: 1e-15), "row \(r) yi")
            #expect(isClose(e.vi, t.double(r, "vi"), rel: 1e-12), "row \(r) vi")
        }
    }

    @Test func pooledProportionsAndBackTransformsMatch() throws {
        let t = try FixtureTable(contentsOf: Self.folder.appendingPathComponent("rma_props.csv"))
        #expect(t.rows.count >= 40)
        for r in 0..<t.rows.count {
            let rec = t.record(r)
            let measure = try #require(EffectMeasure(rawValue: rec["measure"]!))
            let method = try #require(TauSquaredEstimator(rawValue: rec["method"]!))
            let data = try Self.counts(rec["dataset"]!)
            let studies = try data.labels.indices.map { i -> StudyEffect in
                let e = try ProportionEffects.escalc(events: data.events[i], n: data.n[i], measure: measure)
                return StudyEffect(label: data.labels[i], yi: e.yi, vi: e.vi)
            }
            let fit = try RandomEffectsModel(estimator: method, control: ModelControl(threshold: 1e-10, maxIterations: 1000)).fit(studies)
            let ctx = "\(rec["dataset"]!) \(measure) \(method)"
            let rel = method.isIterative ? 1e-6 : 1e-8
            #expect(isClose(fit.estimate, t.double(r, "estimate"), rel: rel, abs: 1e-12), "\(ctx) estimate")
            #expect(isClose(fit.model.tau2, t.double(r, "tau2"), rel: rel, abs: 1e-10), "\(ctx) tau2")
            let nhm = Double(data.n.count) / data.n.reduce(0) { $0 + 1 / $1 }
            func bt(_ x: Double?) -> Double? { x.map { measure.backTransform($0, harmonicMeanN: nhm) } }
            #expect(isClose(bt(fit.estimate), t.double(r, "bt_estimate"), rel: rel, abs: 1e-12), "\(ctx) back-transformed estimate")
            #expect(isClose(bt(fit.pooled.ciLow), t.double(r, "bt_ci_low"), rel: rel, abs: 1e-12), "\(ctx) bt ci_low")
            #expect(isClose(bt(fit.pooled.ciHigh), t.double(r, "bt_ci_high"), rel: rel, abs: 1e-12), "\(ctx) bt ci_high")
            #expect(isClose(bt(fit.predictionInterval?.lower), t.double(r, "bt_pi_low"), rel: rel, abs: 1e-12), "\(ctx) bt pi_low")
            #expect(isClose(bt(fit.predictionInterval?.upper), t.double(r, "bt_pi_high"), rel: rel, abs: 1e-12), "\(ctx) bt pi_high")
        }
    }

    /// lme4's optimum and its finite-difference Hessian are themselves only accurate to ~1e-6
    /// (the fixture's `default` and `tight` optimizer rows differ by 4e-6), so estimates are compared
    /// at 1e-5 relative and standard errors at 1e-4.
    @Test func glmmMatchesRmaGlmm() throws {
        let t = try FixtureTable(contentsOf: Self.folder.appendingPathComponent("glmm.csv"))
        var compared = 0
        for r in 0..<t.rows.count {
            let rec = t.record(r)
            guard rec["variant"] == "tight" || rec["variant"] == "agq25", t.double(r, "estimate") != nil else { continue }
            let data = try Self.counts(rec["dataset"]!)
            let points = Int(t.double(r, "nagq")!)
            let fit = try BinomialNormalModel(quadraturePoints: points).fit(events: data.events, n: data.n)
            let ctx = "\(rec["dataset"]!) nAGQ \(points)"
            #expect(isClose(fit.estimate, t.double(r, "estimate"), rel: 1e-5, abs: 1e-6), "\(ctx) estimate \(fit.estimate)")
            #expect(isClose(fit.tau2, t.double(r, "tau2"), rel: 1e-4, abs: 1e-6), "\(ctx) tau2 \(fit.tau2)")
            #expect(isClose(fit.standardError, t.double(r, "se"), rel: 1e-4), "\(ctx) se \(fit.standardError)")
            #expect(isClose(fit.ciLow, t.double(r, "ci_low"), rel: 1e-4, abs: 1e-5), "\(ctx) ci_low")
            // metafor's fit.stats ll is built from lme4's conditional deviance; the marginal
            // log-likelihood is lme4's logLik plus the saturated binomial term (glmm_loglik.R).
            let lls = try FixtureTable(contentsOf: Self.folder.appendingPathComponent("glmm_loglik.csv"))
            let llRow = try #require((0..<lls.rows.count).first { lls.record($0)["dataset"] == rec["dataset"] && Int(lls.double($0, "nagq")!) == points })
            #expect(isClose(fit.logLikelihood, lls.double(llRow, "marginal"), rel: 1e-7), "\(ctx) marginal loglik \(fit.logLikelihood)")
            #expect(isClose(fit.qWald, t.double(r, "q_wald"), rel: 1e-6), "\(ctx) q_wald \(fit.qWald)")
            #expect(isClose(fit.qLRT, t.double(r, "q_lrt"), rel: 1e-8), "\(ctx) q_lrt")
            #expect(isClose(fit.typicalVariance, t.double(r, "vt"), rel: 1e-10), "\(ctx) vt")
            #expect(isClose(fit.i2, t.double(r, "i2"), rel: 1e-4, abs: 1e-6), "\(ctx) i2")
            compared += 1
        }
        #expect(compared >= 6)
    }

    @Test func gaussHermiteIntegratesPolynomialsExactly() throws {
        let rule = try GaussHermiteRule(points: 7)
        // ∫ z^{2m} e^{−z²} dz = Γ(m + 1/2); exact for degree ≤ 13.
        for m in 0...6 {
            let q = zip(rule.nodes, rule.weights).reduce(0) { $0 + $1.1 * pow($1.0, Double(2 * m)) }
            #expect(isClose(q, exp(SpecialFunctions.logGamma(Double(m) + 0.5)), rel: 1e-12), "moment \(2 * m)")
        }
    }
}
