/// One row of a risk table: a distinct observed time with the number at risk just before it and the
/// numbers of events and censorings at it.
struct RiskTableRow: Sendable, Equatable {
    var time: Double
    var atRisk: Int
    var events: Int
    var censored: Int
}

enum RiskTable {
    /// The risk table of right-censored data at every distinct time (event or censoring), ascending,
    /// as `survfit` tabulates it: n.risk(t) = #{i : timeᵢ ≥ t}.
    static func rows(times: [Double], events: [Bool]) -> [RiskTableRow] {
        precondition(times.count == events.count, "times and events must have equal length")
        let order = times.indices.sorted { times[$0] < times[$1] }
        var rows: [RiskTableRow] = []
        var atRisk = times.count
        var k = 0
        while k < order.count {
            let t = times[order[k]]
            var d = 0
            var c = 0
            while k < order.count && times[order[k]] == t {
                if events[order[k]] { d += 1 } else { c += 1 }
                k += 1
            }
            rows.append(RiskTableRow(time: t, atRisk: atRisk, events: d, censored: c))
            atRisk -= d + c
        }
        return rows
    }
}
