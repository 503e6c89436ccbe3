import ArgumentParser

/// `--format` and `--output`, shared by every analysis command.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format.")
    var format: OutputFormat = .table

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the output to this file (atomically) instead of standard output; '-' is standard output.", valueName: "file"))
    var output: String?

    @Option(help: ArgumentHelp("Also write the run record (version, command line, input SHA-256s, resolved options, seed, time) as JSON to this file.", valueName: "file"))
    var record: String?

    var target: OutputTarget { OutputTarget(path: output) }
}
