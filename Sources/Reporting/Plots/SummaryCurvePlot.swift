import Foundation
import MetaAnalysis

/// The pooled summary survival curve (Combescure et al. 2014) with its pointwise confidence band,
/// drawn over the study curves it was pooled from; survival in percent against time.
public struct SummaryCurvePlot: Sendable {
    public var pooled: [SummaryCurvePoint]
    /// Each study's (time, survival) points, drawn thin and grey behind the pooled curve.
    public var studies: [(label: String, points: [(Double, Double)])]
    public var title: String
    public var timeLabel: String

    public init(pooled: [SummaryCurvePoint], studies: [(label: String, points: [(Double, Double)])], title: String, timeLabel: String = "Time") {
        self.pooled = pooled
        self.studies = studies
        self.title = title
        self.timeLabel = timeLabel
    }

    public func document() -> SVGDocument {
        let left = 70.0, top = 40.0, width = 620.0, height = 400.0
        let plotW = width - left - 30, plotH = height - top - 60
        let tMax = max(pooled.map(\.time).max() ?? 1, studies.flatMap { $0.points.map(\.0) }.max() ?? 1)
        let sx = LinearScale(domain: (0, tMax), range: (left, left + plotW))
        let sy = LinearScale(domain: (0, 1), range: (top + plotH, top))
        var doc = SVGDocument(width: width, height: height, title: title, description: summary, idPrefix: "summarycurve", fontSize: 12)
        doc.append(.text(title, x: 10, y: 20, [SVGAttribute("font-weight", "bold")]))
        var background: [SVGElement] = []
        for s in studies {
            var path = SVGPath()
            path.move(sx(0), sy(1))
            for (t, v) in s.points { path.line(sx(t), sy(v)) }
            background.append(.path(path, [SVGAttribute("fill", "none"), SVGAttribute("stroke", "#bbbbbb"), SVGAttribute("class", "study-curve"),
                                           SVGAttribute("aria-label", s.label)]))
        }
        doc.append(.group(class: "studies", children: background))
        let banded = pooled.filter { $0.ciLow != nil && $0.ciHigh != nil }
        if !banded.isEmpty {
            var band = SVGPath()
            band.move(sx(0), sy(1))
            for p in banded { band.line(sx(p.time), sy(p.ciHigh!)) }
            for p in banded.reversed() { band.line(sx(p.time), sy(p.ciLow!)) }
            band.line(sx(0), sy(1)); band.close()
            doc.append(.path(band, [SVGAttribute("fill", SVGPalette.color(0)), SVGAttribute("fill-opacity", "0.2"), SVGAttribute("class", "confidence-band")]))
        }
        var curve = SVGPath()
        curve.move(sx(0), sy(1))
        for p in pooled { curve.line(sx(p.time), sy(p.surv)) }
        doc.append(.path(curve, [SVGAttribute("fill", "none"), SVGAttribute("stroke", SVGPalette.color(0)), SVGAttribute("stroke-width", 2.5), SVGAttribute("class", "pooled-curve")]))
        doc.append(Axis(.bottom, scale: sx, label: timeLabel, fontSize: 12).element(at: top + plotH + 5))
        doc.append(Axis(.left, scale: sy, ticks: [0, 0.25, 0.5, 0.75, 1], tickLabels: ["0", "25", "50", "75", "100"], label: "Survival (%)", fontSize: 12).element(at: left - 5))
        return doc
    }

    var summary: String {
        guard let last = pooled.last else { return "Summary survival curve with no points." }
        return String(format: "Pooled survival curve from %d studies; %.1f%% at time %g.", studies.count, 100 * last.surv, last.time)
    }

    public func rendered() -> String { document().rendered() }
}
