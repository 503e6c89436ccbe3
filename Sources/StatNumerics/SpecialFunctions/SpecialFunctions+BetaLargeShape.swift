import Foundation

extension SpecialFunctions {

    /// I_x(a, b) and 1 − I_x(a, b) for large a, much smaller b and x ≥ ½, by the asymptotic
    /// expansion in incomplete gamma functions of Temme (1992) and DiDonato & Morris (1992, `bgrat`).
    ///
    /// Derivation: with t = e^{−w}, T = a + (b − 1)/2 and w₀ = −log x,
    ///   B(a, b) I_x(a, b) = ∫_{w₀}^∞ e^{−Tw} w^{b−1} [sinh(w/2)/(w/2)]^{b−1} dw.
    /// Expanding [sinh(z)/z]^{b−1} = Σ e_n z^{2n} (its logarithm is Σ_k 2^{2k} B_{2k} z^{2k}/(2k (2k)!))
    /// and integrating term by term,
    ///   I_x(a, b) = Γ(a + b)/(Γ(a) T^b) · Σ_n e_n 4^{−n} (b)_{2n} T^{−2n} Q(b + 2n, T w₀),
    /// and the complement is the same sum with P in place of Q. The terms fall like (b/(2πT))^{2n}.
    ///
    /// The continued fraction is ill-conditioned in exactly this region — each odd step forms
    /// 1 + d with d ≈ −1 + O(1/a), losing a factor ≈ a of accuracy (6e-11 at a = 5·10⁵) — which is
    /// why this expansion is used there (t with large ν, F with one large degree of freedom).
    static func betaLargeShape(x: Double, y: Double, a: Double, b: Double) -> (lower: Double, upper: Double) {
        let t = a + 0.5 * (b - 1)
        let w0 = x > 0.5 ? -log1p(-y) : -log(x)
        let u = t * w0
        // e_n: coefficients of exp(β L(s)) in s = z², L(s) = Σ l_k s^k, β = b − 1.
        let beta = b - 1
        let maxTerms = 20
        var l = [Double](repeating: 0, count: maxTerms + 1)
        var factorial = 2.0      // (2k)!
        var power = 4.0          // 2^{2k}
        for k in 1...bernoulliEven.count {
            l[k] = power * bernoulliEven[k - 1] / (Double(2 * k) * factorial)
            power *= 4
            factorial *= Double((2 * k + 1) * (2 * k + 2))
        }
        var e = [Double](repeating: 0, count: maxTerms + 1)
        e[0] = 1
        // Γ(a + b)/(Γ(a) T^b), close to 1: by Stirling's formula its logarithm is
        // (a − ½) φ(b/a) − b/(2a) + b log1p((b + 1)/(2T)) + δ(a + b) − δ(a), φ(v) = log1p(v) − v,
        // a sum of small terms (the O(b log a) parts cancel analytically).
        let logPrefactor = (a - 0.5) * log1pmx(b / a) - 0.5 * b / a + b * log1p(0.5 * (b + 1) / t)
            + stirlingCorrection(a + b) - stirlingCorrection(a)
        let prefactor = exp(logPrefactor)
        let g = incompleteGamma(b, u)
        var q = g.q, p = g.p
        // r_s = u^s e^{−u}/Γ(s + 1), for stepping Q(s, u) → Q(s + 1, u) = Q(s, u) + r_s.
        var r = gammaPowerTerm(b, u) / b
        var s = b
        var sumQ = q, sumP = p
        var pochhammer = 1.0     // (b)_{2n}
        var tPower = 1.0         // T^{−2n}
        for n in 1...maxTerms {
            var acc = 0.0
            for k in 1...min(n, bernoulliEven.count) {
                acc += Double(k) * l[k] * e[n - k]
            }
            e[n] = beta * acc / Double(n)
            for _ in 0..<2 {
                q += r
                p -= r
                s += 1
                r *= u / s
            }
            pochhammer *= (b + Double(2 * n - 2)) * (b + Double(2 * n - 1))
            tPower /= t * t
            let f = e[n] / pow(4, Double(n)) * pochhammer * tPower
            sumQ += f * q
            sumP += f * max(p, 0)
            if abs(f) <= 1e-17 * abs(sumQ) && abs(f) <= 1e-17 * abs(sumP) || f == 0 { break }
        }
        return (prefactor * sumQ, prefactor * sumP)
    }

    /// B₂, B₄, …, B₂₀.
    static let bernoulliEven: [Double] = [
        1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6,
        -3617.0 / 510, 43867.0 / 798, -174611.0 / 330,
    ]
}
