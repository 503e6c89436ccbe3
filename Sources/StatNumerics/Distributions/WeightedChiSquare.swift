import Foundation

/// The distribution of a positive linear combination of independent χ²₁ variables,
/// Q = Σⱼ λⱼ Xⱼ with Xⱼ ~ χ²₁ and every λⱼ > 0 — the law of a quadratic form in normal variables,
/// such as Cochran's generalized Q statistic in a random-effects meta-analysis (Biggerstaff &
/// Jackson 2008, Stat Med 27:6093; Jackson 2013, Res Syn Meth 4:220).
///
/// Both tails come from Ruben's (1962, Ann Math Stat 33:542) mixture representation, the method of
/// Farebrother's algorithm AS 204 (1984, Appl Stat 33:332) that R's `CompQuadForm::farebrother` and
/// hence metafor use: with β = minⱼ λⱼ,
///
///     P(Q ≤ q) = Σₖ aₖ · P(χ²(n + 2k) ≤ q/β),
///     a₀ = Πⱼ (β/λⱼ)^{1/2},  gₘ = ½ Σⱼ (1 − β/λⱼ)ᵐ,  aₖ = (1/k) Σ_{r<k} g_{k−r} aᵣ.
///
/// Every aₖ ≥ 0 and Σₖ aₖ = 1, so after K terms the lower tail is short by at most
/// R = (1 − Σ_{k≤K} aₖ) · P(χ²(n + 2K + 2) ≤ q/β). The upper tail is summed directly, plus the unsummed
/// mass (which, but for R, belongs to it), so that small upper-tail probabilities keep their relative
/// precision. Terms are added until R < `tolerance` (default 1e-17). The weights aₖ are carried with a
/// common scale factor, so a₀ may underflow (many weights far above the smallest) without harm.
///
/// Cost: O(K·(n + K)) for K terms, where K grows like q/(2β). Far in either tail (q/β > 2,000) a
/// Chernoff bound is tried first — P(Q > q) ≤ min_s e^{−sq} Πⱼ(1 − 2sλⱼ)^{−1/2} above the mean,
/// P(Q ≤ q) ≤ min_s e^{sq} Πⱼ(1 + 2sλⱼ)^{−1/2} below it — and when it is under `tolerance` that tail is
/// returned as 0 (exact to the same tolerance as the series). Otherwise the series runs; one that has
/// not converged after `maxTerms` terms (the weights spread over several orders of magnitude and q
/// far above the smallest) throws `NumericalError` instead of returning a truncated value.
public struct WeightedChiSquare: Sendable, Equatable {
    /// The weights λⱼ (all > 0).
    public let weights: [Double]

    /// Both tail probabilities at one point, and the number of series terms used.
    public struct Tails: Sendable, Equatable {
        public var lower: Double
        public var upper: Double
        public var terms: Int
    }

    public init(weights: [Double]) throws {
        guard !weights.isEmpty else {
            throw DomainError(routine: "WeightedChiSquare", "needs at least one weight")
        }
        if let bad = weights.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
            throw DomainError(routine: "WeightedChiSquare", "weight \(bad + 1) is \(weights[bad]); every weight must be a finite number > 0")
        }
        self.weights = weights
    }

    /// P(Q ≤ q).
    public func cdf(_ q: Double) throws -> Double { try tails(at: q).lower }

    /// P(Q > q).
    public func sf(_ q: Double) throws -> Double { try tails(at: q).upper }

    /// Both tails at q by Ruben's series (see the type's documentation).
    public func tails(at q: Double, tolerance: Double = 1e-17, maxTerms: Int = 10_000) throws -> Tails {
        guard !q.isNaN else { throw DomainError(routine: "WeightedChiSquare", "the point q is NaN") }
        if q <= 0 { return Tails(lower: 0, upper: 1, terms: 0) }
        if q.isInfinite { return Tails(lower: 1, upper: 0, terms: 0) }
        let n = Double(weights.count)
        let beta = weights.min()!
        let y = q / beta
        var logScale = 0.0
        var gammas: [Double] = []
        for lambda in weights {
            logScale += 0.5 * (log(beta) - log(lambda))
            let g = 1 - beta / lambda
            if g > 0 { gammas.append(g) }
        }
        if y > 2_000, let tail = try negligibleTail(at: q, tolerance: tolerance) { return tail }
        // Equal weights: Q = β·χ²(n) exactly.
        if gammas.isEmpty {
            let t = SpecialFunctions.incompleteGamma(0.5 * n, 0.5 * y)
            return Tails(lower: t.p, upper: t.q, terms: 0)
        }
        var powers = gammas
        var a: [Double] = [1]          // aₖ / exp(logScale)
        var g: [Double] = [0]          // g[m] = gₘ (g[0] unused)
        a.reserveCapacity(256)
        g.reserveCapacity(256)
        var mass = 1.0
        var first = SpecialFunctions.incompleteGamma(0.5 * n, 0.5 * y)
        var lower = first.p
        var upper = first.q
        var next = SpecialFunctions.incompleteGamma(0.5 * n + 1, 0.5 * y)
        var k = 0
        while true {
            let rest = max(0, 1 - exp(logScale) * mass)
            if rest * next.p < tolerance { break }
            if k >= maxTerms {
                let spread = weights.max()! / beta
                throw NumericalError(
                    routine: "WeightedChiSquare (Ruben series)",
                    reason: "the series for P(Q ≤ \(q)) has not converged (unsummed mass \(rest)); the largest weight is \(spread) times the smallest",
                    iteration: k,
                    remedy: "allow more terms (maxTerms), or use an interval that does not need this distribution (the Q-profile interval)")
            }
            k += 1
            var gk = 0.0
            for j in powers.indices {
                gk += powers[j]
                powers[j] *= gammas[j]
            }
            g.append(0.5 * gk)
            var s = 0.0
            g.withUnsafeBufferPointer { gp in
                a.withUnsafeBufferPointer { ap in
                    for r in 0..<k { s += gp[k - r] * ap[r] }
                }
            }
            let ak = s / Double(k)
            a.append(ak)
            mass += ak
            first = next
            lower += ak * first.p
            upper += ak * first.q
            next = SpecialFunctions.incompleteGamma(0.5 * n + Double(k + 1), 0.5 * y)
            if mass > 1e250 {
                let shrink = 1e-250
                for i in a.indices { a[i] *= shrink }
                mass *= shrink
                lower *= shrink
                upper *= shrink
                logScale += 250 * log(10.0)
            }
        }
        let scale = exp(logScale)
        let rest = max(0, 1 - scale * mass)
        return Tails(lower: min(1, lower * scale), upper: min(1, upper * scale + rest), terms: k)
    }

    /// The tails when the Chernoff bound puts the one on q's far side below `tolerance`, else nil.
    func negligibleTail(at q: Double, tolerance: Double) throws -> Tails? {
        let mean = weights.reduce(0, +)
        let logTolerance = log(tolerance)
        if q > mean {
            // log P(Q > q) ≤ −sq − ½ Σ log(1 − 2sλ), 0 < s < 1/(2λmax); s = t/(2λmax).
            let top = 2 * weights.max()!
            let best = try Minimization.brent(in: 0...(1 - 1e-12), tolerance: 1e-8) { t in
                let s = t / top
                return -s * q - 0.5 * weights.reduce(0) { $0 + log1p(-2 * s * $1) }
            }
            return best.value < logTolerance ? Tails(lower: 1, upper: 0, terms: 0) : nil
        }
        if q < mean {
            // log P(Q ≤ q) ≤ sq − ½ Σ log(1 + 2sλ), s > 0, minimized below n/(2q).
            let n = Double(weights.count)
            let best = try Minimization.brent(in: 0...(n / (2 * q)), tolerance: 1e-8 * n / q) { s in
                s * q - 0.5 * weights.reduce(0) { $0 + log1p(2 * s * $1) }
            }
            return best.value < logTolerance ? Tails(lower: 0, upper: 1, terms: 0) : nil
        }
        return nil
    }
}
