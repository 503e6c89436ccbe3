import Foundation
import MetaAnalysis
import StatNumerics

/// One study row turned into an effect on the analysis scale.
public struct StudyRecord: Sendable, Equatable {
    /// The `study` label (or "row N" when the column is absent).
    public var label: String
    /// The physical line of the row in its file.
    public var line: Int
    public var converted: ConvertedEffect
    /// The raw text of every moderator column (nil when the cell is empty or `NA`).
    public var moderators: [String: String?]

    public var effect: StudyEffect { converted.effect }
}

/// A study-level input file (`pool`, `metareg`, `subgroup`, …) after loading and conversion.
public struct StudyTable: Sendable, Equatable {
    public var source: String
    public var records: [StudyRecord]
    /// Columns that are not part of any effect-size column set, in file order: usable as moderators.
    public var moderatorColumns: [String]

    public var effects: [StudyEffect] { records.map(\.effect) }

    /// The column sets a study row may give (`cli-contract.md`), in order of preference: the first set
    /// whose cells are all filled in a row is used for that row, so rows may mix sets.
    public static let columnSets: [(EffectConversion, [String])] = [
        (.yiVi, ["yi", "vi"]),
        (.yiSei, ["yi", "sei"]),
        (.hazardRatioCI, ["hr", "ci_low", "ci_high"]),
        (.logHazardRatioSE, ["loghr", "se"]),
        (.hazardRatioP, ["hr", "p"]),
        (.observedMinusExpected, ["o_minus_e", "v"]),
        (.hazardRatioEvents, ["hr", "events"]),
    ]

    /// Columns with a meaning of their own (never moderators).
    public static let reservedColumns: Set<String> = [
        "study", "yi", "vi", "sei", "hr", "ci_low", "ci_high", "ci_level", "loghr", "se", "p",
        "o_minus_e", "v", "events", "n", "ratio", "direction",
    ]

    /// Reads every row of `table`, converting each to (yi, vi). Every problem of the file is collected
    /// and thrown together as `InputErrors`, each naming line, column, value and what was expected.
    ///
    /// With a proportion `measure` (PLO, PFT, PAS, PLN, PR), rows with `events,n` are transformed by
    /// metafor's `escalc` rules; that set is then preferred over the others.
    public static func load(_ table: CSVTable, proportionMeasure: EffectMeasure? = nil) throws -> StudyTable {
        try load(table, proportionMeasure: proportionMeasure, moderators: true)
    }

    /// `load(_:proportionMeasure:)`, leaving `moderators` empty unless asked for (`survmeta batch`
    /// does not use them, and a dictionary per study is most of the cost of a small analysis).
    static func load(_ table: CSVTable, proportionMeasure: EffectMeasure?, moderators: Bool) throws -> StudyTable {
        try load(table, layout: StudyRowLoader.Layout(header: table, proportionMeasure: proportionMeasure), moderators: moderators)
    }

    /// `load` with the header's layout computed beforehand (`layout.table` has `table`'s header).
    static func load(_ table: CSVTable, layout: StudyRowLoader.Layout, moderators: Bool) throws -> StudyTable {
        var loader = StudyRowLoader(layout: layout, moderators: moderators)
        try loader.checkColumns(rowCount: table.rows.count)
        var records: [StudyRecord] = []
        records.reserveCapacity(table.rows.count)
        for row in table.rows {
            if let record = loader.load(row) { records.append(record) }
        }
        if !loader.issues.isEmpty { throw InputErrors(loader.issues) }
        return StudyTable(source: table.source, records: records, moderatorColumns: loader.moderatorColumns)
    }

    static func convert(_ t: CSVTable, _ row: CSVRow, label: String, _ conversion: EffectConversion,
                                measure: EffectMeasure?, issues: inout [InputIssue]) -> ConvertedEffect? {
        var notes: [String] = []
        func positive(_ column: String, _ what: String) -> Double? {
            guard let x = t.number(row, column, issues: &issues, expected: what) else { return nil }
            if !(x > 0) {
                issues.append(t.issue(row, column, value: t.text(row, column), problem: "is not > 0", expected: what))
                return nil
            }
            return x
        }
        var yi: Double
        var vi: Double
        switch conversion {
        case .yiVi, .yiSei:
            guard let y = t.number(row, "yi", issues: &issues, expected: "a finite number (the estimate)") else { return nil }
            if conversion == .yiVi {
                guard let v = positive("vi", "a sampling variance > 0") else { return nil }
                yi = y; vi = v
            } else {
                guard let s = positive("sei", "a standard error > 0") else { return nil }
                yi = y; vi = s * s
            }
        case .hazardRatioCI:
            guard let hr = positive("hr", "a hazard ratio > 0"),
                  let lo = positive("ci_low", "a CI bound > 0"),
                  let hi = positive("ci_high", "a CI bound > 0") else { return nil }
            var level = 0.95
            if !t.isMissing(row, "ci_level"), let l = t.number(row, "ci_level", issues: &issues, required: false, expected: "a CI level such as 0.95 or 95") {
                level = l > 1 ? l / 100 : l
                if !(level > 0 && level < 1) {
                    issues.append(t.issue(row, "ci_level", value: t.text(row, "ci_level"), problem: "is not a confidence level",
                                          expected: "a level in (0, 1) or a percentage in (0, 100), e.g. 0.95 or 95"))
                    return nil
                }
            }
            if lo >= hi {
                issues.append(t.issue(row, "ci_low", value: t.text(row, "ci_low"),
                                      problem: "is not below ci_high (\(t.text(row, "ci_high") ?? ""))",
                                      expected: "ci_low < ci_high", hint: "are the bounds swapped?"))
                return nil
            }
            if hr < lo || hr > hi {
                issues.append(t.issue(row, "hr", value: t.text(row, "hr"),
                                      problem: "lies outside its CI \(t.text(row, "ci_low") ?? "")–\(t.text(row, "ci_high") ?? "")",
                                      expected: "ci_low ≤ hr ≤ ci_high"))
                return nil
            }
            let decimals = ["hr", "ci_low", "ci_high"].map { decimalPlaces(t.text(row, $0) ?? "") }.max() ?? 2
            do {
                let r = try EffectSizeConversion.fromHazardRatioCI(hr: hr, lower: lo, upper: hi, level: level,
                                                                   roundingUnit: pow(10, -Double(decimals)))
                yi = r.yi; vi = r.vi; notes += r.notes
            } catch {
                issues.append(t.issue(row, "hr", value: t.text(row, "hr"), problem: "cannot be converted", expected: "\(error)"))
                return nil
            }
        case .logHazardRatioSE:
            guard let y = t.number(row, "loghr", issues: &issues, expected: "a finite log hazard ratio"),
                  let s = positive("se", "a standard error > 0") else { return nil }
            yi = y; vi = s * s
        case .hazardRatioP:
            guard let hr = positive("hr", "a hazard ratio > 0"),
                  let p = t.number(row, "p", issues: &issues, expected: "a two-sided p-value in (0, 1)") else { return nil }
            if !(p > 0 && p <= 1) {
                issues.append(t.issue(row, "p", value: t.text(row, "p"), problem: "is outside (0, 1]",
                                      expected: "a two-sided p-value in (0, 1)", hint: p > 1 && p <= 100 ? "a percentage? p-values are proportions" : nil))
                return nil
            }
            do {
                let r = try EffectSizeConversion.fromHazardRatioP(hr: hr, p: p)
                yi = r.yi; vi = r.vi
            } catch let e as DomainError {
                issues.append(t.issue(row, "p", value: t.text(row, "p"), problem: "cannot give a standard error", expected: e.message))
                return nil
            } catch { return nil }
        case .observedMinusExpected:
            guard let oe = t.number(row, "o_minus_e", issues: &issues, expected: "the log-rank O − E"),
                  let v = positive("v", "the log-rank variance V > 0") else { return nil }
            yi = oe / v; vi = 1 / v
        case .proportion:
            guard let measure,
                  let e = t.number(row, "events", issues: &issues, expected: "a count of events ≥ 0"),
                  let n = positive("n", "a sample size > 0") else { return nil }
            if e < 0 || e > n || e != e.rounded() {
                issues.append(t.issue(row, "events", value: t.text(row, "events"),
                                      problem: e > n ? "is larger than n (\(t.text(row, "n") ?? ""))" : "is not a whole number ≥ 0",
                                      expected: "a whole number of events between 0 and n"))
                return nil
            }
            guard let r = try? ProportionEffects.escalc(events: e, n: n, measure: measure) else { return nil }
            yi = r.yi; vi = r.vi
        case .hazardRatioEvents:
            guard let hr = positive("hr", "a hazard ratio > 0"),
                  let e = positive("events", "the total number of events > 0") else { return nil }
            var ratio = 1.0
            if !t.isMissing(row, "ratio") {
                guard let r = positive("ratio", "the allocation ratio n(experimental)/n(control) > 0") else { return nil }
                ratio = r
            }
            guard let r = try? EffectSizeConversion.fromHazardRatioEvents(hr: hr, events: e, allocationRatio: ratio) else { return nil }
            yi = r.yi; vi = r.vi
            notes.append(String(format: "variance approximated from %g events and allocation ratio %g (Parmar/Tierney)", e, ratio))
        }
        if let direction = t.text(row, "direction") {
            switch direction.lowercased().replacingOccurrences(of: "-", with: "_").replacingOccurrences(of: " ", with: "_") {
            case "experimental_vs_control", "exp_vs_ctrl", "":
                break
            case "control_vs_experimental", "ctrl_vs_exp", "inverted", "invert":
                yi = -yi
                notes.append("direction inverted to experimental vs control")
            default:
                issues.append(t.issue(row, "direction", value: direction, problem: "is not a known direction",
                                      expected: "experimental_vs_control or control_vs_experimental"))
                return nil
            }
        }
        guard yi.isFinite, vi.isFinite, vi > 0 else {
            issues.append(InputIssue(file: t.source, line: row.line, problem: "the row converts to an undefined effect",
                                     expected: "values that give a finite estimate and a variance > 0"))
            return nil
        }
        return ConvertedEffect(effect: StudyEffect(label: label, yi: yi, vi: vi), conversion: conversion, notes: notes)
    }

    /// Decimal places written in a number's text ("0.34" → 2, "1" → 0, "1.5e-3" → 1).
    static func decimalPlaces(_ text: String) -> Int {
        let mantissa = text.split(whereSeparator: { $0 == "e" || $0 == "E" }).first.map(String.init) ?? text
        guard let dot = mantissa.firstIndex(of: ".") else { return 0 }
        return mantissa.distance(from: dot, to: mantissa.endIndex) - 1
    }
}

