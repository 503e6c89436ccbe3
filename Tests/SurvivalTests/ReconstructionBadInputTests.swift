import Foundation
import StatNumerics
import Survival
import Testing

/// Input a person could hand in: every case ends in a typed error naming the row, or in a
/// reported repair — never a crash.
@Suite("Reconstruction: bad input")
struct ReconstructionBadInputTests {
    /// A small consistent arm: 10 patients, drops at 1, 2, 4 and 7 months, risk table every 3.
    static let curve = DigitizedCurve(times: [0, 1, 1, 2, 2, 4, 4, 7, 7, 9],
                                      survival: [1, 1, 0.9, 0.9, 0.8, 0.8, 0.7, 0.7, 0.6, 0.6])
    static let table = PrintedRiskTable(times: [0, 3, 6], numberAtRisk: [10, 8, 7])

    func reconstruct(_ curve: DigitizedCurve = curve, _ table: PrintedRiskTable = table, total: Int? = nil,
                     tail: IPDReconstruction.Tail = .censorAtLastClick) throws -> ReconstructedArm {
        try IPDReconstruction(tail: tail).reconstruct(curve: curve, riskTable: table, totalEvents: total)
    }

    func kinds(_ arm: ReconstructedArm) -> [ReconstructionRepair.Kind] { arm.report.repairs.map(\.kind) }

    @Test func cleanInputNeedsNoRepair() throws {
        let arm = try reconstruct(total: 4)
        #expect(arm.report.repairs.filter { $0.kind != .clicksBeyondRiskTable }.isEmpty)
        #expect(arm.patientCount == 10 && arm.eventCount == 4)
        #expect(arm.report.numbersAtRiskMatched)
        #expect(arm.report.maxAbsDifference < 1e-12)
    }

    @Test func increasingRiskTableIsAnErrorNamingTheRow() {
        let table = PrintedRiskTable(times: [0, 3, 6], numberAtRisk: [10, 8, 9], rows: [2, 3, 4])
        #expect(throws: ReconstructionError.riskTableIncreases(row: 4, previousRow: 3, value: 9, previous: 8)) {
            try reconstruct(Self.curve, table)
        }
        let message = ReconstructionError.riskTableIncreases(row: 4, previousRow: 3, value: 9, previous: 8).description
        #expect(message.contains("row 4") && message.contains("never increase"))
    }

    @Test func riskTableNotStartingAtZeroIsAnError() {
        let table = PrintedRiskTable(times: [1, 3], numberAtRisk: [10, 8])
        #expect(throws: ReconstructionError.riskTableDoesNotStartAtZero(row: 1, time: 1)) { try reconstruct(Self.curve, table) }
    }

    @Test func malformedRiskTables() {
        #expect(throws: ReconstructionError.emptyRiskTable) { try reconstruct(Self.curve, PrintedRiskTable(times: [], numberAtRisk: [])) }
        #expect(throws: ReconstructionError.duplicateRiskTime(row: 3, otherRow: 2, time: 3)) {
            try reconstruct(Self.curve, PrintedRiskTable(times: [0, 3, 3], numberAtRisk: [10, 8, 8]))
        }
        #expect(throws: ReconstructionError.negativeNumberAtRisk(row: 2, value: -1)) {
            try reconstruct(Self.curve, PrintedRiskTable(times: [0, 3], numberAtRisk: [10, -1]))
        }
        #expect(throws: ReconstructionError.noPatients(row: 1)) { try reconstruct(Self.curve, PrintedRiskTable(times: [0], numberAtRisk: [0])) }
        #expect(throws: ReconstructionError.riskTableLengthMismatch(times: 2, numberAtRisk: 1, rows: nil)) {
            try reconstruct(Self.curve, PrintedRiskTable(times: [0, 3], numberAtRisk: [10]))
        }
        #expect(throws: ReconstructionError.self) { try reconstruct(Self.curve, PrintedRiskTable(times: [0, .nan], numberAtRisk: [10, 8])) }
        #expect(throws: ReconstructionError.invalidRiskTime(row: 2, value: -3)) {
            try reconstruct(Self.curve, PrintedRiskTable(times: [0, -3], numberAtRisk: [10, 8]))
        }
    }

    @Test func riskTableOutOfOrderIsSortedAndReported() throws {
        let table = PrintedRiskTable(times: [0, 6, 3], numberAtRisk: [10, 7, 8])
        let arm = try reconstruct(Self.curve, table)
        let repair = try #require(arm.report.repairs.first { $0.kind == .riskTableSorted })
        #expect(repair.rows == [3])
        #expect(arm.report.numbersAtRiskMatched)
    }

    @Test func survivalSlightlyAboveOneIsClippedAndReported() throws {
        var curve = Self.curve
        curve.survival[1] = 1.02
        let arm = try reconstruct(curve)
        let repair = try #require(arm.report.repairs.first { $0.kind == .survivalClipped })
        #expect(repair.rows == [2])
        #expect(repair.description.contains("row 2"))
    }

    @Test func survivalFarAboveOneIsAnError() {
        var curve = Self.curve
        curve.survival[3] = 1.2
        #expect(throws: ReconstructionError.survivalAboveOne(row: 4, value: 1.2, scale: .proportion, tolerance: 0.05)) {
            try reconstruct(curve)
        }
        // Percentages given on the 0–1 scale: the message suggests the percent scale.
        let percents = DigitizedCurve(times: [0, 1, 2], survival: [100, 90, 80])
        do {
            _ = try reconstruct(percents)
            Issue.record("expected an error")
        } catch let error as ReconstructionError {
            #expect(error.description.contains("row 1") && error.description.contains("percent"))
        } catch { Issue.record("unexpected \(error)") }
        // On the percent scale, 103 % is a rounding slip, 106 % is not.
        let slip = DigitizedCurve(times: [0, 1, 2], survival: [103, 90, 80], scale: .percent)
        #expect((try? reconstruct(slip, PrintedRiskTable(times: [0], numberAtRisk: [10]))) != nil)
        let far = DigitizedCurve(times: [0, 1, 2], survival: [106, 90, 80], scale: .percent)
        #expect(throws: ReconstructionError.survivalAboveOne(row: 1, value: 106, scale: .percent, tolerance: 0.05)) {
            try reconstruct(far, PrintedRiskTable(times: [0], numberAtRisk: [10]))
        }
    }

    @Test func survivalBelowZero() throws {
        var curve = Self.curve
        curve.survival[9] = -0.01
        let arm = try reconstruct(curve)
        #expect(arm.report.repairs.contains { $0.kind == .survivalClipped && $0.rows == [10] })
        curve.survival[9] = -0.2
        #expect(throws: ReconstructionError.survivalBelowZero(row: 10, value: -0.2, scale: .proportion, tolerance: 0.05)) {
            try reconstruct(curve)
        }
    }

    @Test func tooFewClicks() {
        #expect(throws: ReconstructionError.tooFewClicks(count: 1)) {
            try reconstruct(DigitizedCurve(times: [0], survival: [1]))
        }
        #expect(throws: ReconstructionError.tooFewClicks(count: 0)) {
            try reconstruct(DigitizedCurve(times: [], survival: []))
        }
        #expect(ReconstructionError.tooFewClicks(count: 1).description.contains("at least 2"))
    }

    @Test func nonFiniteClicksNameTheRowAndColumn() {
        let curve = DigitizedCurve(times: [0, .nan, 2], survival: [1, 0.9, 0.8], rows: [2, 3, 4])
        #expect(throws: ReconstructionError.self) { try reconstruct(curve) }
        do {
            _ = try reconstruct(curve)
        } catch let error as ReconstructionError {
            guard case let .nonFiniteClick(row, column, _) = error else { Issue.record("got \(error)"); return }
            #expect(row == 3 && column == "time")
        } catch { Issue.record("unexpected \(error)") }
        let inf = DigitizedCurve(times: [0, 1, 2], survival: [1, .infinity, 0.8])
        #expect(throws: ReconstructionError.nonFiniteClick(row: 2, column: "survival", value: .infinity)) { try reconstruct(inf) }
        #expect(throws: ReconstructionError.curveLengthMismatch(times: 3, survival: 2, rows: nil)) {
            try reconstruct(DigitizedCurve(times: [0, 1, 2], survival: [1, 0.9]))
        }
    }

    @Test func totalEventsLargerThanPatientsIsAnError() {
        #expect(throws: ReconstructionError.totalEventsExceedPatients(events: 11, patients: 10)) { try reconstruct(total: 11) }
        #expect(throws: ReconstructionError.negativeTotalEvents(-1)) { try reconstruct(total: -1) }
        #expect(ReconstructionError.totalEventsExceedPatients(events: 11, patients: 10).description.contains("at most 10"))
    }

    @Test func negativeTimesAreSetToZeroAndReported() throws {
        var curve = Self.curve
        curve.times[0] = -0.5
        let arm = try reconstruct(curve)
        let repair = try #require(arm.report.repairs.first { $0.kind == .negativeTimeSetToZero })
        #expect(repair.rows == [1])
        #expect(arm.times.allSatisfy { $0 >= 0 })
    }

    @Test func clicksAfterTheLastRiskTimeFormTheLastInterval() throws {
        let table = PrintedRiskTable(times: [0, 3], numberAtRisk: [10, 8])
        let arm = try reconstruct(Self.curve, table, total: 4)
        let repair = try #require(arm.report.repairs.first { $0.kind == .clicksBeyondRiskTable })
        #expect(repair.rows == [6, 7, 8, 9, 10])
        #expect(arm.eventCount == 4)
        #expect(arm.times.max() == 9)
    }

    @Test func riskRowsAfterTheLastClickAreReportedOrExtrapolated() throws {
        let table = PrintedRiskTable(times: [0, 3, 6, 12, 15], numberAtRisk: [10, 8, 7, 3, 0])
        let plain = try reconstruct(Self.curve, table)
        let beyond = plain.report.repairs.filter { $0.kind == .riskRowBeyondCurve }
        #expect(beyond.map(\.rows) == [[4]])   // row 5 (0 at risk) is reproduced anyway
        #expect(beyond.first?.message.contains("printed 3 at risk, reconstructed 0") == true)
        #expect(plain.report.numbersAtRisk.filter(\.beyondCurve).count == 2)

        let extrapolated = try reconstruct(Self.curve, table, tail: .extrapolateCensoring)
        #expect(extrapolated.report.repairs.contains { $0.kind == .censoringExtrapolated && $0.rows == [4, 5] })
        #expect(extrapolated.report.numbersAtRisk.allSatisfy { $0.printed == $0.reconstructed })
        #expect(extrapolated.eventCount == plain.eventCount)
    }

    @Test func unsortedAndDuplicatedClicksAreRepairedNotDropped() throws {
        // Rows 4 and 5 swapped; three clicks at t = 4 (top, middle, bottom).
        let curve = DigitizedCurve(times: [0, 1, 1, 2, 2, 4, 4, 4, 7, 7, 9],
                                   survival: [1, 1, 0.9, 0.8, 0.9, 0.8, 0.75, 0.7, 0.7, 0.6, 0.6])
        let arm = try reconstruct(curve)
        let merged = try #require(arm.report.repairs.first { $0.kind == .duplicateTimeMerged })
        #expect(merged.rows == [7])
        #expect(arm.report.repairs.contains { $0.kind == .clicksSorted && $0.rows == [5] })
        #expect(arm.report.maxAbsDifference < 1e-12)
    }

    @Test func risesArePooledByIsotonicRegressionAndReported() throws {
        var curve = Self.curve
        curve.survival[5] = 0.82   // 0.8 → 0.82: a rise
        let arm = try reconstruct(curve)
        let repair = try #require(arm.report.repairs.first { $0.kind == .risePooled })
        #expect(repair.rows.contains(6))
        #expect(repair.message.contains("isotonic"))
        #expect(arm.patientCount == 10)
    }

    @Test func curveStartingBelowOneGetsAnAnchor() throws {
        let curve = DigitizedCurve(times: [0.5, 1, 1, 9], survival: [0.95, 0.95, 0.8, 0.8])
        let arm = try reconstruct(curve, PrintedRiskTable(times: [0], numberAtRisk: [20]), total: 4)
        let repair = try #require(arm.report.repairs.first { $0.kind == .anchorAdded })
        #expect(repair.rows == [1])
        #expect(arm.eventCount == 4)
    }

    @Test func curveAndTableThatDisagreeStillGiveTheTable() throws {
        // The table says nobody left before 6 months, the curve drops: the table wins, the
        // curve's misfit shows in the quality report.
        let table = PrintedRiskTable(times: [0, 6], numberAtRisk: [10, 10])
        let arm = try reconstruct(Self.curve, table)
        #expect(arm.report.numbersAtRiskMatched)
        #expect(arm.report.maxAbsDifference >= 0.2)
    }

    @Test func aTotalThatTheDropsCannotHoldIsReported() throws {
        // A flat curve has nowhere to put events.
        let flat = DigitizedCurve(times: [0, 5], survival: [1, 1])
        let arm = try reconstruct(flat, PrintedRiskTable(times: [0], numberAtRisk: [10]), total: 3)
        #expect(arm.eventCount == 0)
        #expect(arm.report.totalEventsMatched == false)
        #expect(arm.report.repairs.contains { $0.kind == .totalEventsNotMatched })
    }

    @Test func patientsOnlyVariant() throws {
        let arm = try IPDReconstruction().reconstruct(curve: Self.curve, patients: 10, totalEvents: 4)
        #expect(arm.patientCount == 10 && arm.eventCount == 4)
        let free = try IPDReconstruction().reconstruct(curve: Self.curve, patients: 10)
        #expect(free.patientCount == 10 && free.eventCount <= 4)
    }
}
