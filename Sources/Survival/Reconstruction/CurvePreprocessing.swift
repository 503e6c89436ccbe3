/// The digitized curve after preprocessing: on the 0–1 scale, in time order, starting at (0, 1),
/// non-increasing, with the repairs that got it there.
struct CleanedCurve: Sendable {
    struct Point: Sendable, Equatable {
        var time: Double
        var survival: Double
        /// The input clicks behind this point (none for the added anchor), as positions in
        /// `CleanedCurve.order`: see `rows(of:)`.
        var members: Range<Int> = 0..<0
        var isAnchor: Bool = false
    }

    /// The curve the reconstruction follows.
    var points: [Point]
    /// Every input click on the 0–1 scale with its time clamped at 0 and survival clipped to
    /// [0, 1], before sorting, merging and pooling, in input order: what the quality report
    /// compares against.
    var clickTimes: [Double]
    var clickSurvival: [Double]
    var repairs: [ReconstructionRepair]
    /// Click noise on the 0–1 scale: √(mean rise² / 2) over the rises between time-consecutive
    /// clicks (a Kaplan–Meier curve never rises, so every rise is digitizing error), at least 0.001.
    var noise: Double = 0.001
    /// Input positions (0-based) of the clicks in sorted order; a point's clicks are
    /// `order[point.members]`.
    var order: [Int] = []
    /// The input's row labels (`DigitizedCurve.rows`).
    var inputRows: [Int]? = nil

    var lastTime: Double { points[points.count - 1].time }

    /// The input rows behind `points`, in no particular order.
    func rows(of points: ArraySlice<Point>) -> [Int] {
        var count = 0
        for k in points.indices { count += points[k].members.count }
        var rows: [Int] = []
        rows.reserveCapacity(count)
        for k in points.indices {
            for m in points[k].members { rows.append(DigitizedCurve.row(order[m], rows: inputRows)) }
        }
        return rows
    }

    /// `rows(of:)` in ascending order (sorted in place, no second array).
    func sortedRows(of points: ArraySlice<Point>) -> [Int] {
        var rows = rows(of: points)
        rows.sort()
        return rows
    }
}

/// Preprocessing of digitized clicks (see `IPDReconstruction` for the list of steps).
enum CurvePreprocessing {
    /// - Parameter tolerance: how far above 1 (or below 0), on the 0–1 scale, a survival value may
    ///   lie and still be taken as a rounding slip and clipped.
    static func clean(_ curve: DigitizedCurve, tolerance: Double) throws -> CleanedCurve {
        let n = curve.times.count
        guard curve.survival.count == n, curve.rows.map({ $0.count == n }) ?? true else {
            throw ReconstructionError.curveLengthMismatch(times: n, survival: curve.survival.count, rows: curve.rows?.count)
        }
        for i in 0..<n {
            if !curve.times[i].isFinite {
                throw ReconstructionError.nonFiniteClick(row: curve.row(i), column: "time", value: curve.times[i])
            }
            if !curve.survival[i].isFinite {
                throw ReconstructionError.nonFiniteClick(row: curve.row(i), column: "survival", value: curve.survival[i])
            }
        }
        guard n >= 2 else { throw ReconstructionError.tooFewClicks(count: n) }

        var repairs: [ReconstructionRepair] = []
        repairs.reserveCapacity(16)
        let full = curve.scale.full
        var times = curve.times
        var surv = [Double](repeating: 0, count: n)
        var clipped: [Int] = []
        var negative: [Int] = []
        try surv.withUnsafeMutableBufferPointer { surv in
            for i in 0..<n {
                let s = curve.survival[i] / full
                if s > 1 + tolerance {
                    throw ReconstructionError.survivalAboveOne(row: curve.row(i), value: curve.survival[i], scale: curve.scale, tolerance: tolerance)
                }
                if s < -tolerance {
                    throw ReconstructionError.survivalBelowZero(row: curve.row(i), value: curve.survival[i], scale: curve.scale, tolerance: tolerance)
                }
                surv[i] = min(max(s, 0), 1)
                if surv[i] != s { clipped.append(i) }
                if curve.times[i] < 0 { negative.append(i) }
            }
        }
        for i in negative { times[i] = 0 }
        let unit = curve.scale == .percent ? " %" : ""
        for i in clipped {
            let limit = curve.survival[i] > 0 ? ReconstructionError.format(full) : "0"
            repairs.append(ReconstructionRepair(
                kind: .survivalClipped, source: .curve, rows: [curve.row(i)],
                text: "survival \(curve.survival[i])\(unit) is outside 0–\(ReconstructionError.format(full))\(unit) by less than rounding; set to \(limit)\(unit)"))
        }
        for i in negative {
            repairs.append(ReconstructionRepair(
                kind: .negativeTimeSetToZero, source: .curve, rows: [curve.row(i)],
                text: "time \(curve.times[i]) is before the start of follow-up; set to 0"))
        }
        let clickTimes = times, clickSurvival = surv

        // Sort by time; at one time, from the top of the step to its bottom (a total order, so
        // the result does not depend on the sorting algorithm; clicks already in order stay).
        func before(_ a: Int, _ b: Int) -> Bool {
            if times[a] != times[b] { return times[a] < times[b] }
            if surv[a] != surv[b] { return surv[a] > surv[b] }
            return a < b
        }
        var inOrder = true
        for i in 1..<n where before(i, i - 1) { inOrder = false; break }
        var order = Array(0..<n)
        if !inOrder {
            order.sort(by: before)
            var moved: [Int] = []
            var latest = -Double.infinity
            for i in 0..<n {
                if times[i] < latest { moved.append(curve.row(i)) }
                latest = max(latest, times[i])
            }
            var flipped: [Int] = []
            for i in 1..<n where times[i] == times[i - 1] && surv[i] > surv[i - 1] { flipped.append(curve.row(i)) }
            var parts: [String] = []
            if !moved.isEmpty { parts.append("\(moved.count) click\(moved.count == 1 ? "" : "s") came after a later time") }
            if !flipped.isEmpty { parts.append("\(flipped.count) click\(flipped.count == 1 ? "" : "s") at a repeated time came below the one before (the top of a step is put first)") }
            repairs.append(ReconstructionRepair(
                kind: .clicksSorted, source: .curve, rows: (moved + flipped).sorted(),
                message: parts.joined(separator: "; ") + "; sorted by time"))
        }

        // Clicks closer in time than the time resolution (0.2 % of the time axis) are the top
        // and bottom of one vertical step read with a little noise in x: order them from the top
        // down and give them one time (the latest), rather than let a few hundredths of a month
        // turn a step upside down (which the isotonic fit would then flatten).
        let span = (times.max() ?? 0) - (times.min() ?? 0)
        let resolution = 0.002 * span
        var k = 0
        while k < n {
            var j = k
            while j + 1 < n && times[order[j + 1]] - times[order[k]] <= resolution { j += 1 }
            if j > k {
                var rising = false
                for m in k..<j where surv[order[m + 1]] > surv[order[m]] { rising = true; break }
                if rising {
                    let cluster = Array(order[k...j])
                    let reordered = cluster.sorted { surv[$0] > surv[$1] || (surv[$0] == surv[$1] && times[$0] < times[$1]) }
                    let latest = cluster.map { times[$0] }.max()!
                    for i in cluster { times[i] = latest }
                    order.replaceSubrange(k...j, with: reordered)
                    repairs.append(ReconstructionRepair(
                        kind: .verticalStepReordered, source: .curve, rows: cluster.map(curve.row).sorted(),
                        text: """
                            clicks within the time resolution (\(resolution)) of each other rise in time order; \
                            taken as one vertical step at time \(latest), from the top down
                            """))
                }
            }
            k = j + 1
        }

        // Repeated times: keep the top and the bottom of the vertical step. The points and their
        // weights are written through buffers (slot 0 kept for the anchor at (0, 1)), not appended.
        let anchor = CleanedCurve.Point(time: 0, survival: 1, members: 0..<0, isAnchor: true)
        var points = [CleanedCurve.Point](repeating: anchor, count: n + 1)
        var weights = [Double](repeating: Double(n), count: n + 1)
        var used = 1
        points.withUnsafeMutableBufferPointer { points in weights.withUnsafeMutableBufferPointer { weights in
            func add(_ point: CleanedCurve.Point, _ weight: Double) {
                points[used] = point
                weights[used] = weight
                used += 1
            }
            var g = 0
            while g < n {
                var h = g
                while h + 1 < n && times[order[h + 1]] == times[order[g]] { h += 1 }
                let t = times[order[g]]
                let top = order[g], bottom = order[h]
                let count = h - g + 1
                if count == 1 {
                    add(.init(time: t, survival: surv[top], members: g..<(g + 1)), 1)
                } else if surv[top] == surv[bottom] {
                    add(.init(time: t, survival: surv[top], members: g..<(h + 1)), Double(count))
                    repairs.append(ReconstructionRepair(
                        kind: .duplicateTimeMerged, source: .curve, rows: order[g...h].map(curve.row).sorted(),
                        text: "\(count) clicks at the same point (\(t), \(surv[top] * full)\(unit)); merged into one"))
                } else {
                    // The bottom point also carries the clicks between the top and the bottom.
                    add(.init(time: t, survival: surv[top], members: g..<(g + 1)), 1)
                    add(.init(time: t, survival: surv[bottom], members: (g + 1)..<(h + 1)), 1)
                    if count > 2 {
                        let middle = order[(g + 1)..<h]
                        repairs.append(ReconstructionRepair(
                            kind: .duplicateTimeMerged, source: .curve, rows: middle.map(curve.row).sorted(),
                            text: """
                                \(middle.count) click\(middle.count == 1 ? "" : "s") at time \(t) between the top (row \(curve.row(top))) \
                                and the bottom (row \(curve.row(bottom))) of a vertical step; merged into the step
                                """))
                    }
                }
                g = h + 1
            }
        } }
        points.removeLast(points.count - used)
        weights.removeLast(weights.count - used)
        var cleaned = CleanedCurve(points: [], clickTimes: clickTimes, clickSurvival: clickSurvival, repairs: [])
        cleaned.order = order
        cleaned.inputRows = curve.rows

        // Anchor at (0, 1): kept when the curve does not start there.
        let first = points[1]
        if first.time > 0 || first.survival < 1 {
            var message = "the curve starts at (\(fmt(first.time)), \(fmt(first.survival * full))\(unit)); added the point (0, \(ReconstructionError.format(full))\(unit))"
            if first.time == 0 {
                message += "; the drop to \(fmt(first.survival * full))\(unit) at time 0 becomes events at time 0"
            }
            repairs.append(ReconstructionRepair(kind: .anchorAdded, source: .curve, rows: cleaned.sortedRows(of: points[1...1]), message: message))
        } else {
            points.removeFirst()
            weights.removeFirst()
        }

        // Rises: isotonic (antitonic) regression, never deletion.
        let fit = AntitonicRegression(values: points.map(\.survival), weights: weights)
        for block in fit.blocks where block.range.count > 1 {
            let members = block.range
            let rows = cleaned.sortedRows(of: points[members])
            var lo = points[members.lowerBound].survival, hi = lo
            for m in members {
                if points[m].survival < lo { lo = points[m].survival }
                if hi < points[m].survival { hi = points[m].survival }
            }
            repairs.append(ReconstructionRepair(
                kind: .risePooled, source: .curve, rows: rows,
                text: """
                    survival rises within these clicks (between \(lo * full)\(unit) and \(hi * full)\(unit)); \
                    replaced by their mean \(block.value * full)\(unit) (isotonic regression)
                    """))
        }
        var rises = 0
        var squares = 0.0
        for k in 1..<points.count where points[k].survival > points[k - 1].survival {
            let rise = points[k].survival - points[k - 1].survival
            squares += rise * rise
            rises += 1
        }
        let noise = rises == 0 ? 0 : (squares / Double(rises) / 2).squareRoot()
        points.withUnsafeMutableBufferPointer { points in
            for i in points.indices { points[i].survival = fit.fitted[i] }
        }
        cleaned.points = points
        cleaned.repairs = repairs
        cleaned.noise = max(noise, 0.001)
        return cleaned
    }
}
