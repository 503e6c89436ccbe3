import Foundation

/// Fisher's F distribution with ν₁, ν₂ > 0 degrees of freedom (either may be fractional or +∞).
///
/// - CDF/SF: P(F ≤ x) = I_y(ν₁/2, ν₂/2) with y = ν₁x/(ν₁x + ν₂) and 1 − y = ν₂/(ν₁x + ν₂) formed
///   separately (A&S 26.6.2). ν₂ = ∞ gives χ²_{ν₁}/ν₁ and ν₁ = ∞ gives ν₂/χ²_{ν₂}; both infinite is
///   the point mass at 1.
/// - Quantile: safeguarded Newton on log x against log p (`PositiveQuantileSolver`); on that scale
///   both tails are nearly straight lines.
/// - Domain: ν₁ ≤ 0, ν₂ ≤ 0 or NaN → every function returns NaN.
public struct FisherF: ContinuousDistribution, Equatable, Codable {
    public let df1: Double
    public let df2: Double

    public init(df1: Double, df2: Double) {
        self.df1 = df1
        self.df2 = df2
    }

    private var isValid: Bool { df1 > 0 && df2 > 0 }

    public func pdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if x < 0 || x.isInfinite { return 0 }
        if df1.isInfinite || df2.isInfinite {
            if df1.isInfinite && df2.isInfinite { return x == 1 ? .infinity : 0 }
            if df2.isInfinite { return df1 * ChiSquared(df: df1).pdf(df1 * x) }
            // X = ν₂/W, W ~ χ²_{ν₂}: f(x) = g(ν₂/x) ν₂/x²
            return ChiSquared(df: df2).pdf(df2 / x) * df2 / (x * x)
        }
        if x == 0 {
            if df1 < 2 { return .infinity }
            return df1 == 2 ? 1 : 0
        }
        if df1 * x / df2 > 1e250 {
            // y = 1 and 1 − y may underflow: x^{−1} (1 − y)^b / B(a, b) on the log scale
            let logYc = log(df2) - log(df1) - log(x)
            return exp(0.5 * df2 * logYc - SpecialFunctions.logBeta(0.5 * df1, 0.5 * df2) - log(x))
        }
        let (y, yc) = betaArguments(x)
        return SpecialFunctions.betaPowerTerm(x: y, y: yc, a: 0.5 * df1, b: 0.5 * df2) / x
    }

    public func cdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return tails(x).lower
    }

    public func sf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return tails(x).upper
    }

    public func quantile(_ p: Double) -> Double {
        PositiveQuantileSolver.halfLineQuantile(p, upper: false, valid: isValid) { solve($0, upper: $1) }
    }

    public func upperQuantile(_ p: Double) -> Double {
        PositiveQuantileSolver.halfLineQuantile(p, upper: true, valid: isValid) { solve($0, upper: $1) }
    }

    /// y = ν₁x/(ν₁x + ν₂) and 1 − y, each without cancellation.
    private func betaArguments(_ x: Double) -> (Double, Double) {
        let r = df1 * x / df2
        if r.isInfinite { return (1, df2 / (df1 * x)) }
        return (r / (1 + r), 1 / (1 + r))
    }

    private func tails(_ x: Double) -> (lower: Double, upper: Double) {
        if x <= 0 { return (0, 1) }
        if x.isInfinite { return (1, 0) }
        if df1.isInfinite && df2.isInfinite { return x < 1 ? (0, 1) : (1, 0) }
        if df2.isInfinite {
            let g = SpecialFunctions.incompleteGamma(0.5 * df1, 0.5 * df1 * x)
            return (g.p, g.q)
        }
        if df1.isInfinite {
            let g = SpecialFunctions.incompleteGamma(0.5 * df2, 0.5 * df2 / x)
            return (g.q, g.p)
        }
        let a = 0.5 * df1, b = 0.5 * df2
        let r = df1 * x / df2
        if r > 1e250 || r.isInfinite {
            // 1 − y = ν₂/(ν₁x + ν₂) may underflow: the upper tail is I_{1−y}(b, a) =
            // (1 − y)^b / (b B(a, b)) · (1 + O(a(1 − y))), taken on the log scale.
            let logYc = log(df2) - log(df1) - log(x)
            let upper = exp(b * logYc - log(b) - SpecialFunctions.logBeta(a, b))
            return (1 - upper, upper)
        }
        let (y, yc) = betaArguments(x)
        return SpecialFunctions.incompleteBeta(x: y, y: yc, a: a, b: b)
    }

    /// The x with (upper ? sf : cdf)(x) = p, for 0 < p ≤ ½.
    private func solve(_ p: Double, upper: Bool) -> Double {
        if df1.isInfinite && df2.isInfinite { return 1 }
        let solver = PositiveQuantileSolver(
            tail: upper ? { sf($0) } : { cdf($0) },
            pdf: { pdf($0) },
            isUpper: upper)
        return solver.solve(p, guess: initialGuess(p, upper: upper))
    }

    /// Starting value: the Wilson–Hilferty cube-root normal approximation for F (Paulson 1942),
    /// falling back to 1 when it is not usable.
    private func initialGuess(_ p: Double, upper: Bool) -> Double {
        guard df1.isFinite, df2.isFinite else { return 1 }
        let z = Normal.standardQuantile(p, upper: upper)
        let a = 2 / (9 * df1), b = 2 / (9 * df2)
        // ((1 − b) F^{1/3} − (1 − a)) / √(b F^{2/3} + a) = z, solved for F^{1/3}.
        let A = (1 - b) * (1 - b) - z * z * b
        let B = -2 * (1 - a) * (1 - b)
        let C = (1 - a) * (1 - a) - z * z * a
        let disc = B * B - 4 * A * C
        guard A > 0, disc >= 0 else { return 1 }
        let root = z > 0 ? (-B + disc.squareRoot()) / (2 * A) : (-B - disc.squareRoot()) / (2 * A)
        let guess = root * root * root
        return guess > 0 && guess.isFinite ? guess : 1
    }
}
