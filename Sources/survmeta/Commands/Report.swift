import ArgumentParser
import Foundation
import MetaAnalysis
import OutcomeData
import Reporting

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The evidence report: pooled landmark survival, medians and hazard ratios per therapy from the bundled datasets.",
        discussion: """
        Pools every figure marked pool_default = yes in each dataset (landmark rates on the --transform scale, \
        medians on log months, hazard ratios on log HR), lists every survival figure left out and why, prints the \
        tables and writes report.txt, report.md, report.json, excluded.csv and one forest-ready CSV per analysis \
        under RESULTS/<dataset>/.

        Example:
          survmeta report --datasets Datasets --results results --method REML
        """
    )

    @Option(help: ArgumentHelp("Catalogue folder holding the datasets.", valueName: "dir"))
    var datasets: String = "Datasets"

    @Option(help: ArgumentHelp("Only this dataset (folder name).", valueName: "name"))
    var dataset: String?

    @Option(help: ArgumentHelp("Folder for the result files ('-' writes none).", valueName: "dir"))
    var results: String = "results"

    @Option(help: "Scale for pooling landmark survival.")
    var transform: LandmarkTransform = .cloglog

    @Flag(name: .customLong("include-secondary"), help: "Also pool figures from secondary sources that do not overlap a pooled report (sensitivity analysis).")
    var includeSecondary = false

    @Option(help: ArgumentHelp("Print only this analysis (its slug, e.g. resection-os-5y).", valueName: "slug"))
    var only: String?

    @Option(help: ArgumentHelp("Print this analysis's figures as an input CSV for landmark, median or pool, and nothing else.", valueName: "slug"))
    var export: String?

    @OptionGroup var model: ModelOptions

    @Option(help: "What to print: table (text), md or json.")
    var format: OutputFormat = .table

    func run() throws {
        var folders = EvidenceBase.catalogue(datasets)
        if let dataset { folders = folders.filter { URL(fileURLWithPath: $0).lastPathComponent == dataset } }
        guard !folders.isEmpty else {
            throw CLIFailure.input("no dataset with a datapackage.json found under \(datasets)" + (dataset.map { " named \($0)" } ?? ""))
        }
        let analysis = EvidenceAnalysis(
            model: RandomEffectsModel(estimator: model.method, test: model.test, level: model.level, control: model.control),
            landmarkTransform: transform)
        var printed = ""
        for folder in folders {
            let base = try EvidenceBase.load(folder: folder)
            var sets = analysis.run(base, includeSecondary: includeSecondary)
            if let slug = export ?? only {
                sets = sets.filter { $0.set.slug == slug }
                guard !sets.isEmpty else {
                    let known = analysis.run(base, includeSecondary: includeSecondary).map(\.set.slug).joined(separator: ", ")
                    throw ValidationError("no analysis named \(slug); the analyses are: \(known)")
                }
                if export != nil {
                    printed += EvidenceReport.exportCSV(sets[0])
                    continue
                }
            }
            let method = "\(model.method.rawValue) random-effects (test \(model.test.rawValue), level \(model.level)); landmark survival pooled on the \(transform.rawValue) scale, medians on log months, hazard ratios on log HR" + (includeSecondary ? "; secondary-source figures included" : "")
            let curves = only == nil ? analysis.therapyCurves(base) : []
            let report = EvidenceReport(base: base, analyses: sets, excluded: base.excludedFigures(), methodDescription: method, curves: curves)
            switch format {
            case .json: printed += (RunContext.record.map { $0.splice(into: report.json().serialized() + "\n") } ?? report.json().serialized() + "\n")
            case .md: printed += report.markdown()
            case .table, .csv: printed += report.text()
            }
            if results != "-" && only == nil { try write(report, to: URL(fileURLWithPath: results).appendingPathComponent(base.name)) }
        }
        if only != nil, format == .table || format == .csv {
            // A single analysis: its block without the exclusions list of the whole report.
            printed = printed.components(separatedBy: "\n" + String(repeating: "=", count: 78) + "\nFigures not pooled").first ?? printed
        }
        FileHandle.standardOutput.write(Data(printed.utf8))
    }

    private func write(_ report: EvidenceReport, to folder: URL) throws {
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sets"), withIntermediateDirectories: true)
        try AtomicFile.write(Data(report.text().utf8), to: folder.appendingPathComponent("report.txt").path)
        try AtomicFile.write(Data(report.markdown().utf8), to: folder.appendingPathComponent("report.md").path)
        try AtomicFile.write(Data((report.json().serialized() + "\n").utf8), to: folder.appendingPathComponent("report.json").path)
        try AtomicFile.write(Data(report.excludedCSV().utf8), to: folder.appendingPathComponent("excluded.csv").path)
        for c in report.curves {
            guard let result = c.result else { continue }
            let slug = EvidenceReport.curveSlug(c)
            let csv = TextTable(header: ["time_years", "surv", "ci_low", "ci_high"],
                                rows: result.rows.map { [NumberFormat.full($0.time), NumberFormat.full($0.surv), NumberFormat.full($0.ciLow), NumberFormat.full($0.ciHigh)] }).csv()
            try AtomicFile.write(Data(csv.utf8), to: folder.appendingPathComponent("sets/\(slug).csv").path)
            let byStudy = Dictionary(grouping: c.rows, by: \.study)
            let plot = SummaryCurvePlot(pooled: result.rows, studies: byStudy.keys.sorted().map { k in (k, byStudy[k]!.map { ($0.time, $0.surv) }) },
                                        title: "\(c.therapy.rawValue): summary OS curve (approximate)", timeLabel: "Years")
            try AtomicFile.write(Data(plot.rendered().utf8), to: folder.appendingPathComponent("sets/\(slug).svg").path)
        }
        for a in report.analyses {
            guard let fit = a.fit else { continue }
            let pool = PoolReport(fit: fit, scale: EvidenceReport.scale(a.scale))
            try AtomicFile.write(Data(pool.csv().utf8), to: folder.appendingPathComponent("sets/\(a.set.slug).csv").path)
            let plot = ForestPlot(report: pool, title: a.set.title, level: model.level)
            try AtomicFile.write(Data(plot.rendered().utf8), to: folder.appendingPathComponent("sets/\(a.set.slug).svg").path)
        }
    }
}
