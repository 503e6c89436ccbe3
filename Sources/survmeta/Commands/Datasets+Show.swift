import ArgumentParser
import Foundation
import OutcomeData
import Reporting

extension Datasets {
    /// `survmeta datasets show ID`: a dataset summary, or a study with all its figures.
    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a dataset (modalities, endpoints, default pooling sets) or a study (publication, every figure with its source and verification).",
            discussion: """
            ID is a dataset name (a folder under --datasets) or a study_id of any dataset.

            Examples:
              survmeta datasets show net-liver-metastases
              survmeta datasets show caplin2014_clarinet --format csv
            """
        )

        @Argument(help: ArgumentHelp("A dataset name or a study_id.", valueName: "id"))
        var id: String

        @OptionGroup var catalogue: DatasetsOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let folders = try catalogue.allFolders()
            if let folder = folders.first(where: { URL(fileURLWithPath: $0).lastPathComponent == id }) {
                let dataset = try CatalogueDataset.open(folder: folder)
                let report = DatasetSummaryReport(DatasetSummary(name: dataset.name, package: dataset.package, tables: try dataset.evidenceTables()))
                return try output.target.write(Datasets.render(output.format, json: report.json, table: report.table,
                                                               markdown: report.markdown, csv: report.csv))
            }
            var outcomeOf: String?
            for folder in folders {
                let dataset = try CatalogueDataset.open(folder: folder)
                let tables = try dataset.evidenceTables()
                if let row = tables.studyRows[id] {
                    let report = studyReport(dataset, tables, row)
                    return try output.target.write(Datasets.render(output.format, json: report.json, table: report.table,
                                                                   markdown: report.markdown, csv: report.csv))
                }
                if outcomeOf == nil, let row = tables.outcomes.rows.first(where: { tables.outcome($0, "outcome_id") == id }) {
                    outcomeOf = tables.outcome(row, "study_id")
                }
            }
            let names = folders.map { URL(fileURLWithPath: $0).lastPathComponent }.joined(separator: ", ")
            if let study = outcomeOf {
                throw CLIFailure.usage("\"\(id)\" is an outcome_id of study \(study): run survmeta datasets show \(study)")
            }
            throw CLIFailure.usage("no dataset or study_id \"\(id)\" under \(catalogue.root); the datasets are: \(names)")
        }

        private func studyReport(_ dataset: CatalogueDataset, _ t: EvidenceTables, _ row: CSVRow) -> StudyReport {
            func fields(_ table: CSVTable, _ row: CSVRow, _ resource: String, _ missing: [String]) -> [StudyReport.Field] {
                let schema = dataset.package.resource(resource)?.schema
                return EvidenceTables.fields(table, row, missing: missing).map { name, text in
                    let kind: StudyReport.Field.Kind
                    switch schema?.field(name)?.type {
                    case .integer?, .year?: kind = .integer
                    case .number?: kind = .number
                    default: kind = .text
                    }
                    return StudyReport.Field(name: name, text: text, kind: kind)
                }
            }
            return StudyReport(
                dataset: dataset.name, studyID: id,
                publication: fields(t.studies, row, CatalogueDataset.studiesResource, t.studiesMissingValues),
                outcomes: t.outcomeRows(of: id).map { fields(t.outcomes, $0, CatalogueDataset.outcomesResource, t.outcomesMissingValues) })
        }
    }
}
