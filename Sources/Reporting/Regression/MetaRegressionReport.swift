import Foundation
import MetaAnalysis
import StatNumerics

/// Everything `survmeta metareg` shows: the contract's JSON fields, a metafor-like printout,
/// Markdown and CSV (one row per coefficient).
public struct MetaRegressionReport: Sendable {
    public var fit: MetaRegressionFit
    /// The permutation test, when asked for.
    public var permutation: PermutationTestResult?
    /// How each moderator column was coded (`name`, `continuous` or `categorical: levels`).
    public var variables: [(column: String, coding: String)]
    /// Studies left out (missing moderators) and other analysis-level notes.
    public var notes: [String]

    public init(fit: MetaRegressionFit, permutation: PermutationTestResult? = nil,
                variables: [(column: String, coding: String)] = [], notes: [String] = []) {
        self.fit = fit
        self.permutation = permutation
        self.variables = variables
        self.notes = notes
    }

    private var m: MixedEffectsFit { fit.model }

    // MARK: JSON

    /// The contract's `metareg` fields in its order, then SurvMeta's additions.
    public func json() -> [(String, JSONValue)] {
        var coefficients: [JSONValue] = []
        for (j, c) in m.coefficients.enumerated() {
            var row: [(String, JSONValue)] = [
                ("name", .string(c.name)), ("estimate", .num(c.estimate)), ("se", .num(c.standardError)),
                ("stat", .num(c.statistic)), ("p", .num(c.pValue)), ("ci_low", .num(c.ciLow)), ("ci_high", .num(c.ciHigh)),
            ]
            if let permutation { row.append(("p_perm", .num(permutation.coefficientPValues[j]))) }
            coefficients.append(.object(row))
        }
        var fields: [(String, JSONValue)] = [
            ("coefficients", .array(coefficients)),
            ("qm", .num(m.qm)), ("qm_df", .integer(m.qmDF)), ("qm_p", .num(m.qmP)),
            ("qe", .num(m.qe)), ("qe_df", .integer(m.qeDF)), ("qe_p", .num(m.qeP)),
            ("tau2", .num(m.tau2)), ("i2", .num(m.i2)), ("h2", .num(m.h2)), ("r2", .num(fit.r2)),
            ("k", .integer(m.k)), ("method", .string(m.estimator.rawValue)), ("test", .string(m.test.rawValue)),
            ("level", .number(m.level)),
            ("qm_df2", .int(m.qmDF2)), ("df", .int(m.degreesOfFreedom)),
            ("tau2_se", .num(m.tau2StandardError)), ("tau", .num(m.tau)),
            ("convergence", .object([
                ("converged", .bool(m.convergence.converged)),
                ("iterations", .integer(m.convergence.iterations)),
            ])),
            ("moderators", .array(variables.map { .object([("column", .string($0.column)), ("coding", .string($0.coding))]) })),
        ]
        if let permutation {
            fields.append(("permutation", .object([
                ("exact", .bool(permutation.exact)),
                ("permutations", .integer(permutation.permutations)),
                ("seed", permutation.seed.map { .string(String($0)) } ?? .null),
                ("failed_fits", .integer(permutation.failedFits)),
                ("qm_p", .num(permutation.qmPValue)),
                ("p", .array(permutation.coefficientPValues.map { .num($0) })),
            ])))
        }
        fields.append(("warnings", .array((fit.warnings + (permutation?.warnings ?? [])).map(JSONValue.string))))
        fields.append(("notes", .array(notes.map(JSONValue.string))))
        return fields
    }

    // MARK: Table

    public func table() -> String {
        var out = ""
        let kind = m.estimator.isEqualEffects ? "Equal-Effects" : "Mixed-Effects"
        out += "\(kind) Model (k = \(m.k); tau^2 estimator: \(m.estimator.rawValue); test: \(m.test.rawValue))\n\n"
        if !m.estimator.isEqualEffects {
            out += "tau^2 (estimated amount of residual heterogeneity):     \(NumberFormat.fixed(m.tau2)) (SE = \(NumberFormat.fixed(m.tau2StandardError)))\n"
            out += "tau (square root of estimated tau^2 value):             \(NumberFormat.fixed(m.tau))\n"
        }
        out += "I^2 (residual heterogeneity / unaccounted variability): \(NumberFormat.fixed(m.i2, 2))%\n"
        out += "H^2 (unaccounted variability / sampling variability):   \(NumberFormat.fixed(m.h2, 2))\n"
        if let r2 = fit.r2 { out += "R^2 (amount of heterogeneity accounted for):            \(NumberFormat.fixed(r2, 2))%\n" }
        out += "\nTest for Residual Heterogeneity:\nQE(df = \(m.qeDF)) = \(NumberFormat.fixed(m.qe)), p-val = \(NumberFormat.pValue(m.qeP))\n\n"
        let tested = m.testedCoefficients.map { String($0 + 1) }.joined(separator: ",")
        if let df2 = m.qmDF2 {
            out += "Test of Moderators (coefficients \(tested)):\nF(df1 = \(m.qmDF), df2 = \(df2)) = \(NumberFormat.fixed(m.qm)), p-val = \(NumberFormat.pValue(m.qmP))\n"
        } else {
            out += "Test of Moderators (coefficients \(tested)):\nQM(df = \(m.qmDF)) = \(NumberFormat.fixed(m.qm)), p-val = \(NumberFormat.pValue(m.qmP))\n"
        }
        if let permutation {
            out += "Permutation test (\(permutation.exact ? "exact" : "approximate"), \(permutation.permutations) permutations\(permutation.seed.map { ", seed \($0)" } ?? "")): p-val = \(NumberFormat.pValue(permutation.qmPValue))\n"
        }
        out += "\nModel Results:\n\n" + coefficientTable().plainText()
        for w in fit.warnings + (permutation?.warnings ?? []) { out += "\nWarning: \(w)\n" }
        for n in notes { out += "\nNote: \(n)\n" }
        return out
    }

    private func coefficientTable() -> TextTable {
        let statName = m.degreesOfFreedom == nil ? "zval" : "tval"
        var header = ["", "estimate", "se", statName]
        if m.degreesOfFreedom != nil { header.append("df") }
        header += ["pval", "ci.lb", "ci.ub"]
        if permutation != nil { header.append("pval (perm)") }
        let rows: [[String]] = m.coefficients.enumerated().map { j, c in
            var r = [c.name, NumberFormat.fixed(c.estimate), NumberFormat.fixed(c.standardError), NumberFormat.fixed(c.statistic)]
            if let df = m.degreesOfFreedom { r.append(String(df)) }
            r += [NumberFormat.pValue(c.pValue), NumberFormat.fixed(c.ciLow), NumberFormat.fixed(c.ciHigh)]
            if let permutation { r.append(NumberFormat.pValue(permutation.coefficientPValues[j])) }
            return r
        }
        return TextTable(header: header, rows: rows)
    }

    public func markdown() -> String {
        var rows: [[String]] = [
            ["k", String(m.k)], ["method", m.estimator.rawValue], ["test", m.test.rawValue],
            ["tau^2 (residual)", NumberFormat.fixed(m.tau2)], ["I^2 (%)", NumberFormat.fixed(m.i2, 2)],
            ["R^2 (%)", NumberFormat.fixed(fit.r2, 2)],
            ["QE (df)", "\(NumberFormat.fixed(m.qe)) (\(m.qeDF)), p = \(NumberFormat.pValue(m.qeP))"],
            ["QM (df)", "\(NumberFormat.fixed(m.qm)) (\(m.qmDF)\(m.qmDF2.map { ", \($0)" } ?? "")), p = \(NumberFormat.pValue(m.qmP))"],
        ]
        if let permutation { rows.append(["QM permutation p", NumberFormat.pValue(permutation.qmPValue)]) }
        return TextTable(header: ["quantity", "value"], rows: rows, alignments: [.left, .left]).markdown()
            + "\n" + coefficientTable().markdown()
    }

    /// One row per coefficient, full precision.
    public func csv() -> String {
        var header = ["name", "estimate", "se", "stat", "p", "ci_low", "ci_high"]
        if permutation != nil { header.append("p_perm") }
        let rows: [[String]] = m.coefficients.enumerated().map { j, c in
            var r = [c.name, NumberFormat.full(c.estimate), NumberFormat.full(c.standardError), NumberFormat.full(c.statistic),
                     NumberFormat.full(c.pValue), NumberFormat.full(c.ciLow), NumberFormat.full(c.ciHigh)]
            if let permutation { r.append(NumberFormat.full(permutation.coefficientPValues[j])) }
            return r
        }
        return TextTable(header: header, rows: rows).csv()
    }
}
