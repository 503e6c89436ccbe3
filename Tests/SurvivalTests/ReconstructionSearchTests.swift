import Foundation
import StatNumerics
@testable import Survival
import Testing

/// The engine's searches take shortcuts (runs started part-way through an interval and stopped at
/// the event budget, a bracket stopped at 10⁻⁹): each must pick the run the plain search picks.
/// Also the assembly's second reading of spanning drops, when it does not help.
@Suite("Reconstruction: search shortcuts")
struct ReconstructionSearchTests {
    /// The four real curves as engines, with the first-pass state at the start of each interval.
    static func engines() throws -> [(name: String, engine: ReconstructionEngine, atRisk: [Int], km: [Double], plans: [ReconstructionEngine.Plan])] {
        let cases: [(String, String, SurvivalScale)] = [
            ("IPDfromKM/Radiationdata_radio.csv", "IPDfromKM/Radiationdata_radio_nar.csv", .percent),
            ("IPDfromKM/Radiationdata_radioplus.csv", "IPDfromKM/Radiationdata_radioplus_nar.csv", .percent),
            ("reconstructKM/pbo_clicks.csv", "reconstructKM/pbo_NAR.csv", .proportion),
            ("reconstructKM/pembro_clicks.csv", "reconstructKM/pembro_NAR.csv", .proportion)]
        return try cases.map { curveFile, riskFile, scale in
            let cleaned = try CurvePreprocessing.clean(try DigitizedData.curve(curveFile, scale: scale), tolerance: 0.05)
            let table = try RiskTableValidation.validate(try DigitizedData.riskTable(riskFile))
            let usable = table.times.filter { $0 <= cleaned.lastTime }.count
            var layout = ReconstructionLayout(points: cleaned.points, riskTimes: Array(table.times[..<usable]),
                                              atRisk: Array(table.atRisk[..<usable]))
            layout.noise = cleaned.noise
            let engine = ReconstructionEngine(layout: layout, tailFloor: usable < table.atRisk.count ? table.atRisk[usable] : 0)
            let plans = engine.firstPass()
            var atRisk = [engine.patients], km = [1.0]
            for (i, plan) in plans.enumerated() {
                let r = engine.solver(i).run(atRisk: atRisk[i], survival: km[i], censored: plan.censored, lambda: plan.lambda,
                                             floor: plan.floor, maxEvents: plan.maxEvents)
                atRisk.append(r.atRiskEnd)
                km.append(r.survivalEnd)
            }
            return (curveFile, engine, atRisk, km, plans)
        }
    }

    /// The drop scaling λ of the plain search: doubling, then 50 halvings, every run in full.
    static func plainForced(_ s: IntervalSolver, atRisk: Int, km: Double, censored: Int, events: Int, floor: Int) -> Double {
        func count(_ lambda: Double) -> IntervalSolver.Run {
            s.run(atRisk: atRisk, survival: km, censored: censored, lambda: lambda, floor: floor, maxEvents: events)
        }
        let one = count(1)
        var lo: Double, hi: Double
        if one.events >= events {
            if !one.capped { return 1 }
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
        return hi
    }

    /// `forced` (runs from the first differing drop, stopped at the budget, bracket to 10⁻⁹)
    /// records the same events and censorings as the plain search, for every interval of the
    /// real curves and budgets across each interval's range (open interval: several numbers
    /// censored).
    @Test func forcedMatchesThePlainBisection() throws {
        var compared = 0, scaled = 0
        for (name, engine, atRisk, km, plans) in try Self.engines() {
            for i in engine.layout.intervals.indices where !engine.layout.intervals[i].sites.isEmpty {
                let iv = engine.layout.intervals[i]
                let s = engine.solver(i)
                var settings: [(censored: Int, events: Int, floor: Int)] = []
                if let end = iv.printedEnd {
                    let room = atRisk[i] - end
                    guard room > 0 else { continue }
                    for d in stride(from: 0, through: room, by: max(1, room / 12)) { settings.append((room - d, d, end)) }
                } else {
                    let floor = plans[i].floor, room = atRisk[i] - floor
                    for c in [0, room / 4, room / 2] {
                        for d in stride(from: 0, through: room - c, by: max(1, (room - c) / 8)) { settings.append((c, d, floor)) }
                    }
                }
                for (censored, events, floor) in settings {
                    let plan = engine.forced(s, atRisk: atRisk[i], km: km[i], censored: censored, events: events, floor: floor)
                    let plain = Self.plainForced(s, atRisk: atRisk[i], km: km[i], censored: censored, events: events, floor: floor)
                    let fast = IntervalSolver.Recording(capacity: atRisk[i])
                    let reference = IntervalSolver.Recording(capacity: atRisk[i])
                    let a = s.record(atRisk: atRisk[i], survival: km[i], censored: censored, lambda: plan.lambda, floor: floor,
                                     maxEvents: events, into: fast)
                    let b = s.record(atRisk: atRisk[i], survival: km[i], censored: censored, lambda: plain, floor: floor,
                                     maxEvents: events, into: reference)
                    #expect(a.events == b.events && a.atRiskEnd == b.atRiskEnd
                            && a.survivalEnd.bitPattern == b.survivalEnd.bitPattern
                            && Array(fast.events) == Array(reference.events) && Array(fast.censorings) == Array(reference.censorings),
                            "\(name) interval \(i) censored \(censored) events \(events): λ \(plan.lambda) vs \(plain)")
                    compared += 1
                    if plain != 1 { scaled += 1 }
                }
            }
        }
        // The comparisons must include many that bisect (λ ≠ 1), not only budgets met at λ = 1.
        #expect(compared > 150 && scaled > 100, "\(compared) compared, \(scaled) bisected")
    }

    /// `reachesBudget` started part-way (states and events per drop taken from a run that falls
    /// short at a lower λ) answers as a full run does, at λ across a bracket.
    @Test func probeFromAPrefixAnswersAsAFullRun() throws {
        var checked = 0
        for (_, engine, atRisk, km, _) in try Self.engines() {
            for i in engine.layout.intervals.indices {
                let iv = engine.layout.intervals[i]
                guard let end = iv.printedEnd, atRisk[i] > end, iv.sites.count > 2 else { continue }
                let s = engine.solver(i)
                let width = iv.sites.count
                let room = atRisk[i] - end
                for d in [room / 3, room / 2, 2 * room / 3] where d > 0 {
                    let censored = room - d
                    var states = [IntervalSolver.ProbeState](repeating: .init(n: 0, km: 0, p: 0, total: 0), count: width)
                    var trace = [Int](repeating: 0, count: width)
                    // λ = 0.5 as the lower end when it falls short of the budget.
                    guard !s.reachesBudget(atRisk: atRisk[i], survival: km[i], censored: censored, lambda: 0.5, floor: end,
                                           maxEvents: d, from: 0, states: &states, trace: &trace) else { continue }
                    for lambda in stride(from: 0.5, through: 4, by: 0.125) {
                        let full = s.run(atRisk: atRisk[i], survival: km[i], censored: censored, lambda: lambda, floor: end,
                                         maxEvents: d).events >= d
                        for from in [0, width / 2, width - 1] {
                            // Only a prefix on which the lower run and this λ agree may be reused.
                            var own = [Int](repeating: 0, count: width), ownStates = states
                            _ = s.reachesBudget(atRisk: atRisk[i], survival: km[i], censored: censored, lambda: lambda,
                                                floor: end, maxEvents: d, from: 0, states: &ownStates, trace: &own)
                            guard own[..<from] == trace[..<from] else { continue }
                            var probeStates = states, probeTrace = trace
                            let fast = s.reachesBudget(atRisk: atRisk[i], survival: km[i], censored: censored, lambda: lambda,
                                                       floor: end, maxEvents: d, from: from, states: &probeStates, trace: &probeTrace)
                            #expect(fast == full, "interval \(i) λ \(lambda) from \(from)")
                            checked += 1
                        }
                    }
                }
            }
        }
        #expect(checked > 100, "\(checked) probes checked")
    }

    /// A printed total out of reach however the drops that span a risk-table time are read: the
    /// spread reading is tried, gets no closer, and is not kept; the corner reading stays and the
    /// miss is reported (`totalEventsNotMatched`, no `dropSpreadAcrossRiskTime`). Simulated arm of
    /// 20 with 10 events, printed total 16.
    @Test func spreadingThatDoesNotHelpIsNotKept() throws {
        let seed = UInt64(20 * 1000 + 8) &+ 7 &* 1_000_003
        let arm = TrialSimulation.trial(perArm: 20, hazardRatio: 0.7, seed: seed)[0]
        let curve = TrialSimulation.digitize(arm, seed: seed &* 31 &+ 1)
        let table = TrialSimulation.riskTable(arm)
        let total = arm.eventCount + 6
        #expect(total == 16)
        // Both readings, as the assembly runs them.
        let cleaned = try CurvePreprocessing.clean(curve, tolerance: 0.05)
        let validated = try RiskTableValidation.validate(table)
        let usable = validated.times.filter { $0 <= cleaned.lastTime }.count
        func events(spreading: Bool) -> (Int, Int) {
            var layout = ReconstructionLayout(points: cleaned.points, riskTimes: Array(validated.times[..<usable]),
                                              atRisk: Array(validated.atRisk[..<usable]), spreadSpanningDrops: spreading)
            layout.noise = cleaned.noise
            let engine = ReconstructionEngine(layout: layout, tailFloor: usable < validated.atRisk.count ? validated.atRisk[usable] : 0)
            let plans = engine.matchTotal(engine.firstPass(), total: total)
            return (engine.execute(plans, record: false).events, layout.spanningOneEndDrops.count)
        }
        let (corner, spanning) = events(spreading: false)
        let (spread, _) = events(spreading: true)
        #expect(spanning > 0 && corner == 13 && spread == 13, "corner \(corner), spread \(spread), spanning drops \(spanning)")
        let r = try IPDReconstruction().reconstruct(curve: curve, riskTable: table, totalEvents: total)
        let kinds = r.report.repairs.map(\.kind)
        #expect(r.eventCount == corner)
        #expect(kinds.contains(.totalEventsNotMatched) && !kinds.contains(.dropSpreadAcrossRiskTime))
        #expect(r.report.numbersAtRisk.allSatisfy { $0.beyondCurve || $0.printed == $0.reconstructed })
    }
}
