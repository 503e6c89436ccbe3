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
        let table = try CSVReader.read(path: file)
        if glmm { return try runGLMM(table) }
        let studies = try StudyTable.load(table, proportionMeasure: measure)
        let fit = try RandomEffectsModel(estimator: model.method, test: model.test, level: model.level,
                                         predictionInterval: pi, control: model.control).fit(studies.effects)
        let report = PoolReport(fit: fit, measure: resolvedMeasure(studies), conversions: studies.records.map(\.converted.conversion),
                                studyNotes: Dictionary(studies.records.map { ($0.label, $0.converted.notes) }, uniquingKeysWith: +),
                                harmonicMeanN: harmonicMeanN(table, studies))
        try plot.write(ForestPlot(report: report, title: "Pooled analysis: \(URL(fileURLWithPath: file).lastPathComponent)", level: model.level).rendered())
        try output.target.write(PoolRendering.render(report, format: output.format))
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

    private func resolvedMeasure(_ studies: StudyTable) -> EffectMeasure {
        if let measure { return measure }
        let hrConversions: Set<EffectConversion> = [.hazardRatioCI, .logHazardRatioSE, .hazardRatioP, .observedMinusExpected, .hazardRatioEvents]
        return studies.records.allSatisfy { hrConversions.contains($0.converted.conversion) } ? .HR : .GEN
    }

    private func harmonicMeanN(_ table: CSVTable, _ studies: StudyTable) -> Double? {
        guard measure == .PFT else { return nil }
        var issues: [InputIssue] = []
        let ns = table.rows.compactMap { table.number($0, "n", issues: &issues, required: false) }
        guard !ns.isEmpty else { return nil }
        return Double(ns.count) / ns.reduce(0) { $0 + 1 / $1 }
    }

}
