import Foundation
import Testing
import TestSupport

/// The funnel (`bias --svg`) and Baujat (`influence --svg`) plots on metafor's dat.bcg: valid XML
/// with a title, one mark per study (plus the trim-and-fill studies as open circles), and a real
/// renderer draws them.
struct PlotCLITests {
    static let bcg = repositoryRoot().appendingPathComponent("Tests/MetaAnalysisTests/Fixtures/metafor/datasets/bcg.csv").path

    func svg(_ args: [String]) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("plot-\(UUID().uuidString).svg").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try runSurvmeta(args + ["--svg", path])
        #expect(r.exitCode == 0, "\(r.stderr)")
        return try String(contentsOfFile: path, encoding: .utf8)
    }

    @Test func funnelPlot() throws {
        let text = try svg(["bias", Self.bcg])
        let xml = XMLInspection(text)
        #expect(xml.isWellFormed && xml.count("title") >= 1)
        #expect(xml.count("circle", class: "study") == 13)
        #expect(xml.count("circle", class: "filled-study") >= 1, "trim-and-fill imputes at least one study for dat.bcg (k0 = 1 with L0, as metafor)")
        #expect(xml.count("path", class: "pseudo-ci") == 1 && xml.texts.contains("Standard error"))
        #expect(xml.count("path", class: "significance-contour") == 3, "contours at p = 0.10, 0.05, 0.01")
        if let bytes = try renderSVGToPNG(text) { #expect(bytes > 1000) } else { Issue.record("rsvg-convert missing") }
    }

    /// `subgroup --svg`: one block per subgroup (heading, studies, subgroup diamond).
    @Test func subgroupForest() throws {
        let text = try svg(["subgroup", Self.bcg, "--by", "alloc"])
        let xml = XMLInspection(text)
        #expect(xml.isWellFormed)
        #expect(xml.count("g", class: "heading") == 3 && xml.count("g", class: "subgroupPooled") == 3, "alloc has 3 levels in dat.bcg")
        #expect(xml.count("rect", class: "study-marker") == 13)
        if let bytes = try renderSVGToPNG(text) { #expect(bytes > 1000) } else { Issue.record("rsvg-convert missing") }
    }

    @Test func baujatPlot() throws {
        let text = try svg(["influence", Self.bcg])
        let xml = XMLInspection(text)
        #expect(xml.isWellFormed)
        #expect(xml.count("g", class: "study") == 13)
        #expect(xml.texts.contains("Hart & Sutherland 1977"))
        if let bytes = try renderSVGToPNG(text) { #expect(bytes > 1000) } else { Issue.record("rsvg-convert missing") }
    }
}
