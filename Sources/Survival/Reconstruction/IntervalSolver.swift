import Foundation

/// Events and censoring within one interval of the layout, for a given number censored.
///
/// Censoring times come from `censorTimes(_:)`. Walking through the drops in time order with
/// n at risk and the reconstructed product-limit value Ŝ, each drop gets the integer number of
/// events d that brings Ŝ·Π(1 − 1/nⱼ) (the exact product over its events, with any censoring that
/// falls between them) closest to the drop's target survival: rounding that preserves the
/// product-limit estimate and corrects the errors of earlier drops instead of accumulating them.
///
/// The target of a drop with curve value S is S_ref·(S/S_ref)^λ (S_ref = the curve at the interval
/// start): λ = 1 follows the curve; λ ≠ 1 scales every log-drop in the interval alike, which is how
/// a prescribed number of events is spread over the interval's drops (`ReconstructionEngine.forced`).
/// The candidates tried at each drop are the rounded ideal n(1 − target/Ŝ) and its two neighbours,
/// within a cap that keeps the printed end (the floor) and the event budget reachable.
struct IntervalSolver {
    let layout: ReconstructionLayout
    let index: Int

    var interval: ReconstructionLayout.Interval { layout.intervals[index] }

    struct Run {
        var counts: [Int]
        var events: Int
        var censored: Int
        var atRiskEnd: Int
        var survivalEnd: Double
        /// True when a drop got fewer events than its target asked for because of the floor or the
        /// event budget.
        var capped: Bool
        /// Largest |Ŝ − target| just after a drop.
        var maxError: Double = 0
        var eventTimes: [Double] = []
        var censorTimes: [Double] = []
    }

    /// Censoring times inside the interval, spread in proportion to the curve S(t): a patient
    /// can only be censored while event-free, and the potential censoring times (mostly the data
    /// cut-off after staggered entry) are taken as uniform within the interval, the histogram
    /// estimate of their density; the censoring density is then ∝ S(t). The c-th of C censored
    /// leaves at the c/(C + 1) quantile of that density, S read as the clicked curve (flat between
    /// drops, linear across each drop). Spreading in proportion to the number at risk instead (a
    /// constant censoring hazard) puts censoring too early when much of the interval is cut off,
    /// which leaves too few at risk at the drops and too few events. Guyot et al. (2012) spread
    /// censoring evenly in time, which is this with S taken as flat.
    func censorTimes(_ count: Int) -> [Double] {
        let a = interval.start, b = interval.end
        guard count > 0 else { return [] }
        let quantiles = (0..<count).map { Double($0 + 1) / Double(count + 1) }
        // The curve as knots (t, S) over [a, b].
        var knots: [(t: Double, s: Double)] = [(a, interval.curveAtStart)]
        for k in interval.sites {
            let site = layout.sites[k]
            let s0 = max(min(site.start, b), knots[knots.count - 1].t)
            let s1 = max(min(site.end, b), s0)
            if s0 > knots[knots.count - 1].t { knots.append((s0, site.top)) }
            knots.append((s1, site.bottom))
        }
        if b > knots[knots.count - 1].t { knots.append((b, knots[knots.count - 1].s)) }
        var area = [0.0]
        for k in 1..<knots.count {
            area.append(area[k - 1] + (knots[k].t - knots[k - 1].t) * (knots[k].s + knots[k - 1].s) / 2)
        }
        let total = area[area.count - 1]
        guard total > 0 else { return quantiles.map { a + $0 * (b - a) } }
        var times: [Double] = []
        times.reserveCapacity(count)
        var k = 1
        for q in quantiles {
            let target = q * total
            while k < knots.count - 1 && area[k] < target { k += 1 }
            let t0 = knots[k - 1].t, w = knots[k].t - t0
            let s0 = knots[k - 1].s, r = target - area[k - 1]
            var x = 0.0
            if w > 0 {
                // ∫₀ˣ (s0 + g·u) du = r with g the slope: the root in [0, w], in the form that is
                // stable when g → 0 (then x = r / s0).
                let g = (knots[k].s - s0) / w
                let root = (s0 * s0 + 2 * g * r)
                x = root > 0 ? 2 * r / (s0 + root.squareRoot()) : w
                x = min(max(x, 0), w)
            }
            times.append(t0 + x)
        }
        return times
    }

    /// - Parameters:
    ///   - atRisk: number at risk at the interval start.
    ///   - survival: reconstructed Ŝ just before the interval start.
    ///   - censored: number censored inside the interval.
    ///   - lambda: drop scaling (1 = follow the curve).
    ///   - floor: at least this many must remain at risk at the end (the printed number at the end).
    ///   - maxEvents: the event budget of the interval.
    ///   - eventsFirst: false: patients are held back for the censorings still to come (an
    ///     interval with a printed end, where the number censored is exact); true: events at the
    ///     drops come first and a censoring that finds nobody at risk (above `floor`) lapses (the
    ///     open last interval, where the number censored is only a planning figure).
    ///   - record: also return the event and censoring times.
    func run(atRisk: Int, survival: Double, censored: Int, lambda: Double = 1, floor: Int, maxEvents: Int,
             eventsFirst: Bool? = nil, record: Bool = false) -> Run {
        let eventsFirst = eventsFirst ?? interval.isOpen
        let cens = censorTimes(censored)
        var n = atRisk
        var km = survival
        var p = 0
        var total = 0
        var capped = false
        var counts: [Int] = []
        var maxError = 0.0
        var eventTimes: [Double] = []
        let ref = interval.curveAtStart
        var applied: [Double] = []
        func censor(_ time: Double) {
            if !eventsFirst || n > floor { n -= 1; applied.append(time) }
        }
        for s in interval.sites {
            let site = layout.sites[s]
            while p < cens.count && cens[p] < site.start { censor(cens[p]); p += 1 }
            let target: Double
            if lambda == 1 || ref <= 0 { target = site.bottom } else { target = ref * pow(site.bottom / ref, lambda) }
            let reserved = eventsFirst ? 0 : cens.count - p
            let cap = max(0, min(n - reserved - floor, maxEvents - total))
            var d = 0
            if n > 0 && km > 0 {
                let ideal = Double(n) * (1 - target / km)
                let guess = Int(ideal.rounded())
                if guess > cap { capped = true }
                // The ideal uses n at the start of the drop; censoring inside the drop's span can
                // make a count far from it the closest (a drop read at its end after heavy
                // censoring), so walk from the guess while the error keeps falling.
                func error(_ c: Int) -> Double { abs(after(site, c, n, km, cens, p, eventsFirst ? floor : nil).km - target) }
                var best = min(max(guess, 0), cap)
                var bestError = error(best)
                for step in [-1, 1] {
                    var c = best + step
                    let start = best
                    while c >= 0 && c <= cap {
                        let e = error(c)
                        if e < bestError - 1e-15 { best = c; bestError = e; c += step } else { break }
                    }
                    if best != start { break }
                }
                // The error need not be unimodal in the count when events crowd out the censoring
                // between them (events first): no events at all is always a candidate.
                if best > 1 && error(0) < bestError - 1e-15 { best = 0 }
                d = best
            }
            let state = after(site, d, n, km, cens, p, eventsFirst ? floor : nil)
            for q in p..<state.next where state.applied.contains(q) { applied.append(cens[q]) }
            n = state.n; km = state.km; p = state.next
            maxError = max(maxError, abs(km - target))
            if record { eventTimes += site.eventTimes(d) }
            counts.append(d)
            total += d
        }
        while p < cens.count { censor(cens[p]); p += 1 }
        return Run(counts: counts, events: total, censored: applied.count, atRiskEnd: n, survivalEnd: km, capped: capped,
                   maxError: maxError, eventTimes: eventTimes, censorTimes: record ? applied : [])
    }

    /// The state after `d` events at `site` starting from n at risk and Ŝ = km, with censoring
    /// times `cens[p...]` interleaved (a censoring at an event's time comes after it).
    /// With `lapseAbove` set, a censoring that finds no more than that many at risk lapses.
    private func after(_ site: ReconstructionLayout.Site, _ d: Int, _ n0: Int, _ km0: Double,
                       _ cens: [Double], _ p0: Int, _ lapseAbove: Int?) -> (n: Int, km: Double, next: Int, applied: Set<Int>) {
        var n = n0, km = km0, p = p0
        var applied = Set<Int>()
        let times = site.eventTimes(d)
        var j = 0
        while j < times.count {
            let t = times[j]
            while p < cens.count && cens[p] < t {
                // Events first: a censoring lapses unless someone beyond the floor and the events
                // still to come at this drop is at risk.
                if lapseAbove.map({ n - (times.count - j) > $0 }) ?? true { n -= 1; applied.insert(p) }
                p += 1
            }
            var tied = 1
            while j + tied < times.count && times[j + tied] == t { tied += 1 }
            if n > 0 { km *= 1 - Double(tied) / Double(n) }
            n -= tied
            j += tied
        }
        return (n, km, p, applied)
    }
}
