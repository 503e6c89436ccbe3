import Foundation

/// A legend: one row per series, a short line (or filled swatch) in the series' colour followed by
/// its label, in a `<g class="legend">`. Its size is estimated with `TextMetrics` so a plot can
/// reserve room for it.
public struct Legend: Sendable, Equatable {
    public struct Entry: Sendable, Equatable {
        public var label: String
        public var color: String
        /// Dash pattern of the line (`stroke-dasharray`), nil for solid.
        public var dash: String?

        public init(label: String, color: String, dash: String? = nil) {
            self.label = label
            self.color = color
            self.dash = dash
        }
    }

    public var entries: [Entry]
    /// An optional heading above the entries (e.g. the grouping variable).
    public var title: String?
    public var fontSize: Double
    public var swatchWidth: Double = 24
    public var rowHeight: Double { fontSize * 1.5 }

    public init(entries: [Entry], title: String? = nil, fontSize: Double = 12) {
        self.entries = entries
        self.title = title
        self.fontSize = fontSize
    }

    /// Estimated width.
    public var width: Double {
        let labels = entries.map { swatchWidth + 6 + TextMetrics.width($0.label, fontSize: fontSize) }
        let heading = title.map { TextMetrics.width($0, fontSize: fontSize) } ?? 0
        return max(labels.max() ?? 0, heading)
    }

    /// Height: one row per entry, plus the title row.
    public var height: Double { Double(entries.count + (title == nil ? 0 : 1)) * rowHeight }

    /// The legend with its top-left corner at (x, y).
    public func element(x: Double, y: Double) -> SVGElement {
        var children: [SVGElement] = []
        var top = y
        if let title {
            let heading = SVGElement.text(title, x: x, y: top + fontSize,
                                          [SVGAttribute("class", "legend-title"), SVGAttribute("font-weight", "bold")])
            children.append(heading)
            top += rowHeight
        }
        for entry in entries {
            let mid = top + rowHeight / 2
            var attrs = [SVGAttribute("stroke", entry.color), SVGAttribute("stroke-width", "2")]
            if let dash = entry.dash { attrs.append(SVGAttribute("stroke-dasharray", dash)) }
            let swatch = SVGElement.line(x1: x, y1: mid, x2: x + swatchWidth, y2: mid, attrs)
            let text = SVGElement.text(entry.label, x: x + swatchWidth + 6, y: mid + fontSize * 0.35)
            children.append(.group(class: "legend-entry", children: [swatch, text]))
            top += rowHeight
        }
        return .group(class: "legend", children: children)
    }
}
