import Foundation
import StatNumerics
import Survival

/// Everything `survmeta cox` shows, built from a `CoxFit`: JSON with the contract's fields, a
/// printout like R's `print(coxph)` / `summary(coxph)`, Markdown, and plot-ready (forest) CSV with
/// one row per coefficient.
///
/// The contract's top-level fields (`hr`, `hr_ci_low`, `hr_ci_high`, `loghr`, `se`, `p_wald`) are
/// those of the first coefficient: the first non-reference level of the group against the
/// reference (named in `term`). `lr_chisq` and `score_chisq` are the global tests of the model.
public struct CoxReport: Sendable {
    public var fit: CoxFit
    /// The group column, as written in the input header.
    public var groupColumn: String?
    /// The stratum column, as written in the input header, when the model is stratified.
    public var stratumColumn: String?

    public init(fit: CoxFit, groupColumn: String? = nil, stratumColumn: String? = nil) {
        self.fit = fit
        self.groupColumn = groupColumn
        self.stratumColumn = stratumColumn
    }

    private var first: CoxCoefficient? { fit.coefficients.first }

    // MARK: JSON

    private func test(_ t: SurvivalChiSquareTest) -> JSONValue {
        .object([("chisq", .num(t.statistic)), ("df", .integer(t.degreesOfFreedom)), ("p", .num(t.pValue))])
    }

    /// The contract's `cox` fields in its order, then SurvMeta's additions: the term and z of the
    /// first coefficient, the model (reference, levels, ties, strata), convergence, log partial
    /// likelihoods, the three global tests with their p-values, every coefficient, and warnings.
    public func json() -> [(String, JSONValue)] {
        let c = first
        return [
            ("hr", .num(c?.hazardRatio)),
            ("hr_ci_low", .num(c?.lower)),
            ("hr_ci_high", .num(c?.upper)),
            ("loghr", .num(c?.estimate)),
            ("se", .num(c?.standardError)),
            ("p_wald", .num(c?.pValue)),
            ("lr_chisq", .num(fit.likelihoodRatioTest.statistic)),
            ("score_chisq", .num(fit.scoreTest.statistic)),
            ("term", .str(c?.name)),
            ("z", .num(c?.z)),
            ("group_column", .str(groupColumn)),
            ("reference", .str(fit.reference)),
            ("levels", .array(fit.groupLevels.map(JSONValue.string))),
            ("strata_column", .str(stratumColumn)),
            ("ties", .string(fit.ties.rawValue)),
            ("level", .number(fit.level)),
            ("n", .integer(fit.subjects)),
            ("events", .integer(fit.events)),
            ("iterations", .integer(fit.iterations)),
            ("converged", .bool(fit.converged)),
            ("loglik_null", .num(fit.initialLogLikelihood)),
            ("loglik", .num(fit.finalLogLikelihood)),
            ("tests", .object([
                ("likelihood_ratio", test(fit.likelihoodRatioTest)),
                ("wald", test(fit.waldTest)),
                ("score", test(fit.scoreTest)),
            ])),
            ("coefficients", .array(fit.coefficients.map { k in
                .object([
                    ("name", .string(k.name)),
                    ("loghr", .num(k.estimate)),
                    ("se", .num(k.standardError)),
                    ("z", .num(k.z)),
                    ("p", .num(k.pValue)),
                    ("hr", .num(k.hazardRatio)),
                    ("hr_ci_low", .num(k.lower)),
                    ("hr_ci_high", .num(k.upper)),
                ])
            })),
            ("warnings", .array(fit.warnings.map(JSONValue.string))),
        ]
    }

    // MARK: Table (R-like)

    private var heading: String {
        var text = "Cox proportional-hazards model (ties: \(fit.ties.rawValue)"
        if let ref = fit.reference {
            text += "; reference \(groupColumn ?? "group") = \(ref)"
        }
        if let stratumColumn { text += "; stratified by \(stratumColumn)" }
        return text + ")"
    }

    /// `summary(coxph)`'s two coefficient tables merged: coef, exp(coef), se(coef), z, p, CI.
    private func coefficientTable() -> TextTable {
        let header = ["", "coef", "exp(coef)", "se(coef)", "z", "Pr(>|z|)", "lower .\(levelDigits)", "upper .\(levelDigits)"]
        let rows = fit.coefficients.map { k in
            [k.name, NumberFormat.fixed(k.estimate), NumberFormat.fixed(k.hazardRatio),
             NumberFormat.fixed(k.standardError), NumberFormat.fixed(k.z, 3),
             SurvivalNumberFormat.pValue(k.pValue), NumberFormat.fixed(k.lower), NumberFormat.fixed(k.upper)]
        }
        return TextTable(header: header, rows: rows)
    }

    /// "95" for 0.95, "90" for 0.9, as R labels `lower .95`.
    private var levelDigits: String { SurvivalNumberFormat.compact(fit.level * 100, digits: 4) }

    private var testLines: [String] {
        [
            "Likelihood ratio test = " + SurvivalNumberFormat.chiSquare(fit.likelihoodRatioTest.statistic, df: fit.likelihoodRatioTest.degreesOfFreedom, p: fit.likelihoodRatioTest.pValue),
            "Wald test            = " + SurvivalNumberFormat.chiSquare(fit.waldTest.statistic, df: fit.waldTest.degreesOfFreedom, p: fit.waldTest.pValue),
            "Score (logrank) test = " + SurvivalNumberFormat.chiSquare(fit.scoreTest.statistic, df: fit.scoreTest.degreesOfFreedom, p: fit.scoreTest.pValue),
        ]
    }

    private var convergenceLine: String {
        "Newton–Raphson iterations: \(fit.iterations) (\(fit.converged ? "converged" : "did not converge"))"
    }

    public func table() -> String {
        var out = heading + "\n"
        out += "  n = \(fit.subjects), number of events = \(fit.events)\n\n"
        out += coefficientTable().plainText() + "\n"
        out += testLines.joined(separator: "\n") + "\n"
        out += convergenceLine + "\n"
        for w in fit.warnings { out += "\nWarning: \(w)\n" }
        return out
    }

    public func markdown() -> String {
        var out = "**" + heading + "**\n\n"
        out += "n = \(fit.subjects), number of events = \(fit.events)\n\n"
        out += coefficientTable().markdown() + "\n"
        let tests = [("Likelihood ratio", fit.likelihoodRatioTest), ("Wald", fit.waldTest), ("Score (logrank)", fit.scoreTest)]
        out += TextTable(header: ["test", "chisq", "df", "p"], rows: tests.map { name, t in
            [name, NumberFormat.fixed(t.statistic), String(t.degreesOfFreedom), SurvivalNumberFormat.pValue(t.pValue)]
        }).markdown()
        out += "\n" + convergenceLine + "\n"
        for w in fit.warnings { out += "\n**Warning:** \(w)\n" }
        return out
    }

    // MARK: CSV (forest-ready)

    /// One row per coefficient: `term,loghr,se,z,p,hr,hr_ci_low,hr_ci_high`, full precision.
    public func csv() -> String {
        let header = ["term", "loghr", "se", "z", "p", "hr", "hr_ci_low", "hr_ci_high"]
        let rows = fit.coefficients.map { k in
            [k.name, NumberFormat.full(k.estimate), NumberFormat.full(k.standardError), NumberFormat.full(k.z),
             NumberFormat.full(k.pValue), NumberFormat.full(k.hazardRatio), NumberFormat.full(k.lower),
             NumberFormat.full(k.upper)]
        }
        return TextTable(header: header, rows: rows).csv()
    }
}
