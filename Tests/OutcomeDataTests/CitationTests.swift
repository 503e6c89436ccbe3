import Foundation
import OutcomeData
import TestSupport
import Testing

/// `survmeta datasets cite`: BibTeX and RIS from the shipped `studies.csv`. The output is parsed back
/// (balanced braces, one entry per study keyed by study_id, required fields, no invented title) and
/// individual rows are checked against the text of `studies.csv`.
struct CitationTests {
    static func citations() throws -> [Citation] {
        let tables = try CatalogueDataset.open(folder: DatasetCopy.shipped.path).evidenceTables()
        return Citation.citations(tables, dataset: "net-liver-metastases")
    }

    /// A minimal BibTeX reader: entries `@type{key, name = {value}, …}`; fails on unbalanced braces.
    static func parseBibTeX(_ text: String) throws -> [(type: String, key: String, fields: [String: String])] {
        var entries: [(String, String, [String: String])] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            guard chars[i] == "@" else { i += 1; continue }
            var j = i + 1
            while j < chars.count, chars[j] != "{" { j += 1 }
            let type = String(chars[(i + 1)..<j])
            var depth = 0, k = j
            repeat {
                if chars[k] == "{" { depth += 1 } else if chars[k] == "}" { depth -= 1 }
                k += 1
            } while depth > 0 && k < chars.count
            try #require(depth == 0, "unbalanced braces in entry at offset \(i)")
            let body = String(chars[(j + 1)..<(k - 1)])
            let comma = try #require(body.firstIndex(of: ","))
            let key = String(body[..<comma])
            var fields: [String: String] = [:]
            let rest = Array(body[body.index(after: comma)...])
            var p = 0
            while p < rest.count {
                guard let eq = rest[p...].firstIndex(of: "=") else { break }
                let name = String(rest[p..<eq]).trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ",")))
                guard let open = rest[eq...].firstIndex(of: "{") else { break }
                var d = 0, q = open
                repeat {
                    if rest[q] == "{" { d += 1 } else if rest[q] == "}" { d -= 1 }
                    q += 1
                } while d > 0 && q < rest.count
                try #require(d == 0, "unbalanced braces in field \(name) of \(key)")
                fields[name] = String(rest[(open + 1)..<(q - 1)])
                p = q
            }
            entries.append((type, key, fields))
            i = k
        }
        return entries
    }

    @Test("BibTeX: one balanced @article per study, keyed by study_id, with the required fields and no title")
    func bibtexParses() throws {
        let citations = try Self.citations()
        let text = Citation.render(citations, format: .bibtex, dataset: "net-liver-metastases")
        let entries = try Self.parseBibTeX(text)
        let tables = try CatalogueDataset.open(folder: DatasetCopy.shipped.path).evidenceTables()
        let ids = tables.studies.rows.compactMap { tables.study($0, "study_id") }
        #expect(entries.count == 52 && entries.map(\.key) == ids)
        for (e, row) in zip(entries, tables.studies.rows) {
            #expect(e.type == "article")
            #expect(e.fields["title"] == nil, "no title is invented (\(e.key))")
            #expect(e.fields["author"]?.isEmpty == false && e.fields["note"]?.contains("Title not recorded") == true, "\(e.key)")
            #expect(e.fields["journal"] != nil || tables.study(row, "journal") == nil, "\(e.key)")
            #expect(e.fields["year"] == tables.study(row, "year"), "\(e.key)")
            #expect(e.fields["doi"] == tables.study(row, "doi") && e.fields["pmid"] == tables.study(row, "pmid"), "\(e.key)")
            if tables.study(row, "doi") == nil && tables.study(row, "pmid") == nil {
                #expect(e.fields["url"] == tables.study(row, "source_url") && e.fields["note"]?.contains("no DOI or PMID known") == true, "\(e.key)")
            }
        }
    }

    @Test("RIS: one TY…ER record per study, every line a tag, required tags present")
    func risParses() throws {
        let citations = try Self.citations()
        let text = Citation.render(citations, format: .ris, dataset: "net-liver-metastases")
        var records: [[(String, String)]] = []
        var current: [(String, String)]?
        for line in text.split(separator: "\n", omittingEmptySubsequences: true).map(String.init) {
            let tag = String(line.prefix(2)), value = String(line.dropFirst(6))
            #expect(line.range(of: #"^[A-Z][A-Z0-9]  - "#, options: .regularExpression) != nil, "not a RIS line: \(line)")
            if tag == "TY" { #expect(current == nil); current = [] }
            current?.append((tag, value))
            if tag == "ER" { records.append(current ?? []); current = nil }
        }
        #expect(current == nil && records.count == 52)
        for r in records {
            #expect(r.first! == ("TY", "JOUR"))
            let tags = Set(r.map(\.0))
            #expect(tags.isSuperset(of: ["ID", "AU", "N1", "ER"]) && !tags.contains("TI") && !tags.contains("T1"), "\(r)")
            #expect(tags.contains("DO") || tags.contains("AN") || tags.contains("UR"), "every record is identifiable: \(r)")
        }
    }

    @Test("authors: Vancouver names, et al., author groups")
    func authors() throws {
        let byKey = Dictionary(uniqueKeysWithValues: try Self.citations().map { ($0.key, $0) })
        let graff = try #require(byKey["graffbaker2014"])
        #expect(graff.authors == [.init(surname: "Graff-Baker", initials: "AN"), .init(surname: "Sauer", initials: "DA"),
                                  .init(surname: "Pommier", initials: "SJ"), .init(surname: "Pommier", initials: "RF")])
        #expect(graff.bibtex.contains("author  = {Graff-Baker, A. N. and Sauer, D. A. and Pommier, S. J. and Pommier, R. F.}"))
        #expect(graff.ris.contains("AU  - Graff-Baker, A.N.\n"))
        let caplin = try #require(byKey["caplin2014_clarinet"])
        #expect(caplin.authors == [.init(surname: "Caplin", initials: nil)] && caplin.moreAuthors && caplin.group == "CLARINET Investigators")
        #expect(caplin.bibtex.contains("author  = {Caplin and others}"))
        let letreut = try #require(byKey["letreut2013_eltr"])
        #expect(letreut.authors.first == .init(surname: "Le Treut", initials: "YP") && letreut.authors.count == 28 && letreut.group == "for ELITA")
        #expect(letreut.authors.contains(.init(surname: "de Urbina", initials: "JO")))
        let arnold = try #require(byKey["rinke2013_promid_asco"])
        #expect(arnold.authors.map(\.surname) == ["Arnold", "Wittenberg", "Rinke"] && arnold.moreAuthors)
    }

    @Test("journal: Name Volume(Issue):Pages split only when unambiguous")
    func journals() throws {
        let byKey = Dictionary(uniqueKeysWithValues: try Self.citations().map { ($0.key, $0) })
        let rinke = try #require(byKey["rinke2009_promid"])
        #expect([rinke.journal, rinke.volume, rinke.issue, rinke.pages] == ["J Clin Oncol", "27", "28", "4656-63"])
        #expect(rinke.bibtex.contains("pages   = {4656--63}") && rinke.ris.contains("SP  - 4656\nEP  - 63\n"))
        let glazer = try #require(byKey["glazer2010"])
        #expect([glazer.journal, glazer.volume, glazer.issue, glazer.pages] == ["HPB (Oxford)", "12", "6", "427-33"])
        let dong = try #require(byKey["dong2011"])
        #expect(dong.journal == "Med Oncol 28 Suppl 1:286-290" && dong.volume == nil, "a supplement is kept as printed")
        let kunz = try #require(byKey["kunz2018_e2211_asco"])
        #expect(kunz.journal == "J Clin Oncol 36(15_suppl):4004 (ASCO 2018 abstract)" && kunz.volume == nil)
        #expect(kunz.bibtex.contains(#"journal = {J Clin Oncol 36(15\_suppl):4004 (ASCO 2018 abstract)}"#), "LaTeX specials escaped")
        #expect(kunz.bibtex.contains("doi     = {10.1200/jco.2018.36.15_suppl.4004}"), "DOIs stay verbatim")
        let update = try #require(byKey["strosberg_netter1_update_asco"])
        let updateEntry = try Self.parseBibTeX(update.bibtex)
        #expect(update.year == nil && updateEntry.count == 1 && updateEntry[0].fields["year"] == nil, "no year is invented")
    }

    @Test("LaTeX escaping keeps every entry's braces balanced")
    func escaping() throws {
        let c = Citation(key: "x1", fields: { ["authors": "O'Brien {J} & Co", "journal": "J {Odd} 100% #1", "year": "2020"][$0] }, dataset: "d")
        let entries = try Self.parseBibTeX(c.bibtex)
        #expect(entries.count == 1 && entries[0].fields["journal"] == ##"J (Odd) 100\% \#1"##)
        #expect(entries[0].fields["author"] == #"{O'Brien (J) \& Co}"#)
    }
}
