import Foundation
import MetaAnalysis
import StatNumerics
import Testing
import TestSupport

/// The default mode: each quirk of RISCA 1.0.7 listed in `shared/data/summary-curves/README.md`
/// ("Known quirks") is fixed on purpose; each test shows the difference against `--compat risca`
/// on the hepatology data (27 studies) or on a small constructed example.
@Suite("Summary curve — default mode fixes RISCA's quirks")
struct SummaryCurveDefaultModeTests {
    let rows: [SummaryCurveRow]
    let expected: JSON

    init() throws {
        rows = try SummaryCurveFixtures.hepatologyRows()
        expected = try SummaryCurveFixtures.expected()
    }

    static let noMonteCarlo = SummaryCurveMonteCarloSpec(draws: 0)

    /// Quirk 3. Q = 731.217 either way; RISCA divides by cells − studies (290), the default by
    /// cells − intervals (297), the df of the fixed-effect fit (README `alt_df_obs_minus_times`).
    @Test("H² and I² use df = cells − intervals: H² 2.462 (RISCA 2.521)")
    func heterogeneityDegreesOfFreedom() throws {
        let fixedDefault = try SummaryCurveModel(effects: .fixed, monteCarlo: Self.noMonteCarlo).fit(rows)
        let risca = try SummaryCurveModel.risca(effects: .fixed, monteCarlo: Self.noMonteCarlo).fit(rows)
        let alt = expected["heterogeneity"]["alt_df_obs_minus_times"]
        #expect(isClose(fixedDefault.q, risca.q, rel: 1e-12))
        #expect(fixedDefault.qDF == alt["df"].int && risca.qDF == 290)
        #expect(isClose(fixedDefault.h2, alt["H2"].double, rel: 1e-6))
        #expect(isClose(fixedDefault.i2, alt["I2_percent"].double, rel: 1e-6))
        #expect(isClose(risca.h2, 2.521438372494437, rel: 1e-6))
        #expect(isClose(fixedDefault.qP, ChiSquared(df: 297).sf(fixedDefault.q), rel: 1e-12))
        // Per-interval heterogeneity: df = k_t − 1; the Q_t add up to Q.
        #expect(fixedDefault.intervals.map(\.df) == expected["input"]["studies_per_time"].doubles.map { Int($0) - 1 })
        #expect(isClose(fixedDefault.intervals.reduce(0) { $0 + $1.q }, fixedDefault.q, rel: 1e-12))
    }

    /// Quirk 4. In (36, 39] neither study 7 nor 12 has a death: RISCA's sin²β pools to 0.962 (random)
    /// so its curve drops 3.8 %; the corrected inversion pools exactly 1 (fixed) — no drop.
    @Test("Back-transform accounts for the continuity correction: no drop where nobody dies")
    func noDropWithoutDeaths() throws {
        let risca = try SummaryCurveModel.risca(monteCarlo: Self.noMonteCarlo).fit(rows)
        let riscaDrop = 1 - risca.rows[16].surv / risca.rows[15].surv
        #expect(risca.rows[16].time == 39 && abs(riscaDrop - 0.0383) < 0.0005, "RISCA's drop at 39: \(riscaDrop)")
        let fixed = try SummaryCurveModel(effects: .fixed, monteCarlo: Self.noMonteCarlo).fit(rows)
        for t in [16, 18, 19] {  // 39, 45, 48 months: no deaths in either study
            #expect(fixed.rows[t].conditionalSurv == 1)
            #expect(fixed.rows[t].surv == fixed.rows[t - 1].surv)
        }
        // Random effects borrow strength from the correlated intervals, so β at 39 is not exactly
        // the no-death value: a model-based 0.4 % drop, not RISCA's 3.8 %.
        let random = try SummaryCurveModel(monteCarlo: Self.noMonteCarlo).fit(rows)
        #expect(random.rows[16].conditionalSurv > 0.99)
    }

    /// Quirk 4, by construction: 10,000 one-interval studies of n = 10 whose survivors are spread
    /// as Binomial(10, p) (study counts ∝ the probabilities), so the fixed-effect β is the binomial
    /// mean of the transform. Near p = 1 sin²β is biased (0.956 for p = 0.97, 0.970 for p = 0.99,
    /// the exact sin² E f(X)); the unbiased inversion gives 0.966 and 0.985 (its second-order
    /// expansion of E f(X) is least accurate at small n; exact at p = 1).
    @Test("Unbiased inversion: binomially spread studies pool back near the true p", arguments: [0.97, 0.99])
    func unbiasedInversion(p: Double) throws {
        var rows: [SummaryCurveRow] = []
        let n = 10
        for x in 0...n {
            let pmf = exp(lgamma(Double(n + 1)) - lgamma(Double(x + 1)) - lgamma(Double(n - x + 1))) * pow(p, Double(x)) * pow(1 - p, Double(n - x))
            for k in 0..<Int((10_000 * pmf).rounded()) {
                rows.append(SummaryCurveRow(study: "x\(x)-\(k)", time: 1, surv: Double(x) / Double(n), n: Double(n)))
            }
        }
        let fixed = try SummaryCurveModel(effects: .fixed, monteCarlo: Self.noMonteCarlo).fit(rows)
        let risca = try SummaryCurveModel.risca(effects: .fixed, monteCarlo: Self.noMonteCarlo).fit(rows)
        let errorDefault = abs(fixed.rows[0].surv - p), errorRISCA = abs(risca.rows[0].surv - p)
        #expect(errorDefault < 0.006 && errorRISCA > 2.5 * errorDefault, "default \(fixed.rows[0].surv), RISCA \(risca.rows[0].surv), p = \(p)")
    }

    /// Quirk 1. RISCA needs every study at every grid time up to its last; the default builds the
    /// union grid and splits a study's coarse interval at the other studies' times (constant hazard).
    @Test("Studies with different time grids need no common grid")
    func unionGrid() throws {
        func study(_ id: String, _ times: [Double], hazard: Double, n: Double) -> [SummaryCurveRow] {
            times.map { SummaryCurveRow(study: id, time: $0, surv: exp(-hazard * $0), n: n * exp(-hazard * $0)) }
        }
        let rows = study("A", [1, 2, 3, 4, 5, 6], hazard: 0.10, n: 80)
            + study("B", [2, 4, 6], hazard: 0.12, n: 60)
            + study("C", [3, 6, 9], hazard: 0.09, n: 100)
        #expect(throws: SummaryCurveInputError.incompleteCommonGrid(study: "B", missingTime: 1)) {
            try SummaryCurveModel.risca(monteCarlo: Self.noMonteCarlo).fit(rows)
        }
        let result = try SummaryCurveModel(monteCarlo: Self.noMonteCarlo).fit(rows)
        #expect(result.rows.map(\.time) == [1, 2, 3, 4, 5, 6, 9])
        #expect(result.input.studiesPerInterval == [3, 3, 3, 3, 3, 3, 1])
        #expect(result.input.interpolatedCells == 2 + 2 + 2 + 3 + 3)  // B: 2×2; C: 3 + 3
        // Study B's (0, 2] is split at 1 with the same hazard: c = exp(−0.12) in each half.
        let b = try #require(result.input.studies.firstIndex(of: "B"))
        let y = result.input.y[b]
        #expect(isClose(y[0], y[1], rel: 0.02))
        // (6, 9] has one study: no heterogeneity information there, T is not estimated.
        #expect(result.estimation.unestimableIntervals == [6])
        #expect(result.intervals[6].tau2 == nil && result.intervals[6].h2 == nil)
        // The true curves lie between exp(−0.12 t) and exp(−0.09 t).
        for r in result.rows { #expect(r.surv <= exp(-0.09 * r.time) + 0.02 && r.surv >= exp(-0.12 * r.time) - 0.02) }
    }

    /// Quirk 1, missing cells. With study 12 cut at 36 months only study 7 covers 39–48. RISCA's 10¹²
    /// fill-ins then make its moment estimate T_tt = −v/2 there (an artefact of the fill-ins: Q ≈ 0,
    /// a_t ≈ mε/w, b_t ≈ 2mε); the default mode leaves the study's missing cells out and reports T
    /// as not estimable where fewer than two studies remain.
    @Test("Missing intervals are left out, not filled with variance 10¹²")
    func missingCells() throws {
        let cut = rows.filter { !($0.study == "12" && $0.time > 36) }
        let risca = try SummaryCurveModel.risca(monteCarlo: Self.noMonteCarlo).fit(cut)
        let v = try #require(risca.input.v[6][16])  // study 7 at 39
        #expect(isClose(risca.estimation.tauRaw[16][16], -v / 2, rel: 1e-3))
        #expect(risca.input.v[0][16] == 1e12)  // study 1 ended at 18: RISCA's fill-in
        let result = try SummaryCurveModel(monteCarlo: Self.noMonteCarlo).fit(cut)
        #expect(result.input.v[0][16] == nil && result.input.y[0][16] == nil)
        #expect(result.estimation.unestimableIntervals == [16, 17, 18, 19])
        #expect(result.estimation.tauRaw[16][16] == 0 && result.intervals[16].tau2 == nil)
        #expect(result.intervals[16].studies == 1)
    }

    /// On complete data (times ≤ 5: all 27 studies report every time) there are no fill-ins, and
    /// the default moment estimator and GLS reduce exactly to RISCA's.
    @Test("On complete data the default moment estimate and pool equal RISCA's")
    func completeDataAgree() throws {
        let complete = try SummaryCurveFixtures.hepatologyRows(maxTime: 5)
        let risca = try SummaryCurveModel.risca(monteCarlo: Self.noMonteCarlo).fit(complete)
        let result = try SummaryCurveModel(monteCarlo: Self.noMonteCarlo).fit(complete)
        #expect(maxRelativeError(result.estimation.beta, risca.estimation.beta) < 1e-12)
        for (a, b) in zip(result.estimation.tauRaw, risca.estimation.tauRaw) { #expect(maxRelativeError(a, b) < 1e-12) }
    }

    /// Quirk 2. Study 1 reaches S = 0 at 18; a further row at 21 has conditional survival 0/0.
    @Test("Undefined conditional survival is an error naming the row (RISCA silently fills it)")
    func undefinedConditionalSurvival() throws {
        var bad = rows
        let index = try #require(bad.firstIndex { $0.study == "1" && $0.time == 18 })
        bad.insert(SummaryCurveRow(study: "1", time: 21, surv: 0, n: 1, line: 999), at: index + 1)
        let reference = SummaryCurveRowReference(index: index + 2, line: 999, study: "1", time: 21)
        #expect(throws: SummaryCurveInputError.rowAfterZeroSurvival(reference, zeroTime: 18)) {
            try SummaryCurveModel(monteCarlo: Self.noMonteCarlo).fit(bad)
        }
        do {
            _ = try SummaryCurveModel(monteCarlo: Self.noMonteCarlo).fit(bad)
        } catch {
            #expect("\(error)".contains("line 999 (study 1, time 21)"))
        }
        let risca = try SummaryCurveModel.risca(monteCarlo: Self.noMonteCarlo).fit(bad)
        #expect(risca.input.replacedRows == [reference])
        // The replaced cell holds the column's mean and keeps its own variance 1/(4 (1 + 1/2)).
        let column = risca.input.y.dropFirst().compactMap { $0[10] }
        let observed = risca.input.v.dropFirst().enumerated().filter { $0.element[10] != 1e12 }.map { column[$0.offset] }
        #expect(isClose(risca.input.y[0][10], observed.reduce(0, +) / Double(observed.count), rel: 1e-12))
        #expect(isClose(risca.input.v[0][10], 1 / 6, rel: 1e-12))
    }

    /// Quirk 5 (a). Every study loses more than half its patients in the first month, so Ŝ(t₁) < 0.5:
    /// RISCA reports no median; the default interpolates between (0, 1) and (t₁, Ŝ(t₁)).
    @Test("Median is defined when the curve crosses 0.5 before the first time")
    func medianBeforeFirstTime() throws {
        var rows: [SummaryCurveRow] = []
        for (k, n) in [30.0, 45, 60, 80].enumerated() {
            let s1 = 0.40 + 0.02 * Double(k)
            rows += [SummaryCurveRow(study: "s\(k)", time: 1, surv: s1, n: n),
                     SummaryCurveRow(study: "s\(k)", time: 2, surv: s1 * 0.7, n: n * s1)]
        }
        let risca = try SummaryCurveModel.risca(monteCarlo: SummaryCurveMonteCarloSpec(draws: 2_000)).fit(rows)
        #expect(risca.median.estimate == nil)
        let result = try SummaryCurveModel(monteCarlo: SummaryCurveMonteCarloSpec(draws: 2_000)).fit(rows)
        let s1 = result.rows[0].surv
        let median = try #require(result.median.estimate)
        #expect(isClose(median, 0.5 / (1 - s1), rel: 1e-12))  // (0,1)–(1, s1) reaches 0.5 at 0.5/(1 − s1)
        let low = try #require(result.median.deltaCILow), high = try #require(result.median.deltaCIHigh)
        #expect(low < median && median < high && high < 1)
        #expect(result.median.monteCarloUndefined == 0)
    }

    /// Quirk 5 (b). Up to 6 months the pooled curve only just passes 0.5, so some simulated curves
    /// never reach it: RISCA voids its Monte Carlo CI as soon as one of 10,000 draws does not cross;
    /// the default ranks those draws last, still gives the lower limit, and reports how many.
    @Test("Median Monte Carlo CI tolerates draws that do not reach 0.5, and says how many")
    func medianToleratesNonCrossingDraws() throws {
        let early = try SummaryCurveFixtures.hepatologyRows(maxTime: 6)
        let spec = SummaryCurveMonteCarloSpec(draws: 10_000, seed: 7)
        let risca = try SummaryCurveModel.risca(monteCarlo: spec).fit(early)
        #expect(risca.median.estimate != nil)
        #expect(risca.median.ciLow == nil && risca.median.ciHigh == nil)
        #expect((risca.median.monteCarloUndefined ?? 0) > 0)
        let result = try SummaryCurveModel(monteCarlo: spec).fit(early)
        let undefined = try #require(result.median.monteCarloUndefined)
        #expect(undefined > 250 && undefined < 5_000, "draws not reaching 0.5: \(undefined)")
        #expect(result.median.monteCarloCILow != nil)
        #expect(result.median.monteCarloCIHigh == nil)  // more than 2.5 % never reach it
        #expect(result.median.ciLow != nil && result.median.ciHigh != nil)  // the delta method
    }

    /// Quirk 5 (c). RISCA draws from R's global stream with no seed argument; here the seed is an
    /// option, echoed in the result, and the same seed reproduces the same band.
    @Test("Monte Carlo has a seed: same seed, same band; another seed, another band")
    func seed() throws {
        func band(_ seed: UInt64) throws -> SummaryCurveResult {
            try SummaryCurveModel(confidence: .monteCarlo, monteCarlo: SummaryCurveMonteCarloSpec(draws: 2_000, seed: seed)).fit(rows)
        }
        let a = try band(42), b = try band(42), c = try band(43)
        #expect(a == b)
        #expect(a.seed == 42 && a.monteCarlo == SummaryCurveMonteCarloSpec(draws: 2_000, seed: 42))
        #expect(a.rows.map(\.ciLow) != c.rows.map(\.ciLow))
        #expect(a.rows.map(\.surv) == c.rows.map(\.surv))
    }

    /// Quirk 6. The between-strata statistic from unrounded Q: 165.2755 (RISCA: 704.5 − 131.82 −
    /// 407.4 = 165.28, p printed as 0); plus a random-effects Wald test that allows for the
    /// heterogeneity (I² ≈ 60 %) the fixed-effect test ignores.
    @Test("Strata test uses unrounded Q, a χ² tail p-value, and adds a random-effects test")
    func strata() throws {
        let comparison = try SummaryCurveModel(monteCarlo: Self.noMonteCarlo).compareStrata(rows)
        let full = expected["strata"]["full_precision"]
        let fixed = comparison.fixedEffectTest
        #expect(!fixed.fromRoundedQ && fixed.df == 12)
        #expect(isClose(fixed.qBetween, full["Q_between"].double!, rel: 1e-9))
        #expect(isClose(fixed.p, full["p_value"].double!, rel: 1e-6))
        // The decomposition Q(all) − Σ Q(stratum) holds for the unrounded values.
        let decomposition = comparison.overall.fixed.q - comparison.strata.reduce(0) { $0 + $1.fixed.q }
        #expect(isClose(fixed.qBetween, decomposition, rel: 1e-9))
        let random = try #require(comparison.randomEffectsTest)
        #expect(random.df == 12 && random.qBetween < fixed.qBetween && random.p > fixed.p)
        #expect(random.p > 1e-4 && random.p < 0.5, "random-effects p = \(random.p)")
        #expect(comparison.timeBound == 24 && comparison.strata.map(\.stratum) == ["Asia", "NortAmericaEurope"])
    }

    /// The default mode's median and RMST intervals by the delta method against the Monte Carlo
    /// ones (10,000 draws) on the hepatology data: within a tenth of the interval's width for the
    /// fixed-effect model; within 35 % for random effects, whose simulated median is right-skewed
    /// (its upper limit 7.27 vs 6.66 by the symmetric delta method).
    @Test("Delta-method median and RMST intervals agree with the Monte Carlo", arguments: [SummaryCurveEffects.fixed, .random])
    func deltaVersusMonteCarlo(effects: SummaryCurveEffects) throws {
        let result = try SummaryCurveModel(effects: effects).fit(rows)
        let slack = effects == .fixed ? 0.1 : 0.35
        for summary in [result.median, result.rmst] {
            let dl = try #require(summary.deltaCILow), dh = try #require(summary.deltaCIHigh)
            let ml = try #require(summary.monteCarloCILow), mh = try #require(summary.monteCarloCIHigh)
            #expect(abs(dl - ml) < slack * (dh - dl) && abs(dh - mh) < slack * (dh - dl),
                    "\(effects): delta [\(dl), \(dh)] vs Monte Carlo [\(ml), \(mh)]")
            #expect(summary.ciLow == dl && summary.ciHigh == dh)
        }
        #expect(result.rmstTau == 48)
    }
}
