import Foundation
import StatNumerics

/// One refit of a pooled model in a sensitivity analysis: the pooled estimate and heterogeneity of
/// the studies kept (leave-one-out) or accumulated (cumulative). All on the analysis scale; `i2` in
/// percent. Every value is nil when the refit failed (metafor reports NA).
public struct SensitivityRow: Sendable, Codable, Equatable {
    /// The study left out (leave-one-out) or added at this step (cumulative).
    public var study: String
    /// The number of studies in the refit.
    public var k: Int
    public var estimate: Double?
    public var standardError: Double?
    /// z or t statistic.
    public var statistic: Double?
    public var pValue: Double?
    public var ciLow: Double?
    public var ciHigh: Double?
    /// Cochran's Q of the studies in the refit and its p-value.
    public var q: Double?
    public var qP: Double?
    public var tau2: Double?
    public var i2: Double?
    public var h2: Double?
    /// k − 1 for t-based tests (nil for z, and for k = 1, which metafor fits with z).
    public var degreesOfFreedom: Int?
    /// Why the refit failed, or what it warned about.
    public var notes: [String]

    static func failed(_ study: String, k: Int, _ reason: String) -> SensitivityRow {
        SensitivityRow(study: study, k: k, estimate: nil, standardError: nil, statistic: nil, pValue: nil,
                       ciLow: nil, ciHigh: nil, q: nil, qP: nil, tau2: nil, i2: nil, h2: nil,
                       degreesOfFreedom: nil, notes: [reason])
    }

    init(study: String, k: Int, estimate: Double?, standardError: Double?, statistic: Double?, pValue: Double?,
         ciLow: Double?, ciHigh: Double?, q: Double?, qP: Double?, tau2: Double?, i2: Double?, h2: Double?,
         degreesOfFreedom: Int?, notes: [String]) {
        self.study = study; self.k = k; self.estimate = estimate; self.standardError = standardError
        self.statistic = statistic; self.pValue = pValue; self.ciLow = ciLow; self.ciHigh = ciHigh
        self.q = q; self.qP = qP; self.tau2 = tau2; self.i2 = i2; self.h2 = h2
        self.degreesOfFreedom = degreesOfFreedom; self.notes = notes
    }

    init(study: String, k: Int, _ refit: RefitSummary) {
        let c = refit.coefficients[0]
        self.init(study: study, k: k, estimate: c.estimate, standardError: c.standardError, statistic: c.statistic,
                  pValue: c.pValue, ciLow: c.ciLow, ciHigh: c.ciHigh, q: refit.qe, qP: refit.qeP, tau2: refit.tau2,
                  i2: refit.i2, h2: refit.h2, degreesOfFreedom: refit.degreesOfFreedom, notes: refit.warnings)
    }
}

/// Leave-one-out analysis (metafor 3.8's `leave1out.rma.uni`): the intercept-only model refitted k
/// times, each time without one study, with the same estimator, test, level and control.
///
/// Refits run in parallel across studies; ML/REML/EB refits start τ² at the full-data estimate
/// (see `ModelRefit`). A refit that fails gives a row of nils with the reason, as metafor's NA row.
public struct LeaveOneOut: FitConfigured, Sendable, Equatable {
    public var settings: FitSettings

    public init(settings: FitSettings) {
        self.settings = settings
    }

    /// One row per study, in input order. Needs k ≥ 2 (metafor: "Stopped because k = 1").
    public func run(_ studies: [StudyEffect]) throws -> LeaveOneOutResult {
        let routine = "LeaveOneOut.run"
        let studies = try studies.validated(routine: routine)
        let k = studies.count
        guard k >= 2 else { throw DomainError(routine: routine, "leave-one-out needs at least 2 studies (k = \(k))") }
        let full = try RandomEffectsModel(estimator: settings.estimator, test: settings.test, level: settings.level, control: settings.control,
                                          heterogeneityIntervals: false).fit(studies)
        let yi = studies.map(\.yi), vi = studies.map(\.vi)
        let refit = ModelRefit(model: model)
        let warm = full.model.tau2
        let ones = Matrix(rows: k - 1, columns: 1, repeating: 1)
        // Every refit has k − 1 studies: one critical value for all.
        let ddf: Int? = settings.test.usesTDistribution && k - 1 > 1 ? k - 2 : nil
        let crit = ModelRefit.criticalValue(level: settings.level, ddf: ddf)
        let rows: [SensitivityRow] = ParallelMap.map(k, workspace: { ScoringWorkspace(capacity: k - 1, p: 1) }) { ws, i in
            // Fast path: the k − 1 studies copied into the workspace, no allocation.
            var n = 0
            for j in 0..<k where j != i { ws.y[n] = yi[j]; ws.v[n] = vi[j]; n += 1 }
            ws.setInterceptDesign(n)
            ws.prepare(n)
            if let r = refit.fastFit(ws, warmStart: warm),
               let row = refit.sensitivityRow(ws, r, study: studies[i].label, crit: crit, ddf: ddf) {
                return row
            }
            var y = yi, v = vi
            y.remove(at: i); v.remove(at: i)
            do {
                let r = try refit.fit(yi: y, vi: v, design: ones, names: ["intrcpt"], warmStart: warm)
                return SensitivityRow(study: studies[i].label, k: k - 1, r)
            } catch {
                return .failed(studies[i].label, k: k - 1, "refit failed: \(error)")
            }
        }
        return LeaveOneOutResult(full: full, rows: rows)
    }
}

/// The result of `LeaveOneOut.run`.
public struct LeaveOneOutResult: Sendable, Codable, Equatable {
    /// The fit to all studies.
    public var full: RandomEffectsFit
    /// Row i: the fit without study i.
    public var rows: [SensitivityRow]
}
