/// Where events can go: the drops of the cleaned curve, cut at the risk-table times, and the
/// intervals between risk-table times that they fall in.
struct ReconstructionLayout: Sendable {
    /// How the events of one drop are spread over the drop's time span [start, end].
    enum Placement: Sendable, Equatable {
        /// A vertical step (span within the time resolution): all events at the middle of the span.
        case vertical
        /// The click before the drop ends a flat stretch, so it is the top corner of a step: the
        /// first event at `start`, the others evenly after it.
        case fromStart
        /// The click after the drop starts a flat stretch, so it is the bottom corner of a step: the
        /// last event at `end`, the others evenly before it.
        case toEnd
        /// Both corners seen: events evenly from `start` to `end` (one event: the middle).
        case corners
        /// Neither corner seen (a sloped run of clicks): events at the middles of equal slices.
        case centered
    }

    /// One drop of the curve, from `top` at `start` to `bottom` at `end`.
    struct Site: Sendable, Equatable {
        var start: Double
        var end: Double
        var top: Double
        var bottom: Double
        var placement: Placement
        var interval: Int

        /// The times of `count` events at this drop, ascending, all in [start, end] and strictly
        /// before `end` unless the placement is `toEnd` (never used at a risk-table time).
        func eventTimes(_ count: Int) -> [Double] {
            guard count > 0 else { return [] }
            let w = end - start
            if w <= 0 { return Array(repeating: start, count: count) }
            let d = Double(count)
            switch placement {
            case .vertical:
                return Array(repeating: start + w / 2, count: count)
            case .fromStart:
                return (0..<count).map { start + Double($0) * w / d }
            case .toEnd:
                return (1...count).map { start + Double($0) * w / d }
            case .corners:
                if count == 1 { return [start + w / 2] }
                return (0..<count).map { start + Double($0) * w / (d - 1) }
            case .centered:
                return (0..<count).map { start + (Double($0) + 0.5) * w / d }
            }
        }
    }

    /// The stretch between two consecutive risk-table times (or, for the last, from the last
    /// risk-table time at or before the last click to the last click).
    struct Interval: Sendable, Equatable {
        var start: Double
        var end: Double
        /// True for the last interval, whose number at risk at the end is not printed.
        var isOpen: Bool
        var printedStart: Int
        /// Printed number at risk at `end` (nil for the open interval).
        var printedEnd: Int?
        var sites: Range<Int>
        /// The curve's survival at `start`.
        var curveAtStart: Double
    }

    var sites: [Site]
    var intervals: [Interval]
    /// Time resolution: drops narrower than this are vertical steps.
    var verticalTolerance: Double

    /// - Parameters:
    ///   - points: the cleaned curve (starts at (0, 1), non-increasing, time-sorted).
    ///   - riskTimes, atRisk: the usable printed rows (times ≤ the last click, first at 0).
    init(points: [CleanedCurve.Point], riskTimes: [Double], atRisk: [Int]) {
        precondition(!riskTimes.isEmpty && riskTimes[0] == 0, "the risk table starts at time 0")
        let lastTime = points[points.count - 1].time
        // Curve points, with extra (virtual) points where a drop crosses a risk-table time
        // (linear interpolation: the neutral guess of where within the drop the time falls).
        struct P { var time: Double; var survival: Double; var isClick: Bool }
        var pts: [P] = []
        var r = 1
        for (k, p) in points.enumerated() {
            if k > 0 {
                let a = points[k - 1]
                while r < riskTimes.count && riskTimes[r] <= a.time { r += 1 }
                var rr = r
                while rr < riskTimes.count && riskTimes[rr] < p.time {
                    let t = riskTimes[rr]
                    if t > a.time && a.survival > p.survival {
                        let s = a.survival + (p.survival - a.survival) * (t - a.time) / (p.time - a.time)
                        pts.append(P(time: t, survival: s, isClick: false))
                    }
                    rr += 1
                }
            }
            pts.append(P(time: p.time, survival: p.survival, isClick: !p.isAnchor))
        }
        verticalTolerance = 0.002 * lastTime

        func intervalIndex(containing t: Double) -> Int {
            var lo = 0
            var hi = riskTimes.count - 1
            while lo < hi {
                let mid = (lo + hi + 1) / 2
                if riskTimes[mid] <= t { lo = mid } else { hi = mid - 1 }
            }
            return lo
        }

        var sites: [Site] = []
        for k in 1..<pts.count where pts[k - 1].survival > pts[k].survival {
            let a = pts[k - 1], b = pts[k]
            let w = b.time - a.time
            let interval = intervalIndex(containing: w > 0 ? a.time : b.time)
            var placement: Placement
            if w <= verticalTolerance {
                placement = .vertical
            } else {
                // Corner evidence from the neighbouring clicks. A flat stretch into A makes A the
                // top corner of a step at A's time; a vertical drop into A (or A being the start
                // of the curve) makes A a bottom corner, so the drop to B is later. Likewise a
                // flat stretch out of B makes B a bottom corner, a vertical drop out of B a top one.
                let step = 0.5 * a.survival / Double(max(atRisk[interval], 1))
                let nextBoundary = interval + 1 < riskTimes.count ? riskTimes[interval + 1] : .infinity
                var aTop = false, aBottom = k == 1, bTop = false, bBottom = false
                if a.isClick && k >= 2 {
                    let p = pts[k - 2]
                    if a.time - p.time > verticalTolerance { aTop = p.survival - a.survival <= step } else { aBottom = p.survival - a.survival > step }
                }
                if b.isClick && k + 1 < pts.count {
                    let q = pts[k + 1]
                    if q.time - b.time > verticalTolerance { bBottom = b.survival - q.survival <= step } else { bTop = b.survival - q.survival > step }
                }
                if b.time >= nextBoundary { bBottom = false }
                let early = aTop || bTop, late = aBottom || bBottom
                switch (early, late) {
                case (true, false): placement = .fromStart
                case (false, true): placement = .toEnd
                case (true, true): placement = aTop && bBottom ? .corners : .centered
                case (false, false): placement = centeredDefault ? .centered : .toEnd
                }
                if b.time >= nextBoundary && (placement == .toEnd || placement == .corners) { placement = .centered }
            }
            sites.append(Site(start: a.time, end: b.time, top: a.survival, bottom: b.survival,
                              placement: placement, interval: interval))
        }
        self.sites = sites

        func curve(at t: Double) -> Double {
            var s = 1.0
            for p in pts where p.time <= t { s = p.survival }
            return s
        }
        var intervals: [Interval] = []
        var first = 0
        for i in riskTimes.indices {
            var last = first
            while last < sites.count && sites[last].interval == i { last += 1 }
            let isOpen = i == riskTimes.count - 1
            intervals.append(Interval(
                start: riskTimes[i], end: isOpen ? lastTime : riskTimes[i + 1], isOpen: isOpen,
                printedStart: atRisk[i], printedEnd: isOpen ? nil : atRisk[i + 1],
                sites: first..<last, curveAtStart: curve(at: riskTimes[i])))
            first = last
        }
        self.intervals = intervals
    }
}
