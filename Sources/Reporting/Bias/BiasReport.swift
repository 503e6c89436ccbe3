import Foundation
import MetaAnalysis
import StatNumerics

/// `survmeta bias`: the contract's `egger`, `begg`, `trimfill`, `fsn` objects (plus the classical
/// Egger test, Orwin's and Rosenberg's fail-safe N and the filled studies), a readable summary, and
/// the funnel-plot coordinates as CSV.
public struct BiasReport: Sendable {
    public var result: PublicationBiasResult
    public var notes: [String]

    public init(result: PublicationBiasResult, notes: [String] = []) {
        self.result = result
        self.notes = notes
    }

    private func egger(_ e: EggerRegressionResult?) -> JSONValue {
        guard let e else { return .null }
        return .object([
            ("stat", .num(e.statistic)), ("p", .num(e.pValue)), ("limit_estimate", .num(e.limitEstimate)),
            ("ci_low", .num(e.limitCILow)), ("ci_high", .num(e.limitCIHigh)), ("df", .int(e.degreesOfFreedom)),
            ("slope", .num(e.slope)), ("slope_se", .num(e.slopeSE)), ("tau2", .num(e.tau2)), ("model", .string(e.model.rawValue)),
        ])
    }

    private func fsn(_ f: FailSafeNResult?) -> JSONValue {
        guard let f else { return .null }
        return .object([
            ("n", .int(f.n)), ("raw", .num(f.raw)), ("alpha", .num(f.alpha)), ("p", .num(f.pValue)),
            ("mean", .num(f.meanEffect)), ("target", .num(f.target)),
        ])
    }

    public func json() -> [(String, JSONValue)] {
        var trimfill: JSONValue = .null
        if let t = result.trimFill {
            let c = t.refit.coefficients[0]
            trimfill = .object([
                ("k0", .integer(t.k0)), ("side", .string(t.side.rawValue)), ("estimate", .num(c.estimate)),
                ("se", .num(c.standardError)), ("ci_low", .num(c.ciLow)), ("ci_high", .num(c.ciHigh)),
                ("estimator", .string(t.k0Estimator.rawValue)), ("se_k0", .num(t.k0StandardError)), ("p_k0", .num(t.pK0)),
                ("tau2", .num(t.refit.tau2)), ("k", .integer(t.refit.k)), ("stat", .num(c.statistic)), ("p", .num(c.pValue)),
                ("filled", .array(t.filled.map { .object([("study", .string($0.label)), ("yi", .num($0.yi)), ("vi", .num($0.vi))]) })),
            ])
        }
        var begg: JSONValue = .null
        if let b = result.begg {
            begg = .object([("tau", .num(b.tau)), ("p", .num(b.pValue)), ("exact", .bool(b.exact))])
        }
        let pooled = result.pooled.coefficients[0]
        return [
            ("egger", egger(result.egger)),
            ("begg", begg),
            ("trimfill", trimfill),
            ("fsn", .object([
                ("rosenthal", .int(result.fsnRosenthal?.n)),
                ("orwin", .int(result.fsnOrwin?.n)),
                ("rosenberg", .int(result.fsnRosenberg?.n)),
                ("details", .object([("rosenthal", fsn(result.fsnRosenthal)), ("orwin", fsn(result.fsnOrwin)),
                                     ("rosenberg", fsn(result.fsnRosenberg))])),
            ])),
            ("egger_lm", egger(result.eggerLM)),
            ("k", .integer(result.k)),
            ("method", .string(result.pooled.estimator.rawValue)), ("test", .string(result.pooled.test.rawValue)),
            ("level", .number(result.pooled.level)),
            ("estimate", .num(pooled.estimate)), ("se", .num(pooled.standardError)),
            ("failures", .array(result.failures.map { .object([("method", .string($0.method.rawValue)), ("message", .string($0.message))]) })),
            ("warnings", .array(result.warnings.map(JSONValue.string))),
            ("notes", .array(notes.map(JSONValue.string))),
        ]
    }

    public func table() -> String {
        var out = "Publication bias (k = \(result.k); tau^2 estimator: \(result.pooled.estimator.rawValue); test: \(result.pooled.test.rawValue))\n\n"
        let pooled = result.pooled.coefficients[0]
        out += "Pooled estimate: \(NumberFormat.fixed(pooled.estimate)) [\(NumberFormat.fixed(pooled.ciLow)), \(NumberFormat.fixed(pooled.ciHigh))]\n\n"
        var rows: [[String]] = []
        if let e = result.egger {
            rows.append(["Egger regression (mixed-effects, sei)", "\(e.degreesOfFreedom == nil ? "z" : "t") = \(NumberFormat.fixed(e.statistic))",
                         NumberFormat.pValue(e.pValue),
                         "limit estimate \(NumberFormat.fixed(e.limitEstimate)) [\(NumberFormat.fixed(e.limitCILow)), \(NumberFormat.fixed(e.limitCIHigh))]"])
        }
        if let e = result.eggerLM {
            rows.append(["Egger regression (weighted lm)", "t(\(e.degreesOfFreedom ?? 0)) = \(NumberFormat.fixed(e.statistic))",
                         NumberFormat.pValue(e.pValue),
                         "limit estimate \(NumberFormat.fixed(e.limitEstimate)) [\(NumberFormat.fixed(e.limitCILow)), \(NumberFormat.fixed(e.limitCIHigh))]"])
        }
        if let b = result.begg {
            rows.append(["Begg-Mazumdar rank correlation", "Kendall's tau = \(NumberFormat.fixed(b.tau))", NumberFormat.pValue(b.pValue),
                         b.exact ? "exact p-value" : "normal approximation"])
        }
        if let t = result.trimFill {
            let c = t.refit.coefficients[0]
            rows.append(["Trim-and-fill (\(t.k0Estimator.rawValue))", "k0 = \(t.k0) (SE \(NumberFormat.fixed(t.k0StandardError))), side \(t.side.rawValue)",
                         NumberFormat.pValue(t.pK0),
                         "adjusted estimate \(NumberFormat.fixed(c.estimate)) [\(NumberFormat.fixed(c.ciLow)), \(NumberFormat.fixed(c.ciHigh))]"])
        }
        if let f = result.fsnRosenthal { rows.append(["Fail-safe N (Rosenthal)", "\(f.n.map(String.init) ?? "NA")", NumberFormat.pValue(f.pValue), "alpha \(NumberFormat.fixed(f.alpha, 2))"]) }
        if let f = result.fsnOrwin { rows.append(["Fail-safe N (Orwin)", "\(f.n.map(String.init) ?? "Inf")", "", "target \(NumberFormat.fixed(f.target))"]) }
        if let f = result.fsnRosenberg { rows.append(["Fail-safe N (Rosenberg)", "\(f.n.map(String.init) ?? "NA")", NumberFormat.pValue(f.pValue), "alpha \(NumberFormat.fixed(f.alpha, 2))"]) }
        out += TextTable(header: ["method", "statistic", "pval", "detail"], rows: rows,
                         alignments: [.left, .left, .right, .left]).plainText()
        if let t = result.trimFill, !t.filled.isEmpty {
            out += "\nFilled studies:\n\n"
            out += TextTable(header: ["study", "yi", "vi"], rows: t.filled.map { [$0.label, NumberFormat.fixed($0.yi), NumberFormat.fixed($0.vi)] }).plainText()
        }
        for f in result.failures { out += "\nNot computed (\(f.method.rawValue)): \(f.message)\n" }
        for w in result.warnings { out += "\nWarning: \(w)\n" }
        for n in notes { out += "\nNote: \(n)\n" }
        return out
    }

    public func markdown() -> String {
        var rows: [[String]] = []
        if let e = result.egger { rows.append(["Egger (rma, sei)", NumberFormat.fixed(e.statistic), NumberFormat.pValue(e.pValue)]) }
        if let e = result.eggerLM { rows.append(["Egger (lm)", NumberFormat.fixed(e.statistic), NumberFormat.pValue(e.pValue)]) }
        if let b = result.begg { rows.append(["Begg (Kendall's tau)", NumberFormat.fixed(b.tau), NumberFormat.pValue(b.pValue)]) }
        if let t = result.trimFill { rows.append(["Trim-and-fill k0 (\(t.side.rawValue))", String(t.k0), NumberFormat.fixed(t.refit.coefficients[0].estimate)]) }
        if let f = result.fsnRosenthal { rows.append(["Fail-safe N (Rosenthal)", f.n.map(String.init) ?? "NA", NumberFormat.pValue(f.pValue)]) }
        return TextTable(header: ["method", "statistic", "p / estimate"], rows: rows, alignments: [.left, .right, .right]).markdown()
    }

    /// Funnel-plot coordinates: the studies (and filled studies) at (yi, sei) with the pseudo-CI at
    /// their SE, then the contour θ̂ ± z·se from se = 0 to the largest SE.
    public func funnelCSV() -> String {
        let f = result.funnel
        let header = ["kind", "study", "yi", "sei", "ci_low", "ci_high"]
        var rows = f.points.map { p in
            [p.filled ? "filled" : "study", p.study, NumberFormat.full(p.yi), NumberFormat.full(p.sei),
             NumberFormat.full(p.pseudoLow), NumberFormat.full(p.pseudoHigh)]
        }
        rows += f.contour.map { c in
            ["contour", "", NumberFormat.full(f.estimate), NumberFormat.full(c.se), NumberFormat.full(c.lower), NumberFormat.full(c.upper)]
        }
        return TextTable(header: header, rows: rows).csv()
    }
}
