import ArgumentParser
import Foundation
import OutcomeData
import Reporting
import Survival

struct LogRank: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "logrank",
        abstract: "Log-rank test comparing survival across groups of patient-level data, optionally stratified.",
        discussion: """
        Input rows: time,event (1 = event, 0 = censored) and a group column (--by, default arm); with \
        --strata, a stratum column. As R's survdiff(Surv(time, event) ~ arm + strata(s)): observed \
        and expected events per group (summed over strata) and the chi-square test with \
        (groups with expected events − 1) degrees of freedom. For two groups, o_minus_e/variance of \
        the second group is the Peto log hazard ratio against the first (the o_minus_e,v input of \
        survmeta pool).

        Example:
          survmeta logrank trial.csv --by arm --strata center --format json
        """
    )

    @Argument(help: ArgumentHelp("Patient-level CSV with time,event,group[,stratum] ('-' reads standard input).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Column of group labels.", valueName: "column"))
    var by: String = "arm"

    @Option(help: ArgumentHelp("Column of stratum labels for a stratified test.", valueName: "column"))
    var strata: String?

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let strata, strata.lowercased() == by.lowercased() {
            throw ValidationError("--strata must name a column other than --by (\(by))")
        }
    }

    func run() throws {
        let ipd = try IPDTable.load(try CSVReader.read(path: file), group: by, stratum: strata)
        let result = try LogRankTest().test(ipd.data)
        let report = LogRankReport(result: result, groupColumn: ipd.groupColumn, stratumColumn: ipd.stratumColumn)
        try output.target.write(render(report))
    }

    private func render(_ report: LogRankReport) -> String {
        switch output.format {
        case .json: return JSONValue.object(report.json()).serialized() + "\n"
        case .table: return report.table()
        case .md: return report.markdown()
        case .csv: return report.csv()
        }
    }
}
