import Foundation
import StatNumerics

/// Which published summary a study's (yi, vi) was derived from; recorded in every result.
public enum EffectConversion: String, Sendable, Codable, CaseIterable, Hashable {
    /// `yi` with `vi` given directly.
    case yiVi = "yi,vi"
    /// `yi` with its standard error: vi = sei².
    case yiSei = "yi,sei"
    /// Hazard ratio with a confidence interval: yi = ln HR, SE = (ln U − ln L)/(2·z₁₋α/₂).
    case hazardRatioCI = "hr,ci_low,ci_high"
    /// Log hazard ratio with its SE.
    case logHazardRatioSE = "loghr,se"
    /// Hazard ratio with a two-sided p-value: SE = |ln HR| / z₁₋p/₂.
    case hazardRatioP = "hr,p"
    /// Peto log-rank O − E with its variance V: ln HR = (O − E)/V, var = 1/V.
    case observedMinusExpected = "o_minus_e,v"
    /// Hazard ratio with the total number of events E and allocation ratio r (Parmar 1998;
    /// Tierney 2007): V ≈ E·r/(1 + r)², var(ln HR) = 1/V.
    case hazardRatioEvents = "hr,events"
    /// Events out of n, transformed by a proportion measure (`escalc` with PLO, PFT, PAS, PLN or PR).
    case proportion = "events,n"
}

/// A study's effect on the analysis scale, with how it was obtained and anything a reader should check.
public struct ConvertedEffect: Sendable, Codable, Equatable {
    public var effect: StudyEffect
    public var conversion: EffectConversion
    /// E.g. a CI that is asymmetric on the log scale beyond rounding, or a direction that was flipped.
    public var notes: [String]

    public init(effect: StudyEffect, conversion: EffectConversion, notes: [String] = []) {
        self.effect = effect
        self.conversion = conversion
        self.notes = notes
    }
}

/// Conversions from what survival papers print to a log hazard ratio and its variance.
/// All functions throw `DomainError` with the reason when the numbers cannot describe a real HR.
public enum EffectSizeConversion {
    /// ln HR and its variance from a hazard ratio and a Wald CI at `level`.
    ///
    /// SE = (ln U − ln L)/(2·z), z = Φ⁻¹(1 − (1 − level)/2). A Wald CI is symmetric about ln HR; the
    /// asymmetry |ln U + ln L − 2 ln HR| is compared with the most that rounding to `roundingUnit`
    /// can cause, ½·unit·(1/L + 2/HR + 1/U), and a note is returned when it is larger (a misread
    /// number, or a CI that was not computed as a Wald interval on the log scale).
    public static func fromHazardRatioCI(hr: Double, lower: Double, upper: Double, level: Double = 0.95,
                                         roundingUnit: Double? = nil) throws -> (yi: Double, vi: Double, notes: [String]) {
        let routine = "hazard ratio with CI"
        guard hr.isFinite, hr > 0 else { throw DomainError(routine: routine, "hazard ratio \(hr) must be a finite number > 0") }
        guard lower.isFinite, lower > 0, upper.isFinite, upper > 0 else {
            throw DomainError(routine: routine, "CI bounds \(lower)–\(upper) must be finite numbers > 0")
        }
        guard lower < upper else { throw DomainError(routine: routine, "CI lower bound \(lower) is not below the upper bound \(upper)") }
        guard lower <= hr && hr <= upper else { throw DomainError(routine: routine, "hazard ratio \(hr) lies outside its CI \(lower)–\(upper)") }
        guard level > 0 && level < 1 else { throw DomainError(routine: routine, "CI level \(level) must lie strictly between 0 and 1") }
        let z = Normal.standard.upperQuantile((1 - level) / 2)
        let se = (log(upper) - log(lower)) / (2 * z)
        var notes: [String] = []
        let asymmetry = abs(log(upper) + log(lower) - 2 * log(hr))
        let unit = roundingUnit ?? 0.01
        let allowance = 0.5 * unit * (1 / lower + 2 / hr + 1 / upper) + 1e-12
        if asymmetry > allowance {
            notes.append(String(format: "CI %g–%g is asymmetric about HR %g on the log scale (%.4f vs at most %.4f from rounding): check the numbers, or the CI is not a Wald interval", lower, upper, hr, asymmetry, allowance))
        }
        return (log(hr), se * se, notes)
    }

    /// ln HR and its variance from a hazard ratio and a two-sided p-value: SE = |ln HR| / Φ⁻¹(1 − p/2).
    public static func fromHazardRatioP(hr: Double, p: Double) throws -> (yi: Double, vi: Double) {
        let routine = "hazard ratio with p-value"
        guard hr.isFinite, hr > 0 else { throw DomainError(routine: routine, "hazard ratio \(hr) must be a finite number > 0") }
        guard p.isFinite, p > 0, p <= 1 else { throw DomainError(routine: routine, "p-value \(p) must lie in (0, 1]") }
        guard p < 1 else { throw DomainError(routine: routine, "p = 1 carries no information about the standard error") }
        guard hr != 1 else { throw DomainError(routine: routine, "HR = 1 with p = \(p) < 1 is contradictory; the SE cannot be derived") }
        let z = Normal.standard.upperQuantile(p / 2)
        let se = abs(log(hr)) / z
        return (log(hr), se * se)
    }

    /// Peto's one-step estimate from the log-rank O − E and its variance V: ln HR = (O − E)/V, var = 1/V.
    public static func fromObservedMinusExpected(_ oMinusE: Double, variance v: Double) throws -> (yi: Double, vi: Double) {
        let routine = "log-rank O − E and V"
        guard oMinusE.isFinite else { throw DomainError(routine: routine, "O − E \(oMinusE) must be finite") }
        guard v.isFinite, v > 0 else { throw DomainError(routine: routine, "variance V \(v) must be a finite number > 0") }
        return (oMinusE / v, 1 / v)
    }

    /// ln HR with the variance approximated from the total number of events E and the allocation
    /// ratio r = n(experimental)/n(control): V ≈ E·r/(1 + r)², var(ln HR) = 1/V (Parmar, Torri &
    /// Stewart 1998, Stat Med 17:2815; Tierney et al. 2007, Trials 8:16).
    public static func fromHazardRatioEvents(hr: Double, events: Double, allocationRatio r: Double = 1) throws -> (yi: Double, vi: Double) {
        let routine = "hazard ratio with total events"
        guard hr.isFinite, hr > 0 else { throw DomainError(routine: routine, "hazard ratio \(hr) must be a finite number > 0") }
        guard events.isFinite, events > 0 else { throw DomainError(routine: routine, "total events \(events) must be > 0") }
        guard r.isFinite, r > 0 else { throw DomainError(routine: routine, "allocation ratio \(r) must be a finite number > 0") }
        let v = events * r / ((1 + r) * (1 + r))
        return (log(hr), 1 / v)
    }
}
