import Foundation

/// The reference formats of `survmeta datasets cite`.
public enum CitationFormat: String, Sendable, Equatable, Codable, CaseIterable {
    /// BibTeX `@article` entries (https://www.bibtex.org/Format/).
    case bibtex
    /// RIS records of type `JOUR` (the Research Information Systems tagged format).
    case ris
}

extension Citation {
    /// The citations in `format`, one entry per citation, after a comment line naming `dataset`
    /// (`%` for BibTeX, which ignores text outside entries; none for RIS, whose readers expect
    /// records only).
    public static func render(_ citations: [Citation], format: CitationFormat, dataset: String) -> String {
        switch format {
        case .bibtex:
            return "% \(dataset): \(citations.count) publication\(citations.count == 1 ? "" : "s") (survmeta datasets cite)\n\n"
                + citations.map(\.bibtex).joined(separator: "\n")
        case .ris:
            return citations.map(\.ris).joined(separator: "\n")
        }
    }

    /// A BibTeX `@article` entry. Text fields are escaped for LaTeX (`& % $ # _ ~ ^ \`); braces in
    /// the data become parentheses so that every field's braces balance. `doi` and `url` are left
    /// verbatim (biblatex and the `url` package read them as URLs). Pages use the en-dash `--`.
    public var bibtex: String {
        var fields: [(String, String)] = []
        var names = authors.map { a -> String in
            let surname = Citation.latex(a.surname)
            guard let initials = a.initials else { return surname.contains(" ") ? "{\(surname)}" : surname }
            return "\(surname), " + initials.map { "\($0)." }.joined(separator: " ")
        }
        if moreAuthors { names.append("others") }
        if !names.isEmpty { fields.append(("author", names.joined(separator: " and "))) }
        if let journal { fields.append(("journal", Citation.latex(journal))) }
        if let year { fields.append(("year", Citation.latex(year))) }
        if let volume { fields.append(("volume", Citation.latex(volume))) }
        if let issue { fields.append(("number", Citation.latex(issue))) }
        if let pages {
            fields.append(("pages", pages.split(whereSeparator: { $0 == "-" || $0 == "–" }).map { Citation.latex(String($0)) }.joined(separator: "--")))
        }
        if let doi { fields.append(("doi", Citation.verbatim(doi))) }
        if let pmid { fields.append(("pmid", Citation.latex(pmid))) }
        if let url { fields.append(("url", Citation.verbatim(url))) }
        fields.append(("note", Citation.latex(note)))
        let width = fields.map(\.0.count).max() ?? 0
        let body = fields.map { name, value in
            "  " + name + String(repeating: " ", count: width - name.count) + " = {" + value + "}"
        }.joined(separator: ",\n")
        return "@article{\(key),\n\(body)\n}\n"
    }

    /// An RIS record (`TY  - JOUR` … `ER  - `), one `AU` line per author (`Surname, A.B.`), the
    /// PubMed id as accession number (`AN`, with `DB  - PubMed`).
    public var ris: String {
        var lines = ["TY  - JOUR", "ID  - \(key)"]
        for a in authors {
            lines.append("AU  - " + a.surname + (a.initials.map { ", " + $0.map { "\($0)." }.joined() } ?? ""))
        }
        if let year { lines.append("PY  - \(year)") }
        if let journal { lines.append("JO  - \(journal)") }
        if let volume { lines.append("VL  - \(volume)") }
        if let issue { lines.append("IS  - \(issue)") }
        if let pages {
            let parts = pages.split(whereSeparator: { $0 == "-" || $0 == "–" }).map(String.init)
            lines.append("SP  - \(parts.first ?? pages)")
            if parts.count == 2 { lines.append("EP  - \(parts[1])") }
        }
        if let doi { lines.append("DO  - \(doi)") }
        if let pmid { lines += ["AN  - \(pmid)", "DB  - PubMed"] }
        if let url { lines.append("UR  - \(url)") }
        lines.append("N1  - \(note)" + (moreAuthors ? "; author list incomplete in the dataset (et al.)" : ""))
        lines.append("ER  - ")
        return lines.map { Citation.singleLine($0) }.joined(separator: "\n") + "\n"
    }

    /// `text` escaped for a BibTeX text field.
    static func latex(_ text: String) -> String {
        var out = ""
        for ch in singleLine(text) {
            switch ch {
            case "\\": out += "\\textbackslash{}"
            case "{": out += "("
            case "}": out += ")"
            case "&", "%", "$", "#", "_": out += "\\\(ch)"
            case "~": out += "\\textasciitilde{}"
            case "^": out += "\\textasciicircum{}"
            default: out.append(ch)
            }
        }
        return out
    }

    /// `text` for a verbatim field: only braces (which would unbalance the entry) are replaced.
    static func verbatim(_ text: String) -> String {
        singleLine(text).replacingOccurrences(of: "{", with: "%7B").replacingOccurrences(of: "}", with: "%7D")
    }

    /// Line breaks replaced by spaces (a field or RIS value is one line).
    static func singleLine(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: " ").replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\r", with: " ")
    }
}
