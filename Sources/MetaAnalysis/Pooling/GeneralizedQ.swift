import Foundation
import StatNumerics

/// The generalized Cochran statistic Qₐ = Σ aᵢ(yᵢ − ŷᵢ)² with fixed weights aᵢ, and its exact
/// distribution under the random-effects model — the basis of the Biggerstaff–Jackson confidence
/// interval for τ² (Biggerstaff & Jackson 2008, Stat Med 27:6093, for aᵢ = 1/vᵢ, i.e. the
/// DerSimonian–Laird Q) and of its generalization to any weights (Jackson 2013, Res Syn Meth 4:220),
/// and of the median-unbiased estimator `GENQM`.
///
/// With A = diag(a), P = A − A X (XᵀAX)⁻¹ XᵀA and y ~ N(Xβ, V + τ²I), Qₐ = yᵀPy is distributed as
/// Σⱼ λⱼ(τ²) χ²₁ over the k − p non-zero eigenvalues λⱼ of S P S, S = diag(√(vᵢ + τ²)). Its upper-tail
/// probability at the observed Qₐ increases with τ² (Jackson 2013), so every bound is one root:
///
/// - lower bound: P(Qₐ > qₒᵦₛ; τ²) = α/2;  upper bound: P(Qₐ ≤ qₒᵦₛ; τ²) = α/2;
/// - `GENQM`: P(Qₐ ≤ qₒᵦₛ; τ²) = ½.
///
/// The bracketing rules follow metafor 3.8-1's `confint(type = "GENQ")`: the search range is
/// [0, max(100, 10·τ̂²)] unless given; a bound that cannot be reached sits at the end of the range
/// and is flagged; when qₒᵦₛ lies below the α/2 quantile of Qₐ's distribution even at τ² = 0, the
/// interval is [0, 0]. Tail probabilities come from `WeightedChiSquare` (Ruben's series, as in
/// Farebrother's algorithm that metafor calls); roots from Brent's method at `control.rootTolerance`.
/// (metafor 3.8-1 calls `uniroot` there with its default tolerance of about 1.2e-4 in τ², so its printed
/// bounds can differ from these in the fourth or fifth significant digit.)
///
/// The eigenvalues: with one coefficient (p = 1, e.g. intercept only) S P S = diag(aᵢsᵢ²) − ρ z zᵀ with
/// zᵢ = sᵢaᵢxᵢ and ρ = 1/Σaᵢxᵢ², so they come from its secular equation in O(k²) (`SecularEquation`);
/// with moderators, from a dense eigendecomposition (LAPACK `dsyevd`, values only), O(k³), as metafor
/// does for every p. k above `maximumStudies` (p = 1) or `maximumStudiesWithModerators` throws a
/// `DomainError` naming the Q-profile interval as the alternative.
public struct GeneralizedQ: Sendable {
    /// Largest k accepted with one coefficient (the secular equation is solved at every step of the root search).
    public static let maximumStudies = 5_000
    /// Largest k accepted with moderators (a dense eigenproblem at every step of the root search).
    public static let maximumStudiesWithModerators = 1_000

    let vi: [Double]
    let weights: [Double]
    let design: Matrix
    let control: ModelControl
    /// Diagonal and low-rank parts of P: P = diag(a) − (A X) M (A X)ᵀ with M = (XᵀAX)⁻¹.
    private let ax: Matrix
    private let inverseGram: Matrix
    /// The observed statistic Qₐ.
    public let statistic: Double

    public init(yi: [Double], vi: [Double], design: Matrix, weights: [Double], control: ModelControl = .default) throws {
        let routine = "GeneralizedQ"
        let k = yi.count
        guard vi.count == k, weights.count == k, design.rows == k else {
            throw DomainError(routine: routine, "yi, vi, weights and the design must have the same number of rows")
        }
        guard k > design.columns else {
            throw DomainError(routine: routine, "the generalized Q statistic needs more studies (\(k)) than coefficients (\(design.columns))")
        }
        let limit = design.columns == 1 ? GeneralizedQ.maximumStudies : GeneralizedQ.maximumStudiesWithModerators
        guard k <= limit else {
            throw DomainError(routine: routine, "the exact distribution of the generalized Q needs a \(k) × \(k) eigenproblem at every step of a root search; it is limited to k ≤ \(limit) with \(design.columns) coefficient(s). Use the Q-profile interval, or a moment estimator such as GENQ or DL, instead")
        }
        if let i = weights.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
            throw DomainError(routine: routine, "weight \(i + 1) is \(weights[i]); the weights must be finite numbers > 0")
        }
        if let i = vi.firstIndex(where: { !($0 > 0) || !$0.isFinite }) {
            throw DomainError(routine: routine, "variance \(i + 1) is \(vi[i]); variances must be finite numbers > 0")
        }
        self.vi = vi
        self.weights = weights
        self.design = design
        self.control = control
        let projection = try WeightedProjection(weights: weights, design: design)
        statistic = projection.quadratic(yi)
        inverseGram = try design.weightedGram(weights).inverseSPD()
        var scaled = design
        for j in 0..<design.columns {
            for i in 0..<k { scaled[i, j] *= weights[i] }
        }
        ax = scaled
    }

    /// The k − p non-zero eigenvalues λⱼ(τ²) of S P S, in ascending order.
    public func eigenvalues(tau2: Double) throws -> [Double] {
        let k = vi.count
        let p = design.columns
        let s = vi.map { ($0 + tau2).squareRoot() }
        // S P S = diag(aᵢ sᵢ²) − (S A X) M (S A X)ᵀ.
        var sax = ax
        for j in 0..<p {
            for i in 0..<k { sax[i, j] *= s[i] }
        }
        if p == 1 {
            let values = try SecularEquation.eigenvaluesOfDiagonalMinusRankOne(
                d: (0..<k).map { weights[$0] * s[$0] * s[$0] }, z: sax.column(0), rho: inverseGram[0, 0])
            return Array(values.suffix(k - 1))
        }
        let g = sax * inverseGram
        var m = Matrix(rows: k, columns: k)
        for j in 0..<k {
            for i in j..<k {
                var low = 0.0
                for c in 0..<p { low += g[i, c] * sax[j, c] }
                let value = (i == j ? weights[i] * s[i] * s[i] : 0) - low
                m[i, j] = value
                m[j, i] = value
            }
        }
        let values = try m.symmetricEigenvalues()
        return Array(values.suffix(k - p))
    }

    /// P(Qₐ > observed Qₐ) when the between-study variance is τ².
    public func upperTail(tau2: Double) throws -> Double {
        var lambda = try eigenvalues(tau2: tau2)
        // Rounding can leave a structurally positive eigenvalue a hair below zero only when P is
        // singular beyond its rank k − p, which the weights (all > 0) and a full-rank design exclude.
        guard let smallest = lambda.first, smallest > 0 else {
            throw NumericalError(routine: "GeneralizedQ eigenvalues", reason: "S P S has a non-positive eigenvalue \(lambda.first ?? .nan) among its k − p largest",
                                 iteration: nil, remedy: "check the design for aliased moderators, or use the Q-profile interval")
        }
        lambda.sort()
        return try WeightedChiSquare(weights: lambda).tails(at: statistic).upper
    }

    /// The default upper end of the search: metafor's max(100, 10·τ̂²).
    public static func defaultSearchMaximum(tau2: Double) -> Double { max(100, 10 * tau2) }

    /// The generalized-Q confidence interval for τ² (and I², H² through the typical variance ṽ).
    public func intervals(level: Double, tau2: Double, typicalVariance: Double, searchMaximum: Double? = nil) throws -> HeterogeneityIntervals {
        let alpha = 1 - level
        let low = 0.0
        let high = searchMaximum ?? GeneralizedQ.defaultSearchMaximum(tau2: tau2)
        let atLow = try upperTail(tau2: low)
        let atHigh = try upperTail(tau2: high)
        func root(_ target: Double, lowerTail: Bool) throws -> Double {
            try RootFinding.brent(in: low...high, tolerance: control.rootTolerance) { t in
                let upper = try upperTail(tau2: t)
                return (lowerTail ? 1 - upper : upper) - target
            }
        }
        var lb = low, ub = low
        var lbAtBound = false, ubAtBound = false
        if atLow > 1 - alpha / 2 {
            // Even τ² = 0 makes the observed Qₐ improbably small: the interval is [0, 0].
            lb = low; ub = low
        } else {
            if atHigh < 1 - alpha / 2 { ub = high; ubAtBound = true } else { ub = try root(alpha / 2, lowerTail: true) }
        }
        if atHigh < alpha / 2 {
            lb = high; ub = high; lbAtBound = true; ubAtBound = true
        } else if atLow > alpha / 2 {
            lb = low
        } else {
            lb = try root(alpha / 2, lowerTail: false)
        }
        return HeterogeneityIntervals(method: "generalized Q", tau2Low: lb, tau2High: ub, typicalVariance: typicalVariance,
                                      lowerAtBound: lbAtBound, upperAtBound: ubAtBound)
    }

    /// The median-unbiased τ² (metafor's `GENQM`): the τ² at which the observed Qₐ is the median of
    /// its distribution, or 0 when it lies below the median already at τ² = 0. `upper` is the end of
    /// the search (metafor: max(100, 10·mad(y)²)); a median that lies beyond it throws, naming the remedy.
    /// Returns the root and the number of evaluations inside the root search.
    public func medianUnbiasedTau2(upper: Double) throws -> (tau2: Double, evaluations: Int) {
        try tau2Root(upper: upper, tolerance: control.rootTolerance,
                     routine: "GENQM estimator (median of the generalized Q)",
                     stillAbove: "the observed Q is still above the median of its distribution",
                     alternatives: "GENQ or REML") { 0.5 - (try upperTail(tau2: $0)) }
    }
}
