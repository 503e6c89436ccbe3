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
        let cores = ProcessInfo.processInfo.activeProcessorCount
        let counter = ProgressCounter(total: count, report: progress)
        if sequential || count < sequentialLimit || cores < 2 { return (0..<count).map { i in defer { counter.increment() }; return body(i) } }
        var results = [T?](repeating: nil, count: count)
        // Contiguous chunks, a few per core, to balance uneven jobs without per-item overhead.
        let chunks = min(count, cores * 4)
        results.withUnsafeMutableBufferPointer { buffer in
            let base = buffer.baseAddress!
            DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
                let start = chunk * count / chunks, end = (chunk + 1) * count / chunks
                for i in start..<end { (base + i).pointee = body(i); counter.increment() }
            }
        }
        return results.map { $0! }
    }
}
