import Foundation
import MetaAnalysis

/// The specification curve of a sensitivity grid (Simonsohn, Simmons & Nelson 2020): every
/// specification's estimate with its CI, sorted by estimate, coloured by whether the CI excludes the
/// null, and under it one row of marks per choice (estimator, test, study left out, scale) showing
/// which choices made each specification.
public struct SpecificationCurve: Sendable {
    public var cells: [GridCell]
    public var title: String
    /// Display transform of analysis-scale values (exp for log HRs) and the axis title.
    public var back: @Sendable (Double) -> Double
    public var axisLabel: String
    public var logAxis: Bool
    /// The null on the display scale (1 for HRs), nil for none.
    public var null: Double?

    public init(cells: [GridCell], title: String, back: @escaping @Sendable (Double) -> Double, axisLabel: String, logAxis: Bool, null: Double?) {
        self.cells = cells
        self.title = title
        self.back = back
        self.axisLabel = axisLabel
        self.logAxis = logAxis
        self.null = null
    }

    struct Point { var estimate: Double; var low: Double; var high: Double; var cell: GridCell }

    var points: [Point] {
        cells.compactMap { c -> Point? in
            guard let f = c.fit else { return nil }
            let a = back(f.pooled.ciLow), b = back(f.pooled.ciHigh)
            return Point(estimate: back(f.estimate), low: min(a, b), high: max(a, b), cell: c)
        }.sorted { $0.estimate < $1.estimate }
    }

    public func document() -> SVGDocument {
        let pts = points
        let left = 140.0, top = 40.0, plotHeight = 220.0
        let step = max(2.0, min(12.0, 900.0 / Double(max(pts.count, 1))))
        let plotWidth = step * Double(max(pts.count, 1))
        let choices: [(String, (GridCell) -> String)] = [
            ("estimator", { $0.estimator.rawValue }), ("test", { $0.test.rawValue }),
            ("left out", { $0.leftOut ?? "none" }), ("scale", { $0.scale }),
        ]
        let choiceRows: [(String, [String])] = choices.compactMap { name, key in
            let values = Array(Set(pts.map { key($0.cell) })).sorted()
            return values.count > 1 || name == "estimator" ? (name, values) : nil
        }
        let markRows = choiceRows.reduce(0) { $0 + $1.1.count }
        let markTop = top + plotHeight + 50
        let rowH = 10.0
        let width = left + plotWidth + 40
        let height = markTop + Double(markRows) * rowH + Double(choiceRows.count) * 6 + 20
        var doc = SVGDocument(width: width, height: height, title: title, description: summary, idPrefix: "speccurve", fontSize: 11)
        doc.append(.text(title, x: 10, y: 20, [SVGAttribute("font-weight", "bold")]))
        let values = pts.flatMap { [$0.low, $0.high] } + (null.map { [$0] } ?? [])
        let tr: (Double) -> Double = logAxis ? { log($0) } : { $0 }
        let lo = (values.filter { !logAxis || $0 > 0 }.map(tr).min() ?? 0), hi = (values.filter { !logAxis || $0 > 0 }.map(tr).max() ?? 1)
        let pad = max(1e-6, 0.05 * (hi - lo))
        let scale = LinearScale(domain: (lo - pad, hi + pad), range: (top + plotHeight, top))
        if let null {
            let y = scale(tr(null))
            doc.append(.line(x1: left, y1: y, x2: left + plotWidth, y2: y, [SVGAttribute("stroke", SVGPalette.muted), SVGAttribute("stroke-dasharray", "3 3"), SVGAttribute("class", "reference")]))
        }
        var marks: [SVGElement] = []
        for (i, p) in pts.enumerated() {
            let x = left + (Double(i) + 0.5) * step
            let excludes = null.map { p.low > $0 || p.high < $0 } ?? true
            let color = excludes ? SVGPalette.color(0) : SVGPalette.color(1)
            if !logAxis || (p.low > 0 && p.high > 0 && p.estimate > 0) {
                marks.append(.group(class: "specification", children: [
                    .line(x1: x, y1: scale(tr(p.low)), x2: x, y2: scale(tr(p.high)), [SVGAttribute("stroke", color), SVGAttribute("stroke-opacity", "0.5")]),
                    .rect(x: x - 1.5, y: scale(tr(p.estimate)) - 1.5, width: 3, height: 3, [SVGAttribute("fill", color)]),
                ]))
            }
        }
        doc.append(.group(class: "specifications", children: marks))
        let ticks = logAxis ? [0.1, 0.2, 0.5, 1, 2, 5, 10].filter { log($0) >= lo - pad && log($0) <= hi + pad } : []
        let axis = logAxis && !ticks.isEmpty
            ? Axis(.left, scale: scale, ticks: ticks.map(log), tickLabels: ticks.map { $0 == $0.rounded() ? String(Int($0)) : String($0) }, label: axisLabel, fontSize: 11)
            : Axis(.left, scale: scale, label: axisLabel, fontSize: 11)
        doc.append(axis.element(at: left - 5))
        // Choice panel.
        var y = markTop
        var panel: [SVGElement] = []
        for (name, values) in choiceRows {
            panel.append(.text(name, x: 10, y: y - 2, [SVGAttribute("font-weight", "bold")]))
            y += 6
            let key = choices.first { $0.0 == name }!.1
            for v in values {
                panel.append(.text(v, x: left - 8, y: y + rowH * 0.8, anchor: .end, [SVGAttribute("font-size", 8)]))
                for (i, p) in pts.enumerated() where key(p.cell) == v {
                    panel.append(.rect(x: left + Double(i) * step + step * 0.2, y: y + 2, width: step * 0.6, height: rowH - 4, [SVGAttribute("fill", "#222222"), SVGAttribute("class", "choice-mark")]))
                }
                y += rowH
            }
        }
        doc.append(.group(class: "choices", children: panel))
        return doc
    }

    var summary: String {
        let pts = points
        guard let first = pts.first, let last = pts.last else { return "Specification curve with no fitted specifications." }
        return String(format: "Specification curve of %d analyses; estimates from %.3g to %.3g.", pts.count, first.estimate, last.estimate)
    }

    public func rendered() -> String { document().rendered() }
}
