import Foundation
import StatNumerics

/// Pooled transformed conditional survivals β (one per grid interval, arcsine scale) with their
/// covariance matrix.
struct SummaryCurvePool: Sendable, Equatable {
    var beta: [Double]
    var covariance: Matrix
}

/// The between-study covariance estimate: the raw moment (or REML) matrix, its positive
/// semi-definite version used for pooling, and the raw matrix's eigenvalues (ascending).
struct SummaryCurveBetweenStudy: Sendable, Equatable {
    var raw: Matrix
    var psd: Matrix
    var rawEigenvalues: [Double]
    /// Intervals where T could not be estimated (fewer than 2 studies; default mode): their row
    /// and column of T are 0.
    var unestimable: [Int]
}

/// The pooling steps of Combescure et al. (2014, section 2.2), shared by both modes. In RISCA mode
/// every study has a cell in every interval (fill-ins have v = 10¹²), so the formulas below reduce
/// exactly to RISCA's; in default mode each study enters with its own subset of intervals.
enum SummaryCurvePooling {
    /// Fixed effect per interval: β_t = Σᵢ yᵢₜ/vᵢₜ / Σᵢ 1/vᵢₜ, Var β_t = 1 / Σᵢ 1/vᵢₜ, over the studies with
    /// a cell in t. The intervals are independent, so the covariance is diagonal.
    static func fixedEffect(_ data: SummaryCurveData) -> SummaryCurvePool {
        let g = data.intervalCount
        var sw = [Double](repeating: 0, count: g)
        var swy = [Double](repeating: 0, count: g)
        for s in data.studies {
            for c in s.cells {
                sw[c.interval] += 1 / c.v
                swy[c.interval] += c.y / c.v
            }
        }
        let variance = sw.map { 1 / $0 }
        return SummaryCurvePool(beta: zip(swy, variance).map { $0 * $1 }, covariance: .diagonal(variance))
    }

    /// Method-of-moments estimate of T (Jackson, White & Thompson 2010, Stat Med 29:1282; the
    /// element-wise DerSimonian–Laird form Combescure et al. use).
    ///
    /// Diagonal, over the studies with a cell in t, weights wᵢ = 1/vᵢₜ:
    ///   T_tt = (Q_t − a_t) / (Σw − Σw²/Σw),  Q_t = Σ wᵢ (yᵢₜ − ȳ_t)²,
    ///   a_t = Σ ρᵢ − Σ ρᵢwᵢ / Σ wᵢ   (ρᵢ = 1 for a counted cell; = k_t − 1 in default mode).
    /// Off-diagonal, over the studies with cells in both s and t, weights wᵢ = 1/√(vᵢₛ vᵢₜ):
    ///   T_st = Σ wᵢ (yᵢₛ − ȳₛ)(yᵢₜ − ȳₜ) / (Σw − Σw²/Σw),
    /// (no within-study term: the intervals' conditional survivals are independent within a study).
    /// In default mode an element with fewer than 2 studies is set to 0 and its interval reported
    /// as unestimable. The positive semi-definite version keeps the non-negative part of the
    /// eigen-decomposition (LAPACK `dsyevd`): T₊ = Σ max(0, λ) u uᵀ.
    static func momentEstimate(_ data: SummaryCurveData) throws -> SummaryCurveBetweenStudy {
        let g = data.intervalCount
        // Dense per-study lookups (nil = no cell).
        var ys = [[Double?]](repeating: [Double?](repeating: nil, count: g), count: data.studies.count)
        var vs = ys
        var counts = [[Bool]](repeating: [Bool](repeating: false, count: g), count: data.studies.count)
        for (i, s) in data.studies.enumerated() {
            for c in s.cells {
                ys[i][c.interval] = c.y
                vs[i][c.interval] = c.v
                counts[i][c.interval] = c.counts
            }
        }
        var raw = Matrix(rows: g, columns: g)
        var unestimable: [Int] = []
        for t in 0..<g {
            var w: [Double] = [], y: [Double] = [], rho: [Double] = []
            for i in data.studies.indices {
                if let yi = ys[i][t], let vi = vs[i][t] {
                    w.append(1 / vi); y.append(yi); rho.append(counts[i][t] ? 1 : 0)
                }
            }
            let sw = w.reduce(0, +)
            let mean = zip(w, y).reduce(0) { $0 + $1.0 * $1.1 } / sw
            let q = zip(w, y).reduce(0) { $0 + $1.0 * ($1.1 - mean) * ($1.1 - mean) }
            let a = rho.reduce(0, +) - zip(rho, w).reduce(0) { $0 + $1.0 * $1.1 } / sw
            let b = sw - w.reduce(0) { $0 + $1 * $1 } / sw
            if w.count < 2 || !(b > 0) {
                unestimable.append(t)
            } else {
                raw[t, t] = (q - a) / b
            }
        }
        for s in 0..<g {
            for t in (s + 1)..<g {
                var w: [Double] = [], ya: [Double] = [], yb: [Double] = []
                for i in data.studies.indices {
                    if let y1 = ys[i][s], let y2 = ys[i][t], let v1 = vs[i][s], let v2 = vs[i][t] {
                        w.append(1 / (v1 * v2).squareRoot()); ya.append(y1); yb.append(y2)
                    }
                }
                let sw = w.reduce(0, +)
                let b = sw - w.reduce(0) { $0 + $1 * $1 } / sw
                guard w.count >= 2, b > 0, !unestimable.contains(s), !unestimable.contains(t) else { continue }
                var m1 = 0.0, m2 = 0.0
                for i in w.indices { m1 += ya[i] * w[i]; m2 += yb[i] * w[i] }
                m1 /= sw; m2 /= sw
                var q = 0.0
                for i in w.indices { q += (ya[i] - m1) * (yb[i] - m2) * w[i] }
                raw[s, t] = q / b
                raw[t, s] = q / b
            }
        }
        let (psd, values) = try positivePart(raw)
        return SummaryCurveBetweenStudy(raw: raw, psd: psd, rawEigenvalues: values, unestimable: unestimable)
    }

    /// T₊ = Σ max(0, λ) u uᵀ from the symmetric eigen-decomposition (`dsyevd`), and the eigenvalues.
    static func positivePart(_ m: Matrix) throws -> (Matrix, [Double]) {
        let eigen = try m.symmetricEigen()
        let g = m.rows
        var out = Matrix(rows: g, columns: g)
        for (k, lambda) in eigen.values.enumerated() where lambda > 0 {
            let u = eigen.vectors.column(k)
            for j in 0..<g {
                let uj = lambda * u[j]
                for i in 0..<g { out[i, j] += u[i] * uj }
            }
        }
        return (out, eigen.values)
    }

    /// Per-study pieces of the random-effects pool, reused by REML.
    struct StudyWeights: Sendable {
        var indices: [Int]
        var y: [Double]
        /// Wᵢ = (diag(vᵢ) + T[idx, idx])⁻¹.
        var weight: Matrix
        var logDetMarginal: Double
    }

    /// Generalised least squares with the study covariances diag(vᵢ) + T[idx, idx]:
    /// β = (Σ AᵢᵀWᵢAᵢ)⁻¹ Σ AᵢᵀWᵢyᵢ, Cov β = (Σ AᵢᵀWᵢAᵢ)⁻¹, with Aᵢ selecting study i's intervals.
    /// Inverses by Cholesky (`dpotrf`/`dpotri`).
    static func generalizedLeastSquares(_ data: SummaryCurveData, tau: Matrix) throws -> (SummaryCurvePool, [StudyWeights], Double) {
        let g = data.intervalCount
        var information = Matrix(rows: g, columns: g)
        var rhs = [Double](repeating: 0, count: g)
        var weights: [StudyWeights] = []
        for s in data.studies {
            let idx = s.indices
            var marginal = tau.submatrix(rows: idx, columns: idx)
            for (a, c) in s.cells.enumerated() { marginal[a, a] += c.v }
            let factor = try marginal.cholesky()
            let w = try factor.inverse()
            let y = s.cells.map(\.y)
            let wy = w * y
            for (b, jb) in idx.enumerated() {
                rhs[jb] += wy[b]
                for (a, ja) in idx.enumerated() { information[ja, jb] += w[a, b] }
            }
            weights.append(StudyWeights(indices: idx, y: y, weight: w, logDetMarginal: factor.logDeterminant))
        }
        let infoFactor = try information.cholesky()
        let covariance = try infoFactor.inverse()
        let beta = covariance * rhs
        return (SummaryCurvePool(beta: beta, covariance: covariance), weights, infoFactor.logDeterminant)
    }
}
