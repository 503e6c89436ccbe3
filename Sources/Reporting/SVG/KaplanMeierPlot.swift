import Foundation
import Survival

/// The Kaplan–Meier plot as an SVG document: one right-continuous step curve per group starting at
/// S(0) = 1, tick marks at censoring times, optional pointwise confidence bands, labelled axes, a
/// legend, and the number-at-risk table under the plot at the time-axis ticks (as in
/// `survminer::ggsurvplot(risk.table = TRUE)`; number at risk at t = subjects with follow-up ≥ t,
/// R's `summary(fit, times = t, extend = TRUE)$n.risk`).
///
/// Layout: the title on top; the plot area with the y axis (survival probability 0–1, light grid
/// lines) on the left and the legend on its right; the time axis (nice ticks from 0 to beyond the
/// last follow-up) below it; then the risk table, one row per group, its cells centred under the
/// ticks and its group labels in the curves' colours, right-aligned in the left margin.
///
/// Parts are grouped with classes — `curves` holding one `path.curve` per group (with
/// `data-group`), `ci-bands`, `censor-marks`, `axis x-axis`, `axis y-axis`, `legend`,
/// `risk-table` holding one `g.risk-row` per group of `text.risk-cell`s — so tests and style sheets
/// can find them.
public struct KaplanMeierPlot: Sendable {
    public var curves: [KaplanMeierFit]
    public var title: String
    public var timeLabel: String
    public var survivalLabel: String
    /// Draw each curve's pointwise confidence interval as a shaded band.
    public var showConfidenceBands: Bool
    /// Draw a tick at each censoring time.
    public var showCensorMarks: Bool
    /// The right end of the time axis (default: the largest last follow-up time, rounded up to a
    /// tick).
    public var timeMax: Double?
    /// About this many time ticks (and risk-table columns).
    public var timeTickCount: Int
    /// The size of the plot area (the axes, legend and risk table are around it).
    public var plotWidth: Double
    public var plotHeight: Double
    public var fontSize: Double

    public init(curves: [KaplanMeierFit], title: String = "Kaplan–Meier estimate", timeLabel: String = "Time",
                survivalLabel: String = "Survival probability", showConfidenceBands: Bool = false,
                showCensorMarks: Bool = true, timeMax: Double? = nil, timeTickCount: Int = 6,
                plotWidth: Double = 540, plotHeight: Double = 320, fontSize: Double = 12) {
        self.curves = curves
        self.title = title
        self.timeLabel = timeLabel
        self.survivalLabel = survivalLabel
        self.showConfidenceBands = showConfidenceBands
        self.showCensorMarks = showCensorMarks
        self.timeMax = timeMax
        self.timeTickCount = timeTickCount
        self.plotWidth = plotWidth
        self.plotHeight = plotHeight
        self.fontSize = fontSize
    }

    /// The label of curve `index` (its group, or "all" for an unlabelled curve).
    private func label(_ index: Int) -> String { curves[index].label ?? "all" }

    /// The time scale's domain before rounding to ticks: [0, the largest last follow-up].
    private var lastTime: Double {
        let t = timeMax ?? curves.map(\.lastTime).max() ?? 0
        return t.isFinite && t > 0 ? t : 0
    }

    /// The times of the time-axis ticks: the risk-table columns.
    public var riskTimes: [Double] {
        LinearScale(domain: (0, lastTime), range: (0, 1)).niced(count: timeTickCount).ticks(count: timeTickCount)
    }

    /// Subjects of `fit` with follow-up ≥ t (R's n.risk at a requested time; 0 past the end).
    static func atRisk(_ fit: KaplanMeierFit, at t: Double) -> Int {
        fit.steps.reduce(0) { $0 + ($1.time >= t ? $1.events + $1.censored : 0) }
    }

    /// The number-at-risk table: one row per curve, one count per `riskTimes` entry.
    public var riskTable: [[Int]] {
        let times = riskTimes
        return curves.map { fit in times.map { Self.atRisk(fit, at: $0) } }
    }

    // MARK: Document

    /// The plot as an SVG document.
    public func document() -> SVGDocument {
        let rowHeight = fontSize * 1.5
        let labels = curves.indices.map(label)
        let titleHeight = title.isEmpty ? 12 : fontSize * 1.4 + 20

        // The y axis first: its extent sets the left margin, with the risk-table labels.
        var yScale = LinearScale(domain: (0, 1), range: (0, 0))
        let provisionalY = Axis(.left, scale: yScale, label: survivalLabel, tickCount: 5, fontSize: fontSize)
        // The risk-table labels end left of the first column's cells, which are centred on x = 0.
        let riskLabelWidth = labels.map { TextMetrics.width($0, fontSize: fontSize) }.max() ?? 0
        let firstCellHalf = (curves.map { TextMetrics.width(String($0.subjects), fontSize: fontSize) }.max() ?? 0) / 2
        let riskLabelGap = firstCellHalf + 10
        let left = max(provisionalY.extent, riskLabelWidth + riskLabelGap) + 12
        let top = titleHeight
        let bottom = top + plotHeight
        let right = left + plotWidth
        yScale = LinearScale(domain: (0, 1), range: (bottom, top))
        let xScale = LinearScale(domain: (0, lastTime), range: (left, right)).niced(count: timeTickCount)
        let times = riskTimes
        let timeStep = xScale.tickStep(count: timeTickCount)
        let xAxis = Axis(.bottom, scale: xScale, ticks: times, tickLabels: times.map { NiceTicks.label($0, step: timeStep) },
                         label: timeLabel, fontSize: fontSize)
        let yAxis = Axis(.left, scale: yScale, label: survivalLabel, tickCount: 5, fontSize: fontSize, gridLength: plotWidth)

        let legend = Legend(entries: labels.indices.map { Legend.Entry(label: labels[$0], color: SVGPalette.color($0)) },
                            fontSize: fontSize)
        let riskTop = bottom + xAxis.extent + rowHeight
        let width = right + 24 + legend.width + 16
        let height = riskTop + rowHeight * Double(curves.count + 1) + 12

        var elements: [SVGElement] = []
        if !title.isEmpty {
            elements.append(.text(title, x: left, y: fontSize * 1.4 + 6, [
                SVGAttribute("class", "plot-title"), SVGAttribute("font-size", fontSize * 1.25),
                SVGAttribute("font-weight", "bold"),
            ]))
        }
        elements.append(yAxis.element(at: left))
        elements.append(xAxis.element(at: bottom))
        if showConfidenceBands {
            elements.append(.group(class: "ci-bands", children: curves.indices.compactMap { band($0, x: xScale, y: yScale) }))
        }
        elements.append(.group(class: "curves", children: curves.indices.map { curve($0, x: xScale, y: yScale) }))
        if showCensorMarks {
            elements.append(.group(class: "censor-marks", children: curves.indices.compactMap { censorMarks($0, x: xScale, y: yScale) }))
        }
        elements.append(legend.element(x: right + 24, y: top))
        elements.append(riskTableElement(labels: labels, times: times, x: xScale, top: riskTop,
                                         labelEnd: left - riskLabelGap, rowHeight: rowHeight))
        return SVGDocument(width: width, height: height, title: title.isEmpty ? "Kaplan–Meier estimate" : title,
                           description: accessibleDescription(times: times), elements: elements, idPrefix: "km",
                           fontSize: fontSize)
    }

    /// The plot as SVG text.
    public func rendered() -> String { document().rendered() }

    // MARK: Parts

    private func curve(_ i: Int, x: LinearScale, y: LinearScale) -> SVGElement {
        var path = SVGPath()
        path.move(x(0), y(1))
        var level = 1.0
        for step in curves[i].steps {
            path.horizontal(x(step.time))
            if step.survival != level {
                path.vertical(y(step.survival))
                level = step.survival
            }
        }
        return SVGElement("path", [
            SVGAttribute("class", "curve"), SVGAttribute("data-group", label(i)), SVGAttribute("d", path.description),
            SVGAttribute("fill", "none"), SVGAttribute("stroke", SVGPalette.color(i)), SVGAttribute("stroke-width", "2"),
        ], children: [SVGElement("title", text: label(i))])
    }

    /// Vertical ticks at censoring times, on the curve.
    private func censorMarks(_ i: Int, x: LinearScale, y: LinearScale) -> SVGElement? {
        let half = fontSize / 3
        var path = SVGPath()
        for step in curves[i].steps where step.censored > 0 {
            path.move(x(step.time), y(step.survival) - half)
            path.vertical(y(step.survival) + half)
        }
        guard !path.isEmpty else { return nil }
        return .path(path, [SVGAttribute("class", "censor-mark"), SVGAttribute("data-group", label(i)),
                            SVGAttribute("fill", "none"), SVGAttribute("stroke", SVGPalette.color(i)),
                            SVGAttribute("stroke-width", "1.5")])
    }

    /// The pointwise confidence band as filled step polygons, one per run of steps where both limits
    /// are defined (a limit R gives as NA, e.g. once S = 0, ends the run).
    private func band(_ i: Int, x: LinearScale, y: LinearScale) -> SVGElement? {
        let fit = curves[i]
        guard fit.confidenceType != .none else { return nil }
        // Knots: (time, lower, upper), the curve's value from this time to the next knot.
        let knots: [(time: Double, lower: Double?, upper: Double?)] =
            [(0, 1, 1)] + fit.steps.map { ($0.time, $0.lower, $0.upper) }
        var path = SVGPath()
        var start = 0
        while start < knots.count {
            guard knots[start].lower != nil, knots[start].upper != nil else { start += 1; continue }
            var end = start
            while end + 1 < knots.count, knots[end + 1].lower != nil, knots[end + 1].upper != nil { end += 1 }
            let stop = end + 1 < knots.count ? knots[end + 1].time : fit.lastTime
            if stop > knots[start].time || end > start {
                path.move(x(knots[start].time), y(knots[start].upper!))
                for k in stride(from: start + 1, through: end, by: 1) {
                    path.horizontal(x(knots[k].time)); path.vertical(y(knots[k].upper!))
                }
                path.horizontal(x(stop))
                path.vertical(y(knots[end].lower!))
                for k in stride(from: end, through: start + 1, by: -1) {
                    path.horizontal(x(knots[k].time)); path.vertical(y(knots[k - 1].lower!))
                }
                path.horizontal(x(knots[start].time))
                path.close()
            }
            start = end + 1
        }
        guard !path.isEmpty else { return nil }
        return .path(path, [SVGAttribute("class", "ci-band"), SVGAttribute("data-group", label(i)),
                            SVGAttribute("fill", SVGPalette.color(i)), SVGAttribute("fill-opacity", "0.15"),
                            SVGAttribute("stroke", "none")])
    }

    private func riskTableElement(labels: [String], times: [Double], x: LinearScale, top: Double, labelEnd: Double,
                                  rowHeight: Double) -> SVGElement {
        var children: [SVGElement] = [
            .text("Number at risk", x: x.rangeStart, y: top, [SVGAttribute("class", "risk-table-title"),
                                                      SVGAttribute("font-weight", "bold"),
                                                      SVGAttribute("fill", SVGPalette.muted)]),
        ]
        for (i, fit) in curves.enumerated() {
            let baseline = top + rowHeight * Double(i + 1)
            var cells: [SVGElement] = [
                .text(labels[i], x: labelEnd, y: baseline, anchor: .end,
                      [SVGAttribute("class", "risk-label"), SVGAttribute("fill", SVGPalette.color(i))]),
            ]
            for t in times {
                cells.append(.text(String(Self.atRisk(fit, at: t)), x: x(t), y: baseline, anchor: .middle,
                                   [SVGAttribute("class", "risk-cell")]))
            }
            children.append(.group(class: "risk-row", attributes: [SVGAttribute("data-group", labels[i])], children: cells))
        }
        return .group(class: "risk-table", children: children)
    }

    /// What the plot shows, in words, for `<desc>`.
    private func accessibleDescription(times: [Double]) -> String {
        let summaries = curves.indices.map { i -> String in
            let fit = curves[i]
            let median = fit.median.time.map { "median survival \(SVGNumber.format($0, decimals: 4))" } ?? "median not reached"
            return "\(label(i)) (n = \(fit.subjects), \(fit.eventCount) events, \(median))"
        }
        var text = "Kaplan–Meier curves of \(survivalLabel.lowercased()) against \(timeLabel.lowercased())"
        text += curves.count == 1 ? ": " : " for \(curves.count) groups: "
        text += summaries.joined(separator: "; ") + "."
        if showConfidenceBands, let first = curves.first {
            text += " Shaded bands: \(SurvivalNumberFormat.percent(first.level)) pointwise confidence intervals (\(first.confidenceType.rawValue))."
        }
        if showCensorMarks { text += " Vertical ticks mark censored observations." }
        text += " The number at risk is shown below the plot at times "
            + times.map { SVGNumber.format($0, decimals: 4) }.joined(separator: ", ") + "."
        return text
    }
}
