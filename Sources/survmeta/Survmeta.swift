import ArgumentParser

/// The root command: configuration only (the swift-argument-parser `Math` example's shape).
@main
struct Survmeta: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "survmeta",
        abstract: "Survival-outcome meta-analysis: pooled hazard ratios, landmark survival and summary curves, with provenance.",
        discussion: """
        Exit codes: 0 success; 1 bad input data (file, line, column and what was expected are named); \
        2 usage error; 3 numerical failure (the routine, the iteration and a remedy are named).
        """,
        version: SurvmetaVersion.string,
        subcommands: [Report.self, Pool.self, Landmark.self, Median.self, Sensitivity.self, Batch.self, Curve.self, Reconstruct.self, KM.self, Cox.self, LogRank.self, MetaReg.self, Subgroup.self, LeaveOneOutCommand.self, Cumulative.self, Influence.self, Bias.self, Datasets.self]
    )

    /// Runs a command and maps every failure to the contract's exit codes; never traps.
    static func main() {
        CommandRunner.run(Survmeta.self)
    }
}

enum SurvmetaVersion {
    static let string = "0.1.0"
}
