import Foundation

extension SpecialFunctions {

    /// The regularized lower incomplete gamma function P(a, x) = γ(a, x)/Γ(a), as R's
    /// `pgamma(x, shape = a)`.
    ///
    /// See `incompleteGamma(_:_:)` for the algorithm. Special values: NaN or a < 0 → NaN;
    /// x ≤ 0 → 0; x = +∞ → 1; a = 0 → 1 for x > 0 (the point mass at 0); a = +∞ → 0 for finite x.
    public static func regularizedGammaP(_ a: Double, _ x: Double) -> Double {
        incompleteGamma(a, x).p
    }

    /// The regularized upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a) = 1 − P(a, x),
    /// computed directly (never as 1 − P) wherever it is small, so it keeps full relative accuracy
    /// far into the upper tail; as R's `pgamma(x, shape = a, lower.tail = FALSE)`.
    public static func regularizedGammaQ(_ a: Double, _ x: Double) -> Double {
        incompleteGamma(a, x).q
    }

    /// Both P(a, x) and Q(a, x), each accurate relative to its own size.
    ///
    /// Regions (after Numerical Recipes §6.2, and Temme/DiDonato–Morris for small and huge a):
    /// - a ≥ 10¹⁰: Temme's uniform asymptotic expansion (`gammaUniformAsymptotic`).
    /// - a < 1, x ≤ 1.5: P by its power series; Q by
    ///   Q = −expm1(a log x − log Γ(1 + a)) − x^a/Γ(1 + a) · a Σ_{n≥1} (−x)^n / (n! (a + n)),
    ///   which stays accurate as a → 0 where Q → 0.
    /// - x < a + 1: P by the series P = x^a e^{−x}/Γ(a + 1) Σ_{n≥0} x^n / ((a+1)…(a+n)); Q = 1 − P ≥ 0.4.
    /// - otherwise: Q by the Legendre continued fraction (modified Lentz); P = 1 − Q.
    /// The prefactor x^a e^{−x}/Γ(a) is formed by `gammaPowerTerm` without cancellation for large a.
    static func incompleteGamma(_ a: Double, _ x: Double) -> (p: Double, q: Double) {
        if a.isNaN || x.isNaN || a < 0 { return (.nan, .nan) }
        if x <= 0 { return (0, 1) }
        if x.isInfinite { return a.isInfinite ? (.nan, .nan) : (1, 0) }
        if a == 0 { return (1, 0) }
        if a.isInfinite { return (0, 1) }

        if a >= 1e10 {
            return gammaUniformAsymptotic(a, x)
        }
        if a < 1 && x <= 1.5 {
            let p = gammaSeriesP(a, x)
            let q = smallShapeQ(a, x)
            return (p, q)
        }
        if x < a + 1 {
            let p = gammaSeriesP(a, x)
            return (p, 1 - p)
        }
        let q = gammaContinuedFractionQ(a, x)
        return (1 - q, q)
    }

    /// P and Q for a ≥ 10¹⁰ by Temme's uniform asymptotic expansion (Temme 1979; DiDonato &
    /// Morris 1986, eq. 32), to its first term:
    ///   Q(a, x) = ½ erfc(η √(a/2)) + e^{−aη²/2}/√(2πa) · (C₀(η) + O(1/a)),
    ///   η = sign(λ − 1) √(2(λ − 1 − log λ)), λ = x/a, C₀(η) = 1/(λ − 1) − 1/η,
    /// with C₀ = −1/3 + η/12 − 2η²/135 + η³/864 + η⁴/2835 for |η| < 10⁻³. The neglected term is
    /// O(a^{−3/2}) relative to Q, below 1e-15 here; the series and continued fraction would need
    /// O(√a) terms.
    static func gammaUniformAsymptotic(_ a: Double, _ x: Double) -> (p: Double, q: Double) {
        let u = (x - a) / a                      // λ − 1
        let eta = (u < 0 ? -1.0 : 1.0) * (-2 * log1pmx(u)).squareRoot()
        let c0: Double
        if abs(eta) < 1e-3 {
            c0 = -1.0 / 3 + eta * (1.0 / 12 + eta * (-2.0 / 135 + eta * (1.0 / 864 + eta / 2835)))
        } else {
            c0 = 1 / u - 1 / eta
        }
        let z = eta * (0.5 * a).squareRoot()
        let r = exp(-0.5 * a * eta * eta) / (2 * Double.pi * a).squareRoot() * c0
        let q = 0.5 * erfc(z) + r
        let p = 0.5 * erfc(-z) - r
        return (min(max(p, 0), 1), min(max(q, 0), 1))
    }

    /// x^a e^{−x} / Γ(a), the common factor of the series and the continued fraction.
    ///
    /// For a ≥ 10 it is written as exp(a·(log1p(u) − u)) · √(a/2π) · exp(−δ(a)) with u = (x − a)/a,
    /// so no large logarithms cancel near the mode (δ = `stirlingCorrection`).
    static func gammaPowerTerm(_ a: Double, _ x: Double) -> Double {
        if a < 10 {
            // x^a e^{−x}/Γ(a) from correctly rounded factors when none of them under- or
            // overflows (a few ulps); otherwise on the log scale, where the relative error is
            // ≈ ulp·|a log x − x|.
            let power = pow(x, a), damping = exp(-x), gamma = tgamma(a)
            if power.isNormal && damping.isNormal && gamma.isNormal {
                let value = power * damping / gamma
                if value.isNormal { return value }
            }
            return exp(a * log(x) - x - logGamma(a))
        }
        let u = (x - a) / a
        let exponent: Double
        if abs(u) < 0.5 {
            exponent = a * log1pmx(u)
        } else {
            exponent = a * log(x / a) - (x - a)
        }
        return exp(exponent - stirlingCorrection(a)) * (a / (2 * Double.pi)).squareRoot()
    }

    /// P(a, x) by its power series (all terms positive; relative error ~ √n ulps).
    static func gammaSeriesP(_ a: Double, _ x: Double) -> Double {
        let prefactor = gammaPowerTerm(a, x) / a
        if prefactor == 0 { return 0 }
        var term = 1.0
        var sum = 1.0
        var n = 1.0
        while n < 1e7 {
            term *= x / (a + n)
            sum += term
            if term <= sum * 0x1p-54 { break }
            n += 1
        }
        return prefactor * sum
    }

    /// Q(a, x) for 0 < a < 1 and 0 < x ≤ 1.5 (DiDonato & Morris 1986, §2; Temme 1994).
    static func smallShapeQ(_ a: Double, _ x: Double) -> Double {
        let logW = a * log(x) - logGamma1p(a)       // log(x^a / Γ(1 + a))
        let oneMinusW = -expm1(logW)
        // S = Σ_{n≥1} (−x)^n / (n! (a + n))
        var term = 1.0          // (−x)^n / n!
        var sum = 0.0
        var n = 1.0
        while n < 200 {
            term *= -x / n
            let add = term / (a + n)
            sum += add
            if abs(add) <= abs(sum) * 0x1p-54 { break }
            n += 1
        }
        return oneMinusW - exp(logW) * a * sum
    }

    /// Q(a, x) by the continued fraction Γ(a,x) = e^{−x} x^a (1/(x+1−a−) 1·(1−a)/(x+3−a−) 2(2−a)/(x+5−a−) …),
    /// evaluated by the modified Lentz method (Numerical Recipes §5.2, §6.2). Used for x ≥ a + 1.
    static func gammaContinuedFractionQ(_ a: Double, _ x: Double) -> Double {
        let prefactor = gammaPowerTerm(a, x)
        if prefactor == 0 { return 0 }
        let tiny = 1e-300
        var b = x + 1 - a
        var c = 1 / tiny
        var d = 1 / b
        var h = d
        var i = 1.0
        while i < 1e7 {
            let an = -i * (i - a)
            b += 2
            d = an * d + b
            if abs(d) < tiny { d = tiny }
            c = b + an / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) <= 0x1p-53 { break }
            i += 1
        }
        return prefactor * h
    }
}
