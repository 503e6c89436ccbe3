import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

extension SummaryCurveEffects: ExpressibleByArgument {}
extension SummaryCurveTauEstimator: ExpressibleByArgument {}

/// `--compat risca` reproduces RISCA::survival.summary, quirks included.
enum CurveCompat: String, CaseIterable, ExpressibleByArgument { case none, risca }
/// Pointwise band: delta method on log S, or seeded Monte Carlo.
enum CurveCI: String, CaseIterable, ExpressibleByArgument { case delta, montecarlo }

struct Curve: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pool single-arm survival curves into a summary survival curve (Combescure, Foucher & Jackson 2014).",
        discussion: """
        Input: long rows study,time,surv,n (n = number at risk for the interval ending at time; surv in 0–1). \
        Studies need no common grid. Output rows time,surv,ci_low,ci_high; JSON adds median, rmst, Q, H², I² and \
        per-interval heterogeneity. --compat risca reproduces RISCA::survival.summary exactly, quirks included.

        Example:
          survmeta curve series.csv --model random --format csv --svg curve.svg
        """
    )

    @Argument(help: ArgumentHelp("Long-format curve CSV ('-' reads standard input).", valueName: "file"))
    var file: String

    @Option(help: "Fixed or random effects.")
    var model: SummaryCurveEffects = .random

    @Option(help: "Between-study covariance: DL (moments, as the paper) or REML.")
    var tau: SummaryCurveTauEstimator = .DL

    @Option(help: "Compatibility mode: none (default, quirks fixed) or risca.")
    var compat: CurveCompat = .none

    @Option(help: "Pointwise CI: delta (on log S) or montecarlo.")
    var ci: CurveCI = .delta

    @Option(help: "Monte Carlo draws.")
    var draws: Int = 10_000

    @Option(help: "Seed of the Monte Carlo draws.")
    var seed: UInt64 = 20_140_213

    @Option(name: .customLong("rmst-tau"), help: "Horizon of the restricted mean survival time (default: the last time).")
    var rmstTau: Double?

    @Option(help: ArgumentHelp("Compare the curves of the strata in this column (e.g. resection vs embolization): between-strata Q test.", valueName: "column"))
    var strata: String?

    @OptionGroup var output: OutputOptions

    @OptionGroup var plot: PlotOptions

    func run() throws {
        let table = try CSVReader.read(path: file)
        try table.require(["study", "time", "surv", "n"])
        var issues: [InputIssue] = []
        var rows: [SummaryCurveRow] = []
        for row in table.rows {
            let t = table.number(row, "time", issues: &issues, expected: "a time ≥ 0")
            let s = table.number(row, "surv", issues: &issues, expected: "survival in 0–1")
            let n = table.number(row, "n", issues: &issues, required: false, expected: "a number at risk > 0")
            if let t, let s {
                rows.append(SummaryCurveRow(study: table.text(row, "study") ?? "line \(row.line)", time: t, surv: s, n: n,
                                            stratum: table.text(row, strata ?? "stratum"), line: row.line))
            }
        }
        if !issues.isEmpty { throw InputErrors(issues) }
        let mc = SummaryCurveMonteCarloSpec(draws: draws, seed: seed)
        let confidence: SummaryCurveConfidence = ci == .delta ? .delta : .monteCarlo
        let spec = compat == .risca
            ? SummaryCurveModel.risca(effects: model, confidence: confidence, monteCarlo: mc)
            : SummaryCurveModel(effects: model, tauEstimator: tau, confidence: confidence, monteCarlo: mc, rmstTau: rmstTau)
        if let strata {
            guard table.hasColumn(strata) else {
                throw InputErrors(InputIssue(file: table.source, line: table.headerLine, columnName: strata, problem: "required column is missing",
                                             expected: "a column named \"\(strata)\" (--strata)", hint: "the header has " + table.header.map { "\"\($0)\"" }.joined(separator: ", ")))
            }
            let mc = SummaryCurveMonteCarloSpec(draws: draws, seed: seed)
            let spec = compat == .risca ? SummaryCurveModel.risca(effects: model, monteCarlo: mc)
                : SummaryCurveModel(effects: model, tauEstimator: tau, monteCarlo: mc, rmstTau: rmstTau)
            let comparison: SummaryCurveStrataComparison
            do { comparison = try spec.compareStrata(rows) } catch let e as SummaryCurveInputError {
                throw CLIFailure.input("error in input data: \(table.source): \(e.description)")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "null", negativeInfinity: "null", nan: "null")
            if output.format == .json {
                try output.target.write(String(decoding: try encoder.encode(comparison), as: UTF8.self).replacingOccurrences(of: "\"null\"", with: "null") + "\n")
            } else {
                let f = comparison.fixedEffectTest
                var text = String(format: "Between-strata test of the curves by %@ (times ≤ %g): fixed effect Q = %.3f, df %d, p = %@\n",
                                  strata, comparison.timeBound, f.qBetween, f.df, NumberFormat.pValue(f.p))
                if let r = comparison.randomEffectsTest {
                    text += String(format: "random effects (Wald): Q = %.3f, df %d, p = %@\n", r.qBetween, r.df, NumberFormat.pValue(r.p))
                }
                try output.target.write(text)
            }
            return
        }
        let result: SummaryCurveResult
        do {
            result = try spec.fit(rows)
        } catch let e as SummaryCurveInputError {
            throw CLIFailure.input("error in input data: \(table.source): \(e.description)")
        }
        let text: String
        switch output.format {
        case .json:
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted]
            encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "null", negativeInfinity: "null", nan: "null")
            text = String(decoding: try encoder.encode(result), as: UTF8.self).replacingOccurrences(of: "\"null\"", with: "null") + "\n"
        case .csv, .table, .md:
            let t = TextTable(header: ["time", "surv", "ci_low", "ci_high"],
                              rows: result.rows.map { [NumberFormat.full($0.time), NumberFormat.full($0.surv), NumberFormat.full($0.ciLow), NumberFormat.full($0.ciHigh)] })
            let head = String(format: "Summary survival curve (%@ effects%@): Q = %.3f (df %d), I² = %@%%, median %@, RMST to %g = %@\n\n",
                              result.model.rawValue, compat == .risca ? ", RISCA compatibility" : "", result.q, result.qDF,
                              result.i2.map { String(format: "%.1f", $0) } ?? "NA",
                              result.median.estimate.map { String(format: "%.3g", $0) } ?? "NA", result.rmstTau,
                              result.rmst.estimate.map { String(format: "%.3g", $0) } ?? "NA")
            text = output.format == .csv ? t.csv() : (output.format == .md ? t.markdown() : head + t.plainText())
        }
        let byStudy = Dictionary(grouping: rows, by: \.study)
        try plot.write(SummaryCurvePlot(pooled: result.rows,
                                        studies: byStudy.keys.sorted().map { k in (k, byStudy[k]!.map { ($0.time, $0.surv) }) },
                                        title: "Summary survival curve: \(URL(fileURLWithPath: file).lastPathComponent)").rendered())
        try output.target.write(text)
    }
}
