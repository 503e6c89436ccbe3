import Foundation

/// The domain rules of an evidence base (`studies.csv` + `outcomes.csv`, conventions in
/// `Datasets/net-liver-metastases/README.md`): what the Table Schema cannot say about a reported figure.
///
/// Per `outcomes` row:
/// - **provenance**: a `doi_or_pmid` or a `source_url`, and a `location` in the source;
/// - **confidence interval**: `ci_low < ci_high`, and `ci_low ≤ value ≤ ci_high` for a numeric value
///   (bounds inclusive: printed estimates and bounds are rounded);
/// - **counts**: `events ≤ n`;
/// - **time**: `time` and `time_unit` come together; landmark measures (`landmark_rate`,
///   `landmark_rate_median_across_studies`, `cumulative_incidence`) have both;
/// - **proportions** (landmark rates, cumulative incidences, proportions): unit `percent` with
///   value and CI bounds in 0–100, or `none` with them in 0–1;
/// - **hazard ratios** (`hr`, `design_assumption_hr`): unit `ratio`, value and bounds > 0;
/// - **pooled by default** (`pool_default = yes`): a numeric value, verification other than
///   `doubtful`; a hazard ratio with both CI bounds; a landmark rate with its `n` (the README's
///   reasons for `no`).
///
/// Across rows:
/// - every id in `studies.overlaps_with` is another study's `study_id`;
/// - **overlap**: two studies that share patients (`overlaps_with`, read as a symmetric relation:
///   listed on either side) never both have `pool_default = yes` rows in the same pooling set
///   (`PoolingKey.overlapKey`: treatment class, as the report groups figures; endpoint, with PFS and
///   TTP as one; measure; landmark time in years; contrast or single-arm). One issue per pair, on the later row's `pool_default` cell, naming
///   the earlier row.
///
/// Cells that are not numbers are left to the schema validator; a rule needing one is skipped.
/// Every violation is an `InputIssue` at the cell to fix (file, line, column, value).
public enum EvidenceRules {
    /// Columns of `outcomes.csv` the rules read.
    public static let outcomeColumns = ["outcome_id", "study_id", "arm", "comparison", "n", "endpoint", "measure", "time", "time_unit",
                                        "value", "unit", "ci_low", "ci_high", "events", "source_url", "doi_or_pmid",
                                        "location", "verification", "pool_default"]
    /// Columns of `studies.csv` the rules read.
    public static let studyColumns = ["study_id", "modality", "overlaps_with"]

    /// Measures whose value is a survival or event proportion at a time.
    public static let landmarkMeasures: Set<String> = ["landmark_rate", "landmark_rate_median_across_studies", "cumulative_incidence"]
    /// Measures whose value is a proportion (percent 0–100, or a fraction 0–1 with unit `none`).
    public static let proportionMeasures: Set<String> = landmarkMeasures.union(["proportion", "proportion_per_tumour"])
    /// Measures whose value is a hazard ratio.
    public static let hazardRatioMeasures: Set<String> = ["hr", "design_assumption_hr"]

    /// All violations of the rules. When a column the rules need is absent, that is reported (once
    /// per column) and the rules are not run, rather than flagging every row.
    public static func check(_ tables: EvidenceTables) -> [InputIssue] {
        var issues: [InputIssue] = []
        for (table, columns) in [(tables.studies, studyColumns), (tables.outcomes, outcomeColumns)] {
            for name in columns where !table.hasColumn(name) {
                issues.append(InputIssue(file: table.source, line: table.headerLine, columnName: name,
                                         problem: "the header has no column \"\(name)\", which the evidence rules need",
                                         expected: "a column \"\(name)\""))
            }
        }
        guard issues.isEmpty else { return issues }
        for row in tables.outcomes.rows { issues += rowIssues(tables, row) }
        issues += overlapIssues(tables)
        return issues
    }

    /// The single-row rules for one `outcomes` row.
    static func rowIssues(_ t: EvidenceTables, _ row: CSVRow) -> [InputIssue] {
        var issues: [InputIssue] = []
        let o = t.outcomes
        func cell(_ c: String) -> String? { t.outcome(row, c) }
        func raw(_ c: String) -> String { o.columnIndex(c).flatMap { $0 < row.cells.count ? row.cells[$0] : nil } ?? "" }
        func add(_ c: String, _ problem: String, _ expected: String, hint: String? = nil) {
            issues.append(o.issue(row, c, value: raw(c), problem: problem, expected: expected, hint: hint))
        }
        let measure = cell("measure") ?? ""
        let unit = cell("unit")
        let value = cell("value").flatMap(TableLexicon.number).flatMap { $0.isFinite ? $0 : nil }
        let low = t.outcomeNumber(row, "ci_low"), high = t.outcomeNumber(row, "ci_high")
        let pooled = cell("pool_default") == "yes"

        // Provenance.
        if cell("doi_or_pmid") == nil && cell("source_url") == nil {
            add("source_url", "is empty and so is doi_or_pmid: the figure has no source",
                "a source_url or a doi_or_pmid (doi:… or pmid:…)")
        }
        if cell("location") == nil {
            add("location", "is empty", "where in the source the figure is printed (e.g. \"abstract, results\", \"Table 2\")")
        }

        // Confidence interval.
        if let low, let high, !(low < high) {
            add("ci_high", "is not above ci_low (\(raw("ci_low")))", "ci_low < ci_high")
        }
        if let value {
            if let low, value < low {
                add("ci_low", "is above the estimate \(raw("value")): the CI [\(raw("ci_low")), \(raw("ci_high"))] excludes it", "ci_low ≤ value ≤ ci_high")
            }
            if let high, value > high {
                add("ci_high", "is below the estimate \(raw("value")): the CI [\(raw("ci_low")), \(raw("ci_high"))] excludes it", "ci_low ≤ value ≤ ci_high")
            }
        }

        // Counts.
        if let n = t.outcomeNumber(row, "n"), let events = t.outcomeNumber(row, "events"), events > n {
            add("events", "exceeds n = \(raw("n"))", "at most as many events as patients (events ≤ n)")
        }

        // Time.
        let hasTime = cell("time") != nil, hasUnit = cell("time_unit") != nil
        if hasTime && !hasUnit {
            add("time_unit", "is empty, but time is \(raw("time"))", "the unit of time (months or years)")
        } else if hasUnit && !hasTime {
            add("time", "is empty, but time_unit is \(raw("time_unit"))", "the time the figure refers to")
        } else if !hasTime && landmarkMeasures.contains(measure) {
            add("time", "is empty, but a \(measure) is a proportion at a time", "the landmark time, with its time_unit")
        }

        // Proportions.
        if proportionMeasures.contains(measure), let unit {
            let range: ClosedRange<Double>? = unit == "percent" ? 0...100 : (unit == "none" ? 0...1 : nil)
            if let range {
                for (c, x) in [("value", value), ("ci_low", low), ("ci_high", high)] {
                    if let x, !range.contains(x) {
                        add(c, "lies outside \(unit == "percent" ? "0–100" : "0–1")",
                            unit == "percent" ? "a percentage between 0 and 100 (unit percent)" : "a fraction between 0 and 1 (unit none)")
                    }
                }
            } else {
                add("unit", "is not a unit of a proportion (measure \(measure))", "percent (0–100) or none (a fraction 0–1)")
            }
        }

        // Hazard ratios.
        if hazardRatioMeasures.contains(measure) {
            if unit != "ratio" {
                add("unit", "is not the unit of a hazard ratio (measure \(measure))", "ratio")
            }
            for (c, x) in [("value", value), ("ci_low", low), ("ci_high", high)] {
                if let x, x <= 0 { add(c, "is not positive", "a hazard ratio > 0") }
            }
        }

        // Pooled by default.
        if pooled {
            if value == nil {
                add("value", "is not a number, but the row is pooled by default", "a numeric value (every pool_default = yes row has one)")
            }
            if cell("verification") == "doubtful" {
                add("pool_default", "pools a row whose verification is \"doubtful\"", "no (doubtful figures are never pooled by default)")
            }
            if hazardRatioMeasures.contains(measure) {
                for c in ["ci_low", "ci_high"] where t.outcomeNumber(row, c) == nil && cell(c) == nil {
                    add(c, "is empty, but the hazard ratio is pooled by default", "both CI bounds (HRs without a CI are pool_default = no)")
                }
            }
            if measure == "landmark_rate" && cell("n") == nil {
                add("n", "is empty, but the landmark rate is pooled by default", "its denominator n (landmark rates without N are pool_default = no)")
            }
        }
        return issues
    }
}
