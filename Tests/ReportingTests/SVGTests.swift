import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Reporting
import Testing

/// An element of a parsed XML document (for checking SVG output with Foundation's XMLParser).
/// Shared by SVGTests and KaplanMeierPlotTests.
final class ParsedXMLElement {
    let name: String
    let attributes: [String: String]
    var children: [ParsedXMLElement] = []
    var text = ""

    init(name: String, attributes: [String: String]) {
        self.name = name
        self.attributes = attributes
    }

    /// This node and all its descendants, in document order.
    var all: [ParsedXMLElement] { [self] + children.flatMap(\.all) }

    /// Descendants (and self) with this element name and, if given, a class containing `className`.
    func find(_ name: String, class className: String? = nil) -> [ParsedXMLElement] {
        all.filter { node in
            node.name == name && (className.map { c in (node.attributes["class"] ?? "").split(separator: " ").contains(Substring(c)) } ?? true)
        }
    }

    /// Parses `text`; nil (with the parser's error recorded) when it is not well-formed XML.
    static func parse(_ text: String) -> ParsedXMLElement? {
        let builder = Builder()
        let parser = XMLParser(data: Data(text.utf8))
        parser.delegate = builder
        guard parser.parse(), let root = builder.root else {
            Issue.record("not well-formed XML: \(String(describing: parser.parserError)) at line \(parser.lineNumber)")
            return nil
        }
        return root
    }

    private final class Builder: NSObject, XMLParserDelegate {
        var root: ParsedXMLElement?
        var stack: [ParsedXMLElement] = []

        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) {
            let node = ParsedXMLElement(name: name, attributes: attributes)
            if let parent = stack.last { parent.children.append(node) } else { root = node }
            stack.append(node)
        }

        func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
            stack.removeLast()
        }

        func parser(_ parser: XMLParser, foundCharacters string: String) {
            stack.last?.text += string
        }
    }
}

/// The generic SVG pieces: number formatting, escaping, path data, nice ticks, scales, axes,
/// legend and the document frame.
struct SVGTests {
    @Test(arguments: [
        (12.5, 2, "12.5"), (3.0, 2, "3"), (-0.0001, 2, "0"), (-0.25, 2, "-0.25"), (1.0 / 3, 2, "0.33"),
        (2.675, 1, "2.7"), (1e6, 2, "1000000"), (123.456, 0, "123"), (Double.nan, 2, "0"), (Double.infinity, 2, "0"),
    ])
    func numbersHaveFixedDecimals(_ x: Double, _ decimals: Int, _ expected: String) {
        #expect(SVGNumber.format(x, decimals: decimals) == expected)
    }

    @Test func textAndAttributesAreEscaped() throws {
        #expect(SVGElement.escape("a<b & \"c\" 'd'>", attribute: true) == "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;")
        #expect(SVGElement.escape("a<b & \"c\"", attribute: false) == "a&lt;b &amp; \"c\"")
        #expect(SVGElement.escape("bell\u{7}tab\t", attribute: false) == "belltab\t", "XML 1.0 forbids C0 controls but tab")
        let label = "A<&>\"B'"
        let doc = SVGDocument(width: 10, height: 10, title: label, description: "d & e",
                              elements: [.text(label, x: 1, y: 2, [SVGAttribute("data-group", label)])])
        let root = try #require(ParsedXMLElement.parse(doc.rendered()))
        #expect(root.find("title").first?.text == label)
        #expect(root.find("text").first?.text == label)
        #expect(root.find("text").first?.attributes["data-group"] == label)
    }

    /// The frame: XML declaration, viewBox, role and aria-labelledby, <title> and <desc> first.
    @Test func documentFrameIsAccessible() throws {
        let doc = SVGDocument(width: 320.5, height: 200, title: "A plot", description: "What it shows", idPrefix: "demo")
        let text = doc.rendered()
        #expect(text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\""))
        let root = try #require(ParsedXMLElement.parse(text))
        #expect(root.name == "svg")
        #expect(root.attributes["viewBox"] == "0 0 320.5 200")
        #expect(root.attributes["role"] == "img" && root.attributes["aria-labelledby"] == "demo-title demo-desc")
        #expect(root.children.prefix(2).map(\.name) == ["title", "desc"])
        #expect(root.children[0].attributes["id"] == "demo-title" && root.children[0].text == "A plot")
        #expect(root.children[1].attributes["id"] == "demo-desc" && root.children[1].text == "What it shows")
    }

    @Test func pathDataDropsUndefinedPoints() {
        var p = SVGPath()
        p.move(0, 1)
        p.horizontal(10.456)
        p.vertical(.nan)       // dropped, and the subpath with it
        p.horizontal(20)
        p.move(5, 5)
        p.line(6, 7.001)
        p.close()
        #expect(p.description == "M0 1 H10.46 M5 5 L6 7 Z")
    }

    /// Heckbert's nice steps: 1, 2 or 5 × 10ᵏ.
    @Test(arguments: [(161.0, 6, 20.0), (1.0, 5, 0.2), (1000.0, 5, 200.0), (0.07, 5, 0.01), (45.0, 6, 10.0), (7.0, 6, 1.0)])
    func niceSteps(_ span: Double, _ count: Int, _ step: Double) {
        #expect(NiceTicks.step(span: span, count: count) == step)
    }

    @Test func niceTickValuesAreRoundedMultiples() {
        #expect(NiceTicks.values(from: 0, to: 1, count: 5) == [0, 0.2, 0.4, 0.6, 0.8, 1])
        #expect(NiceTicks.values(from: 0.05, to: 0.35, step: 0.1) == [0.1, 0.2, 0.3])
        #expect(NiceTicks.values(from: -10, to: 10, step: 5) == [-10, -5, 0, 5, 10])
        #expect(NiceTicks.values(from: 1, to: 0, step: 0.1).isEmpty)
        #expect(NiceTicks.decimals(for: 0.25) == 2 && NiceTicks.decimals(for: 50) == 0 && NiceTicks.decimals(for: 0.1) == 1)
        #expect(NiceTicks.label(0.6000000000000001, step: 0.2) == "0.6")
        #expect(NiceTicks.label(-0.0, step: 0.5) == "0.0")
    }

    @Test func linearScaleMapsAndNices() {
        let y = LinearScale(domain: (0, 1), range: (400, 40))
        #expect(y(0) == 400 && y(1) == 40 && y(0.5) == 220)
        // 0…161 with about 6 ticks: step 20 → [0, 180], then 180/6 → step 50 → [0, 200], stable.
        let x = LinearScale(domain: (0, 161), range: (0, 500)).niced(count: 6)
        #expect(x.domainLower == 0 && x.domainUpper == 200)
        #expect(x.ticks(count: 6) == [0, 50, 100, 150, 200])
        #expect(x.tickLabels(count: 6) == ["0", "50", "100", "150", "200"])
        let point = LinearScale(domain: (0, 0), range: (0, 100))
        #expect(point(0) == 50, "a one-point domain maps to the middle")
        #expect(point.niced().domainUpper == 1)
        #expect(LinearScale(domain: (0, 1), range: (0, 1)).niced(count: 5).domainUpper == 1, "already nice")
    }

    @Test func axisHasLineTicksLabelsAndTitle() throws {
        let scale = LinearScale(domain: (0, 1), range: (300, 20))
        let axis = Axis(.left, scale: scale, label: "Survival", tickCount: 5, gridLength: 200)
        let doc = SVGDocument(width: 400, height: 400, title: "t", description: "d", elements: [axis.element(at: 60)])
        let root = try #require(ParsedXMLElement.parse(doc.rendered()))
        let group = try #require(root.find("g", class: "y-axis").first)
        #expect(group.find("text", class: "tick-label").map(\.text) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(group.find("text", class: "axis-label").first?.text == "Survival")
        #expect(group.find("text", class: "axis-label").first?.attributes["transform"]?.hasPrefix("rotate(-90") == true)
        #expect(group.find("line").count == 6, "one grid line per tick")
        #expect(group.find("path", class: "domain").first?.attributes["d"] == "M60 300 V20")
        #expect(axis.extent > 5 + TextMetrics.width("0.0", fontSize: 12))
    }

    @Test func legendRowsAndSize() throws {
        let legend = Legend(entries: [Legend.Entry(label: "Control", color: SVGPalette.color(0)),
                                      Legend.Entry(label: "Treatment arm", color: SVGPalette.color(1), dash: "4 2")],
                            title: "arm")
        #expect(legend.height == 3 * 18)
        #expect(legend.width == 24 + 6 + TextMetrics.width("Treatment arm", fontSize: 12))
        let doc = SVGDocument(width: 200, height: 100, title: "t", description: "d", elements: [legend.element(x: 5, y: 5)])
        let root = try #require(ParsedXMLElement.parse(doc.rendered()))
        let entries = root.find("g", class: "legend-entry")
        #expect(entries.map { $0.find("text").first?.text ?? "" } == ["Control", "Treatment arm"])
        #expect(entries[1].find("line").first?.attributes["stroke-dasharray"] == "4 2")
        #expect(root.find("text", class: "legend-title").first?.text == "arm")
    }

    @Test func paletteCycles() {
        #expect(SVGPalette.color(0) == "#0072B2")
        #expect(SVGPalette.color(SVGPalette.categorical.count) == SVGPalette.color(0))
        #expect(Set(SVGPalette.categorical).count == SVGPalette.categorical.count)
    }
}
