/// The product-limit curve of a set of (time, event) records as a right-continuous step function,
/// for the reconstruction's own checks (the full estimator with variances is `KaplanMeier`).
///
/// Ŝ(t) = Π_{tⱼ ≤ t} (1 − dⱼ/nⱼ) over the distinct event times tⱼ, nⱼ = #{time ≥ tⱼ}.
struct StepSurvival: Sendable {
    /// Distinct event times, ascending.
    let times: [Double]
    /// Ŝ at (and after) each of `times`.
    let values: [Double]

    init(times t: [Double], events e: [Bool]) {
        // Records already in time order (as the reconstruction's are) are taken as they are,
        // which is what the stable sort leaves them as.
        var inOrder = true
        for k in t.indices.dropFirst() where t[k] < t[k - 1] { inOrder = false; break }
        let order: [Int] = inOrder ? [] : t.indices.sorted { t[$0] < t[$1] }
        var eventCount = 0
        for flag in e where flag { eventCount += 1 }
        // At most one step per event: filled through buffers of that size, then cut to the steps.
        var times = [Double](repeating: 0, count: eventCount)
        var values = [Double](repeating: 0, count: eventCount)
        var steps = 0
        t.withUnsafeBufferPointer { t in e.withUnsafeBufferPointer { e in order.withUnsafeBufferPointer { order in
        times.withUnsafeMutableBufferPointer { times in values.withUnsafeMutableBufferPointer { values in
            @inline(__always) func at(_ k: Int) -> Int { inOrder ? k : order[k] }
            var atRisk = t.count
            var k = 0
            var s = 1.0
            while k < t.count {
                let time = t[at(k)]
                var d = 0, c = 0
                while k < t.count && t[at(k)] == time {
                    if e[at(k)] { d += 1 } else { c += 1 }
                    k += 1
                }
                if d > 0 {
                    s *= 1 - Double(d) / Double(atRisk)
                    times[steps] = time
                    values[steps] = s
                    steps += 1
                }
                atRisk -= d + c
            }
        } } } } }
        times.removeLast(eventCount - steps)
        values.removeLast(eventCount - steps)
        self.times = times
        self.values = values
    }

    /// Number of event times ≤ t.
    private func upperIndex(_ t: Double) -> Int {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] <= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Ŝ(t).
    func value(at t: Double) -> Double {
        let i = upperIndex(t)
        return i == 0 ? 1 : values[i - 1]
    }

    /// Ŝ(t−), the value just before t.
    func leftLimit(at t: Double) -> Double {
        var lo = 0, hi = times.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if times[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? 1 : values[lo - 1]
    }

    /// The vertical distance from the point (t, s) to the graph of the curve, vertical steps
    /// included: 0 when s lies between Ŝ(t) and Ŝ(t−).
    func distance(time t: Double, survival s: Double) -> Double {
        let below = value(at: t), above = leftLimit(at: t)
        if s >= below && s <= above { return 0 }
        return min(abs(s - below), abs(s - above))
    }

    /// `distance(time:survival:)`, for points that mostly come in time order: `hint` is the
    /// number of event times ≤ the previous point's time (start at 0), and is updated.
    func distance(time t: Double, survival s: Double, hint: inout Int) -> Double {
        var i = min(max(hint, 0), times.count)
        if i > 0 && !(times[i - 1] <= t) {
            i = upperIndex(t)
        } else {
            var steps = 0
            while i < times.count && times[i] <= t && steps < 8 { i += 1; steps += 1 }
            if i < times.count && times[i] <= t { i = upperIndex(t) }
        }
        hint = i
        // Event times are distinct: Ŝ(t−) differs from Ŝ(t) only when t is one of them.
        let below = i == 0 ? 1 : values[i - 1]
        let lower = i > 0 && times[i - 1] == t ? i - 1 : i
        let above = lower == 0 ? 1 : values[lower - 1]
        if s >= below && s <= above { return 0 }
        return min(abs(s - below), abs(s - above))
    }
}
