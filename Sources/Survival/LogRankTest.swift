import StatNumerics

/// The log-rank test comparing survival across groups, optionally stratified, as R's
/// `survdiff(Surv(time, status) ~ group + strata(s))` with rho = 0 computes it (survival 3.5).
///
/// At each distinct event time within a stratum, with n at risk, d events, nₖ at risk in group k:
/// Eₖ += d·nₖ/n and Vₖₗ += d(n − d)/(n²(n − 1)) · nₖ(n·δₖₗ − nₗ) (the hypergeometric variance; 0
/// when n = 1) (Mantel 1966; Peto & Peto 1972). Observed, expected and V are summed over strata.
/// χ² = (O − E)ᵀ V⁻¹ (O − E) over the groups with E > 0 less the first of them, with df = (number
/// of groups with E > 0) − 1; the system is solved by Cholesky (`dposv`).
public struct LogRankTest: Sendable, Equatable, Codable {
    public init() {}

    static let routine = "log-rank test"

    /// - Throws: `DomainError` when `data` has no group labels or fewer than two groups;
    ///   `NumericalError` when the variance matrix is singular.
    public func test(_ data: SurvivalData) throws -> LogRankResult {
        guard let labels = data.groups else {
            throw DomainError(routine: Self.routine, "the data have no group labels; a log-rank test compares groups")
        }
        let levels = data.groupLevels
        guard levels.count >= 2 else {
            throw DomainError(routine: Self.routine, "there is only one group ('\(levels.first ?? "")'); a log-rank test needs at least two")
        }
        let levelIndex = Dictionary(uniqueKeysWithValues: levels.enumerated().map { ($1, $0) })
        let group = labels.map { levelIndex[$0]! }
        let g = levels.count
        let strataLabels = data.strata ?? Array(repeating: "", count: data.count)
        let strataLevels = Array(Set(strataLabels)).sorted()

        var observed = [Double](repeating: 0, count: g)
        var expected = [Double](repeating: 0, count: g)
        var variance = Matrix(rows: g, columns: g)
        for stratum in strataLevels {
            let members = data.times.indices.filter { strataLabels[$0] == stratum }
                .sorted { data.times[$0] < data.times[$1] }
            var atRisk = [Double](repeating: 0, count: g)
            for i in members { atRisk[group[i]] += 1 }
            var k = 0
            while k < members.count {
                let t = data.times[members[k]]
                var deaths = [Double](repeating: 0, count: g)
                var leaving = [Double](repeating: 0, count: g)
                while k < members.count && data.times[members[k]] == t {
                    let i = members[k]
                    if data.events[i] { deaths[group[i]] += 1 }
                    leaving[group[i]] += 1
                    k += 1
                }
                let d = deaths.reduce(0, +)
                let n = atRisk.reduce(0, +)
                if d > 0 {
                    for j in 0..<g {
                        observed[j] += deaths[j]
                        expected[j] += d * atRisk[j] / n
                    }
                    if n > 1 {
                        let factor = d * (n - d) / (n * n * (n - 1))
                        for j in 0..<g {
                            for l in 0..<g {
                                variance[j, l] += factor * atRisk[j] * ((j == l ? n : 0) - atRisk[l])
                            }
                        }
                    }
                }
                for j in 0..<g { atRisk[j] -= leaving[j] }
            }
        }

        let used = (0..<g).filter { expected[$0] > 0 }
        var chiSquare = 0.0
        if used.count >= 2 {
            let kept = Array(used.dropFirst())
            let v = variance.submatrix(rows: kept, columns: kept)
            let diff = kept.map { observed[$0] - expected[$0] }
            do {
                let solution = try v.solveSPD(Matrix(rows: kept.count, columns: 1, columnMajor: diff)).storage
                chiSquare = zip(solution, diff).reduce(0) { $0 + $1.0 * $1.1 }
            } catch {
                throw NumericalError(routine: Self.routine, reason: "the variance matrix of O − E is singular (\(error))",
                                     remedy: "check that every group has subjects at risk at some event time, or merge small groups")
            }
        }
        let counts = levels.map { level in labels.reduce(0) { $0 + ($1 == level ? 1 : 0) } }
        let groups = levels.indices.map {
            LogRankGroup(group: levels[$0], subjects: counts[$0], observed: observed[$0], expected: expected[$0])
        }
        return LogRankResult(groups: groups, variance: variance,
                             test: SurvivalChiSquareTest(statistic: chiSquare, degreesOfFreedom: max(used.count - 1, 0)),
                             strata: data.strata == nil ? 1 : strataLevels.count)
    }
}

/// Observed and expected events of one group in a log-rank test (summed over strata).
public struct LogRankGroup: Sendable, Codable, Equatable {
    public let group: String
    /// Number of subjects (R's `n`).
    public let subjects: Int
    public let observed: Double
    public let expected: Double
}

/// The result of `LogRankTest`.
public struct LogRankResult: Sendable, Codable, Equatable {
    /// Groups in sorted label order (R's factor levels).
    public let groups: [LogRankGroup]
    /// The g × g variance–covariance matrix of O − E (R's `var`).
    public let variance: Matrix
    /// χ², df and p.
    public let test: SurvivalChiSquareTest
    /// Number of strata (1 when unstratified).
    public let strata: Int

    public var chiSquare: Double { test.statistic }
    public var degreesOfFreedom: Int { test.degreesOfFreedom }
    public var pValue: Double? { test.pValue }
}
