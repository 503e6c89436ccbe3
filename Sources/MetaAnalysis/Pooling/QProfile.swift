import Foundation
import StatNumerics

/// Confidence intervals for τ², I² and H².
public struct HeterogeneityIntervals: Sendable, Codable, Equatable {
    public var method: String
    public var tau2Low: Double
    public var tau2High: Double
    public var i2Low: Double
    public var i2High: Double
    public var h2Low: Double
    public var h2High: Double
    /// True when a bound sits at the end of the search interval rather than at a root
    /// (metafor prints it with "<" or ">").
    public var lowerAtBound: Bool
    public var upperAtBound: Bool

    /// Bounds for τ², and I² = 100·τ²/(ṽ + τ²), H² = τ²/ṽ + 1 through the typical variance ṽ.
    init(method: String, tau2Low: Double, tau2High: Double, typicalVariance v: Double, lowerAtBound: Bool, upperAtBound: Bool) {
        self.method = method
        self.tau2Low = tau2Low
        self.tau2High = tau2High
        i2Low = 100 * tau2Low / (v + tau2Low)
        i2High = 100 * tau2High / (v + tau2High)
        h2Low = tau2Low / v + 1
        h2High = tau2High / v + 1
        self.lowerAtBound = lowerAtBound
        self.upperAtBound = upperAtBound
    }
}

/// The Q-profile interval for τ² (Viechtbauer 2007, Stat Med 26:37): the set of τ² for which the
/// generalized Q statistic Q(τ²) = Σ wᵢ(τ²)(yᵢ − ŷᵢ)², wᵢ = 1/(vᵢ + τ²), lies between the α/2 and
/// 1 − α/2 quantiles of χ²(k − p). Q(τ²) decreases in τ², so each bound is one Brent root.
/// The search interval is metafor's [0, max(100, 10·τ̂²)]; a bound that cannot be reached is
/// set to the end of the interval, as metafor does. I² and H² follow from τ² through the typical
/// variance ṽ of the fit: I² = 100·τ²/(ṽ + τ²), H² = τ²/ṽ + 1.
public struct QProfile: Sendable {
    let yi: [Double]
    let vi: [Double]
    let design: Matrix
    let control: ModelControl

    public init(yi: [Double], vi: [Double], design: Matrix, control: ModelControl = .default) {
        self.yi = yi
        self.vi = vi
        self.design = design
        self.control = control
    }

    func q(_ tau2: Double) throws -> Double {
        try WeightedProjection(weights: vi.map { 1 / ($0 + tau2) }, design: design).quadratic(yi)
    }

    public func intervals(level: Double, tau2: Double, typicalVariance: Double) throws -> HeterogeneityIntervals {
        let df = Double(yi.count - design.columns)
        guard df >= 1 else {
            throw DomainError(routine: "QProfile", "the Q-profile interval needs more studies than coefficients")
        }
        let alpha = 1 - level
        let chi = ChiSquared(df: df)
        let critUpper = chi.upperQuantile(alpha / 2)
        let critLower = chi.quantile(alpha / 2)
        let low = 0.0
        let high = max(100, tau2 * 10)
        let qLow = try q(low)
        let qHigh = try q(high)
        var lb = low, ub = low
        var lbAtBound = false, ubAtBound = false
        func root(_ target: Double) throws -> Double {
            try RootFinding.brent(in: low...high, tolerance: control.rootTolerance) { try q($0) - target }
        }
        if qLow < critLower {
            lb = low; ub = low
        } else {
            if qHigh > critLower { ub = high; ubAtBound = true } else { ub = try root(critLower) }
        }
        if qHigh > critUpper {
            lb = high; ub = high; lbAtBound = true; ubAtBound = true
        } else if qLow < critUpper {
            lb = low
        } else {
            lb = try root(critUpper)
        }
        return HeterogeneityIntervals(method: "Q-profile", tau2Low: lb, tau2High: ub, typicalVariance: typicalVariance,
                                      lowerAtBound: lbAtBound, upperAtBound: ubAtBound)
    }
}
