import Foundation

/// A seeded, reproducible pseudo-random generator: xoshiro256** (Blackman & Vigna, "Scrambled
/// linear pseudorandom number generators", ACM TOMS 47(4), 2021) with its 256-bit state filled by
/// SplitMix64 (Steele, Lea & Flood, OOPSLA 2014) from a 64-bit seed, as its authors recommend.
///
/// Only integer arithmetic with defined wrap-around is used, so the same seed gives the same
/// stream on every platform and Swift version. Not for cryptography.
public struct SeededGenerator: RandomNumberGenerator, Sendable, Equatable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    public init(seed: UInt64) {
        var state = seed
        func splitMix() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix(); s1 = splitMix(); s2 = splitMix(); s3 = splitMix()
    }

    @inline(__always)
    private static func rotateLeft(_ x: UInt64, _ k: UInt64) -> UInt64 {
        (x << k) | (x >> (64 - k))
    }

    /// The next 64 random bits.
    public mutating func next() -> UInt64 {
        let result = SeededGenerator.rotateLeft(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = SeededGenerator.rotateLeft(s3, 45)
        return result
    }

    /// A uniform draw in the open interval (0, 1): (k + ½)·2⁻⁵² with k the top 52 bits of `next()`,
    /// so the smallest value is 2⁻⁵³ and the largest 1 − 2⁻⁵³.
    public mutating func nextUniform() -> Double {
        (Double(next() >> 12) + 0.5) * 0x1p-52
    }

    /// A standard normal draw by inversion, Φ⁻¹(U) (AS 241), so one uniform gives one normal and
    /// streams stay aligned across platforms. |Z| ≤ 8.3 because U ∈ [2⁻⁵³, 1 − 2⁻⁵³].
    public mutating func nextNormal() -> Double {
        Normal.standardQuantile(nextUniform(), upper: false)
    }

    /// An exponential draw with the given rate by inversion, −log(U)/rate. A rate that is not
    /// positive and finite gives NaN (the uniform is still consumed, keeping the stream aligned).
    public mutating func nextExponential(rate: Double) -> Double {
        let u = nextUniform()
        guard rate > 0, rate.isFinite else { return .nan }
        return -log(u) / rate
    }
}
