import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

struct Sensitivity: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run every τ² estimator × test × leave-one-out (× transform, for landmark data) and say whether the conclusion holds.",
        discussion: """
        Takes a study-level file (as `pool`) or a landmark file (a `surv` column, as `landmark`: then every transform \
        is tried too). Each cell is the fit `survmeta pool` (or `landmark`) runs with those options on those studies. \
        The table has one row per specification; the last line says whether the CI excludes the null in every cell \
        (or in none). --svg draws the specification curve.

        Example:
          survmeta sensitivity trials.csv --format csv --output grid.csv --svg grid.svg
        """
    )

    @Argument(help: ArgumentHelp("Study-level or landmark CSV ('-' reads standard input).", valueName: "file"))
    var file: String

    @Option(help: "Confidence level.")
    var level: Double = 0.95

    @Flag(name: .customLong("no-leave-one-out"), help: "Only the full data, no leave-one-out cells.")
    var noLeaveOneOut = false

    @Flag(help: "Landmark survival and CI are percentages (0–100).")
    var percent = false

    @OptionGroup var output: OutputOptions

    @OptionGroup var plot: PlotOptions

    func validate() throws {
        guard level > 0 && level < 1 else { throw ValidationError("--level must lie strictly between 0 and 1") }
    }

    func run() throws {
        let table = try CSVReader.read(path: file)
        let scales: [(name: String, studies: [StudyEffect])]
        let scale: AnalysisScale
        var null: Double? = 0
        if table.hasColumn("surv") {
            let landmark = try LandmarkTable.load(table, percent: percent)
            scales = try LandmarkTransform.allCases.map { t in (t.rawValue, try landmark.effects(transform: t).map(\.effect)) }
            scale = .landmark(.cloglog, harmonicMeanN: nil)
            null = nil
        } else {
            let studies = try StudyTable.load(table)
            let hr = studies.records.allSatisfy { $0.converted.conversion != .yiVi && $0.converted.conversion != .yiSei }
            scales = [(hr ? "HR" : "GEN", studies.effects)]
            scale = .measure(hr ? .HR : .GEN, harmonicMeanN: nil)
        }
        let bar = ProgressBar("sensitivity")
        let cells = SensitivityGrid(scales: scales, leaveOneOut: !noLeaveOneOut, level: level).run { bar.update($0, $1) }
        let verdict = GridVerdict(cells, null: null)
        try output.target.write(render(cells, verdict, scale: scale))
        let isHR = scale == .measure(.HR, harmonicMeanN: nil)
        let landmark = null == nil
        try plot.write(SpecificationCurve(cells: cells, title: "Specification curve: \(URL(fileURLWithPath: file).lastPathComponent)",
                                          back: { [scale] x in landmark ? x : scale.back(x) },
                                          axisLabel: landmark ? "Estimate (each transform's scale)" : (isHR ? "Hazard ratio" : "Estimate"),
                                          logAxis: isHR, null: landmark ? nil : (isHR ? 1 : 0)).rendered())
    }

    func verdictLine(_ v: GridVerdict, null: Bool) -> String {
        guard null else {
            return "Conclusion: \(v.fitted) specifications fitted (\(v.failed) failed); estimates range \(v.estimateRange.map { String(format: "%.4g to %.4g", $0.lowerBound, $0.upperBound) } ?? "NA") on their scales."
        }
        let verb = v.holds ? "holds" : "does not hold"
        return "Conclusion \(verb) across the grid: the CI excludes the null in \(v.excludingNull) of \(v.fitted) specifications" + (v.failed > 0 ? " (\(v.failed) failed to fit)." : ".")
    }

    func render(_ cells: [GridCell], _ v: GridVerdict, scale: AnalysisScale) -> String {
        let hasNull = !(scale.name == "cloglog")
        let header = ["scale", "method", "test", "left_out", "k", "estimate", "se", "ci_low", "ci_high", "p", "tau2", "i2",
                      "estimate_bt", "ci_low_bt", "ci_high_bt", "excludes_null", "error"]
        let rows: [[String]] = cells.map { c in
            let transform = LandmarkTransform(rawValue: c.scale)
            let sc: AnalysisScale = transform.map { .landmark($0, harmonicMeanN: nil) } ?? scale
            guard let f = c.fit else {
                return [c.scale, c.estimator.rawValue, c.test.rawValue, c.leftOut ?? "", "", "", "", "", "", "", "", "", "", "", "", "", c.error ?? ""]
            }
            let (lo, hi) = sc.backInterval(f.pooled.ciLow, f.pooled.ciHigh)
            let excludes = hasNull ? String(f.pooled.ciLow > 0 || f.pooled.ciHigh < 0) : "NA"
            return [c.scale, c.estimator.rawValue, c.test.rawValue, c.leftOut ?? "", String(f.model.k), NumberFormat.full(f.estimate),
                    NumberFormat.full(f.standardError), NumberFormat.full(f.pooled.ciLow), NumberFormat.full(f.pooled.ciHigh),
                    NumberFormat.full(f.pooled.pValue), NumberFormat.full(f.model.tau2), NumberFormat.full(f.model.i2),
                    NumberFormat.full(sc.back(f.estimate)), NumberFormat.full(lo), NumberFormat.full(hi), excludes, ""]
        }
        let table = TextTable(header: header, rows: rows)
        let line = verdictLine(v, null: hasNull)
        switch output.format {
        case .csv: return table.csv()
        case .md: return table.markdown() + "\n" + line + "\n"
        case .table:
            let short = TextTable(header: ["scale", "method", "test", "left_out", "k", "estimate", "ci_low", "ci_high", "excludes_null"],
                                  rows: rows.map { [$0[0], $0[1], $0[2], $0[3], $0[4], $0[12].isEmpty ? "NA" : String(format: "%.4f", Double($0[12]) ?? .nan),
                                                    $0[13].isEmpty ? "NA" : String(format: "%.4f", Double($0[13]) ?? .nan),
                                                    $0[14].isEmpty ? "NA" : String(format: "%.4f", Double($0[14]) ?? .nan), $0[15]] })
            return short.plainText() + "\n" + line + "\n"
        case .json:
            let items: [JSONValue] = rows.map { r in .object(zip(header, r).map { k, v in (k, (Double(v).map { JSONValue.number($0) }) ?? (v.isEmpty || v == "NA" ? .null : .string(v))) }) }
            return JSONValue.object([("cells", .array(items)), ("fitted", .integer(v.fitted)), ("failed", .integer(v.failed)),
                                     ("excluding_null", .integer(v.excludingNull)), ("holds", .bool(v.holds)), ("conclusion", .string(line))]).serialized() + "\n"
        }
    }
}
