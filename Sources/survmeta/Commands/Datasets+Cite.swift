import ArgumentParser
import OutcomeData

extension CitationFormat: EnumerableFlag {}

extension Datasets {
    /// `survmeta datasets cite [NAME] [--bibtex | --ris]`: the publications of a dataset as references.
    struct Cite: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The publications of a dataset (studies.csv) as BibTeX (default) or RIS, one entry per study, keyed by study_id.",
            discussion: """
            Entries carry authors, journal (volume, issue and pages split out when printed as Name V(I):P), year, \
            DOI and PMID. The datasets record no titles, so no entry has one: a note says so; none is invented.
            """
        )

        @Argument(help: ArgumentHelp("A dataset name or folder; all datasets when omitted.", valueName: "name"))
        var name: String?

        @Flag(help: "Reference format.")
        var style: CitationFormat = .bibtex

        @OptionGroup var catalogue: DatasetsOptions

        @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file (atomically) instead of standard output.", valueName: "file"))
        var output: String?

        func run() throws {
            let texts = try catalogue.folders(name).map { folder -> String in
                let dataset = try CatalogueDataset.open(folder: folder)
                let citations = Citation.citations(try dataset.evidenceTables(), dataset: dataset.name)
                return Citation.render(citations, format: style, dataset: dataset.name)
            }
            try OutputTarget(path: output).write(texts.joined(separator: "\n"))
        }
    }
}
