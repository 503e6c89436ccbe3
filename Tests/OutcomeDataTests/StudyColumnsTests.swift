import Foundation
import MetaAnalysis
import StatNumerics
import TestSupport
import Testing
@testable import OutcomeData

/// `StudyColumns.read` (what `survmeta pool` reads, row by row, column-wise) gives what
/// `StudyTable.load(CSVReader.read(path:))` gives — the same effects, conversions and notes — and
/// fails with the same `InputErrors`, on every file of the loader's fixtures and of the CLI's corpora.
struct StudyColumnsTests {
    static let root = repositoryRoot()
    static let files: [String] = {
        let folders = ["Tests/OutcomeDataTests/Fixtures/valid", "Tests/OutcomeDataTests/Fixtures/malformed",
                       "Tests/SurvmetaCLITests/Fixtures/malformed-study", "Tests/MetaAnalysisTests/Fixtures/metafor/datasets"]
        return folders.flatMap { folder -> [String] in
            let url = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
            return names.filter { $0.hasSuffix(".csv") && $0 != "manifest.csv" }.sorted().map { url.appendingPathComponent($0).path }
        }
    }()

    enum Outcome: Equatable {
        case loaded([StudyEffect], [EffectConversion], [String: [String]], Double?)
        case failed(InputErrors)
    }

    static func viaTable(_ path: String, _ measure: EffectMeasure?) -> Outcome {
        do {
            let table = try CSVReader.read(path: path)
            let studies = try StudyTable.load(table, proportionMeasure: measure)
            var notes: [String: [String]] = [:]
            for r in studies.records where !r.converted.notes.isEmpty { notes[r.label] = r.converted.notes }
            var ignored: [InputIssue] = []
            let ns = table.rows.compactMap { table.number($0, "n", issues: &ignored, required: false) }
            let hm = ns.isEmpty ? nil : Double(ns.count) / ns.reduce(0) { $0 + 1 / $1 }
            return .loaded(studies.effects, studies.records.map(\.converted.conversion), notes, hm)
        } catch let e as InputErrors {
            return .failed(e)
        } catch {
            Issue.record("unexpected error \(error)")
            return .failed(InputErrors([]))
        }
    }

    static func viaColumns(_ path: String, _ measure: EffectMeasure?) -> Outcome {
        do {
            let c = try StudyColumns.read(path: path, proportionMeasure: measure, harmonicMeanColumn: "n")
            return .loaded(c.effects, c.conversions, c.notes, c.harmonicMean)
        } catch let e as InputErrors {
            return .failed(e)
        } catch {
            Issue.record("unexpected error \(error)")
            return .failed(InputErrors([]))
        }
    }

    @Test func corpusIsThere() { #expect(Self.files.count > 100) }

    @Test(arguments: [nil, EffectMeasure.PLO, .PFT])
    func sameStudiesAndSameErrorsAsTheTablePath(measure: EffectMeasure?) {
        var loaded = 0
        for path in Self.files {
            let a = Self.viaTable(path, measure), b = Self.viaColumns(path, measure)
            #expect(a == b, "\(path)")
            if case .loaded = a { loaded += 1 }
        }
        #expect(loaded >= 20, "the corpus has valid files too (\(loaded))")
    }

    /// A large file round-trips: 20,000 rows written with 17 significant digits read back exactly,
    /// in order, with a repeated label at the end reported against its latest earlier line.
    @Test func largeFileRoundTripsAndRepeatedLabelsNameTheirLine() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("studycolumns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var g = SeededGenerator(seed: 11)
        let effects = (0..<20_000).map { StudyEffect(label: "S\($0)", yi: g.nextNormal(), vi: 0.001 + g.nextUniform()) }
        var text = "study,yi,vi\n"
        for e in effects { text += "\(e.label),\(String(format: "%.17g", e.yi)),\(String(format: "%.17g", e.vi))\n" }
        let path = dir.appendingPathComponent("large.csv").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        let read = try StudyColumns.read(path: path)
        #expect(read.effects == effects)
        #expect(read.conversions.allSatisfy { $0 == .yiVi } && read.notes.isEmpty && read.harmonicMean == nil)

        try (text + "S5,0.1,0.1\nS5,0.2,0.1\n").write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: InputErrors.self) { try StudyColumns.read(path: path) }
        do {
            _ = try StudyColumns.read(path: path)
        } catch let e as InputErrors {
            #expect(e.issues.map(\.line) == [20_002, 20_003])
            #expect(e.issues[0].description.contains("repeats the label of line 7"))
            #expect(e.issues[1].description.contains("repeats the label of line 20002"))
        }
    }

    /// Labels are compared as text (canonical equivalence), as the dictionary the loader used did:
    /// "é" precomposed and "e" + combining acute are one label.
    @Test func canonicallyEquivalentLabelsRepeat() {
        var index = LabelIndex()
        #expect(index.insert("Caf\u{E9}", line: 2) == nil)
        #expect(index.insert("Cafe\u{301}", line: 3) == 2)
        #expect(index.insert("Caf\u{E9}", line: 4) == 3)
        for i in 0..<1000 { #expect(index.insert("L\(i)", line: 10 + i) == nil) }
        #expect(index.insert("L500", line: 5000) == 510)
    }
}
