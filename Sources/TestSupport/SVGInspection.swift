import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// A parsed SVG (or any XML) document, for structural tests of plots: element counts by name and
/// class, and the text content — parsed with Foundation's `XMLParser`, so malformed XML fails.
public final class XMLInspection: NSObject, XMLParserDelegate {
    public private(set) var elements: [(name: String, attributes: [String: String])] = []
    public private(set) var texts: [String] = []
    public private(set) var parseError: Error?
    private var currentText = ""

    public init(_ xml: String) {
        super.init()
        let parser = XMLParser(data: Data(xml.utf8))
        parser.delegate = self
        if !parser.parse() { parseError = parser.parserError ?? NSError(domain: "XML", code: 1) }
    }

    public var isWellFormed: Bool { parseError == nil }

    public func count(_ name: String, class className: String? = nil) -> Int {
        elements.filter { $0.name == name && (className == nil || ($0.attributes["class"] ?? "").split(separator: " ").contains(Substring(className!))) }.count
    }

    public func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                       qualifiedName qName: String?, attributes attributeDict: [String: String] = [:]) {
        elements.append((elementName, attributeDict))
        currentText = ""
    }

    public func parser(_ parser: XMLParser, foundCharacters string: String) { currentText += string }

    public func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?, qualifiedName qName: String?) {
        let t = currentText.trimmingCharacters(in: .whitespacesAndNewlines)
        if !t.isEmpty { texts.append(t) }
        currentText = ""
    }
}

/// Renders SVG text to PNG with `rsvg-convert` (Debian's librsvg2-bin); nil when it is not installed.
/// Returns the PNG's size in bytes, or throws with rsvg-convert's message when it fails.
public func renderSVGToPNG(_ svg: String) throws -> Int? {
    let candidates = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"]
    guard let tool = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("svg-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let input = dir.appendingPathComponent("plot.svg"), output = dir.appendingPathComponent("plot.png")
    try svg.write(to: input, atomically: true, encoding: .utf8)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = [input.path, "-o", output.path]
    let err = Pipe()
    p.standardError = err
    try p.run()
    p.waitUntilExit()
    let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    guard p.terminationStatus == 0 else { throw RenderError(message: message) }
    return (try? Data(contentsOf: output))?.count ?? 0
}

public struct RenderError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { "rsvg-convert failed: \(message)" }
}
