import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

struct Median: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pool median survival times on the log scale (all studies in the same time unit).",
        discussion: """
        Rows: study, median, plus ci_low,ci_high[,ci_level] (leave ci_high empty when "not reached") or events. \
        With events only, SE(ln median) = 1/√events (exponential approximation, flagged).

        Example:
          survmeta median medians.csv --method REML --format json
        """
    )

    @Argument(help: ArgumentHelp("Median-survival CSV ('-' reads standard input).", valueName: "file"))
    var file: String

    @OptionGroup var model: ModelOptions

    @Option(help: "Prediction interval: metafor (default) or higgins (t with k − 2 df).")
    var pi: PredictionIntervalKind = .metafor

    @OptionGroup var output: OutputOptions

    @OptionGroup var plot: PlotOptions

    func run() throws {
        let table = try MedianTable.load(try CSVReader.read(path: file))
        let fit = try RandomEffectsModel(estimator: model.method, test: model.test, level: model.level,
                                         predictionInterval: pi, control: model.control).fit(table.effects.map(\.effect))
        let extras = Dictionary(table.effects.map { ($0.effect.label, [("variance_source", JSONValue.string($0.source.rawValue))]) },
                                uniquingKeysWith: { a, _ in a })
        let report = PoolReport(fit: fit, scale: .logMedian,
                                studyNotes: Dictionary(table.effects.map { ($0.effect.label, $0.notes) }, uniquingKeysWith: +),
                                studyExtras: extras)
        try plot.write(ForestPlot(report: report, title: "Median survival: \(URL(fileURLWithPath: file).lastPathComponent)", level: model.level).rendered())
        try output.target.write(PoolRendering.render(report, format: output.format))
    }
}
