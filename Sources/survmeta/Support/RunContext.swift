import ArgumentParser
import Foundation
import Reporting

/// The run record of the command being run, built once from the parsed command before it runs.
enum RunContext {
    nonisolated(unsafe) static var record: RunRecord?

    /// Options whose values are outputs, never hashed as inputs.
    static let outputOptions: Set<String> = ["--output", "-o", "--svg", "--record", "--results", "--funnel-csv"]

    static func make(for command: ParsableCommand, arguments: [String] = CommandLine.arguments) -> RunRecord {
        var options: [(String, String)] = []
        collect(command, into: &options)
        var inputs: [RunRecord.Input] = []
        var skipNext = false
        for arg in arguments.dropFirst() {
            if skipNext { skipNext = false; continue }
            if outputOptions.contains(arg) { skipNext = true; continue }
            if arg == "-" { inputs.append(RunRecord.Input(path: "<stdin>", sha256: nil)); continue }
            var isDirectory: ObjCBool = false
            if !arg.hasPrefix("-"), FileManager.default.fileExists(atPath: arg, isDirectory: &isDirectory), !isDirectory.boolValue {
                inputs.append(RunRecord.Input(path: arg, sha256: SHA256Digest.file(arg)))
            }
        }
        let seed = options.first { $0.0 == "seed" }.flatMap { UInt64($0.1) }
        return RunRecord(tool: "survmeta", version: SurvmetaVersion.string, commandLine: arguments.isEmpty ? [] : ["survmeta"] + arguments.dropFirst(),
                         inputs: inputs, options: options, seed: seed, time: RunRecord.timestamp())
    }

    /// Every `@Option`, `@Flag`, `@Argument` of the command (and of its `@OptionGroup`s), by the
    /// property name in kebab case, with its parsed or default value.
    static func collect(_ value: Any, into options: inout [(String, String)]) {
        for child in Mirror(reflecting: value).children {
            guard let label = child.label, label.hasPrefix("_"), let parsed = parsedValue(child.value) else { continue }
            if parsed is ParsableArguments {
                collect(parsed, into: &options)
            } else {
                options.append((kebab(String(label.dropFirst())), describe(parsed)))
            }
        }
    }

    /// The value inside an ArgumentParser property wrapper (its `_parsedValue` is `.value(x)` once parsed).
    static func parsedValue(_ wrapper: Any) -> Any? {
        guard let parsed = Mirror(reflecting: wrapper).children.first(where: { $0.label == "_parsedValue" })?.value else { return nil }
        return Mirror(reflecting: parsed).children.first?.value
    }

    static func describe(_ value: Any) -> String {
        let m = Mirror(reflecting: value)
        if m.displayStyle == .optional {
            guard let inner = m.children.first?.value else { return "none" }
            return describe(inner)
        }
        if let raw = value as? any RawRepresentable, let s = raw.rawValue as? String { return s }
        if let array = value as? [Any] { return array.map(describe).joined(separator: ",") }
        if let shard = value as? Shard { return "\(shard.index)/\(shard.count)" }
        return String(describing: value)
    }

    static func kebab(_ name: String) -> String {
        var out = ""
        for ch in name {
            if ch.isUppercase { out += "-" + ch.lowercased() } else { out.append(ch) }
        }
        return out
    }
}
