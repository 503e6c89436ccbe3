import Foundation
import StatNumerics

/// Cumulative meta-analysis (metafor 3.8's `cumul.rma.uni`; Lau et al. 1992): the intercept-only
/// model fitted to the first 1, 2, …, k studies in a given order, with the same estimator, test,
/// level and control. Step 1 has k = 1: as metafor, τ² = 0, Q = 0, p(Q) = 1, I² = 0, H² = 1, and a
/// t-based test falls back to z. Steps are independent fits (each from Hedges' start, as metafor) run
/// in parallel; a step whose fit fails gives a row of nils with the reason.
public struct CumulativeMetaAnalysis: FitConfigured, Sendable, Equatable {
    public var settings: FitSettings

    public init(settings: FitSettings) {
        self.settings = settings
    }

    /// One row per step.
    /// - Parameter order: the indices of `studies` in the order they are added (nil = input order);
    ///   must be a permutation of 0..<k.
    public func run(_ studies: [StudyEffect], order: [Int]? = nil) throws -> CumulativeResult {
        let routine = "CumulativeMetaAnalysis.run"
        let studies = try studies.validated(routine: routine)
        let k = studies.count
        let order = order ?? Array(0..<k)
        guard order.count == k, Set(order) == Set(0..<k) else {
            throw DomainError(routine: routine, "the order must list each of the \(k) studies once")
        }
        let sorted = order.map { studies[$0] }
        let yi = sorted.map(\.yi), vi = sorted.map(\.vi)
        let refit = ModelRefit(model: model)
        let zCrit = ModelRefit.criticalValue(level: settings.level, ddf: nil)
        let rows: [SensitivityRow] = ParallelMap.map(k, workspace: { ScoringWorkspace(capacity: k, p: 1) }) { ws, step in
            let n = step + 1
            // Fast path (n ≥ 2): the first n studies in the workspace, cold start as metafor.
            if n >= 2 {
                for i in 0..<n { ws.y[i] = yi[i]; ws.v[i] = vi[i] }
                ws.setInterceptDesign(n)
                ws.prepare(n)
                let ddf: Int? = settings.test.usesTDistribution ? n - 1 : nil
                if let r = refit.fastFit(ws, warmStart: nil),
                   let row = refit.sensitivityRow(ws, r, study: sorted[step].label,
                                                  crit: ddf == nil ? zCrit : ModelRefit.criticalValue(level: settings.level, ddf: ddf), ddf: ddf) {
                    return row
                }
            }
            do {
                let r = try refit.fit(yi: Array(yi[0..<n]), vi: Array(vi[0..<n]),
                                      design: Matrix(rows: n, columns: 1, repeating: 1), names: ["intrcpt"])
                return SensitivityRow(study: sorted[step].label, k: n, r)
            } catch {
                return .failed(sorted[step].label, k: n, "fit failed: \(error)")
            }
        }
        return CumulativeResult(order: order, rows: rows)
    }

    /// The stable ascending order of `keys` (ties keep input order; nil keys last), as R's `order()`.
    public static func order(by keys: [Double?]) -> [Int] {
        keys.indices.sorted { a, b in
            switch (keys[a], keys[b]) {
            case let (x?, y?): return x != y ? x < y : a < b
            case (.some, nil): return true
            case (nil, .some): return false
            case (nil, nil): return a < b
            }
        }
    }
}

/// The result of `CumulativeMetaAnalysis.run`.
public struct CumulativeResult: Sendable, Codable, Equatable {
    /// The input indices in the order the studies were added.
    public var order: [Int]
    /// Row i: the fit to the first i + 1 studies of `order`; `study` is the one added at that step.
    public var rows: [SensitivityRow]
}
