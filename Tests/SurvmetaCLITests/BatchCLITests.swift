import Foundation
import Testing
import TestSupport
import StatNumerics

/// `survmeta batch`: one row per analysis, equal to `pool` run one at a time; shards partition the
/// analyses; the block size (streaming) changes nothing; failures are reported per row.
struct BatchCLITests {
    /// 60 simulated meta-analyses (seeded): log HRs around −0.2 with τ² ≈ 0.02, 3–12 studies each,
    /// written as `analysis,study,yi,vi`; analysis 17 has one study, analysis 41 uses hr/CI rows.
    static func simulate(to url: URL) throws {
        var g = SeededGenerator(seed: 424242)
        var text = "analysis,study,yi,vi,hr,ci_low,ci_high\n"
        for a in 0..<60 {
            let k = a == 17 ? 1 : 3 + Int(g.next() % 10)
            let mu = -0.2 + 0.3 * g.nextNormal()
            for s in 0..<k {
                let vi = 4 / (20 + 380 * g.nextUniform())
                let yi = mu + 0.14 * g.nextNormal() + vi.squareRoot() * g.nextNormal()
                if a == 41 {
                    let z = 1.959963984540054, se = vi.squareRoot()
                    text += "A\(a),S\(s),,,\(exp(yi)),\(exp(yi - z * se)),\(exp(yi + z * se))\n"
                } else {
                    text += "A\(a),S\(s),\(yi),\(vi),,,\n"
                }
            }
        }
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    static func rows(_ csv: String) -> [[String: String]] {
        let lines = csv.split(separator: "\n").map(String.init)
        let header = lines[0].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init))) }
    }

    @Test func batchEqualsPoolOneAtATimeAndShardsPartition() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-batch-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let input = dir.appendingPathComponent("sims.csv")
        try Self.simulate(to: input)
        let full = try runSurvmeta(["batch", input.path, "--method", "REML", "--test", "knha"])
        #expect(full.exitCode == 0, "\(full.stderr)")
        let all = Self.rows(full.stdout)
        #expect(all.count == 60 && all.map { $0["analysis"]! } == (0..<60).map { "A\($0)" })

        // A sample, pooled one at a time.
        let text = try String(contentsOf: input, encoding: .utf8).split(separator: "\n").map(String.init)
        for a in [0, 17, 29, 41, 59] {
            let own = [text[0]] + text.dropFirst().filter { $0.hasPrefix("A\(a),") }
            let pool = try runSurvmeta(["pool", "-", "--method", "REML", "--test", "knha", "--format", "json"], stdin: own.joined(separator: "\n") + "\n")
            #expect(pool.exitCode == 0, "\(pool.stderr)")
            let j = try #require(try JSONSerialization.jsonObject(with: Data(pool.stdout.utf8)) as? [String: Any])
            let row = all[a]
            for field in ["estimate", "se", "ci_low", "ci_high", "tau2", "q", "i2"] {
                #expect(isClose(Double(row[field]!), (j[field] as? NSNumber)?.doubleValue, rel: 1e-12, abs: 1e-15), "A\(a) \(field)")
            }
            #expect(Int(row["k"]!) == j["k"] as? Int)
        }

        // Shards partition the analyses, each keeping input order.
        var union: [String: [String: String]] = [:]
        for i in 1...3 {
            let part = try runSurvmeta(["batch", input.path, "--method", "REML", "--test", "knha", "--shard", "\(i)/3"])
            #expect(part.exitCode == 0)
            for r in Self.rows(part.stdout) {
                #expect(union[r["analysis"]!] == nil, "each analysis in one shard")
                union[r["analysis"]!] = r
            }
        }
        #expect(union.count == 60)
        for r in all { #expect(union[r["analysis"]!] == r) }

        // Tiny blocks (analyses split across many reads) and one thread give the same bytes.
        let streamed = try runSurvmeta(["batch", input.path, "--method", "REML", "--test", "knha", "--block-size", "1024", "--threads", "1"])
        #expect(streamed.stdout == full.stdout)
    }

    @Test func interleavedAnalysesAndBadRowsAreInputErrors() throws {
        let interleaved = "analysis,study,yi,vi\nA,s1,0.1,0.04\nB,s1,0.2,0.05\nA,s2,0.3,0.04\n"
        let r1 = try runSurvmeta(["batch", "-"], stdin: interleaved)
        #expect(r1.exitCode == 1 && r1.stderr.contains("<stdin>:4:1") && r1.stderr.contains("appears again"))
        let bad = "analysis,study,yi,vi\nA,s1,0.1,0.04\nA,s2,0.2,-0.05\n"
        let r2 = try runSurvmeta(["batch", "-"], stdin: bad)
        #expect(r2.exitCode == 1 && r2.stderr.contains(":3:4"), "\(r2.stderr)")
        let noColumn = try runSurvmeta(["batch", "-"], stdin: "study,yi,vi\nA,0.1,0.04\n")
        #expect(noColumn.exitCode == 1 && noColumn.stderr.contains("analysis"))
        #expect(try runSurvmeta(["batch", "-", "--shard", "4/3"], stdin: interleaved).exitCode == 2)
    }

    @Test func aFailingAnalysisIsReportedInItsRow() throws {
        // PM with a tiny search bound cannot reach its root for the heterogeneous analysis B.
        let csv = "analysis,study,yi,vi\nA,s1,0.1,0.04\nA,s2,0.12,0.05\nB,s1,-2,0.01\nB,s2,2,0.01\nB,s3,0,0.01\n"
        let r = try runSurvmeta(["batch", "-", "--method", "PM", "--tau2-max", "0.001"], stdin: csv)
        #expect(r.exitCode == 3, "\(r.stderr)")
        let rows = Self.rows(r.stdout)
        #expect(rows.count == 2 && rows[0]["error"] == "" && rows[1]["error"]!.contains("PM"))
    }
}
