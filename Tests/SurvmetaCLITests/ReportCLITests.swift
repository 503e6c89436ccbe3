import Foundation
import Testing
import TestSupport

/// `survmeta report` — the main job — on the bundled NET dataset: its pooled figures equal metafor's
/// on the same rows (`Fixtures/report/report_metafor.R`, metafor 3.8-1), every excluded figure has a
/// reason, the result files are written, and the run is reproducible byte for byte.
struct ReportCLITests {
    static let datasets = repositoryRoot().appendingPathComponent("Datasets").path

    static func runReport(_ results: String, _ extra: [String] = []) throws -> ProcessResult {
        try runSurvmeta(["report", "--datasets", datasets, "--results", results, "--format", "json"] + extra)
    }

    @Test func pooledFiguresMatchMetaforOnTheSameRows() throws {
        let r = try Self.runReport("-")
        #expect(r.exitCode == 0, "\(r.stderr)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let sets = try #require(json["sets"] as? [[String: Any]])
        let expected = try FixtureTable(contentsOf: fixturesDirectory().appendingPathComponent("report/report_expected.csv"))
        #expect(expected.rows.count >= 3)
        for row in 0..<expected.rows.count {
            let slug = expected.record(row)["slug"]!
            let set = try #require(sets.first { $0["slug"] as? String == slug }, "set \(slug)")
            #expect(set["k"] as? Int == Int(expected.double(row, "k")!))
            let pooled = try #require(set["pooled"] as? [String: Any], "\(slug) pooled")
            for field in ["estimate", "se", "ci_low", "ci_high", "tau2"] {
                #expect(isClose((pooled[field] as? NSNumber)?.doubleValue, expected.double(row, field), rel: 1e-6, abs: 1e-9), "\(slug) \(field)")
            }
            let bt = try #require(pooled["back_transformed"] as? [String: Any])
            for (field, column) in [("estimate", "bt_estimate"), ("ci_low", "bt_ci_low"), ("ci_high", "bt_ci_high")] {
                #expect(isClose((bt[field] as? NSNumber)?.doubleValue, expected.double(row, column), rel: 1e-6), "\(slug) back-transformed \(field)")
            }
        }
        // Every study row carries its provenance; every excluded figure its reason.
        for set in sets {
            for s in (set["studies"] as? [[String: Any]]) ?? [] {
                #expect((s["location"] as? String)?.isEmpty == false && s["verification"] is String)
            }
        }
        let excluded = try #require(json["excluded"] as? [[String: Any]])
        #expect(excluded.count > 50)
        #expect(excluded.allSatisfy { ($0["reason"] as? String)?.isEmpty == false })
        #expect(excluded.contains { ($0["reason"] as? String)?.contains("secondary source") == true })
        #expect(excluded.contains { ($0["reason"] as? String)?.contains("same patients") == true })
    }

    /// One summary OS curve per therapy with ≥ 2 series of landmark rates (resection, transplant,
    /// intra-arterial), each non-increasing in [0, 1] with its band around it, the approximate numbers
    /// at risk N·S(previous time) stated, and the outcome ids it used listed.
    @Test func summaryCurvesPerTherapy() throws {
        let r = try Self.runReport("-")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let curves = try #require(json["curves"] as? [[String: Any]])
        #expect(Set(curves.compactMap { $0["slug"] as? String }) == ["resection-os-curve", "transplant-os-curve", "intra-arterial-os-curve"])
        for c in curves {
            #expect((c["note"] as? String)?.contains("N × S(previous time)") == true)
            #expect(((c["outcome_ids"] as? [String]) ?? []).count >= 3)
            let rows = try #require(c["rows"] as? [[String: Any]])
            var last = 1.0
            for row in rows {
                let s = try #require((row["surv"] as? NSNumber)?.doubleValue)
                let lo = (row["ci_low"] as? NSNumber)?.doubleValue ?? 0, hi = (row["ci_high"] as? NSNumber)?.doubleValue ?? 1
                #expect(s <= last + 1e-12 && lo <= s && s <= hi && lo >= 0 && hi <= 1)
                last = s
            }
        }
        let ia = try #require(curves.first { $0["slug"] as? String == "intra-arterial-os-curve" })
        #expect((ia["rows"] as? [Any])?.count == 5, "the union of the series' times: 1, 2, 3, 5, 10 years")
    }

    @Test func resultFilesAreWrittenAndReproducible() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try Self.runReport(dir.path).exitCode == 0)
        let folder = dir.appendingPathComponent("net-liver-metastases")
        for file in ["report.txt", "report.md", "report.json", "excluded.csv", "sets/ssa-vs-placebo-pfs-ttp-hr.csv",
                     "sets/ssa-vs-placebo-pfs-ttp-hr.svg", "sets/transplant-os-curve.csv", "sets/transplant-os-curve.svg"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }
        let first = try Data(contentsOf: folder.appendingPathComponent("report.json"))
        #expect(try Self.runReport(dir.path).exitCode == 0)
        #expect(try Data(contentsOf: folder.appendingPathComponent("report.json")) == first, "same inputs → same bytes")
    }

    @Test func textReportNamesStudiesMethodsAndExclusions() throws {
        let r = try runSurvmeta(["report", "--datasets", Self.datasets, "--results", "-"])
        #expect(r.exitCode == 0)
        for fragment in ["Hepatic resection", "Liver transplantation", "Intra-arterial therapy", "Somatostatin analogue vs placebo",
                         "Targeted agents vs placebo", "PRRT", "Rinke 2009", "Caplin 2014", "REML", "Figures not pooled"] {
            #expect(r.stdout.contains(fragment), "\(fragment)")
        }
    }

    @Test func missingCatalogueIsAnInputError() throws {
        let r = try runSurvmeta(["report", "--datasets", "/nonexistent", "--results", "-"])
        #expect(r.exitCode == 1 && r.stderr.contains("/nonexistent"))
    }
}
