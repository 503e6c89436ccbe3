import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import StatNumerics

/// Invariances that hold by construction, on metafor's dat.bcg (log risk ratios, Colditz 1994):
/// permuting the studies changes nothing; negating every estimate negates the pooled estimate and
/// keeps every heterogeneity statistic.
struct PoolingPropertyTests {
    static func bcg() throws -> [StudyEffect] { try PoolingGoldenTests.dataset("bcg") }

    @Test(arguments: TauSquaredEstimator.allCases)
    func permutingStudiesChangesNothing(method: TauSquaredEstimator) throws {
        let studies = try Self.bcg()
        var generator = SeededGenerator(seed: 20240611)
        let model = RandomEffectsModel(estimator: method, test: .knha)
        let reference = try model.fit(studies)
        for _ in 0..<5 {
            let shuffled = studies.shuffled(using: &generator)
            let fit = try model.fit(shuffled)
            #expect(isClose(fit.estimate, reference.estimate, rel: 1e-10, abs: 1e-13))
            #expect(isClose(fit.standardError, reference.standardError, rel: 1e-10))
            #expect(isClose(fit.model.tau2, reference.model.tau2, rel: 1e-8, abs: 1e-13))
            #expect(isClose(fit.model.qe, reference.model.qe, rel: 1e-10))
            // Weights follow their studies.
            for (i, s) in shuffled.enumerated() {
                let j = studies.firstIndex(of: s)!
                #expect(isClose(fit.model.weightsPercent[i], reference.model.weightsPercent[j], rel: 1e-8))
            }
        }
    }

    @Test(arguments: TauSquaredEstimator.allCases)
    func negatingEstimatesFlipsTheEstimateOnly(method: TauSquaredEstimator) throws {
        let studies = try Self.bcg()
        let negated = studies.map { StudyEffect(label: $0.label, yi: -$0.yi, vi: $0.vi) }
        let a = try RandomEffectsModel(estimator: method).fit(studies)
        let b = try RandomEffectsModel(estimator: method).fit(negated)
        #expect(isClose(b.estimate, -a.estimate, rel: 1e-10))
        #expect(isClose(b.pooled.ciLow, -a.pooled.ciHigh, rel: 1e-10))
        #expect(isClose(b.model.tau2, a.model.tau2, rel: 1e-8, abs: 1e-13))
        #expect(isClose(b.model.qe, a.model.qe, rel: 1e-10))
        #expect(isClose(b.model.i2, a.model.i2, rel: 1e-8, abs: 1e-10))
        #expect(isClose(b.heterogeneityIntervals?.tau2High, a.heterogeneityIntervals?.tau2High, rel: 1e-8, abs: 1e-12))
    }

    @Test func confidenceIntervalContainsEstimateAndTauIsNonNegative() throws {
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<300 {
            let k = 2 + Int(generator.next() % 20)
            let studies = (0..<k).map { i in
                StudyEffect(label: "s\(i)", yi: generator.nextNormal() * 0.5, vi: 0.001 + generator.nextUniform())
            }
            for method in [TauSquaredEstimator.DL, .REML, .PM, .SJ, .HE] {
                let fit = try RandomEffectsModel(estimator: method, test: .adhoc).fit(studies)
                #expect(fit.model.tau2 >= 0)
                #expect(fit.pooled.ciLow <= fit.estimate && fit.estimate <= fit.pooled.ciHigh)
                let standard = try RandomEffectsModel(estimator: method, test: .t).fit(studies)
                // The ad hoc interval is never narrower than the t interval with model-based variance.
                #expect(fit.pooled.ciHigh - fit.pooled.ciLow >= (standard.pooled.ciHigh - standard.pooled.ciLow) * (1 - 1e-12))
            }
        }
    }

    @Test func invalidVariancesAreDomainErrors() {
        let bad = [StudyEffect(label: "a", yi: 0.1, vi: 0.04), StudyEffect(label: "b", yi: 0.2, vi: 0)]
        #expect(throws: DomainError.self) { try RandomEffectsModel().fit(bad) }
        let nan = [StudyEffect(label: "a", yi: .nan, vi: 0.04), StudyEffect(label: "b", yi: 0.2, vi: 0.1)]
        #expect(throws: DomainError.self) { try RandomEffectsModel().fit(nan) }
        #expect(throws: DomainError.self) { try RandomEffectsModel().fit([]) }
    }
}
