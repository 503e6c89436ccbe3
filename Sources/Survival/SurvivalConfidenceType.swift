import Foundation
import StatNumerics

/// How a pointwise confidence interval for a survival probability S(t) is formed, as the
/// `conf.type` argument of R's `survfit` (survival 3.5, `survfit_confint`).
///
/// With z = Φ⁻¹(1 − (1 − level)/2) and σ = the standard error of −log S (R's `std.err`, Greenwood
/// for Kaplan–Meier):
/// - `plain`:  S ± z·σ·S, clipped to [0, 1];
/// - `log` (R's default): exp(log S ± z·σ), the upper limit capped at 1; undefined where S = 0;
/// - `logLog`: exp(−exp(log(−log S) ∓ z·σ / log S)) (Kalbfleisch & Prentice 1980, §1.3); undefined
///   where S = 0 or S = 1;
/// - `none`: no interval.
public enum SurvivalConfidenceType: String, Sendable, Codable, Equatable, CaseIterable {
    case none
    case plain
    case log
    case logLog = "log-log"

    /// The interval for survival `s` whose −log S has standard error `logSE` (nil = infinite).
    /// Returns (nil, nil) where R returns NA.
    func interval(survival s: Double, logSE: Double?, z: Double) -> (lower: Double?, upper: Double?) {
        switch self {
        case .none:
            return (nil, nil)
        case .plain:
            guard let se = logSE else { return (nil, nil) }   // Inf·S: NaN in R when S = 0
            let half = z * se * s
            guard half.isFinite else { return (nil, nil) }
            return (max(s - half, 0), min(s + half, 1))
        case .log:
            guard s > 0, let se = logSE else { return (nil, nil) }
            let half = z * se
            return (Foundation.exp(Foundation.log(s) - half), min(Foundation.exp(Foundation.log(s) + half), 1))
        case .logLog:
            guard s > 0, s < 1, let se = logSE else { return (nil, nil) }
            let half = z * se / Foundation.log(s)
            let center = Foundation.log(-Foundation.log(s))
            return (Foundation.exp(-Foundation.exp(center - half)), Foundation.exp(-Foundation.exp(center + half)))
        }
    }
}

/// z = Φ⁻¹(1 − (1 − level)/2), the two-sided normal critical value for a confidence level in (0, 1).
func normalCriticalValue(level: Double, routine: String) throws -> Double {
    guard level > 0, level < 1 else {
        throw DomainError(routine: routine, "confidence level is \(level); expected a number strictly between 0 and 1")
    }
    return Normal.standard.quantile(1 - (1 - level) / 2)
}
