import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

struct Influence: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Influence diagnostics (metafor's influence): rstudent, DFFITS, Cook's D, COVRATIO, tau^2 and QE without each study, hat, weight, DFBETAS, Baujat coordinates.",
        discussion: """
        A study is flagged influential as metafor flags it: |DFFITS| > 3*sqrt(p/(k-p)), P(chi2_p <= Cook's D) > 0.5, \
        hat > 3p/k, or any |DFBETAS| > 1. With --mods, the diagnostics are those of the meta-regression.

        Example:
          survmeta influence trials.csv --format json
        """
    )

    @Argument(help: ArgumentHelp("Study-level CSV ('-' reads standard input).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Diagnose a meta-regression on these moderators (as `survmeta metareg --mods`).", valueName: "list"))
    var mods: String?

    @OptionGroup var model: ModelOptions

    @Option(help: "Analysis scale for events,n rows (a proportion measure); see `survmeta pool`.")
    var measure: EffectMeasure?

    @OptionGroup var output: OutputOptions

    @OptionGroup var plot: PlotOptions

    func run() throws {
        let table = try CSVReader.read(path: file)
        let studies = try StudyTable.load(table, proportionMeasure: measure)
        let design = try ModeratorDesign.build(studies, terms: ModeratorDesign.parseTerms(mods ?? ""), headerLine: table.headerLine)
        guard design.studies.count >= 2 else {
            throw CLIFailure.input("\(table.source): influence diagnostics need at least 2 studies; \(design.studies.count) available")
        }
        if design.matrix.columns > 1 {
            // The same checks and messages as `metareg` (constant or aliased moderators, too few studies).
            _ = try MetaRegression(estimator: model.method, test: model.test, level: model.level, control: model.control)
                .fit(design.studies, design: design.matrix, names: design.names)
        }
        let result = try InfluenceDiagnostics(estimator: model.method, test: model.test, level: model.level, control: model.control)
            .run(design.studies, design: design.matrix, names: design.names)
        let report = InfluenceReport(result: result, notes: design.omitted.map(\.description) + design.notes)
        let text: String
        switch output.format {
        case .json: text = JSONValue.object(report.json()).serialized() + "\n"
        case .table: text = report.table()
        case .md: text = report.markdown()
        case .csv: text = report.csv()
        }
        try plot.write(BaujatPlotSVG(points: result.rows.compactMap { r in r.baujatY.map { (r.study, r.baujatX, $0) } },
                                     title: "Baujat plot: \(URL(fileURLWithPath: file).lastPathComponent)").rendered())
        try output.target.write(text)
    }
}
