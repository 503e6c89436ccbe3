import Foundation

/// A number for a repair message: up to 6 significant digits, no trailing zeros (98.9, not
/// 98.90000000000001), integers without a decimal point.
func fmt(_ x: Double) -> String {
    guard x.isFinite else { return String(x) }
    if x == x.rounded() && abs(x) < 1e12 { return String(Int(x)) }
    return formatSignificant6(x) ?? String(format: "%.6g", x)
}

/// `String(format: "%.6g", x)` for finite, nonzero x, without Foundation's formatter (which
/// costs microseconds a call): the 6 significant digits are x·10^k rounded to an integer,
/// computed exactly in Double with a fused multiply-add for 0 ≤ k ≤ 22 (10^k exact), else in
/// Float80 (10^k is exact there for |k| ≤ 27, so the product is within 2⁻⁶⁴ of exact).
/// Nil (the caller then uses printf itself) when the rounding is too close to a tie to
/// decide from that product, for magnitudes outside about 1e−21…1e32, and when the C locale's
/// decimal point is not ".".
func formatSignificant6(_ x: Double) -> String? {
    withSignificant6(x) { String(decoding: $0, as: UTF8.self) }
}

/// The text of `formatSignificant6(x)`, handed to `body` as UTF-8 bytes (valid during the call)
/// instead of as a `String`; nil when `formatSignificant6` is.
func withSignificant6<R>(_ x: Double, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R? {
    #if arch(x86_64) || arch(i386)
    guard x.isFinite, x != 0 else { return nil }
    let magnitude = Swift.abs(x)
    // ⌊log10 |x|⌋ from the binary exponent: at most one too small, which the loop corrects.
    var exponent = Int((Double(magnitude.exponent) * 0.301029995663981195).rounded(.down))
    var digits = 0
    var settled = false
    for _ in 0..<3 {
        let k = 5 - exponent
        guard Swift.abs(k) <= 27 else { return nil }
        // |x|·10^k = whole + fraction, whole in [10^5, 10^6).
        let whole: Int
        let fraction: Double
        if k >= 0 && k <= 22 {
            // In Double: 10^k is exact, and the rounding error of the product is exact by a fused
            // multiply-add, so |x|·10^k = p + error exactly.
            let power = exactDoublePowersOfTen[k]
            let p = magnitude * power
            let error = (-p).addingProduct(magnitude, power)
            if p < 100_000 || (p == 100_000 && error < 0) { exponent -= 1; continue }
            if p > 1_000_000 || (p == 1_000_000 && error >= 0) { exponent += 1; continue }
            var w = p.rounded(.down)
            var f = (p - w) + error
            if f < 0 { w -= 1; f += 1 } else if f >= 1 { w += 1; f -= 1 }
            whole = Int(w)
            fraction = f
        } else {
            let power = exactPowersOfTen[Swift.abs(k)]
            let scaled = k >= 0 ? Float80(magnitude) * power : Float80(magnitude) / power
            if scaled < 100_000 { exponent -= 1; continue }
            if scaled >= 1_000_000 { exponent += 1; continue }
            whole = Int(scaled)   // toward zero: the integer part (scaled > 0)
            // Exact in Float80; as a Double it can only move within 1e−17 of itself, which the tie
            // test below covers.
            fraction = Double(scaled - Float80(whole))
        }
        if Swift.abs(fraction - 0.5) < 1e-9 { return nil }
        digits = whole + (fraction > 0.5 ? 1 : 0)
        if digits == 1_000_000 { digits = 100_000; exponent += 1 }
        settled = true
        break
    }
    guard settled, decimalPointIsDot() else { return nil }
    // At most "-0.000" + 6 digits, or "-d.ddddde-ddd": 13 bytes.
    return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { buffer -> R in
        var d: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0)
        withUnsafeMutableBytes(of: &d) { bytes in
            var rest = digits
            for i in stride(from: 5, through: 0, by: -1) { bytes[i] = UInt8(48 + rest % 10); rest /= 10 }
        }
        return withUnsafeBytes(of: &d) { d -> R in
            let zero = UInt8(ascii: "0")
            var n = 0
            func put(_ c: UInt8) { buffer[n] = c; n += 1 }
            if x < 0 { put(UInt8(ascii: "-")) }
            if exponent >= -4 && exponent < 6 {
                // Fixed: 5 − exponent decimals, trailing zeros dropped.
                let firstDecimal = exponent >= 0 ? exponent + 1 : 0
                var last = 5
                while last >= firstDecimal && d[last] == zero { last -= 1 }
                if exponent >= 0 {
                    for i in 0...exponent { put(d[i]) }
                    if last >= firstDecimal {
                        put(UInt8(ascii: "."))
                        for i in firstDecimal...last { put(d[i]) }
                    }
                } else {
                    put(zero); put(UInt8(ascii: "."))
                    for _ in 0..<(-exponent - 1) { put(zero) }
                    for i in 0...last { put(d[i]) }
                }
            } else {
                var last = 5
                while last >= 1 && d[last] == zero { last -= 1 }
                put(d[0])
                if last >= 1 {
                    put(UInt8(ascii: "."))
                    for i in 1...last { put(d[i]) }
                }
                put(UInt8(ascii: "e"))
                put(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
                let e = Swift.abs(exponent)
                if e >= 100 { put(zero + UInt8(e / 100)) }
                put(zero + UInt8(e / 10 % 10))
                put(zero + UInt8(e % 10))
            }
            return body(UnsafeBufferPointer(rebasing: buffer[0..<n]))
        }
    }
    #else
    return nil
    #endif
}

#if arch(x86_64) || arch(i386)
/// 10^0 … 10^22, exact in Double (5^22 < 2^53).
private let exactDoublePowersOfTen: [Double] = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                                               1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22]

/// 10^0 … 10^27, exact in Float80 (5^27 < 2^64).
private let exactPowersOfTen: [Float80] = {
    var p: [Float80] = [1]
    for _ in 1...27 { p.append(p[p.count - 1] * 10) }
    return p
}()
#endif

/// True when the C library formats a decimal point as "." (the "C" locale), as
/// `String(format:)` then does.
private func decimalPointIsDot() -> Bool {
    guard let conv = localeconv(), let point = conv.pointee.decimal_point else { return false }
    return point[0] == 46 && point[1] == 0
}

/// The text of a repair message, written with string interpolation into one byte buffer and
/// made a `String` once: building it with `String`'s own interpolation appends to a `String`
/// piece by piece, which cost a fifth of a whole reconstruction on curves with many repairs.
/// Literal pieces are copied as bytes; numbers go through `fmt` (Double) or their decimal digits
/// (Int), as in `String` interpolation.
struct RepairText: ExpressibleByStringInterpolation {
    private var text: Interpolation

    init(stringLiteral value: StaticString) {
        text = Interpolation(literalCapacity: 0, interpolationCount: 0)
        text.appendLiteral(value)
    }

    init(stringInterpolation: Interpolation) { text = stringInterpolation }

    /// The bytes so far: the first 256 in place (no allocation for a message of usual length),
    /// any beyond in an array.
    struct Interpolation: StringInterpolationProtocol {
        private var head: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                           UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                           UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
                           UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        private var used = 0
        private var rest: [UInt8] = []

        init(literalCapacity: Int, interpolationCount: Int) {}

        mutating func append(_ bytes: UnsafeBufferPointer<UInt8>) {
            var bytes = bytes
            if used < 256 {
                let n = min(bytes.count, 256 - used)
                if n > 0 {
                    let start = used
                    withUnsafeMutableBytes(of: &head) { head in
                        UnsafeMutableRawBufferPointer(rebasing: head[start..<(start + n)])
                            .copyMemory(from: UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[0..<n]))
                    }
                }
                used += n
                bytes = UnsafeBufferPointer(rebasing: bytes[n...])
            }
            if !bytes.isEmpty { rest.append(contentsOf: bytes) }
        }

        mutating func appendLiteral(_ literal: StaticString) {
            literal.withUTF8Buffer { append($0) }
        }

        mutating func appendInterpolation(_ text: String) {
            var text = text
            text.withUTF8 { append($0) }
        }

        mutating func appendInterpolation(_ n: Int) {
            var digits: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                         UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
                (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
            withUnsafeMutableBytes(of: &digits) { buffer in
                var rest = n.magnitude
                var first = buffer.count
                repeat {
                    first -= 1
                    buffer[first] = UInt8(ascii: "0") + UInt8(rest % 10)
                    rest /= 10
                } while rest > 0
                if n < 0 { first -= 1; buffer[first] = UInt8(ascii: "-") }
                append(UnsafeBufferPointer(rebasing: buffer.bindMemory(to: UInt8.self)[first...]))
            }
        }

        /// A number as `fmt` writes it (its digits written here directly).
        mutating func appendInterpolation(_ x: Double) {
            if x.isFinite && x == x.rounded() && Swift.abs(x) < 1e12 { appendInterpolation(Int(x)); return }
            if withSignificant6(x, { append($0) }) != nil { return }
            appendInterpolation(fmt(x))
        }

        var string: String {
            var head = head
            let used = used, rest = rest
            return withUnsafeBytes(of: &head) { head in
                String(unsafeUninitializedCapacity: used + rest.count) { out in
                    UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(out)[0..<used])
                        .copyMemory(from: UnsafeRawBufferPointer(rebasing: head[0..<used]))
                    rest.withUnsafeBytes { rest in
                        UnsafeMutableRawBufferPointer(rebasing: UnsafeMutableRawBufferPointer(out)[used..<(used + rest.count)])
                            .copyMemory(from: rest)
                    }
                    return used + rest.count
                }
            }
        }
    }

    var string: String { text.string }
}
