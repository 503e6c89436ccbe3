import Foundation
import MetaAnalysis
import OutcomeData

/// The NET evidence report (`survmeta report`): one block per pooling set — the figures used with
/// their sources, the pooled estimate on the natural scale and its method — then every survival
/// figure left out and why. Pure formatting: the command writes the files.
public struct EvidenceReport: Sendable {
    public var base: EvidenceBase
    public var analyses: [SetAnalysis]
    public var excluded: [ExcludedFigure]
    /// How the model was configured, in words (estimator, test, transform).
    public var methodDescription: String
    /// Summary OS curves per therapy (Combescure method), from the landmark rates.
    public var curves: [TherapyCurve]

    public init(base: EvidenceBase, analyses: [SetAnalysis], excluded: [ExcludedFigure], methodDescription: String, curves: [TherapyCurve] = []) {
        self.base = base
        self.analyses = analyses
        self.excluded = excluded
        self.methodDescription = methodDescription
        self.curves = curves
    }

    /// The slug of a therapy's summary curve files, e.g. `transplant-os-curve`.
    public static func curveSlug(_ c: TherapyCurve) -> String {
        PoolingSet(therapy: c.therapy, kind: .median, endpoint: "OS", years: nil, outcomes: []).slug.replacingOccurrences(of: "-median", with: "-curve")
    }

    func curveBlock(_ c: TherapyCurve) -> String {
        var out = "\(c.therapy.rawValue): summary OS curve  [\(EvidenceReport.curveSlug(c))]\n\n"
        out += TextTable(header: ["study", "years", "OS", "n at risk (approx.)", "outcome"],
                         rows: c.rows.enumerated().map { i, r in
                             [r.study, NumberFormat.compact(r.time), String(format: "%.1f%%", 100 * r.surv), NumberFormat.fixed(r.n, 1),
                              c.outcomes.first { $0.line == r.line }?.id ?? ""]
                         }, alignments: [.left, .right, .right, .right, .left]).plainText()
        if let res = c.result {
            out += "Pooled curve (random effects, moments): " + res.rows.map { p in
                String(format: "%g y %.1f%% [%.1f, %.1f]", p.time, 100 * p.surv, 100 * (p.ciLow ?? .nan), 100 * (p.ciHigh ?? .nan))
            }.joined(separator: "; ") + "\n"
        } else {
            out += "Not pooled: \(c.failure ?? "")\n"
        }
        out += "  note: \(TherapyCurve.approximation)\n"
        return out
    }

    public static func scale(_ s: EvidenceScale) -> AnalysisScale {
        switch s {
        case .landmark(let t): return .landmark(t, harmonicMeanN: nil)
        case .logMedianMonths: return .logMedian
        case .logHazardRatio: return .measure(.HR, harmonicMeanN: nil)
        }
    }

    /// The natural-scale number as a reader wants it: survival in percent, medians in months, HRs as ratios.
    static func natural(_ x: Double?, _ s: EvidenceScale) -> String {
        guard let x, x.isFinite else { return "NA" }
        switch s {
        case .landmark: return String(format: "%.1f%%", 100 * x)
        case .logMedianMonths: return String(format: "%.1f mo", x)
        case .logHazardRatio: return String(format: "%.2f", x)
        }
    }

    /// Pooled estimate, CI and PI on the natural scale (sorted ends), or nil without a fit.
    public static func pooled(_ a: SetAnalysis) -> (estimate: Double, ciLow: Double, ciHigh: Double, piLow: Double?, piHigh: Double?)? {
        guard let fit = a.fit else { return nil }
        let sc = scale(a.scale)
        let ci = sc.backInterval(fit.pooled.ciLow, fit.pooled.ciHigh)
        let pi = fit.predictionInterval.map { sc.backInterval($0.lower, $0.upper) }
        return (sc.back(fit.estimate), ci.0, ci.1, pi?.0, pi?.1)
    }

    private var counts: String {
        let o = base.outcomes
        let by = Dictionary(grouping: o, by: \.verification).mapValues(\.count)
        return "\(base.publications.count) publications, \(o.count) figures (" +
            ["verified", "worksheet_only", "secondary", "doubtful"].map { "\(by[$0] ?? 0) \($0)" }.joined(separator: ", ") + ")"
    }

    // MARK: Text

    public func text() -> String {
        var out = "SurvMeta report: \(base.title)\n"
        out += "Evidence: \(base.name) — \(counts)\n"
        out += "Method: \(methodDescription)\n"
        var currentTherapy: TherapyClass? = nil
        for a in analyses {
            if a.set.therapy != currentTherapy {
                currentTherapy = a.set.therapy
                out += "\n" + String(repeating: "=", count: 78) + "\n\(a.set.therapy.rawValue)\n" + String(repeating: "=", count: 78) + "\n"
            }
            out += "\n" + block(a)
        }
        if !curves.isEmpty {
            out += "\n" + String(repeating: "=", count: 78) + "\nSummary survival curves per therapy (Combescure et al. 2014)\n" + String(repeating: "=", count: 78) + "\n"
            for c in curves { out += "\n" + curveBlock(c) }
        }
        out += "\n" + String(repeating: "=", count: 78) + "\nFigures not pooled (\(excluded.count)) and why\n" + String(repeating: "=", count: 78) + "\n\n"
        out += excludedTable().plainText()
        return out
    }

    func block(_ a: SetAnalysis) -> String {
        var out = "\(a.set.title)  [\(a.set.slug)]\n\n"
        let rows: [[String]] = a.included.map { f in
            let o = f.outcome
            return [f.label, o.n.map { String(Int($0)) } ?? "", reported(o), o.verification, o.location, o.doiOrPMID ?? ""]
        }
        out += TextTable(header: ["study", "N", "reported", "verification", "location", "source"], rows: rows,
                         alignments: [.left, .right, .left, .left, .left, .left]).plainText()
        if let fit = a.fit, let p = EvidenceReport.pooled(a) {
            let k = fit.model.k
            if k == 1 {
                out += "Single study (no pooling): \(EvidenceReport.natural(p.estimate, a.scale)) [\(EvidenceReport.natural(p.ciLow, a.scale)), \(EvidenceReport.natural(p.ciHigh, a.scale))]\n"
            } else {
                out += "Pooled (\(fit.model.estimator.rawValue), k = \(k)): \(EvidenceReport.natural(p.estimate, a.scale)) "
                out += "[95% CI \(EvidenceReport.natural(p.ciLow, a.scale)), \(EvidenceReport.natural(p.ciHigh, a.scale))]"
                if let lo = p.piLow, let hi = p.piHigh { out += "; prediction interval \(EvidenceReport.natural(lo, a.scale))–\(EvidenceReport.natural(hi, a.scale))" }
                out += "\n"
                out += String(format: "Heterogeneity: tau^2 = %.4f, I^2 = %.1f%%, Q(%d) = %.2f, p = %@\n", fit.model.tau2, fit.model.i2, fit.model.qeDF, fit.model.qe, NumberFormat.pValue(fit.model.qeP))
            }
        } else if let failure = a.failure {
            out += "Not pooled: \(failure)\n"
        }
        let notes = Array(Set(a.included.flatMap(\.notes))).sorted()
        for n in notes { out += "  note: \(n)\n" }
        for e in a.excluded { out += "  left out: \(e.outcome.id) — \(e.reason)\n" }
        return out
    }

    func reported(_ o: OutcomeRecord) -> String {
        var s = o.valueText
        switch o.unit {
        case "percent": s += "%"
        case "months", "years", "days": s += " \(o.unit)"
        default: break
        }
        if let lo = o.ciLow, let hi = o.ciHigh { s += " (\(NumberFormat.compact(lo))–\(NumberFormat.compact(hi)))" }
        if let e = o.events { s += ", \(Int(e)) events" }
        if o.endpoint == "TTP" { s += " [TTP]" }
        return s
    }

    func excludedTable() -> TextTable {
        TextTable(header: ["outcome", "endpoint", "measure", "value", "reason"],
                  rows: excluded.map { e in
                      let o = e.outcome
                      return [o.id, o.endpoint, o.measure + (o.time.map { " \(NumberFormat.compact($0)) \(o.timeUnit ?? "")" } ?? ""), reported(o), e.reason]
                  }, alignments: [.left, .left, .left, .left, .left])
    }

    // MARK: Markdown

    public func markdown() -> String {
        var out = "# SurvMeta report: \(base.title)\n\n*Evidence:* `\(base.name)` — \(counts)\n\n*Method:* \(methodDescription)\n\n"
        out += "## Pooled estimates\n\n"
        let rows: [[String]] = analyses.map { a in
            let p = EvidenceReport.pooled(a)
            return [a.set.title, String(a.included.count), a.included.map(\.label).joined(separator: "; "),
                    p.map { "\(EvidenceReport.natural($0.estimate, a.scale)) [\(EvidenceReport.natural($0.ciLow, a.scale)), \(EvidenceReport.natural($0.ciHigh, a.scale))]" } ?? "not pooled",
                    a.fit.map { $0.model.k > 1 ? String(format: "%.1f%%", $0.model.i2) : "—" } ?? "—"]
        }
        out += TextTable(header: ["analysis", "k", "studies", "estimate [95% CI]", "I²"], rows: rows,
                         alignments: [.left, .right, .left, .left, .right]).markdown()
        out += "\n## Figures not pooled\n\n" + excludedTable().markdown()
        return out
    }

    // MARK: JSON

    public func json() -> JSONValue {
        .object([
            ("dataset", .string(base.name)),
            ("title", .string(base.title)),
            ("method", .string(methodDescription)),
            ("sets", .array(analyses.map(setJSON))),
            ("curves", .array(curves.map { c in
                .object([("slug", .string(EvidenceReport.curveSlug(c))), ("therapy", .string(c.therapy.rawValue)),
                         ("studies", .array(Array(Set(c.rows.map(\.study))).sorted().map(JSONValue.string))),
                         ("outcome_ids", .array(c.outcomes.map { .string($0.id) })),
                         ("rows", .array((c.result?.rows ?? []).map { .object([("time", .num($0.time)), ("surv", .num($0.surv)), ("ci_low", .num($0.ciLow)), ("ci_high", .num($0.ciHigh))]) })),
                         ("note", .string(TherapyCurve.approximation)), ("failure", .str(c.failure))])
            })),
            ("excluded", .array(excluded.map { e in
                .object([("outcome_id", .string(e.outcome.id)), ("study_id", .string(e.outcome.studyID)),
                         ("endpoint", .string(e.outcome.endpoint)), ("measure", .string(e.outcome.measure)),
                         ("value", .string(e.outcome.valueText)), ("reason", .string(e.reason))])
            })),
        ])
    }

    func setJSON(_ a: SetAnalysis) -> JSONValue {
        var fields: [(String, JSONValue)] = [
            ("slug", .string(a.set.slug)), ("title", .string(a.set.title)), ("therapy", .string(a.set.therapy.rawValue)),
            ("kind", .string(a.set.kind.rawValue)), ("endpoint", .string(a.set.endpoint)), ("years", .num(a.set.years)),
            ("k", .integer(a.included.count)),
            ("studies", .array(a.included.map { f in
                .object([("outcome_id", .string(f.outcome.id)), ("study_id", .string(f.outcome.studyID)), ("study", .string(f.label)),
                         ("n", .num(f.outcome.n)), ("value", .string(f.outcome.valueText)), ("unit", .string(f.outcome.unit)),
                         ("yi", .num(f.effect.yi)), ("vi", .num(f.effect.vi)),
                         ("weight", .num(a.fit.map { $0.model.weightsPercent[a.included.firstIndex(of: f)!] })),
                         ("verification", .string(f.outcome.verification)), ("location", .string(f.outcome.location)),
                         ("doi_or_pmid", .str(f.outcome.doiOrPMID)), ("source_url", .str(f.outcome.sourceURL)),
                         ("notes", .array(f.notes.map(JSONValue.string)))])
            })),
            ("excluded", .array(a.excluded.map { .object([("outcome_id", .string($0.outcome.id)), ("reason", .string($0.reason))]) })),
        ]
        if let fit = a.fit {
            let report = PoolReport(fit: fit, scale: EvidenceReport.scale(a.scale))
            fields.append(("pooled", .object(report.json().filter { ["method", "test", "level", "measure", "estimate", "se", "ci_low", "ci_high", "pi_low", "pi_high", "tau2", "i2", "h2", "q", "q_df", "q_p", "back_transformed"].contains($0.0) })))
        } else {
            fields.append(("pooled", .null))
            fields.append(("failure", .str(a.failure)))
        }
        return .object(fields)
    }

    /// A set's figures as an input file for the matching command (`landmark`, `median` or `pool`),
    /// with the outcome id, verification and source as extra columns, so the analysis can be rerun
    /// and varied from the shell.
    public static func exportCSV(_ a: SetAnalysis) -> String {
        let provenance = ["outcome_id", "verification", "doi_or_pmid"]
        var header: [String]
        var rows: [[String]] = []
        switch a.set.kind {
        case .landmark: header = ["study", "surv", "ci_low", "ci_high", "n"]
        case .median: header = ["study", "median", "ci_low", "ci_high", "events"]
        case .hazardRatio: header = ["study", "hr", "ci_low", "ci_high", "ci_level"]
        }
        header += provenance
        for f in a.included {
            let o = f.outcome
            let t = NumberFormat.compact
            var r: [String]
            switch a.set.kind {
            case .landmark:
                let factor = o.unit == "percent" ? 100.0 : 1.0
                r = [f.label, o.value.map { t($0 / factor) } ?? "", o.ciLow.map { t($0 / factor) } ?? "", o.ciHigh.map { t($0 / factor) } ?? "", o.n.map(t) ?? ""]
            case .median:
                let factor = (o.valueInMonths ?? 0) / (o.value ?? 1)
                r = [f.label, o.valueInMonths.map(t) ?? "", o.ciLow.map { t($0 * factor) } ?? "", o.ciHigh.map { t($0 * factor) } ?? "", o.events.map(t) ?? ""]
            case .hazardRatio:
                r = [f.label, o.valueText, o.ciLow.map(t) ?? "", o.ciHigh.map(t) ?? "", o.ciLevel.map(t) ?? ""]
            }
            rows.append(r + [o.id, o.verification, o.doiOrPMID ?? ""])
        }
        return TextTable(header: header, rows: rows).csv()
    }

    /// The excluded figures as CSV.
    public func excludedCSV() -> String { excludedTable().csv() }
}

