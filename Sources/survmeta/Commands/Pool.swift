import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

struct Pool: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pool study effects (hazard ratios, log HRs, O−E/V, yi/vi, proportions) with a fixed- or random-effects model.",
        discussion: """
        Each row gives one of: yi,vi | yi,sei | hr,ci_low,ci_high[,ci_level] | loghr,se | hr,p | o_minus_e,v | hr,events[,ratio] \
        | events,n (with --measure PLO|PFT|PAS|PLN|PR). An optional 'direction' column (control_vs_experimental) inverts an HR.

        Example:
          survmeta pool trials.csv --method REML --test knha --format json
        """
    )

    @Argument(help: ArgumentHelp("Study-level CSV ('-' reads standard input).", valueName: "file"))
    var file: String

    @OptionGroup var model: ModelOptions

    @Option(help: "Prediction interval: metafor (default) or higgins (t with k − 2 df).")
    var pi: PredictionIntervalKind = .metafor

    @Option(name: .customLong("tau2-ci"), help: "Interval for τ², I², H²: qprofile (default; metafor's confint) or genq (Biggerstaff–Jackson: the DerSimonian–Laird Q against its exact distribution; metafor's confint(type = \"GENQ\")).")
    var tau2CI: HeterogeneityIntervalMethod = .qProfile

    @Option(help: "Analysis scale: GEN, HR (log HR in, HR shown), or a proportion measure for events,n rows. Default: HR when every row gives a hazard ratio, else GEN.")
    var measure: EffectMeasure?

    @Flag(help: "With events,n and --measure PLO: fit the binomial-normal GLMM by ML (metafor rma.glmm) instead of pooling logits.")
    var glmm = false

    @Option(name: .customLong("quadrature-points"), help: "Adaptive Gauss–Hermite points for --glmm (metafor/lme4 default 7).")
    var quadraturePoints: Int = 7

    @OptionGroup var output: OutputOptions

    @OptionGroup var plot: PlotOptions

    func validate() throws {
        if glmm && measure != .PLO { throw ValidationError("--glmm needs --measure PLO (events,n rows)") }
        guard quadraturePoints >= 1 && quadraturePoints <= 100 else { throw ValidationError("--quadrature-points must lie in 1…100") }
    }

    func run() throws {
        if glmm { return try runGLMM(try CSVReader.read(path: file)) }
        // Read column-wise and write as produced: at 100,000 studies neither the rows nor the output
        // text are ever held whole (cli-contract: same bytes as building them).
        let studies = try StudyColumns.read(path: file, proportionMeasure: measure, harmonicMeanColumn: measure == .PFT ? "n" : nil)
        let fit = try RandomEffectsModel(estimator: model.method, test: model.test, level: model.level,
                                         predictionInterval: pi, control: model.control, tau2Interval: tau2CI).fit(studies.effects)
        let report = PoolReport(fit: fit, measure: resolvedMeasure(studies.conversions), conversions: studies.conversions,
                                studyNotes: studies.notes, harmonicMeanN: studies.harmonicMean)
        try plot.write(ForestPlot(report: report, title: "Pooled analysis: \(URL(fileURLWithPath: file).lastPathComponent)", level: model.level).rendered())
        try StreamedOutput.write(to: output.target) { sink in
            switch output.format {
            case .json:
                report.writeJSON(to: sink, trailer: RunContext.record.map { [("record", $0.json)] } ?? [])
                sink.write("\n")
            case .table: report.writeTable(to: sink)
            case .md: report.writeMarkdown(to: sink)
            case .csv: report.writeCSV(to: sink)
            }
        }
    }

    private func runGLMM(_ table: CSVTable) throws {
        let studies = try StudyTable.load(table, proportionMeasure: .PLO)
        var issues: [InputIssue] = []
        let rows = table.rows.filter { r in studies.records.contains { $0.line == r.line } }
        let events = rows.compactMap { table.number($0, "events", issues: &issues) }
        let n = rows.compactMap { table.number($0, "n", issues: &issues) }
        if !issues.isEmpty { throw InputErrors(issues) }
        let fit = try BinomialNormalModel(quadraturePoints: quadraturePoints, level: model.level).fit(events: events, n: n)
        let report = GLMMReport(fit: fit, labels: studies.records.map(\.label))
        let text: String
        switch output.format {
        case .json: text = JSONValue.object(report.json()).serialized() + "\n"
        case .csv: text = report.csv()
        case .table, .md: text = report.table()
        }
        try output.target.write(text)
    }

    private func resolvedMeasure(_ conversions: [EffectConversion]) -> EffectMeasure {
        if let measure { return measure }
        let hrConversions: Set<EffectConversion> = [.hazardRatioCI, .logHazardRatioSE, .hazardRatioP, .observedMinusExpected, .hazardRatioEvents]
        return conversions.allSatisfy { hrConversions.contains($0) } ? .HR : .GEN
    }
}
