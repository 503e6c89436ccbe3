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
        /// One click per step (the lower corner, Guyot's convention): all events at `end`.
        case atEnd
    }

    /// How the person clicked, read off the clicks.
    enum ClickStyle: Sendable, Equatable {
        /// Both corners of steps (at least a quarter of the drops are vertical): a drop between
        /// clicks at different times is a step whose corners were not clicked.
        case corners
        /// One point per step: the drop between two clicks happened at the later one.
        case steps
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
            (0..<max(count, 0)).map { eventTime($0, of: count) }
        }

        /// At or after every time `eventTime(_:of:)` gives: `end` plus far more than their
        /// rounding (each is start + a fraction ≤ 1 of w = end − start, a few roundings).
        var latestEventTime: Double { end + 1e-12 * (Swift.abs(start) + Swift.abs(end)) }

        /// True when all events of this drop fall at one time, however many there are.
        @inline(__always)
        var eventsAlwaysTied: Bool {
            if end - start <= 0 { return true }
            switch placement {
            case .vertical, .atEnd: return true
            case .fromStart, .toEnd, .corners, .centered: return false
            }
        }

        /// True when all `count` events of this drop fall at one time.
        @inline(__always)
        func eventsTied(_ count: Int) -> Bool {
            eventsAlwaysTied || (placement == .corners && count == 1)
        }

        /// The time of event `j` (0-based) of `count` (> 0) at this drop: element `j` of
        /// `eventTimes(count)`.
        @inline(__always)
        func eventTime(_ j: Int, of count: Int) -> Double {
            let w = end - start
            if w <= 0 { return start }
            let d = Double(count)
            switch placement {
            case .vertical:
                return start + w / 2
            case .fromStart:
                return start + Double(j) * w / d
            case .toEnd:
                return start + Double(j + 1) * w / d
            case .corners:
                if count == 1 { return start + w / 2 }
                return start + Double(j) * w / (d - 1)
            case .centered:
                return start + (Double(j) + 0.5) * w / d
            case .atEnd:
                return end
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
    var style: ClickStyle
    /// Time resolution: drops narrower than this are vertical steps.
    var verticalTolerance: Double
    /// Survival noise of the clicks (0–1 scale), estimated from the rises between consecutive
    /// input clicks (a rise is noise by definition), at least 0.001.
    var noise: Double = 0.001

    /// Drops placed at one end (`fromStart`, `toEnd`, `atEnd`) that span a risk-table time; with
    /// `spreadSpanningDrops` they were spread across the pieces instead.
    var spanningOneEndDrops: [(start: Double, end: Double)] = []

    /// - Parameters:
    ///   - points: the cleaned curve (starts at (0, 1), non-increasing, time-sorted).
    ///   - riskTimes, atRisk: the usable printed rows (times ≤ the last click, first at 0).
    ///   - spreadSpanningDrops: spread a drop that spans a risk-table time over its pieces in
    ///     proportion to time even when the clicks put it at one end (used when that reading
    ///     cannot hold a printed total of events).
    init(points: [CleanedCurve.Point], riskTimes: [Double], atRisk: [Int], spreadSpanningDrops: Bool = false) {
        precondition(!riskTimes.isEmpty && riskTimes[0] == 0, "the risk table starts at time 0")
        let time = points.map(\.time), value = points.map(\.survival)
        let lastTime = time[time.count - 1]
        verticalTolerance = 0.002 * lastTime

        // The last risk-table time at or before t. The times asked for mostly ascend (the points
        // do), so the answer is found by walking on from the previous one; a time before that
        // one is searched for.
        var cursor = 0
        func intervalIndex(containing t: Double) -> Int {
            if riskTimes[cursor] > t {
                var lo = 0
                var hi = cursor - 1
                while lo < hi {
                    let mid = (lo + hi + 1) / 2
                    if riskTimes[mid] <= t { lo = mid } else { hi = mid - 1 }
                }
                cursor = lo
                return lo
            }
            while cursor + 1 < riskTimes.count && riskTimes[cursor + 1] <= t { cursor += 1 }
            return cursor
        }

        var drops = 0, vertical = 0
        for k in 1..<time.count where value[k] < value[k - 1] {
            drops += 1
            if time[k] - time[k - 1] <= verticalTolerance { vertical += 1 }
        }
        let style: ClickStyle = drops > 0 && 4 * vertical >= drops ? .corners : .steps
        self.style = style

        var sites: [Site] = []
        sites.reserveCapacity(time.count + riskTimes.count)
        var spanning: [(start: Double, end: Double)] = []
        // The curve at each risk-table time: the value of the last point added at or before it
        // (points come in time order), 1 before the first.
        var curveAtRisk = [Double](repeating: 1, count: riskTimes.count)
        var settled = 0
        var current = 1.0
        func addPoint(_ t: Double, _ v: Double) {
            while settled < riskTimes.count && riskTimes[settled] < t { curveAtRisk[settled] = current; settled += 1 }
            current = v
        }
        addPoint(time[0], value[0])
        // First risk-table time after the click before the drop (risk times ascend, clicks too).
        var firstCut = 0
        for k in 1..<time.count {
            let a = (time: time[k - 1], survival: value[k - 1]), b = (time: time[k], survival: value[k])
            guard a.survival > b.survival else { addPoint(b.time, b.survival); continue }
            let w = b.time - a.time
            let interval = intervalIndex(containing: w > 0 ? a.time : b.time)
            var placement: Placement
            if w <= verticalTolerance {
                placement = .vertical
            } else if style == .steps {
                placement = .atEnd
            } else {
                // Corner evidence from the neighbouring clicks. A flat stretch into A makes A the
                // top corner of a step at A's time; a vertical drop into A (or A being the start
                // of the curve) makes A a bottom corner, so the drop to B comes later. Likewise a
                // flat stretch out of B makes B a bottom corner, a vertical drop out of B a top one.
                let step = 0.5 * a.survival / Double(max(atRisk[interval], 1))
                var aTop = false, aBottom = k == 1, bTop = false, bBottom = false
                if k >= 2 {
                    let p = (time: time[k - 2], survival: value[k - 2])
                    if a.time - p.time > verticalTolerance { aTop = p.survival - a.survival <= step } else { aBottom = p.survival - a.survival > step }
                }
                if k + 1 < time.count {
                    let q = (time: time[k + 1], survival: value[k + 1])
                    if q.time - b.time > verticalTolerance { bBottom = b.survival - q.survival <= step } else { bTop = b.survival - q.survival > step }
                }
                let early = aTop || bTop, late = aBottom || bBottom
                switch (early, late) {
                case (true, false): placement = .fromStart
                case (false, true): placement = .toEnd
                case (true, true): placement = aTop && bBottom ? .corners : .centered
                case (false, false): placement = .centered
                }
            }
            // Cut the drop at the risk-table times inside it. A drop placed at its start (end)
            // falls wholly in the first (last) piece; otherwise the pieces share it linearly.
            // The cuts are riskTimes[firstCut..<lastCut], then b's time.
            while firstCut < riskTimes.count && riskTimes[firstCut] <= a.time { firstCut += 1 }
            var lastCut = firstCut
            while lastCut < riskTimes.count && riskTimes[lastCut] < b.time { lastCut += 1 }
            let pieces = lastCut - firstCut + 1
            if pieces > 1 && (placement == .fromStart || placement == .toEnd || placement == .atEnd) {
                spanning.append((a.time, b.time))
                if spreadSpanningDrops { placement = .centered }
            }
            if placement == .vertical && pieces > 1 { placement = .centered }
            var from = a.time
            var top = a.survival
            for c in 0..<pieces {
                let isLast = c == pieces - 1
                let cut = isLast ? b.time : riskTimes[firstCut + c]
                let bottom: Double
                switch placement {
                case .fromStart: bottom = b.survival
                case .toEnd, .atEnd: bottom = isLast ? b.survival : a.survival
                default: bottom = isLast ? b.survival : a.survival + (b.survival - a.survival) * (cut - a.time) / w
                }
                if top > bottom {
                    let pieceInterval = intervalIndex(containing: cut > from && placement != .atEnd ? from : cut)
                    var piecePlacement = placement
                    if pieces > 1 {
                        switch placement {
                        case .fromStart, .toEnd, .atEnd: break
                        default: piecePlacement = .centered
                        }
                    }
                    // Events of an interval must come before its end (the next risk-table time).
                    let nextBoundary = pieceInterval + 1 < riskTimes.count ? riskTimes[pieceInterval + 1] : .infinity
                    if cut >= nextBoundary && (piecePlacement == .toEnd || piecePlacement == .corners) { piecePlacement = .centered }
                    sites.append(Site(start: from, end: cut, top: top, bottom: bottom, placement: piecePlacement, interval: pieceInterval))
                }
                addPoint(cut, bottom)
                from = cut
                top = bottom
            }
        }
        while settled < riskTimes.count { curveAtRisk[settled] = current; settled += 1 }
        self.sites = sites
        spanningOneEndDrops = spanning

        var intervals: [Interval] = []
        intervals.reserveCapacity(riskTimes.count)
        var first = 0
        for i in riskTimes.indices {
            var last = first
            while last < sites.count && sites[last].interval == i { last += 1 }
            let isOpen = i == riskTimes.count - 1
            intervals.append(Interval(
                start: riskTimes[i], end: isOpen ? lastTime : riskTimes[i + 1], isOpen: isOpen,
                printedStart: atRisk[i], printedEnd: isOpen ? nil : atRisk[i + 1],
                sites: first..<last, curveAtStart: curveAtRisk[i]))
            first = last
        }
        self.intervals = intervals
    }
}
