import Foundation
import MetaAnalysis
import StatNumerics
import Testing
import TestSupport

/// Bad input: each error names the row (the file line when known, else the row's position), its
/// study and time, and what was expected.
@Suite("Summary curve — input validation")
struct SummaryCurveInputTests {
    static func base() -> [SummaryCurveRow] {
        [SummaryCurveRow(study: "A", time: 1, surv: 0.9, n: 50, line: 2),
         SummaryCurveRow(study: "A", time: 2, surv: 0.8, n: 44, line: 3),
         SummaryCurveRow(study: "A", time: 3, surv: 0.7, n: 38, line: 4),
         SummaryCurveRow(study: "B", time: 1, surv: 0.85, n: 30, line: 5),
         SummaryCurveRow(study: "B", time: 2, surv: 0.75, n: 25, line: 6),
         SummaryCurveRow(study: "B", time: 3, surv: 0.6, n: 20, line: 7)]
    }

    static func reference(_ index: Int, line: Int?, _ study: String, _ time: Double) -> SummaryCurveRowReference {
        SummaryCurveRowReference(index: index, line: line, study: study, time: time)
    }

    /// Runs both modes (RISCA mode validates the same rows, except the two default-only checks).
    static func expectError(_ rows: [SummaryCurveRow], _ error: SummaryCurveInputError, mentions: String,
                            riscaToo: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) {
        var models = [SummaryCurveModel(monteCarlo: SummaryCurveMonteCarloSpec(draws: 0))]
        if riscaToo { models.append(.risca(monteCarlo: SummaryCurveMonteCarloSpec(draws: 0))) }
        for model in models {
            do {
                _ = try model.fit(rows)
                Issue.record("\(model.compatibility): no error; expected \(error)", sourceLocation: sourceLocation)
            } catch let found as SummaryCurveInputError {
                #expect(found == error, sourceLocation: sourceLocation)
                #expect(found.description.contains(mentions), "\(found.description)", sourceLocation: sourceLocation)
            } catch {
                Issue.record("unexpected error \(error)", sourceLocation: sourceLocation)
            }
        }
    }

    @Test("Survival outside [0, 1]")
    func survivalOutOfRange() {
        var rows = Self.base()
        rows[4].surv = 75  // percent by mistake
        Self.expectError(rows, .survivalOutOfRange(Self.reference(5, line: 6, "B", 2), value: 75),
                         mentions: "line 6 (study B, time 2): survival 75.0 is outside [0, 1]")
        rows[4].surv = -0.1
        Self.expectError(rows, .survivalOutOfRange(Self.reference(5, line: 6, "B", 2), value: -0.1), mentions: "line 6")
    }

    @Test("Confidence limits out of order")
    func confidenceLimits() {
        var rows = Self.base()
        rows[1].n = nil
        rows[1].ciLow = 0.85  // above the survival 0.8
        rows[1].ciHigh = 0.9
        Self.expectError(rows, .confidenceLimitsOutOfOrder(Self.reference(2, line: 3, "A", 2), low: 0.85, surv: 0.8, high: 0.9),
                         mentions: "line 3 (study A, time 2): confidence limits 0.85, 0.9 around survival 0.8")
    }

    @Test("Time out of order and duplicated within a study")
    func timeOrder() {
        var rows = Self.base()
        rows.swapAt(4, 5)  // B: 1, 3, 2
        Self.expectError(rows, .timeOutOfOrder(Self.reference(6, line: 6, "B", 2), previousTime: 3),
                         mentions: "line 6 (study B, time 2): time is not after the study's previous time 3", riscaToo: false)
        var dup = Self.base()
        dup[2].time = 2
        Self.expectError(dup, .duplicateTime(Self.reference(3, line: 4, "A", 2)), mentions: "line 4 (study A, time 2)")
    }

    @Test("Increasing curve (default mode; RISCA mode computes it as RISCA does)")
    func increasingCurve() throws {
        var rows = Self.base()
        rows[2].surv = 0.85  // A: 0.9, 0.8, 0.85
        Self.expectError(rows, .survivalIncreases(Self.reference(3, line: 4, "A", 3), value: 0.85, previous: 0.8),
                         mentions: "line 4 (study A, time 3): survival 0.85 rises above the study's previous value 0.8",
                         riscaToo: false)
        // RISCA: c = 1.0625, (n c + 1/4)/(n + 1/2) = 1.0497 > 1, so arcsin is undefined and the cell
        // takes the column mean.
        let risca = try SummaryCurveModel.risca(monteCarlo: SummaryCurveMonteCarloSpec(draws: 0)).fit(rows)
        #expect(risca.input.replacedRows == [Self.reference(3, line: 4, "A", 3)])
    }

    @Test("Number at risk ≤ 0, missing, or not derivable; time ≤ 0; non-finite values")
    func otherErrors() {
        var rows = Self.base()
        rows[3].n = 0
        Self.expectError(rows, .numberAtRiskNotPositive(Self.reference(4, line: 5, "B", 1), value: 0), mentions: "expected a number > 0")
        rows = Self.base()
        rows[3].n = nil
        Self.expectError(rows, .missingNumberAtRisk(Self.reference(4, line: 5, "B", 1)), mentions: "line 5")
        rows = Self.base()
        rows[0].time = 0
        Self.expectError(rows, .timeNotPositive(Self.reference(1, line: 2, "A", 0)), mentions: "time must be > 0")
        rows = Self.base()
        rows[5].surv = .nan
        rows[5].line = nil  // no file line: the row's position is named
        // NaN ≠ NaN, so compare the message rather than the value.
        #expect {
            try SummaryCurveModel(monteCarlo: SummaryCurveMonteCarloSpec(draws: 0)).fit(rows)
        } throws: { error in
            "\(error)" == "row 6 (study B, time 3): surv = nan is not finite; expected a finite number"
        }
    }

    @Test("Fewer than two studies")
    func tooFewStudies() {
        Self.expectError(Array(Self.base().prefix(3)), .tooFewStudies(found: 1, required: 2), mentions: "expected at least 2")
    }

    @Test("n derived from a log-scale 95 % CI (Greenwood increments)")
    func numberAtRiskFromCI() throws {
        // One study with 100 patients, 10 deaths per interval and no censoring: Greenwood
        // Var log S(t_j) = Σ d/(n(n − d)); the log-scale CI gives back n exactly.
        var rows: [SummaryCurveRow] = []
        var n = 100.0, s = 1.0, v = 0.0
        let z = Normal.standard.quantile(0.975)
        for t in 1...3 {
            v += 10 / (n * (n - 10))
            s *= (n - 10) / n
            rows.append(SummaryCurveRow(study: "A", time: Double(t), surv: s,
                                        ciLow: exp(log(s) - z * v.squareRoot()), ciHigh: exp(log(s) + z * v.squareRoot())))
            n -= 10
        }
        rows += Self.base().filter { $0.study == "B" }
        let result = try SummaryCurveModel(monteCarlo: SummaryCurveMonteCarloSpec(draws: 0)).fit(rows)
        #expect(result.input.derivedNumberAtRisk.count == 3)
        let a = try #require(result.input.studies.firstIndex(of: "A"))
        for (t, nt) in [100.0, 90, 80].enumerated() {
            #expect(isClose(result.input.v[a][t], 1 / (4 * (nt + 0.5)), rel: 1e-9))
        }
    }

    @Test("Strata: one stratum only, or a study with two strata")
    func strataErrors() throws {
        var rows = Self.base().map { r -> SummaryCurveRow in var r = r; r.stratum = "X"; return r }
        #expect(throws: SummaryCurveInputError.strataNotComparable("found 1 stratum; expected at least 2")) {
            try SummaryCurveModel(monteCarlo: SummaryCurveMonteCarloSpec(draws: 0)).compareStrata(rows)
        }
        rows[1].stratum = "Y"
        #expect(throws: SummaryCurveInputError.inconsistentStratum(Self.reference(2, line: 3, "A", 2), expected: "X", found: "Y")) {
            try SummaryCurveModel(monteCarlo: SummaryCurveMonteCarloSpec(draws: 0)).compareStrata(rows)
        }
    }
}
