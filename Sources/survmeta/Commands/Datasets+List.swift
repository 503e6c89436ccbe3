import ArgumentParser
import OutcomeData
import Reporting

extension Datasets {
    /// `survmeta datasets list`: one line per dataset.
    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "One line per dataset: studies, outcome rows, rows per verification status, rows pooled by default, title."
        )

        @OptionGroup var catalogue: DatasetsOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let entries = try catalogue.allFolders().map { folder -> CatalogueListReport.Entry in
                let dataset = try CatalogueDataset.open(folder: folder)
                let summary = DatasetSummary(name: dataset.name, package: dataset.package, tables: try dataset.evidenceTables())
                return CatalogueListReport.Entry(summary)
            }
            let report = CatalogueListReport(entries: entries)
            try output.target.write(Datasets.render(output.format, json: report.json, table: report.table,
                                                    markdown: report.markdown, csv: report.csv))
        }
    }
}
