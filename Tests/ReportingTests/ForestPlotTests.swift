import Foundation
import Testing
import TestSupport
import MetaAnalysis
@testable import Reporting

/// The forest plot's structure (golden-file style: it parses as XML, has one row per study plus the
/// pooled and prediction rows, one marker per study, one diamond) and that a real renderer draws it.
struct ForestPlotTests {
    static func hazardRatioReport() throws -> PoolReport {
        let studies = [
            StudyEffect(label: "Rinke 2009", yi: log(0.34), vi: pow((log(0.59) - log(0.20)) / (2 * 1.959963984540054), 2)),
            StudyEffect(label: "Caplin 2014", yi: log(0.47), vi: pow((log(0.73) - log(0.30)) / (2 * 1.959963984540054), 2)),
            StudyEffect(label: "Study <&> \"3\"", yi: log(0.9), vi: 0.09),
        ]
        return PoolReport(fit: try RandomEffectsModel(estimator: .REML).fit(studies), measure: .HR)
    }

    @Test func structureOfAHazardRatioForest() throws {
        let plot = ForestPlot(report: try Self.hazardRatioReport(), title: "SSA vs placebo")
        let svg = plot.rendered()
        let xml = XMLInspection(svg)
        #expect(xml.isWellFormed, "\(String(describing: xml.parseError))")
        #expect(xml.count("title") == 1 && xml.count("desc") == 1)
        #expect(xml.count("g", class: "study") == 3)
        #expect(xml.count("rect", class: "study-marker") == 3)
        #expect(xml.count("path", class: "diamond") == 1)
        #expect(xml.count("line", class: "prediction-interval") == 1)
        #expect(xml.count("line", class: "reference") == 1, "no-effect line at HR 1")
        #expect(xml.texts.contains("Study <&> \"3\""), "labels are escaped and read back")
        #expect(xml.texts.contains("Hazard ratio (log scale)"))
        #expect(xml.texts.contains { $0.hasPrefix("0.") && $0.contains("[") }, "HR [CI] text column")
        // Log axis: the tick labels are ratios around 1.
        #expect(xml.texts.contains("1") && xml.texts.contains("0.5"))
    }

    @Test func plotReadyCSVHasOneRowPerPlottedRow() throws {
        let plot = ForestPlot(report: try Self.hazardRatioReport(), title: "x")
        let lines = plot.csv().split(separator: "\n")
        #expect(lines.count == 1 + 3 + 2)
        #expect(lines[0] == "row,kind,label,estimate,ci_low,ci_high,weight")
    }

    @Test func landmarkForestShowsPercentOnALinearAxis() throws {
        let effects = try [(0.74, 339.0), (0.81, 42.0)].enumerated().map { i, sn in
            try LandmarkSurvival.effect(LandmarkObservation(label: "s\(i)", survival: sn.0, sampleSize: sn.1), transform: .cloglog).effect
        }
        let report = PoolReport(fit: try RandomEffectsModel().fit(effects), scale: .landmark(.cloglog, harmonicMeanN: nil))
        let svg = ForestPlot(report: report, title: "5-year OS").rendered()
        let xml = XMLInspection(svg)
        #expect(xml.isWellFormed)
        #expect(xml.texts.contains("Survival (%)"))
        #expect(xml.count("line", class: "reference") == 0)
        #expect(xml.texts.contains { $0.hasPrefix("74.0 [") })
    }

    @Test func rendersToPNGWithARealRenderer() throws {
        let svg = ForestPlot(report: try Self.hazardRatioReport(), title: "SSA vs placebo").rendered()
        guard let bytes = try renderSVGToPNG(svg) else {
            Issue.record("rsvg-convert is not installed (Debian librsvg2-bin; `make test` installs it)")
            return
        }
        #expect(bytes > 1000)
    }
}
