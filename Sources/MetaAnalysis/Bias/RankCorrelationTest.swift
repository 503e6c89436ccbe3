import Foundation
import StatNumerics

/// The rank correlation test for funnel-plot asymmetry (Begg & Mazumdar 1994; metafor 3.8's
/// `ranktest`): Kendall's τ between the standardized deviates yᵢ* = (yᵢ − θ̂)/√(vᵢ − 1/Σwⱼ) and the
/// variances vᵢ, with θ̂ = Σwᵢyᵢ/Σwᵢ, wᵢ = 1/vᵢ (the equal-effects mean whatever the analysis's
/// estimator, as metafor).
///
/// The p-value is R's `cor.test(..., method = "kendall", exact = TRUE)`: the exact permutation
/// distribution of Kendall's statistic when neither variable has ties (for every k — metafor asks
/// for it; up to k = `exactLimit`, beyond which the normal approximation is used and said), else the
/// normal approximation with the tie-corrected variance, with a warning as R gives.
/// For k > 170 R's exact p-value degenerates (its k! overflows); SurvMeta's stays exact.
public struct RankCorrelationTest: Sendable, Equatable {
    /// Largest k with an exact p-value (O(k³/6) work).
    public var exactLimit: Int

    public init(exactLimit: Int = 1000) {
        self.exactLimit = exactLimit
    }

    public func run(_ studies: [StudyEffect]) throws -> RankCorrelationResult {
        let routine = "RankCorrelationTest.run"
        let studies = try studies.validated(routine: routine)
        let k = studies.count
        guard k >= 2 else { throw DomainError(routine: routine, "the rank correlation test needs at least 2 studies (k = \(k))") }
        let w = studies.map { 1 / $0.vi }
        let sumW = w.reduce(0, +)
        let theta = zip(w, studies).reduce(0) { $0 + $1.0 * $1.1.yi } / sumW
        let vb = 1 / sumW
        let standardized = studies.map { ($0.yi - theta) / ($0.vi - vb).squareRoot() }
        let vi = studies.map(\.vi)
        let result = KendallTau.test(standardized, vi, exactLimit: exactLimit)
        var warnings: [String] = []
        if k == 2 { warnings.append("with k = 2, Kendall's tau is ±1 and the test has no power (p = 1)") }
        let ties = min(Set(standardized).count, Set(vi).count) < k
        if ties {
            warnings.append("ties in the data: the p-value uses the normal approximation (R: \"Cannot compute exact p-value with ties\")")
        } else if result.usedNormal || k > exactLimit {
            warnings.append("k = \(k) exceeds \(exactLimit): the p-value uses the normal approximation")
        }
        guard let tau = result.tau else {
            throw DomainError(routine: routine, "Kendall's tau is undefined: the variances or the standardized deviates are all equal")
        }
        return RankCorrelationResult(tau: tau, pValue: result.p, exact: !ties && k <= exactLimit, warnings: warnings)
    }
}

/// The result of `RankCorrelationTest.run`.
public struct RankCorrelationResult: Sendable, Codable, Equatable {
    /// Kendall's τ_b.
    public var tau: Double
    /// Two-sided p-value.
    public var pValue: Double?
    /// Whether the p-value is the exact permutation one.
    public var exact: Bool
    public var warnings: [String]
}
