import Foundation
import StatNumerics

/// The log partial likelihood of a (stratified) Cox model with its score vector and information
/// matrix, for subjects sorted by stratum and then time. Covariates are stored by column.
struct CoxPartialLikelihood {
    let times: [Double]
    let events: [Bool]
    /// covariates[j][i]: covariate j of subject i (already centred and scaled).
    let covariates: [[Double]]
    /// True for the last subject (in sorted order) of each stratum.
    let stratumEnds: [Bool]
    let ties: CoxTies

    struct Evaluation {
        var logLikelihood: Double
        var score: [Double]
        var information: Matrix
    }

    var parameterCount: Int { covariates.count }

    /// ℓ(β), U(β) = ∂ℓ/∂β and I(β) = −∂²ℓ/∂β∂βᵀ.
    ///
    /// Walks the subjects from the latest time back, accumulating the risk-set sums S₀ = Σ e^{xβ},
    /// S₁ = Σ x e^{xβ}, S₂ = Σ x xᵀ e^{xβ}. At a time with d events whose sums are D₀, D₁, D₂:
    /// Breslow adds d·(log S₀) etc. once; Efron (1977) uses d denominators S₀ + (r/d)·D₀ for
    /// r = 1…d (everyone censored or failing at the time is in S₀ already for r = d), each with weight 1.
    func evaluate(_ beta: [Double]) -> Evaluation {
        let p = parameterCount
        let n = times.count
        var loglik = 0.0
        var u = [Double](repeating: 0, count: p)
        var info = [Double](repeating: 0, count: p * p)   // column-major p × p
        var s0 = 0.0
        var s1 = [Double](repeating: 0, count: p)
        var s2 = [Double](repeating: 0, count: p * p)
        var d1 = [Double](repeating: 0, count: p)
        var d2 = [Double](repeating: 0, count: p * p)
        var x = [Double](repeating: 0, count: p)

        var person = n - 1
        while person >= 0 {
            if stratumEnds[person] {
                s0 = 0
                for j in 0..<p { s1[j] = 0 }
                for j in 0..<(p * p) { s2[j] = 0 }
            }
            let t = times[person]
            var deaths = 0
            var d0 = 0.0
            for j in 0..<p { d1[j] = 0 }
            for j in 0..<(p * p) { d2[j] = 0 }
            while person >= 0 && times[person] == t {
                var eta = 0.0
                for j in 0..<p { x[j] = covariates[j][person]; eta += beta[j] * x[j] }
                let risk = Foundation.exp(eta)
                if events[person] {
                    deaths += 1
                    loglik += eta
                    d0 += risk
                    for j in 0..<p {
                        u[j] += x[j]
                        d1[j] += risk * x[j]
                        for l in 0...j { d2[j + l * p] += risk * x[j] * x[l] }
                    }
                } else {
                    s0 += risk
                    for j in 0..<p {
                        s1[j] += risk * x[j]
                        for l in 0...j { s2[j + l * p] += risk * x[j] * x[l] }
                    }
                }
                person -= 1
                if person >= 0 && stratumEnds[person] { break }   // tied times never span strata
            }
            guard deaths > 0 else { continue }
            let shares = (ties == .breslow || deaths == 1) ? 1 : deaths
            let weight = Double(deaths) / Double(shares)
            for _ in 0..<shares {
                s0 += d0 / Double(shares)
                loglik -= weight * Foundation.log(s0)
                for j in 0..<p { s1[j] += d1[j] / Double(shares) }
                for j in 0..<p {
                    let mean = s1[j] / s0
                    u[j] -= weight * mean
                    for l in 0...j {
                        s2[j + l * p] += d2[j + l * p] / Double(shares)
                        info[j + l * p] += weight * (s2[j + l * p] - mean * s1[l]) / s0
                    }
                }
            }
        }
        for j in 0..<p { for l in 0..<j { info[l + j * p] = info[j + l * p] } }
        return Evaluation(logLikelihood: loglik, score: u, information: Matrix(rows: p, columns: p, columnMajor: info))
    }
}
