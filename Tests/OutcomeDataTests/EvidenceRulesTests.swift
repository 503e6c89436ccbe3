import Foundation
import OutcomeData
import TestSupport
import Testing

/// The evidence rules (`EvidenceRules`) and the whole validation (`DatasetValidator`) on the shipped
/// `Datasets/net-liver-metastases` and on copies of it with one figure corrupted. Expected issues are
/// known by construction: each corruption breaks the named rule at the named cell and nothing else.
struct EvidenceRulesTests {
    /// One corruption: cell edits (file, row id, column, new text) and the issues expected, each as
    /// (file, row id whose line is named, column, problem prefix, text the message must contain).
    struct Case: CustomTestStringConvertible, Sendable {
        var name: String
        var edits: [(file: String, id: String, column: String, value: String)]
        var expected: [(file: String, id: String, column: String, problem: String, mentions: String)]
        var testDescription: String { name }
    }

    static let o = "outcomes.csv", s = "studies.csv"

    static let cases: [Case] = [
        Case(name: "CI excludes its estimate",
             edits: [(o, "rinke2009_promid-03", "ci_high", "0.30")],
             expected: [(o, "rinke2009_promid-03", "ci_high", "is below the estimate 0.34", "excludes")]),
        Case(name: "ci_low not below ci_high",
             edits: [(o, "brabander2017-01", "ci_low", "33"), (o, "brabander2017-01", "ci_high", "29")],
             expected: [(o, "brabander2017-01", "ci_low", "is above the estimate 29", "excludes"),
                        (o, "brabander2017-01", "ci_high", "is not above ci_low", "ci_low < ci_high")]),
        Case(name: "events exceed n",
             edits: [(o, "graffbaker2014-01", "events", "60")],
             expected: [(o, "graffbaker2014-01", "events", "exceeds n = 52", "events ≤ n")]),
        Case(name: "a doubtful row pooled by default",
             edits: [(o, "strosberg2017_netter1-19", "pool_default", "yes")],
             expected: [(o, "strosberg2017_netter1-19", "pool_default", "pools a row whose verification is \"doubtful\"", "doubtful")]),
        Case(name: "the surgery arm of mayo2011 pooled with mayo2010 (same 339 patients)",
             edits: [(o, "mayo2011-01", "pool_default", "yes")],
             expected: [(o, "mayo2011-01", "pool_default", "pools mayo2011-01 in the set \"resection: OS median, single-arm\" together with mayo2010-01",
                         "studies mayo2011 and mayo2010 share patients")]),
        Case(name: "Kwekkeboom TTP pooled with Brabander PFS (Rotterdam programme; PFS/TTP one family)",
             edits: [(o, "kwekkeboom2008-01", "pool_default", "yes")],
             expected: [(o, "brabander2017-01", "pool_default", "pools brabander2017-01 in the set \"PRRT: PFS/TTP median, single-arm\" together with kwekkeboom2008-01",
                         "share patients")]),
        Case(name: "an overlap listed on one side only still counts (symmetric)",
             edits: [(s, "glazer2010", "overlaps_with", "mayo2010")],
             expected: [(o, "glazer2010-01", "pool_default", "pools glazer2010-01 in the set \"resection: OS median, single-arm\" together with mayo2010-01",
                         "studies glazer2010 and mayo2010 share patients")]),
        Case(name: "a row with no source",
             edits: [(o, "morgan2018-01", "source_url", ""), (o, "morgan2018-01", "doi_or_pmid", "")],
             expected: [(o, "morgan2018-01", "source_url", "is empty and so is doi_or_pmid", "no source")]),
        Case(name: "a row with no location (the schema's required constraint; the rule does not repeat it)",
             edits: [(o, "morgan2018-01", "location", "")],
             expected: [(o, "morgan2018-01", "location", "is empty, but the field is required", "location")]),
        Case(name: "a landmark rate above 100 percent",
             edits: [(o, "mayo2010-02", "value", "740")],
             expected: [(o, "mayo2010-02", "value", "lies outside 0–100", "percentage")]),
        Case(name: "a landmark rate without its time",
             edits: [(o, "mayo2010-02", "time", ""), (o, "mayo2010-02", "time_unit", "")],
             expected: [(o, "mayo2010-02", "time", "is empty, but a landmark_rate is a proportion at a time", "landmark time")]),
        Case(name: "a time without its unit",
             edits: [(o, "mayo2010-02", "time_unit", "")],
             expected: [(o, "mayo2010-02", "time_unit", "is empty, but time is 5", "months or years")]),
        Case(name: "a hazard ratio in months",
             edits: [(o, "rinke2009_promid-03", "unit", "months")],
             expected: [(o, "rinke2009_promid-03", "unit", "is not the unit of a hazard ratio", "ratio")]),
        Case(name: "a negative hazard ratio",
             edits: [(o, "mayo2010-05", "value", "-1.9")],
             expected: [(o, "mayo2010-05", "value", "is not positive", "> 0")]),
        Case(name: "a pooled row with a non-numeric value",
             edits: [(o, "mayo2010-01", "value", "125 months")],
             expected: [(o, "mayo2010-01", "value", "is not a number, but the row is pooled by default", "numeric")]),
        Case(name: "a pooled hazard ratio without its CI",
             edits: [(o, "rinke2009_promid-03", "ci_low", "")],
             expected: [(o, "rinke2009_promid-03", "ci_low", "is empty, but the hazard ratio is pooled by default", "CI")]),
        Case(name: "a pooled landmark rate without n",
             edits: [(o, "mayo2010-02", "n", "")],
             expected: [(o, "mayo2010-02", "n", "is empty, but the landmark rate is pooled by default", "denominator")]),
        Case(name: "overlaps_with names an unknown study",
             edits: [(s, "mayo2010", "overlaps_with", "mayo2011;mayo2012")],
             expected: [(s, "mayo2010", "overlaps_with", "names \"mayo2012\", which is not a study_id", "did you mean")]),
        Case(name: "overlaps_with names the study itself",
             edits: [(s, "mayo2010", "overlaps_with", "mayo2011;mayo2010")],
             expected: [(s, "mayo2010", "overlaps_with", "lists the study itself", "other studies")]),
        Case(name: "a non-numeric n (schema; no rule runs on it)",
             edits: [(o, "graffbaker2014-01", "n", "fifty-two")],
             expected: [(o, "graffbaker2014-01", "n", "is not of type integer", "integer")]),
    ]

    @Test("a corrupted copy fails naming the row, the column and the rule", arguments: cases)
    func corruptedCopy(_ c: Case) throws {
        let copy = try DatasetCopy()
        defer { copy.remove() }
        for e in c.edits { try copy.edit(e.file, row: e.id, column: e.column, to: e.value) }
        let result = DatasetValidator.validate(folder: copy.folder.path)
        #expect(!result.isValid)
        try #require(result.issues.count == c.expected.count, "\(result.issues.map(\.description).joined(separator: "\n"))")
        for (issue, e) in zip(result.issues, c.expected) {
            #expect(issue.file == copy.folder.appendingPathComponent(e.file).path)
            let line = try copy.line(e.file, row: e.id)
            #expect(issue.line == line, "\(issue)")
            #expect(issue.columnName == e.column, "\(issue)")
            #expect(issue.problem?.hasPrefix(e.problem) == true, "\(issue)")
            #expect(issue.description.contains(e.mentions), "\(issue)")
        }
    }

    @Test("the shipped dataset passes every schema and evidence rule")
    func shippedDatasetIsValid() throws {
        let result = DatasetValidator.validate(folder: DatasetCopy.shipped.path)
        #expect(result.isValid, "\(result.issues.map(\.description).joined(separator: "\n"))")
        #expect(result.studies == 52 && result.outcomes == 302)
    }

    @Test("rewriting the copy without a change keeps it valid (the corruption helper is neutral)")
    func neutralCopy() throws {
        let copy = try DatasetCopy()
        defer { copy.remove() }
        try copy.edit("outcomes.csv", row: "mayo2010-01", column: "value", to: "125")
        try copy.edit("studies.csv", row: "mayo2010", column: "n", to: "339")
        #expect(DatasetValidator.validate(folder: copy.folder.path).isValid)
    }

    @Test("overlaps_with is read as a symmetric relation")
    func symmetricOverlap() throws {
        let tables = try CatalogueDataset.open(folder: DatasetCopy.shipped.path).evidenceTables()
        let graph = EvidenceRules.overlapGraph(tables)
        // saxena2012_SR lists que1995 and mcentee1990, which do not list it back.
        #expect(graph["que1995"]?.contains("saxena2012_SR") == true)
        #expect(graph["mcentee1990"]?.contains("saxena2012_SR") == true)
        for (a, others) in graph { for b in others { #expect(graph[b]?.contains(a) == true, "\(a) ~ \(b)") } }
    }

    /// The README's default pooling sets, with the treatment class deciding for mayo2011 (a `mixed`
    /// study): its intra-arterial arm is pooled with the intra-arterial series, not with mayo2010.
    @Test("pooling sets of the shipped data match the README's table")
    func poolingSets() throws {
        let dataset = try CatalogueDataset.open(folder: DatasetCopy.shipped.path)
        let summary = DatasetSummary(name: dataset.name, package: dataset.package, tables: try dataset.evidenceTables())
        func ids(_ therapy: String, _ endpoint: String, _ measure: String, _ years: Double? = nil) -> [String] {
            summary.poolingGroups.first { $0.key.therapy == therapy && $0.key.endpoint == endpoint && $0.key.measure == measure && $0.key.landmarkYears == years }?.outcomeIDs ?? []
        }
        #expect(ids("resection", "OS", "median") == ["mayo2010-01", "glazer2010-01"])
        #expect(Set(ids("resection", "OS", "landmark_rate", 5)) == ["mayo2010-02", "morgan2018-02"])
        #expect(ids("intra-arterial", "OS", "median") == ["mayo2011-03", "strosberg2006-01"])
        #expect(Set(ids("intra-arterial", "OS", "landmark_rate", 5)) == ["mayo2011-04", "dong2011-02"])
        #expect(Set(ids("intra-arterial", "OS", "landmark_rate", 3)) == ["dong2011-01", "memon2012-03"])
        #expect(Set(ids("targeted", "PFS", "hr")) == ["yao2016_radiant4-03", "raymond2011_sunitinib-03"])
        #expect(summary.poolingGroups.flatMap(\.outcomeIDs).count == 30 && summary.pooledByDefault == 30)
        let counts: [Int] = ["verified", "worksheet_only", "secondary", "doubtful"].map(summary.count)
        #expect(counts == [175, 56, 67, 4], "README: verification table")
    }

    /// The treatment class of `PoolingKey` must be the report's (`TherapyClass.of`), or the overlap
    /// rule would check other sets than those the report pools.
    @Test("the treatment class agrees with the report's TherapyClass for every survival figure")
    func therapyMatchesReport() throws {
        let base = try EvidenceBase.load(folder: DatasetCopy.shipped.path)
        let names: [TherapyClass: String] = [.resection: "resection", .transplant: "transplant", .ablation: "ablation",
                                             .intraArterial: "intra-arterial", .prrt: "PRRT", .ssa: "SSA", .targeted: "targeted", .other: "other"]
        for o in base.outcomes {
            let study = base.publication(o.studyID)
            #expect(PoolingKey.therapy(modality: study?.modality, arm: o.arm) == names[TherapyClass.of(o, study: study)], "\(o.id)")
        }
    }
}
