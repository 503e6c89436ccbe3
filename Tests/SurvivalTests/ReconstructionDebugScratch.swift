import Foundation
import StatNumerics
@testable import Survival
import Testing
import TestSupport

@Suite("Reconstruction: debug scratch")
struct ReconstructionDebugScratch {
    @Test func variants() throws {
        for (o, a, c) in [(2, 0, false), (2, 1, false), (2, 2, false), (4, 2, false), (0, 2, false)] {
            openRule = o; allocRule = a; centeredDefault = c
            print("VARIANT open \(o) alloc \(a) centered \(c)")
            for given in [false, true] {
                let rows = try ReconstructionRoundTripTests.run(totalGiven: given)
                print(ReconstructionRoundTripTests.table(rows, title: "total given \(given)").split(separator: "\n").filter { $0.contains("8000") || $0.contains("2000") || $0.contains("mean") }.joined(separator: "\n"))
            }
        }
    }

    @Test func perReplicate() throws {
        openRule = 2; allocRule = 1; centeredDefault = true
        for size in [20, 100] {
            for rep in 0..<8 {
                let seed = UInt64(size * 1000 + rep)
                let truth = TrialSimulation.trial(perArm: size / 2, hazardRatio: 0.7, seed: seed)
                for (a, arm) in truth.enumerated() {
                    let curve = TrialSimulation.digitize(arm, seed: seed &* 31 &+ UInt64(a))
                    let table = TrialSimulation.riskTable(arm)
                    let r = try IPDReconstruction().reconstruct(curve: curve, riskTable: table, totalEvents: arm.eventCount)
                    let g = GuyotBaseline.reconstruct(curve: curve, riskTable: table, totalEvents: arm.eventCount)
                    let kt = KMSteps(times: arm.times, events: arm.events)
                    let end = arm.times.sorted(by: >)[9]
                    let dm = KMSteps.difference(kt, KMSteps(times: r.times, events: r.events), upTo: end)
                    let dg = KMSteps.difference(kt, KMSteps(times: g.times, events: g.events), upTo: end)
                    print(size, rep, a, String(format: "mine %.4f %.4f guyot %.4f %.4f", dm.max, dm.mean, dg.max, dg.mean))
                    if size == 20 && dm.mean > 0.005 {
                        print("  clicks", zip(curve.times, curve.survival).map { String(format: "(%.3f, %.3f)", $0.0, $0.1) }.joined(separator: " "))
                        print("  truth ", zip(arm.times, arm.events).sorted { $0.0 < $1.0 }.map { String(format: "%.3f%@", $0.0, $0.1 ? "*" : "") }.joined(separator: " "))
                        print("  mine  ", zip(r.times, r.events).map { String(format: "%.3f%@", $0.0, $0.1 ? "*" : "") }.joined(separator: " "))
                        print("  guyot ", zip(g.times, g.events).sorted { $0.0 < $1.0 }.map { String(format: "%.3f%@", $0.0, $0.1 ? "*" : "") }.joined(separator: " "))
                        for x in r.report.repairs { print("   ", x) }
                    }
                }
            }
        }
    }

    @Test(arguments: [8000])
    func one(size: Int) throws {
        openRule = 2; allocRule = 2; centeredDefault = false
        let seed = UInt64(size * 1000 + 0)
        let truth = TrialSimulation.trial(perArm: size / 2, hazardRatio: 0.7, seed: seed)
        for (a, arm) in truth.enumerated() {
            let curve = TrialSimulation.digitize(arm, seed: seed &* 31 &+ UInt64(a))
            let table = TrialSimulation.riskTable(arm)
            print("arm", a, "clicks", curve.times.count, "N", arm.times.count, "events", arm.eventCount, "last", arm.times.max()!)
            for total in [nil, arm.eventCount] {
                let r = try IPDReconstruction().reconstruct(curve: curve, riskTable: table, totalEvents: total)
                let g = GuyotBaseline.reconstruct(curve: curve, riskTable: table, totalEvents: total)
                print(" total", total as Any, "events", r.eventCount, "guyot", g.events.filter { $0 }.count, "maxdiff", r.report.maxAbsDifference)
                for c in r.report.numbersAtRisk {
                    let next = c.time + 6
                    let te = zip(arm.times, arm.events).filter { $0.0 >= c.time && $0.0 < next && $0.1 }.count
                    let tc = zip(arm.times, arm.events).filter { $0.0 >= c.time && $0.0 < next && !$0.1 }.count
                    let ge = zip(g.times, g.events).filter { $0.0 >= c.time && $0.0 < next && $0.1 }.count
                    let gc = zip(g.times, g.events).filter { $0.0 >= c.time && $0.0 < next && !$0.1 }.count
                    print("  t", c.time, "n", c.printed, c.reconstructed, "events", te, c.events, ge, "cens", tc, c.censored, gc)
                }
                let kt = KMSteps(times: arm.times, events: arm.events)
                let kr = KMSteps(times: r.times, events: r.events)
                let kg = KMSteps(times: g.times, events: g.events)
                let sorted = arm.times.sorted(by: >)
                print("  diff", KMSteps.difference(kt, kr, upTo: sorted[9]), KMSteps.difference(kt, kg, upTo: sorted[9]))
            }
            if size == 8000 && a == 1 {
                let tail = zip(curve.times, curve.survival).filter { $0.0 > 29 }
                print("TAIL clicks", tail.map { String(format: "(%.2f, %.4f)", $0.0, $0.1) }.joined(separator: " "))
                let tt = zip(arm.times, arm.events).filter { $0.0 > 29 }.sorted { $0.0 < $1.0 }
                print("TAIL truth events", tt.filter { $0.1 }.map { String(format: "%.2f", $0.0) }.joined(separator: " "))
                print("TAIL truth censor", tt.filter { !$0.1 }.map { String(format: "%.1f", $0.0) }.joined(separator: " "))
                let kt = KMSteps(times: arm.times, events: arm.events)
                print("TAIL KM", stride(from: 29.0, through: 36, by: 0.5).map { String(format: "%.1f:%.4f", $0, kt.value(at: $0)) }.joined(separator: " "))
            }
            if size == 20 {
                print(curve.times.map { String(format: "%.2f", $0) }, curve.survival.map { String(format: "%.3f", $0) })
                print(zip(arm.times, arm.events).sorted { $0.0 < $1.0 }.map { String(format: "%.2f%@", $0.0, $0.1 ? "*" : "") })
            }
        }
    }
}
