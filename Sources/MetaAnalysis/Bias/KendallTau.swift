import Foundation
import StatNumerics

/// Kendall's rank correlation and its test, as R 4.2's `cor.test(x, y, method = "kendall")`.
enum KendallTau {
    /// τ_b = (C − D)/√((n₀ − n₁)(n₀ − n₂)), n₀ = n(n − 1)/2 and n₁, n₂ the pairs tied in x, in y
    /// (R's `cor(x, y, method = "kendall")`); nil when x or y is constant. O(n²).
    static func tauB(_ x: [Double], _ y: [Double]) -> Double? {
        let n = x.count
        var s = 0.0, tiedX = 0.0, tiedY = 0.0
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) {
                let dx = x[i] - x[j], dy = y[i] - y[j]
                if dx == 0 { tiedX += 1 }
                if dy == 0 { tiedY += 1 }
                if dx != 0 && dy != 0 { s += (dx > 0) == (dy > 0) ? 1 : -1 }
            }
        }
        let n0 = Double(n) * Double(n - 1) / 2
        let denominator = ((n0 - tiedX) * (n0 - tiedY)).squareRoot()
        return denominator > 0 ? s / denominator : nil
    }

    /// P(T ≤ q) for T the number of concordant pairs among n untied pairs under independence
    /// (the Mahonian distribution of inversions; R's `pkendall`, C routine `ckendall`).
    ///
    /// Built by the recursion P_m(j) = (1/m) Σ_{i=0}^{m−1} P_{m−1}(j − i) on probabilities rather than
    /// counts, so it stays finite for every n (R divides counts by n!, which overflows above n = 170,
    /// where R's p-value degenerates to 0 or 1). O(n³/6) time.
    static func cdf(_ q: Int, n: Int) -> Double {
        let maxT = n * (n - 1) / 2
        if q < 0 { return 0 }
        if q >= maxT { return 1 }
        var probs = [1.0]
        if n >= 2 {
            for m in 2...n {
                let top = m * (m - 1) / 2
                var prefix = [Double](repeating: 0, count: probs.count + 1)
                for j in 0..<probs.count { prefix[j + 1] = prefix[j] + probs[j] }
                var next = [Double](repeating: 0, count: top + 1)
                for j in 0...top {
                    let hi = min(j, probs.count - 1)
                    let lo = j - (m - 1)
                    if hi < 0 || hi < max(lo, 0) { continue }
                    next[j] = (prefix[hi + 1] - prefix[max(lo, 0)]) / Double(m)
                }
                probs = next
            }
        }
        // Sum the smaller tail directly for accuracy.
        if q <= maxT / 2 { return probs[0...q].reduce(0, +) }
        return 1 - probs[(q + 1)...].reduce(0, +)
    }

    /// The two-sided p-value of `cor.test(x, y, method = "kendall", exact = TRUE)`: exact when neither
    /// variable has ties, else the normal approximation with R's tie-corrected variance of S (and
    /// `usedNormal` set, R's "Cannot compute exact p-value with ties").
    static func test(_ x: [Double], _ y: [Double], exactLimit: Int = 1000) -> (tau: Double?, p: Double?, usedNormal: Bool) {
        let n = x.count
        guard n >= 2, let r = tauB(x, y) else { return (nil, nil, false) }
        let ties = min(Set(x).count, Set(y).count) < n
        if !ties && n <= exactLimit {
            let half = Double(n) * Double(n - 1) / 4
            let q = ((r + 1) * Double(n) * Double(n - 1) / 4).rounded(.toNearestOrEven)
            let p: Double
            if q > half {
                // P(T ≥ q) = P(T ≤ N − q) by symmetry, summed directly.
                p = cdf(n * (n - 1) / 2 - Int(q), n: n)
            } else {
                p = cdf(Int(q), n: n)
            }
            return (r, min(2 * p, 1), false)
        }
        func tieGroups(_ v: [Double]) -> [Double] {
            var counts: [Double: Int] = [:]
            for value in v { counts[value, default: 0] += 1 }
            return counts.values.filter { $0 > 1 }.map(Double.init)
        }
        let tx = tieGroups(x), ty = tieGroups(y)
        let nn = Double(n)
        let t0 = nn * (nn - 1) / 2
        let t1 = tx.reduce(0) { $0 + $1 * ($1 - 1) } / 2
        let t2 = ty.reduce(0) { $0 + $1 * ($1 - 1) } / 2
        let s = r * ((t0 - t1) * (t0 - t2)).squareRoot()
        let v0 = nn * (nn - 1) * (2 * nn + 5)
        let vt = tx.reduce(0) { $0 + $1 * ($1 - 1) * (2 * $1 + 5) }
        let vu = ty.reduce(0) { $0 + $1 * ($1 - 1) * (2 * $1 + 5) }
        let v1 = tx.reduce(0) { $0 + $1 * ($1 - 1) } * ty.reduce(0) { $0 + $1 * ($1 - 1) }
        let v2 = tx.reduce(0) { $0 + $1 * ($1 - 1) * ($1 - 2) } * ty.reduce(0) { $0 + $1 * ($1 - 1) * ($1 - 2) }
        var variance = (v0 - vt - vu) / 18 + v1 / (2 * nn * (nn - 1))
        if n > 2 { variance += v2 / (9 * nn * (nn - 1) * (nn - 2)) }
        guard variance > 0 else { return (r, nil, true) }
        let z = s / variance.squareRoot()
        return (r, 2 * min(Normal.standard.cdf(z), Normal.standard.sf(z)), ties)
    }
}
