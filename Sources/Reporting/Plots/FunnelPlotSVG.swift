import Foundation
import MetaAnalysis

/// A contour-enhanced funnel plot: each study's estimate against its standard error (SE axis
/// reversed, so precise studies sit on top), significance contours around the null at p = 0.10,
/// 0.05 and 0.01, the pooled estimate as a vertical line with its pseudo-confidence region
/// estimate ± z·SE, and the studies trim-and-fill imputed as open circles. Numbers are on the
/// analysis scale (log HR …), as metafor's `funnel`.
public struct FunnelPlotSVG: Sendable {
    public var data: FunnelPlotData
    public var title: String
    public var xLabel: String

    public init(data: FunnelPlotData, title: String, xLabel: String = "Estimate (analysis scale)") {
        self.data = data
        self.title = title
        self.xLabel = xLabel
    }

    public func document() -> SVGDocument {
        let left = 70.0, top = 40.0, width = 520.0, height = 380.0
        let plotW = width - left - 30, plotH = height - top - 60
        let maxSE = max(data.points.map(\.sei).max() ?? 1, data.contour.map(\.se).max() ?? 1) * 1.05
        let xs = data.points.map(\.yi) + data.contour.flatMap { [$0.lower, $0.upper] } + [data.estimate]
        let lo = xs.min() ?? -1, hi = xs.max() ?? 1
        let pad = 0.05 * max(hi - lo, 1e-6)
        let sx = LinearScale(domain: (lo - pad, hi + pad), range: (left, left + plotW))
        let sy = LinearScale(domain: (0, maxSE), range: (top, top + plotH))   // SE 0 at the top
        var doc = SVGDocument(width: width, height: height, title: title, description: summary, idPrefix: "funnel", fontSize: 12)
        doc.append(.text(title, x: 10, y: 20, [SVGAttribute("font-weight", "bold")]))
        // Contour enhancement (Peters et al. 2008, J Clin Epidemiol 61:991): around the null (0 on the
        // analysis scale), the triangles |y| < z·SE where a study is not significant at p = 0.01, 0.05
        // and 0.10, drawn widest first, so each shade marks one band of significance.
        let xmin = lo - pad, xmax = hi + pad
        if xmin < 0 && xmax > 0 {
            for (p, shade) in [(0.01, "#c8c8c8"), (0.05, "#dddddd"), (0.10, "#f0f0f0")] {
                let z = StatNumericsBridge.normalQuantile(1 - p / 2)
                var triangle = SVGPath()
                triangle.move(sx(0), sy(0))
                // Left edge y = −z·SE, clipped at the plot's left end; then the base; then the right edge.
                let leftSE = min(maxSE, -xmin / z), rightSE = min(maxSE, xmax / z)
                triangle.line(sx(-z * leftSE), sy(leftSE))
                triangle.line(sx(-z * leftSE), sy(maxSE))
                triangle.line(sx(z * rightSE), sy(maxSE))
                triangle.line(sx(z * rightSE), sy(rightSE))
                triangle.close()
                doc.append(.path(triangle, [SVGAttribute("fill", shade), SVGAttribute("stroke", "none"),
                                            SVGAttribute("class", "significance-contour"), SVGAttribute("data-p", String(p))]))
            }
        }
        if let apex = data.contour.min(by: { $0.se < $1.se }), let base = data.contour.max(by: { $0.se < $1.se }) {
            var region = SVGPath()
            region.move(sx(apex.lower), sy(apex.se)); region.line(sx(apex.upper), sy(apex.se))
            region.line(sx(base.upper), sy(base.se)); region.line(sx(base.lower), sy(base.se)); region.close()
            doc.append(.path(region, [SVGAttribute("fill", "#9ab8d9"), SVGAttribute("fill-opacity", "0.35"), SVGAttribute("stroke", SVGPalette.muted), SVGAttribute("class", "pseudo-ci")]))
        }
        doc.append(.line(x1: sx(data.estimate), y1: sy(0), x2: sx(data.estimate), y2: sy(maxSE), [SVGAttribute("stroke", "#000000"), SVGAttribute("class", "pooled")]))
        var points: [SVGElement] = []
        for p in data.points {
            points.append(SVGElement("circle", [SVGAttribute("cx", sx(p.yi)), SVGAttribute("cy", sy(p.sei)), SVGAttribute("r", 4),
                                                SVGAttribute("fill", p.filled ? "#ffffff" : SVGPalette.color(0)), SVGAttribute("stroke", "#000000"),
                                                SVGAttribute("class", p.filled ? "filled-study" : "study")],
                                     children: [SVGElement("title", text: "\(p.study): \(String(format: "%.3f", p.yi)) (SE \(String(format: "%.3f", p.sei)))")]))
        }
        doc.append(.group(class: "points", children: points))
        doc.append(Axis(.bottom, scale: sx, label: xLabel, fontSize: 12).element(at: top + plotH + 5))
        doc.append(Axis(.left, scale: sy, label: "Standard error", fontSize: 12).element(at: left - 5))
        return doc
    }

    var summary: String {
        let filled = data.points.filter(\.filled).count
        return "Funnel plot of \(data.points.count - filled) studies" + (filled > 0 ? " and \(filled) filled by trim-and-fill" : "") + String(format: "; pooled estimate %.3f.", data.estimate)
    }

    public func rendered() -> String { document().rendered() }
}

/// The Baujat plot (Baujat et al. 2002): each study's contribution to Cochran's Q (x) against its
/// influence on the pooled estimate (y), labelled, so studies that drive both stand out top right.
public struct BaujatPlotSVG: Sendable {
    public var points: [(study: String, x: Double, y: Double)]
    public var title: String

    public init(points: [(study: String, x: Double, y: Double)], title: String) {
        self.points = points
        self.title = title
    }

    public func document() -> SVGDocument {
        let left = 70.0, top = 40.0, width = 680.0, height = 400.0
        let plotW = width - left - 160, plotH = height - top - 60
        let sx = LinearScale(domain: (0, max(points.map(\.x).max() ?? 1, 1e-9) * 1.1), range: (left, left + plotW))
        let sy = LinearScale(domain: (0, max(points.map(\.y).max() ?? 1, 1e-9) * 1.1), range: (top + plotH, top))
        var doc = SVGDocument(width: width, height: height, title: title,
                              description: "Baujat plot of \(points.count) studies: contribution to heterogeneity against influence on the pooled estimate.",
                              idPrefix: "baujat", fontSize: 12)
        doc.append(.text(title, x: 10, y: 20, [SVGAttribute("font-weight", "bold")]))
        var marks: [SVGElement] = []
        for p in points {
            marks.append(.group(class: "study", children: [
                SVGElement("circle", [SVGAttribute("cx", sx(p.x)), SVGAttribute("cy", sy(p.y)), SVGAttribute("r", 3.5), SVGAttribute("fill", SVGPalette.color(0))]),
                .text(p.study, x: sx(p.x) + 5, y: sy(p.y) - 5, [SVGAttribute("font-size", 10)]),
            ]))
        }
        doc.append(.group(class: "points", children: marks))
        doc.append(Axis(.bottom, scale: sx, label: "Contribution to overall heterogeneity", fontSize: 12).element(at: top + plotH + 5))
        doc.append(Axis(.left, scale: sy, label: "Influence on overall result", fontSize: 12).element(at: left - 5))
        return doc
    }

    public func rendered() -> String { document().rendered() }
}
