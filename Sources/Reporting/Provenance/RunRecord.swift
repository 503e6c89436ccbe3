import Foundation

/// What a run needs to be reproduced: the tool and version, the exact command line, a SHA-256 of
/// every input file, every option with its default resolved, the seed and the time. Written by
/// `--record FILE` and included as `record` in every JSON output.
///
/// The time is `SOURCE_DATE_EPOCH` when that variable is set (the reproducible-builds convention),
/// so rerunning a recorded command with it gives byte-identical output, JSON included.
public struct RunRecord: Sendable, Equatable {
    public struct Input: Sendable, Equatable {
        public var path: String
        public var sha256: String?

        public init(path: String, sha256: String?) {
            self.path = path
            self.sha256 = sha256
        }
    }

    public var tool: String
    public var version: String
    public var commandLine: [String]
    public var inputs: [Input]
    /// Option name (as on the command line) → resolved value, in declaration order.
    public var options: [(String, String)]
    public var seed: UInt64?
    /// ISO 8601, UTC.
    public var time: String

    public init(tool: String, version: String, commandLine: [String], inputs: [Input], options: [(String, String)], seed: UInt64?, time: String) {
        self.tool = tool
        self.version = version
        self.commandLine = commandLine
        self.inputs = inputs
        self.options = options
        self.seed = seed
        self.time = time
    }

    public static func == (a: RunRecord, b: RunRecord) -> Bool {
        a.tool == b.tool && a.version == b.version && a.commandLine == b.commandLine && a.inputs == b.inputs
            && a.options.map(\.0) == b.options.map(\.0) && a.options.map(\.1) == b.options.map(\.1) && a.seed == b.seed && a.time == b.time
    }

    /// The current time, or `SOURCE_DATE_EPOCH` when set, as ISO 8601 UTC.
    public static func timestamp(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let date: Date
        if let epoch = environment["SOURCE_DATE_EPOCH"], let seconds = TimeInterval(epoch) {
            date = Date(timeIntervalSince1970: seconds)
        } else {
            date = Date()
        }
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: date)
    }

    public var json: JSONValue {
        .object([
            ("tool", .string(tool)), ("version", .string(version)),
            ("command_line", .array(commandLine.map(JSONValue.string))),
            ("inputs", .array(inputs.map { .object([("path", .string($0.path)), ("sha256", .str($0.sha256))]) })),
            ("options", .object(options.map { ($0.0, .string($0.1)) })),
            ("seed", seed.map { .string(String($0)) } ?? .null),
            ("time", .string(time)),
        ])
    }

    /// The same JSON object spliced into a serialized JSON object as its last field `record`
    /// (used by the command-line tool on every JSON output). Text that is not an object is returned as is.
    public func splice(into text: String) -> String {
        guard text.first == "{", let close = text.lastIndex(of: "}") else { return text }
        let body = text[..<close].trimmingCharacters(in: .whitespacesAndNewlines)
        let record = json.serialized().split(separator: "\n").enumerated().map { $0.offset == 0 ? String($0.element) : "  " + $0.element }.joined(separator: "\n")
        let separator = body == "{" ? "\n" : ",\n"
        return body + separator + "  \"record\": " + record + "\n}" + text[text.index(after: close)...]
    }
}
