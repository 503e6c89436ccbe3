import Foundation
import Testing
import StatNumerics
import Survival
import TestSupport

// Fixtures are written by Fixtures/survival_fixtures.R (R 4.2.2, survival 3.5-3); see its header
// for the exact calls. Tests never need R.

/// The rows of one fixture CSV as dictionaries, loaded once.
struct SurvivalFixture: Sendable {
    let rows: [[String: String]]

    init(_ file: String) {
        do {
            let table = try FixtureTable(contentsOf: fixturesDirectory().appendingPathComponent(file))
            rows = (0..<table.rows.count).map { table.record($0) }
        } catch {
            Issue.record("cannot read fixture \(file): \(error)")
            rows = []
        }
    }

    /// Rows grouped by the values of the given key columns, in file order.
    func grouped(by keys: [String]) -> [(key: [String], rows: [[String: String]])] {
        var order: [[String]] = []
        var groups: [[String]: [[String: String]]] = [:]
        for row in rows {
            let key = keys.map { row[$0] ?? "" }
            if groups[key] == nil { order.append(key) }
            groups[key, default: []].append(row)
        }
        return order.map { ($0, groups[$0]!) }
    }
}

extension Dictionary where Key == String, Value == String {
    /// The number in a column; nil for R's NA.
    func number(_ column: String) -> Double? { self[column].flatMap(FixtureTable.number) }
    func integer(_ column: String) -> Int? { self[column].flatMap { Int($0) } }
}

/// A data set of the fixtures (data_<name>.csv): time, event, group, optional stratum, covariates.
struct FixtureDataset: Sendable {
    let name: String
    let times: [Double]
    let events: [Int]
    let groups: [String]
    let strata: [String]?
    let numericColumns: [String: [Double]]

    init(_ name: String) {
        let table = SurvivalFixture("data_\(name).csv")
        self.name = name
        times = table.rows.map { $0.number("time")! }
        events = table.rows.map { Int($0.number("event")!) }
        groups = table.rows.map { $0["group"]! }
        strata = table.rows.first?["stratum"] == nil ? nil : table.rows.map { $0["stratum"]! }
        var columns: [String: [Double]] = [:]
        for key in (table.rows.first.map { Array($0.keys) } ?? []) where !["time", "event", "group", "stratum"].contains(key) {
            columns[key] = table.rows.map { $0.number(key)! }
        }
        numericColumns = columns
    }

    /// The subjects of one group, or all of them for the label "(all)".
    func subset(_ group: String) -> (times: [Double], events: [Int]) {
        guard group != "(all)" else { return (times, events) }
        let idx = groups.indices.filter { groups[$0] == group }
        return (idx.map { times[$0] }, idx.map { events[$0] })
    }

    func survivalData(useGroup: Bool = true, stratified: Bool = false, covariates: [String] = []) throws -> SurvivalData {
        try SurvivalData(times: times, events: events, groups: useGroup ? groups : nil,
                         strata: stratified ? strata : nil,
                         covariates: covariates.map { SurvivalData.Covariate(name: $0, values: numericColumns[$0]!) })
    }
}

/// `actual` matches the R reference `expected` to `rel` relative error (absolute 1e-10 when the
/// reference is 0); nil (R's NA) matches only nil.
func expectClose(_ actual: Double?, _ expected: Double?, rel: Double, _ what: @autoclosure () -> String,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    let ok: Bool
    switch (actual, expected) {
    case (nil, nil): ok = true
    case let (a?, e?): ok = e == 0 ? abs(a) <= 1e-10 : isClose(a, e, rel: rel)
    default: ok = false
    }
    #expect(ok, "\(what()): got \(actual.map { "\($0)" } ?? "nil"), R has \(expected.map { "\($0)" } ?? "NA")",
            sourceLocation: sourceLocation)
}
