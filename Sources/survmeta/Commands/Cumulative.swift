import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

struct Cumulative: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Cumulative meta-analysis: the pooled model after each added study (metafor's cumul).",
        discussion: """
        Studies are added in input order, or sorted by --order-by COLUMN (ascending; numerically when every \
        value is a number; ties keep input order; studies with no value come last). Step 1 has one study and \
        reports what metafor reports: Q = 0, p(Q) = 1, I^2 = 0, H^2 = 1.

        Example:
          survmeta cumulative trials.csv --order-by year --format json
        """
    )

    @Argument(help: ArgumentHelp("Study-level CSV ('-' reads standard input).", valueName: "file"))
    var file: String

    @Option(name: .customLong("order-by"), help: ArgumentHelp("Add the studies in increasing order of this column.", valueName: "column"))
    var orderBy: String?

    @Flag(help: "With --order-by, add the studies in decreasing order.")
    var decreasing = false

    @OptionGroup var model: ModelOptions

    @Option(help: "Analysis scale for events,n rows (a proportion measure); see `survmeta pool`.")
    var measure: EffectMeasure?

    @OptionGroup var output: OutputOptions

    func run() throws {
        let table = try CSVReader.read(path: file)
        let studies = try StudyTable.load(table, proportionMeasure: measure)
        var order: [Int]? = nil
        var column: String? = nil
        var notes: [String] = []
        if let orderBy {
            let name = try ModeratorDesign.resolveColumn(orderBy, table: studies, headerLine: table.headerLine)
            column = name
            let texts = studies.records.map { ($0.moderators[name] ?? nil)?.trimmingCharacters(in: .whitespaces) }
            let numbers = texts.map { $0.flatMap(Double.init) }
            let numeric = zip(texts, numbers).allSatisfy { $0.0 == nil || $0.1 != nil }
            if numeric {
                order = CumulativeMetaAnalysis.order(by: numbers.map { $0.map { decreasing ? -$0 : $0 } })
            } else {
                let levels = Array(Set(texts.compactMap { $0 })).sorted { a, b in
                    let o = a.lowercased().compare(b.lowercased(), options: .literal)
                    return o != .orderedSame ? o == .orderedAscending : a < b
                }
                let rank = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($0.element, Double($0.offset)) })
                order = CumulativeMetaAnalysis.order(by: texts.map { $0.flatMap { rank[$0] }.map { decreasing ? -$0 : $0 } })
            }
            for (i, t) in texts.enumerated() where t == nil {
                notes.append("study \"\(studies.records[i].label)\" (line \(studies.records[i].line)) has no \"\(name)\": added last")
            }
        }
        let result = try CumulativeMetaAnalysis(estimator: model.method, test: model.test, level: model.level, control: model.control)
            .run(studies.effects, order: order)
        let report = SensitivityReport(kind: .cumulative, rows: result.rows, estimator: model.method, test: model.test,
                                       level: model.level, orderBy: column.map { decreasing ? "\($0) (decreasing)" : $0 }, notes: notes)
        try output.target.write(SensitivityOutput.render(report, output.format))
    }
}
