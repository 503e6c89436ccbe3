import Foundation

/// A progress bar on standard error for long runs, drawn only when standard error is a terminal
/// (nothing at all in pipes, files and CI logs). Redraws at most every 100 ms.
final class ProgressBar: @unchecked Sendable {
    private let label: String
    private let enabled: Bool
    private let lock = NSLock()
    private var last = Date.distantPast

    init(_ label: String, enabled: Bool = isatty(STDERR_FILENO) == 1) {
        self.label = label
        self.enabled = enabled
    }

    /// A running count when the total is not known (streaming batches).
    func count(_ done: Int, unit: String) {
        guard enabled else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(last) > 0.1 else { return }
        last = now
        FileHandle.standardError.write(Data("\r\(label): \(done) \(unit)".utf8))
    }

    /// Ends a running count with a line break.
    func finish(_ done: Int, unit: String) {
        guard enabled else { return }
        FileHandle.standardError.write(Data("\r\(label): \(done) \(unit)\n".utf8))
    }

    func update(_ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        lock.lock(); defer { lock.unlock() }
        let now = Date()
        guard done == total || now.timeIntervalSince(last) > 0.1 else { return }
        last = now
        let width = 30
        let filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r\(label) [\(bar)] \(100 * done / total)% (\(done)/\(total))".utf8))
        if done == total { FileHandle.standardError.write(Data("\n".utf8)) }
    }
}
