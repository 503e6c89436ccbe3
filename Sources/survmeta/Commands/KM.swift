import ArgumentParser
import Foundation
import OutcomeData
import Reporting
import Survival

extension SurvivalConfidenceType: ExpressibleByArgument {}

struct KM: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "km",
        abstract: "Kaplan–Meier curves from patient-level data: survival at chosen times, median, RMST, and an SVG plot.",
        discussion: """
        Input rows: time,event (1 = event, 0 = censored) plus, with --by, a group column (e.g. arm). \
        As R's survfit: 'se' is the standard error of the survival probability S (Greenwood), not of \
        log S; intervals are pointwise (--conf-type, default log). --times reads the curves at those \
        times (summary(fit, times, extend = TRUE): past the last follow-up the last value is carried \
        forward, with nrisk 0); without --times every step is listed. The median and its interval \
        follow print(fit). RMST is the area under the curve up to --tau (past the last follow-up the \
        curve is carried forward: print(fit, rmean = tau)); without --tau, R's rmean = "common": \
        the largest follow-up time of all curves.

        --format csv writes the tidy curve (group,time,surv,se,ci_low,ci_high,nrisk,n_event,n_censor), \
        starting at time 0, ready to plot. --svg also writes the plot with its number-at-risk table.

        Example:
          survmeta km trial.csv --by arm --times 12,24,36 --format json --svg km.svg
        """
    )

    @Argument(help: ArgumentHelp("Patient-level CSV with time,event[,group] ('-' reads standard input).", valueName: "file"))
    var file: String

    @Option(help: ArgumentHelp("Column of group labels: one curve per group, in sorted order. Without it, one curve for everyone.",
                               valueName: "column"))
    var by: String?

    @Option(help: ArgumentHelp("Times at which to read the curves, comma separated (e.g. 12,24,36).", valueName: "t1,t2,…"),
            transform: { try KM.parseTimes($0) })
    var times: [Double]?

    @Option(help: ArgumentHelp("Truncation time τ of the restricted mean survival time (default: the largest follow-up time).",
                               valueName: "T"))
    var tau: Double?

    @Option(name: .customLong("conf-type"), help: "Pointwise confidence interval of S (as survfit's conf.type).")
    var confidenceType: SurvivalConfidenceType = .log

    @Option(help: "Confidence level, e.g. 0.95.")
    var level: Double = 0.95

    @Option(help: ArgumentHelp("Also write the Kaplan–Meier plot with its number-at-risk table to this SVG file (atomically).",
                               valueName: "file"))
    var svg: String?

    @Option(name: .customLong("svg-title"), help: ArgumentHelp("Title of the SVG plot.", valueName: "text"))
    var svgTitle: String = "Kaplan–Meier estimate"

    @Option(name: .customLong("time-label"), help: ArgumentHelp("Time-axis label of the SVG plot, e.g. \"Months\".", valueName: "text"))
    var timeLabel: String = "Time"

    @Flag(name: .customLong("svg-ci"), help: "Shade the pointwise confidence intervals in the SVG plot.")
    var svgConfidenceBands = false

    @OptionGroup var output: OutputOptions

    func validate() throws {
        guard level > 0 && level < 1 else { throw ValidationError("--level must lie strictly between 0 and 1 (got \(level))") }
        if let tau { guard tau.isFinite && tau > 0 else { throw ValidationError("--tau must be a number > 0 (got \(tau))") } }
        if let svg, svg.isEmpty || svg == "-" { throw ValidationError("--svg needs a file name") }
    }

    func run() throws {
        let ipd = try IPDTable.load(try CSVReader.read(path: file), group: by)
        let fits = try KaplanMeier(confidenceType: confidenceType, level: level).fitGroups(ipd.data)
        let report = try KaplanMeierReport(fits: fits, times: times, tau: tau, groupColumn: ipd.groupColumn)
        let text = render(report)
        if let svg {
            let plot = KaplanMeierPlot(curves: fits, title: svgTitle, timeLabel: timeLabel,
                                       showConfidenceBands: svgConfidenceBands)
            try AtomicFile.write(Data(plot.rendered().utf8), to: svg)
        }
        try output.target.write(text)
    }

    private func render(_ report: KaplanMeierReport) -> String {
        switch output.format {
        case .json: return JSONValue.object(report.json()).serialized() + "\n"
        case .table: return report.table()
        case .md: return report.markdown()
        case .csv: return report.csv()
        }
    }

    /// `12,24,36` → [12, 24, 36]; each a finite number ≥ 0 (a usage error otherwise).
    static func parseTimes(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard !parts.isEmpty, !text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--times needs at least one time, e.g. --times 12,24,36")
        }
        return try parts.map { part in
            guard let t = Double(part), t.isFinite, t >= 0 else {
                throw ValidationError("--times: \"\(part)\" is not a time ≥ 0; write times separated by commas, e.g. 12,24,36")
            }
            return t
        }
    }
}
