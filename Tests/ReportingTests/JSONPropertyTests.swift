import Foundation
import Testing
import TestSupport
import MetaAnalysis
import StatNumerics
@testable import Reporting

/// Property: whatever the data, a pooled report's JSON parses and holds no NaN or infinity — an
/// undefined value is `null`. 3,000 seeded random data sets, including degenerate ones (k = 1,
/// identical estimates, variances spanning 12 orders of magnitude), every estimator and test.
struct JSONPropertyTests {
    @Test func pooledJSONAlwaysParsesWithoutNaN() throws {
        var g = SeededGenerator(seed: 90210)
        let estimators = TauSquaredEstimator.allCases
        let tests = InferenceTest.allCases
        var checked = 0
        for case_ in 0..<3000 {
            let k = 1 + Int(g.next() % 12)
            let identical = case_ % 17 == 0
            let studies = (0..<k).map { i -> StudyEffect in
                let vi = pow(10, -6 + 12 * g.nextUniform())
                return StudyEffect(label: "s\(i)", yi: identical ? 0.3 : 2 * g.nextNormal(), vi: vi)
            }
            let model = RandomEffectsModel(estimator: estimators[case_ % estimators.count], test: tests[case_ % tests.count],
                                           predictionInterval: case_ % 2 == 0 ? .metafor : .higgins)
            guard let fit = try? model.fit(studies) else { continue }   // typed errors are fine; a trap is not
            let measure: EffectMeasure = [.HR, .GEN, .PLO, .PAS][case_ % 4]
            let text = JSONValue.object(PoolReport(fit: fit, measure: measure).json()).serialized()
            // No non-finite value (words inside strings, like "infinite" in a warning, are fine).
            for bad in [": nan", ": -nan", ": inf", ": -inf", ": NaN", ": Infinity", ": -Infinity"] {
                #expect(!text.contains(bad), "case \(case_): \(bad)")
            }
            let parsed = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
            #expect(parsed?["k"] as? Int == k)
            checked += 1
        }
        #expect(checked > 2500, "most random data sets fit (\(checked))")
    }

    /// The number text reads back to the same double with a correctly rounded parser (Swift's
    /// `Double(_:)`, like Python's or R's; swift-corelibs-foundation's JSONSerialization itself can
    /// be off in the last bit, so it is not the judge here).
    @Test func numbersRoundTripExactly() throws {
        var g = SeededGenerator(seed: 7)
        for _ in 0..<2000 {
            let x = g.nextNormal() * pow(10, Double(Int(g.next() % 40)) - 20)
            let text = JSONValue.object([("x", .number(x))]).serialized(pretty: false)
            let number = text.dropFirst("{\"x\":".count).dropLast()
            #expect(Double(String(number)) == x, "\(text)")
            #expect(try JSONSerialization.jsonObject(with: Data(text.utf8)) is [String: Any])
        }
        #expect(JSONValue.num(.nan) == .null && JSONValue.num(.infinity) == .null && JSONValue.num(nil) == .null)
    }
}
