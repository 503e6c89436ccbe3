import Foundation

/// From a pooled transformed value β_t (arcsine scale) back to a conditional survival p_t, with
/// d log p_t / dβ_t for the delta method.
///
/// - RISCA mode: p = sin²β, d log p/dβ = 2 cot β. The +1/4, +1/2 correction of the forward
///   transform f(x) = arcsin √((x + 1/4)/(n + 1/2)) (x survivors of n) makes E f(X) ≈ arcsin √p for
///   0 < p < 1, so sin²β is nearly unbiased there — but not at the boundary: with no deaths,
///   f(n) = arcsin √((n + 1/4)/(n + 1/2)) < π/2, so an interval in which nobody dies pools to
///   p < 1 and the curve drops (3.8 % at t = 39 in the hepatology example) — README quirk 4.
/// - Default mode (quirk fixed): the unbiased inversion. p_t solves h_t(p) = β_t, where h_t is the
///   expected pooled transform if every study's survivors were Binomial(nᵢ, p):
///
///       h_t(p) = Σᵢ ωᵢ E f_i(Xᵢ) / Σᵢ ωᵢ,  E f(X) ≈ f(np) + ½ f″(np) · n p (1 − p),
///
///   with ωᵢ = 1/(vᵢₜ + T_tt) (1/vᵢₜ for fixed effect) and f″(x) = (2u − 1)/(4 (u(1 − u))^{3/2} (n + ½)²),
///   u = (x + ¼)/(n + ½). The second-order expansion is exact at p = 0 and p = 1 (no sampling
///   variance) and within 0.06 standard errors of the exact binomial mean for n ≥ 5 elsewhere
///   (checked against the exact sum for n = 5, 10, 50, 200), where sin² is off by up to one
///   standard error near p = 1. Hence an interval with no deaths pools to exactly 1 (fixed effect),
///   and elsewhere p_t ≈ sin²β_t: for n = 10 studies spread as Binomial(10, p) the pooled p̂ is
///   0.966 for p = 0.97 and 0.985 for p = 0.99 (sin²: 0.956 and 0.970); in the interior both are
///   within 0.003 of p for n ≥ 10 (sin² slightly closer there: 0.8009 vs 0.8031 for p = 0.8, n = 10).
///   β beyond h_t(1) or below h_t(0) maps to 1 or 0. The root is bracketed and found by secant
///   steps alternating with bisections. For the delta method d log p/dβ = 1/(p·h̃_t′(p)), with h̃_t the
///   leading term Σ ωᵢ fᵢ(nᵢp)/Σ ωᵢ: the correction term's own slope is unreliable at p → 1 for
///   small n (it nearly cancels the leading slope, which would blow up the variance), while the
///   leading slope matches sin²'s 2 cot β in the interior and stays finite at the boundary.
///   Monte Carlo draws use a 2049-point table of h_t per interval, inverted by linear interpolation.
struct SummaryCurveBackTransform: Sendable {
    struct Term: Sendable { var n: Double; var weight: Double }

    /// nil: RISCA's sin²β. Otherwise the terms of h_t for each interval.
    let terms: [[Term]]?
    /// For the Monte Carlo: h_t on the grid p = k/(tableSize − 1).
    let tables: [[Double]]
    static let tableSize = 2049

    static let sineSquared = SummaryCurveBackTransform(terms: nil, tables: [])

    /// The unbiased inversion for `data`, with interval variances `tauDiagonal` (zeros for fixed effect).
    init(corrected data: SummaryCurveData, tauDiagonal: [Double]) {
        var t = [[Term]](repeating: [], count: data.intervalCount)
        for s in data.studies {
            for c in s.cells where c.counts {
                t[c.interval].append(Term(n: c.n, weight: 1 / (c.v + max(0, tauDiagonal[c.interval]))))
            }
        }
        terms = t
        tables = []
    }

    /// A copy with the Monte Carlo tables filled (built only when draws are wanted).
    func withTables() -> SummaryCurveBackTransform {
        guard let terms, tables.isEmpty else { return self }
        let size = SummaryCurveBackTransform.tableSize
        return SummaryCurveBackTransform(terms: terms, tables: terms.map { ts in
            (0..<size).map { SummaryCurveBackTransform.expectedTransform(ts, Double($0) / Double(size - 1)) }
        })
    }

    private init(terms: [[Term]]?, tables: [[Double]]) {
        self.terms = terms
        self.tables = tables
    }

    /// h_t(p): the weighted mean of the studies' expected transforms under Binomial(nᵢ, p).
    static func expectedTransform(_ terms: [Term], _ p: Double) -> Double {
        var sum = 0.0, sw = 0.0
        for term in terms {
            let n = term.n
            let u = (n * p + 0.25) / (n + 0.5)
            let w = u * (1 - u)
            let second = (2 * u - 1) / (4 * w * w.squareRoot() * (n + 0.5) * (n + 0.5))
            sum += term.weight * (asin(u.squareRoot()) + 0.5 * second * n * p * (1 - p))
            sw += term.weight
        }
        return sum / sw
    }

    /// (p, d log p / dβ) for interval `t`. d log p/dβ is +∞ when p = 0.
    func conditionalSurvival(_ beta: Double, interval t: Int) -> (p: Double, dLogP: Double) {
        guard let terms else {
            let s = sin(beta)
            return (s * s, 2 * cos(beta) / s)
        }
        let ts = terms[t]
        func h(_ p: Double) -> Double { SummaryCurveBackTransform.expectedTransform(ts, p) }
        // Slope of the leading term Σ ω f_i(n_i p) / Σ ω (see the type's documentation).
        func slope(_ p: Double) -> Double {
            var sum = 0.0, sw = 0.0
            for term in ts {
                let u = (term.n * p + 0.25) / (term.n + 0.5)
                sum += term.weight * term.n / ((term.n + 0.5) * 2 * (u * (1 - u)).squareRoot())
                sw += term.weight
            }
            return sum / sw
        }
        let h1 = h(1), h0 = h(0)
        // Within rounding of h(1) (the same sum in another order) counts as h(1): no deaths → 1.
        if beta >= h1 - 1e-13 * abs(h1) { return (1, 1 / slope(1)) }
        if beta <= h0 { return (0, .infinity) }
        // Bracketed root: secant steps alternating with bisections, so the bracket at least halves
        // every two steps.
        var lo = 0.0, hi = 1.0, fLo = h0 - beta, fHi = h1 - beta
        var p = 0.5
        for iteration in 0..<200 {
            var next = lo - fLo * (hi - lo) / (fHi - fLo)
            if iteration % 2 == 1 || !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
            p = next
            let f = h(p) - beta
            if f == 0 { break }
            if f > 0 { hi = p; fHi = f } else { lo = p; fLo = f }
            if hi - lo <= 1e-15 { break }
        }
        return (p, 1 / (p * slope(p)))
    }

    /// Only p, for Monte Carlo draws (the table inversion in default mode).
    func survivalFactor(_ beta: Double, interval t: Int) -> Double {
        guard terms != nil else { let s = sin(beta); return s * s }
        let table = tables[t]
        if beta >= table[table.count - 1] { return 1 }
        if beta <= table[0] { return 0 }
        var lo = 0, hi = table.count - 1
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if table[mid] <= beta { lo = mid } else { hi = mid }
        }
        let frac = (beta - table[lo]) / (table[hi] - table[lo])
        return (Double(lo) + frac) / Double(table.count - 1)
    }
}
