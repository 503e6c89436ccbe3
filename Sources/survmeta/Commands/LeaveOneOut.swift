import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

struct LeaveOneOutCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loo",
        abstract: "Leave-one-out analysis: the pooled model refitted without each study in turn (metafor's leave1out).",
        discussion: """
        Example:
          survmeta loo trials.csv --method REML --format csv
        """
    )

    @Argument(help: ArgumentHelp("Study-level CSV ('-' reads standard input).", valueName: "file"))
    var file: String

    @OptionGroup var model: ModelOptions

    @Option(help: "Analysis scale for events,n rows (a proportion measure); see `survmeta pool`.")
    var measure: EffectMeasure?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let table = try CSVReader.read(path: file)
        let studies = try StudyTable.load(table, proportionMeasure: measure)
        guard studies.records.count >= 2 else {
            throw CLIFailure.input("\(table.source): leave-one-out needs at least 2 studies; the file has \(studies.records.count)")
        }
        let result = try LeaveOneOut(estimator: model.method, test: model.test, level: model.level, control: model.control)
            .run(studies.effects)
        let report = SensitivityReport(kind: .leaveOneOut, rows: result.rows, estimator: model.method, test: model.test,
                                       level: model.level, full: result.full.model)
        try output.target.write(SensitivityOutput.render(report, output.format))
    }
}

/// The four renderings shared by `loo` and `cumulative`.
enum SensitivityOutput {
    static func render(_ report: SensitivityReport, _ format: OutputFormat) -> String {
        switch format {
        case .json: return JSONValue.object(report.json()).serialized() + "\n"
        case .table: return report.table()
        case .md: return report.markdown()
        case .csv: return report.csv()
        }
    }
}
