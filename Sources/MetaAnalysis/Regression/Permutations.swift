import StatNumerics

/// The permutation sets of metafor's `permutest` and a reproducible random draw from them.
enum Permutations {
    /// Number of distinct orderings of a multiset whose values occur `counts` times: k!/∏cᵢ!
    /// (metafor's `exact.iter` for a model with moderators, ties being identical rows of X).
    /// Computed in floating point; +∞ when it overflows.
    static func multisetCount(_ counts: [Int]) -> Double {
        var remaining = counts.reduce(0, +)
        var total = 1.0
        // Product of binomial coefficients C(remaining, c) keeps intermediate values small.
        for c in counts {
            total *= binomial(remaining, c)
            remaining -= c
        }
        return total
    }

    static func binomial(_ n: Int, _ k: Int) -> Double {
        let k = min(k, n - k)
        if k < 0 { return 0 }
        var r = 1.0
        if k > 0 { for i in 1...k { r = r * Double(n - k + i) / Double(i) } }
        return r.rounded()
    }

    /// All distinct orderings of `labels` (sorted ascending first), in lexicographic order, by the
    /// classic next-permutation step (Knuth, TAOCP 4A, Algorithm 7.2.1.2L), which visits each distinct
    /// ordering of a multiset once.
    static func allDistinctOrderings(_ labels: [Int]) -> [[Int]] {
        var a = labels.sorted()
        var out: [[Int]] = [a]
        let n = a.count
        guard n > 1 else { return out }
        while true {
            var j = n - 2
            while j >= 0 && a[j] >= a[j + 1] { j -= 1 }
            if j < 0 { return out }
            var l = n - 1
            while a[j] >= a[l] { l -= 1 }
            a.swapAt(j, l)
            a[(j + 1)...].reverse()
            out.append(a)
        }
    }

    /// A generator for draw `index` of a run seeded with `seed`: SplitMix64's finalizer of
    /// seed + (index + 1)·γ, so each draw has its own stream and results do not depend on the order in
    /// which threads run them.
    static func generator(seed: UInt64, index: Int) -> SeededGenerator {
        var z = seed &+ (UInt64(index) &+ 1) &* 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return SeededGenerator(seed: z ^ (z >> 31))
    }

    /// A uniform integer in 0..<bound by Lemire's multiply-and-reject method (unbiased, and defined
    /// here so that streams stay the same across Swift versions).
    static func uniform(_ bound: Int, using g: inout SeededGenerator) -> Int {
        precondition(bound > 0)
        let s = UInt64(bound)
        var m = g.next().multipliedFullWidth(by: s)
        if m.low < s {
            let threshold = (0 &- s) % s
            while m.low < threshold { m = g.next().multipliedFullWidth(by: s) }
        }
        return Int(m.high)
    }

    /// `shuffled(n, using:)` written into `a` (n slots), without allocating: the same permutation.
    static func shuffle(into a: UnsafeMutablePointer<Int>, _ n: Int, using g: inout SeededGenerator) {
        for i in 0..<n { a[i] = i }
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) {
                let j = uniform(i + 1, using: &g)
                let t = a[i]; a[i] = a[j]; a[j] = t
            }
        }
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates).
    static func shuffled(_ n: Int, using g: inout SeededGenerator) -> [Int] {
        var a = Array(0..<n)
        if n > 1 {
            for i in stride(from: n - 1, to: 0, by: -1) { a.swapAt(i, uniform(i + 1, using: &g)) }
        }
        return a
    }
}
