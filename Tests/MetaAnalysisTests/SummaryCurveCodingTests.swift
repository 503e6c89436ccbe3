import Foundation
import MetaAnalysis
import Testing
import TestSupport

/// The result's JSON carries the `survmeta curve` contract fields (`cli-contract.md`, "Landmark
/// survival and summary curves"): `model, rows [{time, surv, ci_low, ci_high}], median, rmst,
/// rmst_tau, q, h2, i2` (i2 in percent), undefined values as `null`, and it round-trips.
@Suite("Summary curve — result coding")
struct SummaryCurveCodingTests {
    @Test("JSON has the contract fields, null for an undefined median, and round-trips")
    func contractFields() throws {
        // Up to 5 months the pooled curve stays above 0.5: no median.
        let rows = try SummaryCurveFixtures.hepatologyRows(maxTime: 5)
        let result = try SummaryCurveModel(monteCarlo: SummaryCurveMonteCarloSpec(draws: 500, seed: 11)).fit(rows)
        #expect(result.median.estimate == nil)
        let data = try JSONEncoder().encode(result)
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["model"] as? String == "random")
        for key in ["median", "rmst", "rmst_tau", "q", "h2", "i2", "seed", "monte_carlo", "intervals", "q_df", "q_p"] {
            #expect(object.keys.contains(key), "missing \(key)")
        }
        #expect(object["median"] is NSNull)
        #expect((object["i2"] as? Double).map { $0 >= 0 && $0 <= 100 } == true)
        let first = try #require((object["rows"] as? [[String: Any]])?.first)
        for key in ["time", "surv", "ci_low", "ci_high"] { #expect(first[key] is Double, "rows[0].\(key)") }
        let decoded = try JSONDecoder().decode(SummaryCurveResult.self, from: data)
        #expect(decoded == result)
    }

    @Test("Strata comparison encodes and round-trips")
    func strataRoundTrip() throws {
        let rows = try SummaryCurveFixtures.hepatologyRows(maxTime: 12)
        let comparison = try SummaryCurveModel(monteCarlo: SummaryCurveMonteCarloSpec(draws: 0)).compareStrata(rows)
        let data = try JSONEncoder().encode(comparison)
        #expect(try JSONDecoder().decode(SummaryCurveStrataComparison.self, from: data) == comparison)
    }
}
