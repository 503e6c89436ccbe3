import Foundation

/// Special functions of mathematical statistics, accurate to a few units in the last place so that
/// the distributions built on them match R to better than 1e-12 relative.
///
/// Conventions shared by every function here (R's, except that nothing warns or traps):
/// - Arguments outside the domain (a negative shape, `x` outside [0, 1] for the beta family, NaN)
///   give NaN. These are low-level building blocks: callers guard their own boundaries and turn
///   an undefined result into `nil` or a thrown `DomainError`.
/// - Poles give +∞ (`logGamma(0)`, `logGamma(-3)`, `trigamma(0)`).
public enum SpecialFunctions {

    // MARK: log-gamma

    /// log|Γ(x)|, as R's `lgamma`.
    ///
    /// Algorithm: for |x − 2| ≤ ½ and |x − 1| ≤ ½ the Taylor series of log Γ about 2,
    ///   log Γ(2 + z) = (1 − γ) z + Σ_{k≥2} (−1)^k (ζ(k) − 1) z^k / k
    /// (Abramowitz & Stegun 6.1.33), with log Γ(1 + z) = log Γ(2 + z) − log1p(z); this keeps full
    /// *relative* accuracy next to the zeros at 1 and 2. Between 2.5 and 10 the recurrence
    /// Γ(x + 1) = x Γ(x) steps down into [1.5, 2.5); from 10 up Stirling's series with the
    /// Bernoulli correction `stirlingCorrection`. Negative x uses the reflection formula
    /// Γ(x) Γ(1 − x) = π / sin(πx), with sin(πx) reduced exactly.
    ///
    /// Special values: NaN → NaN; ±∞ → +∞; 0 and negative integers (poles) → +∞.
    public static func logGamma(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x.isInfinite { return .infinity }
        if x <= 0 {
            if x == x.rounded(.down) { return .infinity }
            // Small negative x: log|Γ(x)| = log Γ(1 + x) − log|x|.
            if x > -0.5 { return logGamma1pSmall(x) - log(-x) }
            // Reflection: log|Γ(x)| = log(π / |sin πx|) − log Γ(1 − x).
            let s = abs(sinPi(x))
            return log(Double.pi / s) - logGamma(1 - x)
        }
        if x < 0.5 { return logGamma1pSmall(x) - log(x) }
        if x < 1.5 { return logGamma1pSmall(x - 1) }
        if x < 2.5 { return logGamma2p(x - 2) }
        if x < 10 {
            var y = x
            var product = 1.0
            while y >= 2.5 {
                y -= 1
                product *= y
            }
            return logGamma2p(y - 2) + log(product)
        }
        return (x - 0.5) * log(x) - x + halfLog2Pi + stirlingCorrection(x)
    }

    /// log Γ(1 + a) for |a| ≤ ½ via the series about 2: log Γ(2 + a) − log1p(a).
    static func logGamma1pSmall(_ a: Double) -> Double {
        logGamma2p(a) - log1p(a)
    }

    /// log Γ(1 + a) for a > −1, accurate relative to its (small) size when a is near 0 or 1.
    static func logGamma1p(_ a: Double) -> Double {
        if abs(a) <= 0.5 { return logGamma1pSmall(a) }
        return logGamma(1 + a)
    }

    /// log Γ(2 + z) for |z| ≤ ½ by its Taylor series (ζ(k) − 1 shrinks like 2^{−k}; 30 terms
    /// leave a truncation error below 1e-18 at |z| = ½).
    static func logGamma2p(_ z: Double) -> Double {
        let c = lgammaSeriesCoefficients
        var sum = 0.0
        for k in stride(from: c.count - 1, through: 0, by: -1) {
            sum = sum * z + c[k]
        }
        return sum * z
    }

    /// Coefficients of z^{k+1} in log Γ(2 + z): c₀ = 1 − γ, c_{k−1} = (−1)^k (ζ(k) − 1)/k.
    private static let lgammaSeriesCoefficients: [Double] = {
        var c = [1 - eulerGamma]
        for (index, value) in zetaMinusOne.enumerated() {
            let k = Double(index + 2)
            c.append((index % 2 == 0 ? 1.0 : -1.0) * value / k)
        }
        return c
    }()

    // MARK: beta

    /// log B(a, b) = log Γ(a) + log Γ(b) − log Γ(a + b), as R's `lbeta`.
    ///
    /// When both arguments are ≥ 10 it uses Stirling's form with the corrections δ(·) of
    /// `stirlingCorrection`, so the huge log-gamma terms never cancel:
    ///   log B = ½ log 2π − ½ log(a+b) + (p − ½) log(p/(a+b)) + (q − ½) log1p(−p/(a+b)) + δ(p) + δ(q) − δ(a+b)
    /// (p = min, q = max). When only q ≥ 10, log Γ(q) − log Γ(p + q) is formed the same way.
    /// Special values: NaN or a negative argument → NaN; a zero argument → +∞; an infinite one
    /// (the other finite) → −∞.
    public static func logBeta(_ a: Double, _ b: Double) -> Double {
        if a.isNaN || b.isNaN { return .nan }
        let p = min(a, b), q = max(a, b)
        if p < 0 { return .nan }
        if p == 0 { return .infinity }
        if q.isInfinite { return -.infinity }
        if p >= 10 {
            let s = p + q
            return halfLog2Pi - 0.5 * log(s) + (p - 0.5) * log(p / s) + (q - 0.5) * log1p(-p / s)
                + stirlingCorrection(p) + stirlingCorrection(q) - stirlingCorrection(s)
        }
        if q >= 10 {
            return logGamma(p) + logGammaRatio(q, p)
        }
        return logGamma(p) + logGamma(q) - logGamma(p + q)
    }

    /// log Γ(q) − log Γ(q + p) for q ≥ 10 and p > 0, without cancellation of the large terms:
    ///   −(q − ½) log1p(p/q) − p log(p + q) + p + δ(q) − δ(p + q).
    static func logGammaRatio(_ q: Double, _ p: Double) -> Double {
        -(q - 0.5) * log1p(p / q) - p * log(p + q) + p + stirlingCorrection(q) - stirlingCorrection(p + q)
    }

    // MARK: polygamma

    /// ψ(x) = d/dx log Γ(x), as R's `digamma`.
    ///
    /// The recurrence ψ(x) = ψ(x + 1) − 1/x raises x to at least 12, where the asymptotic series
    /// ψ(x) = log x − 1/(2x) − Σ B_{2k} / (2k x^{2k}) (A&S 6.3.18) is summed to B₁₈.
    /// Negative x uses ψ(1 − x) − ψ(x) = π cot(πx) (A&S 6.3.7).
    /// Absolute accuracy is a few ulps of the terms; near the positive root x₀ ≈ 1.4616 the
    /// *relative* error grows as 1/|x − x₀| (R's value has the same property).
    /// Special values: NaN → NaN; +∞ → +∞; −∞, 0 and negative integers → NaN (R warns, NaN).
    public static func digamma(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x == .infinity { return .infinity }
        if x == -.infinity { return .nan }
        if x <= 0 {
            if x == x.rounded(.down) { return .nan }
            // ψ(x) = ψ(1 − x) − π cos(πx)/sin(πx)
            return digamma(1 - x) - Double.pi * cosPi(x) / sinPi(x)
        }
        var y = x
        var shift = 0.0
        while y < 12 {
            shift -= 1 / y
            y += 1
        }
        let w = 1 / (y * y)
        // Σ B_{2k}/(2k) w^k, k = 1...9
        let b: [Double] = [1.0 / 12, -1.0 / 120, 1.0 / 252, -1.0 / 240, 1.0 / 132,
                           -691.0 / 32760, 1.0 / 12, -3617.0 / 8160, 43867.0 / 14364]
        var series = 0.0
        for k in stride(from: b.count - 1, through: 0, by: -1) {
            series = series * w + b[k]
        }
        series *= w
        return shift + (log(y) - 0.5 / y - series)
    }

    /// ψ′(x) = d²/dx² log Γ(x), as R's `trigamma`.
    ///
    /// The recurrence ψ′(x) = ψ′(x + 1) + 1/x² raises x to at least 12, then
    /// ψ′(x) = 1/x + 1/(2x²) + Σ B_{2k} / x^{2k+1} (A&S 6.4.12) to B₁₈. Negative x uses the
    /// reflection ψ′(1 − x) + ψ′(x) = π² / sin²(πx).
    /// Special values: NaN → NaN; +∞ → 0; −∞ → NaN; 0 and negative integers → +∞.
    public static func trigamma(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x == .infinity { return 0 }
        if x == -.infinity { return .nan }
        if x <= 0 {
            if x == x.rounded(.down) { return .infinity }
            let s = sinPi(x)
            return Double.pi * Double.pi / (s * s) - trigamma(1 - x)
        }
        var y = x
        var shift = 0.0
        while y < 12 {
            shift += 1 / (y * y)
            y += 1
        }
        let w = 1 / (y * y)
        let b: [Double] = [1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66,
                           -691.0 / 2730, 7.0 / 6, -3617.0 / 510, 43867.0 / 798]
        var series = 0.0
        for k in stride(from: b.count - 1, through: 0, by: -1) {
            series = series * w + b[k]
        }
        series *= w / y
        return shift + (1 / y + 0.5 * w + series)
    }
}
