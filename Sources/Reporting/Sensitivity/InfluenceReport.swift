import Foundation
import MetaAnalysis
import StatNumerics

/// `survmeta influence`: metafor's `influence()` table (plus DFBETAS and the Baujat coordinates) as
/// JSON, a table, Markdown or CSV.
public struct InfluenceReport: Sendable {
    public var result: InfluenceResult
    public var notes: [String]

    public init(result: InfluenceResult, notes: [String] = []) {
        self.result = result
        self.notes = notes
    }

    public func json() -> [(String, JSONValue)] {
        let m = result.full
        let rows: [JSONValue] = result.rows.map { r in
            .object([
                ("study", .string(r.study)), ("rstudent", .num(r.rstudent)), ("dffits", .num(r.dffits)),
                ("cook_d", .num(r.cookD)), ("cov_r", .num(r.covRatio)), ("tau2_del", .num(r.tau2Deleted)),
                ("qe_del", .num(r.qeDeleted)), ("hat", .num(r.hat)), ("weight", .num(r.weight)),
                ("influential", .bool(r.influential)),
                ("dfbetas", .object(zip(result.names, r.dfbetas).map { ($0, .num($1)) })),
                ("baujat_x", .num(r.baujatX)), ("baujat_y", .num(r.baujatY)),
            ])
        }
        return [
            ("rows", .array(rows)),
            ("k", .integer(result.k)), ("p", .integer(result.p)),
            ("method", .string(m.estimator.rawValue)), ("test", .string(m.test.rawValue)),
            ("coefficients", .array(result.names.map(JSONValue.string))),
            ("rule", .string("influential: |dffits| > 3*sqrt(p/(k-p)), pchisq(cook_d, p) > 0.5, hat > 3p/k, or any |dfbetas| > 1 (metafor)")),
            ("warnings", .array(result.warnings.map(JSONValue.string))),
            ("notes", .array(notes.map(JSONValue.string))),
        ]
    }

    private func textTable(full: Bool) -> TextTable {
        let f: (Double?) -> String = full ? NumberFormat.full : { NumberFormat.fixed($0) }
        var header = ["study", "rstudent", "dffits", "cook.d", "cov.r", "tau2.del", "QE.del", "hat", "weight"]
        header += result.names.map { "dfbs." + $0 }
        header.append("inf")
        let rows = result.rows.map { r in
            [r.study, f(r.rstudent), f(r.dffits), f(r.cookD), f(r.covRatio), f(r.tau2Deleted), f(r.qeDeleted), f(r.hat),
             full ? NumberFormat.full(r.weight) : NumberFormat.fixed(r.weight, 2)]
                + r.dfbetas.map(f) + [r.influential ? "*" : ""]
        }
        return TextTable(header: header, rows: rows)
    }

    public func table() -> String {
        let m = result.full
        var out = "Influence diagnostics (k = \(result.k), p = \(result.p); tau^2 estimator: \(m.estimator.rawValue); test: \(m.test.rawValue))\n\n"
        out += textTable(full: false).plainText()
        out += "\n* influential by metafor's rule: |dffits| > 3*sqrt(p/(k-p)), P(chi2_p <= cook.d) > 0.5, hat > 3p/k, or any |dfbetas| > 1\n"
        for w in result.warnings { out += "\nWarning: \(w)\n" }
        for n in notes { out += "\nNote: \(n)\n" }
        return out
    }

    public func markdown() -> String { textTable(full: false).markdown() }

    /// One row per study, full precision, with the Baujat coordinates.
    public func csv() -> String {
        var header = ["study", "rstudent", "dffits", "cook_d", "cov_r", "tau2_del", "qe_del", "hat", "weight"]
        header += result.names.map { "dfbetas_" + $0 }
        header += ["influential", "baujat_x", "baujat_y"]
        let rows = result.rows.map { r in
            [r.study, NumberFormat.full(r.rstudent), NumberFormat.full(r.dffits), NumberFormat.full(r.cookD),
             NumberFormat.full(r.covRatio), NumberFormat.full(r.tau2Deleted), NumberFormat.full(r.qeDeleted),
             NumberFormat.full(r.hat), NumberFormat.full(r.weight)]
                + r.dfbetas.map(NumberFormat.full)
                + [r.influential ? "TRUE" : "FALSE", NumberFormat.full(r.baujatX), NumberFormat.full(r.baujatY)]
        }
        return TextTable(header: header, rows: rows).csv()
    }
}
