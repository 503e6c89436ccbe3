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

    @Test func resultFilesAreWrittenAndReproducible() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-report-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(try Self.runReport(dir.path).exitCode == 0)
        let folder = dir.appendingPathComponent("net-liver-metastases")
        for file in ["report.txt", "report.md", "report.json", "excluded.csv", "sets/ssa-vs-placebo-pfs-ttp-hr.csv"] {
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
