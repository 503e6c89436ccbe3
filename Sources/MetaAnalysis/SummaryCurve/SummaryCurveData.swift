import Foundation
import StatNumerics

/// The validated input arranged study × interval, on the transformed scale.
///
/// Interval t is (times[t−1], times[t]] with times[−1] = 0. Each study holds the cells it
/// contributes: the transformed conditional survival
///
///     y = arcsin √((n·c + 1/4) / (n + 1/2)),  v = 1 / (4 (n + 1/2))
///
/// (Combescure et al. 2014, section 2.1: Anscombe's continuity-corrected arcsine with n the number
/// at risk of the interval and c its conditional survival).
///
/// Default mode: `times` is the union of all studies' times, so studies need no common grid. A study
/// contributes exactly the intervals up to its own last time; where one of its reported intervals
/// spans several grid intervals, it is split assuming a constant hazard inside it (c_k = c^{Δ_k/Δ},
/// at risk n_k = n·Π_{l<k} c_l), and those cells are flagged `interpolated`. Nothing beyond a
/// study's follow-up is filled in: the pooling uses each study's own subset of intervals.
///
/// RISCA mode: `times` is the sorted set of times, every study must report a prefix of it, and every
/// study gets a cell in every interval: past its follow-up, y = the unweighted mean of the column's
/// defined values and v = 10¹² (RISCA's fill-in); an undefined y (a survival of 0 followed by more
/// rows, or a rise that pushes the arcsine argument above 1) is replaced by that same column mean
/// while keeping its own v.
struct SummaryCurveData: Sendable {
    struct Cell: Sendable, Equatable {
        /// Index of the grid interval.
        var interval: Int
        var y: Double
        var v: Double
        /// Number at risk used for y (after any split).
        var n: Double
        /// The conditional survival c (nil for RISCA's fill-ins past follow-up; NaN where undefined).
        var conditionalSurvival: Double?
        /// A reported (or interpolated, or RISCA-replaced) cell: counts in Q, in df and in RISCA's
        /// moment correction. False only for RISCA's fill-ins past a study's follow-up.
        var counts: Bool
        /// Split from a reported interval spanning several grid intervals (default mode).
        var interpolated: Bool
        /// RISCA mode: y was undefined and replaced by the column mean.
        var replaced: Bool
    }

    struct Study: Sendable {
        var label: String
        /// Cells in increasing interval order.
        var cells: [Cell]
        var stratum: String?
        var indices: [Int] { cells.map(\.interval) }
    }

    let compatibility: SummaryCurveCompatibility
    /// Right ends of the grid intervals, increasing.
    let times: [Double]
    let studies: [Study]
    /// Rows whose undefined y RISCA replaced by the column mean (RISCA mode).
    let replacedRows: [SummaryCurveRowReference]
    /// Rows whose n was derived from their CI.
    let derivedNumberAtRisk: [SummaryCurveRowReference]

    /// RISCA's variance for a cell past a study's follow-up.
    static let riscaMissingVariance = 1e12

    var intervalCount: Int { times.count }

    /// Number of studies contributing a counted cell to each interval.
    var studiesPerInterval: [Int] {
        var k = [Int](repeating: 0, count: times.count)
        for s in studies { for c in s.cells where c.counts { k[c.interval] += 1 } }
        return k
    }

    /// Counted cells (RISCA's "observed" cells).
    var countedCells: Int { studies.reduce(0) { $0 + $1.cells.filter(\.counts).count } }
    var interpolatedCells: Int { studies.reduce(0) { $0 + $1.cells.filter(\.interpolated).count } }

    static func transform(n: Double, c: Double) -> Double {
        asin(((n * c + 0.25) / (n + 0.5)).squareRoot())
    }

    static func variance(n: Double) -> Double { 1 / (4 * (n + 0.5)) }
}

// MARK: - Building

extension SummaryCurveData {
    private struct IndexedRow {
        var index: Int
        var row: SummaryCurveRow
        var n: Double
        var reference: SummaryCurveRowReference {
            SummaryCurveRowReference(index: index + 1, line: row.line, study: row.study, time: row.time)
        }
    }

    /// Validates `rows` and builds the study × interval cells (see the type's documentation).
    /// Throws `SummaryCurveInputError` naming the offending row.
    /// `grid` (default mode only) imposes the interval ends, e.g. the common grid of a strata
    /// comparison; it must contain every row's time. nil = the union of the rows' times.
    init(rows: [SummaryCurveRow], compatibility: SummaryCurveCompatibility, minimumStudies: Int = 2,
         grid imposedGrid: [Double]? = nil) throws {
        self.compatibility = compatibility
        // 1. Row-wise checks.
        for (i, r) in rows.enumerated() {
            let ref = SummaryCurveRowReference(index: i + 1, line: r.line, study: r.study, time: r.time)
            for (name, value) in [("time", r.time), ("surv", r.surv)] where !value.isFinite {
                throw SummaryCurveInputError.notFinite(ref, field: name, value: value)
            }
            for (name, value) in [("n", r.n), ("ci_low", r.ciLow), ("ci_high", r.ciHigh)] {
                if let value, !value.isFinite { throw SummaryCurveInputError.notFinite(ref, field: name, value: value) }
            }
            if r.time <= 0 { throw SummaryCurveInputError.timeNotPositive(ref) }
            if !(0...1).contains(r.surv) { throw SummaryCurveInputError.survivalOutOfRange(ref, value: r.surv) }
            if let n = r.n, n <= 0 { throw SummaryCurveInputError.numberAtRiskNotPositive(ref, value: n) }
            if r.ciLow != nil || r.ciHigh != nil {
                guard let lo = r.ciLow, let hi = r.ciHigh, 0 <= lo, lo <= r.surv, r.surv <= hi, hi <= 1 else {
                    throw SummaryCurveInputError.confidenceLimitsOutOfOrder(
                        ref, low: r.ciLow ?? .nan, surv: r.surv, high: r.ciHigh ?? .nan)
                }
            }
            if r.n == nil && r.ciLow == nil { throw SummaryCurveInputError.missingNumberAtRisk(ref) }
        }

        // 2. Group by study (sorted numerically when every label is a number, as R's order()).
        var groups: [String: [IndexedRow]] = [:]
        var firstSeen: [String] = []
        for (i, r) in rows.enumerated() {
            if groups[r.study] == nil { firstSeen.append(r.study) }
            groups[r.study, default: []].append(IndexedRow(index: i, row: r, n: r.n ?? .nan))
        }
        let labels = SummaryCurveData.sortedLabels(firstSeen)
        if labels.count < minimumStudies {
            throw SummaryCurveInputError.tooFewStudies(found: labels.count, required: minimumStudies)
        }

        // 3. Within-study order, strata, monotonicity, n from CI.
        var ordered: [[IndexedRow]] = []
        var derived: [SummaryCurveRowReference] = []
        for label in labels {
            var g = groups[label]!
            if compatibility == .risca {
                g.sort { $0.row.time < $1.row.time }  // RISCA sorts by (study, time); stable
            }
            for k in g.indices.dropFirst() {
                if g[k].row.time == g[k - 1].row.time {
                    throw SummaryCurveInputError.duplicateTime(g[k].reference)
                }
                if g[k].row.time < g[k - 1].row.time {
                    throw SummaryCurveInputError.timeOutOfOrder(g[k].reference, previousTime: g[k - 1].row.time)
                }
            }
            if let s = g.first(where: { $0.row.stratum != nil })?.row.stratum {
                for r in g where r.row.stratum != nil && r.row.stratum != s {
                    throw SummaryCurveInputError.inconsistentStratum(r.reference, expected: s, found: r.row.stratum!)
                }
            }
            if compatibility == .none {
                for k in g.indices.dropFirst() {
                    if g[k - 1].row.surv == 0 {
                        let zero = g[..<k].last(where: { $0.row.surv == 0 })!.row.time
                        throw SummaryCurveInputError.rowAfterZeroSurvival(g[k].reference, zeroTime: zero)
                    }
                    if g[k].row.surv > g[k - 1].row.surv {
                        throw SummaryCurveInputError.survivalIncreases(
                            g[k].reference, value: g[k].row.surv, previous: g[k - 1].row.surv)
                    }
                }
            }
            try SummaryCurveData.deriveNumberAtRisk(&g, derived: &derived)
            ordered.append(g)
        }

        switch compatibility {
        case .risca:
            let grid = Array(Set(rows.map(\.time))).sorted()
            var studies: [Study] = []
            var replaced: [SummaryCurveRowReference] = []
            var yColumns = [[Double]](repeating: [], count: grid.count)
            for g in ordered {
                let times = g.map(\.row.time)
                for (t, time) in grid.enumerated() where time <= times.last! {
                    if t >= times.count || times[t] != time {
                        throw SummaryCurveInputError.incompleteCommonGrid(study: g[0].row.study, missingTime: time)
                    }
                }
                var cells: [Cell] = []
                for (j, r) in g.enumerated() {
                    // RISCA: the first grid time takes S itself; later rows S_j / S_{j−1} (0/0 = NaN, x/0 = ∞).
                    let c = j == 0 ? r.row.surv : r.row.surv / g[j - 1].row.surv
                    let y = SummaryCurveData.transform(n: r.n, c: c)
                    cells.append(Cell(interval: j, y: y, v: SummaryCurveData.variance(n: r.n), n: r.n,
                                      conditionalSurvival: c, counts: true, interpolated: false, replaced: y.isNaN))
                    if y.isNaN { replaced.append(r.reference) } else { yColumns[j].append(y) }
                }
                studies.append(Study(label: g[0].row.study, cells: cells, stratum: g.first?.row.stratum))
            }
            // Fill-ins: the unweighted mean of each column's defined values.
            var means: [Double] = []
            for (t, column) in yColumns.enumerated() {
                if column.isEmpty { throw SummaryCurveInputError.noDefinedValue(time: grid[t]) }
                means.append(column.reduce(0, +) / Double(column.count))
            }
            for s in studies.indices {
                for c in studies[s].cells.indices where studies[s].cells[c].replaced {
                    studies[s].cells[c].y = means[studies[s].cells[c].interval]
                }
                for t in studies[s].cells.count..<grid.count {
                    studies[s].cells.append(Cell(interval: t, y: means[t], v: SummaryCurveData.riscaMissingVariance,
                                                 n: .nan, conditionalSurvival: nil, counts: false,
                                                 interpolated: false, replaced: false))
                }
            }
            self.times = grid
            self.studies = studies
            self.replacedRows = replaced
        case .none:
            let grid = imposedGrid ?? Array(Set(rows.map(\.time))).sorted()
            var position: [Double: Int] = [:]
            for (t, time) in grid.enumerated() { position[time] = t }
            var studies: [Study] = []
            for g in ordered {
                var cells: [Cell] = []
                var previousTime = 0.0
                var previousSurv = 1.0
                studyLoop: for r in g {
                    let c = r.row.surv / previousSurv  // previousSurv > 0: rows after a 0 were rejected
                    let first = cells.last.map { $0.interval + 1 } ?? 0
                    let last = position[r.row.time]!
                    if first == last {
                        cells.append(Cell(interval: last, y: SummaryCurveData.transform(n: r.n, c: c),
                                          v: SummaryCurveData.variance(n: r.n), n: r.n, conditionalSurvival: c,
                                          counts: true, interpolated: false, replaced: false))
                    } else {
                        // Constant hazard inside the reported interval (previousTime, time].
                        let width = r.row.time - previousTime
                        var atRisk = r.n
                        for k in first...last {
                            let start = k == 0 ? 0 : grid[k - 1]
                            let ck = c > 0 ? pow(c, (grid[k] - start) / width) : 0
                            cells.append(Cell(interval: k, y: SummaryCurveData.transform(n: atRisk, c: ck),
                                              v: SummaryCurveData.variance(n: atRisk), n: atRisk,
                                              conditionalSurvival: ck, counts: true, interpolated: true, replaced: false))
                            // All deaths of a c = 0 interval are put in its first sub-interval; nobody is left.
                            if ck == 0 { break studyLoop }
                            atRisk *= ck
                        }
                    }
                    previousTime = r.row.time
                    previousSurv = r.row.surv
                }
                studies.append(Study(label: g[0].row.study, cells: cells, stratum: g.first?.row.stratum))
            }
            self.times = grid
            self.studies = studies
            self.replacedRows = []
        }
        self.derivedNumberAtRisk = derived
    }

    /// Study labels sorted as R's `order()` sorts the study column: numerically when all are numbers.
    static func sortedLabels(_ labels: [String]) -> [String] {
        let numbers = labels.map { Double($0.trimmingCharacters(in: .whitespaces)) }
        if numbers.allSatisfy({ $0 != nil }) {
            return zip(labels, numbers).sorted { ($0.1!, $0.0) < ($1.1!, $1.0) }.map(\.0)
        }
        return labels.sorted()
    }

    /// n for rows that give only a CI, from the increments of the Greenwood variance of log S:
    /// Var log S(t_j) − Var log S(t_{j−1}) = d / (n (n − d)) = (1 − c) / (n c) with c = S(t_j)/S(t_{j−1}),
    /// so n = (1 − c) / (c · ΔV). The CI is read as a 95 % interval on the log scale (R's survfit
    /// default): Var log S = ((log hi − log lo) / (2 · 1.959964))². An interval without deaths (c = 1)
    /// carries no information on n; it keeps the previous interval's n (an upper bound, as the number
    /// at risk never grows).
    private static func deriveNumberAtRisk(_ g: inout [IndexedRow], derived: inout [SummaryCurveRowReference]) throws {
        let z = 1.959_963_984_540_054
        var previousVariance = 0.0
        var previousSurv = 1.0
        var previousN: Double?
        for k in g.indices {
            let r = g[k].row
            var variance: Double?
            if let lo = r.ciLow, let hi = r.ciHigh {
                if lo > 0 && r.surv > 0 {
                    let se = (log(hi) - log(lo)) / (2 * z)
                    variance = se * se
                }
            }
            if r.n == nil {
                let ref = g[k].reference
                guard let v = variance else {
                    throw SummaryCurveInputError.cannotDeriveNumberAtRisk(ref, reason: "the lower limit or the survival is 0, so the log-scale variance is infinite")
                }
                let c = previousSurv > 0 ? r.surv / previousSurv : .nan
                let dv = v - previousVariance
                if c < 1 && dv > 0 {
                    g[k].n = (1 - c) / (c * dv)
                } else if let pn = previousN {
                    g[k].n = pn
                } else {
                    throw SummaryCurveInputError.cannotDeriveNumberAtRisk(ref, reason: "no deaths and no earlier number at risk in this study")
                }
                derived.append(ref)
            }
            previousVariance = variance ?? previousVariance
            previousSurv = r.surv
            previousN = g[k].n
        }
    }
}
