import Foundation
import MetaAnalysis

/// `survmeta pool --measure PLO --glmm`: the contract's `pool` fields for the binomial–normal model
/// (`q` is the Wald test of heterogeneity, `q_lrt` the likelihood-ratio test).
public struct GLMMReport: Sendable {
    public var fit: BinomialNormalFit
    public var labels: [String]

    public init(fit: BinomialNormalFit, labels: [String]) {
        self.fit = fit
        self.labels = labels
    }

    private func ilogit(_ x: Double) -> Double { 1 / (1 + exp(-x)) }

    public func json() -> [(String, JSONValue)] {
        [
            ("k", .integer(fit.k)), ("method", .string("ML")), ("model", .string("binomial-normal GLMM")),
            ("test", .string("z")), ("level", .number(fit.level)), ("measure", .string("PLO")),
            ("estimate", .num(fit.estimate)), ("se", .num(fit.standardError)), ("stat", .num(fit.statistic)),
            ("p", .num(fit.pValue)), ("df", .null), ("ci_low", .num(fit.ciLow)), ("ci_high", .num(fit.ciHigh)),
            ("pi_low", .null), ("pi_high", .null),
            ("tau2", .num(fit.tau2)), ("tau2_se", .null), ("tau", .num(fit.tau2.squareRoot())),
            ("i2", .num(fit.i2)), ("h2", .num(fit.h2)),
            ("q", .num(fit.qWald)), ("q_df", .integer(fit.qDF)), ("q_p", .num(fit.qWaldP)),
            ("q_lrt", .num(fit.qLRT)), ("q_lrt_p", .num(fit.qLRTP)),
            ("tau2_ci_low", .null), ("tau2_ci_high", .null), ("i2_ci_low", .null), ("i2_ci_high", .null),
            ("h2_ci_low", .null), ("h2_ci_high", .null),
            ("convergence", .object([("converged", .bool(true)), ("iterations", .null)])),
            ("quadrature_points", .integer(fit.quadraturePoints)),
            ("log_likelihood", .num(fit.logLikelihood)),
            ("studies", .array(labels.map { .object([("study", .string($0))]) })),
            ("back_transformed", .object([
                ("estimate", .num(ilogit(fit.estimate))), ("ci_low", .num(ilogit(fit.ciLow))), ("ci_high", .num(ilogit(fit.ciHigh))),
                ("pi_low", .null), ("pi_high", .null),
            ])),
        ]
    }

    public func table() -> String {
        var out = "Random-Effects Model (k = \(fit.k); binomial-normal GLMM, ML, \(fit.quadraturePoints)-point adaptive Gauss–Hermite)\n\n"
        out += "tau^2: \(NumberFormat.fixed(fit.tau2))   I^2: \(NumberFormat.fixed(fit.i2, 2))%   H^2: \(NumberFormat.fixed(fit.h2, 2))\n\n"
        out += "Tests for Heterogeneity:\n"
        out += "Wald-type test:         Q(df = \(fit.qDF)) = \(NumberFormat.fixed(fit.qWald)), p-val = \(NumberFormat.pValue(fit.qWaldP))\n"
        out += "Likelihood ratio test:  Q(df = \(fit.qDF)) = \(NumberFormat.fixed(fit.qLRT)), p-val = \(NumberFormat.pValue(fit.qLRTP))\n\n"
        out += TextTable(header: ["estimate", "se", "zval", "pval", "ci.lb", "ci.ub"],
                         rows: [[NumberFormat.fixed(fit.estimate), NumberFormat.fixed(fit.standardError), NumberFormat.fixed(fit.statistic),
                                 NumberFormat.pValue(fit.pValue), NumberFormat.fixed(fit.ciLow), NumberFormat.fixed(fit.ciHigh)]],
                         alignments: Array(repeating: .right, count: 6)).plainText()
        out += "\nproportion (back-transformed): \(NumberFormat.fixed(ilogit(fit.estimate))) [\(NumberFormat.fixed(ilogit(fit.ciLow))), \(NumberFormat.fixed(ilogit(fit.ciHigh)))]\n"
        return out
    }

    public func csv() -> String {
        TextTable(header: ["estimate", "se", "ci_low", "ci_high", "tau2", "estimate_bt", "ci_low_bt", "ci_high_bt"],
                  rows: [[fit.estimate, fit.standardError, fit.ciLow, fit.ciHigh, fit.tau2, ilogit(fit.estimate), ilogit(fit.ciLow), ilogit(fit.ciHigh)].map { NumberFormat.full($0) }]).csv()
    }
}
