import Foundation

/// Student's t distribution with ν > 0 degrees of freedom (ν may be fractional or +∞).
///
/// - CDF/SF: P(T > |t|) = ½ I_x(ν/2, ½) with x = ν/(ν + t²) and 1 − x = t²/(ν + t²) formed
///   separately (A&S 26.7.1), through `SpecialFunctions.incompleteBeta`. ν = +∞ is the standard
///   normal.
/// - Quantile: by symmetry only the upper tail P(T > t) = p ≤ ½ is solved, by safeguarded Newton on
///   log t against log p (`PositiveQuantileSolver`), started from the exact formulas for ν = 1, 2,
///   the tail asymptote t ≈ (K ν^{(ν−1)/2}/p)^{1/ν}, or the Cornish–Fisher expansion.
/// - Domain: ν ≤ 0 or NaN → every function returns NaN.
public struct StudentT: ContinuousDistribution, Equatable, Codable {
    public let df: Double

    public init(df: Double) {
        self.df = df
    }

    private var isValid: Bool { df > 0 }       // false for NaN

    public func pdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if df.isInfinite { return Normal.standardPDF(x) }
        if x.isInfinite { return 0 }
        let logKernel = abs(x) > 1e150 ? 2 * log(abs(x)) - log(df) : log1p(x * x / df)
        let logDensity = -SpecialFunctions.logBeta(0.5 * df, 0.5) - 0.5 * log(df) - 0.5 * (df + 1) * logKernel
        return exp(logDensity)
    }

    public func cdf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if df.isInfinite { return Normal.standardCDF(x) }
        let tail = upperTail(abs(x))
        return x < 0 ? tail : 1 - tail
    }

    public func sf(_ x: Double) -> Double {
        guard isValid, !x.isNaN else { return .nan }
        if df.isInfinite { return Normal.standardCDF(-x) }
        let tail = upperTail(abs(x))
        return x > 0 ? tail : 1 - tail
    }

    public func quantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        if df.isInfinite { return Normal.standardQuantile(p, upper: false) }
        if p == 0.5 { return 0 }
        return p < 0.5 ? -upperTailQuantile(p) : upperTailQuantile(1 - p)
    }

    public func upperQuantile(_ p: Double) -> Double {
        guard isValid, p >= 0, p <= 1 else { return .nan }
        if df.isInfinite { return Normal.standardQuantile(p, upper: true) }
        if p == 0.5 { return 0 }
        return p < 0.5 ? upperTailQuantile(p) : -upperTailQuantile(1 - p)
    }

    /// P(T > t) for t ≥ 0.
    func upperTail(_ t: Double) -> Double {
        if t == 0 { return 0.5 }
        if t.isInfinite { return 0 }
        if t > 1e150 {
            // x = ν/t² may underflow; here 1 − x = 1 to working precision and
            // I_x(a, ½) = x^a / (a B(a, ½)) · (1 + O(x)), so work with log x.
            let a = 0.5 * df
            let logX = log(df) - 2 * log(t)
            return 0.5 * exp(a * logX - log(a) - SpecialFunctions.logBeta(a, 0.5))
        }
        let t2 = t * t
        let x = df / (df + t2)
        let y = t2 / (df + t2)
        return 0.5 * SpecialFunctions.incompleteBeta(x: x, y: y, a: 0.5 * df, b: 0.5).lower
    }

    /// The t > 0 with P(T > t) = p, for 0 ≤ p < ½.
    func upperTailQuantile(_ p: Double) -> Double {
        if p == 0 { return .infinity }
        let solver = PositiveQuantileSolver(tail: { upperTail($0) }, pdf: { pdf($0) }, isUpper: true)
        return solver.solve(p, guess: initialGuess(p))
    }

    /// A starting value for P(T > t) = p ≤ ½.
    func initialGuess(_ p: Double) -> Double {
        if df == 1 { return 1 / tan(Double.pi * p) }
        if df == 2 { return (1 - 2 * p) / (2 * p * (1 - p)).squareRoot() }
        // Tail asymptote: P(T > t) ≈ K ν^{(ν−1)/2} t^{−ν}, K = 1/(√ν B(ν/2, ½)).
        let logK = -SpecialFunctions.logBeta(0.5 * df, 0.5) - 0.5 * log(df)
        let asymptote = exp((logK + 0.5 * (df - 1) * log(df) - log(p)) / df)
        let z = Normal.standardQuantile(p, upper: true)
        let z2 = z * z
        let cornishFisher = z + z * (z2 + 1) / (4 * df) + z * ((5 * z2 + 16) * z2 + 3) / (96 * df * df)
        if asymptote > 3 * df.squareRoot() || !(cornishFisher > 0) { return asymptote }
        return cornishFisher
    }
}
