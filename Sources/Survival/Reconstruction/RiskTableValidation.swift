/// A printed risk table checked and put in time order.
struct ValidatedRiskTable: Sendable {
    var times: [Double]
    var atRisk: [Int]
    /// Input row of each entry.
    var rows: [Int]
    var repairs: [ReconstructionRepair]

    var patients: Int { atRisk[0] }
}

enum RiskTableValidation {
    /// Checks lengths, finiteness, signs, distinct times, a first row at time 0 with N > 0 and
    /// numbers at risk that never increase; sorts rows given out of time order (and reports it).
    static func validate(_ table: PrintedRiskTable) throws -> ValidatedRiskTable {
        let n = table.times.count
        guard table.numberAtRisk.count == n, table.rows.map({ $0.count == n }) ?? true else {
            throw ReconstructionError.riskTableLengthMismatch(times: n, numberAtRisk: table.numberAtRisk.count, rows: table.rows?.count)
        }
        guard n > 0 else { throw ReconstructionError.emptyRiskTable }
        for i in 0..<n {
            let t = table.times[i]
            if !t.isFinite || t < 0 { throw ReconstructionError.invalidRiskTime(row: table.row(i), value: t) }
            if table.numberAtRisk[i] < 0 {
                throw ReconstructionError.negativeNumberAtRisk(row: table.row(i), value: table.numberAtRisk[i])
            }
        }
        var repairs: [ReconstructionRepair] = []
        // A total order (ties by position), so rows already in order stay as they are.
        var inOrder = true
        for i in 1..<max(n, 1) where table.times[i] < table.times[i - 1] { inOrder = false; break }
        let order = inOrder ? Array(0..<n) : (0..<n).sorted { table.times[$0] < table.times[$1] || (table.times[$0] == table.times[$1] && $0 < $1) }
        if !inOrder {
            var moved: [Int] = []
            var latest = -Double.infinity
            for i in 0..<n {
                if table.times[i] < latest { moved.append(table.row(i)) }
                latest = max(latest, table.times[i])
            }
            repairs.append(ReconstructionRepair(
                kind: .riskTableSorted, source: .riskTable, rows: moved,
                text: "row\(moved.count == 1 ? "" : "s") given after a later time; the table was sorted by time"))
        }
        let times = inOrder ? table.times : order.map { table.times[$0] }
        let atRisk = inOrder ? table.numberAtRisk : order.map { table.numberAtRisk[$0] }
        let rows = inOrder && table.rows != nil ? table.rows! : order.map { table.row($0) }
        for k in 1..<max(n, 1) where times[k] == times[k - 1] {
            throw ReconstructionError.duplicateRiskTime(row: rows[k], otherRow: rows[k - 1], time: times[k])
        }
        guard times[0] == 0 else { throw ReconstructionError.riskTableDoesNotStartAtZero(row: rows[0], time: times[0]) }
        guard atRisk[0] > 0 else { throw ReconstructionError.noPatients(row: rows[0]) }
        for k in 1..<max(n, 1) where atRisk[k] > atRisk[k - 1] {
            throw ReconstructionError.riskTableIncreases(row: rows[k], previousRow: rows[k - 1], value: atRisk[k], previous: atRisk[k - 1])
        }
        return ValidatedRiskTable(times: times, atRisk: atRisk, rows: rows, repairs: repairs)
    }
}
