import Foundation

// Internal building blocks shared by the special functions and the distributions.
extension SpecialFunctions {

    /// Euler–Mascheroni constant γ.
    static let eulerGamma = 0.57721566490153286061
    /// ½ log(2π).
    static let halfLog2Pi = 0.91893853320467274178

    /// ζ(k) − 1 for k = 2...31, computed with mpmath at 40 significant digits and rounded.
    static let zetaMinusOne: [Double] = [
        0.64493406684822643647, 0.2020569031595942854, 0.082323233711138191516,
        0.036927755143369926331, 0.017343061984449139715, 0.0083492773819228268398,
        0.0040773561979443393787, 0.0020083928260822144179, 0.00099457512781808533715,
        0.0004941886041194645587, 0.00024608655330804829864, 0.00012271334757848914675,
        0.000061248135058704829259, 0.000030588236307020493552, 0.000015282259408651871733,
        7.6371976378997622736e-6, 3.8172932649998398565e-6, 1.9082127165539389257e-6,
        9.5396203387279611315e-7, 4.7693298678780646312e-7, 2.3845050272773299e-7,
        1.1921992596531107307e-7, 5.9608189051259479612e-8, 2.9803503514652280186e-8,
        1.4901554828365041235e-8, 7.450711789835429492e-9, 3.7253340247884570548e-9,
        1.8626597235130490064e-9, 9.3132743241966818287e-10, 4.656629065033784073e-10,
    ]

    /// Stirling's correction δ(z) = log Γ(z) − [(z − ½) log z − z + ½ log 2π] for z > 0.
    ///
    /// For z ≥ 10 the asymptotic series Σ B_{2k} / (2k(2k−1) z^{2k−1}) to B₁₈ (error < 1e-19);
    /// below 10 the defining difference, whose absolute error is a few ulps of log Γ(z) — the
    /// quantity only ever enters an exponent, so absolute accuracy is what matters.
    static func stirlingCorrection(_ z: Double) -> Double {
        if z >= 10 {
            let w = 1 / (z * z)
            let c: [Double] = [1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188,
                               -691.0 / 360360, 1.0 / 156, -3617.0 / 122400, 43867.0 / 244188]
            var s = 0.0
            for k in stride(from: c.count - 1, through: 0, by: -1) {
                s = s * w + c[k]
            }
            return s / z
        }
        return logGamma(z) - ((z - 0.5) * log(z) - z + halfLog2Pi)
    }

    /// log1p(u) − u for u > −1, accurate relative to its size (≈ −u²/2) when u is small.
    ///
    /// For |u| < ¼ it uses log1p(u) = 2 artanh(r), r = u/(2 + u), so that
    /// log1p(u) − u = −u²/(2 + u) + 2(r³/3 + r⁵/5 + …) with |r| < 0.143; otherwise the plain difference.
    static func log1pmx(_ u: Double) -> Double {
        if abs(u) >= 0.25 { return log1p(u) - u }
        let r = u / (2 + u)
        let r2 = r * r
        var term = r2 * r
        var sum = 0.0
        var k = 3.0
        while true {
            let add = term / k
            sum += add
            if abs(add) <= abs(sum) * 1e-17 { break }
            term *= r2
            k += 2
        }
        return -u * u / (2 + u) + 2 * sum
    }

    /// sin(πx) with the argument reduced exactly modulo 2 (so it is exactly 0 at integers).
    static func sinPi(_ x: Double) -> Double {
        if x < 0 { return -sinPi(-x) }
        var r = fmod(x, 2)           // exact, in [0, 2)
        var sign = 1.0
        if r >= 1 { r -= 1; sign = -1 }
        if r > 0.5 { r = 1 - r }     // sin(π r) = sin(π(1 − r))
        if r == 0 { return 0 }
        return sign * sin(Double.pi * r)
    }

    /// cos(πx) with exact argument reduction.
    static func cosPi(_ x: Double) -> Double {
        var r = fmod(abs(x), 2)      // exact, in [0, 2)
        if r > 1 { r = 2 - r }       // cos(π(2 − r)) = cos(πr); exact
        if r <= 0.25 { return cos(Double.pi * r) }
        if r < 0.75 { return sin(Double.pi * (0.5 - r)) }   // 0.5 − r is exact here
        return -cos(Double.pi * (1 - r))
    }
}
