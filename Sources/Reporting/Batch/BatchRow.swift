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

    /// Writes `csvLine` into `out` without building the cells.
    public func writeCSV(to out: TextSink) {
        guard let fit else {
            CSVFormat.writeLine(cells, to: out)
            return
        }
        let m = fit.model, c = fit.pooled
        out.write(CSVFormat.field(id))
        func cell(_ text: String) {
            out.write(ascii: UInt8(ascii: ","))
            out.write(CSVFormat.field(text))
        }
        func number(_ x: Double?) {
            out.write(ascii: UInt8(ascii: ","))
            guard let x, x.isFinite else { out.write("NA"); return }
            if x == 0 { out.write(ascii: UInt8(ascii: "0")) } else { out.write(x.description) }
        }
        cell(String(m.k)); cell(m.estimator.rawValue); cell(m.test.rawValue)
        number(c.estimate); number(c.standardError); number(c.statistic); number(c.pValue)
        number(c.ciLow); number(c.ciHigh); number(fit.predictionInterval?.lower); number(fit.predictionInterval?.upper)
        number(m.tau2); number(m.tau2StandardError); number(m.i2); number(m.h2); number(m.qe); cell(String(m.qeDF)); number(m.qeP)
        cell(String(m.convergence.converged)); cell(String(m.convergence.iterations))
        out.write(",\n")
    }

    /// Writes `json.serialized(pretty: false)` into `out` without building the JSON value.
    public func writeJSON(to out: TextSink) {
        guard let fit else {
            json.write(to: out, indent: nil)
            return
        }
        let m = fit.model, c = fit.pooled
        var first = true
        func key(_ k: String) {
            if !first { out.write(ascii: UInt8(ascii: ",")) }
            first = false
            JSONValue.writeKey(k, to: out, indent: nil)
        }
        out.write(ascii: UInt8(ascii: "{"))
        key("analysis"); JSONValue.writeString(id, to: out)
        key("k"); out.write(String(m.k))
        key("method"); JSONValue.writeString(m.estimator.rawValue, to: out)
        key("test"); JSONValue.writeString(m.test.rawValue, to: out)
        let numbers: [(String, Double?)] = [
            ("estimate", c.estimate), ("se", c.standardError), ("stat", c.statistic), ("p", c.pValue),
            ("ci_low", c.ciLow), ("ci_high", c.ciHigh), ("pi_low", fit.predictionInterval?.lower),
            ("pi_high", fit.predictionInterval?.upper), ("tau2", m.tau2), ("tau2_se", m.tau2StandardError),
            ("i2", m.i2), ("h2", m.h2), ("q", m.qe),
        ]
        for (k, x) in numbers { key(k); JSONValue.writeNumber(x, to: out) }
        key("q_df"); out.write(String(m.qeDF))
        key("q_p"); JSONValue.writeNumber(m.qeP, to: out)
        key("convergence")
        out.write("{\"converged\":")
        out.write(m.convergence.converged ? "true" : "false")
        out.write(",\"iterations\":")
        out.write(String(m.convergence.iterations))
        out.write("}}")
    }
}
