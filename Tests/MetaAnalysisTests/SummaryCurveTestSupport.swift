import Foundation
import MetaAnalysis
import TestSupport

/// Shared fixtures of the summary-curve suites: the hepatology rows of RISCA 1.0.7
/// (`shared/data/summary-curves/hepatology.csv`) and RISCA's output for them
/// (`expected_hepatology.json`, see that folder's README for how it was made).
enum SummaryCurveFixtures {
    static var folder: URL { sharedDirectory().appendingPathComponent("data/summary-curves") }

    /// The 317 rows, with `location` as the stratum and the CSV line (header = 1) as `line`.
    static func hepatologyRows(maxTime: Double = .infinity) throws -> [SummaryCurveRow] {
        let table = try FixtureTable(contentsOf: folder.appendingPathComponent("hepatology.csv"))
        var rows: [SummaryCurveRow] = []
        for r in table.rows.indices {
            let record = table.record(r)
            let time = table.double(r, "time")!
            if time > maxTime { continue }
            rows.append(SummaryCurveRow(study: record["study"]!, time: time, surv: table.double(r, "surv")!,
                                        n: table.double(r, "n")!, stratum: record["location"], line: r + 2))
        }
        return rows
    }

    /// `expected_hepatology.json` as nested dictionaries.
    static func expected() throws -> JSON {
        let data = try Data(contentsOf: folder.appendingPathComponent("expected_hepatology.json"))
        return JSON(try JSONSerialization.jsonObject(with: data))
    }
}

/// A minimal read-only view of parsed JSON for fixtures.
struct JSON {
    let value: Any?
    init(_ value: Any?) { self.value = value }
    subscript(_ key: String) -> JSON { JSON((value as? [String: Any])?[key]) }
    subscript(_ index: Int) -> JSON { JSON((value as? [Any]).flatMap { index < $0.count ? $0[index] : nil }) }
    var double: Double? { (value as? NSNumber)?.doubleValue }
    var int: Int? { (value as? NSNumber)?.intValue }
    var bool: Bool? { (value as? NSNumber)?.boolValue }
    var doubles: [Double] { (value as? [Any])?.map { ($0 as? NSNumber)?.doubleValue ?? .nan } ?? [] }
    var optionalDoubles: [Double?] { (value as? [Any])?.map { ($0 as? NSNumber)?.doubleValue } ?? [] }
    var matrix: [[Double]] { (value as? [Any])?.map { JSON($0).doubles } ?? [] }
    var isNull: Bool { value == nil || value is NSNull }
}

/// The largest relative error between two equally long arrays (∞ when the lengths differ).
func maxRelativeError(_ a: [Double], _ b: [Double]) -> Double {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).map { relativeError($0, $1) }.max() ?? 0
}
