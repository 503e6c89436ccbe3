import ArgumentParser
import Dispatch
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

/// `--shard i/n`: this process handles the analyses whose ordinal is i−1 modulo n.
struct Shard: ExpressibleByArgument {
    var index: Int
    var count: Int

    init?(argument: String) {
        let parts = argument.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else { return nil }
        index = i
        count = n
    }

    func owns(_ ordinal: Int) -> Bool { ordinal % count == index - 1 }
}

struct Batch: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Pool many meta-analyses from one long-format file (an 'analysis' id column), in parallel and streaming.",
        discussion: """
        The file has the columns of `pool` plus `analysis`; the rows of one analysis must be together. The file is \
        read in blocks, each block's analyses are fitted in parallel on every core, and one row per analysis is \
        written in input order, so memory does not grow with the number of analyses. An analysis that fails \
        numerically gets its message in the `error` column and the batch goes on (exit code 3 at the end); bad \
        input stops the batch with exit code 1 and writes nothing.

        --shard i/n keeps the analyses whose position is i−1 modulo n, so n processes (a Slurm job array, GNU \
        parallel) split one file without splitting it on disk; concatenating their outputs gives every analysis once.

        Example:
          survmeta batch sims.csv --method REML --shard $SLURM_ARRAY_TASK_ID/$SLURM_ARRAY_TASK_COUNT --output part.csv
        """
    )

    @Argument(help: ArgumentHelp("Long-format study CSV with an analysis column ('-' reads standard input).", valueName: "file"))
    var file: String

    @OptionGroup var model: ModelOptions

    @Option(help: "Only the analyses of shard i of n (1-based), e.g. 3/10.")
    var shard: Shard?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(name: .customLong("block-size"), help: ArgumentHelp("Bytes of input read per block.", valueName: "bytes"))
    var blockSize: Int = 4 << 20

    @Flag(name: .customLong("heterogeneity-ci"), help: "Also compute Q-profile CIs for τ² (slower).")
    var heterogeneityCI = false

    @Option(help: "Output format: csv (default) or json.")
    var format: OutputFormat = .csv

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
    var output: String?

    func validate() throws {
        guard format == .csv || format == .json else { throw ValidationError("batch writes csv or json") }
        if let threads { guard threads >= 1 else { throw ValidationError("--threads must be at least 1") } }
        guard blockSize >= 1024 else { throw ValidationError("--block-size must be at least 1024 bytes") }
    }

    func run() throws {
        let fitter = RandomEffectsModel(estimator: model.method, test: model.test, level: model.level,
                                        control: model.control, heterogeneityIntervals: heterogeneityCI)
        var reader = try BatchReader(path: file, blockSize: blockSize)
        let sink = try BatchSink(path: output)
        var failures = 0
        var first = true
        var started = false
        let workers = threads ?? ProcessInfo.processInfo.activeProcessorCount
        let bar = ProgressBar("batch")
        var fitted = 0
        while let block = try reader.nextBlock(workers: workers) {
            if !started {
                // The header goes out only once the first block has parsed, so bad input writes nothing.
                sink.write(format == .csv ? CSVFormat.line(BatchRow.header) : "[")
                started = true
            }
            let mine = shard.map { s in block.filter { s.owns($0.ordinal) } } ?? block
            let (chunks, failed) = Batch.fitAll(mine, fitter: fitter, workers: workers, json: format == .json)
            failures += failed
            for text in chunks where !text.bytes.isEmpty {
                text.bytes.withUnsafeBufferPointer { b in
                    // JSON rows come as ",\n{…}"; the first row of the array has no comma.
                    sink.write(bytes: first && format == .json ? UnsafeBufferPointer(rebasing: b[1...]) : b)
                }
                first = false
            }
            fitted += mine.count
            bar.count(fitted, unit: "analyses")
        }
        bar.finish(fitted, unit: "analyses")
        if !started { sink.write(format == .csv ? CSVFormat.line(BatchRow.header) : "[") }
        if format == .json { sink.write("\n]\n") }
        try sink.commit()
        if failures > 0 {
            throw CLIFailure.numerical("\(failures) analys\(failures == 1 ? "is" : "es") failed (see the error column); the others were written")
        }
    }

    /// Fits each analysis on `workers` threads and formats its output row (CSV line, or ",\n" and the
    /// compact JSON object); returns the text in input order, in chunks, and the number of failures.
    static func fitAll(_ analyses: [BatchAnalysis], fitter: RandomEffectsModel, workers: Int, json: Bool) -> ([TextSink], Int) {
        let chunk = max(1, analyses.count / (workers * 8))
        let chunks = (analyses.count + chunk - 1) / chunk
        var texts = [TextSink?](repeating: nil, count: chunks)
        var failures = [Int](repeating: 0, count: chunks)
        texts.withUnsafeMutableBufferPointer { texts in
            failures.withUnsafeMutableBufferPointer { failures in
                let (texts, failures) = (texts, failures)
                DispatchQueue.concurrentPerform(iterations: chunks) { c in
                    let out = TextSink()
                    var failed = 0
                    for i in (c * chunk)..<min(analyses.count, (c + 1) * chunk) {
                        let a = analyses[i]
                        let row: BatchRow
                        do {
                            row = BatchRow(id: a.id, fit: try fitter.fit(a.studies.effects), error: nil)
                        } catch {
                            row = BatchRow(id: a.id, fit: nil, error: CommandRunner.describe(error)?.1 ?? String(describing: error))
                            failed += 1
                        }
                        if json {
                            out.write(",\n")
                            row.writeJSON(to: out)
                        } else {
                            row.writeCSV(to: out)
                        }
                    }
                    texts[c] = out
                    failures[c] = failed
                }
            }
        }
        return (texts.map { $0! }, failures.reduce(0, +))
    }
}

/// Streams output to standard output, or to a temporary file renamed into place by `commit()`.
final class BatchSink {
    private let handle: FileHandle
    private let path: String?
    private let temporary: String?

    init(path: String?) throws {
        guard let path, path != "-" else {
            handle = FileHandle.standardOutput
            self.path = nil
            temporary = nil
            return
        }
        let url = URL(fileURLWithPath: path)
        let tmp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp").path
        guard FileManager.default.createFile(atPath: tmp, contents: nil), let h = FileHandle(forWritingAtPath: tmp) else {
            throw CLIFailure.input("cannot write \(path): its folder does not exist or is not writable")
        }
        handle = h
        self.path = path
        temporary = tmp
    }

    func write(_ text: String) { handle.write(Data(text.utf8)) }

    func write(bytes: UnsafeBufferPointer<UInt8>) { handle.write(Data(buffer: bytes)) }

    func commit() throws {
        guard let path, let temporary else { return }
        try handle.close()
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(atPath: temporary)
            throw CLIFailure.input("cannot write \(path): \(reason)")
        }
    }

    deinit {
        // A batch that stopped before commit() leaves no partial file behind.
        if let temporary, FileManager.default.fileExists(atPath: temporary) { try? FileManager.default.removeItem(atPath: temporary) }
    }
}
