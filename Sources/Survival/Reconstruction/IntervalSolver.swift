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
/// The search at each drop starts at the rounded ideal n(1 − target/Ŝ), walks towards the target
/// (more events while Ŝ is above it, fewer while below) as long as the error falls, and also tries
/// no events, within a cap that keeps the printed end (the floor) and the event budget reachable.
struct IntervalSolver {
    /// The layout with the reused buffers of the engine that owns this solver: a solver is that
    /// reference and an index, so making one per run costs no reference counting of the
    /// layout's arrays.
    let scratch: ReconstructionScratch
    let index: Int

    init(scratch: ReconstructionScratch, index: Int) {
        self.scratch = scratch
        self.index = index
    }

    /// A solver with buffers of its own.
    init(layout: ReconstructionLayout, index: Int) {
        self.init(scratch: ReconstructionScratch(layout: layout), index: index)
    }

    var interval: ReconstructionLayout.Interval { scratch.layout.intervals[index] }

    struct Run {
        var events: Int
        var censored: Int
        var atRiskEnd: Int
        var survivalEnd: Double
        /// True when a drop got fewer events than its target asked for because of the floor or the
        /// event budget.
        var capped: Bool
        /// Largest |Ŝ − target| just after a drop.
        var maxError: Double = 0
        /// A recorded run: where its event and censoring times are in the `Recording`.
        var recordedEvents: Range<Int> = 0..<0
        var recordedCensorings: Range<Int> = 0..<0
    }

    /// The event and censoring times of recorded runs, one run after another (each run's times
    /// ascending), in two buffers of `capacity` (the number of patients: each leaves once):
    /// one pair for all intervals, written without per-element checks.
    final class Recording {
        let capacity: Int
        let eventTimes: UnsafeMutablePointer<Double>
        let censorTimes: UnsafeMutablePointer<Double>
        // One thread writes a recording: no run-time exclusivity checks.
        @exclusivity(unchecked) private(set) var eventCount = 0
        @exclusivity(unchecked) private(set) var censorCount = 0

        init(capacity: Int) {
            self.capacity = max(capacity, 0)
            eventTimes = .allocate(capacity: self.capacity)
            censorTimes = .allocate(capacity: self.capacity)
        }

        deinit {
            eventTimes.deallocate()
            censorTimes.deallocate()
        }

        @inline(__always)
        func event(_ t: Double) {
            precondition(eventCount < capacity, "more recorded events than patients")
            eventTimes[eventCount] = t
            eventCount += 1
        }

        @inline(__always)
        func censoring(_ t: Double) {
            precondition(censorCount < capacity, "more recorded censorings than patients")
            censorTimes[censorCount] = t
            censorCount += 1
        }

        var events: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: eventTimes, count: eventCount) }
        var censorings: UnsafeBufferPointer<Double> { UnsafeBufferPointer(start: censorTimes, count: censorCount) }
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
    ///
    /// The one place that decides the censoring times: the `count` times are written to
    /// `times[0..<count]` (a buffer the engine reuses for every run). `density` is
    /// `censoringDensity()`, which does not depend on the count, if already at hand.
    func censorTimes(_ count: Int, into times: UnsafeMutablePointer<Double>,
                     segments: UnsafeBufferPointer<CensoringDensity.Segment>, total: Double) {
        let a = interval.start, b = interval.end
        guard count > 0 else { return }
        func quantile(_ i: Int) -> Double { Double(i + 1) / Double(count + 1) }
        guard total > 0 else {
            for i in 0..<count { times[i] = a + quantile(i) * (b - a) }
            return
        }
        var k = 0
        for i in 0..<count {
            let target = quantile(i) * total
            while k < segments.count - 1 && segments[k].areaEnd < target { k += 1 }
            let segment = segments[k]
            let w = segment.width, r = target - segment.areaStart
            var x = 0.0
            if w > 0 {
                // ∫₀ˣ (s0 + g·u) du = r with g the slope: the root in [0, w], in the form that is
                // stable when g → 0 (then x = r / s0).
                let root = (segment.s0Squared + segment.twiceSlope * r)
                x = root > 0 ? 2 * r / (segment.s0 + root.squareRoot()) : w
                x = min(max(x, 0), w)
            }
            times[i] = segment.t0 + x
        }
    }

    /// `censorTimes(_:into:segments:total:)` as a new array.
    func censorTimes(_ count: Int) -> [Double] {
        let density = censoringDensity()
        return [Double](unsafeUninitializedCapacity: max(count, 0)) { buffer, initialized in
            density.segments.withUnsafeBufferPointer { segments in
                if let base = buffer.baseAddress { censorTimes(count, into: base, segments: segments, total: density.total) }
            }
            initialized = max(count, 0)
        }
    }

    /// The censoring density of `censorTimes`: the curve over the interval read as knots (t, S),
    /// flat between drops and linear across each; per piece between knots, where it starts, its
    /// width, S at its start, and the area under the curve up to its start and its end.
    struct CensoringDensity {
        struct Segment {
            var t0: Double
            var width: Double
            var s0: Double
            /// s0², and 2g with g = the slope (S at the end − s0) / width, when width > 0.
            var s0Squared: Double
            var twiceSlope: Double
            var areaStart: Double
            var areaEnd: Double
        }
        var segments: [Segment]
        /// The area under the whole curve over the interval.
        var total: Double
    }

    func censoringDensity() -> CensoringDensity {
        let a = interval.start, b = interval.end
        var segments: [CensoringDensity.Segment] = []
        segments.reserveCapacity(2 * interval.sites.count + 1)
        // The curve as knots (t, S) over [a, b], each piece between knots kept as it comes.
        var last = (t: a, s: interval.curveAtStart)
        var area = 0.0
        func knot(_ t: Double, _ s: Double) {
            let w = t - last.t
            let next = area + w * (s + last.s) / 2
            var segment = CensoringDensity.Segment(t0: last.t, width: w, s0: last.s, s0Squared: last.s * last.s,
                                                   twiceSlope: 0, areaStart: area, areaEnd: next)
            if w > 0 { segment.twiceSlope = 2 * ((s - last.s) / w) }
            segments.append(segment)
            area = next
            last = (t, s)
        }
        for k in interval.sites {
            let site = scratch.layout.sites[k]
            let s0 = max(min(site.start, b), last.t)
            let s1 = max(min(site.end, b), s0)
            if s0 > last.t { knot(s0, site.top) }
            knot(s1, site.bottom)
        }
        if b > last.t { knot(b, last.s) }
        return CensoringDensity(segments: segments, total: area)
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
    func run(atRisk: Int, survival: Double, censored: Int, lambda: Double = 1, floor: Int, maxEvents: Int,
             eventsFirst: Bool? = nil) -> Run {
        run(atRisk: atRisk, survival: survival, censored: censored, lambda: lambda, floor: floor, maxEvents: maxEvents,
            eventsFirst: eventsFirst, into: nil)
    }

    /// `run`, also appending the run's event and censoring times to `recording`.
    func record(atRisk: Int, survival: Double, censored: Int, lambda: Double = 1, floor: Int, maxEvents: Int,
                eventsFirst: Bool? = nil, into recording: Recording) -> Run {
        run(atRisk: atRisk, survival: survival, censored: censored, lambda: lambda, floor: floor, maxEvents: maxEvents,
            eventsFirst: eventsFirst, into: recording)
    }

    private func run(atRisk: Int, survival: Double, censored: Int, lambda: Double, floor: Int, maxEvents: Int,
                     eventsFirst: Bool?, into recording: Recording?) -> Run {
        let eventsFirst = eventsFirst ?? interval.isOpen
        let scratch = self.scratch
        // A run is a function of its arguments, and the searches ask for some again: the last
        // few runs, and the last one asked for in each interval, are kept with the number of
        // events they put at each drop. Recording a kept run only replays those numbers.
        let key = ReconstructionScratch.RunKey(
            interval: index, atRisk: atRisk, survival: survival.bitPattern, censored: censored, lambda: lambda.bitPattern,
            floor: floor, maxEvents: maxEvents, eventsFirst: eventsFirst)
        if let known = scratch.knownRun(key) {
            if let recording {
                return replay(scratch, known, atRisk: atRisk, survival: survival, censored: censored, floor: floor,
                              eventsFirst: eventsFirst, into: recording)
            }
            return known.run
        }
        if let recording {
            return compute(scratch, atRisk: atRisk, survival: survival, censored: censored, lambda: lambda, floor: floor,
                           maxEvents: maxEvents, eventsFirst: eventsFirst, into: recording, trace: nil)
        }
        let slot = scratch.claimSlot()
        let result = compute(scratch, atRisk: atRisk, survival: survival, censored: censored, lambda: lambda, floor: floor,
                             maxEvents: maxEvents, eventsFirst: eventsFirst, into: nil, trace: scratch.trace(slot))
        scratch.store(key, result, in: slot)
        return result
    }

    /// The censoring times for `censored` in the scratch buffer: computed once per (interval,
    /// count) while the same count is asked for again (as in a bisection over λ).
    private func censoring(_ scratch: ReconstructionScratch, _ censored: Int, atRisk: Int) -> UnsafeBufferPointer<Double> {
        let censored = max(censored, 0)
        if scratch.censorInterval != index || scratch.censorCount != censored {
            scratch.censorInterval = -1
            scratch.reserveCensorTimes(censored)
            let (segments, total) = scratch.density(index) { censoringDensity() }
            censorTimes(censored, into: scratch.censorTimes, segments: segments, total: total)
            scratch.censorInterval = index
            scratch.censorCount = censored
        }
        return UnsafeBufferPointer(start: scratch.censorTimes, count: censored)
    }

    /// A kept run with its times recorded: the events at each drop are known, so only the
    /// censorings and the chosen events are walked through again.
    private func replay(_ scratch: ReconstructionScratch, _ known: ReconstructionScratch.KnownRun, atRisk: Int,
                        survival: Double, censored: Int, floor: Int, eventsFirst: Bool, into recording: Recording) -> Run {
        let interval = self.interval
        let sites = scratch.layout.sites
        let cens = censoring(scratch, censored, atRisk: atRisk)
        scratch.extendFactors(through: atRisk)
        let factors = UnsafeBufferPointer(start: scratch.factors, count: scratch.factorCount)
        let trace = scratch.trace(known.slot)
        var run = known.run
        let firstEvent = recording.eventCount, firstCensoring = recording.censorCount
        do {
            var n = atRisk
            var km = survival
            var p = 0
            let lapseAbove = eventsFirst ? floor : nil
            for (k, s) in interval.sites.enumerated() {
                let site = sites[s]
                _ = Self.censor(before: site.start, n: &n, p: &p, cens: cens, eventsFirst: eventsFirst, floor: floor,
                                into: recording)
                let d = trace[k]
                let state = Self.after(Drop(site: site, cens: cens, from: p), d, n, km, cens, p, lapseAbove, factors)
                for q in p..<(p + state.applied) { recording.censoring(cens[q]) }
                for j in 0..<d { recording.event(site.eventTime(j, of: d)) }
                n = state.n; km = state.km; p = state.next
            }
            _ = Self.censor(before: .infinity, n: &n, p: &p, cens: cens, eventsFirst: eventsFirst, floor: floor,
                            into: recording)
            assert(n == run.atRiskEnd && km.bitPattern == run.survivalEnd.bitPattern, "a replay retraces its run")
        }
        run.recordedEvents = firstEvent..<recording.eventCount
        run.recordedCensorings = firstCensoring..<recording.censorCount
        return run
    }

    /// - Parameter trace: where to write the number of events at each drop of the interval.
    private func compute(_ scratch: ReconstructionScratch, atRisk: Int, survival: Double, censored: Int, lambda: Double,
                         floor: Int, maxEvents: Int, eventsFirst: Bool, into recording: Recording?,
                         trace: UnsafeMutableBufferPointer<Int>?) -> Run {
        let interval = self.interval
        let sites = scratch.layout.sites
        let firstEvent = recording?.eventCount ?? 0, firstCensoring = recording?.censorCount ?? 0
        let cens = censoring(scratch, censored, atRisk: atRisk)
        scratch.extendFactors(through: atRisk)
        let factors = UnsafeBufferPointer(start: scratch.factors, count: scratch.factorCount)
        do {
            var n = atRisk
            var km = survival
            var p = 0
            var total = 0
            var capped = false
            var maxError = 0.0
            var applied = 0
            let ref = interval.curveAtStart
            let lapseAbove = eventsFirst ? floor : nil
            for (k, s) in interval.sites.enumerated() {
                let site = sites[s]
                applied += Self.censor(before: site.start, n: &n, p: &p, cens: cens, eventsFirst: eventsFirst, floor: floor,
                                       into: recording)
                let target = Self.target(site, ref: ref, lambda: lambda)
                let reserved = eventsFirst ? 0 : cens.count - p
                let cap = max(0, min(n - reserved - floor, maxEvents - total))
                let (d, state, over) = Self.decide(site, target: target, n: n, km: km, p: p, cap: cap, cens: cens,
                                                   lapseAbove: lapseAbove, factors: factors)
                if over { capped = true }
                if let recording {
                    // A censoring at an event's time comes after it; those applied are the first
                    // `state.applied` of the ones passed.
                    for q in p..<(p + state.applied) { recording.censoring(cens[q]) }
                    for j in 0..<d { recording.event(site.eventTime(j, of: d)) }
                }
                if let trace { trace[k] = d }
                applied += state.applied
                n = state.n; km = state.km; p = state.next
                maxError = max(maxError, abs(km - target))
                total += d
            }
            applied += Self.censor(before: .infinity, n: &n, p: &p, cens: cens, eventsFirst: eventsFirst, floor: floor,
                                   into: recording)
            var run = Run(events: total, censored: applied, atRiskEnd: n, survivalEnd: km, capped: capped, maxError: maxError)
            if let recording {
                run.recordedEvents = firstEvent..<recording.eventCount
                run.recordedCensorings = firstCensoring..<recording.censorCount
            }
            return run
        }
    }

    /// The state of a run just before one drop (before the censorings ahead of it), for
    /// `reachesBudget`.
    struct ProbeState {
        var n: Int
        var km: Double
        var p: Int
        var total: Int
    }

    /// For the λ bisection of `ReconstructionEngine.forced`: whether the run at `lambda` (with
    /// the interval's own `eventsFirst`) reaches `maxEvents` events. The drops before `from` are
    /// decided as in the run whose states `states` holds up to `from`: the runs at the two ends
    /// of a λ bracket that agree on those drops agree with every λ between them, whose targets
    /// lie between theirs. From `from` on the run is computed, writing its states and numbers of
    /// events to `states` and `trace`; it stops once the budget is reached (every later drop then
    /// gets none), leaving the later states unset. Not kept as a known run.
    func reachesBudget(atRisk: Int, survival: Double, censored: Int, lambda: Double, floor: Int, maxEvents: Int,
                       from: Int, states: inout [ProbeState], trace: inout [Int]) -> Bool {
        let interval = self.interval
        let eventsFirst = interval.isOpen
        let sites = scratch.layout.sites
        let cens = censoring(scratch, censored, atRisk: atRisk)
        scratch.extendFactors(through: atRisk)
        let factors = UnsafeBufferPointer(start: scratch.factors, count: scratch.factorCount)
        let count = interval.sites.count
        do {
            var state = from > 0 ? states[from] : ProbeState(n: atRisk, km: survival, p: 0, total: 0)
            let ref = interval.curveAtStart
            let lapseAbove = eventsFirst ? floor : nil
            var k = from
            while k < count {
                if state.total >= maxEvents {
                    for rest in k..<count { trace[rest] = 0 }
                    return true
                }
                states[k] = state
                let site = sites[interval.sites.lowerBound + k]
                var n = state.n, p = state.p
                _ = Self.censor(before: site.start, n: &n, p: &p, cens: cens, eventsFirst: eventsFirst, floor: floor, into: nil)
                let reserved = eventsFirst ? 0 : cens.count - p
                let cap = max(0, min(n - reserved - floor, maxEvents - state.total))
                let (d, after, _) = Self.decide(site, target: Self.target(site, ref: ref, lambda: lambda), n: n, km: state.km,
                                                p: p, cap: cap, cens: cens, lapseAbove: lapseAbove, factors: factors)
                trace[k] = d
                state = ProbeState(n: after.n, km: after.km, p: after.next, total: state.total + d)
                k += 1
            }
            return state.total >= maxEvents
        }
    }

    /// For the λ search of `ReconstructionEngine.forced`: the drop scaling λ at which drop `k`,
    /// from the state before it in `state`, turns from `d` to d + 1 events — where its target
    /// crosses halfway between the product-limit values after d and after d + 1 events (the
    /// count nearest the target wins) — or nil when its target does not move with λ.
    func flipLambda(at k: Int, state: ProbeState, events d: Int, atRisk: Int, censored: Int, floor: Int) -> Double? {
        let interval = self.interval
        let eventsFirst = interval.isOpen
        let site = scratch.layout.sites[interval.sites.lowerBound + k]
        let ref = interval.curveAtStart
        guard ref > 0, site.bottom > 0, site.bottom < ref, state.km > 0 else { return nil }
        let cens = censoring(scratch, censored, atRisk: atRisk)
        scratch.extendFactors(through: atRisk)
        let factors = UnsafeBufferPointer(start: scratch.factors, count: scratch.factorCount)
        var n = state.n, p = state.p
        _ = Self.censor(before: site.start, n: &n, p: &p, cens: cens, eventsFirst: eventsFirst, floor: floor, into: nil)
        guard d >= 0, d + 1 <= n else { return nil }
        let drop = Drop(site: site, cens: cens, from: p)
        let lapseAbove = eventsFirst ? floor : nil
        let before = Self.after(drop, d, n, state.km, cens, p, lapseAbove, factors).km
        let after = Self.after(drop, d + 1, n, state.km, cens, p, lapseAbove, factors).km
        let tau = (before + after) / 2
        guard tau > 0, tau < ref else { return nil }
        let lambda = Foundation.log(tau / ref) / Foundation.log(site.bottom / ref)
        return lambda.isFinite && lambda > 0 ? lambda : nil
    }

    /// Passes the censorings (from `p` on) before `time`: each takes one from the n at risk,
    /// except that, events first, one that finds no more than `floor` at risk lapses. Those applied
    /// go to `recording`; returns how many. (`.infinity`: all the rest; censoring times are finite.)
    @inline(__always)
    private static func censor(before time: Double, n: inout Int, p: inout Int, cens: UnsafeBufferPointer<Double>,
                               eventsFirst: Bool, floor: Int, into recording: Recording?) -> Int {
        var applied = 0
        while p < cens.count && cens[p] < time {
            if !eventsFirst || n > floor {
                n -= 1
                applied += 1
                recording?.censoring(cens[p])
            }
            p += 1
        }
        return applied
    }

    /// The survival a drop aims at: the curve's value after it, or with λ ≠ 1 the drop scaled
    /// on the log scale from the interval's start, S_ref·(S/S_ref)^λ.
    @inline(__always)
    private static func target(_ site: ReconstructionLayout.Site, ref: Double, lambda: Double) -> Double {
        lambda == 1 || ref <= 0 ? site.bottom : ref * pow(site.bottom / ref, lambda)
    }

    /// The number of events at one drop (see the type's description) from n at risk and Ŝ = km
    /// with the censorings from `p` on, at most `cap`; the state after them; and whether the
    /// rounded ideal count was above the cap.
    /// (Transparent: `@inline(__always)` left it a call at each of its five uses, one per drop.)
    @_transparent
    static func decide(_ site: ReconstructionLayout.Site, target: Double, n: Int, km: Double, p: Int, cap: Int,
                               cens: UnsafeBufferPointer<Double>, lapseAbove: Int?,
                               factors: UnsafeBufferPointer<Double>) -> (Int, Step, Bool) {
        guard n > 0 && km > 0 else { return (0, Step(n: n, km: km, next: p, applied: 0), false) }
        let drop = Drop(site: site, cens: cens, from: p)
        // Ŝ can be tiny (denormal) when earlier drops emptied the curve, so the ideal can be huge or
        // not finite; only [0, n] matters (beyond the cap is "capped").
        let ideal = Double(n) * (1 - target / km)
        let guess = ideal.isNaN ? 0 : roundedToInt(min(max(ideal, -1), Double(n) + 1))
        // The ideal uses n at the start of the drop; censoring inside the drop's span can make a
        // count far from it the closest (a drop read at its end after heavy censoring), so walk
        // from the guess while the error keeps falling.
        var best = min(max(guess, 0), cap)
        var state = after(drop, best, n, km, cens, p, lapseAbove, factors)
        var bestError = abs(state.km - target)
        // Ŝ after the drop falls as its count of events rises, so only fewer events can bring a
        // value below the target closer, and only more a value above it.
        if state.km != target {
            let step = state.km < target ? -1 : 1
            var c = best + step
            while c >= 0 && c <= cap {
                let other = after(drop, c, n, km, cens, p, lapseAbove, factors)
                let e = abs(other.km - target)
                if e < bestError - 1e-15 { best = c; bestError = e; state = other; c += step } else { break }
            }
        }
        // The error need not be unimodal in the count when events crowd out the censoring between
        // them (events first): no events at all is always a candidate.
        if best > 1 && abs(km - target) < bestError - 1e-15 {
            best = 0
            state = Step(n: n, km: km, next: p, applied: 0)
        }
        return (best, state, guess > cap)
    }

    /// `Int(x.rounded())` (to nearest, half away from zero) for x within Int's range, without a
    /// call to the C library's `round`: x − trunc(x) is exact.
    @inline(__always)
    private static func roundedToInt(_ x: Double) -> Int {
        let whole = Int(x)
        let fraction = x - Double(whole)
        if fraction >= 0.5 { return whole + 1 }
        if fraction <= -0.5 { return whole - 1 }
        return whole
    }

    /// The state after the events of one drop: n at risk, Ŝ, the first censoring not yet passed,
    /// and how many of those passed were applied (always the first ones: see `after`).
    struct Step {
        var n: Int
        var km: Double
        var next: Int
        var applied: Int
    }

    /// What the candidates at one drop share: the censorings (from `from` on) that come before
    /// its events when they all fall at one time whatever their number, and whether any comes
    /// before the latest possible event time.
    struct Drop {
        let site: ReconstructionLayout.Site
        /// Every count of events falls at one time (`site.eventTime(0, of: 1)`).
        let allTied: Bool
        /// With `allTied`: the first censoring at or after that time.
        let tiedEnd: Int
        /// No censoring comes before `site.latestEventTime`.
        let clearAhead: Bool

        @inline(__always)
        init(site: ReconstructionLayout.Site, cens: UnsafeBufferPointer<Double>, from p: Int) {
            self.site = site
            allTied = site.eventsAlwaysTied
            var end = p
            if allTied {
                let t = site.eventTime(0, of: 1)
                while end < cens.count && cens[end] < t { end += 1 }
            }
            tiedEnd = end
            clearAhead = p == cens.count || cens[p] > site.latestEventTime
        }
    }

    /// The state after `d` events at the drop starting from n at risk and Ŝ = km, with censoring
    /// times `cens[p...]` interleaved (a censoring at an event's time comes after it).
    /// With `lapseAbove` set, a censoring that finds no more than that many at risk lapses.
    ///
    /// The event times are `site.eventTime(j, of: d)`, computed as needed; events at one time
    /// are tied (one factor 1 − tied/n; `factors[n]` = 1 − 1/n). With `lapseAbove`, n − (events
    /// still to come) only falls with each applied censoring, so once one lapses all later ones
    /// do: the applied ones are the first `applied` passed.
    @inline(__always)
    private static func after(_ drop: Drop, _ d: Int, _ n0: Int, _ km0: Double,
                              _ cens: UnsafeBufferPointer<Double>, _ p0: Int, _ lapseAbove: Int?,
                              _ factors: UnsafeBufferPointer<Double>) -> Step {
        guard d > 0 else { return Step(n: n0, km: km0, next: p0, applied: 0) }
        let site = drop.site
        @inline(__always) func factor(_ tied: Int, _ n: Int) -> Double {
            tied == 1 && n < factors.count ? factors[n] : 1 - Double(tied) / Double(n)
        }
        if drop.allTied || site.eventsTied(d) {
            // All d events at one time: the censorings before it come first, as many as the
            // floor lets through (n − d > floor for each), then one factor 1 − d/n.
            var end = drop.tiedEnd
            if !drop.allTied {
                let t = site.eventTime(0, of: d)
                end = p0
                while end < cens.count && cens[end] < t { end += 1 }
            }
            let passed = end - p0
            let applied = lapseAbove.map { min(passed, max(0, n0 - d - $0)) } ?? passed
            let n = n0 - applied
            var km = km0
            if n > 0 { km *= factor(d, n) }
            return Step(n: n - d, km: km, next: end, applied: applied)
        }
        var n = n0, km = km0, p = p0
        var applied = 0
        // Spread over the drop. When the spacing of the times (at least w/d) is far above their
        // rounding they strictly increase (one event per time), and when no censoring comes
        // before the latest of them none comes between them: d factors 1 − 1/n in turn.
        let w = site.end - site.start
        if drop.clearAhead && w > 2e-9 * (Swift.abs(site.start) + w) * Double(d) {
            for _ in 0..<d {
                if n > 0 { km *= factor(1, n) }
                n -= 1
            }
            return Step(n: n, km: km, next: p, applied: 0)
        }
        var j = 0
        var t = site.eventTime(0, of: d)
        while j < d {
            while p < cens.count && cens[p] < t {
                // Events first: a censoring lapses unless someone beyond the floor and the events
                // still to come at this drop is at risk.
                if lapseAbove.map({ n - (d - j) > $0 }) ?? true { n -= 1; applied += 1 }
                p += 1
            }
            var tied = 1
            var next = t
            while j + tied < d {
                next = site.eventTime(j + tied, of: d)
                if next == t { tied += 1 } else { break }
            }
            if n > 0 { km *= factor(tied, n) }
            n -= tied
            j += tied
            t = next
        }
        return Step(n: n, km: km, next: p, applied: applied)
    }
}

/// Buffers an engine reuses across its many `IntervalSolver.run` calls, so that a run does not
/// allocate: the censoring density of each interval and the censoring times of the last
/// (interval, count) asked for, the factors 1 − 1/n, and the kept runs (raw buffers, not arrays,
/// so that using them takes no exclusivity checks). A scratch holds the one layout it serves (one
/// engine) and serves one thread: its keys do not name the layout.
final class ReconstructionScratch {
    /// The one layout this scratch serves.
    let layout: ReconstructionLayout
    /// The censoring times of the last (interval, count) asked for, in `censorCapacity` slots.
    // The scratch serves one thread (see above), so its state needs no run-time exclusivity
    // checks: each access to a checked property of a class costs a call.
    @exclusivity(unchecked) private(set) var censorTimes: UnsafeMutablePointer<Double>
    @exclusivity(unchecked) private var censorCapacity: Int
    @exclusivity(unchecked) var censorInterval = -1
    @exclusivity(unchecked) var censorCount = -1

    /// Makes `censorTimes` hold at least `count` times (its contents are then stale).
    func reserveCensorTimes(_ count: Int) {
        guard count > censorCapacity else { return }
        censorTimes.deallocate()
        censorCapacity = max(count, 2 * censorCapacity)
        censorTimes = .allocate(capacity: censorCapacity)
    }
    /// The censoring density of each interval, once computed.
    /// (Its segments, kept in a buffer of their own, and the total area; nil until computed.)
    private let densities: UnsafeMutablePointer<(UnsafeMutableBufferPointer<IntervalSolver.CensoringDensity.Segment>, Double)?>

    /// The censoring density of `interval`, made once: its segments (valid while the scratch
    /// lives) and the area under the curve over the interval.
    func density(_ interval: Int, _ make: () -> IntervalSolver.CensoringDensity)
        -> (UnsafeBufferPointer<IntervalSolver.CensoringDensity.Segment>, Double) {
        if let (segments, total) = densities[interval] { return (UnsafeBufferPointer(segments), total) }
        let made = make()
        let segments = UnsafeMutableBufferPointer<IntervalSolver.CensoringDensity.Segment>.allocate(capacity: made.segments.count)
        _ = segments.initialize(from: made.segments)
        densities[interval] = (segments, made.total)
        return (UnsafeBufferPointer(segments), made.total)
    }

    struct RunKey: Equatable {
        var interval: Int
        var atRisk: Int
        var survival: UInt64
        var censored: Int
        var lambda: UInt64
        var floor: Int
        var maxEvents: Int
        var eventsFirst: Bool
    }

    /// A run without recorded times.
    struct RunValues {
        var events: Int
        var censored: Int
        var atRiskEnd: Int
        var survivalEnd: Double
        var capped: Bool
        var maxError: Double
    }

    /// A kept run and the slot of its numbers of events per drop.
    struct KnownRun {
        var run: IntervalSolver.Run
        var slot: Int
    }

    /// factors[n] = 1 − 1/n for 1 ≤ n < factorCount, the product-limit factor of one event
    /// among n at risk.
    @exclusivity(unchecked) private(set) var factors: UnsafeMutablePointer<Double> = {
        let p = UnsafeMutablePointer<Double>.allocate(capacity: 1)
        p.initialize(to: 0)
        return p
    }()
    @exclusivity(unchecked) private(set) var factorCount = 1

    /// Kept runs: slots 0..<ringSize hold the last runs computed (a ring), slot ringSize + i the
    /// last one asked for in interval i. Each slot has `width` numbers of events in `traces`.
    private static let ringSize = 16
    private let slots: Int
    private let keys: UnsafeMutablePointer<RunKey?>
    private let values: UnsafeMutablePointer<RunValues>
    private let traces: UnsafeMutablePointer<Int>
    private let width: Int
    @exclusivity(unchecked) private var nextSlot = 0

    deinit {
        keys.deinitialize(count: slots)
        keys.deallocate()
        values.deallocate()
        traces.deallocate()
        factors.deallocate()
        censorTimes.deallocate()
        for i in layout.intervals.indices { densities[i]?.0.deallocate() }
        densities.deinitialize(count: layout.intervals.count)
        densities.deallocate()
    }

    /// Buffers for `layout`, the kept runs sized for it.
    init(layout: ReconstructionLayout) {
        self.layout = layout
        // At most everyone at risk is censored in an interval: one buffer for every run.
        censorCapacity = max(layout.intervals.first?.printedStart ?? 0, 1)
        censorTimes = .allocate(capacity: censorCapacity)
        var width = 0
        for interval in layout.intervals { width = max(width, interval.sites.count) }
        let slots = Self.ringSize + layout.intervals.count
        keys = .allocate(capacity: slots)
        keys.initialize(repeating: nil, count: slots)
        values = .allocate(capacity: slots)
        values.initialize(repeating: RunValues(events: 0, censored: 0, atRiskEnd: 0, survivalEnd: 0, capped: false, maxError: 0),
                          count: slots)
        traces = .allocate(capacity: slots * width)
        traces.initialize(repeating: 0, count: slots * width)
        self.width = width
        self.slots = slots
        densities = .allocate(capacity: layout.intervals.count)
        densities.initialize(repeating: nil, count: layout.intervals.count)
    }

    /// The kept run for `key`, if any; it becomes the last one asked for in its interval.
    func knownRun(_ key: RunKey) -> KnownRun? {
        let last = Self.ringSize + key.interval
        var found = -1
        if last < slots && keys[last] == key {
            found = last
        } else {
            for slot in 0..<min(Self.ringSize, slots) where keys[slot] == key { found = slot; break }
        }
        guard found >= 0 else { return nil }
        if found != last && last < slots { copy(found, to: last) }
        let v = values[found]
        return KnownRun(run: IntervalSolver.Run(events: v.events, censored: v.censored, atRiskEnd: v.atRiskEnd,
                                                survivalEnd: v.survivalEnd, capped: v.capped, maxError: v.maxError),
                        slot: found)
    }

    /// The ring slot the next computed run goes in.
    func claimSlot() -> Int {
        let slot = nextSlot
        nextSlot = (nextSlot + 1) % Self.ringSize
        keys[slot] = nil
        return slot
    }

    /// The numbers of events per drop of the run in `slot`.
    func trace(_ slot: Int) -> UnsafeMutableBufferPointer<Int> {
        UnsafeMutableBufferPointer(start: traces + slot * width, count: width)
    }

    /// Keeps a computed run (its numbers of events already in the slot's trace).
    func store(_ key: RunKey, _ run: IntervalSolver.Run, in slot: Int) {
        keys[slot] = key
        values[slot] = RunValues(events: run.events, censored: run.censored, atRiskEnd: run.atRiskEnd,
                                 survivalEnd: run.survivalEnd, capped: run.capped, maxError: run.maxError)
        let last = Self.ringSize + key.interval
        if last < slots { copy(slot, to: last) }
    }

    private func copy(_ from: Int, to: Int) {
        keys[to] = keys[from]
        values[to] = values[from]
        (traces + to * width).update(from: traces + from * width, count: width)
    }

    /// Makes `factors` cover n ≤ `n`.
    func extendFactors(through n: Int) {
        guard n >= factorCount else { return }
        let grown = UnsafeMutablePointer<Double>.allocate(capacity: n + 1)
        grown.initialize(from: factors, count: factorCount)
        for k in factorCount...n { (grown + k).initialize(to: 1 - Double(1) / Double(k)) }
        factors.deallocate()
        factors = grown
        factorCount = n + 1
    }
}
