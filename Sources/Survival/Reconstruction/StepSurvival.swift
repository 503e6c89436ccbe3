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
        let order = t.indices.sorted { t[$0] < t[$1] }
        var atRisk = t.count
        var k = 0
        var s = 1.0
        var times: [Double] = []
        var values: [Double] = []
        while k < order.count {
            let time = t[order[k]]
            var d = 0, c = 0
            while k < order.count && t[order[k]] == time {
                if e[order[k]] { d += 1 } else { c += 1 }
                k += 1
            }
            if d > 0 {
                s *= 1 - Double(d) / Double(atRisk)
                times.append(time)
                values.append(s)
            }
            atRisk -= d + c
        }
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
}
