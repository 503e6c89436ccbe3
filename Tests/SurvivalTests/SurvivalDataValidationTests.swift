import Testing
import StatNumerics
import Survival

/// Every rejected input throws `DomainError` with a message that names the offending index.
@Suite("Survival input validation")
struct SurvivalDataValidationTests {
    private func message(_ body: () throws -> Void) -> String? {
        do { try body() } catch let error as DomainError { return error.message } catch { return "unexpected \(error)" }
        return nil
    }

    @Test func negativeTimeNamesItsIndex() {
        let text = message { _ = try SurvivalData(times: [1, 2, -0.5, 4], events: [1, 0, 1, 1]) }
        #expect(text?.contains("index 2") == true && text?.contains("negative") == true, "\(text ?? "no error")")
    }

    @Test(arguments: [Double.nan, .infinity, -.infinity])
    func nonFiniteTimeNamesItsIndex(_ bad: Double) {
        let text = message { _ = try SurvivalData(times: [1, bad, 3], events: [1, 0, 1]) }
        #expect(text?.contains("index 1") == true, "\(text ?? "no error")")
    }

    @Test(arguments: [2, -1])
    func eventCodeOtherThanZeroOrOneNamesItsIndex(_ code: Int) {
        let text = message { _ = try SurvivalData(times: [1, 2, 3, 4], events: [1, 0, 1, code]) }
        #expect(text?.contains("event at index 3") == true, "\(text ?? "no error")")
    }

    @Test(arguments: [0.5, Double.nan, 1.0000001])
    func floatingEventCodeOtherThanZeroOrOneNamesItsIndex(_ code: Double) {
        let text = message { _ = try SurvivalData(times: [1, 2], events: [code, 1]) }
        #expect(text?.contains("event at index 0") == true, "\(text ?? "no error")")
    }

    @Test func lengthMismatches() {
        #expect(message { _ = try SurvivalData(times: [1, 2], events: [1]) } != nil)
        #expect(message { _ = try SurvivalData(times: [1, 2], events: [1, 0], groups: ["A"]) } != nil)
        #expect(message { _ = try SurvivalData(times: [1, 2], events: [1, 0], strata: ["s", "s", "s"]) } != nil)
        #expect(message { _ = try SurvivalData(times: [1, 2], events: [1, 0], covariates: [.init(name: "x", values: [1])]) } != nil)
    }

    @Test func nonFiniteCovariateNamesColumnAndIndex() {
        let text = message {
            _ = try SurvivalData(times: [1, 2, 3], events: [1, 0, 1], covariates: [.init(name: "age", values: [50, 61, .nan])])
        }
        #expect(text?.contains("'age'") == true && text?.contains("index 2") == true, "\(text ?? "no error")")
    }

    @Test func kaplanMeierValidatesItsOwnArrays() {
        let negative = message { _ = try KaplanMeier().fit(times: [3, -1], events: [true, false]) }
        #expect(negative?.contains("index 1") == true, "\(negative ?? "no error")")
        let badEvent = message { _ = try KaplanMeier().fit(times: [3, 1], events: [1, 3]) }
        #expect(badEvent?.contains("event at index 1") == true, "\(badEvent ?? "no error")")
        #expect(message { _ = try KaplanMeier().fit(times: [], events: [Bool]()) } != nil)
        #expect(message { _ = try KaplanMeier(level: 1).fit(times: [1], events: [true]) } != nil)
        #expect(message { _ = try KaplanMeier(level: .nan).fit(times: [1], events: [true]) } != nil)
    }

    @Test func curveQueriesRejectOutOfDomainArguments() throws {
        let km = try KaplanMeier().fit(times: [1, 2, 3], events: [1, 1, 0])
        let time = message { _ = try km.summary(at: [1, -2]) }
        #expect(time?.contains("index 1") == true, "\(time ?? "no error")")
        #expect(message { _ = try km.summary(at: [.nan]) } != nil)
        #expect(message { _ = try km.quantile(1.5) } != nil)
        #expect(message { _ = try km.quantile(.nan) } != nil)
        #expect(message { _ = try km.restrictedMean(upTo: -1) } != nil)
        #expect(message { _ = try km.restrictedMean(upTo: .infinity) } != nil)
    }
}
