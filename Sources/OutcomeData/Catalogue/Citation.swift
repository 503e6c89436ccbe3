import Foundation

/// A reference to one publication of an evidence base, built from its `studies.csv` row, for
/// `survmeta datasets cite` (BibTeX or RIS; see `Citation+Formats.swift`).
///
/// Nothing is invented: the dataset has no title column, so no entry has a title; the `note` says so
/// and points to the DOI/PMID. What is read from the row:
/// - **authors** from `authors` (or `first_author` when empty), Vancouver style `Surname AB, …`:
///   each `Surname Initials` becomes surname + initials; "et al." sets `moreAuthors`; a closing
///   parenthetical such as "(CLARINET Investigators)" is kept, as printed, in `group`;
/// - **journal** from `journal`: when it has the unambiguous form `Name Volume(Issue):Pages`
///   (issue and pages optional, the name without digits), the parts are split out
///   (`J Clin Oncol 27(28):4656-63` → journal, 27, 28, 4656-63); anything else, such as a meeting
///   abstract, is kept whole as the journal;
/// - **year**, **doi**, **pmid** as written; `source_url` only when there is neither a DOI nor a PMID.
///
/// The key is the `study_id` (a valid BibTeX key by the schema's pattern `^[A-Za-z0-9_]+$`).
public struct Citation: Sendable, Equatable, Codable {
    /// One author: a surname and, when printed, initials (letters only, e.g. `AN`).
    public struct Author: Sendable, Equatable, Codable {
        public var surname: String
        public var initials: String?

        public init(surname: String, initials: String?) {
            self.surname = surname
            self.initials = initials
        }
    }

    public var key: String
    public var authors: [Author]
    /// The author list ended in "et al." (BibTeX `and others`).
    public var moreAuthors: Bool
    /// A group name printed after the authors, e.g. "CLARINET Investigators".
    public var group: String?
    public var year: String?
    public var journal: String?
    public var volume: String?
    public var issue: String?
    public var pages: String?
    public var doi: String?
    public var pmid: String?
    /// Where the record was read, given only when there is no DOI or PMID.
    public var url: String?
    public var note: String

    /// The citations of every study of `tables`, in file order; `dataset` is named in the notes.
    public static func citations(_ tables: EvidenceTables, dataset: String) -> [Citation] {
        tables.studies.rows.compactMap { row in
            guard let id = tables.study(row, "study_id") else { return nil }
            return Citation(key: id, fields: { tables.study(row, $0) }, dataset: dataset)
        }
    }

    /// A citation from a study row's cells (`cell(column)` → text or nil when missing).
    public init(key: String, fields cell: (String) -> String?, dataset: String) {
        self.key = key
        let parsed = Citation.parseAuthors(cell("authors") ?? cell("first_author") ?? "")
        authors = parsed.authors
        moreAuthors = parsed.more
        group = parsed.group
        year = cell("year")
        let journalParts = cell("journal").map(Citation.parseJournal)
        journal = journalParts?.name
        volume = journalParts?.volume
        issue = journalParts?.issue
        pages = journalParts?.pages
        doi = cell("doi")
        pmid = cell("pmid")
        url = doi == nil && pmid == nil ? cell("source_url") : nil
        var note = "Title not recorded in the SurvMeta dataset \(dataset)"
        note += doi == nil && pmid == nil ? "; no DOI or PMID known" : "; identify the work by its DOI or PMID"
        if let group { note += "; author group as printed: \(group)" }
        self.note = note
    }

    /// Splits a Vancouver-style author list (see the type's documentation).
    static func parseAuthors(_ text: String) -> (authors: [Author], more: Bool, group: String?) {
        var rest = text.trimmingCharacters(in: .whitespaces)
        var group: String?
        if rest.hasSuffix(")"), let open = rest.lastIndex(of: "(") {
            group = String(rest[rest.index(after: open)..<rest.index(before: rest.endIndex)]).trimmingCharacters(in: .whitespaces)
            rest = String(rest[..<open]).trimmingCharacters(in: .whitespaces)
        }
        var more = false
        if let range = rest.range(of: "et al.") ?? rest.range(of: "et al") {
            more = true
            rest.removeSubrange(range)
        }
        let authors: [Author] = rest.split(separator: ",").compactMap { part in
            let name = part.trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return nil }
            let tokens = name.split(separator: " ")
            if tokens.count >= 2, let last = tokens.last, last.count <= 4,
               last.unicodeScalars.allSatisfy({ CharacterSet.uppercaseLetters.contains($0) }) {
                return Author(surname: tokens.dropLast().joined(separator: " "), initials: String(last))
            }
            return Author(surname: name, initials: nil)
        }
        return (authors, more, group?.isEmpty == true ? nil : group)
    }

    /// `Name Volume(Issue):Pages` split into parts when the text has exactly that form.
    static func parseJournal(_ text: String) -> (name: String, volume: String?, issue: String?, pages: String?) {
        let pattern = #"^([^0-9:;]+?) ([0-9]+)(?:\(([^()]+)\))?(?::([A-Za-z]?[0-9]+(?:[-–][A-Za-z]?[0-9]+)?))?$"#
        guard let regex = try? NSRegularExpression(pattern: pattern),
              let m = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) else {
            return (text, nil, nil, nil)
        }
        func group(_ i: Int) -> String? {
            Range(m.range(at: i), in: text).map { String(text[$0]) }
        }
        return (group(1) ?? text, group(2), group(3), group(4))
    }
}
