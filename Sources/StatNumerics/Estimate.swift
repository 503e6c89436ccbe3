/// A point estimate with its standard error, on the analysis scale (e.g. a log hazard ratio).
///
/// Shared by `Survival` (a Cox log HR) and `MetaAnalysis` (a study's yi with √vi), so that neither
/// module needs the other.
public struct Estimate: Sendable, Codable, Equatable, Hashable {
    public var value: Double
    public var standardError: Double

    public init(value: Double, standardError: Double) {
        self.value = value
        self.standardError = standardError
    }

    /// The sampling variance, SE².
    public var variance: Double { standardError * standardError }
}

/// A two-sided confidence interval at a stated level (0.95 for a 95% interval).
public struct ConfidenceInterval: Sendable, Codable, Equatable, Hashable {
    public var lower: Double
    public var upper: Double
    public var level: Double

    public init(lower: Double, upper: Double, level: Double) {
        self.lower = lower
        self.upper = upper
        self.level = level
    }

    public func contains(_ x: Double) -> Bool { lower <= x && x <= upper }

    /// The interval mapped through a monotone increasing function (e.g. `exp` from log HR to HR).
    public func mapped(_ f: (Double) -> Double) -> ConfidenceInterval {
        ConfidenceInterval(lower: f(lower), upper: f(upper), level: level)
    }
}
