import StatNumerics

/// Heterogeneity of the transformed conditional survivals around the fixed-effect β
/// (Combescure et al. 2014, section 2.3; Jackson, White & Riley 2012, Stat Med 31:3805 for H² of a
/// multivariate meta-analysis).
///
///     Q = Σᵢ Σ_{t ∈ cells of i} (yᵢₜ − β̂ᶠᵉ_t)² / vᵢₜ,   H² = Q / df,   I² = max(0, 100 (H² − 1)/H²)
///
/// - Default mode (quirk fixed): df = counted cells − intervals, the number of data minus the number
///   of fixed-effect parameters (hepatology: 317 − 20 = 297, H² = 2.462). The same df is used for the
///   χ² p-value and is what RISCA's own strata test implies.
/// - RISCA mode (quirk kept): df = counted cells − studies (317 − 27 = 290, H² = 2.521).
///
/// Per interval t: Q_t over the k_t studies in t, df = k_t − 1, H²_t and I²_t likewise (nil when
/// df = 0), τ²_t the diagonal of the positive semi-definite T.
struct SummaryCurveHeterogeneity {
    var q: Double
    var df: Int
    var p: Double?
    var h2: Double?
    var i2: Double?
    var intervals: [SummaryCurveIntervalHeterogeneity]

    init(data: SummaryCurveData, fixed: SummaryCurvePool, tau: SummaryCurveBetweenStudy?, riscaDegreesOfFreedom: Bool) {
        let g = data.intervalCount
        var qt = [Double](repeating: 0, count: g)
        var kt = [Int](repeating: 0, count: g)
        for s in data.studies {
            for c in s.cells where c.counts {
                let r = c.y - fixed.beta[c.interval]
                qt[c.interval] += r * r / c.v
                kt[c.interval] += 1
            }
        }
        q = qt.reduce(0, +)
        df = data.countedCells - (riscaDegreesOfFreedom ? data.studies.count : g)
        (p, h2, i2) = SummaryCurveHeterogeneity.summaries(q: q, df: df)
        var rows: [SummaryCurveIntervalHeterogeneity] = []
        for t in 0..<g {
            let (pt, h2t, i2t) = SummaryCurveHeterogeneity.summaries(q: qt[t], df: kt[t] - 1)
            var tau2: Double?
            if let tau, !tau.unestimable.contains(t) { tau2 = tau.psd[t, t] }
            rows.append(SummaryCurveIntervalHeterogeneity(
                start: t == 0 ? 0 : data.times[t - 1], end: data.times[t], studies: kt[t], q: qt[t], df: kt[t] - 1,
                p: pt, h2: h2t, i2: i2t, tau2: tau2))
        }
        intervals = rows
    }

    /// (χ² p-value, H², I² in percent) for Q on df degrees of freedom; nil when df ≤ 0.
    static func summaries(q: Double, df: Int) -> (Double?, Double?, Double?) {
        guard df > 0 else { return (nil, nil, nil) }
        let h2 = q / Double(df)
        let i2 = h2 > 0 ? max(0, 100 * (h2 - 1) / h2) : 0
        return (ChiSquared(df: Double(df)).sf(q), h2, i2)
    }
}
