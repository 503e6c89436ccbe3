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

    @OptionGroup var output: OutputOptions

    func run() throws {
        let table = try CSVReader.read(path: file)
        let studies = try StudyTable.load(table, proportionMeasure: measure)
        let fit = try RandomEffectsModel(estimator: model.method, test: model.test, level: model.level,
                                         predictionInterval: pi, control: model.control).fit(studies.effects)
        let report = PoolReport(fit: fit, measure: resolvedMeasure(studies), conversions: studies.records.map(\.converted.conversion),
                                studyNotes: Dictionary(studies.records.map { ($0.label, $0.converted.notes) }, uniquingKeysWith: +),
                                harmonicMeanN: harmonicMeanN(table, studies))
        try output.target.write(PoolRendering.render(report, format: output.format))
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
