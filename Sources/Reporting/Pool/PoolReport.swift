import Foundation
import MetaAnalysis
import StatNumerics

/// Everything `survmeta pool` shows, built from a fit: JSON with the contract's fields, a
/// metafor-like printout, Markdown, and plot-ready CSV (one row per study plus the pooled rows).
public struct PoolReport: Sendable {
    public var fit: RandomEffectsFit
    public var scale: AnalysisScale
    /// How each study's (yi, vi) was derived (same order as `fit.studies`); empty when given directly.
    public var conversions: [EffectConversion]
    /// Per-study notes (asymmetric CI, inverted direction …), keyed by study label.
    public var studyNotes: [String: [String]]
    /// Analysis-level notes (e.g. studies left out).
    public var notes: [String]

    /// Extra per-study fields for the JSON `studies` rows (e.g. a landmark variance source), by label.
    public var studyExtras: [String: [(String, JSONValue)]]

    public init(fit: RandomEffectsFit, scale: AnalysisScale, conversions: [EffectConversion] = [],
                studyNotes: [String: [String]] = [:], studyExtras: [String: [(String, JSONValue)]] = [:], notes: [String] = []) {
        self.fit = fit
        self.scale = scale
        self.conversions = conversions
        self.studyNotes = studyNotes
        self.studyExtras = studyExtras
        self.notes = notes
    }

    public init(fit: RandomEffectsFit, measure: EffectMeasure, conversions: [EffectConversion] = [],
                studyNotes: [String: [String]] = [:], harmonicMeanN: Double? = nil, notes: [String] = []) {
        self.init(fit: fit, scale: .measure(measure, harmonicMeanN: harmonicMeanN), conversions: conversions,
                  studyNotes: studyNotes, notes: notes)
    }

    private var m: MixedEffectsFit { fit.model }

    private func back(_ x: Double?) -> Double? {
        guard let x else { return nil }
        let b = scale.back(x)
        return b.isFinite ? b : nil
    }

    /// Back-transformed interval in increasing order (nil ends stay nil).
    private func backInterval(_ lo: Double?, _ hi: Double?) -> (Double?, Double?) {
        guard let lo, let hi else { return (nil, nil) }
        let (a, b) = scale.backInterval(lo, hi)
        return (a.isFinite ? a : nil, b.isFinite ? b : nil)
    }

    // MARK: JSON

    /// The contract's `pool` fields, in its order, then SurvMeta's additions.
    public func json() -> [(String, JSONValue)] {
        let studies: [JSONValue] = fit.studies.indices.map { .object(studyFields($0)) }
        return headFields() + [("studies", .array(studies))] + tailFields()
    }

    /// The fields before `studies`.
    private func headFields() -> [(String, JSONValue)] {
        let c = fit.pooled
        let hi = fit.heterogeneityIntervals
        return [
            ("k", .integer(m.k)),
            ("method", .string(m.estimator.rawValue)),
            ("test", .string(m.test.rawValue)),
            ("level", .number(m.level)),
            ("measure", .string(scale.name)),
            ("estimate", .num(c.estimate)),
            ("se", .num(c.standardError)),
            ("stat", .num(c.statistic)),
            ("p", .num(c.pValue)),
            ("df", .int(m.degreesOfFreedom)),
            ("ci_low", .num(c.ciLow)),
            ("ci_high", .num(c.ciHigh)),
            ("pi_low", .num(fit.predictionInterval?.lower)),
            ("pi_high", .num(fit.predictionInterval?.upper)),
            ("tau2", .num(m.tau2)),
            ("tau2_se", .num(m.tau2StandardError)),
            ("tau", .num(m.tau)),
            ("i2", .num(m.i2)),
            ("h2", .num(m.h2)),
            ("q", .num(m.qe)),
            ("q_df", .integer(m.qeDF)),
            ("q_p", .num(m.qeP)),
            ("tau2_ci_low", .num(hi?.tau2Low)),
            ("tau2_ci_high", .num(hi?.tau2High)),
            ("i2_ci_low", .num(hi?.i2Low)),
            ("i2_ci_high", .num(hi?.i2High)),
            ("h2_ci_low", .num(hi?.h2Low)),
            ("h2_ci_high", .num(hi?.h2High)),
            ("tau2_ci_method", hi.map { .string($0.method == "generalized Q" ? "genq" : "qprofile") } ?? .null),
            ("convergence", .object([
                ("converged", .bool(m.convergence.converged)),
                ("iterations", .integer(m.convergence.iterations)),
                ("last_change", .num(m.convergence.lastChange)),
            ])),
        ]
    }

    /// The `studies` row of study `i`.
    private func studyFields(_ i: Int) -> [(String, JSONValue)] {
        let s = fit.studies[i]
        var row: [(String, JSONValue)] = [
            ("study", .string(s.label)), ("yi", .num(s.yi)), ("vi", .num(s.vi)), ("weight", .num(m.weightsPercent[i])),
        ]
        if i < conversions.count { row.append(("conversion", .string(conversions[i].rawValue))) }
        row += studyExtras.isEmpty ? [] : studyExtras[s.label] ?? []
        if !studyNotes.isEmpty, let notes = studyNotes[s.label], !notes.isEmpty { row.append(("notes", .array(notes.map(JSONValue.string)))) }
        return row
    }

    /// The fields after `studies`.
    private func tailFields() -> [(String, JSONValue)] {
        let c = fit.pooled
        var fields: [(String, JSONValue)] = []
        if scale.hasBackTransform {
            let ci = backInterval(c.ciLow, c.ciHigh)
            let pi = backInterval(fit.predictionInterval?.lower, fit.predictionInterval?.upper)
            fields.append(("back_transformed", .object([
                ("estimate", .num(back(c.estimate))),
                ("ci_low", .num(ci.0)),
                ("ci_high", .num(ci.1)),
                ("pi_low", .num(pi.0)),
                ("pi_high", .num(pi.1)),
            ])))
        }
        fields.append(("warnings", .array(m.warnings.map(JSONValue.string))))
        fields.append(("notes", .array(notes.map(JSONValue.string))))
        return fields
    }

    /// Writes `JSONValue.object(json() + trailer).serialized()` (pretty) into `out`, study by study,
    /// so the document is never held in memory; `trailer` fields (e.g. the run record) come last.
    public func writeJSON(to out: TextSink, trailer: [(String, JSONValue)] = []) {
        out.write(ascii: UInt8(ascii: "{"))
        var first = true
        func field(_ key: String, _ value: JSONValue) {
            if !first { out.write(ascii: UInt8(ascii: ",")) }
            first = false
            JSONValue.writeKey(key, to: out, indent: 1)
            value.write(to: out, indent: 1)
        }
        for (key, value) in headFields() { field(key, value) }
        if !first { out.write(ascii: UInt8(ascii: ",")) }
        first = false
        JSONValue.writeKey("studies", to: out, indent: 1)
        if fit.studies.isEmpty {
            out.write("[]")
        } else {
            out.write(ascii: UInt8(ascii: "["))
            for i in fit.studies.indices {
                if i > 0 { out.write(ascii: UInt8(ascii: ",")) }
                JSONValue.newline(2, to: out)
                writeStudy(i, to: out)
            }
            JSONValue.newline(1, to: out)
            out.write(ascii: UInt8(ascii: "]"))
        }
        for (key, value) in tailFields() + trailer { field(key, value) }
        JSONValue.newline(0, to: out)
        out.write(ascii: UInt8(ascii: "}"))
    }

    /// `JSONValue.object(studyFields(i))` written at depth 2, without building it.
    private func writeStudy(_ i: Int, to out: TextSink) {
        let s = fit.studies[i]
        out.write(ascii: UInt8(ascii: "{"))
        JSONValue.writeKey("study", to: out, indent: 3)
        JSONValue.writeString(s.label, to: out)
        out.write(ascii: UInt8(ascii: ","))
        JSONValue.writeKey("yi", to: out, indent: 3)
        JSONValue.writeNumber(s.yi, to: out)
        out.write(ascii: UInt8(ascii: ","))
        JSONValue.writeKey("vi", to: out, indent: 3)
        JSONValue.writeNumber(s.vi, to: out)
        out.write(ascii: UInt8(ascii: ","))
        JSONValue.writeKey("weight", to: out, indent: 3)
        JSONValue.writeNumber(m.weightsPercent[i], to: out)
        if i < conversions.count {
            out.write(ascii: UInt8(ascii: ","))
            JSONValue.writeKey("conversion", to: out, indent: 3)
            JSONValue.writeString(conversions[i].rawValue, to: out)
        }
        if !studyExtras.isEmpty, let extras = studyExtras[s.label] {
            for (key, value) in extras {
                out.write(ascii: UInt8(ascii: ","))
                JSONValue.writeKey(key, to: out, indent: 3)
                value.write(to: out, indent: 3)
            }
        }
        if !studyNotes.isEmpty, let notes = studyNotes[s.label], !notes.isEmpty {
            out.write(ascii: UInt8(ascii: ","))
            JSONValue.writeKey("notes", to: out, indent: 3)
            JSONValue.array(notes.map(JSONValue.string)).write(to: out, indent: 3)
        }
        JSONValue.newline(2, to: out)
        out.write(ascii: UInt8(ascii: "}"))
    }

    // MARK: Table (metafor-like)

    public func table() -> String {
        let sink = TextSink()
        writeTable(to: sink)
        return sink.text
    }

    /// Writes `table()` into `out`, the study rows one at a time.
    public func writeTable(to sink: TextSink) {
        let c = fit.pooled
        var out = ""
        let kind = m.estimator.isEqualEffects ? "Equal-Effects Model" : "Random-Effects Model"
        out += "\(kind) (k = \(m.k); tau^2 estimator: \(m.estimator.rawValue); test: \(m.test.rawValue))\n\n"
        if !m.estimator.isEqualEffects {
            let hi = fit.heterogeneityIntervals
            func ci(_ lo: Double?, _ hi: Double?, _ d: Int = 4) -> String {
                guard let lo, let hi else { return "" }
                return "  [\(NumberFormat.fixed(lo, d)), \(NumberFormat.fixed(hi, d))]"
            }
            out += "tau^2 (estimated amount of total heterogeneity): \(NumberFormat.fixed(m.tau2)) (SE = \(NumberFormat.fixed(m.tau2StandardError)))\(ci(hi?.tau2Low, hi?.tau2High))\n"
            out += "tau (square root of estimated tau^2 value):      \(NumberFormat.fixed(m.tau))\n"
            out += "I^2 (total heterogeneity / total variability):   \(NumberFormat.fixed(m.i2, 2))%\(ci(hi?.i2Low, hi?.i2High, 2))\n"
            out += "H^2 (total variability / sampling variability):  \(NumberFormat.fixed(m.h2, 2))\(ci(hi?.h2Low, hi?.h2High, 2))\n"
            if let hi, hi.method != "Q-profile" {
                out += "(intervals for tau^2, I^2, H^2: \(hi.method), Biggerstaff–Jackson)\n"
            }
            out += "\n"
        } else {
            out += "I^2 (total heterogeneity / total variability):   \(NumberFormat.fixed(m.i2, 2))%\n"
            out += "H^2 (total variability / sampling variability):  \(NumberFormat.fixed(m.h2, 2))\n\n"
        }
        out += "Test for Heterogeneity:\nQ(df = \(m.qeDF)) = \(NumberFormat.fixed(m.qe)), p-val = \(NumberFormat.pValue(m.qeP))\n\n"
        out += "Model Results:\n\n"
        let statName = m.degreesOfFreedom == nil ? "zval" : "tval"
        var header = ["estimate", "se", statName]
        if m.degreesOfFreedom != nil { header.append("df") }
        header += ["pval", "ci.lb", "ci.ub"]
        var row = [NumberFormat.fixed(c.estimate), NumberFormat.fixed(c.standardError), NumberFormat.fixed(c.statistic)]
        if let df = m.degreesOfFreedom { row.append(String(df)) }
        row += [NumberFormat.pValue(c.pValue), NumberFormat.fixed(c.ciLow), NumberFormat.fixed(c.ciHigh)]
        out += TextTable(header: header, rows: [row], alignments: header.map { _ in .right }).plainText()
        if let pi = fit.predictionInterval {
            out += "\nPrediction interval: [\(NumberFormat.fixed(pi.lower)), \(NumberFormat.fixed(pi.upper))]\n"
        }
        if scale.hasBackTransform {
            let ci = backInterval(c.ciLow, c.ciHigh)
            out += "\n\(scale.naturalName) (back-transformed): \(NumberFormat.fixed(back(c.estimate))) [\(NumberFormat.fixed(ci.0)), \(NumberFormat.fixed(ci.1))]"
            if let pi = fit.predictionInterval {
                let p = backInterval(pi.lower, pi.upper)
                out += "; prediction interval [\(NumberFormat.fixed(p.0)), \(NumberFormat.fixed(p.1))]"
            }
            out += "\n"
        }
        out += "\nStudies:\n\n"
        sink.write(out)
        let z = studyZ
        TextTable.writePlainText(header: studyHeader, rowCount: fit.studies.count, row: { studyCells($0, z: z) }, to: sink)
        out = ""
        for w in m.warnings { out += "\nWarning: \(w)\n" }
        for n in notes { out += "\nNote: \(n)\n" }
        if !studyNotes.isEmpty {
            for s in fit.studies { for note in studyNotes[s.label] ?? [] { out += "\nNote (\(s.label)): \(note)\n" } }
        }
        sink.write(out)
    }

    /// The columns of the study table of `table()` and `markdown()`.
    private var studyHeader: [String] {
        var header = ["study", "yi", "se", "ci.lb", "ci.ub", "weight(%)"]
        if scale.hasBackTransform { header.append(scale.naturalName) }
        return header
    }

    /// The normal quantile of the study CIs.
    private var studyZ: Double { Normal.standard.upperQuantile((1 - m.level) / 2) }

    /// Row `i` of the study table (`z` is `studyZ`, computed once by the caller).
    private func studyCells(_ i: Int, z: Double) -> [String] {
        let s = fit.studies[i]
        let se = s.standardError
        var r = [s.label, NumberFormat.fixed(s.yi), NumberFormat.fixed(se),
                 NumberFormat.fixed(s.yi - z * se), NumberFormat.fixed(s.yi + z * se),
                 NumberFormat.fixed(m.weightsPercent[i], 2)]
        if scale.hasBackTransform { r.append(NumberFormat.fixed(back(s.yi))) }
        return r
    }

    /// Markdown: the model summary and the study table.
    public func markdown() -> String {
        let sink = TextSink()
        writeMarkdown(to: sink)
        return sink.text
    }

    /// Writes `markdown()` into `out`, the study rows one at a time.
    public func writeMarkdown(to out: TextSink) {
        let c = fit.pooled
        var rows: [[String]] = [
            ["k", String(m.k)], ["method", m.estimator.rawValue], ["test", m.test.rawValue],
            ["estimate", NumberFormat.fixed(c.estimate)], ["se", NumberFormat.fixed(c.standardError)],
            ["ci", "[\(NumberFormat.fixed(c.ciLow)), \(NumberFormat.fixed(c.ciHigh))]"],
            ["p", NumberFormat.pValue(c.pValue)],
            ["tau^2", NumberFormat.fixed(m.tau2)], ["I^2 (%)", NumberFormat.fixed(m.i2, 2)],
            ["Q (df)", "\(NumberFormat.fixed(m.qe)) (\(m.qeDF)), p = \(NumberFormat.pValue(m.qeP))"],
        ]
        if let pi = fit.predictionInterval { rows.append(["prediction interval", "[\(NumberFormat.fixed(pi.lower)), \(NumberFormat.fixed(pi.upper))]"]) }
        if scale.hasBackTransform {
            let ci = backInterval(c.ciLow, c.ciHigh)
            rows.append(["\(scale.naturalName) (back-transformed)", "\(NumberFormat.fixed(back(c.estimate))) [\(NumberFormat.fixed(ci.0)), \(NumberFormat.fixed(ci.1))]"])
        }
        out.write(TextTable(header: ["quantity", "value"], rows: rows, alignments: [.left, .left]).markdown() + "\n")
        let z = studyZ
        TextTable.writeMarkdown(header: studyHeader, rowCount: fit.studies.count, row: { studyCells($0, z: z) }, to: out)
    }

    /// Plot-ready (forest) CSV: one row per study, then the pooled estimate and the prediction
    /// interval; full precision; back-transformed columns where the measure has them.
    public func csv() -> String {
        let sink = TextSink()
        writeCSV(to: sink)
        return sink.text
    }

    /// Writes `csv()` into `out`, the study rows one at a time.
    public func writeCSV(to out: TextSink) {
        let z = Normal.standard.upperQuantile((1 - m.level) / 2)
        var header = ["row", "study", "estimate", "se", "ci_low", "ci_high", "weight"]
        let withBack = scale.hasBackTransform
        if withBack { header += ["estimate_bt", "ci_low_bt", "ci_high_bt"] }
        var rows: [[String]] = []
        let c = fit.pooled
        var pooled = ["pooled", m.estimator.isEqualEffects ? "EE model" : "RE model", NumberFormat.full(c.estimate), NumberFormat.full(c.standardError), NumberFormat.full(c.ciLow), NumberFormat.full(c.ciHigh), "100"]
        let bci = backInterval(c.ciLow, c.ciHigh)
        if withBack { pooled += [NumberFormat.full(back(c.estimate)), NumberFormat.full(bci.0), NumberFormat.full(bci.1)] }
        rows.append(pooled)
        if let pi = fit.predictionInterval {
            var r = ["prediction", "prediction interval", NumberFormat.full(c.estimate), "NA", NumberFormat.full(pi.lower), NumberFormat.full(pi.upper), "NA"]
            let bpi = backInterval(pi.lower, pi.upper)
            if withBack { r += [NumberFormat.full(back(c.estimate)), NumberFormat.full(bpi.0), NumberFormat.full(bpi.1)] }
            rows.append(r)
        }
        let k = fit.studies.count
        TextTable.writeCSV(header: header, rowCount: k + rows.count, row: { i in
            guard i < k else { return rows[i - k] }
            let s = fit.studies[i]
            let se = s.standardError
            let lo = s.yi - z * se, hi = s.yi + z * se
            var r = ["study", s.label, NumberFormat.full(s.yi), NumberFormat.full(se), NumberFormat.full(lo), NumberFormat.full(hi), NumberFormat.full(m.weightsPercent[i])]
            if withBack {
                let b = backInterval(lo, hi)
                r += [NumberFormat.full(back(s.yi)), NumberFormat.full(b.0), NumberFormat.full(b.1)]
            }
            return r
        }, to: out)
    }
}
