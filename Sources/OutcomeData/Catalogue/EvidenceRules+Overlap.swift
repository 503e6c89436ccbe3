import Foundation

extension EvidenceRules {
    /// The studies sharing patients with each study: `overlaps_with` read on both sides (if A lists
    /// B, B overlaps A too), unknown ids and self-references left out.
    public static func overlapGraph(_ t: EvidenceTables) -> [String: Set<String>] {
        let known = Set(t.studyRows.keys)
        var graph: [String: Set<String>] = [:]
        for row in t.studies.rows {
            guard let id = t.study(row, "study_id") else { continue }
            for other in t.overlaps(row) where other != id && known.contains(other) {
                graph[id, default: []].insert(other)
                graph[other, default: []].insert(id)
            }
        }
        return graph
    }

    /// Unknown or self-referencing `overlaps_with` ids, and overlapping studies pooled in one set.
    static func overlapIssues(_ t: EvidenceTables) -> [InputIssue] {
        var issues: [InputIssue] = []
        let known = t.studyRows
        for row in t.studies.rows {
            let id = t.study(row, "study_id")
            let cellText = t.study(row, "overlaps_with") ?? ""
            for other in t.overlaps(row) {
                if other == id {
                    issues.append(t.studies.issue(row, "overlaps_with", value: cellText, problem: "lists the study itself (\(other))",
                                                  expected: "the ids of other studies sharing patients with this one"))
                } else if known[other] == nil {
                    let near = known.keys.sorted().first { editDistance($0.lowercased(), other.lowercased(), limit: 2) <= 2 }
                    issues.append(t.studies.issue(row, "overlaps_with", value: cellText,
                                                  problem: "names \"\(other)\", which is not a study_id of \(t.studies.source)",
                                                  expected: "study_ids of \(t.studies.source), separated by ';'",
                                                  hint: near.map { "did you mean \"\($0)\"?" }))
                }
            }
        }

        let graph = overlapGraph(t)
        struct Pooled { var id: String; var study: String; var row: CSVRow }
        let modality: [String: String] = t.studyRows.compactMapValues { t.study($0, "modality") }
        var sets: [PoolingKey: [Pooled]] = [:]
        var order: [PoolingKey] = []
        for row in t.outcomes.rows where t.outcome(row, "pool_default") == "yes" {
            guard let study = t.outcome(row, "study_id"), let endpoint = t.outcome(row, "endpoint"),
                  let measure = t.outcome(row, "measure") else { continue }
            let key = PoolingKey(modality: modality[study], arm: t.outcome(row, "arm"), endpoint: endpoint, measure: measure, time: t.outcome(row, "time"),
                                 timeUnit: t.outcome(row, "time_unit"), comparison: t.outcome(row, "comparison")).overlapKey
            if sets[key] == nil { order.append(key) }
            sets[key, default: []].append(Pooled(id: t.outcome(row, "outcome_id") ?? "line \(row.line)", study: study, row: row))
        }
        var found: [(line: Int, issue: InputIssue)] = []
        for key in order {
            let rows = sets[key] ?? []
            for (j, later) in rows.enumerated() {
                for earlier in rows[..<j] where earlier.study != later.study && graph[later.study]?.contains(earlier.study) == true {
                    let issue = t.outcomes.issue(
                        later.row, "pool_default", value: "yes",
                        problem: "pools \(later.id) in the set \"\(key)\" together with \(earlier.id) (line \(earlier.row.line)), but studies \(later.study) and \(earlier.study) share patients (overlaps_with)",
                        expected: "pool_default = yes for at most one of two overlapping studies in a pooling set (see their overlap_note)")
                    found.append((later.row.line, issue))
                }
            }
        }
        issues += found.sorted { $0.line < $1.line }.map(\.issue)
        return issues
    }
}
