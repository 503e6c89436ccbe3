import StatNumerics

/// A chi-square test: statistic, degrees of freedom and upper-tail p-value.
public struct SurvivalChiSquareTest: Sendable, Codable, Equatable {
    public let statistic: Double
    public let degreesOfFreedom: Int
    /// P(χ²_df > statistic); nil when df = 0 (no test).
    public let pValue: Double?

    init(statistic: Double, degreesOfFreedom: Int) {
        self.statistic = statistic
        self.degreesOfFreedom = degreesOfFreedom
        self.pValue = degreesOfFreedom > 0 ? ChiSquared(df: Double(degreesOfFreedom)).sf(statistic) : nil
    }
}
