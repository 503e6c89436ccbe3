import Testing
import StatNumerics
import Survival

/// Properties true by construction, on random right-censored data (seeded, so reproducible).
@Suite("Kaplan–Meier properties on random data")
struct KaplanMeierPropertyTests {
    /// n subjects with exponential event times (rate 1), exponential censoring (rate 0.5) and times
    /// rounded to 0.1 so that ties occur.
    private static func sample(seed: UInt64, n: Int) -> (times: [Double], events: [Bool]) {
        var g = SeededGenerator(seed: seed)
        var times: [Double] = []
        var events: [Bool] = []
        for _ in 0..<n {
            let t = (g.nextExponential(rate: 1) * 10).rounded() / 10
            let c = (g.nextExponential(rate: 0.5) * 10).rounded() / 10
            times.append(min(t, c))
            events.append(t <= c)
        }
        return (times, events)
    }

    @Test(arguments: Array(UInt64(1)...UInt64(40)))
    func curveIsANonIncreasingProbabilityWithinItsLimits(_ seed: UInt64) throws {
        let n = 5 + Int(seed * 7 % 60)
        let (times, events) = Self.sample(seed: seed, n: n)
        for type in SurvivalConfidenceType.allCases {
            let km = try KaplanMeier(confidenceType: type).fit(times: times, events: events)
            var previous = 1.0
            var previousHazard = 0.0
            var previousAtRisk = n + 1
            for step in km.steps {
                #expect(step.survival >= 0 && step.survival <= 1)
                #expect(step.survival <= previous)
                #expect(step.cumulativeHazard >= previousHazard)
                #expect(step.atRisk < previousAtRisk)
                if let lower = step.lower { #expect(lower >= 0 && lower <= step.survival + 1e-15) }
                if let upper = step.upper { #expect(upper <= 1 && upper >= step.survival - 1e-15) }
                previous = step.survival
                previousHazard = step.cumulativeHazard
                previousAtRisk = step.atRisk
            }
            #expect(km.steps.reduce(0) { $0 + $1.events + $1.censored } == n)
            #expect(km.eventCount == events.filter { $0 }.count)
        }
    }

    @Test(arguments: Array(UInt64(100)...UInt64(115)))
    func fitDoesNotDependOnInputOrder(_ seed: UInt64) throws {
        let (times, events) = Self.sample(seed: seed, n: 40)
        var g = SeededGenerator(seed: seed &+ 7)
        let permutation = Array(times.indices).shuffled(using: &g)
        let a = try KaplanMeier().fit(times: times, events: events)
        let b = try KaplanMeier().fit(times: permutation.map { times[$0] }, events: permutation.map { events[$0] })
        #expect(a == b)
    }

    @Test(arguments: Array(UInt64(200)...UInt64(215)))
    func restrictedMeanGrowsWithTauAndStaysBelowIt(_ seed: UInt64) throws {
        let (times, events) = Self.sample(seed: seed, n: 30)
        let km = try KaplanMeier().fit(times: times, events: events)
        var previous = 0.0
        for tau in stride(from: 0.0, through: 2 * km.lastTime + 1, by: 0.25) {
            let rmst = try km.restrictedMean(upTo: tau)
            #expect(rmst.estimate <= tau + 1e-12)
            #expect(rmst.estimate >= previous - 1e-12)
            #expect(rmst.standardError >= 0)
            previous = rmst.estimate
        }
    }
}
