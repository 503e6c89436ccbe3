import Foundation
import MetaAnalysis
import StatNumerics

/// Everything `survmeta subgroup` shows: per-subgroup results, the test for subgroup differences and
/// the mixed-effects moderator test.
public struct SubgroupReport: Sendable {
    public var result: SubgroupAnalysisResult
    /// The grouping column.
    public var by: String
    public var estimator: TauSquaredEstimator
    public var test: InferenceTest
    public var level: Double
    public var notes: [String]

    public init(result: SubgroupAnalysisResult, by: String, estimator: TauSquaredEstimator, test: InferenceTest,
                level: Double, notes: [String] = []) {
        self.result = result
        self.by = by
        self.estimator = estimator
        self.test = test
        self.level = level
        self.notes = notes
    }

    public func json() -> [(String, JSONValue)] {
        let groups: [JSONValue] = result.groups.map { g in
            .object([
                ("group", .string(g.group)), ("k", .integer(g.k)), ("estimate", .num(g.estimate)), ("se", .num(g.standardError)),
                ("ci_low", .num(g.ciLow)), ("ci_high", .num(g.ciHigh)), ("tau2", .num(g.tau2)), ("i2", .num(g.i2)),
                ("q", .num(g.q)), ("stat", .num(g.statistic)), ("p", .num(g.pValue)), ("df", .int(g.degreesOfFreedom)),
                ("h2", .num(g.h2)), ("q_df", .integer(g.qDF)), ("q_p", .num(g.qP)),
                ("warnings", .array(g.warnings.map(JSONValue.string))),
            ])
        }
        var fields: [(String, JSONValue)] = [
            ("groups", .array(groups)),
            ("q_between", .num(result.qBetween)), ("q_between_df", .integer(result.qBetweenDF)),
            ("q_between_p", .num(result.qBetweenP)),
            ("by", .string(by)), ("k", .integer(result.groups.reduce(0) { $0 + $1.k })),
            ("method", .string(estimator.rawValue)), ("test", .string(test.rawValue)), ("level", .number(level)),
            ("common_tau2", .num(result.commonTau2)),
        ]
        if let mod = result.moderatorTest {
            let m = mod.model
            fields.append(("moderator_test", .object([
                ("qm", .num(m.qm)), ("qm_df", .integer(m.qmDF)), ("qm_df2", .int(m.qmDF2)), ("qm_p", .num(m.qmP)),
                ("qe", .num(m.qe)), ("qe_df", .integer(m.qeDF)), ("qe_p", .num(m.qeP)),
                ("tau2", .num(m.tau2)), ("i2", .num(m.i2)), ("r2", .num(mod.r2)),
                ("coefficients", .array(m.coefficients.map { c in
                    .object([("name", .string(c.name)), ("estimate", .num(c.estimate)), ("se", .num(c.standardError)),
                             ("stat", .num(c.statistic)), ("p", .num(c.pValue)), ("ci_low", .num(c.ciLow)), ("ci_high", .num(c.ciHigh))])
                })),
            ])))
        } else {
            fields.append(("moderator_test", .null))
        }
        fields.append(("warnings", .array(result.warnings.map(JSONValue.string))))
        fields.append(("notes", .array(notes.map(JSONValue.string))))
        return fields
    }

    private func groupTable(full: Bool) -> TextTable {
        let header = ["\(by)", "k", "estimate", "se", "ci.lb", "ci.ub", "pval", "tau^2", "I^2(%)", "Q", "p(Q)"]
        let rows = result.groups.map { g in
            [g.group, String(g.k), full ? NumberFormat.full(g.estimate) : NumberFormat.fixed(g.estimate),
             NumberFormat.fixed(g.standardError), NumberFormat.fixed(g.ciLow), NumberFormat.fixed(g.ciHigh),
             NumberFormat.pValue(g.pValue), NumberFormat.fixed(g.tau2), NumberFormat.fixed(g.i2, 2),
             NumberFormat.fixed(g.q), NumberFormat.pValue(g.qP)]
        }
        return TextTable(header: header, rows: rows)
    }

    public func table() -> String {
        var out = "Subgroup analysis by \(by) (\(result.commonTau2 == nil ? "separate tau^2 per subgroup" : "common tau^2"); tau^2 estimator: \(estimator.rawValue); test: \(test.rawValue))\n\n"
        out += groupTable(full: false).plainText()
        if let tau2 = result.commonTau2 { out += "\nCommon tau^2: \(NumberFormat.fixed(tau2))\n" }
        out += "\nTest for subgroup differences (equal-effects, across subgroup estimates):\n"
        out += "Q_between(df = \(result.qBetweenDF)) = \(NumberFormat.fixed(result.qBetween)), p-val = \(NumberFormat.pValue(result.qBetweenP))\n"
        if let mod = result.moderatorTest {
            let m = mod.model
            out += "\nMixed-effects moderator test (reference: \(result.groups.first?.group ?? "")):\n"
            if let df2 = m.qmDF2 {
                out += "F(df1 = \(m.qmDF), df2 = \(df2)) = \(NumberFormat.fixed(m.qm)), p-val = \(NumberFormat.pValue(m.qmP))"
            } else {
                out += "QM(df = \(m.qmDF)) = \(NumberFormat.fixed(m.qm)), p-val = \(NumberFormat.pValue(m.qmP))"
            }
            out += "; residual tau^2 = \(NumberFormat.fixed(m.tau2)); R^2 = \(NumberFormat.fixed(mod.r2, 2))%\n"
        }
        for w in result.warnings { out += "\nWarning: \(w)\n" }
        for n in notes { out += "\nNote: \(n)\n" }
        return out
    }

    public func markdown() -> String {
        var out = groupTable(full: false).markdown()
        out += "\nQ_between(df = \(result.qBetweenDF)) = \(NumberFormat.fixed(result.qBetween)), p = \(NumberFormat.pValue(result.qBetweenP))\n"
        if let m = result.moderatorTest?.model {
            out += "\nModerator test: QM(df = \(m.qmDF)) = \(NumberFormat.fixed(m.qm)), p = \(NumberFormat.pValue(m.qmP))\n"
        }
        return out
    }

    /// One row per subgroup (full precision), for forest plots by subgroup.
    public func csv() -> String {
        let header = ["group", "k", "estimate", "se", "stat", "p", "ci_low", "ci_high", "tau2", "i2", "h2", "q", "q_df", "q_p"]
        let rows = result.groups.map { g in
            [g.group, String(g.k), NumberFormat.full(g.estimate), NumberFormat.full(g.standardError), NumberFormat.full(g.statistic),
             NumberFormat.full(g.pValue), NumberFormat.full(g.ciLow), NumberFormat.full(g.ciHigh), NumberFormat.full(g.tau2),
             NumberFormat.full(g.i2), NumberFormat.full(g.h2), NumberFormat.full(g.q), String(g.qDF), NumberFormat.full(g.qP)]
        }
        return TextTable(header: header, rows: rows).csv()
    }
}
