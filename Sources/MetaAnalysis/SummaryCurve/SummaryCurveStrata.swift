import Foundation
import StatNumerics

/// The fixed- and random-effects summary curves of one stratum (or of all studies together).
public struct SummaryCurveStratumFit: Sendable, Codable, Equatable {
    public let stratum: String
    public let studies: Int
    public let rows: Int
    public let fixed: SummaryCurveResult
    public let random: SummaryCurveResult
}

/// A test that the strata share one curve: a χ² statistic on the pooled arcsine-scale β.
public struct SummaryCurveStrataTest: Sendable, Codable, Equatable {
    public let effects: SummaryCurveEffects
    public let qBetween: Double
    public let df: Int
    public let p: Double
    /// True for RISCA's statistic, computed from Q values rounded to 2 decimals.
    public let fromRoundedQ: Bool

    enum CodingKeys: String, CodingKey { case effects, qBetween = "q_between", df, p, fromRoundedQ = "from_rounded_q" }
}

/// Comparison of summary curves between strata (e.g. Asia vs North America/Europe, or resection vs
/// embolization), over the times ≤ `timeBound`, the last time at which every stratum still has at
/// least two studies (RISCA's `survival.summary.strata` rule).
public struct SummaryCurveStrataComparison: Sendable, Codable, Equatable {
    public let compatibility: SummaryCurveCompatibility
    public let timeBound: Double
    public let strata: [SummaryCurveStratumFit]
    /// All studies of the compared strata together.
    public let overall: SummaryCurveStratumFit
    /// Fixed effect: RISCA mode Q(all) − Σ Q(stratum) from Q rounded to 2 decimals (quirk kept) with
    /// p = 1 − F(Q), which underflows to 0; default mode the same decomposition unrounded, computed
    /// as the Wald statistic below with the fixed-effect covariances, p from the χ² upper tail.
    public let fixedEffectTest: SummaryCurveStrataTest
    /// Default mode only: the random-effects Wald test
    /// Q_b = Σ_g (β̂_g − β̄)ᵀ C_g⁻¹ (β̂_g − β̄), β̄ = (Σ C_g⁻¹)⁻¹ Σ C_g⁻¹ β̂_g,
    /// with each stratum's own T and random-effects covariance C_g, df = intervals × (strata − 1).
    /// It allows for the between-study heterogeneity the fixed-effect test ignores.
    public let randomEffectsTest: SummaryCurveStrataTest?
    /// Rows left out because they carry no stratum.
    public let rowsWithoutStratum: Int

    enum CodingKeys: String, CodingKey {
        case compatibility, timeBound = "time_bound", strata, overall, fixedEffectTest = "fixed_effect_test"
        case randomEffectsTest = "random_effects_test", rowsWithoutStratum = "rows_without_stratum"
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(compatibility, forKey: .compatibility)
        try c.encode(timeBound, forKey: .timeBound)
        try c.encode(strata, forKey: .strata)
        try c.encode(overall, forKey: .overall)
        try c.encode(fixedEffectTest, forKey: .fixedEffectTest)
        try c.encode(randomEffectsTest, forKey: .randomEffectsTest)
        try c.encode(rowsWithoutStratum, forKey: .rowsWithoutStratum)
    }
}

extension SummaryCurveModel {
    /// Fits each stratum (`SummaryCurveRow.stratum`) and all studies together, over the common time
    /// range, and tests whether the strata share one curve. The model's `effects` and `confidence`
    /// are ignored (both fits are returned); Monte Carlo draws use seed + stratum position so the
    /// strata get independent draws.
    public func compareStrata(_ rows: [SummaryCurveRow]) throws -> SummaryCurveStrataComparison {
        try validateOptions()
        let kept = rows.filter { $0.stratum != nil }
        // Validate every row once (typed errors naming the row) before splitting.
        _ = try SummaryCurveData(rows: kept, compatibility: compatibility)
        let labels = Array(Set(kept.compactMap(\.stratum))).sorted()
        guard labels.count >= 2 else {
            throw SummaryCurveInputError.strataNotComparable("found \(labels.count) stratum; expected at least 2")
        }
        let bound = try SummaryCurveModel.timeBound(kept, labels: labels, compatibility: compatibility)
        let restricted = kept.filter { $0.time <= bound }
        let grid = compatibility == .none ? Array(Set(restricted.map(\.time))).sorted() : nil

        func fits(_ name: String, _ subset: [SummaryCurveRow], seedOffset: UInt64) throws -> SummaryCurveStratumFit {
            let data = try SummaryCurveData(rows: subset, compatibility: compatibility, grid: grid)
            var m = self
            m.monteCarlo.seed = monteCarlo.seed &+ seedOffset
            m.effects = .fixed
            let fixed = try m.fit(data: data)
            m.effects = .random
            let random = try m.fit(data: data)
            return SummaryCurveStratumFit(stratum: name, studies: data.studies.count, rows: subset.count,
                                          fixed: fixed, random: random)
        }
        var strata: [SummaryCurveStratumFit] = []
        for (k, label) in labels.enumerated() {
            strata.append(try fits(label, restricted.filter { $0.stratum == label }, seedOffset: UInt64(k)))
        }
        let overall = try fits("All strata", restricted, seedOffset: UInt64(labels.count))
        let intervals = overall.fixed.rows.count
        let df = intervals * (labels.count - 1)

        if compatibility == .risca {
            func round2(_ x: Double) -> Double { (x * 100).rounded() / 100 }
            let q = round2(overall.fixed.q) - strata.reduce(0) { $0 + round2($1.fixed.q) }
            let p = 1 - ChiSquared(df: Double(df)).cdf(q)
            return SummaryCurveStrataComparison(
                compatibility: compatibility, timeBound: bound, strata: strata, overall: overall,
                fixedEffectTest: SummaryCurveStrataTest(effects: .fixed, qBetween: q, df: df, p: p, fromRoundedQ: true),
                randomEffectsTest: nil, rowsWithoutStratum: rows.count - kept.count)
        }
        let fixedTest = try SummaryCurveModel.waldBetweenStrata(strata.map(\.fixed), effects: .fixed)
        let randomTest = try SummaryCurveModel.waldBetweenStrata(strata.map(\.random), effects: .random)
        return SummaryCurveStrataComparison(
            compatibility: compatibility, timeBound: bound, strata: strata, overall: overall,
            fixedEffectTest: fixedTest, randomEffectsTest: randomTest, rowsWithoutStratum: rows.count - kept.count)
    }

    /// The last time at which every stratum has ≥ 2 studies: RISCA counts rows at exactly that time;
    /// the default mode counts studies followed up to it (the same for RISCA-shaped data).
    static func timeBound(_ rows: [SummaryCurveRow], labels: [String], compatibility: SummaryCurveCompatibility) throws -> Double {
        let times = Array(Set(rows.map(\.time))).sorted()
        var lastTime: [String: Double] = [:]
        var stratumOf: [String: String] = [:]
        for r in rows {
            lastTime[r.study] = max(lastTime[r.study] ?? 0, r.time)
            stratumOf[r.study] = r.stratum
        }
        var bound: Double?
        for t in times {
            let ok = labels.allSatisfy { label in
                if compatibility == .risca {
                    return rows.filter { $0.stratum == label && $0.time == t }.count >= 2
                }
                return lastTime.filter { stratumOf[$0.key] == label && $0.value >= t }.count >= 2
            }
            if ok { bound = t }
        }
        guard let bound else {
            throw SummaryCurveInputError.strataNotComparable("no time at which every stratum has at least 2 studies")
        }
        return bound
    }

    /// Q_b = Σ_g (β̂_g − β̄)ᵀ C_g⁻¹ (β̂_g − β̄), β̄ = (Σ C_g⁻¹)⁻¹ Σ C_g⁻¹ β̂_g, on a common grid
    /// (Cholesky inverses, `dpotrf`/`dpotri`); df = intervals × (strata − 1); p from the χ² upper tail.
    static func waldBetweenStrata(_ fits: [SummaryCurveResult], effects: SummaryCurveEffects) throws -> SummaryCurveStrataTest {
        let g = fits[0].estimation.beta.count
        var precisionSum = Matrix(rows: g, columns: g)
        var weighted = [Double](repeating: 0, count: g)
        var precisions: [Matrix] = []
        for f in fits {
            precondition(f.estimation.beta.count == g, "strata must share one grid")
            let p = try Matrix(f.estimation.covariance).inverseSPD()
            precisions.append(p)
            precisionSum = precisionSum + p
            let pb = p * f.estimation.beta
            for t in 0..<g { weighted[t] += pb[t] }
        }
        let common = try precisionSum.solveSPD(weighted)
        var q = 0.0
        for (f, p) in zip(fits, precisions) {
            q += p.quadraticForm(zip(f.estimation.beta, common).map { $0 - $1 })
        }
        let df = g * (fits.count - 1)
        return SummaryCurveStrataTest(effects: effects, qBetween: q, df: df,
                                      p: ChiSquared(df: Double(df)).sf(q), fromRoundedQ: false)
    }
}
