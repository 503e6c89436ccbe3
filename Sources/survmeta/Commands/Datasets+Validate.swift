import ArgumentParser
import OutcomeData
import Reporting

extension Datasets {
    /// `survmeta datasets validate [NAME]`: Table Schema and evidence rules; exit 1 on any violation.
    struct Validate: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check datasets against their Table Schemas and the evidence rules; print every violation (exit 1) or one OK line per dataset.",
            discussion: """
            Schema: header = the schema's fields in order; types (string, integer, number, year, boolean, date); \
            required, enum, minimum, maximum, pattern, unique; primary and foreign keys. Evidence rules: a DOI/PMID \
            or source URL and a location for every figure; CIs that contain their estimate, with ci_low < ci_high; \
            events ≤ n; landmark rates with time and time_unit, percentages in 0–100; hazard ratios in unit ratio; \
            rows pooled by default numeric, not doubtful (HRs with a CI, landmark rates with n); overlaps_with ids \
            that exist; and no two overlapping studies pooled by default in the same pooling set (treatment class, \
            endpoint with PFS/TTP as one, measure, landmark time in years, contrast or single-arm).

            Each violation is printed as file:line:column (column "name"): "value" problem; expected …
            """
        )

        @Argument(help: ArgumentHelp("A dataset name or folder; all datasets when omitted.", valueName: "name"))
        var name: String?

        @OptionGroup var catalogue: DatasetsOptions
        @OptionGroup var output: OutputOptions

        func run() throws {
            let results = try catalogue.folders(name).map(DatasetValidator.validate(folder:))
            let report = ValidationReport(datasets: results.map(ValidationReport.Dataset.init))
            try output.target.write(Datasets.render(output.format, json: report.json, table: report.table,
                                                    markdown: report.markdown, csv: report.csv))
            guard report.isValid else {
                let failing = results.filter { !$0.isValid }.map(\.dataset).joined(separator: ", ")
                throw CLIFailure.input("validation failed: \(report.violationCount) violation\(report.violationCount == 1 ? "" : "s") in \(failing)")
            }
        }
    }
}
