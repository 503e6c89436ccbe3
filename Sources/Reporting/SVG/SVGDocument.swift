import Foundation

/// A standalone SVG 1.1 document: a fixed-size canvas (`viewBox` 0 0 width height, so it scales
/// without distortion), an accessible name and description, and the drawing.
///
/// Accessibility (WAI-ARIA Graphics, SVG 1.1 §5.4): the root has `role="img"` and
/// `aria-labelledby` pointing at its `<title>` and `<desc>`, which are its first children, so
/// screen readers announce the plot's title and a text summary of what it shows.
public struct SVGDocument: Sendable, Equatable {
    public var width: Double
    public var height: Double
    /// The accessible name (`<title>`), also a tooltip in browsers.
    public var title: String
    /// The accessible description (`<desc>`): what the plot shows, in words.
    public var description: String
    /// The drawing, in painting order.
    public var elements: [SVGElement]
    /// The `id` prefix of `<title>` and `<desc>`, distinct per plot kind so several plots can be
    /// inlined in one HTML page.
    public var idPrefix: String
    /// Inherited presentation defaults on the root (font family and size).
    public var fontFamily: String
    public var fontSize: Double

    public init(width: Double, height: Double, title: String, description: String,
                elements: [SVGElement] = [], idPrefix: String = "plot",
                fontFamily: String = "Helvetica, Arial, sans-serif", fontSize: Double = 12) {
        self.width = width
        self.height = height
        self.title = title
        self.description = description
        self.elements = elements
        self.idPrefix = idPrefix
        self.fontFamily = fontFamily
        self.fontSize = fontSize
    }

    public mutating func append(_ element: SVGElement) { elements.append(element) }

    /// The root `<svg>` element with `<title>`, `<desc>` and the drawing.
    public var root: SVGElement {
        let titleID = "\(idPrefix)-title", descID = "\(idPrefix)-desc"
        return SVGElement("svg", [
            SVGAttribute("xmlns", "http://www.w3.org/2000/svg"),
            SVGAttribute("version", "1.1"),
            SVGAttribute("width", width),
            SVGAttribute("height", height),
            SVGAttribute("viewBox", "0 0 \(SVGNumber.format(width)) \(SVGNumber.format(height))"),
            SVGAttribute("role", "img"),
            SVGAttribute("aria-labelledby", "\(titleID) \(descID)"),
            SVGAttribute("font-family", fontFamily),
            SVGAttribute("font-size", fontSize),
        ], children: [
            SVGElement("title", [SVGAttribute("id", titleID)], text: title),
            SVGElement("desc", [SVGAttribute("id", descID)], text: description),
            SVGElement.rect(x: 0, y: 0, width: width, height: height, [SVGAttribute("fill", "#ffffff")]),
        ] + elements)
    }

    /// The document as UTF-8 XML text with an XML declaration.
    public func rendered() -> String {
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + root.rendered()
    }
}
