import Foundation

/// A forest plot: one row per study (square sized by weight, CI whisker), subgroup headings and
/// subgroup diamonds, the pooled diamond and the prediction interval, on a linear axis or on a log
/// axis for ratios (ticks labelled in the ratio, e.g. 0.25 0.5 1 2). All numbers are on the
/// display scale (HR, survival proportion …), already back-transformed; text is text, so the
/// figure is searchable and accessible.
public struct ForestPlot: Sendable {
    public enum RowKind: String, Sendable, Equatable {
        case study, heading, pooled, subgroupPooled, prediction
    }

    public struct Row: Sendable, Equatable {
        public var kind: RowKind
        public var label: String
        public var estimate: Double?
        public var low: Double?
        public var high: Double?
        /// Percent weight (study rows).
        public var weight: Double?

        public init(kind: RowKind, label: String, estimate: Double? = nil, low: Double? = nil, high: Double? = nil, weight: Double? = nil) {
            self.kind = kind
            self.label = label
            self.estimate = estimate
            self.low = low
            self.high = high
            self.weight = weight
        }
    }

    public var title: String
    public var rows: [Row]
    /// Axis title, e.g. "Hazard ratio (log scale)".
    public var axisLabel: String
    /// Column heading of the numbers on the right, e.g. "HR [95% CI]".
    public var valueHeading: String
    public var logScale: Bool
    /// The no-effect line (1 for ratios, 0 for differences; nil for none).
    public var reference: Double?
    /// Format of the right-hand numbers.
    public var decimals: Int
    /// Multiply displayed numbers by this (100 to show proportions as percent).
    public var displayFactor: Double

    public init(title: String, rows: [Row], axisLabel: String, valueHeading: String, logScale: Bool,
                reference: Double?, decimals: Int = 2, displayFactor: Double = 1) {
        self.title = title
        self.rows = rows
        self.axisLabel = axisLabel
        self.valueHeading = valueHeading
        self.logScale = logScale
        self.reference = reference
        self.decimals = decimals
        self.displayFactor = displayFactor
    }

    let rowHeight = 22.0
    let fontSize = 12.0
    let plotWidth = 320.0

    private func t(_ x: Double) -> Double { logScale ? log(x) : x }

    /// The data range shown: every interval end and the reference line, padded by 5%.
    var domain: (Double, Double) {
        var values = rows.flatMap { [$0.low, $0.high, $0.estimate].compactMap { $0 } }.filter { $0.isFinite && (!logScale || $0 > 0) }
        if let reference { values.append(reference) }
        guard let lo = values.min(), let hi = values.max() else { return logScale ? (0.5, 2) : (0, 1) }
        let a = t(lo), b = t(hi)
        let pad = max(0.05 * (b - a), logScale ? 0.05 : 1e-3)
        return (a - pad, b + pad)
    }

    /// Tick values on the display scale.
    var ticks: [Double] {
        let (a, b) = domain
        if logScale {
            let candidates: [Double] = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]
            let inside = candidates.filter { log($0) >= a && log($0) <= b }
            if inside.count > 7 { return inside.enumerated().filter { $0.offset % 2 == 0 || $0.element == 1 }.map(\.element) }
            return inside.isEmpty ? [exp((a + b) / 2)] : inside
        }
        let step = NiceTicks.step(span: b - a, count: 5)
        return NiceTicks.values(from: a, to: b, step: step)
    }

    func format(_ x: Double?) -> String {
        guard let x, x.isFinite else { return "NA" }
        return String(format: "%.\(decimals)f", x * displayFactor)
    }

    public func document() -> SVGDocument {
        let labelWidth = max(160, (rows.map { TextMetrics.width($0.label, fontSize: fontSize) }.max() ?? 100) + 20)
        let valueWidth = max(150, TextMetrics.width("\(format(rows.first?.estimate)) [\(format(rows.first?.low)), \(format(rows.first?.high))]", fontSize: fontSize) + 20)
        let weightWidth = 70.0
        let top = 50.0
        let plotLeft = labelWidth
        let bodyHeight = Double(rows.count) * rowHeight
        let width = labelWidth + plotWidth + valueWidth + weightWidth + 20
        let height = top + bodyHeight + 60
        let (a, b) = domain
        let scale = LinearScale(domain: (a, b), range: (plotLeft + 10, plotLeft + plotWidth - 10))
        var doc = SVGDocument(width: width, height: height, title: title,
                              description: summary, idPrefix: "forest", fontSize: fontSize)
        doc.append(.text(title, x: 10, y: 20, [SVGAttribute("font-weight", "bold"), SVGAttribute("class", "title")]))
        doc.append(.text("Study", x: 10, y: top - 10, [SVGAttribute("font-weight", "bold")]))
        doc.append(.text(valueHeading, x: plotLeft + plotWidth + valueWidth - 10, y: top - 10, anchor: .end, [SVGAttribute("font-weight", "bold")]))
        doc.append(.text("Weight", x: width - 15, y: top - 10, anchor: .end, [SVGAttribute("font-weight", "bold")]))
        if let reference {
            let x = scale(t(reference))
            doc.append(.line(x1: x, y1: top, x2: x, y2: top + bodyHeight, [SVGAttribute("stroke", SVGPalette.muted), SVGAttribute("stroke-dasharray", "3 3"), SVGAttribute("class", "reference")]))
        }
        let maxWeight = rows.compactMap(\.weight).max() ?? 1
        var rowElements: [SVGElement] = []
        for (i, row) in rows.enumerated() {
            let y = top + (Double(i) + 0.5) * rowHeight
            var children: [SVGElement] = []
            let bold = row.kind != .study && row.kind != .prediction
            children.append(.text(row.label, x: row.kind == .study ? 18 : 10, y: y + 4, bold ? [SVGAttribute("font-weight", "bold")] : []))
            if let est = row.estimate, let lo = row.low, let hi = row.high, est.isFinite, lo.isFinite, hi.isFinite,
               !logScale || (est > 0 && lo > 0 && hi > 0) {
                let xe = scale(t(est)), xl = scale(t(lo)), xh = scale(t(hi))
                switch row.kind {
                case .study:
                    children.append(.line(x1: xl, y1: y, x2: xh, y2: y, [SVGAttribute("stroke", "#000000")]))
                    let side = 4 + 8 * ((row.weight ?? maxWeight) / maxWeight).squareRoot()
                    children.append(.rect(x: xe - side / 2, y: y - side / 2, width: side, height: side,
                                          [SVGAttribute("fill", SVGPalette.color(0)), SVGAttribute("class", "study-marker")]))
                case .pooled, .subgroupPooled:
                    var d = SVGPath()
                    d.move(xl, y); d.line(xe, y - 7); d.line(xh, y); d.line(xe, y + 7); d.close()
                    children.append(.path(d, [SVGAttribute("fill", row.kind == .pooled ? "#000000" : SVGPalette.muted), SVGAttribute("class", "diamond")]))
                case .prediction:
                    children.append(.line(x1: xl, y1: y, x2: xh, y2: y, [SVGAttribute("stroke", "#000000"), SVGAttribute("stroke-dasharray", "6 3"),
                                                                         SVGAttribute("stroke-width", 2), SVGAttribute("class", "prediction-interval")]))
                case .heading: break
                }
                let text = row.kind == .prediction ? "[\(format(lo)), \(format(hi))]" : "\(format(est)) [\(format(lo)), \(format(hi))]"
                children.append(.text(text, x: plotLeft + plotWidth + valueWidth - 10, y: y + 4, anchor: .end))
            }
            if let w = row.weight { children.append(.text(String(format: "%.1f%%", w), x: width - 15, y: y + 4, anchor: .end)) }
            rowElements.append(.group(class: "row \(row.kind.rawValue)", children: children))
        }
        doc.append(.group(class: "rows", children: rowElements))
        let tickValues = ticks
        let labels = tickValues.map { v -> String in
            let shown = v * displayFactor
            return shown == shown.rounded() ? String(Int(shown)) : String(format: "%g", shown)
        }
        let axis = Axis(.bottom, scale: scale, ticks: tickValues.map(t), tickLabels: labels, label: axisLabel, fontSize: fontSize)
        doc.append(axis.element(at: top + bodyHeight + 5))
        return doc
    }

    /// The text alternative: what the figure shows, in words.
    var summary: String {
        let studies = rows.filter { $0.kind == .study }.count
        var s = "Forest plot of \(studies) stud\(studies == 1 ? "y" : "ies")"
        if let pooled = rows.first(where: { $0.kind == .pooled }) {
            s += "; pooled \(format(pooled.estimate)) (95% CI \(format(pooled.low)) to \(format(pooled.high)))"
        }
        return s + "."
    }

    public func rendered() -> String { document().rendered() }

    /// The plot's data as tidy CSV (one row per plotted row), for redrawing elsewhere.
    public func csv() -> String {
        TextTable(header: ["row", "kind", "label", "estimate", "ci_low", "ci_high", "weight"],
                  rows: rows.enumerated().map { i, r in
                      [String(i + 1), r.kind.rawValue, r.label, NumberFormat.full(r.estimate), NumberFormat.full(r.low), NumberFormat.full(r.high), NumberFormat.full(r.weight)]
                  }).csv()
    }
}

extension ForestPlot {
    /// The forest plot of a pooled analysis: studies, the pooled estimate and, for random-effects
    /// models, the prediction interval, all back-transformed through `scale`.
    public init(report: PoolReport, title: String, level: Double = 0.95) {
        let fit = report.fit
        let sc = report.scale
        let z = StatNumericsBridge.normalQuantile(1 - (1 - level) / 2)
        var rows: [Row] = fit.studies.enumerated().map { i, s in
            let (lo, hi) = sc.backInterval(s.yi - z * s.standardError, s.yi + z * s.standardError)
            return Row(kind: .study, label: s.label, estimate: sc.back(s.yi), low: lo, high: hi, weight: fit.model.weightsPercent[i])
        }
        let (lo, hi) = sc.backInterval(fit.pooled.ciLow, fit.pooled.ciHigh)
        rows.append(Row(kind: .pooled, label: fit.model.estimator.isEqualEffects ? "Common effect" : "Random effects (\(fit.model.estimator.rawValue))",
                        estimate: sc.back(fit.estimate), low: lo, high: hi))
        if let pi = fit.predictionInterval {
            let (a, b) = sc.backInterval(pi.lower, pi.upper)
            rows.append(Row(kind: .prediction, label: "Prediction interval", estimate: sc.back(fit.estimate), low: a, high: b))
        }
        let isRatio: Bool
        let axisLabel: String, heading: String, factor: Double, decimals: Int
        switch sc {
        case .measure(.HR, _):
            isRatio = true; axisLabel = "Hazard ratio (log scale)"; heading = "HR [95% CI]"; factor = 1; decimals = 2
        case .logMedian:
            isRatio = true; axisLabel = "Median survival (log scale)"; heading = "Median [95% CI]"; factor = 1; decimals = 1
        case .landmark:
            isRatio = false; axisLabel = "Survival (%)"; heading = "Survival % [95% CI]"; factor = 100; decimals = 1
        case .measure(let m, _) where m.isProportion:
            isRatio = false; axisLabel = "Proportion (%)"; heading = "% [95% CI]"; factor = 100; decimals = 1
        case .measure:
            isRatio = false; axisLabel = "Estimate"; heading = "Estimate [95% CI]"; factor = 1; decimals = 2
        }
        self.init(title: title, rows: rows, axisLabel: axisLabel, valueHeading: heading, logScale: isRatio,
                  reference: isRatio && sc != .logMedian ? 1 : (sc == .measure(.GEN, harmonicMeanN: nil) ? 0 : nil),
                  decimals: decimals, displayFactor: factor)
    }
}
