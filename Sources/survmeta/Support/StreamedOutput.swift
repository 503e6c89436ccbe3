import Foundation
import Reporting

/// A command's main output written as it is produced, in chunks, instead of as one `String`: to
/// standard output, or to a temporary file in the target's folder that `commit()` renames into place
/// (`cli-contract.md`: a failed run never leaves a half-written file; the old file stays until the
/// new one is complete). A stream dropped without `commit()` deletes its temporary file.
final class StreamedOutput {
    let sink: TextSink
    private let descriptor: Int32
    private let path: String?
    private let temporary: String?
    /// The first `errno` of a failed write (0: none); written by the sink's drain.
    private final class Status { var failure: Int32 = 0 }
    private let status: Status
    private var committed = false

    /// Opens the target; throws `CLIFailure.input` when its folder does not exist or is not writable.
    init(_ target: OutputTarget, chunkSize: Int = 1 << 16) throws {
        var descriptor: Int32 = STDOUT_FILENO
        switch target {
        case .standardOutput:
            path = nil
            temporary = nil
        case .file(let path):
            let url = URL(fileURLWithPath: path)
            let folder = url.deletingLastPathComponent()
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: folder.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CLIFailure.input("cannot write \(path): the folder \(folder.path) does not exist")
            }
            let temporary = folder.appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
            descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o666)
            guard descriptor >= 0 else {
                throw CLIFailure.input("cannot write \(path): \(String(cString: strerror(errno)))")
            }
            self.path = path
            self.temporary = temporary
        }
        self.descriptor = descriptor
        let status = Status()
        self.status = status
        sink = TextSink(chunkSize: chunkSize) { bytes in
            guard status.failure == 0, var base = bytes.baseAddress else { return }
            var left = bytes.count
            while left > 0 {
                let n = systemWrite(descriptor, base, left)
                if n < 0 {
                    if errno == EINTR { continue }
                    status.failure = errno
                    return
                }
                left -= n
                base += n
            }
        }
    }

    /// Writes what is left, then (for a file) closes and renames the temporary file into place.
    func commit() throws {
        sink.flush()
        let error = status.failure
        guard let path, let temporary else {
            if error != 0 && error != EPIPE { throw CLIFailure.input("cannot write the output: \(String(cString: strerror(error)))") }
            return
        }
        committed = true
        if error != 0 || close(descriptor) != 0 {
            let reason = String(cString: strerror(error != 0 ? error : errno))
            unlink(temporary)
            throw CLIFailure.input("cannot write \(path): \(reason)")
        }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(temporary)
            throw CLIFailure.input("cannot write \(path): \(reason)")
        }
    }

    deinit {
        if let temporary, !committed {
            close(descriptor)
            unlink(temporary)
        }
    }

    /// Opens `target`, lets `body` write into the sink, and commits.
    static func write(to target: OutputTarget, _ body: (TextSink) throws -> Void) throws {
        let stream = try StreamedOutput(target)
        try body(stream.sink)
        try stream.commit()
    }
}

/// write(2) (inside `StreamedOutput` the name `write` is the type's own).
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafePointer<UInt8>, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}
