import Foundation
import StatNumerics
@testable import Survival
import Testing

/// Invariants that hold by construction, checked on seeded random input (valid and messy).
@Suite("Reconstruction: properties")
struct ReconstructionPropertyTests {
    /// A random messy digitization: a decreasing curve with noise, shuffled rows, repeated times,
    /// rises, and a risk table that may or may not agree with it.
    static func randomCase(_ seed: UInt64) -> (DigitizedCurve, PrintedRiskTable, Int?) {
        var g = SeededGenerator(seed: seed)
        let clicks = 2 + Int(g.nextUniform() * 60)
        var t = 0.0, s = 1.0
        var times: [Double] = [], surv: [Double] = []
        for _ in 0..<clicks {
            if g.nextUniform() < 0.8 { t += g.nextExponential(rate: 2) }
            s = max(0, s - 0.05 * g.nextUniform())
            times.append(t + 0.05 * g.nextNormal())
            surv.append(min(1.04, max(-0.04, s + 0.01 * g.nextNormal())))
        }
        for _ in 0..<(clicks / 10) {   // a few swapped rows
            let i = Int(g.nextUniform() * Double(clicks)), j = Int(g.nextUniform() * Double(clicks))
            times.swapAt(i, j)
        }
        let n = 1 + Int(g.nextUniform() * 300)
        let last = max(times.max() ?? 1, 0.1)
        var riskTimes: [Double] = [0]
        var atRisk = [n]
        for k in 1..<(1 + Int(g.nextUniform() * 6)) {
            riskTimes.append(Double(k) * last / 4)
            atRisk.append(Int(Double(atRisk[k - 1]) * (0.4 + 0.6 * g.nextUniform())))
        }
        let total: Int? = g.nextUniform() < 0.5 ? Int(g.nextUniform() * Double(n + 1)) : nil
        return (DigitizedCurve(times: times, survival: surv), PrintedRiskTable(times: riskTimes, numberAtRisk: atRisk), total)
    }

    /// The random cases with times rounded to a grid (ties, −0 at the start), some on the percent
    /// scale and some with the risk table in reverse order, with and without a printed total and
    /// with only N: never a trap (three of these once converted an infinite event count to Int),
    /// always every patient accounted for and never more events than the curve's drops can hold.
    @Test func roundedTimesNeverTrap() throws {
        for seed in 0..<400 {
            let (curve0, table0, total) = Self.randomCase(UInt64(10_000 + seed))
            var curve = curve0
            let q = [4.0, 1.0, 20.0][seed % 3]
            curve.times = curve.times.map { ($0 * q).rounded() / q }
            if seed % 5 == 0 { curve.survival = curve.survival.map { $0 * 100 }; curve.scale = .percent }
            var table = table0
            if seed % 4 == 1 {
                table = PrintedRiskTable(times: table0.times.reversed(), numberAtRisk: table0.numberAtRisk.reversed(),
                                         rows: (0..<table0.times.count).map { $0 + 7 })
            }
            if seed % 7 == 3, table.times.count > 1 { table.times[0] = -0.0 }
            for tail in IPDReconstruction.Tail.allCases {
                for onlyN in [false, true] {
                    let r: ReconstructedArm
                    do {
                        r = onlyN ? try IPDReconstruction(tail: tail).reconstruct(curve: curve, patients: table0.numberAtRisk[0], totalEvents: total)
                                  : try IPDReconstruction(tail: tail).reconstruct(curve: curve, riskTable: table, totalEvents: total)
                    } catch is ReconstructionError {
                        continue   // e.g. survival far above 1: a clear error is a valid outcome
                    }
                    #expect(r.patientCount == table0.numberAtRisk[0], "seed \(seed)")
                    #expect(r.eventCount <= r.patientCount && r.times.allSatisfy { $0.isFinite && $0 >= 0 }, "seed \(seed)")
                }
            }
        }
    }

    @Test(arguments: 0..<60)
    func preservesPatientsAndNeverInventsEvents(seed: Int) throws {
        let (curve, table, total) = Self.randomCase(UInt64(seed))
        for tail in IPDReconstruction.Tail.allCases {
            let arm = try IPDReconstruction(tail: tail).reconstruct(curve: curve, riskTable: table, totalEvents: total)
            let n = table.numberAtRisk[0]
            #expect(arm.patientCount == n)
            #expect(arm.eventCount <= n)
            #expect(arm.report.patients == n && arm.report.events == arm.eventCount)
            #expect(arm.times.allSatisfy { $0.isFinite && $0 >= 0 })
            #expect(zip(arm.times, arm.times.dropFirst()).allSatisfy { $0.0 <= $0.1 })
            // The printed numbers at risk up to the last click are always reproduced.
            #expect(arm.report.numbersAtRiskMatched)
            // The total is met unless the report says why not.
            if let total, arm.eventCount != total {
                #expect(arm.report.repairs.contains { $0.kind == .totalEventsNotMatched })
            }
            #expect(arm.report.maxAbsDifference.isFinite && arm.report.maxAbsDifference <= 1)
            #expect(arm.report.meanAbsDifference <= arm.report.maxAbsDifference)
            _ = try arm.survivalData()
        }
    }

    /// Simulated trials are consistent by construction, so a printed total is always met.
    @Test(arguments: [10, 40, 300])
    func totalEventsAreMetExactlyOnConsistentData(perArm: Int) throws {
        for rep in 0..<10 {
            let seed = UInt64(77_000 + perArm * 100 + rep)
            for (a, arm) in TrialSimulation.trial(perArm: perArm, hazardRatio: 0.7, seed: seed).enumerated() {
                let curve = TrialSimulation.digitize(arm, seed: seed &+ UInt64(a))
                let r = try IPDReconstruction().reconstruct(curve: curve, riskTable: TrialSimulation.riskTable(arm),
                                                            totalEvents: arm.eventCount)
                #expect(r.eventCount == arm.eventCount)
                #expect(r.patientCount == perArm)
            }
        }
    }

    @Test func resultIsIndependentOfRowOrder() throws {
        let (curve, table, total) = Self.randomCase(12345)
        let reversed = DigitizedCurve(times: curve.times.reversed(), survival: curve.survival.reversed())
        let a = try IPDReconstruction().reconstruct(curve: curve, riskTable: table, totalEvents: total)
        let b = try IPDReconstruction().reconstruct(curve: reversed, riskTable: table, totalEvents: total)
        // Ties in time may be ordered differently, so compare the records as multisets.
        #expect(a.times == b.times && a.eventCount == b.eventCount)
    }

    // MARK: Building blocks

    /// Pool-adjacent-violators against a hand computation: [1, 0.8, 0.9, 0.6] with unit weights
    /// pools 0.8 and 0.9 into 0.85; with weights [1, 1, 3, 1] into (0.8 + 2.7)/4 = 0.875.
    @Test func antitonicRegression() {
        let plain = AntitonicRegression(values: [1, 0.8, 0.9, 0.6], weights: [1, 1, 1, 1])
        #expect(plain.fitted.enumerated().allSatisfy { abs($0.element - [1, 0.85, 0.85, 0.6][$0.offset]) < 1e-15 })
        #expect(plain.blocks.map(\.range) == [0...0, 1...2, 3...3])
        let weighted = AntitonicRegression(values: [1, 0.8, 0.9, 0.6], weights: [1, 1, 3, 1])
        #expect(abs(weighted.fitted[1] - 0.875) < 1e-15 && abs(weighted.fitted[2] - 0.875) < 1e-15)
        // A long rise pools back to the start: [0.5, 0.6, 0.7] → all 0.6.
        let rise = AntitonicRegression(values: [0.5, 0.6, 0.7], weights: [1, 1, 1])
        #expect(rise.fitted.allSatisfy { abs($0 - 0.6) < 1e-15 })
        // Already non-increasing input is returned unchanged.
        let clean = AntitonicRegression(values: [1, 1, 0.5, 0.2], weights: [1, 1, 1, 1])
        #expect(clean.fitted == [1, 1, 0.5, 0.2])
    }

    /// Censoring follows S(t): on a curve at 1 until a vertical drop to 0.5 at time 5 (risk table
    /// at 0 and 10), the area under S over [0, 10] is 7.5, so 3 censorings sit at the quartiles of
    /// that area: 1.875 and 3.75 (area 1.875, 3.75 at height 1) and 5 + 0.625 / 0.5 = 6.25.
    /// A flat curve gives Guyot's even spread.
    @Test func censoringFollowsTheCurve() {
        func point(_ t: Double, _ s: Double) -> CleanedCurve.Point { CleanedCurve.Point(time: t, survival: s) }
        let dropped = ReconstructionLayout(points: [point(0, 1), point(5, 1), point(5, 0.5), point(10, 0.5)],
                                           riskTimes: [0, 10], atRisk: [20, 5])
        let times = IntervalSolver(layout: dropped, index: 0).censorTimes(3)
        #expect(zip(times, [1.875, 3.75, 6.25]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(times)")
        let flat = ReconstructionLayout(points: [point(0, 1), point(10, 1)], riskTimes: [0, 10], atRisk: [20, 5])
        let even = IntervalSolver(layout: flat, index: 0).censorTimes(4)
        #expect(zip(even, [2.0, 4, 6, 8]).allSatisfy { abs($0 - $1) < 1e-12 }, "\(even)")
    }

    /// Largest remainders: 10 in proportion 1:2:2 is 2:4:4; a capped share passes its excess on.
    @Test func allocation() {
        #expect(ReconstructionEngine.allocate(10, capacity: [10, 10, 10], weight: [1, 2, 2]) == [2, 4, 4])
        #expect(ReconstructionEngine.allocate(10, capacity: [10, 1, 10], weight: [1, 2, 2]) == [3, 1, 6])
        #expect(ReconstructionEngine.allocate(7, capacity: [2, 2, 2], weight: [1, 1, 1]) == [2, 2, 2])
        #expect(ReconstructionEngine.allocate(3, capacity: [5, 5], weight: [0, 0]).reduce(0, +) == 3)
    }

    /// Events are placed where the clicks say: a vertical pair is a step at its time; a drop
    /// whose top click ends a flat stretch happens at that click.
    @Test func eventPlacementFollowsStepCorners() throws {
        // Corners clicked: (2, 1) top, (2, 0.9) bottom → event at 2; for the next drop only the
        // top corner (5, 0.9) was clicked, then (8, 0.8): the event is at 5, not at 8.
        let curve = DigitizedCurve(times: [0, 2, 2, 5, 8, 8, 10], survival: [1, 1, 0.9, 0.9, 0.8, 0.7, 0.7])
        let arm = try IPDReconstruction().reconstruct(curve: curve, riskTable: PrintedRiskTable(times: [0], numberAtRisk: [10]),
                                                      totalEvents: 3)
        let eventTimes = zip(arm.times, arm.events).filter(\.1).map(\.0)
        #expect(eventTimes == [2, 5, 8])
    }
}
