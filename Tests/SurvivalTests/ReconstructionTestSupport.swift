import Foundation
import StatNumerics
import Survival
import TestSupport

/// Loading the shared digitized curves (`shared/data/km-digitized/`) for the reconstruction tests.
enum DigitizedData {
    static var folder: URL { sharedDirectory().appendingPathComponent("data/km-digitized") }

    /// Clicks of a `time,survival` file; rows are CSV lines (header = line 1).
    static func curve(_ path: String, scale: SurvivalScale) throws -> DigitizedCurve {
        let table = try FixtureTable(contentsOf: folder.appendingPathComponent(path))
        let n = table.rows.count
        return DigitizedCurve(times: (0..<n).map { table.double($0, "time")! },
                              survival: (0..<n).map { table.double($0, "survival")! },
                              scale: scale, rows: (0..<n).map { $0 + 2 })
    }

    /// A `time,nrisk` file.
    static func riskTable(_ path: String) throws -> PrintedRiskTable {
        let table = try FixtureTable(contentsOf: folder.appendingPathComponent(path))
        let n = table.rows.count
        return PrintedRiskTable(times: (0..<n).map { table.double($0, "time")! },
                                numberAtRisk: (0..<n).map { Int(table.double($0, "nrisk")!) },
                                rows: (0..<n).map { $0 + 2 })
    }
}

/// Two reconstructed arms as one `SurvivalData` with group labels (control first in sorted order
/// when labelled so).
func combine(_ arms: [ReconstructedArm], labels: [String]) throws -> SurvivalData {
    var times: [Double] = []
    var events: [Bool] = []
    var groups: [String] = []
    for (arm, label) in zip(arms, labels) {
        times += arm.times
        events += arm.events
        groups += Array(repeating: label, count: arm.times.count)
    }
    return try SurvivalData(times: times, eventFlags: events, groups: groups)
}
