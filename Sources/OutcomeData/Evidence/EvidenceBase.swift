import Foundation

/// One publication of an evidence base (`studies.csv`).
public struct PublicationRecord: Sendable, Equatable {
    public var id: String
    public var firstAuthor: String
    public var authors: String?
    public var year: Int?
    public var journal: String?
    public var doi: String?
    public var pmid: String?
    public var design: String?
    public var countryCentres: String?
    public var accrualPeriod: String?
    public var modality: String
    public var population: String?
    public var n: Int?
    public var followUp: String?
    /// Study ids whose patients overlap with this one.
    public var overlapsWith: [String]
    public var overlapNote: String?
    public var sourceURL: String?
    public var line: Int
}

/// One reported figure (`outcomes.csv`): a median, landmark rate, hazard ratio …, as printed, with its source.
public struct OutcomeRecord: Sendable, Equatable {
    public var id: String
    public var studyID: String
    public var arm: String
    public var comparison: String?
    public var n: Double?
    public var endpoint: String
    public var measure: String
    public var time: Double?
    public var timeUnit: String?
    /// The value exactly as printed (may be text such as "not reached").
    public var valueText: String
    /// The value as a number, when it is one.
    public var value: Double?
    public var unit: String
    public var ciLow: Double?
    public var ciHigh: Double?
    public var ciLevel: Double?
    public var events: Double?
    public var pValueText: String?
    public var hrDirection: String?
    public var sourceURL: String?
    public var doiOrPMID: String?
    public var location: String
    public var verification: String
    public var note: String?
    public var poolDefault: Bool
    public var line: Int

    /// True when the figure came only from a secondary or regulatory source.
    public var isSecondary: Bool { verification == "secondary" || location.hasPrefix("SECONDARY:") || location.hasPrefix("REGULATORY:") }

    /// The landmark time in years (nil unless a landmark rate with a time).
    public var timeInYears: Double? {
        guard let time else { return nil }
        switch timeUnit {
        case "years": return time
        case "months": return time / 12
        default: return nil
        }
    }

    /// A time value (median) in months, converting years and days (nil for other units or non-numbers).
    public var valueInMonths: Double? {
        guard let value else { return nil }
        switch unit {
        case "months": return value
        case "years": return value * 12
        case "days": return value / (365.25 / 12)
        default: return nil
        }
    }
}

/// An evidence base on disk: a folder with `datapackage.json`, `studies.csv` and `outcomes.csv`.
public struct EvidenceBase: Sendable {
    public var name: String
    public var folder: String
    public var title: String
    public var publications: [PublicationRecord]
    public var outcomes: [OutcomeRecord]

    public func publication(_ id: String) -> PublicationRecord? { publications.first { $0.id == id } }

    /// Loads a dataset folder. Cell-level problems are collected and thrown together as `InputErrors`.
    public static func load(folder: String) throws -> EvidenceBase {
        let url = URL(fileURLWithPath: folder)
        let packageURL = url.appendingPathComponent("datapackage.json")
        var title = url.lastPathComponent
        if let data = try? Data(contentsOf: packageURL),
           let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] {
            title = (object["title"] as? String) ?? title
        }
        let studies = try CSVReader.read(path: url.appendingPathComponent("studies.csv").path)
        let outcomes = try CSVReader.read(path: url.appendingPathComponent("outcomes.csv").path)
        try studies.require(["study_id", "first_author", "modality"])
        try outcomes.require(["outcome_id", "study_id", "endpoint", "measure", "value", "unit", "location", "verification", "pool_default"])
        var issues: [InputIssue] = []
        func optionalNumber(_ t: CSVTable, _ row: CSVRow, _ column: String, _ expected: String) -> Double? {
            guard t.hasColumn(column), !t.isMissing(row, column) else { return nil }
            return t.number(row, column, issues: &issues, required: false, expected: expected)
        }
        let pubs: [PublicationRecord] = studies.rows.map { row in
            PublicationRecord(
                id: studies.text(row, "study_id") ?? "", firstAuthor: studies.text(row, "first_author") ?? "",
                authors: studies.text(row, "authors"), year: optionalNumber(studies, row, "year", "a year").map { Int($0) },
                journal: studies.text(row, "journal"), doi: studies.text(row, "doi"), pmid: studies.text(row, "pmid"),
                design: studies.text(row, "design"), countryCentres: studies.text(row, "country_centres"),
                accrualPeriod: studies.text(row, "accrual_period"), modality: studies.text(row, "modality") ?? "",
                population: studies.text(row, "population"), n: optionalNumber(studies, row, "n", "a number of patients").map { Int($0) },
                followUp: studies.text(row, "follow_up"),
                overlapsWith: (studies.text(row, "overlaps_with") ?? "").split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                overlapNote: studies.text(row, "overlap_note"), sourceURL: studies.text(row, "source_url"), line: row.line)
        }
        let outs: [OutcomeRecord] = outcomes.rows.map { row in
            let valueText = outcomes.text(row, "value") ?? ""
            return OutcomeRecord(
                id: outcomes.text(row, "outcome_id") ?? "", studyID: outcomes.text(row, "study_id") ?? "",
                arm: outcomes.text(row, "arm") ?? "", comparison: outcomes.text(row, "comparison"),
                n: optionalNumber(outcomes, row, "n", "a number of patients"),
                endpoint: outcomes.text(row, "endpoint") ?? "", measure: outcomes.text(row, "measure") ?? "",
                time: optionalNumber(outcomes, row, "time", "a landmark time"), timeUnit: outcomes.text(row, "time_unit"),
                valueText: valueText, value: Double(valueText),
                unit: outcomes.text(row, "unit") ?? "",
                ciLow: optionalNumber(outcomes, row, "ci_low", "a CI bound"), ciHigh: optionalNumber(outcomes, row, "ci_high", "a CI bound"),
                ciLevel: optionalNumber(outcomes, row, "ci_level", "a CI level"), events: optionalNumber(outcomes, row, "events", "a number of events"),
                pValueText: outcomes.text(row, "p_value"), hrDirection: outcomes.text(row, "hr_direction"),
                sourceURL: outcomes.text(row, "source_url"), doiOrPMID: outcomes.text(row, "doi_or_pmid"),
                location: outcomes.text(row, "location") ?? "", verification: outcomes.text(row, "verification") ?? "",
                note: outcomes.text(row, "note"), poolDefault: outcomes.text(row, "pool_default") == "yes", line: row.line)
        }
        if !issues.isEmpty { throw InputErrors(issues) }
        return EvidenceBase(name: url.lastPathComponent, folder: folder, title: title, publications: pubs, outcomes: outs)
    }

    /// The dataset folders (those with a `datapackage.json`) under a catalogue folder, sorted by name.
    public static func catalogue(_ root: String) -> [String] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: root) else { return [] }
        return names.sorted().map { URL(fileURLWithPath: root).appendingPathComponent($0).path }
            .filter { fm.fileExists(atPath: URL(fileURLWithPath: $0).appendingPathComponent("datapackage.json").path) }
    }
}
