import Foundation

/// The passes of the reconstruction over a layout (see `IPDReconstruction`).
struct ReconstructionEngine {
    /// At least this many must still be at risk at the last click (the first printed number at
    /// risk after it), else 0.
    let tailFloor: Int
    /// The layout, with buffers reused by every run of this engine's solvers.
    let scratch: ReconstructionScratch

    init(layout: ReconstructionLayout, tailFloor: Int) {
        self.tailFloor = tailFloor
        scratch = ReconstructionScratch(layout: layout)
    }

    var layout: ReconstructionLayout { scratch.layout }

    /// How one interval is run in the end.
    struct Plan: Equatable {
        var censored: Int
        var lambda: Double
        var floor: Int
        var maxEvents: Int
    }

    struct Outcome {
        var runs: [IntervalSolver.Run]
        /// The runs' event and censoring times (`Run.recordedEvents`, `Run.recordedCensorings`).
        var recording: IntervalSolver.Recording
        /// Patients still at risk after the last click.
        var remaining: Int
        var events: Int { runs.reduce(0) { $0 + $1.events } }
    }

    func solver(_ i: Int) -> IntervalSolver { IntervalSolver(scratch: scratch, index: i) }

    var patients: Int { layout.intervals.first?.printedStart ?? 0 }

    /// First pass. An interval with a printed end gets the number censored for which the drops
    /// reproduce the printed number at risk at its end (bisection: Guyot's iterative adjustment in
    /// a form that always stops, at an exact match). The open last interval assumes the curve is
    /// drawn to the last follow-up: everyone at risk at its start leaves by the last click (down
    /// to the first printed number at risk after it), events first, the rest censored in
    /// proportion to S(t) (`IntervalSolver.censorTimes`).
    func firstPass() -> [Plan] {
        var plans: [Plan] = []
        plans.reserveCapacity(layout.intervals.count)
        var atRisk = patients
        var km = 1.0
        for i in layout.intervals.indices {
            let iv = layout.intervals[i]
            let s = solver(i)
            let plan: Plan
            if let end = iv.printedEnd {
                plan = solveKnown(s, atRisk: atRisk, km: km, end: end)
            } else {
                let floor = min(tailFloor, atRisk)
                plan = Plan(censored: openCensoring(s, atRisk: atRisk, km: km, floor: floor), lambda: 1, floor: floor, maxEvents: atRisk)
            }
            let r = s.run(atRisk: atRisk, survival: km, censored: plan.censored, lambda: plan.lambda,
                          floor: plan.floor, maxEvents: plan.maxEvents)
            plans.append(plan)
            atRisk = r.atRiskEnd
            km = r.survivalEnd
        }
        return plans
    }

    /// The number censored in the open last interval when no total of events is printed: as many
    /// as the curve allows, up to everyone still at risk (down to the printed floor), spread in
    /// proportion to S(t), events first. "Allows": no drop is then followed worse than with no
    /// censoring at all plus twice the click noise σ (`CleanedCurve.noise`) — censoring that
    /// would shrink the number at risk below what a drop's size shows is not taken.
    func openCensoring(_ s: IntervalSolver, atRisk: Int, km: Double, floor: Int) -> Int {
        let cmax = max(0, atRisk - floor)
        func error(_ c: Int) -> Double {
            s.run(atRisk: atRisk, survival: km, censored: c, floor: floor, maxEvents: atRisk).maxError
        }
        let limit = error(0) + 2 * layout.noise
        if error(cmax) <= limit { return cmax }
        var lo = 0, hi = cmax
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if error(mid) <= limit { lo = mid } else { hi = mid }
        }
        return lo
    }

    /// The number censored in an interval with a printed end: the smallest for which the drops,
    /// within the event budget left by the printed end, leave exactly the printed number at risk.
    func solveKnown(_ s: IntervalSolver, atRisk: Int, km: Double, end: Int) -> Plan {
        guard atRisk > end else {
            return Plan(censored: 0, lambda: 1, floor: atRisk, maxEvents: 0)
        }
        func plan(_ c: Int) -> Plan { Plan(censored: c, lambda: 1, floor: end, maxEvents: atRisk - c - end) }
        func gap(_ c: Int) -> (Int, Bool) {
            let r = s.run(atRisk: atRisk, survival: km, censored: c, floor: end, maxEvents: atRisk - c - end)
            return (r.atRiskEnd - end, r.capped)
        }
        // gap is non-increasing in c, positive somewhere below the answer and ≤ 0 at
        // c = atRisk − end (everyone leaving is censored). The search keeps lo < answer ≤ hi
        // (lo = −1: nothing below known yet). Its first probe is Guyot's estimate of the number
        // censored, n·S(end)/S(start) − n(end) from the clicked curve; each next probe is Guyot's
        // update c + gap(c) (each extra censoring takes about one from the number at risk at the
        // end), or c − 1 at gap 0, kept strictly inside the bracket; after three such steps it
        // bisects. The answer is the smallest count with gap ≤ 0, whatever the probes.
        var lo = -1, hi = atRisk - end
        let iv = layout.intervals[s.index]
        let endS = s.index + 1 < layout.intervals.count ? layout.intervals[s.index + 1].curveAtStart : iv.curveAtStart
        let estimate = iv.curveAtStart > 0 ? Double(atRisk) * endS / iv.curveAtStart - Double(end) : 0
        var c = estimate.isFinite ? Int(min(max(estimate, -1), Double(hi)).rounded()) : hi / 2
        var steps = 0
        while hi - lo > 1 {
            if steps >= 3 || c <= lo || c >= hi { c = lo + (hi - lo) / 2 }
            steps += 1
            let (g, capped) = gap(c)
            if g > 0 {
                lo = c
                c += g
            } else {
                // Even with nobody censored the drops ask for more events than the table allows:
                // scale all drops of the interval down alike rather than cut the last one.
                if c == 0 { return capped ? forced(s, atRisk: atRisk, km: km, censored: 0, events: atRisk - end, floor: end) : plan(0) }
                hi = c
                c = g < 0 ? c + g : c - 1
            }
        }
        return plan(hi)
    }

    /// The plan giving exactly `events` events with `censored` censored: the smallest drop
    /// scaling λ whose events reach the budget (doubling, then bisection until the bracket is
    /// within 10⁻⁹ of λ, at most 50 halvings). The events per drop change with λ only at
    /// isolated values, so a narrower bracket changes the run only where two of those lie
    /// within 10⁻⁹ of each other (same output as 50 halvings on the 3,126-case dump; 10⁻⁶ was not).
    /// The bisection's runs start at the first drop where the runs at the bracket's ends differ
    /// and stop once the budget is reached (`IntervalSolver.reachesBudget`); when the ends differ
    /// at one drop only, the next runs go just either side of the λ where that drop gains an
    /// event (`IntervalSolver.flipLambda`) instead of halfway.
    func forced(_ s: IntervalSolver, atRisk: Int, km: Double, censored: Int, events: Int, floor: Int) -> Plan {
        func count(_ lambda: Double) -> IntervalSolver.Run {
            s.run(atRisk: atRisk, survival: km, censored: censored, lambda: lambda, floor: floor, maxEvents: events)
        }
        let one = count(1)
        if one.events >= events && !one.capped { return Plan(censored: censored, lambda: 1, floor: floor, maxEvents: events) }
        let width = layout.intervals[s.index].sites.count
        var loStates = [IntervalSolver.ProbeState](repeating: .init(n: 0, km: 0, p: 0, total: 0), count: width)
        var hiStates = loStates, midStates = loStates
        var loTrace = [Int](repeating: 0, count: width), hiTrace = loTrace, midTrace = loTrace
        func probe(_ lambda: Double, from: Int, _ states: inout [IntervalSolver.ProbeState], _ trace: inout [Int]) -> Bool {
            s.reachesBudget(atRisk: atRisk, survival: km, censored: censored, lambda: lambda, floor: floor, maxEvents: events,
                            from: from, states: &states, trace: &trace)
        }
        var lo: Double, hi: Double
        // The lower end must fall short of the budget (so that its states are all set); when
        // even λ = 0 reaches it, every run in the bracket does and the bisection only shrinks hi.
        let startsShort: Bool
        if one.events >= events {
            lo = 0; hi = 1
            startsShort = !probe(lo, from: 0, &loStates, &loTrace)
            _ = probe(hi, from: 0, &hiStates, &hiTrace)
        } else {
            lo = 1; hi = 2
            startsShort = !probe(lo, from: 0, &loStates, &loTrace)
            var doublings = 0
            while !probe(hi, from: 0, &hiStates, &hiTrace) && doublings < 64 {
                lo = hi; hi *= 2; doublings += 1
                swap(&loStates, &hiStates); swap(&loTrace, &hiTrace)
            }
        }
        var guided = 0
        for _ in 0..<50 {
            if hi - lo <= 1e-9 * hi { break }
            var mid = (lo + hi) / 2
            guard startsShort else { hi = mid; continue }
            var from = 0
            while from < width && loTrace[from] == hiTrace[from] { from += 1 }
            // The runs in the bracket agree on the drops before `from`; once they differ at that
            // drop only, the λ where it gains an event can be computed from the state before it.
            // Probing just above it (then, once that reaches the budget, just below it) pins the
            // smallest λ reaching the budget in two runs where halving takes about twenty (at most
            // 12 such probes per call, then halving; every probe is an exact run either way).
            var differing = 0
            for k in from..<width where loTrace[k] != hiTrace[k] { differing += 1 }
            if from < width, differing <= 1, guided < 12, loTrace[from] < hiTrace[from],
               let flip = s.flipLambda(at: from, state: loStates[from], events: loTrace[from], atRisk: atRisk,
                                       censored: censored, floor: floor) {
                let candidate = hi <= flip * (1 + 4e-10) ? flip * (1 - 2e-10) : flip * (1 + 2e-10)
                if candidate > lo && candidate < hi { mid = candidate; guided += 1 }
            }
            if from == width { from = 0 }
            for k in 0..<from { midStates[k] = loStates[k]; midTrace[k] = loTrace[k] }
            if from < width { midStates[from] = loStates[from] }
            if probe(mid, from: from, &midStates, &midTrace) {
                hi = mid
                swap(&hiStates, &midStates); swap(&hiTrace, &midTrace)
            } else {
                lo = mid
                swap(&loStates, &midStates); swap(&loTrace, &midTrace)
            }
        }
        return Plan(censored: censored, lambda: hi, floor: floor, maxEvents: events)
    }

    /// Runs the plans in order, each interval starting where the previous one ended.
    func execute(_ plans: [Plan], record: Bool) -> Outcome {
        var runs: [IntervalSolver.Run] = []
        runs.reserveCapacity(plans.count)
        var atRisk = patients
        var km = 1.0
        let recording = IntervalSolver.Recording(capacity: record ? patients : 0)
        for (i, plan) in plans.enumerated() {
            let censored = min(plan.censored, atRisk), floor = min(plan.floor, atRisk)
            let r = record
                ? solver(i).record(atRisk: atRisk, survival: km, censored: censored, lambda: plan.lambda, floor: floor,
                                   maxEvents: plan.maxEvents, into: recording)
                : solver(i).run(atRisk: atRisk, survival: km, censored: censored, lambda: plan.lambda, floor: floor,
                                maxEvents: plan.maxEvents)
            runs.append(r)
            atRisk = r.atRiskEnd
            km = r.survivalEnd
        }
        return Outcome(runs: runs, recording: recording, remaining: atRisk)
    }

    /// Second pass, when the total of events is printed. The difference between it and the
    /// first pass is shared among ALL intervals (Guyot's code puts it in the last one only), in
    /// proportion to how uncertain each interval's count of events is (the least-squares
    /// allocation: minimise Σ δᵢ²/vᵢ subject to Σ δᵢ = difference, so δᵢ ∝ vᵢ), by largest
    /// remainders within what each interval can take. The variance vᵢ has two parts:
    /// - censoring timing: each of the Cᵢ censored patients is exposed to an uncertain share of the
    ///   interval's drop qᵢ = 1 − S(end)/S(start), about qᵢ²/12 each; in the open last interval
    ///   the number censored itself is unknown within its capacity Kᵢ, giving (Kᵢ·qᵢ)²/12;
    /// - click noise σ at both ends moves the events by about n̄ᵢ·σ/S̄ᵢ each: 2(n̄ᵢσ/S̄ᵢ)².
    /// Each interval is then re-solved for its share: with a printed end by trading censored
    /// patients for events (the drops scaled alike), in the open interval by its number censored.
    func matchTotal(_ first: [Plan], total: Int) -> [Plan] {
        let out = execute(first, record: false)
        let events = out.runs.map(\.events)
        let delta = total - events.reduce(0, +)
        var capacity: [Int] = []
        var weights: [Double] = []
        var atRisk = patients
        for (i, r) in out.runs.enumerated() {
            let iv = layout.intervals[i]
            let room: Int
            if iv.sites.isEmpty { room = 0 } else if delta > 0 {
                room = iv.isOpen ? max(0, atRisk - r.events - first[i].floor) : r.censored
            } else {
                room = r.events
            }
            capacity.append(room)
            let endS = iv.sites.last.map { layout.sites[$0].bottom } ?? iv.curveAtStart
            let q = iv.curveAtStart > 0 ? 1 - endS / iv.curveAtStart : 0
            let meanS = max((iv.curveAtStart + endS) / 2, 1e-6)
            let meanN = Double(atRisk + r.atRiskEnd) / 2
            let timing = iv.isOpen ? pow(Double(max(0, atRisk - first[i].floor)) * q, 2) / 12
                                   : Double(r.censored) * q * q / 12
            weights.append(timing + 2 * pow(meanN * layout.noise / meanS, 2))
            atRisk = r.atRiskEnd
        }
        let shares = Self.allocate(abs(delta), capacity: capacity, weight: weights)
        var plans: [Plan] = []
        atRisk = patients
        var km = 1.0
        for i in layout.intervals.indices {
            let iv = layout.intervals[i]
            let s = solver(i)
            let target = max(0, events[i] + (delta > 0 ? shares[i] : -shares[i]))
            let plan: Plan
            if let end = iv.printedEnd {
                if atRisk > end {
                    let d = min(target, atRisk - end)
                    plan = forced(s, atRisk: atRisk, km: km, censored: atRisk - end - d, events: d, floor: end)
                } else {
                    plan = Plan(censored: 0, lambda: 1, floor: atRisk, maxEvents: 0)
                }
            } else {
                plan = solveOpen(s, atRisk: atRisk, km: km, events: target, floor: min(tailFloor, atRisk))
            }
            let r = s.run(atRisk: atRisk, survival: km, censored: plan.censored, lambda: plan.lambda,
                          floor: plan.floor, maxEvents: plan.maxEvents)
            plans.append(plan)
            atRisk = r.atRiskEnd
            km = r.survivalEnd
        }
        return plans
    }

    /// The open last interval with a prescribed number of events d: the smallest number censored
    /// for which the drops ask for no more than d (more censoring, fewer at risk, fewer events),
    /// the drops then scaled up to exactly d if they ask for fewer.
    func solveOpen(_ s: IntervalSolver, atRisk: Int, km: Double, events: Int, floor: Int) -> Plan {
        let d = min(events, max(0, atRisk - floor))
        let cmax = atRisk - floor
        func wanted(_ c: Int) -> Int {
            s.run(atRisk: atRisk, survival: km, censored: c, floor: floor, maxEvents: atRisk).events
        }
        var c = 0
        if wanted(0) > d {
            if wanted(cmax) > d {
                c = cmax
            } else {
                var lo = 0, hi = cmax
                while hi - lo > 1 {
                    let mid = (lo + hi) / 2
                    if wanted(mid) > d { lo = mid } else { hi = mid }
                }
                c = hi
            }
        }
        return forced(s, atRisk: atRisk, km: km, censored: c, events: d, floor: floor)
    }

    /// Shares of `amount` proportional to `weight` (uniform when all weights are 0), each at most
    /// its `capacity`, by largest remainders; what a full share cannot take goes to the others.
    static func allocate(_ amount: Int, capacity: [Int], weight: [Double]) -> [Int] {
        var shares = [Int](repeating: 0, count: capacity.count)
        var left = amount
        while left > 0 {
            let open = capacity.indices.filter { shares[$0] < capacity[$0] }
            if open.isEmpty { break }
            var w = open.map { max(weight[$0], 0) }
            if w.reduce(0, +) <= 0 { w = open.map { _ in 1 } }
            let total = w.reduce(0, +)
            var quota = zip(open, w).map { (index: $0.0, exact: Double(left) * $0.1 / total) }
            var given = 0
            for k in quota.indices {
                let i = quota[k].index
                let take = min(Int(quota[k].exact.rounded(.down)), capacity[i] - shares[i])
                shares[i] += take
                given += take
                quota[k].exact -= Double(take)
            }
            var rest = left - given
            quota.sort { $0.exact > $1.exact }
            for q in quota where rest > 0 && shares[q.index] < capacity[q.index] {
                shares[q.index] += 1
                rest -= 1
                given += 1
            }
            if given == 0 { break }
            left -= given
        }
        return shares
    }
}
