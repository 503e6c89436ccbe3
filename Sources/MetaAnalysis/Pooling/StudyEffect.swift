import StatNumerics

/// One study's effect on the analysis scale: an estimate `yi` with sampling variance `vi`
/// (e.g. a log hazard ratio and the square of its standard error), as metafor's `yi`, `vi`.
public struct StudyEffect: Sendable, Codable, Equatable, Hashable {
    public var label: String
    /// The estimate on the analysis scale (log HR, logit proportion, …).
    public var yi: Double
    /// The sampling variance of `yi` (> 0).
    public var vi: Double

    public init(label: String, yi: Double, vi: Double) {
        self.label = label
        self.yi = yi
        self.vi = vi
    }

    public var standardError: Double { vi.squareRoot() }
}

extension Array where Element == StudyEffect {
    /// Throws `DomainError` unless every estimate is finite and every variance finite and > 0.
    func validated(routine: String) throws -> [StudyEffect] {
        if isEmpty { throw DomainError(routine: routine, "no studies to pool") }
        for (i, s) in enumerated() {
            if !s.yi.isFinite {
                throw DomainError(routine: routine, "study \(i + 1) (\(s.label)): estimate \(s.yi) is not finite")
            }
            if !(s.vi.isFinite && s.vi > 0) {
                throw DomainError(routine: routine, "study \(i + 1) (\(s.label)): variance \(s.vi) must be finite and > 0")
            }
        }
        return self
    }
}
