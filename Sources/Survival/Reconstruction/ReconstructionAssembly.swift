/// Runs the passes and turns their result into patient records and a quality report.
struct ReconstructionAssembly {
    let cleaned: CleanedCurve
    let table: ValidatedRiskTable
    let totalEvents: Int?
    let tail: IPDReconstruction.Tail
    let arm: String?
    let scale: SurvivalScale

    func build() -> ReconstructedArm {
        var repairs = cleaned.repairs + table.repairs
        let lastTime = cleaned.lastTime
        // The table is in time order: the rows up to the last click, then those after it.
        var usableCount = 0
        while usableCount < table.times.count && table.times[usableCount] <= lastTime { usableCount += 1 }
        let beyond = usableCount..<table.times.count
        let riskTimes = usableCount == table.times.count ? table.times : Array(table.times[..<usableCount])
        let usableAtRisk = usableCount == table.atRisk.count ? table.atRisk : Array(table.atRisk[..<usableCount])
        func layout(spreading: Bool) -> ReconstructionLayout {
            var layout = ReconstructionLayout(points: cleaned.points, riskTimes: riskTimes, atRisk: usableAtRisk,
                                              spreadSpanningDrops: spreading)
            layout.noise = cleaned.noise
            return layout
        }

        let lastRiskTime = riskTimes[riskTimes.count - 1]
        // The points are in time order: those after the last risk-table time are the last ones.
        var firstAfter = cleaned.points.count
        while firstAfter > 0 && cleaned.points[firstAfter - 1].time > lastRiskTime { firstAfter -= 1 }
        let after = cleaned.points[firstAfter...]
        if !after.isEmpty {
            let rows = cleaned.sortedRows(of: after)
            let censoring = totalEvents != nil
                ? "set to match the printed total of events"
                : "assumed to end the follow-up (patients at risk leave by the last click, censored as far as the drops allow)"
            let message: RepairText = """
                \(rows.count) click\(rows.count == 1 ? "" : "s") after the last risk-table time used (\(lastRiskTime)); \
                the last interval runs to the last click (\(lastTime)) and its censoring is \(censoring)
                """
            repairs.append(ReconstructionRepair(kind: .clicksBeyondRiskTable, source: .curve, rows: rows, text: message))
        }

        let tailFloor = beyond.first.map { table.atRisk[$0] } ?? 0
        func solve(_ layout: ReconstructionLayout) -> ReconstructionEngine.Outcome {
            let engine = ReconstructionEngine(layout: layout, tailFloor: tailFloor)
            var plans = engine.firstPass()
            if let totalEvents { plans = engine.matchTotal(plans, total: totalEvents) }
            return engine.execute(plans, record: true)
        }
        let endLayout = layout(spreading: false)
        var outcome = solve(endLayout)
        // A drop the clicks put at one end (a corner, or the later click) but which spans a
        // risk-table time can leave the printed total unreachable (its events all fall on one side
        // of the time, where the printed numbers at risk cap them). Then such drops are spread
        // across the time.
        if let totalEvents, outcome.events != totalEvents, !endLayout.spanningOneEndDrops.isEmpty {
            let spread = solve(layout(spreading: true))
            if abs(spread.events - totalEvents) < abs(outcome.events - totalEvents) {
                outcome = spread
                let spans = endLayout.spanningOneEndDrops.map { "\(fmt($0.start))–\(fmt($0.end))" }.joined(separator: ", ")
                repairs.append(ReconstructionRepair(
                    kind: .dropSpreadAcrossRiskTime, source: .totalEvents, rows: [],
                    message: "the printed total of \(totalEvents) events cannot be reached with the events of the drop"
                        + (endLayout.spanningOneEndDrops.count == 1 ? "" : "s") + " over \(spans) at one end, as the clicks suggest; "
                        + "they were spread across the risk-table time\(endLayout.spanningOneEndDrops.count == 1 ? "" : "s") inside"))
            }
        }

        // The records: per interval its events, then its censorings, then the tail censorings,
        // sorted by time with events first at a tie, the rest in that order (a stable sort).
        // Each interval's events and censorings come ascending (see `IntervalSolver`), so merging
        // them gives that order directly, unless the result is out of order somewhere (which
        // it is when a part was not ascending): then the records are sorted as they are.
        let e = outcome.recording.events, c = outcome.recording.censorings
        var times = [Double](repeating: 0, count: e.count + c.count + outcome.remaining)
        var events = [Bool](repeating: false, count: times.count)
        var merged = true
        var previous = lastTime
        // Written through buffers: appending would check the arrays' uniqueness per record.
        times.withUnsafeMutableBufferPointer { times in events.withUnsafeMutableBufferPointer { events in
            var n = 0
            func append(_ t: Double, _ e: Bool) {
                if n > 0, t < times[n - 1] || (t == times[n - 1] && e && !events[n - 1]) { merged = false }
                times[n] = t
                events[n] = e
                n += 1
            }
            for r in outcome.runs {
                var i = r.recordedEvents.lowerBound, j = r.recordedCensorings.lowerBound
                let iEnd = r.recordedEvents.upperBound, jEnd = r.recordedCensorings.upperBound
                while i < iEnd || j < jEnd {
                    if j == jEnd || (i < iEnd && !(c[j] < e[i])) {
                        append(e[i], true); i += 1
                    } else {
                        append(c[j], false); j += 1
                    }
                }
            }
            var remaining = outcome.remaining
            switch tail {
            case .censorAtLastClick:
                for _ in 0..<remaining { append(lastTime, false) }
            case .extrapolateCensoring:
                for k in beyond {
                    let leave = max(0, remaining - table.atRisk[k])
                    let t = table.times[k]
                    for j in 0..<leave { append(previous + Double(j + 1) * (t - previous) / Double(leave + 1), false) }
                    remaining -= leave
                    previous = t
                }
                for _ in 0..<remaining { append(previous, false) }
            }
            assert(n == times.count, "every patient leaves once")
        } }
        if tail == .extrapolateCensoring && !beyond.isEmpty {
            repairs.append(ReconstructionRepair(
                kind: .censoringExtrapolated, source: .riskTable, rows: beyond.map { table.rows[$0] },
                text: """
                    \(outcome.remaining) patients still at risk at the last click (\(lastTime)) were censored \
                    between it and \(previous) to follow the printed numbers at risk, assuming no events after the last click
                    """))
        }
        if !merged {
            var records: [(time: Double, event: Bool)] = []
            records.reserveCapacity(times.count)
            for r in outcome.runs {
                for k in r.recordedEvents { records.append((e[k], true)) }
                for k in r.recordedCensorings { records.append((c[k], false)) }
            }
            var k = records.count
            while k < times.count { records.append((times[k], false)); k += 1 }
            records.sort { $0.time < $1.time || ($0.time == $1.time && $0.event && !$1.event) }
            times = records.map(\.time)
            events = records.map(\.event)
        }

        // Report. `times` ascends: the records from t on start at the first index with time ≥ t.
        func firstIndex(from t: Double) -> Int {
            var lo = 0, hi = times.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if times[mid] < t { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        var checks: [ReconstructionReport.RiskCheck] = []
        checks.reserveCapacity(table.times.count)
        var eventCount = 0
        for e in events where e { eventCount += 1 }
        for k in table.times.indices {
            let t = table.times[k]
            let next = k + 1 < table.times.count ? table.times[k + 1] : Double.infinity
            let from = firstIndex(from: t)
            var d = 0, c = 0
            var i = from
            while i < times.count && times[i] < next {
                if events[i] { d += 1 } else { c += 1 }
                i += 1
            }
            checks.append(.init(row: table.rows[k], time: t, printed: table.atRisk[k], reconstructed: times.count - from,
                                events: d, censored: c, beyondCurve: t > lastTime))
        }
        for check in checks where check.printed != check.reconstructed {
            if check.beyondCurve {
                let why = tail == .censorAtLastClick
                    ? "patients still at risk at the last click (\(fmt(lastTime))) are censored there"
                    : "fewer patients than printed were left at the last click"
                repairs.append(ReconstructionRepair(
                    kind: .riskRowBeyondCurve, source: .riskTable, rows: [check.row],
                    text: """
                        time \(check.time) is after the last click (\(lastTime)), so it cannot be reconstructed from the curve: \
                        printed \(check.printed) at risk, reconstructed \(check.reconstructed) (\(why))
                        """))
            } else {
                repairs.append(ReconstructionRepair(
                    kind: .numberAtRiskNotMatched, source: .riskTable, rows: [check.row],
                    text: """
                        printed \(check.printed) at risk at time \(check.time), reconstructed \(check.reconstructed): \
                        the curve and the table disagree (the curve drops more than the table allows)
                        """))
            }
        }
        if let totalEvents, totalEvents != eventCount {
            repairs.append(ReconstructionRepair(
                kind: .totalEventsNotMatched, source: .totalEvents, rows: [],
                message: "printed \(totalEvents) events, reconstructed \(eventCount): the curve's drops cannot hold "
                    + (totalEvents > eventCount ? "more" : "fewer") + " events with the printed numbers at risk"))
        }

        let km = StepSurvival(times: times, events: events)
        // Distances from every input click to the reconstructed curve, in input order.
        var maxDistance = 0.0, sumDistance = 0.0
        let clickCount = cleaned.clickTimes.count
        var hint = 0
        for i in 0..<clickCount {
            let distance = km.distance(time: cleaned.clickTimes[i], survival: cleaned.clickSurvival[i], hint: &hint)
            if i == 0 || maxDistance < distance { maxDistance = distance }
            sumDistance += distance
        }
        let report = ReconstructionReport(
            patients: table.patients, events: eventCount, printedTotalEvents: totalEvents, numbersAtRisk: checks,
            maxAbsDifference: clickCount == 0 ? 0 : maxDistance,
            meanAbsDifference: clickCount == 0 ? 0 : sumDistance / Double(clickCount),
            lastClickTime: lastTime, repairs: repairs)
        return ReconstructedArm(arm: arm, times: times, events: events, report: report)
    }
}
