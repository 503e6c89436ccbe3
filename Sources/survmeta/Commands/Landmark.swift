import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

extension LandmarkTransform: ExpressibleByArgument {}

struct Landmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pool survival at a landmark time (e.g. 5-year OS) across single-arm series.",
        discussion: """
        Rows: study, surv, plus one of ci_low,ci_high[,ci_level] | nrisk | n (optional: time). The variance comes \
        from the CI (its scale — plain, log, log-log, logit, arcsine — detected from its asymmetry), else from the \
        number at risk (Peto), else from N (flagged as optimistic).

        Example:
          survmeta landmark os5.csv --transform cloglog --method REML --format json
        """
    )

    @Argument(help: ArgumentHelp("Landmark-survival CSV ('-' reads standard input).", valueName: "file"))
    var file: String

    @Option(help: "Analysis scale.")
    var transform: LandmarkTransform = .cloglog

    @Flag(help: "Survival and CI are percentages (0–100).")
    var percent = false

    @OptionGroup var model: ModelOptions

    @Option(help: "Prediction interval: metafor (default) or higgins (t with k − 2 df).")
    var pi: PredictionIntervalKind = .metafor

    @OptionGroup var output: OutputOptions

    @OptionGroup var plot: PlotOptions

    func run() throws {
        let table = try LandmarkTable.load(try CSVReader.read(path: file), percent: percent)
        let effects = try table.effects(transform: transform)
        let fit = try RandomEffectsModel(estimator: model.method, test: model.test, level: model.level,
                                         predictionInterval: pi, control: model.control).fit(effects.map(\.effect))
        let nhm = Double(effects.count) / effects.reduce(0) { $0 + 1 / $1.effectiveSampleSize }
        var notes: [String] = []
        if table.times.count > 1 {
            notes.append("the rows give different landmark times (\(table.times.map { NumberFormat.fixed($0, 2) }.joined(separator: ", "))): pool one time at a time")
        }
        let extras = Dictionary(effects.map { e -> (String, [(String, JSONValue)]) in
            (e.effect.label, [("variance_source", .string(e.source.rawValue)), ("ci_scale", .str(e.ciScale?.rawValue)),
                              ("effective_n", .num(e.effectiveSampleSize))])
        }, uniquingKeysWith: { a, _ in a })
        let report = PoolReport(fit: fit, scale: .landmark(transform, harmonicMeanN: nhm),
                                studyNotes: Dictionary(effects.map { ($0.effect.label, $0.notes) }, uniquingKeysWith: +),
                                studyExtras: extras, notes: notes)
        try plot.write(ForestPlot(report: report, title: "Landmark survival: \(URL(fileURLWithPath: file).lastPathComponent)", level: model.level).rendered())
        try output.target.write(PoolRendering.render(report, format: output.format))
    }
}

/// Renders a pooled report in the requested format.
enum PoolRendering {
    static func render(_ report: PoolReport, format: OutputFormat) -> String {
        switch format {
        case .json: return JSONValue.object(report.json()).serialized() + "\n"
        case .table: return report.table()
        case .md: return report.markdown()
        case .csv: return report.csv()
        }
    }
}
