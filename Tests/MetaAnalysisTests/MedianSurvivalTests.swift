import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import StatNumerics

/// Log-median effects. The CI formula is checked against a value computed by hand in R:
/// `(log(72) - log(55)) / (2 * qnorm(0.975))` = 0.068708643604690703 for Brabander 2017's median OS
/// 63 (55–72) months; the events formula is 1/√d by definition.
struct MedianSurvivalTests {
    @Test func ciGivesLogScaleSE() throws {
        let e = try MedianSurvival.effect(MedianObservation(label: "brabander2017", median: 63, ciLow: 55, ciHigh: 72))
        #expect(e.source == .confidenceInterval)
        #expect(isClose(e.effect.yi, log(63), rel: 1e-15))
        #expect(isClose(e.effect.vi.squareRoot(), 0.0687086436046907, rel: 1e-12))
    }

    @Test func notReachedUpperBoundUsesTheLowerHalf() throws {
        let e = try MedianSurvival.effect(MedianObservation(label: "a", median: 40, ciLow: 30))
        #expect(e.source == .halfInterval)
        #expect(isClose(e.effect.vi.squareRoot(), (log(40) - log(30)) / Normal.standard.upperQuantile(0.025), rel: 1e-12))
    }

    @Test func eventsGiveTheExponentialApproximation() throws {
        let e = try MedianSurvival.effect(MedianObservation(label: "a", median: 34, events: 100))
        #expect(e.source == .events && isClose(e.effect.vi, 0.01, rel: 1e-15))
        #expect(e.notes.contains { $0.contains("exponential") })
    }

    @Test func badMediansAreDomainErrors() {
        for o in [MedianObservation(label: "zero", median: 0, events: 3),
                  MedianObservation(label: "excluded", median: 10, ciLow: 12, ciHigh: 20),
                  MedianObservation(label: "nothing", median: 10)] {
            #expect(throws: DomainError.self, "\(o.label)") { try MedianSurvival.effect(o) }
        }
    }
}
