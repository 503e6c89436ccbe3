import Foundation

/// The passes of the reconstruction over a layout (see `IPDReconstruction`).
nonisolated(unsafe) var openRule = 0
nonisolated(unsafe) var censorShape = 0
nonisolated(unsafe) var allocRule = 0
nonisolated(unsafe) var centeredDefault = true

struct ReconstructionEngine {
    let layout: ReconstructionLayout
    /// At least this many must still be at risk at the last click (the first printed number at
    /// risk after it), else 0.
    let tailFloor: Int
    /// The printed total of events, if any.
    let totalEvents: Int?

    /// How one interval is run in the end.
    struct Plan: Equatable {
        var censored: Int
        var lambda: Double
        var floor: Int
        var maxEvents: Int
    }

    struct Outcome {
        var plans: [Plan]
        var runs: [IntervalSolver.Run]
        /// Patients still at risk after the last click.
        var remaining: Int
    }

    func solver(_ i: Int) -> IntervalSolver { IntervalSolver(layout: layout, index: i) }

    /// First pass: each interval with a printed end gets the number censored for which the
    /// drops reproduce the printed number at risk at its end (bisection; Guyot's iteration in a
    /// form that always terminates); the open last interval gets censoring at the rate per
    /// person-time seen in the earlier intervals.
    func firstPass() -> [Plan] {
        var plans: [Plan] = []
        var atRisk = layout.intervals.first?.printedStart ?? 0
        var km = 1.0
        for i in layout.intervals.indices {
            let iv = layout.intervals[i]
            let s = solver(i)
            let plan: Plan
            if let end = iv.printedEnd {
                plan = solveKnown(s, atRisk: atRisk, km: km, end: end)
            } else {
                let floor = min(tailFloor, atRisk)
                let c = openCensoring(s, atRisk: atRisk, km: km, floor: floor, plans: plans)
                plan = Plan(censored: c, lambda: 1, floor: floor, maxEvents: Int.max / 2)
            }
            let r = s.run(atRisk: atRisk, survival: km, censored: plan.censored, lambda: plan.lambda,
                          floor: plan.floor, maxEvents: plan.maxEvents)
            plans.append(plan)
            atRisk = r.atRiskEnd
            km = r.survivalEnd
        }
        return plans
    }

    /// The number censored in the open last interval when the total of events is not printed.
    func openCensoring(_ s: IntervalSolver, atRisk: Int, km: Double, floor: Int, plans: [Plan]) -> Int {
        let iv = s.interval
        let cmax = max(0, atRisk - floor)
        let known = layout.intervals.indices.filter { layout.intervals[$0].printedEnd != nil }
        func rate(_ ids: [Int]) -> Double {
            var c = 0.0, pt = 0.0
            for i in ids {
                let k = layout.intervals[i]
                c += Double(plans[i].censored)
                pt += Double(k.printedStart + k.printedEnd!) / 2 * (k.end - k.start)
            }
            return pt > 0 ? c / pt : 0
        }
        let endShare = iv.curveAtStart > 0 ? (iv.sites.last.map { layout.sites[$0].bottom / iv.curveAtStart } ?? 1) : 1
        func fromRate(_ r: Double) -> Int {
            Int((r * (iv.end - iv.start) * Double(atRisk) * (1 + endShare) / 2).rounded())
        }
        switch openRule {
        case 0: return max(0, min(fromRate(rate(known)), cmax))
        case 1: return max(0, min(fromRate(rate(known.suffix(1).map { $0 })), cmax))
        case 4:
            let span = known.last.map { layout.intervals[$0].end } ?? 0
            let total = known.map { Double(plans[$0].censored) }.reduce(0, +)
            return span > 0 ? max(0, min(Int((total / span * (iv.end - iv.start)).rounded()), cmax)) : 0
        case 8:
            return cmax
        case 6:
            let low = max(0, min(fromRate(rate(known)), cmax))
            func run(_ c: Int) -> IntervalSolver.Run { s.run(atRisk: atRisk, survival: km, censored: c, floor: floor, maxEvents: Int.max / 2) }
            let base = run(low).errors
            let tol = zip(iv.sites, base).map { max(0.5 * (layout.sites[$0.0].top - layout.sites[$0.0].bottom), $0.1) }
            func ok(_ c: Int) -> Bool { zip(run(c).errors, tol).allSatisfy { $0.0 <= $0.1 + 1e-12 } }
            if ok(cmax) { return cmax }
            var lo = low, hi = cmax
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if ok(mid) { lo = mid } else { hi = mid }
            }
            return lo
        default:
            let drops = iv.sites.map { layout.sites[$0].top - layout.sites[$0].bottom }.sorted()
            if drops.isEmpty { return cmax }
            let tau = openRule == 2 ? drops[drops.count / 2] / 2 : drops[0] / 2
            func err(_ c: Int) -> Double { s.run(atRisk: atRisk, survival: km, censored: c, floor: floor, maxEvents: Int.max / 2).maxError }
            let base = err(0)
            let limit = max(tau, base)
            if err(cmax) <= limit { return cmax }
            var lo = 0, hi = cmax
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if err(mid) <= limit { lo = mid } else { hi = mid }
            }
            return lo
        }
    }

    /// The number censored in an interval with a printed end.
    func solveKnown(_ s: IntervalSolver, atRisk: Int, km: Double, end: Int) -> Plan {
        guard atRisk > end else {
            return Plan(censored: 0, lambda: 1, floor: atRisk, maxEvents: 0)
        }
        func plan(_ c: Int) -> Plan { Plan(censored: c, lambda: 1, floor: end, maxEvents: atRisk - c - end) }
        func gap(_ c: Int) -> (Int, Bool) {
            let r = s.run(atRisk: atRisk, survival: km, censored: c, floor: end, maxEvents: atRisk - c - end)
            return (r.atRiskEnd - end, r.capped)
        }
        let (g0, capped0) = gap(0)
        if g0 == 0 {
            // Even with nobody censored the drops ask for more events than the table allows:
            // scale all drops of the interval down alike rather than cut the last one.
            return capped0 ? forced(s, atRisk: atRisk, km: km, censored: 0, events: atRisk - end, floor: end) : plan(0)
        }
        var lo = 0, hi = atRisk - end
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if gap(mid).0 > 0 { lo = mid } else { hi = mid }
        }
        return plan(hi)
    }

    /// The plan giving exactly `events` events with `censored` censored: the drop scaling λ is
    /// searched (doubling, then bisection) for the smallest λ whose greedy events reach the
    /// budget.
    func forced(_ s: IntervalSolver, atRisk: Int, km: Double, censored: Int, events: Int, floor: Int) -> Plan {
        func count(_ lambda: Double) -> IntervalSolver.Run {
            s.run(atRisk: atRisk, survival: km, censored: censored, lambda: lambda, floor: floor, maxEvents: events)
        }
        let one = count(1)
        var lo: Double, hi: Double
        if one.events >= events {
            if !one.capped { return Plan(censored: censored, lambda: 1, floor: floor, maxEvents: events) }
            lo = 0; hi = 1
        } else {
            lo = 1; hi = 2
            var doublings = 0
            while count(hi).events < events && doublings < 64 { lo = hi; hi *= 2; doublings += 1 }
        }
        for _ in 0..<50 {
            let mid = (lo + hi) / 2
            if count(mid).events >= events { hi = mid } else { lo = mid }
        }
        return Plan(censored: censored, lambda: hi, floor: floor, maxEvents: events)
    }

    /// Runs the plans in order (each interval starts from where the previous one ended).
    func execute(_ plans: [Plan], record: Bool) -> Outcome {
        var runs: [IntervalSolver.Run] = []
        var atRisk = layout.intervals.first?.printedStart ?? 0
        var km = 1.0
        for (i, plan) in plans.enumerated() {
            let r = solver(i).run(atRisk: atRisk, survival: km, censored: min(plan.censored, atRisk),
                                  lambda: plan.lambda, floor: min(plan.floor, atRisk), maxEvents: plan.maxEvents, record: record)
            runs.append(r)
            atRisk = r.atRiskEnd
            km = r.survivalEnd
        }
        return Outcome(plans: plans, runs: runs, remaining: atRisk)
    }

    /// Second pass, when the total of events is printed: the difference between it and the
    /// first pass is shared among all intervals in proportion to their events (largest
    /// remainders, within what each interval can take), then every interval is re-solved for its
    /// share: in an interval with a printed end by trading censored patients for events (the
    /// drops scaled alike), in the open last interval by its number censored, the quantity the
    /// table does not pin down.
    func matchTotal(_ first: [Plan], total: Int) -> [Plan] {
        let out = execute(first, record: false)
        let events = out.runs.map(\.events)
        let delta = total - events.reduce(0, +)
        if delta == 0 { return first }
        var capacity: [Int] = []
        var atRisk = layout.intervals.first?.printedStart ?? 0
        for (i, r) in out.runs.enumerated() {
            let iv = layout.intervals[i]
            if iv.sites.isEmpty { capacity.append(0) } else if delta > 0 {
                capacity.append(iv.isOpen ? max(0, atRisk - r.events - first[i].floor) : r.censored)
            } else {
                capacity.append(r.events)
            }
            atRisk = r.atRiskEnd
        }
        var weights = events.map(Double.init)
        if allocRule >= 1 {
            let sigma = layout.noise
            var n = layout.intervals.first?.printedStart ?? 0
            weights = layout.intervals.indices.map { i in
                let iv = layout.intervals[i]
                let r = out.runs[i]
                let endS = iv.sites.last.map { layout.sites[$0].bottom } ?? iv.curveAtStart
                let q = iv.curveAtStart > 0 ? 1 - endS / iv.curveAtStart : 0
                let meanS = max((iv.curveAtStart + endS) / 2, 1e-6)
                let meanN = Double(n + r.atRiskEnd) / 2
                n = r.atRiskEnd
                // Censoring timing: each censored patient's exposure to the interval's drop is
                // uncertain by about q/√12; the open interval's number censored is unknown
                // within [0, capacity]. Click noise σ moves the events by n·σ/S at each end.
                let timing = iv.isOpen ? pow(Double(max(capacity[i], r.censored + r.events)) * q, 2) / 12
                                       : Double(r.censored) * q * q / 12
                let noise = 2 * pow(meanN * sigma / meanS, 2)
                return allocRule == 1 ? timing : timing + noise
            }
        }
        let shares = Self.allocate(abs(delta), capacity: capacity, weight: weights)
        var plans: [Plan] = []
        atRisk = layout.intervals.first?.printedStart ?? 0
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

    /// The open last interval with a prescribed number of events: the largest number censored
    /// for which the drops still ask for that many events; if even no censoring is not enough,
    /// the drops are scaled up.
    func solveOpen(_ s: IntervalSolver, atRisk: Int, km: Double, events: Int, floor: Int) -> Plan {
        let d = min(events, max(0, atRisk - floor))
        func reaches(_ c: Int) -> Bool {
            s.run(atRisk: atRisk, survival: km, censored: c, floor: floor, maxEvents: d).events >= d
        }
        let cmax = atRisk - floor - d
        if !reaches(0) { return forced(s, atRisk: atRisk, km: km, censored: 0, events: d, floor: floor) }
        if reaches(cmax) { return Plan(censored: cmax, lambda: 1, floor: floor, maxEvents: d) }
        var lo = 0, hi = cmax
        while hi - lo > 1 {
            let mid = (lo + hi) / 2
            if reaches(mid) { lo = mid } else { hi = mid }
        }
        return Plan(censored: lo, lambda: 1, floor: floor, maxEvents: d)
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
