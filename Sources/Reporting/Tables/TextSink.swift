/// A UTF-8 byte buffer that reports write their text into, so a report of 100,000 study rows never
/// exists as one `String`.
///
/// Reporting does no I/O: a sink made with `drain` hands each full chunk (about `chunkSize` bytes) to
/// that closure and empties itself — the command-line tool passes one that writes to a file
/// descriptor. A sink made with `init()` keeps everything, for `text` (the `String` APIs and tests).
public final class TextSink {
    /// The bytes written since the last drain. (Not checked for overlapping access at run time: a
    /// sink belongs to one writer, and the checks cost a sixth of the time of writing a report.)
    @exclusivity(unchecked) public private(set) var bytes: [UInt8] = []
    private let chunkSize: Int
    private let drain: ((UnsafeBufferPointer<UInt8>) -> Void)?

    /// A sink that keeps all its text.
    public init() {
        chunkSize = .max
        drain = nil
    }

    /// A sink that hands its bytes to `drain` whenever it holds `chunkSize` bytes or more, and on `flush()`.
    public init(chunkSize: Int = 1 << 16, drain: @escaping (UnsafeBufferPointer<UInt8>) -> Void) {
        self.chunkSize = max(chunkSize, 1)
        self.drain = drain
        bytes.reserveCapacity(min(self.chunkSize, 1 << 20) + 256)
    }

    /// Everything written (since the last drain), as text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    @inline(__always)
    private func drainIfFull() {
        if bytes.count >= chunkSize { flush() }
    }

    /// Hands the buffered bytes to `drain` (a sink without one keeps them).
    public func flush() {
        guard let drain, !bytes.isEmpty else { return }
        bytes.withUnsafeBufferPointer { drain($0) }
        bytes.removeAll(keepingCapacity: true)
    }

    public func write(_ s: String) {
        if s.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: s.utf8)
        }
        drainIfFull()
    }

    public func write(_ s: Substring) {
        if s.utf8.withContiguousStorageIfAvailable({ bytes.append(contentsOf: $0) }) == nil {
            bytes.append(contentsOf: s.utf8)
        }
        drainIfFull()
    }

    /// One ASCII byte.
    @inline(__always)
    public func write(ascii byte: UInt8) {
        bytes.append(byte)
        drainIfFull()
    }

    /// `count` copies of an ASCII byte (padding, indentation).
    public func write(repeating byte: UInt8, count: Int) {
        guard count > 0 else { return }
        bytes.append(contentsOf: repeatElement(byte, count: count))
        drainIfFull()
    }

    /// Bytes, e.g. a prepared line break and indentation.
    public func write(bytes other: [UInt8]) {
        bytes.append(contentsOf: other)
        drainIfFull()
    }
}
