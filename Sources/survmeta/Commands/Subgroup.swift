import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

struct Subgroup: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Subgroup analysis: a model per subgroup, the test for subgroup differences (Q between) and the mixed-effects moderator test.",
        discussion: """
        Subgroups are the values of the --by column, in sorted order (numerically when all are numbers). \
        Each subgroup gets its own tau^2 unless --common-tau2. A subgroup with a single study is fitted as \
        metafor fits k = 1 (tau^2 = 0, Q = 0), with a warning. Studies with no value in the --by column are \
        left out and listed.

        Example:
          survmeta subgroup trials.csv --by region --format json
        """
    )

    @Argument(help: ArgumentHelp("Study-level CSV ('-' reads standard input).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("The column that defines the subgroups.", valueName: "column"))
    var by: String

    @Flag(name: .customLong("common-tau2"), help: "One tau^2 shared by all subgroups (rma(mods = ~ factor(g) - 1)).")
    var commonTau2 = false

    @OptionGroup var model: ModelOptions

    @Option(help: "Analysis scale for events,n rows (a proportion measure); see `survmeta pool`.")
    var measure: EffectMeasure?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let table = try CSVReader.read(path: file)
        let studies = try StudyTable.load(table, proportionMeasure: measure)
        let grouping = try ModeratorDesign.grouping(studies, by: by, headerLine: table.headerLine)
        let used = grouping.assignments.indices.filter { grouping.assignments[$0] != nil }
        let column = try ModeratorDesign.resolveColumn(by, table: studies, headerLine: table.headerLine)
        guard grouping.levels.count >= 2 else {
            throw CLIFailure.input("\(table.source): column \"\(column)\" has \(grouping.levels.count == 1 ? "the single value \"\(grouping.levels[0])\"" : "no values") in the studies; a subgroup analysis needs at least 2 subgroups")
        }
        let result = try SubgroupAnalysis(estimator: model.method, test: model.test, level: model.level,
                                          control: model.control, commonTau2: commonTau2)
            .fit(used.map { studies.records[$0].effect }, groups: used.map { grouping.assignments[$0]! }, levels: grouping.levels)
        let report = SubgroupReport(result: result, by: column, estimator: model.method, test: model.test, level: model.level,
                                    notes: grouping.omitted.map(\.description))
        let text: String
        switch output.format {
        case .json: text = JSONValue.object(report.json()).serialized() + "\n"
        case .table: text = report.table()
        case .md: text = report.markdown()
        case .csv: text = report.csv()
        }
        try output.target.write(text)
    }
}
