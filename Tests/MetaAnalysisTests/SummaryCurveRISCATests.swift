import Foundation
import MetaAnalysis
import StatNumerics
import Testing
import TestSupport

/// `--compat risca` against RISCA 1.0.7 on its own example data (dataHepatology, 27 studies).
///
/// Reference: `shared/data/summary-curves/expected_hepatology.json`, made with R 4.2.2, RISCA 1.0.7
/// and mvtnorm 1.1-3 by
/// `set.seed(20140213); survival.summary(study = dat$study, time = dat$time, n.risk = dat$n,
///  surv.rate = dat$surv, confidence = "Greenwood")` (and `"MonteCarlo"`), internals read from the
/// function's frame. Deterministic numbers must agree to 1e-6 relative (closed form; matrix elements
/// near 0 to 1e-9 absolute, i.e. 1e-7 of the matrices' scale). Monte Carlo numbers use another
/// generator, so they are checked against RISCA's seed-to-seed spread (`mc_spread`, seeds 1..40):
/// within the mean ± 4 sd.
@Suite("Summary curve — RISCA compatibility (hepatology)")
struct SummaryCurveRISCATests {
    static let relative = 1e-6
    static let absoluteNearZero = 1e-9

    let expected: JSON
    let rows: [SummaryCurveRow]

    init() throws {
        expected = try SummaryCurveFixtures.expected()
        rows = try SummaryCurveFixtures.hepatologyRows()
    }

    /// Deterministic checks switch the Monte Carlo off (draws: 0); it does not touch them.
    func fit(_ effects: SummaryCurveEffects, _ confidence: SummaryCurveConfidence = .delta, draws: Int = 0) throws -> SummaryCurveResult {
        try SummaryCurveModel.risca(effects: effects, confidence: confidence,
                                    monteCarlo: SummaryCurveMonteCarloSpec(draws: draws, seed: 20_140_213)).fit(rows)
    }

    static func close(_ a: [Double], _ b: [Double], rel: Double = relative, abs: Double = absoluteNearZero) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { isClose($0, $1, rel: rel, abs: abs) }
    }

    @Test("Greenwood curves (fixed and random) match RISCA to 1e-6", arguments: [SummaryCurveEffects.fixed, .random])
    func greenwoodCurve(effects: SummaryCurveEffects) throws {
        let result = try fit(effects)
        let block = expected[effects.rawValue]
        #expect(result.rows.map(\.time) == block["time"].doubles)
        #expect(maxRelativeError(result.rows.map(\.surv), block["surv"].doubles) < Self.relative)
        #expect(maxRelativeError(result.rows.map { $0.ciLow ?? .nan }, block["ci_greenwood"]["lower"].doubles) < Self.relative)
        #expect(maxRelativeError(result.rows.map { $0.ciHigh ?? .nan }, block["ci_greenwood"]["upper"].doubles) < Self.relative)
        #expect(isClose(result.median.estimate, block["median"]["estimate"].double, rel: Self.relative))
        #expect(isClose(result.rmst.estimate, block["rmst"]["estimate"].double, rel: Self.relative))
        #expect(result.rmstTau == block["rmst"]["tau"].double)
        let key = effects == .fixed ? "var_log_surv_fixed" : "var_log_surv_random"
        #expect(maxRelativeError(result.estimation.varianceLogSurv.map { $0 ?? .nan }, expected["internals"][key].doubles) < Self.relative)
    }

    @Test("Heterogeneity Q, H² (df = cells − studies) and I² match RISCA")
    func heterogeneity() throws {
        let result = try fit(.random)
        let h = expected["heterogeneity"]
        #expect(isClose(result.q, h["Q"].double!, rel: Self.relative))
        #expect(isClose(result.h2, h["H2"].double, rel: Self.relative))
        #expect(isClose(result.i2, h["I2_percent"].double, rel: Self.relative))
        #expect(result.qDF == h["df_used"].int)
        #expect(result.input.countedCells == h["n_obs"].int)
        #expect(result.input.studiesPerInterval == expected["input"]["studies_per_time"].doubles.map { Int($0) })
    }

    @Test("Internals: y, v (with RISCA's fill-ins), β, Cov β, T raw/PSD and its eigenvalues")
    func internals() throws {
        let fixed = try fit(.fixed)
        let random = try fit(.random)
        let e = expected["internals"]
        let ids = e["study_ids"].doubles.map { String(Int($0)) }
        #expect(random.input.studies == ids)
        let y = e["y"].matrix, v = e["v"].matrix
        for i in ids.indices {
            #expect(Self.close(random.input.y[i].map { $0 ?? .nan }, y[i]), "y of study \(ids[i])")
            #expect(Self.close(random.input.v[i].map { $0 ?? .nan }, v[i]), "v of study \(ids[i])")
        }
        #expect(Self.close(fixed.estimation.beta, e["beta_fixed"].doubles))
        #expect(Self.close(fixed.estimation.covariance.enumerated().map { $0.element[$0.offset] }, e["var_beta_fixed"].doubles))
        #expect(Self.close(random.estimation.beta, e["beta_random"].doubles))
        for (a, b) in zip(random.estimation.covariance, e["cov_beta_random"].matrix) { #expect(Self.close(a, b)) }
        for (a, b) in zip(random.estimation.tauRaw, e["tau_raw"].matrix) { #expect(Self.close(a, b)) }
        for (a, b) in zip(random.estimation.tauPSD, e["tau_psd"].matrix) { #expect(Self.close(a, b)) }
        #expect(Self.close(random.estimation.tauRawEigenvalues, e["tau_raw_eigenvalues"].doubles.sorted()))
    }

    /// RISCA's Monte Carlo moves from seed to seed; ours (another generator) must fall inside the
    /// spread RISCA itself shows: |ours − mean over seeds 1..40| ≤ 4 sd.
    static func withinSpread(_ x: Double?, _ spread: JSON, _ what: String) {
        guard let x, let mean = spread["mean"].double, let sd = spread["sd"].double else {
            Issue.record("\(what): missing value (ours \(String(describing: x)))")
            return
        }
        #expect(abs(x - mean) <= 4 * sd, "\(what): \(x) vs RISCA's \(mean) ± \(sd) over seeds")
    }

    @Test("Monte Carlo band, median CI and RMST CI lie within RISCA's seed-to-seed spread", arguments: [SummaryCurveEffects.fixed, .random])
    func monteCarlo(effects: SummaryCurveEffects) throws {
        let result = try fit(effects, .monteCarlo, draws: 10_000)
        let spread = expected["mc_spread"][effects.rawValue]
        #expect(result.seed == 20_140_213 && result.monteCarlo.draws == 10_000)
        for (t, row) in result.rows.enumerated() {
            #expect(row.ciLow == row.monteCarloCILow && row.ciHigh == row.monteCarloCIHigh)
            let lowMean = spread["surv_ci_lower_mean"][t].double!, lowSD = spread["surv_ci_lower_sd"][t].double!
            let highMean = spread["surv_ci_upper_mean"][t].double!, highSD = spread["surv_ci_upper_sd"][t].double!
            #expect(abs(row.ciLow! - lowMean) <= 4 * lowSD, "lower at t = \(row.time): \(row.ciLow!) vs \(lowMean) ± \(lowSD)")
            #expect(abs(row.ciHigh! - highMean) <= 4 * highSD, "upper at t = \(row.time): \(row.ciHigh!) vs \(highMean) ± \(highSD)")
        }
        Self.withinSpread(result.median.ciLow, spread["median_lower"], "median lower")
        Self.withinSpread(result.median.ciHigh, spread["median_upper"], "median upper")
        Self.withinSpread(result.rmst.ciLow, spread["rmst_lower"], "RMST lower")
        Self.withinSpread(result.rmst.ciHigh, spread["rmst_upper"], "RMST upper")
        #expect(result.median.monteCarloUndefined == 0)
        // The point estimates do not depend on the band.
        let block = expected[effects.rawValue]
        #expect(maxRelativeError(result.rows.map(\.surv), block["surv"].doubles) < Self.relative)
    }

    /// `set.seed(20140213); survival.summary.strata(..., confidence = "Greenwood", strata = dat$location)`:
    /// each stratum's and the pooled analysis at full precision (times ≤ 24), and the between-strata
    /// test as RISCA returns it, from Q rounded to 2 decimals: 704.5 − 131.82 − 407.4 = 165.28 on
    /// 12 df, p = 1 − pchisq(…) = 0.
    @Test("Strata (location): per-stratum curves at full precision and RISCA's rounded-Q test")
    func strata() throws {
        let comparison = try SummaryCurveModel.risca(monteCarlo: SummaryCurveMonteCarloSpec(draws: 0)).compareStrata(rows)
        let s = expected["strata"]
        let full = s["full_precision"]
        #expect(comparison.timeBound == s["time_bound"].double)
        for fit in comparison.strata + [comparison.overall] {
            let e = full["per_stratum"][fit.stratum]
            #expect(fit.rows == e["rows"].int && fit.studies == e["studies"].int, "\(fit.stratum)")
            for (result, block) in [(fit.fixed, e["fixed"]), (fit.random, e["random"])] {
                #expect(maxRelativeError(result.rows.map(\.surv), block["surv"].doubles) < Self.relative, "\(fit.stratum) \(result.model)")
                #expect(maxRelativeError(result.rows.map { $0.ciLow! }, block["lower"].doubles) < Self.relative)
                #expect(maxRelativeError(result.rows.map { $0.ciHigh! }, block["upper"].doubles) < Self.relative)
                #expect(isClose(result.median.estimate, block["median"].double, rel: Self.relative))
                #expect(isClose(result.rmst.estimate, block["rmst"].double, rel: Self.relative))
            }
            #expect(isClose(fit.fixed.q, e["Q"].double!, rel: Self.relative))
            #expect(isClose(fit.fixed.h2, e["H2"].double, rel: Self.relative))
            #expect(isClose(fit.fixed.i2, e["I2_percent"].double, rel: Self.relative))
        }
        let test = comparison.fixedEffectTest
        #expect(test.fromRoundedQ && test.df == full["df"].int)
        #expect(isClose(test.qBetween, 165.28, rel: 1e-12))
        #expect(test.p == s["risca_output"]["p_value"].double)
        #expect(comparison.randomEffectsTest == nil)
    }
}
