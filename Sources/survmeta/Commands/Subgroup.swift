import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting
import StatNumerics

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

    @OptionGroup var plot: PlotOptions

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
        if plot.svg != nil {
            // Forest plot with one block per subgroup: its studies, then its pooled diamond.
            let hr = studies.records.allSatisfy { $0.converted.conversion != .yiVi && $0.converted.conversion != .yiSei }
            let scale: AnalysisScale = .measure(measure ?? (hr ? .HR : .GEN), harmonicMeanN: nil)
            let z = Normal.standard.upperQuantile((1 - model.level) / 2)
            var rows: [ForestPlot.Row] = []
            for g in result.groups {
                rows.append(ForestPlot.Row(kind: .heading, label: "\(column) = \(g.group)"))
                for i in used where grouping.assignments[i] == g.group {
                    let e = studies.records[i].effect
                    let (lo, hi) = scale.backInterval(e.yi - z * e.standardError, e.yi + z * e.standardError)
                    rows.append(ForestPlot.Row(kind: .study, label: e.label, estimate: scale.back(e.yi), low: lo, high: hi))
                }
                let (lo, hi) = scale.backInterval(g.ciLow, g.ciHigh)
                rows.append(ForestPlot.Row(kind: .subgroupPooled, label: "Subgroup \(g.group) (k = \(g.k))", estimate: scale.back(g.estimate), low: lo, high: hi))
            }
            let ratio = scale == .measure(.HR, harmonicMeanN: nil)
            try plot.write(ForestPlot(title: "Subgroups by \(column): \(URL(fileURLWithPath: file).lastPathComponent)", rows: rows,
                                      axisLabel: ratio ? "Hazard ratio (log scale)" : "Estimate", valueHeading: ratio ? "HR [95% CI]" : "Estimate [95% CI]",
                                      logScale: ratio, reference: ratio ? 1 : 0).rendered())
        }
        try output.target.write(text)
    }
}
