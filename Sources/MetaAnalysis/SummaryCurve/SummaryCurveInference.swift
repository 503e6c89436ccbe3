import Foundation
import StatNumerics

/// Curve-level quantities from the pooled β: the survival, its delta-method variance, the median,
/// the restricted mean, and the Monte Carlo versions.
enum SummaryCurveInference {
    /// Pooled conditional survivals p_t, d log p_t/dβ_t and Ŝ(t) = Π_{u ≤ t} p_u.
    struct Curve: Sendable {
        var p: [Double]
        var dLogP: [Double]
        var surv: [Double]
    }

    static func curve(_ beta: [Double], back: SummaryCurveBackTransform) -> Curve {
        var p: [Double] = [], d: [Double] = [], s: [Double] = []
        var running = 1.0
        for (t, b) in beta.enumerated() {
            let (pt, dt) = back.conditionalSurvival(b, interval: t)
            p.append(pt); d.append(dt)
            running *= pt
            s.append(running)
        }
        return Curve(p: p, dLogP: d, surv: s)
    }

    /// Var log Ŝ(t) = Σ_{a,b ≤ t} (d log p_a/dβ_a)(d log p_b/dβ_b) Cov(β_a, β_b) — the delta method on
    /// log S ("Greenwood" in RISCA: 4 Lᵀ((cot β cot βᵀ) ∘ Cov) L with L the upper-triangular ones).
    /// nil from the first interval with p = 0 on.
    static func varianceLogSurv(_ curve: Curve, covariance: Matrix) -> [Double?] {
        var out: [Double?] = []
        var acc = 0.0
        for t in curve.p.indices {
            if !curve.dLogP[t].isFinite || out.last == .some(nil) { out.append(nil); continue }
            // Add row/column t of the quadratic form.
            var cross = 0.0
            for a in 0..<t { cross += curve.dLogP[a] * covariance[a, t] }
            acc += curve.dLogP[t] * (2 * cross + curve.dLogP[t] * covariance[t, t])
            out.append(acc)
        }
        return out
    }

    /// RISCA's median: only when the last Ŝ < 0.5 (= 0.5 gives the last time), interpolated
    /// linearly between the last point above 0.5 and the first below it; nil when the curve ends
    /// above 0.5 or already starts below it (no point above 0.5; README quirk 5).
    static func riscaMedian(times: [Double], surv: [Double]) -> Double? {
        guard let last = surv.last else { return nil }
        if last > 0.5 { return nil }
        if last == 0.5 { return times.last }
        guard let lo = surv.lastIndex(where: { $0 > 0.5 }), let hi = surv.firstIndex(where: { $0 < 0.5 }) else { return nil }
        return times[hi] - (times[hi] - times[lo]) * (surv[hi] - 0.5) / (surv[hi] - surv[lo])
    }

    /// Default median: the first time the curve drawn as straight lines through (0, 1) and the points
    /// reaches 0.5 (quirk fixed: defined whenever the curve crosses 0.5, also before the first time).
    /// Returns the time and the index j of the first point with Ŝ ≤ 0.5.
    static func firstCrossing(times: [Double], surv: [Double]) -> (time: Double, index: Int)? {
        guard let j = surv.firstIndex(where: { $0 <= 0.5 }) else { return nil }
        let (t0, s0) = j == 0 ? (0.0, 1.0) : (times[j - 1], surv[j - 1])
        if surv[j] == 0.5 { return (times[j], j) }
        return (t0 + (times[j] - t0) * (s0 - 0.5) / (s0 - surv[j]), j)
    }

    /// Gradient of the first-crossing median with respect to β (delta method), nil when a factor is 0.
    static func medianGradient(times: [Double], curve: Curve, index j: Int) -> [Double]? {
        let (t0, s0) = j == 0 ? (0.0, 1.0) : (times[j - 1], curve.surv[j - 1])
        let s1 = curve.surv[j]
        let width = times[j] - t0
        let d = s0 - s1
        guard d > 0, curve.dLogP[0...j].allSatisfy(\.isFinite) else { return nil }
        let dT0 = width * (0.5 - s1) / (d * d)  // ∂t/∂S(t_{j−1})
        let dT1 = width * (s0 - 0.5) / (d * d)  // ∂t/∂S(t_j)
        var g = [Double](repeating: 0, count: curve.p.count)
        for l in 0...j {
            var dS = dT1 * s1
            if l < j { dS += dT0 * s0 }
            g[l] = dS * curve.dLogP[l]
        }
        return g
    }

    /// RMST = ∫₀^τ Ŝ for the curve drawn as straight lines through (0, 1) and the points (RISCA's
    /// "mean survival time" with τ = the last time). It is affine in Ŝ: constant + Σ w_k Ŝ(t_k).
    static func rmstWeights(times: [Double], tau: Double) -> (constant: Double, weights: [Double]) {
        func integrate(_ s: [Double]) -> Double {
            var area = 0.0
            var (t0, s0) = (0.0, 1.0)
            for (k, t1) in times.enumerated() {
                let s1 = s[k]
                if tau <= t1 {
                    let sTau = s0 + (s1 - s0) * (tau - t0) / (t1 - t0)
                    return area + (tau - t0) * (s0 + sTau) / 2
                }
                area += (t1 - t0) * (s0 + s1) / 2
                (t0, s0) = (t1, s1)
            }
            return area
        }
        let zero = [Double](repeating: 0, count: times.count)
        let constant = integrate(zero)
        var weights: [Double] = []
        for k in times.indices {
            var e = zero
            e[k] = 1
            weights.append(integrate(e) - constant)
        }
        return (constant, weights)
    }

    /// R's default quantile (type 7) of sorted finite-or-+∞ values; nil if it involves +∞.
    static func quantile(sorted x: [Double], _ prob: Double) -> Double? {
        guard !x.isEmpty else { return nil }
        let h = Double(x.count - 1) * prob
        let lo = Int(h.rounded(.down))
        let frac = h - Double(lo)
        guard x[lo].isFinite else { return nil }
        if frac == 0 || lo + 1 >= x.count { return x[lo] }
        guard x[lo + 1].isFinite else { return nil }
        return x[lo] + frac * (x[lo + 1] - x[lo])
    }

    /// Simulated pooled curves: β* = β̂ + U·diag(√λ₊)·z with Cov = U diag(λ) Uᵀ (`dsyevd`, as
    /// mvtnorm's default "eigen" method), z standard normal from `SeededGenerator(seed:)`.
    /// Returns the survival curves, one array per draw.
    static func simulate(beta: [Double], covariance: Matrix, back: SummaryCurveBackTransform,
                         spec: SummaryCurveMonteCarloSpec) throws -> [[Double]] {
        let g = beta.count
        let eigen = try covariance.symmetricEigen()
        var root = Matrix(rows: g, columns: g)
        for k in 0..<g {
            let s = max(0, eigen.values[k]).squareRoot()
            for i in 0..<g { root[i, k] = eigen.vectors[i, k] * s }
        }
        let r = root.storage
        let back = back.withTables()
        var rng = SeededGenerator(seed: spec.seed)
        var out: [[Double]] = []
        out.reserveCapacity(spec.draws)
        var z = [Double](repeating: 0, count: g)
        var b = [Double](repeating: 0, count: g)
        for _ in 0..<spec.draws {
            for k in 0..<g { z[k] = rng.nextNormal() }
            for i in 0..<g { b[i] = beta[i] }
            for k in 0..<g {
                let zk = z[k]
                for i in 0..<g { b[i] += r[i + k * g] * zk }
            }
            var running = 1.0
            var curve = [Double](repeating: 0, count: g)
            for t in 0..<g {
                running *= back.survivalFactor(b[t], interval: t)
                curve[t] = running
            }
            out.append(curve)
        }
        return out
    }
}
