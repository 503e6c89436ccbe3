import Foundation
import StatNumerics

/// The root in [0, upper] of f(τ²), which decreases in τ² (Q(τ²) − target for PM/PMM, ½ − P(Qₐ > q) for
/// GENQM): 0 when f(0) < 0 already (τ² truncated at 0, as metafor does), Brent's root otherwise. When f
/// is still positive at `upper` it throws, as metafor's "Value of 'tau2.max' too low" does, with the
/// remedy. Returns the root and the number of evaluations inside the search.
func tau2Root(upper: Double, tolerance: Double, routine: String, stillAbove: String, alternatives: String,
              _ f: (Double) throws -> Double) throws -> (tau2: Double, evaluations: Int) {
    if try f(0) < 0 { return (0, 0) }
    if try f(upper) > 0 {
        throw NumericalError(routine: routine, reason: "\(stillAbove) at the upper search bound τ² = \(upper)", iteration: nil,
                             remedy: "raise the upper bound (--tau2-max) or use another estimator such as \(alternatives)")
    }
    var evaluations = 0
    let root = try RootFinding.brent(in: 0...upper, tolerance: tolerance) { t in
        evaluations += 1
        return try f(t)
    }
    return (root, evaluations)
}

/// τ² with its standard error and the iteration record, as one estimator produced it.
struct TauSquaredFit {
    var tau2: Double
    var standardError: Double?
    var convergence: Convergence
    /// Notes a reader should see (e.g. metafor's "stuck at a local maximum, τ² set to 0").
    var warnings: [String] = []
}

/// The τ² estimators of metafor 3.8's `rma.uni`, for y = Xβ + u + ε, u ~ N(0, τ²), ε ~ N(0, diag v).
///
/// Each follows the definition in `TauSquaredEstimator`; the standard errors are the ones
/// metafor reports (`se.tau2`). All algebra goes through `WeightedProjection`: O(k·p²) per
/// evaluation, no k × k matrices.
struct TauSquaredEstimation {
    /// Pure Fisher-scoring steps before Newton steps may be taken.
    static let fisherIterations = 10

    let y: [Double]
    let v: [Double]
    let x: Matrix
    let control: ModelControl
    /// Weights aᵢ of the generalized Q estimator.
    let genqWeights: [Double]?

    var k: Int { y.count }
    var p: Int { x.columns }

    /// y centred at its mean, as metafor uses inside the estimators (`Ymc`).
    var centred: [Double] {
        let mean = y.reduce(0, +) / Double(k)
        return y.map { $0 - mean }
    }

    func fit(_ estimator: TauSquaredEstimator) throws -> TauSquaredFit {
        if estimator.isEqualEffects {
            return TauSquaredFit(tau2: 0, standardError: nil, convergence: Convergence(converged: true, iterations: 0, lastChange: nil))
        }
        if k == 1 {
            // metafor switches to its "k1" path: τ² = 0, no standard error.
            return TauSquaredFit(tau2: 0, standardError: nil, convergence: Convergence(converged: true, iterations: 0, lastChange: nil))
        }
        let kp = Double(k - p)
        let ymc = centred
        let closed = Convergence(converged: true, iterations: 0, lastChange: nil)
        switch estimator {
        case .EE, .FE:
            fatalError("handled above")
        case .HS, .HSk:
            let proj = try WeightedProjection(weights: v.map { 1 / $0 }, design: x)
            let rss = proj.quadratic(ymc)
            let sumW = proj.d.reduce(0, +)
            let raw = estimator == .HS ? (rss - Double(k)) / sumW : (Double(k) / kp * rss - Double(k)) / sumW
            let tau2 = max(0, raw)
            var se = (1 / (sumW * sumW) * (2 * kp + 4 * tau2 * proj.trace + 2 * tau2 * tau2 * proj.weightedSquaredSum())).squareRoot()
            if estimator == .HSk { se *= Double(k) / kp }
            return TauSquaredFit(tau2: tau2, standardError: se, convergence: closed)
        case .HE:
            let (tau2, se) = try hedges(ymc)
            return TauSquaredFit(tau2: max(0, tau2), standardError: se, convergence: closed)
        case .DL:
            let proj = try WeightedProjection(weights: v.map { 1 / $0 }, design: x)
            let rss = proj.quadratic(ymc)
            let trP = proj.trace
            let tau2 = max(0, (rss - kp) / trP)
            let se = (1 / (trP * trP) * (2 * kp + 4 * tau2 * trP + 2 * tau2 * tau2 * proj.weightedSquaredSum())).squareRoot()
            return TauSquaredFit(tau2: tau2, standardError: se, convergence: closed)
        case .GENQ, .GENQM:
            let a = genqWeights ?? v.map { 1 / $0 }
            let proj = try WeightedProjection(weights: a, design: x)
            let rss = proj.quadratic(ymc)
            let trP = proj.trace
            let trPV = proj.traceTimesDiagonal(v)
            var tau2 = max(0, (rss - trPV) / trP)
            var convergence = closed
            if estimator == .GENQM {
                // metafor evaluates the generalized Q at the centred y (Ymc), as here.
                let (root, evaluations) = try GeneralizedQ(yi: ymc, vi: v, design: x, weights: a, control: control)
                    .medianUnbiasedTau2(upper: control.tau2Max ?? defaultTau2Max)
                tau2 = root
                convergence = Convergence(converged: true, iterations: evaluations, lastChange: nil)
            }
            let se = (1 / (trP * trP) * (2 * proj.weightedSquaredSum(u: v, v: v)
                + 4 * tau2 * proj.weightedSquaredSum(v: v) + 2 * tau2 * tau2 * proj.weightedSquaredSum())).squareRoot()
            return TauSquaredFit(tau2: tau2, standardError: se, convergence: convergence)
        case .SJ:
            let tau20 = ymc.reduce(0) { $0 + $1 * $1 } / Double(k)
            let proj = try WeightedProjection(weights: v.map { 1 / ($0 + tau20) }, design: x)
            let rss = proj.quadratic(ymc)
            let tau2 = max(0, tau20 * rss / kp)
            let se = (tau20 * tau20 / (kp * kp) * (2 * proj.weightedSquaredSum(u: v, v: v)
                + 4 * tau2 * proj.weightedSquaredSum(v: v) + 2 * tau2 * tau2 * proj.weightedSquaredSum())).squareRoot()
            return TauSquaredFit(tau2: tau2, standardError: se, convergence: closed)
        case .PM, .PMM:
            let target = estimator == .PM ? kp : ChiSquared(df: kp).quantile(0.5)
            let (tau2, iterations) = try pauleMandel(ymc, target: target, name: estimator.rawValue)
            let sumW = v.reduce(0) { $0 + 1 / ($1 + tau2) }
            let se = (2 * Double(k * k) / kp / (sumW * sumW)).squareRoot()
            return TauSquaredFit(tau2: tau2, standardError: se, convergence: Convergence(converged: true, iterations: iterations, lastChange: nil))
        case .ML, .REML, .EB:
            return try fisherScoring(estimator, ymc)
        }
    }

    /// Hedges' estimator and its SE (unweighted OLS projection P₁ = I − X(XᵀX)⁻¹Xᵀ).
    func hedges(_ ymc: [Double]) throws -> (tau2: Double, se: Double) {
        let kp = Double(k - p)
        let proj = try WeightedProjection(weights: [Double](repeating: 1, count: k), design: x)
        let rss = proj.quadratic(ymc)
        let trPV = proj.traceTimesDiagonal(v)
        let raw = (rss - trPV) / kp
        let t = max(0, raw)
        let se = (1 / (kp * kp) * (2 * proj.weightedSquaredSum(u: v, v: v) + 4 * t * trPV + 2 * t * t * kp)).squareRoot()
        return (raw, se)
    }

    /// Q(τ²) = yᵀ P(τ²) y with P built from weights 1/(vᵢ + τ²) (metafor's `.QE.func`).
    func generalizedQ(_ tau2: Double, _ yv: [Double]) throws -> Double {
        try WeightedProjection(weights: v.map { 1 / ($0 + tau2) }, design: x).quadratic(yv)
    }

    /// metafor's default upper end of τ² searches: max(100, 10·mad(y)²).
    var defaultTau2Max: Double {
        let med = median(y)
        let mad = 1.4826 * median(y.map { abs($0 - med) })
        return max(100, 10 * mad * mad)
    }

    /// Paule–Mandel type estimators: the τ² ≥ 0 at which Q(τ²) equals `target`.
    func pauleMandel(_ ymc: [Double], target: Double, name: String) throws -> (Double, Int) {
        try tau2Root(upper: control.tau2Max ?? defaultTau2Max, tolerance: control.rootTolerance,
                     routine: "\(name) estimator (root of Q(τ²) = \(target))",
                     stillAbove: "Q(τ²) is still above its target",
                     alternatives: "REML or DL") { try generalizedQ($0, ymc) - target }
    }

    /// ML, REML and EB by Fisher scoring from the Hedges estimate, halving any step that would make
    /// τ² negative (metafor's algorithm, including its `ll0check` for ML/REML) and, for ML/REML,
    /// any step that would lower the likelihood; after `fisherIterations` steps, Newton steps with the
    /// observed information finish the job (the same maximum, reached quadratically).
    ///
    /// With `start` (e.g. the full-data τ² when refitting with one study left out), the iteration
    /// starts there instead and takes Newton steps from the first one; the maximum is the same when the
    /// likelihood is unimodal on τ² ≥ 0, reached in 2–4 iterations instead of 5–20.
    func fisherScoring(_ estimator: TauSquaredEstimator, _ ymc: [Double], start: Double? = nil) throws -> TauSquaredFit {
        let kp = Double(k - p)
        var tau2 = try start.map { max(0, $0.isFinite ? $0 : 0) } ?? max(0, hedges(ymc).tau2)
        let newtonAfter = start == nil ? TauSquaredEstimation.fisherIterations : 0
        var change = Double.infinity
        var iteration = 0
        var proj = try WeightedProjection(weights: v.map { 1 / ($0 + tau2) }, design: x)
        var currentLikelihood: Double? = nil
        while change > control.threshold {
            if iteration >= control.maxIterations {
                throw NumericalError(routine: "\(estimator.rawValue) Fisher scoring",
                                     reason: "τ² still changed by \(change) (threshold \(control.threshold)) after \(iteration) iterations",
                                     iteration: iteration,
                                     remedy: "allow more iterations (--max-iter), damp the steps (--step-adjust 0.5), or use a non-iterative estimator such as DL or PM")
            }
            iteration += 1
            let old = tau2
            let w = proj.d
            // Fisher scoring step: score / expected information (metafor's update). After
            // `fisherIterations` steps without convergence, a Newton step (score / observed
            // information) is taken instead whenever the observed information is positive:
            // Fisher scoring only converges linearly when the two informations differ, and
            // metafor then needs hundreds of iterations; Newton reaches the same root quadratically.
            let useNewton = iteration > newtonAfter
            var adj: Double
            switch estimator {
            case .ML:
                let sumW = w.reduce(0, +)
                let sumW2 = w.reduce(0) { $0 + $1 * $1 }
                let score = proj.quadraticSquared(ymc) - sumW            // 2·U
                adj = score / sumW2
                if useNewton {
                    let r = proj.apply(ymc)
                    let observed = 2 * proj.quadratic(r) - sumW2         // −2·dU/dτ²
                    if observed > 0 { adj = score / observed }
                }
            case .REML:
                let trPP = proj.weightedSquaredSum()
                let score = proj.quadraticSquared(ymc) - proj.trace      // 2·U
                adj = score / trPP
                if useNewton {
                    let r = proj.apply(ymc)
                    let observed = 2 * proj.quadratic(r) - trPP          // −2·dU/dτ²
                    if observed > 0 { adj = score / observed }
                }
            default: // EB: root of f(τ²) = Q(τ²)·k/(k − p) − k, Q decreasing with dQ/dτ² = −yᵀPPy
                let sumW = w.reduce(0, +)
                let f = proj.quadratic(ymc) * Double(k) / kp - Double(k)
                adj = f / sumW
                if useNewton {
                    let slope = proj.quadraticSquared(ymc) * Double(k) / kp
                    if slope > 0 { adj = f / slope }
                }
            }
            adj *= control.stepAdjustment
            if !adj.isFinite { adj = 0 }
            while tau2 + adj < 0 { adj /= 2 }
            // For ML and REML, also halve a step that lowers the likelihood: Fisher scoring then
            // ascends monotonically and cannot cycle. Where metafor's plain steps ascend (almost
            // always) nothing changes; where they overshoot, metafor oscillates and stops without
            // converging, while this reaches the same maximum.
            if estimator != .EB && adj != 0 {
                let reml = estimator == .REML
                let current = try currentLikelihood ?? logLikelihood(tau2: tau2, ymc, reml: reml)
                var halvings = 0
                var trial = try logLikelihood(tau2: tau2 + adj, ymc, reml: reml)
                while halvings < 50, trial < current - 1e-12 * max(1, abs(current)) {
                    adj /= 2
                    halvings += 1
                    trial = try logLikelihood(tau2: tau2 + adj, ymc, reml: reml)
                }
                currentLikelihood = trial
            }
            tau2 += adj
            change = abs(old - tau2)
            proj = try WeightedProjection(weights: v.map { 1 / ($0 + tau2) }, design: x)
        }
        var warnings: [String] = []
        if control.likelihoodAtZeroCheck, estimator != .EB {
            let reml = estimator == .REML
            let ll0 = try logLikelihood(tau2: 0, ymc, reml: reml)
            let ll = try logLikelihood(tau2: tau2, ymc, reml: reml)
            if ll0 - ll > 1.220703125e-4 && tau2 > control.threshold {
                warnings.append("Fisher scoring may have stopped at a local maximum; the likelihood is higher at τ² = 0, so τ² was set to 0")
                tau2 = 0
                proj = try WeightedProjection(weights: v.map { 1 / $0 }, design: x)
            }
        }
        let se: Double
        switch estimator {
        case .ML: se = (2 / proj.d.reduce(0) { $0 + $1 * $1 }).squareRoot()
        case .REML: se = (2 / proj.weightedSquaredSum()).squareRoot()
        default:
            let sumW = proj.d.reduce(0, +)
            se = (2 * Double(k * k) / kp / (sumW * sumW)).squareRoot()
        }
        return TauSquaredFit(tau2: tau2, standardError: se,
                             convergence: Convergence(converged: true, iterations: iteration, lastChange: change),
                             warnings: warnings)
    }

    /// The (restricted) log-likelihood at τ² as metafor's `ll0check` computes it (no REMLf term).
    func logLikelihood(tau2: Double, _ yv: [Double], reml: Bool) throws -> Double {
        let w = v.map { 1 / ($0 + tau2) }
        let proj = try WeightedProjection(weights: w, design: x)
        let rss = proj.quadratic(yv)
        let sumLog = v.reduce(0) { $0 + log($1 + tau2) }
        if reml {
            let logDet = try proj.logDeterminantGram()
            return -0.5 * Double(k - p) * log(2 * Double.pi) - 0.5 * sumLog - 0.5 * logDet - 0.5 * rss
        }
        return -0.5 * Double(k) * log(2 * Double.pi) - 0.5 * sumLog - 0.5 * rss
    }
}

/// The median of a non-empty array (mean of the two middle values for an even count), as R's `median`.
func median(_ values: [Double]) -> Double {
    let s = values.sorted()
    let n = s.count
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2
}
