import Foundation
import StatNumerics

/// A reported median survival time (any unit, the same for every study of an analysis).
public struct MedianObservation: Sendable, Codable, Equatable {
    public var label: String
    public var median: Double
    public var ciLow: Double?
    /// nil when the paper prints "not reached" for the upper bound.
    public var ciHigh: Double?
    public var ciLevel: Double
    /// Number of events (deaths for OS), for the exponential approximation.
    public var events: Double?

    public init(label: String, median: Double, ciLow: Double? = nil, ciHigh: Double? = nil, ciLevel: Double = 0.95, events: Double? = nil) {
        self.label = label
        self.median = median
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.ciLevel = ciLevel
        self.events = events
    }
}

/// How the variance of a log median was obtained.
public enum MedianVarianceSource: String, Sendable, Codable, Hashable {
    /// From the CI on the log scale: SE = (ln U − ln L)/(2z).
    case confidenceInterval = "ci"
    /// From one bound when the other is not reached: SE = |ln M − ln B|/z.
    case halfInterval = "half_ci"
    /// Exponential approximation: ln median = ln(ln 2) − ln λ̂ and Var(ln λ̂) ≈ 1/d, so SE = 1/√d.
    case events = "events"
}

/// A study's log median with its variance and provenance.
public struct MedianEffect: Sendable, Codable, Equatable {
    public var effect: StudyEffect
    public var source: MedianVarianceSource
    public var notes: [String]
}

/// Log median survival → (yi, vi). Pooled log medians back-transform with exp to a pooled median
/// (a ratio-of-medians approach on a common time unit).
public enum MedianSurvival {
    public static func effect(_ o: MedianObservation) throws -> MedianEffect {
        let routine = "median survival (\(o.label))"
        guard o.median.isFinite, o.median > 0 else { throw DomainError(routine: routine, "median \(o.median) must be a finite time > 0") }
        guard o.ciLevel > 0 && o.ciLevel < 1 else { throw DomainError(routine: routine, "CI level \(o.ciLevel) must lie in (0, 1)") }
        let z = Normal.standard.upperQuantile((1 - o.ciLevel) / 2)
        let y = log(o.median)
        var notes: [String] = []
        if let lo = o.ciLow, let hi = o.ciHigh {
            guard lo > 0, hi > lo else { throw DomainError(routine: routine, "CI \(lo)–\(hi) must satisfy 0 < lower < upper") }
            guard lo <= o.median, o.median <= hi else { throw DomainError(routine: routine, "the CI \(lo)–\(hi) does not contain the median \(o.median)") }
            let se = (log(hi) - log(lo)) / (2 * z)
            let asym = abs(log(hi) + log(lo) - 2 * y) / (log(hi) - log(lo))
            if asym > 0.25 {
                notes.append(String(format: "the CI is asymmetric on the log scale (%.2f), as Brookmeyer–Crowley intervals often are: the SE is approximate", asym))
            }
            return MedianEffect(effect: StudyEffect(label: o.label, yi: y, vi: se * se), source: .confidenceInterval, notes: notes)
        }
        if let lo = o.ciLow {
            guard lo > 0, lo <= o.median else { throw DomainError(routine: routine, "CI lower bound \(lo) must lie in (0, median]") }
            guard lo < o.median else { throw DomainError(routine: routine, "the lower bound equals the median: no width to derive an SE") }
            let se = (y - log(lo)) / z
            notes.append("upper CI bound not reached: SE from the lower half of the interval")
            return MedianEffect(effect: StudyEffect(label: o.label, yi: y, vi: se * se), source: .halfInterval, notes: notes)
        }
        if let d = o.events {
            guard d.isFinite, d >= 1 else { throw DomainError(routine: routine, "events \(d) must be ≥ 1") }
            notes.append("SE from the exponential approximation 1/√events: assumes a constant hazard")
            return MedianEffect(effect: StudyEffect(label: o.label, yi: y, vi: 1 / d), source: .events, notes: notes)
        }
        throw DomainError(routine: routine, "needs ci_low,ci_high (or ci_low when the upper bound is not reached) or events")
    }
}
