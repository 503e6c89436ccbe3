import ArgumentParser
import Foundation
import OutcomeData
import Reporting
import Survival

extension IPDReconstruction.Tail: ExpressibleByArgument {}

struct Reconstruct: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Reconstruct patient-level data from a digitized Kaplan–Meier curve and its number-at-risk table (Guyot et al. 2012, improved).",
        discussion: """
        --curve: time,survival clicks (0–1, or 0–100 with --percent); --risk-table: time,nrisk as printed under the \
        plot (or --patients N when there is none); --total-events when the paper prints it. Every repair of the \
        clicks (sorting, clipping, isotonic smoothing of rises, anchoring at (0, 1) …) is reported with its line; \
        nothing is deleted silently. The IPD (time,event[,arm]) goes to --output; the JSON summary \
        {n, events, repairs, max_abs_diff} to standard output with --format json.

        Example:
          survmeta reconstruct --curve pembro_clicks.csv --risk-table pembro_NAR.csv --arm pembro --output pembro_ipd.csv --format json
        """
    )

    @Option(help: ArgumentHelp("Digitized clicks (time,survival).", valueName: "file"))
    var curve: String

    @Option(name: .customLong("risk-table"), help: ArgumentHelp("Number-at-risk table (time,nrisk).", valueName: "file"))
    var riskTable: String?

    @Option(help: "Number of patients, when no risk table is printed.")
    var patients: Int?

    @Option(name: .customLong("total-events"), help: "Total number of events, when printed.")
    var totalEvents: Int?

    @Option(help: "Arm label written in an arm column.")
    var arm: String?

    @Flag(help: "Survival is on 0–100.")
    var percent = false

    @Option(help: "After the last click: censor-at-last-click (default) or extrapolate-censoring (assume no events).")
    var tail: IPDReconstruction.Tail = .censorAtLastClick

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if riskTable == nil && patients == nil { throw ValidationError("give --risk-table, or --patients when no risk table is printed") }
        if let patients, patients < 1 { throw ValidationError("--patients must be at least 1") }
        if let totalEvents, totalEvents < 0 { throw ValidationError("--total-events must be ≥ 0") }
    }

    func run() throws {
        let clicks = try DigitizedInput.curve(try CSVReader.read(path: curve), percent: percent)
        let engine = IPDReconstruction(tail: tail)
        let result: ReconstructedArm
        do {
            if let riskTable {
                let table = try DigitizedInput.riskTable(try CSVReader.read(path: riskTable))
                result = try engine.reconstruct(curve: clicks, riskTable: table, totalEvents: totalEvents, arm: arm)
            } else {
                result = try engine.reconstruct(curve: clicks, patients: patients!, totalEvents: totalEvents, arm: arm)
            }
        } catch let e as ReconstructionError {
            throw CLIFailure.input("cannot reconstruct from \(curve)\(riskTable.map { " and \($0)" } ?? ""): \(e.description)")
        }
        var ipd = arm == nil ? "time,event\n" : "time,event,arm\n"
        for (t, e) in zip(result.times, result.events) {
            ipd += NumberFormat.full(t) + "," + (e ? "1" : "0") + (arm.map { "," + CSVFormat.field($0) } ?? "") + "\n"
        }
        let r = result.report
        let summary: [(String, JSONValue)] = [
            ("n", .integer(r.patients)), ("events", .integer(r.events)), ("printed_total_events", .int(r.printedTotalEvents)),
            ("repairs", .array(r.repairs.map { .object([("kind", .string($0.kind.rawValue)), ("source", .string($0.source.rawValue)), ("rows", .array($0.rows.map(JSONValue.integer))), ("message", .string($0.description))]) })),
            ("max_abs_diff", .num(r.maxAbsDifference)), ("mean_abs_diff", .num(r.meanAbsDifference)),
            ("numbers_at_risk", .array(r.numbersAtRisk.map { .object([("row", .integer($0.row)), ("time", .num($0.time)), ("printed", .integer($0.printed)), ("reconstructed", .integer($0.reconstructed)), ("events", .integer($0.events)), ("censored", .integer($0.censored)), ("beyond_curve", .bool($0.beyondCurve))]) })),
        ]
        if let path = output.output, path != "-" {
            try AtomicFile.write(Data(ipd.utf8), to: path)
        }
        switch output.format {
        case .json:
            FileHandle.standardOutput.write(Data(((RunContext.record.map { $0.splice(into: JSONValue.object(summary).serialized() + "\n") }) ?? JSONValue.object(summary).serialized() + "\n").utf8))
        case .csv:
            if output.output == nil || output.output == "-" { FileHandle.standardOutput.write(Data(ipd.utf8)) }
        case .table, .md:
            var text = "Reconstructed \(r.patients) patients, \(r.events) events" + (r.printedTotalEvents.map { " (printed total \($0))" } ?? "") + "\n"
            text += String(format: "KM vs clicks: max |difference| %.4f, mean %.4f\n\n", r.maxAbsDifference, r.meanAbsDifference)
            text += TextTable(header: ["line", "time", "printed", "reconstructed", "events", "censored"],
                              rows: r.numbersAtRisk.map { [String($0.row), NumberFormat.fixed($0.time, 2), String($0.printed), String($0.reconstructed), String($0.events), String($0.censored)] }).plainText()
            if !r.repairs.isEmpty { text += "\nRepairs:\n" + r.repairs.map { "  - \($0.description)" }.joined(separator: "\n") + "\n" }
            FileHandle.standardOutput.write(Data(text.utf8))
        }
    }
}
