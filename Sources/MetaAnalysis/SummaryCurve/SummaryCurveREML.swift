import Foundation
import StatNumerics

/// Restricted maximum likelihood for the unstructured between-study covariance T of the
/// multivariate model yᵢ = Aᵢ(β + bᵢ) + eᵢ, bᵢ ~ N(0, T), eᵢ ~ N(0, diag vᵢ), where Aᵢ selects the
/// intervals study i reports (missing intervals are simply absent, as in metafor's `rma.mv` with
/// `struct = "UN"`).
///
/// Objective (metafor's convention, constants included), with Mᵢ = diag vᵢ + AᵢTAᵢᵀ, Wᵢ = Mᵢ⁻¹,
/// C = (Σ AᵢᵀWᵢAᵢ)⁻¹, rᵢ = yᵢ − Aᵢβ̂:
///
///     log L_R = −½ [(N − p) log 2π − log|XᵀX| + Σ log|Mᵢ| + log|C⁻¹| + Σ rᵢᵀWᵢrᵢ],  XᵀX = diag(k_t).
///
/// Its gradient with respect to a symmetric T is ½·G with G = Σᵢ Aᵢᵀ(WᵢrᵢrᵢᵀWᵢ − Wᵢ + WᵢAᵢCAᵢᵀWᵢ)Aᵢ
/// (Harville 1977, JASA 72:320, eq. 4.4). T is parametrised by its Cholesky factor, T = LLᵀ
/// (Pinheiro & Bates 1996, Stat Comput 6:289), so every iterate is positive semi-definite and
/// boundary (rank-deficient) solutions are limits; ∂ log L_R/∂L = (G·L) on the lower triangle.
/// Maximised by BFGS (Nocedal & Wright 2006, algorithm 6.1) with a backtracking Armijo line search,
/// from the moment estimate plus 10 % of the mean within-study variance on the diagonal.
/// Converged when an iteration changes log L_R by less than 1e-10·(1 + |log L_R|) and no element of T
/// by more than the tolerance.
enum SummaryCurveREML {
    struct Fit: Sendable {
        var tau: Matrix
        var pool: SummaryCurvePool
        var convergence: SummaryCurveConvergence
    }

    struct State {
        var lower: Matrix
        var tau: Matrix
        var pool: SummaryCurvePool
        var logLikelihood: Double
        /// ∂ log L_R / ∂L on the lower triangle, packed column by column.
        var gradient: [Double]
    }

    static func fit(_ data: SummaryCurveData, start: Matrix, tolerance: Double, maxIterations: Int) throws -> Fit {
        let g = data.intervalCount
        var meanV = [Double](repeating: 0, count: g)
        var count = [Double](repeating: 0, count: g)
        for s in data.studies { for c in s.cells { meanV[c.interval] += c.v; count[c.interval] += 1 } }
        var initial = start
        for t in 0..<g { initial[t, t] += 0.1 * meanV[t] / max(count[t], 1) }
        let packed = pack(try initial.cholesky().lower)
        let p = packed.count

        var current = try evaluate(data, lower: unpack(packed, g))
        var x = packed
        var inverseHessian: [Double]?  // p × p, column-major; nil until the first step scales it
        var iterations = 0
        var tauChange = Double.infinity
        var converged = false
        while iterations < maxIterations {
            iterations += 1
            // Search direction d = H·∇ (ascent); H = identity before the first update.
            let grad = current.gradient
            var d = [Double](repeating: 0, count: p)
            if let h = inverseHessian {
                for j in 0..<p { let gj = grad[j]; for i in 0..<p { d[i] += h[i + j * p] * gj } }
            } else {
                let norm = grad.reduce(0) { max($0, abs($1)) }
                let scale = norm > 0 ? 0.1 * max(1e-3, x.reduce(0) { max($0, abs($1)) }) / norm : 0
                d = grad.map { $0 * scale }
            }
            var slope = zip(grad, d).reduce(0) { $0 + $1.0 * $1.1 }
            if !(slope > 0) {  // not an ascent direction: restart from steepest ascent
                inverseHessian = nil
                d = grad
                slope = grad.reduce(0) { $0 + $1 * $1 }
            }
            if slope == 0 { converged = true; tauChange = 0; break }
            var step = 1.0
            var accepted: State?
            for _ in 0..<60 {
                let trial = zip(x, d).map { $0 + step * $1 }
                if let s = try? evaluate(data, lower: unpack(trial, g)),
                   s.logLikelihood.isFinite, s.logLikelihood >= current.logLikelihood + 1e-4 * step * slope {
                    accepted = s
                    break
                }
                step *= 0.5
            }
            guard let next = accepted else {
                // No increase along d: at the optimum to working precision.
                converged = true
                tauChange = 0
                break
            }
            let newX = pack(next.lower)
            let s = zip(newX, x).map { $0 - $1 }
            let y = zip(current.gradient, next.gradient).map { $0 - $1 }  // −∇f difference, f = −log L
            let sy = zip(s, y).reduce(0) { $0 + $1.0 * $1.1 }
            let yy = y.reduce(0) { $0 + $1 * $1 }
            if sy > 1e-12 * (s.reduce(0) { $0 + $1 * $1 } * yy).squareRoot() {
                if inverseHessian == nil {
                    var h = [Double](repeating: 0, count: p * p)
                    for i in 0..<p { h[i + i * p] = sy / yy }
                    inverseHessian = h
                }
                bfgsUpdate(&inverseHessian!, s: s, y: y, sy: sy, p: p)
            }
            let llChange = abs(next.logLikelihood - current.logLikelihood)
            tauChange = zip(next.tau.storage, current.tau.storage).reduce(0) { max($0, abs($1.0 - $1.1)) }
            x = newX
            current = next
            if llChange < 1e-10 * (1 + abs(current.logLikelihood)) && tauChange < tolerance {
                converged = true
                break
            }
        }
        if !converged {
            throw NumericalError(
                routine: "summary curve REML (BFGS on the Cholesky factor of T)",
                reason: "T still changed by \(tauChange) at the last iteration, above the tolerance \(tolerance)",
                iteration: iterations,
                remedy: "raise remlMaxIterations, loosen remlTolerance, or use the moment estimator (tauEstimator: .DL)")
        }
        return Fit(tau: current.tau, pool: current.pool,
                   convergence: SummaryCurveConvergence(converged: true, iterations: iterations,
                                                        lastChange: tauChange, logLikelihood: current.logLikelihood))
    }

    /// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ, ρ = 1/(sᵀy), for the minimisation of f = −log L
    /// (s the step, y the change of ∇f).
    static func bfgsUpdate(_ h: inout [Double], s: [Double], y: [Double], sy: Double, p: Int) {
        let rho = 1 / sy
        var hy = [Double](repeating: 0, count: p)
        for j in 0..<p { let yj = y[j]; for i in 0..<p { hy[i] += h[i + j * p] * yj } }
        let yhy = zip(y, hy).reduce(0) { $0 + $1.0 * $1.1 }
        let factor = rho * rho * yhy + rho
        for j in 0..<p {
            for i in 0..<p {
                h[i + j * p] += factor * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j])
            }
        }
    }

    static func pack(_ lower: Matrix) -> [Double] {
        var out: [Double] = []
        for j in 0..<lower.columns { for i in j..<lower.rows { out.append(lower[i, j]) } }
        return out
    }

    static func unpack(_ x: [Double], _ g: Int) -> Matrix {
        var m = Matrix(rows: g, columns: g)
        var k = 0
        for j in 0..<g { for i in j..<g { m[i, j] = x[k]; k += 1 } }
        return m
    }

    /// GLS at T = LLᵀ, the REML log-likelihood and its gradient with respect to L.
    static func evaluate(_ data: SummaryCurveData, lower: Matrix) throws -> State {
        let g = data.intervalCount
        let tau = lower * lower.transposed
        let (pool, weights, logDetInformation) = try SummaryCurvePooling.generalizedLeastSquares(data, tau: tau)
        let c = pool.covariance
        var gm = [Double](repeating: 0, count: g * g)
        var logLik = -logDetInformation
        var cellCount = 0
        for w in weights {
            let idx = w.indices
            let m = idx.count
            cellCount += m
            let r = zip(w.y, idx).map { $0 - pool.beta[$1] }
            let wr = w.weight * r
            logLik -= w.logDetMarginal + zip(r, wr).reduce(0) { $0 + $1.0 * $1.1 }
            let wcw = w.weight * c.submatrix(rows: idx, columns: idx) * w.weight
            let ws = w.weight.storage, wcws = wcw.storage
            for b in 0..<m {
                for a in 0..<m {
                    gm[idx[a] + idx[b] * g] += wr[a] * wr[b] - ws[a + b * m] + wcws[a + b * m]
                }
            }
        }
        let counts = data.studiesPerInterval.reduce(0) { $0 + log(Double(max($1, 1))) }
        logLik = 0.5 * (logLik + counts - Double(cellCount - g) * log(2 * Double.pi))
        // ∂/∂L = G·L (lower triangle), from d log L_R = ½ tr(G dT), dT = dL Lᵀ + L dLᵀ.
        let gl = Matrix(rows: g, columns: g, columnMajor: gm) * lower
        return State(lower: lower, tau: tau, pool: pool, logLikelihood: logLik, gradient: pack(gl))
    }
}
