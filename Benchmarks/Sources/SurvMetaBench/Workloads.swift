import Foundation
import MetaAnalysis
import OutcomeData
import StatNumerics

/// The reference workloads of `../shared/bench/` (the data metafor 3.8-1 was timed on).
struct Workloads {
    let folder: URL

    func studies(_ file: String, limit: Int? = nil) throws -> (effects: [StudyEffect], moderators: [[Double]]) {
        let table = try CSVReader.read(path: folder.appendingPathComponent(file).path)
        var issues: [InputIssue] = []
        var effects: [StudyEffect] = []
        var mods: [[Double]] = []
        let modNames = table.header.filter { $0.hasPrefix("x") }
        for row in table.rows.prefix(limit ?? table.rows.count) {
            effects.append(StudyEffect(label: table.text(row, "study") ?? "", yi: table.number(row, "yi", issues: &issues)!, vi: table.number(row, "vi", issues: &issues)!))
            mods.append(modNames.map { table.number(row, $0, issues: &issues)! })
        }
        return (effects, mods)
    }
}

/// A row of the comparison: our workload and the metafor task/k it matches in bench_results.csv.
struct Comparison {
    var workload: String
    var rTask: String?
    var rK: Int?
}

/// metafor's medians from `bench_results.csv` (task, k) → seconds; skipped rows have no time.
func metaforTimes(_ folder: URL) -> [String: (median: Double?, note: String)] {
    guard let text = try? String(contentsOf: folder.appendingPathComponent("bench_results.csv"), encoding: .utf8) else { return [:] }
    var out: [String: (Double?, String)] = [:]
    for line in text.split(separator: "\n").dropFirst() {
        var fields: [String] = [], current = "", quoted = false
        var it = line.makeIterator()
        while let c = it.next() {
            if c == "\"" { quoted.toggle() } else if c == "," && !quoted { fields.append(current); current = "" } else { current.append(c) }
        }
        fields.append(current)
        guard fields.count >= 7 else { continue }
        let key = "\(fields[0])|\(Int(Double(fields[2]) ?? 0))"
        out[key] = (Double(fields[6]), fields[4])
    }
    return out
}
