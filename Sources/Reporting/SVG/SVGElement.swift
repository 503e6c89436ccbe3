import Foundation

/// One attribute of an SVG element; the value is escaped when rendered.
public struct SVGAttribute: Sendable, Equatable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }

    /// A numeric attribute, written by `SVGNumber.format`.
    public init(_ name: String, _ value: Double, decimals: Int = SVGNumber.defaultDecimals) {
        self.init(name, SVGNumber.format(value, decimals: decimals))
    }
}

/// A node of an SVG document: an element with ordered attributes, child elements and optional text
/// content. A value type built bottom-up by the plots and rendered once by `SVGDocument`; text and
/// attribute values are escaped on output, so any label (`<`, `&`, quotes) is safe.
///
/// Conventions shared by SurvMeta's plots: every visible word is a `<text>` element (searchable,
/// selectable, read by screen readers), never a path; parts of a plot are `<g>` groups with a
/// `class` naming them (`curve`, `axis x-axis`, `legend`, `risk-table`), so tests and style sheets
/// can find them.
public struct SVGElement: Sendable, Equatable {
    public var name: String
    public var attributes: [SVGAttribute]
    public var children: [SVGElement]
    /// Character content (for `<text>`, `<title>`, `<desc>`), escaped when rendered.
    public var text: String?

    public init(_ name: String, _ attributes: [SVGAttribute] = [], children: [SVGElement] = [], text: String? = nil) {
        self.name = name
        self.attributes = attributes
        self.children = children
        self.text = text
    }

    /// The value of an attribute, or nil.
    public func attribute(_ name: String) -> String? { attributes.first { $0.name == name }?.value }

    // MARK: Constructors

    /// `<g class="…">` holding `children`.
    public static func group(class className: String? = nil, attributes: [SVGAttribute] = [],
                             children: [SVGElement]) -> SVGElement {
        SVGElement("g", (className.map { [SVGAttribute("class", $0)] } ?? []) + attributes, children: children)
    }

    /// `<path d="…">`.
    public static func path(_ data: SVGPath, _ attributes: [SVGAttribute] = []) -> SVGElement {
        SVGElement("path", [SVGAttribute("d", data.description)] + attributes)
    }

    /// `<line>` from (x1, y1) to (x2, y2).
    public static func line(x1: Double, y1: Double, x2: Double, y2: Double, _ attributes: [SVGAttribute] = []) -> SVGElement {
        SVGElement("line", [SVGAttribute("x1", x1), SVGAttribute("y1", y1), SVGAttribute("x2", x2), SVGAttribute("y2", y2)] + attributes)
    }

    /// `<rect>` with its top-left corner at (x, y).
    public static func rect(x: Double, y: Double, width: Double, height: Double, _ attributes: [SVGAttribute] = []) -> SVGElement {
        SVGElement("rect", [SVGAttribute("x", x), SVGAttribute("y", y), SVGAttribute("width", max(0, width)),
                            SVGAttribute("height", max(0, height))] + attributes)
    }

    /// Where a text's anchor point lies along its line.
    public enum TextAnchor: String, Sendable {
        case start, middle, end
    }

    /// `<text>` anchored at (x, y) on its baseline.
    public static func text(_ content: String, x: Double, y: Double, anchor: TextAnchor = .start,
                            _ attributes: [SVGAttribute] = []) -> SVGElement {
        var attrs = [SVGAttribute("x", x), SVGAttribute("y", y)]
        if anchor != .start { attrs.append(SVGAttribute("text-anchor", anchor.rawValue)) }
        return SVGElement("text", attrs + attributes, text: content)
    }

    // MARK: Rendering

    /// The element as indented XML, `indent` levels of two spaces deep, ending in a line break.
    public func rendered(indent: Int = 0) -> String {
        var out = ""
        write(to: &out, indent: indent)
        return out
    }

    func write(to out: inout String, indent: Int) {
        let pad = String(repeating: "  ", count: indent)
        out += pad + "<" + name
        for a in attributes { out += " \(a.name)=\"\(SVGElement.escape(a.value, attribute: true))\"" }
        if children.isEmpty && text == nil {
            out += "/>\n"
            return
        }
        out += ">"
        if let text { out += SVGElement.escape(text, attribute: false) }
        if !children.isEmpty {
            out += "\n"
            for child in children { child.write(to: &out, indent: indent + 1) }
            out += pad
        }
        out += "</\(name)>\n"
    }

    /// XML escaping: `&`, `<`, `>` always; quotes in attribute values; control characters that XML
    /// 1.0 forbids are dropped (tab, line feed and carriage return are kept, as character
    /// references in attributes so they survive attribute normalisation).
    public static func escape(_ s: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(s.utf8.count)
        for scalar in s.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            case "'" where attribute: out += "&apos;"
            case "\t", "\n", "\r":
                if attribute { out += "&#\(scalar.value);" } else { out.unicodeScalars.append(scalar) }
            default:
                let v = scalar.value
                if v < 0x20 || v == 0xFFFE || v == 0xFFFF { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
