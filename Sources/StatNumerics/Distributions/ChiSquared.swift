import Foundation

/// The chi-square distribution with ν > 0 degrees of freedom (ν may be fractional).
///
/// - CDF/SF: P(ν/2, x/2) and Q(ν/2, x/2), the regularized incomplete gamma functions
///   (`SpecialFunctions.incompleteGamma`), each tail computed directly.
/// - Quantile: safeguarded Newton on log x against log p (`PositiveQuantileSolver`), started from
///   the Wilson–Hilferty approximation or, deep in the lower tail, from P ≈ (x/2)^{ν/2}/Γ(ν/2 + 1).
/// - Domain: ν ≤ 0, ν = ∞ or NaN → every function returns NaN.
public struct ChiSquared: ContinuousDistribution, Equatable, Codable {
    public let df: Double

    public init(df: Double) {
        self.df = df
    }

    private var isValid: Bool { df > 0 && df.isFinite }

    public func pdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if x < 0 || x.isInfinite { return 0 }
        if x == 0 {
            if df < 2 { return .infinity }
            return df == 2 ? 0.5 : 0
        }
        return SpecialFunctions.gammaPowerTerm(0.5 * df, 0.5 * x) / x
    }

    public func cdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return SpecialFunctions.incompleteGamma(0.5 * df, 0.5 * x).p
    }

    public func sf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        return SpecialFunctions.incompleteGamma(0.5 * df, 0.5 * x).q
    }

    public func quantile(_ p: Double) -> Double {
        PositiveQuantileSolver.halfLineQuantile(p, upper: false, valid: isValid) { solve($0, upper: $1) }
    }

    public func upperQuantile(_ p: Double) -> Double {
        PositiveQuantileSolver.halfLineQuantile(p, upper: true, valid: isValid) { solve($0, upper: $1) }
    }

    /// The x with (upper ? sf : cdf)(x) = p, for 0 < p ≤ ½.
    private func solve(_ p: Double, upper: Bool) -> Double {
        let solver = PositiveQuantileSolver(
            tail: upper ? { sf($0) } : { cdf($0) },
            pdf: { pdf($0) },
            isUpper: upper)
        return solver.solve(p, guess: initialGuess(p, upper: upper))
    }

    private func initialGuess(_ p: Double, upper: Bool) -> Double {
        let z = Normal.standardQuantile(p, upper: upper)
        let c = 2 / (9 * df)
        let cube = 1 - c + z * c.squareRoot()
        let wilsonHilferty = df * cube * cube * cube
        // Lower tail: P ≈ (x/2)^{ν/2} / Γ(ν/2 + 1).
        let k = 0.5 * df
        let lowerAsymptote = 2 * exp((log(p) + SpecialFunctions.logGamma(k + 1)) / k)
        if !upper && (wilsonHilferty <= 0 || lowerAsymptote < 0.5 * df) {
            return lowerAsymptote
        }
        return wilsonHilferty > 0 ? wilsonHilferty : df
    }
}
