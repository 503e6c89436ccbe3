import ArgumentParser
import Foundation
import OutcomeData
import Reporting
import StatNumerics
import Survival

extension CoxTies: ExpressibleByArgument {}

struct Cox: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cox",
        abstract: "Cox proportional-hazards regression on patient-level data: hazard ratio of a group against its reference.",
        discussion: """
        Input rows: time,event (1 = event, 0 = censored), a group column (--by, default arm), and any \
        numeric covariates named by --covariates. As R's coxph(Surv(time, event) ~ arm + covariates \
        + strata(s), ties = …): the group is dummy-coded against the reference level (the first in \
        sorted order, or --ref). hr, its CI, loghr, se and p_wald are those of the first group term \
        (named in 'term'); every term is listed under 'coefficients'. lr_chisq and score_chisq are the \
        global likelihood-ratio and score (log-rank) tests. A run that does not converge exits with \
        code 3.

        Example:
          survmeta cox trial.csv --by arm --ref control --ties efron --format json
        """
    )

    @Argument(help: ArgumentHelp("Patient-level CSV with time,event,group[,covariates…] ('-' reads standard input).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Column of group labels.", valueName: "column"))
    var by: String = "arm"

    @Option(help: ArgumentHelp("Reference level of the group (default: the first in sorted order).", valueName: "level"))
    var ref: String?

    @Option(help: "Handling of tied event times.")
    var ties: CoxTies = .efron

    @Option(help: ArgumentHelp("Numeric covariate columns, comma separated, adjusted for in the model.", valueName: "a,b,…"),
            transform: { try Cox.parseColumns($0) })
    var covariates: [String] = []

    @Option(help: ArgumentHelp("Column of stratum labels: a separate baseline hazard per stratum.", valueName: "column"))
    var strata: String?

    @Option(help: "Confidence level of the hazard-ratio intervals, e.g. 0.95.")
    var level: Double = 0.95

    @Option(name: .customLong("max-iter"), help: "Maximum Newton–Raphson iterations (coxph's iter.max).")
    var maxIterations: Int = 20

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard level > 0 && level < 1 else { throw ValidationError("--level must lie strictly between 0 and 1 (got \(level))") }
        guard maxIterations >= 1 else { throw ValidationError("--max-iter must be at least 1") }
        let columns = [by] + covariates + (strata.map { [$0] } ?? [])
        let lowered = columns.map { $0.lowercased() }
        if Set(lowered).count != lowered.count {
            throw ValidationError("--by, --covariates and --strata must name different columns (got \(columns.joined(separator: ", ")))")
        }
    }

    func run() throws {
        let ipd = try IPDTable.load(try CSVReader.read(path: file), group: by, stratum: strata, covariates: covariates)
        let model = CoxModel(ties: ties, maxIterations: maxIterations, level: level)
        let fit = try model.fit(ipd.data, reference: ref, groupName: ipd.groupColumn ?? by)
        guard fit.converged else {
            throw NumericalError(routine: "Cox partial likelihood (Newton–Raphson)",
                                 reason: "the log partial likelihood did not converge within \(maxIterations) iterations",
                                 iteration: fit.iterations,
                                 remedy: "raise --max-iter, or check for a group or covariate that separates events from censorings")
        }
        let report = CoxReport(fit: fit, groupColumn: ipd.groupColumn, stratumColumn: ipd.stratumColumn)
        try output.target.write(render(report))
    }

    private func render(_ report: CoxReport) -> String {
        switch output.format {
        case .json: return JSONValue.object(report.json()).serialized() + "\n"
        case .table: return report.table()
        case .md: return report.markdown()
        case .csv: return report.csv()
        }
    }

    /// `age,ecog` → ["age", "ecog"]; an empty name is a usage error.
    static func parseColumns(_ text: String) throws -> [String] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
        guard !names.contains(where: \.isEmpty) else {
            throw ValidationError("--covariates: write column names separated by commas, e.g. age,ecog (got \"\(text)\")")
        }
        return names
    }
}
