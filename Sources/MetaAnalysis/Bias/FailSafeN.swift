import Foundation
import StatNumerics

/// Fail-safe N: how many unpublished null studies would overturn the conclusion (metafor 3.8's `fsn`).
///
/// - Rosenthal (1979), Stouffer's method: z̄ = |Σyᵢ/√vᵢ|/√k, N = max(0, k(z̄/z₁₋α)² − k) with the
///   one-sided z₁₋α; p = P(Z > z̄).
/// - Orwin (1983): N = max(0, k(ȳ − target)/target) with ȳ the unweighted (or, `weighted`, the
///   1/vᵢ-weighted) mean and target ȳ/2 by default (a target of the wrong sign is negated; target 0 → ∞).
/// - Rosenberg (2005): the weighted (equal-effects) mean ȳ_w, z = ȳ_w·√Σwᵢ, p two-sided;
///   N = max(0, k((Σwᵢyᵢ/z₁₋α/₂)² − Σwᵢ)/Σwᵢ).
/// Reported as metafor: ⌈N⌉, or N rounded when it lies within √ε of an integer; `raw` keeps N itself.
public enum FailSafeN {
    public enum Method: String, Sendable, Codable, CaseIterable, Hashable {
        case rosenthal, orwin, rosenberg
    }

    public static func rosenthal(_ studies: [StudyEffect], alpha: Double = 0.05) throws -> FailSafeNResult {
        let studies = try checked(studies, alpha)
        let k = Double(studies.count)
        let zAvg = abs(studies.reduce(0) { $0 + $1.yi / $1.vi.squareRoot() } / k.squareRoot())
        let crit = Normal.standard.upperQuantile(alpha)
        let raw = max(0, k * (zAvg / crit) * (zAvg / crit) - k)
        return FailSafeNResult(method: .rosenthal, n: reported(raw), raw: raw, alpha: alpha,
                               pValue: Normal.standard.sf(zAvg), meanEffect: nil, target: nil)
    }

    /// - Parameter target: the effect size to which the mean would drop (nil: half the mean).
    public static func orwin(_ studies: [StudyEffect], target: Double? = nil, weighted: Bool = false) throws -> FailSafeNResult {
        let studies = try checked(studies, 0.05)
        let k = Double(studies.count)
        let mean: Double
        if weighted {
            let w = studies.map { 1 / $0.vi }
            mean = zip(w, studies).reduce(0) { $0 + $1.0 * $1.1.yi } / w.reduce(0, +)
        } else {
            mean = studies.reduce(0) { $0 + $1.yi } / k
        }
        var goal = target ?? mean / 2
        let raw: Double
        if goal == 0 {
            raw = .infinity
        } else {
            func sign(_ x: Double) -> Int { x > 0 ? 1 : (x < 0 ? -1 : 0) }
            if sign(goal) != sign(mean) { goal = -goal }
            raw = max(0, k * (mean - goal) / goal)
        }
        return FailSafeNResult(method: .orwin, n: raw.isFinite ? reported(raw) : nil, raw: raw.isFinite ? raw : nil, alpha: nil,
                               pValue: nil, meanEffect: mean, target: goal)
    }

    public static func rosenberg(_ studies: [StudyEffect], alpha: Double = 0.05) throws -> FailSafeNResult {
        let studies = try checked(studies, alpha)
        let k = Double(studies.count)
        let w = studies.map { 1 / $0.vi }
        let sumW = w.reduce(0, +)
        let sumWY = zip(w, studies).reduce(0) { $0 + $1.0 * $1.1.yi }
        let mean = sumWY / sumW
        let z = mean / (1 / sumW).squareRoot()
        let crit = Normal.standard.upperQuantile(alpha / 2)
        let wp = (sumWY / crit) * (sumWY / crit) - sumW
        let raw = max(0, k * wp / sumW)
        return FailSafeNResult(method: .rosenberg, n: reported(raw), raw: raw, alpha: alpha,
                               pValue: 2 * Normal.standard.sf(abs(z)), meanEffect: mean, target: nil)
    }

    /// metafor's reporting rule: ⌈N⌉ unless N is within √ε of an integer, then round(N).
    static func reported(_ raw: Double) -> Int {
        let rounded = raw.rounded(.toNearestOrEven)
        return abs(raw - rounded) >= Double.ulpOfOne.squareRoot() ? Int(raw.rounded(.up)) : Int(rounded)
    }

    private static func checked(_ studies: [StudyEffect], _ alpha: Double) throws -> [StudyEffect] {
        let studies = try studies.validated(routine: "FailSafeN")
        guard alpha > 0 && alpha < 1 else { throw DomainError(routine: "FailSafeN", "alpha \(alpha) must lie in (0, 1)") }
        return studies
    }
}

/// A fail-safe N.
public struct FailSafeNResult: Sendable, Codable, Equatable {
    public var method: FailSafeN.Method
    /// The number reported (metafor's `fsnum`); nil when infinite (Orwin with target 0).
    public var n: Int?
    /// The unrounded value.
    public var raw: Double?
    public var alpha: Double?
    /// Rosenthal: one-sided p of the combined z; Rosenberg: two-sided p of the weighted mean.
    public var pValue: Double?
    /// Orwin: the (weighted) mean effect; Rosenberg: the weighted mean.
    public var meanEffect: Double?
    /// Orwin's target.
    public var target: Double?
}
