import ArgumentParser
import Foundation
import OutcomeData
import Reporting

/// `survmeta datasets …`: the bundled evidence bases (`Datasets/<name>/`, Frictionless data packages).
struct Datasets: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "datasets",
        abstract: "The bundled evidence bases: list them, show a dataset or a study, validate them, cite their publications.",
        discussion: """
        A dataset is a folder under --datasets (default Datasets) holding datapackage.json, studies.csv and \
        outcomes.csv (see Datasets/net-liver-metastases/README.md).

        Examples:
          survmeta datasets list
          survmeta datasets show net-liver-metastases
          survmeta datasets show mayo2010 --format json
          survmeta datasets validate
          survmeta datasets cite net-liver-metastases --ris --output refs.ris
        """,
        subcommands: [List.self, Show.self, Validate.self, Cite.self]
    )
}

/// `--datasets DIR`, shared by the `datasets` subcommands, and how a dataset name is resolved.
struct DatasetsOptions: ParsableArguments {
    @Option(name: .customLong("datasets"), help: ArgumentHelp("Folder holding one sub-folder per dataset.", valueName: "dir"))
    var root: String = "Datasets"

    /// Every dataset folder under the root (exit 1 when the root is not a folder or holds none).
    func allFolders() throws -> [String] {
        let folders = try CatalogueDataset.folders(in: root)
        guard !folders.isEmpty else {
            throw CLIFailure.input("no dataset under \(root): expected sub-folders holding a datapackage.json")
        }
        return folders
    }

    /// The folder of dataset `name`: `<root>/<name>`, or `name` itself when it is a dataset folder
    /// (a path). An unknown name is a usage error (exit 2) listing the datasets there are.
    func folder(named name: String) throws -> String {
        let fm = FileManager.default
        let inRoot = root.hasSuffix("/") ? root + name : root + "/" + name
        if fm.fileExists(atPath: inRoot + "/datapackage.json") { return inRoot }
        if fm.fileExists(atPath: name + "/datapackage.json") { return name }
        let known = ((try? CatalogueDataset.folders(in: root)) ?? []).map { URL(fileURLWithPath: $0).lastPathComponent }
        throw CLIFailure.usage("no dataset named \"\(name)\" under \(root)"
            + (known.isEmpty ? "" : "; the datasets are: " + known.joined(separator: ", ")))
    }

    /// The named dataset's folder, or every dataset's when `name` is nil.
    func folders(_ name: String?) throws -> [String] {
        try name.map { [try folder(named: $0)] } ?? allFolders()
    }
}

// MARK: Library values → report values

extension CatalogueListReport.Entry {
    init(_ s: DatasetSummary) {
        self.init(name: s.name, title: s.title, version: s.version, studies: s.studies, outcomes: s.outcomes,
                  verification: s.verification.map { CatalogueListReport.Count(name: $0.name, value: $0.outcomes) },
                  pooledByDefault: s.pooledByDefault)
    }
}

extension DatasetSummaryReport {
    init(_ s: DatasetSummary) {
        func tally(_ t: DatasetSummary.Tally) -> Tally { Tally(name: t.name, studies: t.studies, outcomes: t.outcomes, pooled: t.pooled) }
        self.init(name: s.name, title: s.title, version: s.version, studies: s.studies, outcomes: s.outcomes,
                  verification: s.verification.map(tally), pooledByDefault: s.pooledByDefault,
                  modalities: s.modalities.map(tally), endpoints: s.endpoints.map(tally),
                  poolingSets: s.poolingGroups.map { g in
                      PoolingSetRow(therapy: g.key.therapy, endpoint: g.key.endpoint, measure: g.key.measure,
                                    landmarkYears: g.key.landmarkYears, isContrast: g.key.isContrast, outcomeIDs: g.outcomeIDs)
                  })
    }
}

extension ValidationReport.Dataset {
    init(_ v: DatasetValidation) {
        self.init(name: v.dataset, folder: v.folder, studies: v.studies, outcomes: v.outcomes, findings: v.issues.map { i in
            ValidationReport.Finding(file: i.file, line: i.line, column: i.column, columnName: i.columnName, value: i.value,
                                     problem: i.problem, expected: i.expected, hint: i.hint, message: i.description)
        })
    }
}

extension Datasets {
    /// Renders a report that offers the four formats.
    static func render(_ format: OutputFormat, json: () -> JSONValue, table: () -> String, markdown: () -> String, csv: () -> String) -> String {
        switch format {
        case .json: return json().serialized() + "\n"
        case .table: return table()
        case .md: return markdown()
        case .csv: return csv()
        }
    }
}
