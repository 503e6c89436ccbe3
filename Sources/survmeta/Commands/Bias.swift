import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

extension TrimAndFill.Estimator: ExpressibleByArgument {}
extension TrimAndFill.Side: ExpressibleByArgument {}

struct Bias: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Publication bias: Egger regression, Begg-Mazumdar rank correlation, trim-and-fill, fail-safe N, funnel-plot coordinates.",
        discussion: """
        Methods (all by default, or a subset with --only): egger (metafor's regtest: mixed-effects model with \
        sei as predictor), egger_lm (classical weighted regression), begg (ranktest), trimfill (L0 or R0; side \
        chosen as metafor unless --side), fsn (Rosenthal, Orwin, Rosenberg). A method that the data cannot \
        support (e.g. fewer than 3 studies for the regression test) is reported as not computed; asked for \
        alone with --only, it is an error. --format csv writes the funnel-plot coordinates (studies, filled \
        studies and the pseudo-confidence contour); --funnel-csv writes them to a file with any format.

        Example:
          survmeta bias trials.csv --format json --funnel-csv funnel.csv
        """
    )

    @Argument(help: ArgumentHelp("Study-level CSV ('-' reads standard input).", valueName: "file"))
    var file: String

    @OptionGroup var model: ModelOptions

    @Option(help: ArgumentHelp("Only these methods: egger, egger_lm, begg, trimfill, fsn (comma-separated).", valueName: "list"))
    var only: String?

    @Option(name: .customLong("trimfill-estimator"), help: "Estimator of the number of missing studies.")
    var trimfillEstimator: TrimAndFill.Estimator = .L0

    @Option(help: "Side of the funnel where studies are missing (default: chosen as metafor does).")
    var side: TrimAndFill.Side?

    @Option(name: .customLong("orwin-target"), help: ArgumentHelp("Orwin's target effect on the analysis scale (default: half the mean).", valueName: "x"))
    var orwinTarget: Double?

    @Option(help: "Alpha of Rosenthal's and Rosenberg's fail-safe N.")
    var alpha: Double = 0.05

    @Option(name: .customLong("funnel-csv"), help: ArgumentHelp("Also write the funnel-plot coordinates to this CSV file.", valueName: "file"))
    var funnelCSV: String?

    @Option(help: "Analysis scale for events,n rows (a proportion measure); see `survmeta pool`.")
    var measure: EffectMeasure?

    @OptionGroup var output: OutputOptions

    @OptionGroup var plot: PlotOptions

    func validate() throws {
        guard alpha > 0 && alpha < 1 else { throw ValidationError("--alpha must lie strictly between 0 and 1") }
        _ = try methods()
    }

    private func methods() throws -> Set<PublicationBiasAnalysis.Method> {
        guard let only else { return Set(PublicationBiasAnalysis.Method.allCases) }
        var set: Set<PublicationBiasAnalysis.Method> = []
        for name in only.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) where !name.isEmpty {
            guard let method = PublicationBiasAnalysis.Method(rawValue: name) else {
                throw ValidationError("--only: unknown method '\(name)'; expected egger, egger_lm, begg, trimfill or fsn")
            }
            set.insert(method)
        }
        if set.isEmpty { throw ValidationError("--only needs at least one method") }
        return set
    }

    func run() throws {
        let table = try CSVReader.read(path: file)
        let studies = try StudyTable.load(table, proportionMeasure: measure)
        let methods = try methods()
        let result = try PublicationBiasAnalysis(
            estimator: model.method, test: model.test, level: model.level, control: model.control,
            trimFillEstimator: trimfillEstimator, trimFillSide: side, orwinTarget: orwinTarget, alpha: alpha,
            methods: methods).run(studies.effects)
        if only != nil, result.failures.count == methods.count {
            throw CLIFailure.input("\(table.source): " + result.failures.map { "\($0.method.rawValue) cannot be computed: \($0.message)" }.joined(separator: "; "))
        }
        let report = BiasReport(result: result)
        if let funnelCSV { try OutputTarget(path: funnelCSV).write(report.funnelCSV()) }
        try plot.write(FunnelPlotSVG(data: result.funnel, title: "Funnel plot: \(URL(fileURLWithPath: file).lastPathComponent)").rendered())
        let text: String
        switch output.format {
        case .json: text = JSONValue.object(report.json()).serialized() + "\n"
        case .table: text = report.table()
        case .md: text = report.markdown()
        case .csv: text = report.funnelCSV()
        }
        try output.target.write(text)
    }
}
