import Foundation

/// The result of running the `survmeta` executable.
public struct ProcessResult: Sendable {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs the `survmeta` executable built next to the running test binary (same build folder), with
/// `arguments`, optional standard input and working directory. Used by the CLI golden tests.
public func runSurvmeta(_ arguments: [String], stdin: String? = nil, in directory: URL? = nil,
                        environment: [String: String] = [:]) throws -> ProcessResult {
    let process = Process()
    process.executableURL = survmetaExecutable()
    if !environment.isEmpty {
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, new in new }
    }
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    let out = Pipe(), err = Pipe(), input = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = input
    try process.run()
    if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
    try input.fileHandleForWriting.close()
    // Read both pipes before waiting so a large output cannot block the child.
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return ProcessResult(exitCode: process.terminationStatus,
                         stdout: String(decoding: outData, as: UTF8.self),
                         stderr: String(decoding: errData, as: UTF8.self))
}

/// `survmeta` in the build folder of the running tests (found from the test binary's path).
public func survmetaExecutable() -> URL {
    var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
    while url.path != "/" {
        let candidate = url.appendingPathComponent("survmeta")
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue { return candidate }
        url.deleteLastPathComponent()
    }
    return repositoryRoot().appendingPathComponent(".build/debug/survmeta")
}
