import Foundation
import StatNumerics

extension TauSquaredEstimation {
    /// ML, REML or EB τ² from a starting value near the answer — the full-data τ² when refitting with
    /// one study left out — instead of the Hedges estimate the cold path starts from.
    ///
    /// Each step is a Newton step (score over observed information) when that information is positive,
    /// else a Fisher-scoring step (expected information), as the cold path's late phase; a step that
    /// would make τ² negative or (ML, REML) lower the likelihood is halved. Stops when |Δτ²| ≤ threshold,
    /// then applies metafor's `ll0check` (τ² = 0 when the likelihood is higher there). The maximum
    /// reached is the one the cold path reaches from Hedges' estimate whenever the likelihood is
    /// unimodal on τ² ≥ 0, in 2–4 iterations instead of 5–20.
    /// - Returns: nil when `maxIterations` is exhausted (the caller then takes the cold path).
    func warmStartedScoring(_ estimator: TauSquaredEstimator, from start: Double) throws -> TauSquaredFit? {
        precondition(estimator == .ML || estimator == .REML || estimator == .EB)
        let ymc = centred
        let kp = Double(k - p)
        var tau2 = max(0, start.isFinite ? start : 0)
        var proj = try WeightedProjection(weights: v.map { 1 / ($0 + tau2) }, design: x)
        var change = Double.infinity
        var iteration = 0
        let reml = estimator == .REML
        // The (restricted) log-likelihood at the current τ², carried from one step to the next.
        var currentLL = estimator == .EB ? 0 : try logLikelihood(tau2: tau2, ymc, reml: reml)
        while change > control.threshold {
            if iteration >= control.maxIterations { return nil }
            iteration += 1
            let old = tau2
            let w = proj.d
            var adj: Double
            switch estimator {
            case .ML:
                let sumW = w.reduce(0, +)
                let sumW2 = w.reduce(0) { $0 + $1 * $1 }
                let r = proj.apply(ymc)
                let score = r.reduce(0) { $0 + $1 * $1 } - sumW
                let observed = 2 * proj.quadratic(r) - sumW2
                adj = score / (observed > 0 ? observed : sumW2)
            case .REML:
                let trPP = proj.weightedSquaredSum()
                let r = proj.apply(ymc)
                let score = r.reduce(0) { $0 + $1 * $1 } - proj.trace
                let observed = 2 * proj.quadratic(r) - trPP
                adj = score / (observed > 0 ? observed : trPP)
            default:
                let f = proj.quadratic(ymc) * Double(k) / kp - Double(k)
                let slope = proj.quadraticSquared(ymc) * Double(k) / kp
                adj = f / (slope > 0 ? slope : w.reduce(0, +))
            }
            adj *= control.stepAdjustment
            if !adj.isFinite { adj = 0 }
            if tau2 == 0 && adj < 0 { adj = 0 }
            while tau2 + adj < 0 { adj /= 2 }
            if estimator != .EB && adj != 0 {
                var trial = try logLikelihood(tau2: tau2 + adj, ymc, reml: reml)
                var halvings = 0
                while halvings < 50, trial < currentLL - 1e-12 * max(1, abs(currentLL)) {
                    adj /= 2
                    halvings += 1
                    trial = try logLikelihood(tau2: tau2 + adj, ymc, reml: reml)
                }
                currentLL = trial
            }
            tau2 += adj
            change = abs(old - tau2)
            proj = try WeightedProjection(weights: v.map { 1 / ($0 + tau2) }, design: x)
        }
        var warnings: [String] = []
        if control.likelihoodAtZeroCheck, estimator != .EB {
            let ll0 = try logLikelihood(tau2: 0, ymc, reml: reml)
            if ll0 - currentLL > 1.220703125e-4 && tau2 > control.threshold {
                warnings.append("Fisher scoring may have stopped at a local maximum; the likelihood is higher at τ² = 0, so τ² was set to 0")
                tau2 = 0
            }
        }
        return TauSquaredFit(tau2: tau2, standardError: nil,
                             convergence: Convergence(converged: true, iterations: iteration, lastChange: change),
                             warnings: warnings)
    }
}
