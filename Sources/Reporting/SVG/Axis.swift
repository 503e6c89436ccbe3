import Foundation

/// A straight axis drawn from a `LinearScale`: the axis line over the scale's range, tick marks
/// with their labels, an optional axis title and optional light grid lines across the plot.
/// Everything is one `<g class="axis x-axis">` (or `y-axis`) so a plot can be inspected and styled.
public struct Axis: Sendable, Equatable {
    /// Which side of the plot area the axis sits on (labels go outside).
    public enum Orientation: Sendable, Equatable {
        case bottom
        case left
    }

    public var orientation: Orientation
    public var scale: LinearScale
    /// Tick values (in data units); those outside the domain are dropped.
    public var ticks: [Double]
    /// One label per tick.
    public var tickLabels: [String]
    /// The axis title (e.g. "Time (months)"); nil for none.
    public var label: String?
    public var fontSize: Double
    public var tickLength: Double
    /// When set, a grid line of this length is drawn from each tick across the plot area.
    public var gridLength: Double?

    /// An axis with about `tickCount` nice ticks of `scale` and labels in the step's decimals.
    public init(_ orientation: Orientation, scale: LinearScale, label: String? = nil, tickCount: Int = 5,
                fontSize: Double = 12, tickLength: Double = 5, gridLength: Double? = nil) {
        self.init(orientation, scale: scale, ticks: scale.ticks(count: tickCount),
                  tickLabels: scale.tickLabels(count: tickCount), label: label, fontSize: fontSize,
                  tickLength: tickLength, gridLength: gridLength)
    }

    /// An axis with the given ticks and labels (`tickLabels` padded or cut to the ticks' count).
    public init(_ orientation: Orientation, scale: LinearScale, ticks: [Double], tickLabels: [String],
                label: String? = nil, fontSize: Double = 12, tickLength: Double = 5, gridLength: Double? = nil) {
        self.orientation = orientation
        self.scale = scale
        self.ticks = ticks
        self.tickLabels = ticks.indices.map { $0 < tickLabels.count ? tickLabels[$0] : "" }
        self.label = label
        self.fontSize = fontSize
        self.tickLength = tickLength
        self.gridLength = gridLength
    }

    private var gap: Double { 3 }

    /// The space the tick labels take away from the axis line.
    private var tickLabelExtent: Double {
        switch orientation {
        case .bottom: return fontSize
        case .left: return tickLabels.map { TextMetrics.width($0, fontSize: fontSize) }.max() ?? 0
        }
    }

    /// How far the axis (ticks, tick labels and title) reaches out from its line, for layout.
    public var extent: Double {
        tickLength + gap + tickLabelExtent + (label == nil ? 0 : fontSize + 8)
    }

    private func inDomain(_ v: Double) -> Bool {
        let lo = min(scale.domainLower, scale.domainUpper), hi = max(scale.domainLower, scale.domainUpper)
        let slack = 1e-9 * max(1, hi - lo)
        return v >= lo - slack && v <= hi + slack
    }

    /// The axis drawn with its line at `position`: the y coordinate of a bottom axis, the x
    /// coordinate of a left axis.
    public func element(at position: Double) -> SVGElement {
        var grid: [SVGElement] = []
        var marks = SVGPath()
        var labels: [SVGElement] = []
        for (value, text) in zip(ticks, tickLabels) where inDomain(value) {
            let p = scale(value)
            switch orientation {
            case .bottom:
                marks.move(p, position); marks.vertical(position + tickLength)
                labels.append(.text(text, x: p, y: position + tickLength + gap + fontSize * 0.8, anchor: .middle,
                                    [SVGAttribute("class", "tick-label")]))
                if let gridLength { grid.append(.line(x1: p, y1: position, x2: p, y2: position - gridLength)) }
            case .left:
                marks.move(position, p); marks.horizontal(position - tickLength)
                labels.append(.text(text, x: position - tickLength - gap, y: p + fontSize * 0.35, anchor: .end,
                                    [SVGAttribute("class", "tick-label")]))
                if let gridLength { grid.append(.line(x1: position, y1: p, x2: position + gridLength, y2: p)) }
            }
        }
        var line = SVGPath()
        switch orientation {
        case .bottom: line.move(scale.rangeStart, position); line.horizontal(scale.rangeEnd)
        case .left: line.move(position, scale.rangeStart); line.vertical(scale.rangeEnd)
        }
        var children: [SVGElement] = []
        if !grid.isEmpty {
            children.append(.group(class: "grid", attributes: [SVGAttribute("stroke", "#e5e5e5"), SVGAttribute("stroke-width", "1")],
                                   children: grid))
        }
        children.append(.path(line, [SVGAttribute("class", "domain"), SVGAttribute("fill", "none"),
                                     SVGAttribute("stroke", SVGPalette.axis), SVGAttribute("stroke-width", "1")]))
        if !marks.isEmpty {
            children.append(.path(marks, [SVGAttribute("class", "ticks"), SVGAttribute("fill", "none"),
                                          SVGAttribute("stroke", SVGPalette.axis), SVGAttribute("stroke-width", "1")]))
        }
        children.append(.group(class: "tick-labels", attributes: [SVGAttribute("fill", SVGPalette.axis)], children: labels))
        if let label {
            let middle = (scale.rangeStart + scale.rangeEnd) / 2
            switch orientation {
            case .bottom:
                children.append(.text(label, x: middle, y: position + extent - 2, anchor: .middle,
                                      [SVGAttribute("class", "axis-label")]))
            case .left:
                let x = position - extent + fontSize
                children.append(.text(label, x: x, y: middle, anchor: .middle, [
                    SVGAttribute("class", "axis-label"),
                    SVGAttribute("transform", "rotate(-90 \(SVGNumber.format(x)) \(SVGNumber.format(middle)))"),
                ]))
            }
        }
        let name = orientation == .bottom ? "axis x-axis" : "axis y-axis"
        return .group(class: name, children: children)
    }
}
