/// The scale of digitized survival values: proportions in [0, 1] or percentages in [0, 100].
public enum SurvivalScale: String, Sendable, Codable, CaseIterable {
    /// Survival as a proportion, 0–1.
    case proportion
    /// Survival as a percentage, 0–100 (divided by 100 before anything else is done).
    case percent

    /// The value that means "everyone alive": 1 or 100.
    public var full: Double { self == .proportion ? 1 : 100 }
}

/// Points read off a published Kaplan–Meier figure with a digitizer ("clicks"), in the order given.
///
/// Nothing is assumed about the clicks: they may be unsorted, repeat a time (the top and the bottom
/// of a vertical step), rise slightly, start before time 0 or slightly above 100 %. The
/// preprocessing of `IPDReconstruction` repairs what can be repaired and reports every repair with
/// the input row it touched (`rows`), so the person who clicked can check it.
public struct DigitizedCurve: Sendable, Codable, Equatable {
    /// Times on the figure's x-axis (any unit, the same as the risk table's).
    public var times: [Double]
    /// Survival on `scale`.
    public var survival: [Double]
    public var scale: SurvivalScale
    /// The input row of each click (e.g. the line of the CSV file it came from), used to name rows
    /// in repairs and errors. Nil: rows are numbered 1, 2, … in the order given.
    public var rows: [Int]?

    public init(times: [Double], survival: [Double], scale: SurvivalScale = .proportion, rows: [Int]? = nil) {
        self.times = times
        self.survival = survival
        self.scale = scale
        self.rows = rows
    }

    /// The input row of click `index` (0-based position).
    public func row(_ index: Int) -> Int {
        Self.row(index, rows: rows)
    }

    /// The input row of click `index` given the curve's `rows`.
    static func row(_ index: Int, rows: [Int]?) -> Int {
        if let rows, index < rows.count { return rows[index] }
        return index + 1
    }
}

/// The numbers at risk printed under a Kaplan–Meier figure: n.risk(t) = #{patients with follow-up ≥ t},
/// the convention of R's `survfit` and of published risk tables.
///
/// The first row must be at time 0 and give the number of patients randomised to the arm (N).
/// A table with that single row is the "N only" case of Guyot et al. (2012), `initialOnly(_:)`.
public struct PrintedRiskTable: Sendable, Codable, Equatable {
    public var times: [Double]
    public var numberAtRisk: [Int]
    /// The input row of each entry (e.g. CSV line); nil: 1, 2, … in the order given.
    public var rows: [Int]?

    public init(times: [Double], numberAtRisk: [Int], rows: [Int]? = nil) {
        self.times = times
        self.numberAtRisk = numberAtRisk
        self.rows = rows
    }

    /// A table that gives only the number of patients at time 0.
    public static func initialOnly(_ n: Int) -> PrintedRiskTable {
        PrintedRiskTable(times: [0], numberAtRisk: [n])
    }

    /// The input row of entry `index` (0-based position).
    public func row(_ index: Int) -> Int {
        if let rows, index < rows.count { return rows[index] }
        return index + 1
    }
}
