import Foundation
import MetaAnalysis
import StatNumerics

/// `survmeta loo` and `survmeta cumulative`: one row per refit (the contract's `rows` fields), as
/// JSON, a metafor-like table, Markdown or CSV.
public struct SensitivityReport: Sendable {
    public enum Kind: String, Sendable {
        case leaveOneOut = "leave-one-out"
        case cumulative
    }

    public var kind: Kind
    public var rows: [SensitivityRow]
    public var estimator: TauSquaredEstimator
    public var test: InferenceTest
    public var level: Double
    /// The full-data fit (leave-one-out), shown for reference.
    public var full: MixedEffectsFit?
    /// Cumulative: the column the studies were sorted by (nil: input order).
    public var orderBy: String?
    public var notes: [String]

    public init(kind: Kind, rows: [SensitivityRow], estimator: TauSquaredEstimator, test: InferenceTest, level: Double,
                full: MixedEffectsFit? = nil, orderBy: String? = nil, notes: [String] = []) {
        self.kind = kind
        self.rows = rows
        self.estimator = estimator
        self.test = test
        self.level = level
        self.full = full
        self.orderBy = orderBy
        self.notes = notes
    }

    public func json() -> [(String, JSONValue)] {
        let items: [JSONValue] = rows.map { r in
            .object([
                ("study", .string(r.study)), ("estimate", .num(r.estimate)), ("se", .num(r.standardError)),
                ("stat", .num(r.statistic)), ("p", .num(r.pValue)), ("ci_low", .num(r.ciLow)), ("ci_high", .num(r.ciHigh)),
                ("q", .num(r.q)), ("q_p", .num(r.qP)), ("tau2", .num(r.tau2)), ("i2", .num(r.i2)), ("h2", .num(r.h2)),
                ("k", .integer(r.k)), ("df", .int(r.degreesOfFreedom)),
                ("notes", .array(r.notes.map(JSONValue.string))),
            ])
        }
        var fields: [(String, JSONValue)] = [
            ("rows", .array(items)),
            ("analysis", .string(kind.rawValue)),
            ("k", .integer(rows.count)),
            ("method", .string(estimator.rawValue)), ("test", .string(test.rawValue)), ("level", .number(level)),
        ]
        if kind == .cumulative { fields.append(("order_by", .str(orderBy))) }
        if let full {
            let c = full.coefficients[0]
            fields.append(("full", .object([
                ("estimate", .num(c.estimate)), ("se", .num(c.standardError)), ("ci_low", .num(c.ciLow)),
                ("ci_high", .num(c.ciHigh)), ("tau2", .num(full.tau2)), ("i2", .num(full.i2)), ("q", .num(full.qe)),
            ])))
        }
        fields.append(("notes", .array(notes.map(JSONValue.string))))
        return fields
    }

    private func textTable(full precision: Bool) -> TextTable {
        let f: (Double?) -> String = precision ? NumberFormat.full : { NumberFormat.fixed($0) }
        let statName = test == .z ? "zval" : "tval"
        let header = [kind == .cumulative ? "added" : "left out", "estimate", "se", statName, "pval", "ci.lb", "ci.ub", "Q", "Qp", "tau2", "I2", "H2"]
        let body = rows.map { r in
            [r.study, f(r.estimate), f(r.standardError), f(r.statistic), NumberFormat.pValue(r.pValue), f(r.ciLow), f(r.ciHigh),
             f(r.q), NumberFormat.pValue(r.qP), f(r.tau2), NumberFormat.fixed(r.i2, 2), NumberFormat.fixed(r.h2, 2)]
        }
        return TextTable(header: header, rows: body)
    }

    public func table() -> String {
        var out: String
        switch kind {
        case .leaveOneOut:
            out = "Leave-one-out analysis (k = \(rows.count); tau^2 estimator: \(estimator.rawValue); test: \(test.rawValue))\n"
        case .cumulative:
            out = "Cumulative meta-analysis (\(orderBy.map { "ordered by \($0)" } ?? "input order"); tau^2 estimator: \(estimator.rawValue); test: \(test.rawValue))\n"
        }
        if let full {
            let c = full.coefficients[0]
            out += "All studies: estimate \(NumberFormat.fixed(c.estimate)) [\(NumberFormat.fixed(c.ciLow)), \(NumberFormat.fixed(c.ciHigh))], tau^2 \(NumberFormat.fixed(full.tau2)), I^2 \(NumberFormat.fixed(full.i2, 2))%\n"
        }
        out += "\n" + textTable(full: false).plainText()
        for r in rows { for n in r.notes where n.contains("failed") { out += "\nNote (\(r.study)): \(n)\n" } }
        for n in notes { out += "\nNote: \(n)\n" }
        return out
    }

    public func markdown() -> String { textTable(full: false).markdown() }

    /// One row per refit, full precision (the contract's row fields plus k and df).
    public func csv() -> String {
        let header = ["study", "k", "estimate", "se", "stat", "p", "ci_low", "ci_high", "q", "q_p", "tau2", "i2", "h2"]
        let body = rows.map { r in
            [r.study, String(r.k), NumberFormat.full(r.estimate), NumberFormat.full(r.standardError), NumberFormat.full(r.statistic),
             NumberFormat.full(r.pValue), NumberFormat.full(r.ciLow), NumberFormat.full(r.ciHigh), NumberFormat.full(r.q),
             NumberFormat.full(r.qP), NumberFormat.full(r.tau2), NumberFormat.full(r.i2), NumberFormat.full(r.h2)]
        }
        return TextTable(header: header, rows: body).csv()
    }
}
