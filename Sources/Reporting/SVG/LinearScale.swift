import Foundation

/// A linear map from data values (the domain) to canvas coordinates (the range), as d3's
/// `scaleLinear`: x ↦ r₀ + (x − d₀)(r₁ − r₀)/(d₁ − d₀). The range may run backwards (an SVG y axis
/// grows downwards, so a value axis maps [0, 1] to [bottom, top]).
public struct LinearScale: Sendable, Equatable {
    public var domainLower: Double
    public var domainUpper: Double
    public var rangeStart: Double
    public var rangeEnd: Double

    public init(domain: (Double, Double), range: (Double, Double)) {
        domainLower = domain.0
        domainUpper = domain.1
        rangeStart = range.0
        rangeEnd = range.1
    }

    /// The canvas coordinate of `x`; the middle of the range when the domain is a single point.
    public func callAsFunction(_ x: Double) -> Double {
        let span = domainUpper - domainLower
        guard span != 0, span.isFinite else { return (rangeStart + rangeEnd) / 2 }
        return rangeStart + (x - domainLower) * (rangeEnd - rangeStart) / span
    }

    /// The nice tick step for about `count` ticks over the domain.
    public func tickStep(count: Int = 5) -> Double {
        NiceTicks.step(span: domainUpper - domainLower, count: count)
    }

    /// About `count` nice ticks inside the domain.
    public func ticks(count: Int = 5) -> [Double] {
        NiceTicks.values(from: domainLower, to: domainUpper, step: tickStep(count: count))
    }

    /// Labels for `ticks(count:)`, all with the decimals of the step.
    public func tickLabels(count: Int = 5) -> [String] {
        let step = tickStep(count: count)
        return ticks(count: count).map { NiceTicks.label($0, step: step) }
    }

    /// The same scale with its domain widened to multiples of the nice tick step, so the axis
    /// starts and ends on a tick (as d3's `nice`): widening can change the step for `count` ticks,
    /// so it is repeated until the step is stable, after which `ticks(count:)` of the result
    /// starts and ends at the domain's ends. An empty domain [a, a] becomes [a − |a|, a + |a|]
    /// ([0, 1] for a = 0).
    public func niced(count: Int = 5) -> LinearScale {
        var lo = domainLower, hi = domainUpper
        guard lo.isFinite, hi.isFinite else { return self }
        if lo == hi {
            if lo == 0 { hi = 1 } else { lo -= abs(lo); hi += abs(hi) }
        }
        if lo > hi { swap(&lo, &hi) }
        var previousStep = 0.0
        for _ in 0..<10 {
            let step = NiceTicks.step(span: hi - lo, count: count)
            if step == previousStep { break }
            lo = (lo / step + 1e-9).rounded(.down) * step
            hi = (hi / step - 1e-9).rounded(.up) * step
            previousStep = step
        }
        var scale = self
        scale.domainLower = lo
        scale.domainUpper = hi
        return scale
    }
}
