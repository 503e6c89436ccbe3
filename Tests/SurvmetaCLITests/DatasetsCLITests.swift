import Foundation
import Testing
import TestSupport

/// `survmeta datasets list | show | validate | cite` as a user's script sees them: exit codes,
/// messages naming file, line and column, and the JSON fields, on the shipped catalogue and on
/// corrupted copies of it.
struct DatasetsCLITests {
    static let root = repositoryRoot()
    static let datasets = root.appendingPathComponent("Datasets").path

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    /// A catalogue folder holding a copy of the shipped dataset; `replace` edits one row's line.
    struct Copy {
        let root: URL
        var dataset: URL { root.appendingPathComponent("net-liver-metastases") }

        init() throws {
            root = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-cli-datasets-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(at: DatasetsCLITests.root.appendingPathComponent("Datasets/net-liver-metastases"), to: dataset)
        }

        func remove() { try? FileManager.default.removeItem(at: root) }

        /// Replaces the last `old` by `new` in the line starting with `id,` of `file`; returns the line number.
        @discardableResult
        func replace(in file: String, row id: String, _ old: String, _ new: String) throws -> Int {
            let url = dataset.appendingPathComponent(file)
            let text = try String(contentsOf: url, encoding: .utf8)
            let separator = text.contains("\r\n") ? "\r\n" : "\n"  // "\r\n" is one Character: split on the pair
            var lines = text.components(separatedBy: separator)
            let i = try #require(lines.firstIndex { $0.hasPrefix(id + ",") })
            let range = try #require(lines[i].range(of: old, options: .backwards), "\(old) not in row \(id)")
            lines[i].replaceSubrange(range, with: new)
            try lines.joined(separator: separator).write(to: url, atomically: true, encoding: .utf8)
            return i + 1
        }
    }

    @Test("validate: the shipped datasets pass with one OK line and exit 0")
    func validateShipped() throws {
        let r = try runSurvmeta(["datasets", "validate", "--datasets", Self.datasets])
        #expect(r.exitCode == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout == "OK net-liver-metastases: 52 studies, 302 outcome rows; schema and evidence rules pass\n")
        let byName = try runSurvmeta(["datasets", "validate", "net-liver-metastases"], in: Self.root)
        #expect(byName.exitCode == 0 && byName.stdout == r.stdout, "default --datasets is ./Datasets")
    }

    @Test("validate: a CI that excludes its estimate fails with exit 1, naming file, line and column")
    func validateCorrupted() throws {
        let copy = try Copy()
        defer { copy.remove() }
        let line = try copy.replace(in: "outcomes.csv", row: "rinke2009_promid-03", ",0.20,0.59,", ",0.20,0.30,")
        #expect(line == 158)
        let r = try runSurvmeta(["datasets", "validate", "--datasets", copy.root.path])
        #expect(r.exitCode == 1)
        let file = copy.dataset.appendingPathComponent("outcomes.csv").path
        #expect(r.stdout.hasPrefix("\(file):158:13 (column \"ci_high\"): \"0.30\" is below the estimate 0.34"), "\(r.stdout)")
        #expect(r.stdout.hasSuffix("net-liver-metastases: 1 violation\n"))
        #expect(r.stderr == "survmeta: validation failed: 1 violation in net-liver-metastases\n", "\(r.stderr)")
    }

    @Test("validate --format json|csv: every violation with its location")
    func validateJSON() throws {
        let copy = try Copy()
        defer { copy.remove() }
        try copy.replace(in: "outcomes.csv", row: "graffbaker2014-01", ",15,,,https", ",60,,,https")
        try copy.replace(in: "outcomes.csv", row: "mayo2010-01", ",OS,median,", ",OSS,median,")
        try copy.replace(in: "outcomes.csv", row: "strosberg2017_netter1-19", ",no", ",yes")  // the last cell
        let r = try runSurvmeta(["datasets", "validate", "--datasets", copy.root.path, "--format", "json"])
        #expect(r.exitCode == 1)
        let j = try Self.json(r.stdout)
        #expect(j["valid"] as? Bool == false && j["violations"] as? Int == 3)
        let d = try #require((j["datasets"] as? [[String: Any]])?.first)
        let v = try #require(d["violations"] as? [[String: Any]])
        #expect(v.map { $0["column_name"] as? String } == ["events", "endpoint", "pool_default"])
        #expect(v.map { $0["line"] as? Int } == [21, 28, 277])
        #expect(v.allSatisfy { ($0["file"] as? String)?.hasSuffix("outcomes.csv") == true && $0["column"] is Int && $0["message"] is String })
        let csv = try runSurvmeta(["datasets", "validate", "--datasets", copy.root.path, "--format", "csv"])
        #expect(csv.exitCode == 1 && csv.stdout.split(separator: "\n").count == 4, "header + 3 violations")
    }

    @Test("validate: an unknown dataset is a usage error; a missing catalogue folder an input error")
    func validateErrors() throws {
        let unknown = try runSurvmeta(["datasets", "validate", "nope", "--datasets", Self.datasets])
        #expect(unknown.exitCode == 2 && unknown.stderr.contains("no dataset named \"nope\"") && unknown.stderr.contains("net-liver-metastases"))
        let missing = try runSurvmeta(["datasets", "list", "--datasets", "/nonexistent/catalogue"])
        #expect(missing.exitCode == 1 && missing.stderr.contains("/nonexistent/catalogue: the datasets folder does not exist"))
        let badFormat = try runSurvmeta(["datasets", "list", "--format", "xml", "--datasets", Self.datasets])
        #expect(badFormat.exitCode == 2)
    }

    @Test("validate: a broken descriptor is reported, not a crash")
    func validateBrokenDescriptor() throws {
        let copy = try Copy()
        defer { copy.remove() }
        try "{\"resources\": [".write(to: copy.dataset.appendingPathComponent("datapackage.json"), atomically: true, encoding: .utf8)
        let r = try runSurvmeta(["datasets", "validate", "--datasets", copy.root.path])
        #expect(r.exitCode == 1 && r.stdout.contains("datapackage.json: the file is not valid JSON"), "\(r.stdout)")
    }

    @Test("list: one line per dataset with counts; JSON fields")
    func list() throws {
        let r = try runSurvmeta(["datasets", "list", "--datasets", Self.datasets])
        #expect(r.exitCode == 0)
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count == 3 && lines[0].hasPrefix("dataset") && lines[2].hasPrefix("net-liver-metastases"))
        let j = try Self.json(try runSurvmeta(["datasets", "list", "--datasets", Self.datasets, "--format", "json"]).stdout)
        let d = try #require((j["datasets"] as? [[String: Any]])?.first)
        #expect(d["studies"] as? Int == 52 && d["outcomes"] as? Int == 302 && d["pooled_by_default"] as? Int == 30)
        let v = try #require(d["verification"] as? [String: Int])
        #expect(v == ["verified": 175, "worksheet_only": 56, "secondary": 67, "doubtful": 4], "README verification table")
    }

    @Test("show DATASET: pooling sets with their outcome_ids")
    func showDataset() throws {
        let r = try runSurvmeta(["datasets", "show", "net-liver-metastases", "--datasets", Self.datasets, "--format", "json"])
        #expect(r.exitCode == 0)
        let j = try Self.json(r.stdout)
        let sets = try #require(j["pooling_sets"] as? [[String: Any]])
        #expect(sets.flatMap { ($0["outcome_ids"] as? [String]) ?? [] }.count == 30)
        let ssa = sets.filter { $0["therapy"] as? String == "SSA" }.flatMap { ($0["outcome_ids"] as? [String]) ?? [] }
        #expect(Set(ssa) == ["rinke2009_promid-03", "caplin2014_clarinet-04", "rinke2017_promid_LTS-03"])
        let table = try runSurvmeta(["datasets", "show", "net-liver-metastases", "--datasets", Self.datasets])
        #expect(table.stdout.contains("Pooling sets (pool_default = yes)") && table.stdout.contains("mayo2011-03, strosberg2006-01"))
    }

    @Test("show STUDY: the publication and every outcome row with source and verification")
    func showStudy() throws {
        let r = try runSurvmeta(["datasets", "show", "caplin2014_clarinet", "--datasets", Self.datasets, "--format", "json"])
        #expect(r.exitCode == 0)
        let j = try Self.json(r.stdout)
        let study = try #require(j["study"] as? [String: Any])
        #expect(study["doi"] as? String == "10.1056/nejmoa1316158" && study["n"] as? Int == 204 && study["pmid"] is NSNull)
        let outcomes = try #require(j["outcomes"] as? [[String: Any]])
        #expect(outcomes.count == 6 && outcomes.allSatisfy { $0["study_id"] as? String == "caplin2014_clarinet" && $0["verification"] is String && $0["source_url"] is String })
        let hr = try #require(outcomes.first { $0["outcome_id"] as? String == "caplin2014_clarinet-04" })
        #expect(hr["value"] as? String == "0.47" && hr["ci_low"] as? Double == 0.30 && hr["pool_default"] as? String == "yes")
        let csv = try runSurvmeta(["datasets", "show", "caplin2014_clarinet", "--datasets", Self.datasets, "--format", "csv"])
        #expect(csv.stdout.split(separator: "\n").count == 7 && csv.stdout.hasPrefix("outcome_id,study_id,"))
        let text = try runSurvmeta(["datasets", "show", "caplin2014_clarinet", "--datasets", Self.datasets])
        #expect(text.stdout.contains("Outcomes (6)") && text.stdout.contains("Sources"))
    }

    @Test("show: an unknown id exits 2 and says what exists; an outcome_id points to its study")
    func showUnknown() throws {
        let r = try runSurvmeta(["datasets", "show", "nosuchstudy", "--datasets", Self.datasets])
        #expect(r.exitCode == 2 && r.stderr.contains("no dataset or study_id \"nosuchstudy\""))
        let o = try runSurvmeta(["datasets", "show", "mayo2010-01", "--datasets", Self.datasets])
        #expect(o.exitCode == 2 && o.stderr.contains("is an outcome_id of study mayo2010"))
    }

    @Test("cite: BibTeX by default, RIS on request, never both; --output is written")
    func cite() throws {
        let bib = try runSurvmeta(["datasets", "cite", "--datasets", Self.datasets])
        #expect(bib.exitCode == 0)
        #expect(bib.stdout.components(separatedBy: "@article{").count - 1 == 52)
        #expect(bib.stdout.filter { $0 == "{" }.count == bib.stdout.filter { $0 == "}" }.count)
        let ris = try runSurvmeta(["datasets", "cite", "net-liver-metastases", "--ris", "--datasets", Self.datasets])
        #expect(ris.exitCode == 0 && ris.stdout.components(separatedBy: "TY  - JOUR\n").count - 1 == 52)
        #expect(ris.stdout.components(separatedBy: "ER  - \n").count - 1 == 52)
        let both = try runSurvmeta(["datasets", "cite", "--bibtex", "--ris", "--datasets", Self.datasets])
        #expect(both.exitCode == 2)
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("survmeta-cite-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("refs.bib").path
        let w = try runSurvmeta(["datasets", "cite", "--datasets", Self.datasets, "--output", out])
        let written = try String(contentsOfFile: out, encoding: .utf8)
        #expect(w.exitCode == 0 && w.stdout.isEmpty && written == bib.stdout)
    }
}
