import Foundation

/// The normal distribution N(mean, sd²).
///
/// - CDF/SF: Φ(z) = ½ erfc(−z/√2) using the C library's `erfc` (correctly rounded to within an ulp
///   or two over its whole range), with the rounding error of z/√2 corrected to first order:
///   erfc(w + ε) ≈ erfc(w) − ε · 2/√π · e^{−w²}. Without the correction the relative error would
///   grow like z²·ulp (1.5e-13 at z = −37); with it, the tails keep full relative accuracy down to
///   Φ(−37.5) ≈ 5e-308.
/// - Quantile: Wichura's algorithm AS 241 (Applied Statistics 37(3), 477–484, 1988), PPND16, with
///   relative accuracy about 1e-16 for p ≥ 1e-300 — the algorithm R's `qnorm` uses.
/// - Domain: sd must be positive and finite and the mean finite; otherwise every function returns
///   NaN. A probability outside [0, 1] or NaN gives NaN.
public struct Normal: ContinuousDistribution, Equatable, Codable {
    public let mean: Double
    public let sd: Double

    public init(mean: Double = 0, sd: Double = 1) {
        self.mean = mean
        self.sd = sd
    }

    /// N(0, 1).
    public static let standard = Normal()

    private var isValid: Bool { mean.isFinite && sd.isFinite && sd > 0 }

    public func pdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return Normal.standardPDF((x - mean) / sd) / sd
    }

    public func cdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return Normal.standardCDF((x - mean) / sd)
    }

    public func sf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return Normal.standardCDF((mean - x) / sd)
    }

    public func quantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        return mean + sd * Normal.standardQuantile(p, upper: false)
    }

    public func upperQuantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        return mean + sd * Normal.standardQuantile(p, upper: true)
    }

    // MARK: standard normal

    /// 1/√(2π).
    static let inverseSqrt2Pi = 0.398942280401432677940

    /// φ(z) = e^{−z²/2}/√(2π), with z² split so the exponent is exact to a few ulps for large |z|:
    /// z = h + l with h a multiple of 2⁻¹⁶, z² = h² + l(z + h).
    static func standardPDF(_ z: Double) -> Double {
        if z.isNaN { return z }
        let a = abs(z)
        if a > 40 { return 0 }
        let h = (a * 65536).rounded(.down) / 65536
        let l = a - h
        return inverseSqrt2Pi * exp(-0.5 * h * h) * exp(-0.5 * l * (a + h))
    }

    /// Φ(z) = P(Z ≤ z) for the standard normal.
    static func standardCDF(_ z: Double) -> Double {
        if z.isNaN { return z }
        if z == -.infinity { return 0 }
        if z == .infinity { return 1 }
        // 1/√2 as a double-double, to recover the rounding error of w = −z/√2.
        let cHi = 0.70710678118654757
        let cLo = -4.8336466567264567e-17
        let a = -z
        let w = a * cHi
        let err = fmaError(a, cHi, w) + a * cLo      // (a/√2) − w, to first order
        let value = erfc(w) - err * (2 / Double.pi.squareRoot()) * exp(-w * w)
        return 0.5 * value
    }

    /// The exact rounding error a·b − round(a·b), by a fused multiply–add.
    @inline(__always)
    static func fmaError(_ a: Double, _ b: Double, _ product: Double) -> Double {
        (-product).addingProduct(a, b)
    }

    /// The standard normal quantile by AS 241: `upper` selects P(Z > z) = p.
    static func standardQuantile(_ p: Double, upper: Bool) -> Double {
        if p.isNaN || p < 0 || p > 1 { return .nan }
        if p == 0 { return upper ? .infinity : -.infinity }
        if p == 1 { return upper ? -.infinity : .infinity }
        // q = (lower-tail probability) − ½, exact in both cases.
        let q = upper ? 0.5 - p : p - 0.5
        if abs(q) <= 0.425 {
            let r = 0.180625 - q * q
            let num = (((((((2509.0809287301226727 * r + 33430.575583588128105) * r
                + 67265.770927008700853) * r + 45921.953931549871457) * r
                + 13731.693765509461125) * r + 1971.5909503065514427) * r
                + 133.14166789178437745) * r + 3.387132872796366608)
            let den = (((((((5226.495278852854561 * r + 28729.085735721942674) * r
                + 39307.89580009271061) * r + 21213.794301586595867) * r
                + 5394.1960214247511077) * r + 687.1870074920579083) * r
                + 42.313330701600911252) * r + 1.0)
            return q * num / den
        }
        // The smaller of the two tail probabilities, without cancellation.
        // The smaller tail probability (1 − p is exact for p > ½).
        let small: Double
        if upper {
            small = q < 0 ? 1 - p : p
        } else {
            small = q < 0 ? p : 1 - p
        }
        var r = (-log(small)).squareRoot()
        var value: Double
        if r <= 5 {
            r -= 1.6
            value = (((((((7.7454501427834140764e-4 * r + 0.0227238449892691845833) * r
                + 0.24178072517745061177) * r + 1.27045825245236838258) * r
                + 3.64784832476320460504) * r + 5.7694972214606914055) * r
                + 4.6303378461565452959) * r + 1.42343711074968357734)
                / (((((((1.05075007164441684324e-9 * r + 5.475938084995344946e-4) * r
                + 0.0151986665636164571966) * r + 0.14810397642748007459) * r
                + 0.68976733498510000455) * r + 1.6763848301838038494) * r
                + 2.05319162663775882187) * r + 1.0)
        } else {
            r -= 5
            value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r
                + 0.0012426609473880784386) * r + 0.026532189526576123093) * r
                + 0.29656057182850489123) * r + 1.7848265399172913358) * r
                + 5.4637849111641143699) * r + 6.6579046435011037772)
                / (((((((2.04426310338993978564e-15 * r + 1.4215117583164458887e-7) * r
                + 1.8463183175100546818e-5) * r + 7.868691311456132591e-4) * r
                + 0.0148753612908506148525) * r + 0.13692988092273580531) * r
                + 0.59983220655588793769) * r + 1.0)
        }
        return q < 0 ? -value : value
    }
}
