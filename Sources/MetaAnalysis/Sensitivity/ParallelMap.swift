import Dispatch
import Foundation

/// Runs independent jobs on all cores (`DispatchQueue.concurrentPerform`) and collects their results
/// in index order, so the output never depends on the number of threads or on scheduling.
enum ParallelMap {
    /// Jobs below this count run on the calling thread (spawning costs more than it saves).
    static let sequentialLimit = 4

    /// `(0..<count).map(body)`, computed in parallel. `body` must be safe to call concurrently.
    /// - Parameter sequential: run on the calling thread (tests use it to show thread independence).
    /// `progress` is called with (done, count) as jobs finish (from worker threads).
    static func map<T>(_ count: Int, sequential: Bool = false, progress: (@Sendable (Int, Int) -> Void)? = nil, _ body: (Int) -> T) -> [T] {
        map(count, sequential: sequential, progress: progress, workspace: { () }) { _, i in body(i) }
    }

    /// `(0..<count).map { body(workspace, $0) }` in parallel, with one workspace per contiguous chunk of
    /// jobs (made by `workspace()` on the thread that runs the chunk), so jobs can reuse buffers
    /// without allocating. `body` must only touch its workspace and shared read-only state.
    static func map<T, W>(_ count: Int, sequential: Bool = false, progress: (@Sendable (Int, Int) -> Void)? = nil,
                          workspace: () -> W, _ body: (W, Int) -> T) -> [T] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let counter = progress.map { ProgressCounter(total: count, report: $0) }
        if sequential || count < sequentialLimit || cores < 2 {
            let w = workspace()
            return (0..<count).map { i in defer { counter?.increment() }; return body(w, i) }
        }
        // Contiguous chunks, a few per core, to balance uneven jobs without per-item overhead.
        let chunks = min(count, cores * 4)
        return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            let base = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * count / chunks, end = (chunk + 1) * count / chunks
                let w = workspace()
                for i in start..<end { (base + i).initialize(to: body(w, i)); counter?.increment() }
            }
            initialized = count
        }
    }
}
