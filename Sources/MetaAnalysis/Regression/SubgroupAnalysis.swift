import Foundation
import StatNumerics

/// Subgroup analysis (Borenstein et al. 2009, ch. 19; metafor 3.8 as below), on the analysis scale.
///
/// - Separate τ² (default): the intercept-only model fitted to each subgroup on its own,
///   `rma(yi, vi, subset = g == level)`. A one-study subgroup is fitted as metafor fits k = 1
///   (τ² = 0, Q = 0, p(Q) = 1, I² = 0, H² = 1, test z), with a warning.
/// - Common τ²: one τ² for all subgroups, `rma(yi, vi, mods = ~ factor(g) - 1)`; each subgroup's
///   estimate is its coefficient (its Q is still the subgroup's own Cochran Q; I², H² are not given).
/// - Test for subgroup differences: the equal-effects Q across the subgroup estimates,
///   Q_between = Σ (θ̂_g − θ̄)²/SE_g², θ̄ their inverse-variance mean, with G − 1 df
///   (`rma(estimate, sei = se, method = "FE")`'s QE).
/// - Mixed-effects moderator version: `rma(yi, vi, mods = ~ factor(g))` — QM (χ² or F), QE, the
///   residual τ² and R², as `MetaRegression`.
public struct SubgroupAnalysis: FitConfigured, Sendable, Equatable {
    public var settings: FitSettings
    public var commonTau2: Bool

    public init(settings: FitSettings) {
        self.init(settings: settings, commonTau2: false)
    }

    public init(settings: FitSettings, commonTau2: Bool) {
        self.settings = settings
        self.commonTau2 = commonTau2
    }

    public init(estimator: TauSquaredEstimator = .REML, test: InferenceTest = .z, level: Double = 0.95,
                control: ModelControl = .default, commonTau2: Bool = false) {
        self.init(settings: FitSettings(estimator: estimator, test: test, level: level, control: control), commonTau2: commonTau2)
    }

    /// - Parameters:
    ///   - groups: each study's subgroup (same order as `studies`).
    ///   - levels: the subgroups in reporting order (every value of `groups` must be one); the first is
    ///     the reference level of the moderator version.
    public func fit(_ studies: [StudyEffect], groups: [String], levels: [String]) throws -> SubgroupAnalysisResult {
        let routine = "SubgroupAnalysis.fit"
        let studies = try studies.validated(routine: routine)
        let k = studies.count
        guard groups.count == k else { throw DomainError(routine: routine, "\(groups.count) subgroup labels for \(k) studies") }
        let present = levels.filter { groups.contains($0) }
        guard Set(groups).isSubset(of: Set(levels)) else { throw DomainError(routine: routine, "a study's subgroup is not among the levels") }
        guard present.count >= 2 else {
            throw DomainError(routine: routine, "a subgroup analysis needs at least 2 subgroups; all \(k) studies are in \"\(present.first ?? "")\"")
        }
        var warnings: [String] = []
        if settings.estimator.isEqualEffects && (settings.test == .knha || settings.test == .adhoc) {
            warnings.append("the Knapp & Hartung method is not meant to be used with \(settings.estimator.rawValue) models (metafor's warning)")
        }
        let members = present.map { level in (0..<k).filter { groups[$0] == level } }

        // Each subgroup on its own (also gives each subgroup's Cochran Q).
        var separate: [SubgroupResult] = []
        for (name, index) in zip(present, members) {
            let sub = index.map { studies[$0] }
            var groupTest = settings.test
            var notes: [String] = []
            if sub.count == 1 {
                notes.append("subgroup \"\(name)\" has a single study" + (commonTau2 ? " (its Q is 0)"
                    : ": fitted as metafor does with k = 1 (τ² = 0, Q = 0)"))
                if settings.test != .z {
                    groupTest = .z
                    notes.append("test set to z for subgroup \"\(name)\" because k = 1 (as metafor)")
                }
            }
            let fit = try MixedEffectsModel(estimator: settings.estimator, test: groupTest, level: settings.level, control: settings.control)
                .fit(yi: sub.map(\.yi), vi: sub.map(\.vi), design: Matrix(rows: sub.count, columns: 1, repeating: 1), names: ["intrcpt"])
            let c = fit.coefficients[0]
            separate.append(SubgroupResult(
                group: name, k: sub.count, estimate: c.estimate, standardError: c.standardError, statistic: c.statistic,
                pValue: c.pValue, ciLow: c.ciLow, ciHigh: c.ciHigh, degreesOfFreedom: fit.degreesOfFreedom,
                tau2: fit.tau2, i2: fit.i2, h2: fit.h2, q: fit.qe, qDF: fit.qeDF, qP: fit.qeP,
                warnings: notes + fit.warnings))
            // With a common τ² the subgroup estimate comes from the joint model, which keeps the test.
            warnings += commonTau2 ? notes.filter { !$0.hasPrefix("test set to z") } : notes
        }

        // One τ² for all subgroups: coefficients of the cell-means model.
        var groupResults = separate
        var sharedTau2: Double? = nil
        if commonTau2 {
            let x = Matrix(columns: members.map { index in (0..<k).map { index.contains($0) ? 1.0 : 0.0 } })
            let fit = try MetaRegression(settings: settings)
                .fit(studies, design: x, names: present)
            sharedTau2 = fit.model.tau2
            groupResults = zip(separate, fit.coefficients).map { own, c in
                var r = own
                r.estimate = c.estimate; r.standardError = c.standardError; r.statistic = c.statistic
                r.pValue = c.pValue; r.ciLow = c.ciLow; r.ciHigh = c.ciHigh
                r.degreesOfFreedom = fit.model.degreesOfFreedom
                r.tau2 = fit.model.tau2; r.i2 = nil; r.h2 = nil
                r.warnings = own.warnings.filter { !$0.hasPrefix("test set to z") }
                return r
            }
        }

        // Equal-effects Q across the subgroup estimates.
        let w = groupResults.map { 1 / ($0.standardError * $0.standardError) }
        var qBetween: Double? = nil, qBetweenP: Double? = nil
        if w.allSatisfy({ $0.isFinite && $0 > 0 }) {
            let sumW = w.reduce(0, +)
            let mean = zip(w, groupResults).reduce(0) { $0 + $1.0 * $1.1.estimate } / sumW
            let q = zip(w, groupResults).reduce(0) { $0 + $1.0 * ($1.1.estimate - mean) * ($1.1.estimate - mean) }
            qBetween = q
            qBetweenP = ChiSquared(df: Double(present.count - 1)).sf(q)
        } else {
            warnings.append("a subgroup estimate has a zero standard error, so the test for subgroup differences is undefined")
        }

        // Mixed-effects moderator version (reference = first subgroup).
        var moderator: MetaRegressionFit? = nil
        do {
            var columns: [[Double]] = [[Double](repeating: 1, count: k)]
            for index in members.dropFirst() { columns.append((0..<k).map { index.contains($0) ? 1.0 : 0.0 }) }
            moderator = try MetaRegression(settings: settings)
                .fit(studies, design: Matrix(columns: columns), names: ["intrcpt"] + present.dropFirst().map { $0 })
        } catch {
            warnings.append("the mixed-effects moderator test could not be fitted: \(error)")
        }
        return SubgroupAnalysisResult(
            groups: groupResults, commonTau2: sharedTau2, qBetween: qBetween, qBetweenDF: present.count - 1,
            qBetweenP: qBetweenP, moderatorTest: moderator, warnings: warnings)
    }
}

/// One subgroup's pooled result.
public struct SubgroupResult: Sendable, Codable, Equatable {
    public var group: String
    public var k: Int
    public var estimate: Double
    public var standardError: Double
    public var statistic: Double?
    public var pValue: Double?
    public var ciLow: Double
    public var ciHigh: Double
    /// k − 1 (separate) or k − G (common τ²) for t-based tests; nil for z.
    public var degreesOfFreedom: Int?
    /// The subgroup's τ² (the common one with `commonTau2`).
    public var tau2: Double
    /// I² (percent) and H² of the subgroup's own fit (nil with a common τ²).
    public var i2: Double?
    public var h2: Double?
    /// The subgroup's Cochran Q, its df and p-value.
    public var q: Double
    public var qDF: Int
    public var qP: Double
    public var warnings: [String]
}

/// The result of `SubgroupAnalysis.fit`.
public struct SubgroupAnalysisResult: Sendable, Codable, Equatable {
    public var groups: [SubgroupResult]
    /// The common τ² (nil for separate τ²).
    public var commonTau2: Double?
    /// Equal-effects test for subgroup differences (nil when a subgroup SE is 0).
    public var qBetween: Double?
    public var qBetweenDF: Int
    public var qBetweenP: Double?
    /// The mixed-effects moderator version (nil when it cannot be fitted, with a warning).
    public var moderatorTest: MetaRegressionFit?
    public var warnings: [String]
}
