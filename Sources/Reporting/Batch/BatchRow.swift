import Foundation
import MetaAnalysis

/// One output row of `survmeta batch`: an analysis id and its pooled result, or the error that
/// stopped it (the batch goes on; the row says what failed).
public struct BatchRow: Sendable {
    public var id: String
    public var fit: RandomEffectsFit?
    public var error: String?

    public init(id: String, fit: RandomEffectsFit?, error: String?) {
        self.id = id
        self.fit = fit
        self.error = error
    }

    public static let header = ["analysis", "k", "method", "test", "estimate", "se", "stat", "p", "ci_low", "ci_high",
                                "pi_low", "pi_high", "tau2", "tau2_se", "i2", "h2", "q", "q_df", "q_p", "converged", "iterations", "error"]

    public var cells: [String] {
        guard let fit else {
            return [id] + Array(repeating: "NA", count: BatchRow.header.count - 3) + ["false", error ?? "failed"]
        }
        let m = fit.model, c = fit.pooled
        let f = NumberFormat.full
        return [id, String(m.k), m.estimator.rawValue, m.test.rawValue, f(c.estimate), f(c.standardError), f(c.statistic), f(c.pValue),
                f(c.ciLow), f(c.ciHigh), f(fit.predictionInterval?.lower), f(fit.predictionInterval?.upper), f(m.tau2),
                f(m.tau2StandardError), f(m.i2), f(m.h2), f(m.qe), String(m.qeDF), f(m.qeP),
                String(m.convergence.converged), String(m.convergence.iterations), ""]
    }

    public var csvLine: String { CSVFormat.line(cells) }

    public var json: JSONValue {
        guard let fit else { return .object([("analysis", .string(id)), ("error", .str(error))]) }
        let m = fit.model, c = fit.pooled
        return .object([
            ("analysis", .string(id)), ("k", .integer(m.k)), ("method", .string(m.estimator.rawValue)), ("test", .string(m.test.rawValue)),
            ("estimate", .num(c.estimate)), ("se", .num(c.standardError)), ("stat", .num(c.statistic)), ("p", .num(c.pValue)),
            ("ci_low", .num(c.ciLow)), ("ci_high", .num(c.ciHigh)), ("pi_low", .num(fit.predictionInterval?.lower)),
            ("pi_high", .num(fit.predictionInterval?.upper)), ("tau2", .num(m.tau2)), ("tau2_se", .num(m.tau2StandardError)),
            ("i2", .num(m.i2)), ("h2", .num(m.h2)), ("q", .num(m.qe)), ("q_df", .integer(m.qeDF)), ("q_p", .num(m.qeP)),
            ("convergence", .object([("converged", .bool(m.convergence.converged)), ("iterations", .integer(m.convergence.iterations))])),
        ])
    }
}
