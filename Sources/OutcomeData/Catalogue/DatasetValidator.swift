import Foundation

/// The outcome of validating one dataset folder: every violation of its descriptor, Table Schemas
/// and evidence rules, in file order.
public struct DatasetValidation: Sendable, Equatable {
    /// The dataset (folder) name.
    public var dataset: String
    public var folder: String
    /// Data rows of `studies` and `outcomes`, when the files could be read.
    public var studies: Int?
    public var outcomes: Int?
    public var issues: [InputIssue]

    public var isValid: Bool { issues.isEmpty }

    public init(dataset: String, folder: String, studies: Int? = nil, outcomes: Int? = nil, issues: [InputIssue]) {
        self.dataset = dataset
        self.folder = folder
        self.studies = studies
        self.outcomes = outcomes
        self.issues = issues
    }
}

/// `survmeta datasets validate`: the descriptor, then `TableSchemaValidator`, then `EvidenceRules`.
///
/// A cell the schema already rejects is not reported again by a domain rule (its value cannot be
/// trusted for one); otherwise every violation is listed, ordered by file (descriptor first, then the
/// resources in descriptor order), line and column.
public enum DatasetValidator {
    /// Validates the dataset in `folder`. Never throws: an unreadable descriptor is a violation too.
    public static func validate(folder: String) -> DatasetValidation {
        let name = URL(fileURLWithPath: folder).lastPathComponent
        do {
            return validate(try CatalogueDataset.open(folder: folder))
        } catch let e as InputErrors {
            return DatasetValidation(dataset: name, folder: folder, issues: e.issues)
        } catch {
            return DatasetValidation(dataset: name, folder: folder,
                                     issues: [InputIssue(file: folder, problem: "cannot be read (\(error))", expected: "a dataset folder")])
        }
    }

    public static func validate(_ dataset: CatalogueDataset) -> DatasetValidation {
        let schema = TableSchemaValidator(dataset: dataset).validate()
        var issues = schema.issues
        let studiesResource = dataset.package.resource(CatalogueDataset.studiesResource)
        let outcomesResource = dataset.package.resource(CatalogueDataset.outcomesResource)
        for (name, resource) in [(CatalogueDataset.studiesResource, studiesResource), (CatalogueDataset.outcomesResource, outcomesResource)]
        where resource == nil {
            issues.append(dataset.missingResourceIssue(name))
        }
        let studies = schema.tables[CatalogueDataset.studiesResource]
        let outcomes = schema.tables[CatalogueDataset.outcomesResource]
        if let studies, let outcomes, let studiesResource, let outcomesResource {
            let tables = EvidenceTables(studies: studies, outcomes: outcomes,
                                        studiesMissingValues: studiesResource.schema.missingValues,
                                        outcomesMissingValues: outcomesResource.schema.missingValues)
            let rejected = Set(schema.issues.compactMap { i in i.line.map { CellKey(file: i.file, line: $0, column: i.column) } })
            issues += EvidenceRules.check(tables).filter { i in
                guard let line = i.line else { return true }
                return !rejected.contains(CellKey(file: i.file, line: line, column: i.column))
            }
        }
        let files = [CatalogueDataset.join(dataset.folder, "datapackage.json")] + dataset.package.resources.map(dataset.path(of:))
        func rank(_ file: String) -> Int { files.firstIndex(of: file) ?? files.count }
        let sorted = issues.enumerated().sorted { a, b in
            let ka = (rank(a.element.file), a.element.line ?? 0, a.element.column ?? 0, a.offset)
            let kb = (rank(b.element.file), b.element.line ?? 0, b.element.column ?? 0, b.offset)
            return ka < kb
        }.map(\.element)
        return DatasetValidation(dataset: dataset.name, folder: dataset.folder, studies: studies?.rows.count,
                                 outcomes: outcomes?.rows.count, issues: sorted)
    }

    private struct CellKey: Hashable {
        var file: String
        var line: Int
        var column: Int?
    }
}
