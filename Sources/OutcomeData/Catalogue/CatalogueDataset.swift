import Foundation

/// A dataset folder of the catalogue (`Datasets/<name>/`): its descriptor and where its files are.
///
/// An evidence base has two resources, `studies` (one row per publication) and `outcomes` (one row
/// per reported figure), as described in `Datasets/net-liver-metastases/README.md`.
public struct CatalogueDataset: Sendable, Equatable {
    /// The folder name, which is how commands name the dataset.
    public var name: String
    /// The folder, as given (relative paths stay relative, so messages show what the user typed).
    public var folder: String
    public var package: DataPackage

    /// The resource name of the publications table of an evidence base.
    public static let studiesResource = "studies"
    /// The resource name of the reported-figures table of an evidence base.
    public static let outcomesResource = "outcomes"

    public init(name: String, folder: String, package: DataPackage) {
        self.name = name
        self.folder = folder
        self.package = package
    }

    /// Opens the dataset in `folder` by parsing its `datapackage.json`. Throws `InputErrors`.
    public static func open(folder: String) throws -> CatalogueDataset {
        let package = try DataPackage.load(path: join(folder, "datapackage.json"))
        return CatalogueDataset(name: URL(fileURLWithPath: folder).lastPathComponent, folder: folder, package: package)
    }

    /// The dataset folders under `root` (each holding a `datapackage.json`), sorted by name; throws
    /// `InputErrors` when `root` is not a folder. Discovery is `EvidenceBase.catalogue`'s, so every
    /// command sees the same datasets.
    public static func folders(in root: String) throws -> [String] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw InputErrors(InputIssue(file: root, problem: "the datasets folder does not exist",
                                         expected: "a folder holding one sub-folder per dataset, each with a datapackage.json",
                                         hint: "pass --datasets DIR, or run from the repository root"))
        }
        return EvidenceBase.catalogue(root).map { path in
            // `catalogue` builds paths through URL, which drops a leading "./"; keep the user's root as typed.
            join(root, URL(fileURLWithPath: path).lastPathComponent)
        }
    }

    /// The path of a resource's file (relative to the dataset folder as given).
    public func path(of resource: DataResource) -> String { CatalogueDataset.join(folder, resource.path) }

    /// Reads a resource's CSV file. Throws `InputErrors` (missing file, malformed CSV).
    public func table(_ resource: DataResource) throws -> CSVTable { try CSVReader.read(path: path(of: resource)) }

    /// Reads the `studies` and `outcomes` tables. Throws `InputErrors` when a resource is not
    /// declared or a file cannot be parsed as CSV.
    public func evidenceTables() throws -> EvidenceTables {
        var issues: [InputIssue] = []
        var tables: [CSVTable] = []
        for name in [CatalogueDataset.studiesResource, CatalogueDataset.outcomesResource] {
            guard let resource = package.resource(name) else {
                issues.append(missingResourceIssue(name))
                continue
            }
            do { tables.append(try table(resource)) } catch let e as InputErrors { issues += e.issues }
        }
        if !issues.isEmpty { throw InputErrors(issues) }
        let studies = package.resource(CatalogueDataset.studiesResource)!.schema.missingValues
        let outcomes = package.resource(CatalogueDataset.outcomesResource)!.schema.missingValues
        return EvidenceTables(studies: tables[0], outcomes: tables[1], studiesMissingValues: studies, outcomesMissingValues: outcomes)
    }

    func missingResourceIssue(_ name: String) -> InputIssue {
        InputIssue(file: CatalogueDataset.join(folder, "datapackage.json"),
                   problem: "the package has no resource named \"\(name)\"",
                   expected: "resources \"\(CatalogueDataset.studiesResource)\" and \"\(CatalogueDataset.outcomesResource)\" (an evidence base)")
    }

    static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty || folder == "." ? name : (folder.hasSuffix("/") ? folder + name : folder + "/" + name)
    }
}
