import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import StatNumerics
import Survival
import Reporting

/// A failure the CLI reports itself, with its exit code.
struct CLIFailure: Error, CustomStringConvertible {
    var code: Int32
    var message: String
    var description: String { message }

    static func input(_ message: String) -> CLIFailure { CLIFailure(code: 1, message: message) }
    static func usage(_ message: String) -> CLIFailure { CLIFailure(code: 2, message: message) }
    static func numerical(_ message: String) -> CLIFailure { CLIFailure(code: 3, message: message) }
}

/// Parses, runs and maps errors to `cli-contract.md` exit codes:
/// 0 success, 1 bad input data, 2 usage, 3 numerical failure.
enum CommandRunner {
    static func run(_ root: any ParsableCommand.Type) {
        var command: ParsableCommand
        do {
            command = try root.parseAsRoot()
        } catch {
            let code = root.exitCode(for: error)
            let message = root.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            exit(2)
        }
        do {
            let record = RunContext.make(for: command)
            RunContext.record = record
            try command.run()
            if let path = record.options.first(where: { $0.0 == "record" })?.1, path != "none" {
                try AtomicFile.write(Data((record.json.serialized() + "\n").utf8), to: path)
            }
            exit(0)
        } catch {
            if let (code, message) = describe(error) {
                if code == 0 { exit(0) }
                FileHandle.standardError.write(Data(("survmeta: " + message + "\n").utf8))
                exit(code)
            }
            // ArgumentParser's own errors (help, version, validation) reach here too.
            let code = root.exitCode(for: error)
            let message = root.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            exit(2)
        }
    }

    /// The exit code and message for an error thrown while running.
    static func describe(_ error: Error) -> (Int32, String)? {
        switch error {
        case let e as CLIFailure: return (e.code, e.message)
        case let e as InputErrors: return (1, "error in input data:\n" + e.description)
        case let e as InputIssue: return (1, "error in input data:\n" + e.description)
        case let e as DomainError: return (1, "invalid input: " + e.description)
        case let e as SummaryCurveInputError: return (1, "error in input data: " + e.description)
        case let e as ReconstructionError: return (1, "cannot reconstruct: " + e.description)
        case let e as NumericalError: return (3, "numerical failure: " + e.description)
        case let e as LinearAlgebraError:
            return (3, "numerical failure: \(e.description). Remedy: check for duplicated or constant moderators, or rescale the data")
        case let e as CocoaError: return (1, "cannot read input: \(e.localizedDescription)")
        default: return nil
        }
    }
}
