import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

struct MetaReg: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metareg",
        abstract: "Mixed-effects meta-regression on study-level moderators (metafor's rma(mods = ...)), with an optional permutation test.",
        discussion: """
        --mods lists moderator columns, comma-separated. A column whose values are all numbers enters as \
        is; any other column is categorical, dummy-coded against its first level in sorted order (named \
        COLUMNlevel). factor(col) makes a numeric column categorical; a:b adds the interaction (product of \
        the coded columns). Studies with a missing moderator are left out and listed.

        Examples:
          survmeta metareg trials.csv --mods year,design --format json
          survmeta metareg trials.csv --mods dose,factor(arm),dose:factor(arm) --test knha
          survmeta metareg trials.csv --mods year --permutations 1000 --seed 42
        """
    )

    @Argument(help: ArgumentHelp("Study-level CSV ('-' reads standard input).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Moderators: col[,col2][,factor(col3)][,col:col2].", valueName: "list"))
    var mods: String

    @OptionGroup var model: ModelOptions

    @Option(help: ArgumentHelp("Run a permutation test with this many permutations (exact when there are no more distinct ones).", valueName: "n"))
    var permutations: Int?

    @Option(help: "Seed of the permutation test.")
    var seed: UInt64 = 1

    @Flag(help: "Enumerate every distinct permutation, however many.")
    var exact = false

    @Option(help: "Analysis scale for events,n rows (a proportion measure); see `survmeta pool`.")
    var measure: EffectMeasure?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let permutations, permutations < 2 { throw ValidationError("--permutations must be at least 2 (got \(permutations))") }
        if ModeratorDesign.parseTerms(mods).isEmpty { throw ValidationError("--mods needs at least one moderator column") }
    }

    func run() throws {
        let table = try CSVReader.read(path: file)
        let studies = try StudyTable.load(table, proportionMeasure: measure)
        let design = try ModeratorDesign.build(studies, terms: ModeratorDesign.parseTerms(mods), headerLine: table.headerLine)
        let regression = MetaRegression(estimator: model.method, test: model.test, level: model.level, control: model.control)
        let fit = try regression.fit(design.studies, design: design.matrix, names: design.names)
        var permutation: PermutationTestResult? = nil
        if permutations != nil || exact {
            let configured = MixedEffectsModel(estimator: model.method, test: fit.model.test, level: model.level, control: model.control)
            permutation = try PermutationTest(iterations: permutations ?? 1000, seed: seed, exact: exact)
                .run(configured, studies: design.studies, design: design.matrix, names: design.names, observed: fit.model,
                     progress: { [bar = ProgressBar("permutations")] in bar.update($0, $1) })
        }
        let variables = design.variables.map { v -> (column: String, coding: String) in
            switch v.kind {
            case .continuous: return (v.column, "continuous")
            case .categorical(let levels): return (v.column, "categorical (reference \(levels[0]); levels " + levels.joined(separator: ", ") + ")")
            }
        }
        let report = MetaRegressionReport(fit: fit, permutation: permutation, variables: variables,
                                          notes: design.omitted.map(\.description) + design.notes)
        try output.target.write(render(report))
    }

    private func render(_ report: MetaRegressionReport) -> String {
        switch output.format {
        case .json: return JSONValue.object(report.json()).serialized() + "\n"
        case .table: return report.table()
        case .md: return report.markdown()
        case .csv: return report.csv()
        }
    }
}
