import CMallocCounter
import Foundation

/// One measured workload: per-repetition wall times and allocation counts.
struct Measurement {
    var name: String
    var times: [Double]
    var allocations: [UInt64]

    static func quantile(_ xs: [Double], _ p: Double) -> Double {
        let s = xs.sorted()
        let h = Double(s.count - 1) * p
        let lo = Int(h.rounded(.down)), hi = Int(h.rounded(.up))
        return s[lo] + (h - Double(lo)) * (s[hi] - s[lo])
    }

    var median: Double { Measurement.quantile(times, 0.5) }
    var p25: Double { Measurement.quantile(times, 0.25) }
    var p75: Double { Measurement.quantile(times, 0.75) }
    var minimum: Double { times.min() ?? .nan }
    var medianAllocations: UInt64 { allocations.sorted()[allocations.count / 2] }
}

/// Wall-clock time in seconds (CLOCK_MONOTONIC).
func now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
}

/// Runs `body` once to warm up, then repeatedly until at least `minTime` seconds and `minReps`
/// repetitions have passed (at most `maxReps`), timing each repetition and counting its allocations.
func measure(_ name: String, minTime: Double = 1.0, minReps: Int = 5, maxReps: Int = 2000, _ body: () throws -> Void) rethrows -> Measurement {
    try body()
    var times: [Double] = [], allocations: [UInt64] = []
    let start = now()
    while (now() - start < minTime || times.count < minReps) && times.count < maxReps {
        let a0 = survmeta_allocation_count()
        let t0 = now()
        try body()
        let t1 = now()
        allocations.append(survmeta_allocation_count() - a0)
        times.append(t1 - t0)
    }
    return Measurement(name: name, times: times, allocations: allocations)
}

/// Formats seconds with a unit a reader takes in at a glance.
func seconds(_ s: Double) -> String {
    if !s.isFinite { return "—" }
    if s < 1e-3 { return String(format: "%.1f µs", s * 1e6) }
    if s < 1 { return String(format: "%.2f ms", s * 1e3) }
    return String(format: "%.2f s", s)
}
