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
        let usable = table.times.indices.filter { table.times[$0] <= lastTime }
        let beyond = table.times.indices.filter { table.times[$0] > lastTime }
        let riskTimes = usable.map { table.times[$0] }
        func layout(spreading: Bool) -> ReconstructionLayout {
            var layout = ReconstructionLayout(points: cleaned.points, riskTimes: riskTimes, atRisk: usable.map { table.atRisk[$0] },
                                              spreadSpanningDrops: spreading)
            layout.noise = cleaned.noise
            return layout
        }

        let lastRiskTime = riskTimes[riskTimes.count - 1]
        let after = cleaned.points.filter { $0.time > lastRiskTime }
        if !after.isEmpty {
            let rows = after.flatMap(\.rows).sorted()
            var message = "\(rows.count) click\(rows.count == 1 ? "" : "s") after the last risk-table time used (\(fmt(lastRiskTime))); "
                + "the last interval runs to the last click (\(fmt(lastTime))) and its censoring is "
            if totalEvents != nil {
                message += "set to match the printed total of events"
            } else {
                message += "assumed to end the follow-up (patients at risk leave by the last click, censored as far as the drops allow)"
            }
            repairs.append(ReconstructionRepair(kind: .clicksBeyondRiskTable, source: .curve, rows: rows, message: message))
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

        var times: [Double] = []
        var events: [Bool] = []
        for r in outcome.runs {
            times += r.eventTimes
            events += Array(repeating: true, count: r.eventTimes.count)
            times += r.censorTimes
            events += Array(repeating: false, count: r.censorTimes.count)
        }
        var remaining = outcome.remaining
        switch tail {
        case .censorAtLastClick:
            times += Array(repeating: lastTime, count: remaining)
            events += Array(repeating: false, count: remaining)
        case .extrapolateCensoring:
            var previous = lastTime
            for k in beyond {
                let leave = max(0, remaining - table.atRisk[k])
                let t = table.times[k]
                times += (0..<leave).map { previous + Double($0 + 1) * (t - previous) / Double(leave + 1) }
                events += Array(repeating: false, count: leave)
                remaining -= leave
                previous = t
            }
            times += Array(repeating: previous, count: remaining)
            events += Array(repeating: false, count: remaining)
            if !beyond.isEmpty {
                repairs.append(ReconstructionRepair(
                    kind: .censoringExtrapolated, source: .riskTable, rows: beyond.map { table.rows[$0] },
                    message: "\(outcome.remaining) patients still at risk at the last click (\(fmt(lastTime))) were censored "
                        + "between it and \(fmt(previous)) to follow the printed numbers at risk, assuming no events after the last click"))
            }
        }
        let order = times.indices.sorted { times[$0] < times[$1] || (times[$0] == times[$1] && events[$0] && !events[$1]) }
        times = order.map { times[$0] }
        events = order.map { events[$0] }

        // Report.
        let sorted = times
        func atRisk(_ t: Double) -> Int {
            var lo = 0, hi = sorted.count
            while lo < hi {
                let mid = (lo + hi) / 2
                if sorted[mid] < t { lo = mid + 1 } else { hi = mid }
            }
            return sorted.count - lo
        }
        var checks: [ReconstructionReport.RiskCheck] = []
        for k in table.times.indices {
            let t = table.times[k]
            let next = k + 1 < table.times.count ? table.times[k + 1] : Double.infinity
            var d = 0, c = 0
            for (time, e) in zip(times, events) where time >= t && time < next { if e { d += 1 } else { c += 1 } }
            checks.append(.init(row: table.rows[k], time: t, printed: table.atRisk[k], reconstructed: atRisk(t),
                                events: d, censored: c, beyondCurve: t > lastTime))
        }
        for check in checks where check.printed != check.reconstructed {
            if check.beyondCurve {
                let why = tail == .censorAtLastClick
                    ? "patients still at risk at the last click (\(fmt(lastTime))) are censored there"
                    : "fewer patients than printed were left at the last click"
                repairs.append(ReconstructionRepair(
                    kind: .riskRowBeyondCurve, source: .riskTable, rows: [check.row],
                    message: "time \(fmt(check.time)) is after the last click (\(fmt(lastTime))), so it cannot be reconstructed from the curve: "
                        + "printed \(check.printed) at risk, reconstructed \(check.reconstructed) (\(why))"))
            } else {
                repairs.append(ReconstructionRepair(
                    kind: .numberAtRiskNotMatched, source: .riskTable, rows: [check.row],
                    message: "printed \(check.printed) at risk at time \(fmt(check.time)), reconstructed \(check.reconstructed): "
                        + "the curve and the table disagree (the curve drops more than the table allows)"))
            }
        }
        let eventCount = events.reduce(0) { $0 + ($1 ? 1 : 0) }
        if let totalEvents, totalEvents != eventCount {
            repairs.append(ReconstructionRepair(
                kind: .totalEventsNotMatched, source: .totalEvents, rows: [],
                message: "printed \(totalEvents) events, reconstructed \(eventCount): the curve's drops cannot hold "
                    + (totalEvents > eventCount ? "more" : "fewer") + " events with the printed numbers at risk"))
        }

        let km = StepSurvival(times: times, events: events)
        let distances = cleaned.clicks.map { km.distance(time: $0.time, survival: $0.survival) }
        let report = ReconstructionReport(
            patients: table.patients, events: eventCount, printedTotalEvents: totalEvents, numbersAtRisk: checks,
            maxAbsDifference: distances.max() ?? 0,
            meanAbsDifference: distances.isEmpty ? 0 : distances.reduce(0, +) / Double(distances.count),
            lastClickTime: lastTime, repairs: repairs)
        return ReconstructedArm(arm: arm, times: times, events: events, report: report)
    }
}
