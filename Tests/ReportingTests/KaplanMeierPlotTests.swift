import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Reporting
import Survival
import Testing

/// The Kaplan–Meier SVG plot, on R's `aml` data (survival 3.5-3, `data(aml)`): structure,
/// accessibility, the curves' shape, the number-at-risk table against R, and rendering by
/// librsvg.
struct KaplanMeierPlotTests {
    /// R's `aml`: time, status, x (Maintained / Nonmaintained).
    static let aml = (
        times: [9.0, 13, 13, 18, 23, 28, 31, 34, 45, 48, 161, 5, 5, 8, 8, 12, 16, 23, 27, 30, 33, 43, 45],
        events: [1, 1, 0, 1, 1, 0, 1, 1, 0, 1, 0, 1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 1, 1],
        groups: Array(repeating: "Maintained", count: 11) + Array(repeating: "Nonmaintained", count: 12))

    static func fits() throws -> [KaplanMeierFit] {
        try KaplanMeier().fitGroups(SurvivalData(times: aml.times, events: aml.events, groups: aml.groups))
    }

    static func parsed(_ plot: KaplanMeierPlot) throws -> ParsedXMLElement {
        try #require(ParsedXMLElement.parse(plot.rendered()))
    }

    @Test func isWellFormedAndAccessible() throws {
        let root = try Self.parsed(KaplanMeierPlot(curves: Self.fits()))
        #expect(root.name == "svg" && root.attributes["viewBox"]?.hasPrefix("0 0 ") == true)
        #expect(root.children.prefix(2).map(\.name) == ["title", "desc"])
        #expect(root.children[0].text == "Kaplan–Meier estimate")
        let desc = root.children[1].text
        #expect(desc.contains("Maintained (n = 11, 7 events, median survival 31)"), "\(desc)")
        #expect(desc.contains("Nonmaintained (n = 12, 11 events, median survival 23)"), "\(desc)")
        #expect(desc.contains("number at risk"))
        #expect(root.attributes["aria-labelledby"] == "km-title km-desc")
    }

    /// One step curve per group, starting at S = 1 at time 0, with one vertical drop per distinct
    /// event time (R: 7 for Maintained, 9 for Nonmaintained).
    @Test func onePathPerGroup() throws {
        let root = try Self.parsed(KaplanMeierPlot(curves: Self.fits()))
        let curves = root.find("path", class: "curve")
        #expect(curves.map { $0.attributes["data-group"] ?? "" } == ["Maintained", "Nonmaintained"])
        let drops = curves.map { ($0.attributes["d"] ?? "").split(separator: " ").filter { $0.hasPrefix("V") }.count }
        #expect(drops == [7, 9])
        #expect(Set(curves.map { $0.attributes["stroke"] ?? "" }).count == 2, "distinct colours")
        // Both start at the same point (time 0, S = 1).
        let starts = curves.map { ($0.attributes["d"] ?? "").split(separator: " ").prefix(2).joined(separator: " ") }
        #expect(starts[0] == starts[1] && starts[0].hasPrefix("M"))
    }

    /// The number-at-risk table at the time ticks 0, 50, 100, 150, 200 matches
    /// `summary(survfit(Surv(time, status) ~ x, aml), times = c(0, 50, 100, 150, 200), extend = TRUE)$n.risk`:
    /// Maintained 11 1 1 1 0, Nonmaintained 12 0 0 0 0.
    @Test func riskTableMatchesR() throws {
        let plot = try KaplanMeierPlot(curves: Self.fits())
        #expect(plot.riskTimes == [0, 50, 100, 150, 200])
        #expect(plot.riskTable == [[11, 1, 1, 1, 0], [12, 0, 0, 0, 0]])
        let root = try Self.parsed(plot)
        let table = try #require(root.find("g", class: "risk-table").first)
        #expect(table.find("text", class: "risk-table-title").first?.text == "Number at risk")
        let rows = table.find("g", class: "risk-row")
        #expect(rows.count == 2)
        #expect(rows.map { $0.find("text", class: "risk-label").first?.text ?? "" } == ["Maintained", "Nonmaintained"])
        #expect(rows.map { $0.find("text", class: "risk-cell").map(\.text) } == [["11", "1", "1", "1", "0"], ["12", "0", "0", "0", "0"]])
        // The cells sit under the x-axis ticks.
        let tickX = root.find("g", class: "x-axis").first?.find("text", class: "tick-label").map { $0.attributes["x"] ?? "" }
        #expect(rows[0].find("text", class: "risk-cell").map { $0.attributes["x"] ?? "" } == tickX)
    }

    @Test func axesAreLabelled() throws {
        let plot = try KaplanMeierPlot(curves: Self.fits(), timeLabel: "Weeks", survivalLabel: "Probability of remission")
        let root = try Self.parsed(plot)
        let x = try #require(root.find("g", class: "x-axis").first)
        let y = try #require(root.find("g", class: "y-axis").first)
        #expect(x.find("text", class: "axis-label").first?.text == "Weeks")
        #expect(y.find("text", class: "axis-label").first?.text == "Probability of remission")
        #expect(x.find("text", class: "tick-label").map(\.text) == ["0", "50", "100", "150", "200"])
        #expect(y.find("text", class: "tick-label").map(\.text) == ["0.0", "0.2", "0.4", "0.6", "0.8", "1.0"])
        #expect(root.find("g", class: "legend-entry").count == 2)
    }

    /// Censoring ticks at each censoring time (R: Maintained 13, 28, 45, 161; Nonmaintained 16),
    /// bands only when asked, and none for conf.type "none".
    @Test func censorMarksAndBands() throws {
        let plain = try Self.parsed(KaplanMeierPlot(curves: Self.fits()))
        let marks = plain.find("path", class: "censor-mark")
        #expect(marks.map { ($0.attributes["d"] ?? "").split(separator: " ").filter { $0.hasPrefix("M") }.count } == [4, 1])
        #expect(plain.find("path", class: "ci-band").isEmpty)
        let banded = try Self.parsed(KaplanMeierPlot(curves: Self.fits(), showConfidenceBands: true))
        let bands = banded.find("path", class: "ci-band")
        #expect(bands.count == 2)
        // Nonmaintained reaches S = 0 at 45, where R's limits are NA: its band ends there.
        #expect(bands.allSatisfy { ($0.attributes["d"] ?? "").hasSuffix("Z") })
        let noCI = try KaplanMeier(confidenceType: .none).fitGroups(SurvivalData(times: Self.aml.times, events: Self.aml.events, groups: Self.aml.groups))
        #expect(try Self.parsed(KaplanMeierPlot(curves: noCI, showConfidenceBands: true)).find("path", class: "ci-band").isEmpty)
    }

    /// One pooled curve, labels needing escapes, and a curve with all times 0.
    @Test func edgeCases() throws {
        let pooled = try KaplanMeier().fit(times: Self.aml.times, events: Self.aml.events)
        let root = try Self.parsed(KaplanMeierPlot(curves: [pooled]))
        #expect(root.find("path", class: "curve").count == 1)
        #expect(root.find("g", class: "risk-row").first?.find("text", class: "risk-label").first?.text == "all")
        let odd = try KaplanMeier().fitGroups(SurvivalData(times: [1, 2, 3, 4], events: [1, 0, 1, 1], groups: ["a<b", "a<b", "C&D \"x\"", "C&D \"x\""]))
        let oddRoot = try Self.parsed(KaplanMeierPlot(curves: odd, title: "Arms <A> & <B>"))
        #expect(oddRoot.find("path", class: "curve").map { $0.attributes["data-group"] ?? "" } == ["C&D \"x\"", "a<b"])
        #expect(oddRoot.children[0].text == "Arms <A> & <B>")
        let zero = try KaplanMeier().fit(times: [0, 0], events: [1, 0])
        let zeroPlot = KaplanMeierPlot(curves: [zero])
        #expect(zeroPlot.riskTimes == [0, 0.2, 0.4, 0.6, 0.8, 1])
        let zeroRoot = try Self.parsed(zeroPlot)
        #expect(zeroRoot.find("path", class: "curve").count == 1)
        #expect(!zeroPlot.rendered().contains("nan") && !zeroPlot.rendered().contains("inf"))
    }

    /// librsvg renders the plot without error (skipped only where `rsvg-convert`, Debian's
    /// librsvg2-bin, is not installed; `make test` installs it).
    @Test(.enabled(if: Self.rsvgConvert != nil, "rsvg-convert (Debian package librsvg2-bin) is not installed; install it to run this test"))
    func rendersToPNG() throws {
        let tool = try #require(Self.rsvgConvert)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("km-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let svg = folder.appendingPathComponent("km.svg"), png = folder.appendingPathComponent("km.png")
        try KaplanMeierPlot(curves: Self.fits(), showConfidenceBands: true).rendered().write(to: svg, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = tool
        process.arguments = ["--format", "png", "--output", png.path, svg.path]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "rsvg-convert failed: \(message)")
        #expect(message.isEmpty, "rsvg-convert warned: \(message)")
        let data = try Data(contentsOf: png)
        #expect(data.prefix(8) == Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]), "not a PNG")
        #expect(data.count > 1000)
    }

    /// `rsvg-convert` on the PATH, if any.
    static let rsvgConvert: URL? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { URL(fileURLWithPath: String($0)).appendingPathComponent("rsvg-convert") }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()
}
