import Foundation
import StatNumerics

/// The binomial–normal random-intercept model for single-group proportions,
/// xᵢ ~ Bin(nᵢ, expit(β + uᵢ)), uᵢ ~ N(0, τ²), fitted by maximum likelihood — metafor 3.8's
/// `rma.glmm(measure = "PLO", method = "ML")`, which calls `lme4::glmer(..., nAGQ = 7)`.
///
/// The marginal likelihood of each study, ∫ Bin(xᵢ | nᵢ, expit(β + u)) φ(u; 0, τ²) du, is computed by
/// adaptive Gauss–Hermite quadrature (Liu & Pierce 1994): the integrand is centred at its mode ûᵢ
/// (Newton on the log integrand) and scaled by σ̂ᵢ = (nᵢμ̂ᵢ(1 − μ̂ᵢ) + 1/τ²)^{−1/2}; the rule is
/// invariant to affine reparametrization, so with the same number of nodes it equals lme4's
/// approximation. (β̂, τ̂) maximize the approximate log-likelihood (profile over τ, Brent in both
/// directions); SE(β̂) comes from the inverse Hessian of the log-likelihood in (τ, β) by Richardson-
/// extrapolated central differences, as lme4's `vcov` uses the Hessian of its deviance.
///
/// Heterogeneity as metafor reports it: the Wald test of equal study logits in the saturated
/// (study-dummy) logistic model, Σ wᵢ(θ̂ᵢ − θ̄)² with wᵢ = nᵢp̂ᵢ(1 − p̂ᵢ) (studies at 0% or 100% have
/// wᵢ → 0), the likelihood-ratio test saturated vs common proportion, and I² = 100·τ²/(τ² + ṽ),
/// H² = τ²/ṽ + 1 with ṽ from the escalc PLO variances.
public struct BinomialNormalModel: Sendable, Equatable {
    /// Quadrature points (metafor/lme4 default 7; 1 is the Laplace approximation).
    public var quadraturePoints: Int
    public var level: Double

    public init(quadraturePoints: Int = 7, level: Double = 0.95) {
        self.quadraturePoints = quadraturePoints
        self.level = level
    }

    public func fit(events: [Double], n: [Double], labels: [String]? = nil) throws -> BinomialNormalFit {
        let routine = "rma.glmm(PLO) binomial-normal model"
        let k = events.count
        guard k >= 1, n.count == k else { throw DomainError(routine: routine, "events and n must have the same, non-zero length") }
        for i in 0..<k {
            guard events[i].isFinite, n[i].isFinite, n[i] > 0, events[i] >= 0, events[i] <= n[i], events[i] == events[i].rounded(), n[i] == n[i].rounded() else {
                throw DomainError(routine: routine, "study \(i + 1): events \(events[i]) of n \(n[i]) must be whole numbers with 0 ≤ events ≤ n, n > 0")
            }
        }
        guard level > 0 && level < 1 else { throw DomainError(routine: routine, "level must lie in (0, 1)") }
        let rule = try GaussHermiteRule(points: quadraturePoints)
        let likelihood = MarginalLikelihood(x: events, n: n, rule: rule)

        // Starting ranges from the escalc logits.
        let logits = try zip(events, n).map { try ProportionEffects.escalc(events: $0, n: $1, measure: .PLO).yi }
        let betaLow = (logits.min() ?? 0) - 5, betaHigh = (logits.max() ?? 0) + 5
        let spread = (logits.max() ?? 0) - (logits.min() ?? 0)
        let tauHigh = max(5, 3 * spread)

        func profile(_ tau: Double) throws -> (beta: Double, ll: Double) {
            let r = try Minimization.brent(in: betaLow...betaHigh, tolerance: 1e-12) { -likelihood.logLikelihood(beta: $0, tau: tau) }
            return (r.x, -r.value)
        }
        let outer = try Minimization.brent(in: 0...tauHigh, tolerance: 1e-12) { try -profile($0).ll }
        var tau = outer.x
        var (beta, ll) = try profile(tau)
        // The boundary τ = 0 is a candidate too (Brent never evaluates an end point exactly).
        let atZero = try profile(0)
        if atZero.ll >= ll { tau = 0; beta = atZero.beta; ll = atZero.ll }
        if tau >= tauHigh * 0.999 {
            throw NumericalError(routine: routine, reason: "the maximum lies at the search bound τ = \(tauHigh)", iteration: outer.iterations,
                                 remedy: "the data hold no information on τ (e.g. all proportions at 0% or 100%); use a transformed-proportion model (pool --measure PLO)")
        }

        // Hessian of the log-likelihood in (τ, β) → Var(β̂).
        let variance: Double
        if tau > 1e-6 {
            let h = hessian(likelihood, tau: tau, beta: beta)
            let det = h.tt * h.bb - h.tb * h.tb
            guard det > 0, h.tt < 0 else {
                throw NumericalError(routine: routine, reason: "the log-likelihood is not concave at its maximum (Hessian not negative definite)",
                                     iteration: outer.iterations, remedy: "check for studies at 0% or 100% only, or use --quadrature-points 1")
            }
            variance = -h.tt / det
        } else {
            let d2 = secondDerivative { likelihood.logLikelihood(beta: $0, tau: 0) }(beta)
            variance = -1 / d2
        }
        guard variance > 0, variance.isFinite else {
            throw NumericalError(routine: routine, reason: "the information for β is not positive", iteration: outer.iterations, remedy: "check the counts")
        }
        let se = variance.squareRoot()
        let z = beta / se
        let crit = Normal.standard.upperQuantile((1 - level) / 2)

        // Heterogeneity tests from the fixed-effects and saturated logistic models.
        var qWald = 0.0
        var wSum = 0.0, wy = 0.0
        var weightsSat = [Double](repeating: 0, count: k), thetaSat = [Double](repeating: 0, count: k)
        for i in 0..<k where events[i] > 0 && events[i] < n[i] {
            let p = events[i] / n[i]
            weightsSat[i] = n[i] * p * (1 - p)
            thetaSat[i] = log(p / (1 - p))
            wSum += weightsSat[i]; wy += weightsSat[i] * thetaSat[i]
        }
        if wSum > 0 {
            let mean = wy / wSum
            for i in 0..<k { qWald += weightsSat[i] * (thetaSat[i] - mean) * (thetaSat[i] - mean) }
        }
        let pooled = events.reduce(0, +) / n.reduce(0, +)
        var llSat = 0.0, llFE = 0.0
        for i in 0..<k {
            let lc = logChoose(n[i], events[i])
            let p = events[i] / n[i]
            llSat += lc + xlogy(events[i], p) + xlogy(n[i] - events[i], 1 - p)
            llFE += lc + xlogy(events[i], pooled) + xlogy(n[i] - events[i], 1 - pooled)
        }
        let qLRT = max(0, 2 * (llSat - llFE))
        let df = k - 1
        let vi = try zip(events, n).map { try ProportionEffects.escalc(events: $0, n: $1, measure: .PLO).vi }
        let w = vi.map { 1 / $0 }
        let sumW = w.reduce(0, +)
        let trP = sumW - w.reduce(0) { $0 + $1 * $1 } / sumW
        let vt = k > 1 ? Double(df) / trP : 0
        let tau2 = tau * tau
        return BinomialNormalFit(
            k: k, estimate: beta, standardError: se, statistic: z, pValue: 2 * Normal.standard.sf(abs(z)),
            ciLow: beta - crit * se, ciHigh: beta + crit * se, tau2: tau2,
            qWald: df > 0 ? max(0, qWald) : 0, qWaldP: df > 0 ? ChiSquared(df: Double(df)).sf(max(0, qWald)) : 1,
            qLRT: df > 0 ? qLRT : 0, qLRTP: df > 0 ? ChiSquared(df: Double(df)).sf(qLRT) : 1, qDF: df,
            i2: k > 1 ? 100 * tau2 / (vt + tau2) : 0, h2: k > 1 ? tau2 / vt + 1 : 1, typicalVariance: vt,
            logLikelihood: ll, quadraturePoints: quadraturePoints, level: level)
    }

    struct Hessian { var tt: Double; var tb: Double; var bb: Double }

    /// Central-difference Hessian with one Richardson extrapolation step (error O(h⁴)).
    func hessian(_ f: MarginalLikelihood, tau: Double, beta: Double) -> Hessian {
        func at(_ h: Double) -> Hessian {
            let ht = h * max(tau, 0.1), hb = h * max(abs(beta), 0.1)
            let f0 = f.logLikelihood(beta: beta, tau: tau)
            let ftt = (f.logLikelihood(beta: beta, tau: tau + ht) - 2 * f0 + f.logLikelihood(beta: beta, tau: tau - ht)) / (ht * ht)
            let fbb = (f.logLikelihood(beta: beta + hb, tau: tau) - 2 * f0 + f.logLikelihood(beta: beta - hb, tau: tau)) / (hb * hb)
            let ftb = (f.logLikelihood(beta: beta + hb, tau: tau + ht) - f.logLikelihood(beta: beta - hb, tau: tau + ht)
                - f.logLikelihood(beta: beta + hb, tau: tau - ht) + f.logLikelihood(beta: beta - hb, tau: tau - ht)) / (4 * ht * hb)
            return Hessian(tt: ftt, tb: ftb, bb: fbb)
        }
        let h = min(1e-3, 0.5 * tau / max(tau, 0.1))
        let a = at(h), b = at(h / 2)
        return Hessian(tt: (4 * b.tt - a.tt) / 3, tb: (4 * b.tb - a.tb) / 3, bb: (4 * b.bb - a.bb) / 3)
    }

    func secondDerivative(_ f: @escaping (Double) -> Double) -> (Double) -> Double {
        { x in
            let h = 1e-3 * max(abs(x), 0.1)
            let d1 = (f(x + h) - 2 * f(x) + f(x - h)) / (h * h)
            let d2 = (f(x + h / 2) - 2 * f(x) + f(x - h / 2)) / (h * h / 4)
            return (4 * d2 - d1) / 3
        }
    }
}

/// The adaptive-quadrature marginal log-likelihood Σᵢ log ∫ Bin(xᵢ | nᵢ, expit(β + u)) φ(u; 0, τ²) du.
struct MarginalLikelihood {
    let x: [Double]
    let n: [Double]
    let rule: GaussHermiteRule

    func logLikelihood(beta: Double, tau: Double) -> Double {
        var total = 0.0
        for i in x.indices {
            let lc = logChoose(n[i], x[i])
            if tau <= 0 {
                total += lc + x[i] * beta - n[i] * log1pexp(beta)
                continue
            }
            let tau2 = tau * tau
            // h(u) = x(β+u) − n·log(1 + e^{β+u}) − u²/(2τ²) is strictly concave; its derivative
            // g(u) = x − n·expit(β+u) − u/τ² is positive below τ²(x − n) and negative above τ²x, so
            // the mode lies in that bracket: Newton steps, with bisection whenever a step leaves it.
            func h(_ u: Double) -> Double { x[i] * (beta + u) - n[i] * log1pexp(beta + u) - u * u / (2 * tau2) }
            var lo = tau2 * (x[i] - n[i]), hi = tau2 * x[i]
            var u = min(max(0, lo), hi)
            for _ in 0..<200 {
                let mu = expit(beta + u)
                let g = x[i] - n[i] * mu - u / tau2
                if g > 0 { lo = u } else { hi = u }
                let curvature = n[i] * mu * (1 - mu) + 1 / tau2
                var next = u + g / curvature
                if !(next > lo && next < hi) { next = 0.5 * (lo + hi) }
                let step = abs(next - u)
                u = next
                if step < 1e-14 * max(1, abs(u)) || hi - lo < 1e-14 * max(1, abs(u)) { break }
            }
            let mu = expit(beta + u)
            let sigma = 1 / (n[i] * mu * (1 - mu) + 1 / tau2).squareRoot()
            let hMode = h(u)
            var s = 0.0
            for j in rule.nodes.indices {
                let z = rule.nodes[j]
                s += rule.weights[j] * exp(z * z + h(u + 2.0.squareRoot() * sigma * z) - hMode)
            }
            // ∫ e^{h} du / √(2π τ²)
            total += lc + hMode + log(2.0.squareRoot() * sigma * s) - 0.5 * log(2 * Double.pi * tau2)
        }
        return total
    }
}

func expit(_ x: Double) -> Double { x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x)) }
func log1pexp(_ x: Double) -> Double { x > 35 ? x : (x < -35 ? exp(x) : log1p(exp(x))) }
func xlogy(_ x: Double, _ y: Double) -> Double { x == 0 ? 0 : x * log(y) }
func logChoose(_ n: Double, _ k: Double) -> Double {
    SpecialFunctions.logGamma(n + 1) - SpecialFunctions.logGamma(k + 1) - SpecialFunctions.logGamma(n - k + 1)
}

/// The fitted binomial–normal model (contract: the `pool` fields; `q` is the Wald test, `q_lrt` the LRT).
public struct BinomialNormalFit: Sendable, Codable, Equatable {
    public var k: Int
    /// β̂ on the logit scale.
    public var estimate: Double
    public var standardError: Double
    public var statistic: Double
    public var pValue: Double
    public var ciLow: Double
    public var ciHigh: Double
    public var tau2: Double
    public var qWald: Double
    public var qWaldP: Double
    public var qLRT: Double
    public var qLRTP: Double
    public var qDF: Int
    public var i2: Double
    public var h2: Double
    public var typicalVariance: Double
    public var logLikelihood: Double
    public var quadraturePoints: Int
    public var level: Double
}
