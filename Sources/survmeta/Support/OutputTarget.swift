import Foundation
import Reporting

/// Where a command's main output goes: standard output, or a file written atomically
/// (a temporary file in the same folder, then `rename(2)`), so a failed run never leaves a
/// half-written file and the previous file stays intact until the new one is complete.
enum OutputTarget {
    case standardOutput
    case file(String)

    init(path: String?) {
        if let path, path != "-" { self = .file(path) } else { self = .standardOutput }
    }

    /// Writes the command's output; a JSON object gets the run record as its last field `record`.
    func write(_ text: String) throws {
        let text = RunContext.record.map { $0.splice(into: text) } ?? text
        switch self {
        case .standardOutput:
            FileHandle.standardOutput.write(Data(text.utf8))
        case .file(let path):
            try AtomicFile.write(Data(text.utf8), to: path)
        }
    }
}

enum AtomicFile {
    /// Writes `data` to `path` through a temporary sibling file and a rename.
    static func write(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let folder = url.deletingLastPathComponent()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CLIFailure.input("cannot write \(path): the folder \(folder.path) does not exist")
        }
        let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: temporary)
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw CLIFailure.input("cannot write \(path): \(error.localizedDescription)")
        }
        if rename(temporary.path, url.path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: temporary)
            throw CLIFailure.input("cannot write \(path): \(reason)")
        }
    }
}
