import Foundation
import StatNumerics

/// The weighted projection P = D − D X (XᵀDX)⁻¹ XᵀD for a diagonal weight matrix D = diag(d),
/// evaluated without ever forming a k × k matrix.
///
/// metafor builds P densely (O(k²) memory, O(k³) time). Writing B = DX and M = (XᵀDX)⁻¹, every
/// quantity the τ² estimators need reduces to p × p algebra plus O(k·p²) sums:
///
/// - tr P = Σ dᵢ − Σ dᵢ² qᵢ, with qᵢ = xᵢᵀ M xᵢ (the leverage-type term);
/// - Σᵢⱼ uᵢ vⱼ Pᵢⱼ² = Σ uᵢvᵢdᵢ² − 2 Σ uᵢvᵢdᵢ³qᵢ + tr(M Sᵤ M Sᵥ), with Sᵤ = Xᵀ diag(u d²) X
///   (u = v = 1 gives tr P², u = v = vᵢ gives tr(PVPV), u = 1, v = vᵢ gives Σ(PV ∘ P));
/// - P y = d ∘ y − D X M XᵀD y.
///
/// M comes from a Cholesky factorization (`dpotrf`/`dpotri`); a rank-deficient X throws.
struct WeightedProjection {
    let d: [Double]
    let x: Matrix
    /// (XᵀDX)⁻¹, p × p.
    let m: Matrix
    /// qᵢ = xᵢᵀ M xᵢ.
    let q: [Double]

    init(weights d: [Double], design x: Matrix) throws {
        self.d = d
        self.x = x
        let k = x.rows, p = x.columns
        var q = [Double](repeating: 0, count: k)
        if p == 1 {
            // One column (the intercept-only model): scalar algebra, no LAPACK call.
            var gram = 0.0
            for i in 0..<k { let xi = x.storage[i]; gram += d[i] * xi * xi }
            guard gram > 0, gram.isFinite else { throw LinearAlgebraError.notPositiveDefinite(leadingMinor: 1) }
            let m00 = 1 / gram
            self.m = Matrix(rows: 1, columns: 1, columnMajor: [m00])
            for i in 0..<k { let xi = x.storage[i]; q[i] = xi * xi * m00 }
        } else {
            let gram = x.weightedGram(d)
            let m = try gram.inverseSPD()
            self.m = m
            var xi = [Double](repeating: 0, count: p)
            for i in 0..<k {
                for a in 0..<p { xi[a] = x.storage[i + a * k] }
                q[i] = m.quadraticForm(xi)
            }
        }
        self.q = q
    }

    var k: Int { x.rows }
    var p: Int { x.columns }

    /// β̂ = M XᵀD y.
    func coefficients(_ y: [Double]) -> [Double] {
        if p == 1 {
            var s = 0.0
            for i in 0..<k { s += x.storage[i] * d[i] * y[i] }
            return [m.storage[0] * s]
        }
        return m * x.weightedCross(d, y)
    }

    /// X β̂, the fitted values.
    private func fitted(_ y: [Double]) -> [Double] {
        let b = coefficients(y)
        if p == 1 { return x.storage.map { $0 * b[0] } }
        return x * b
    }

    /// P y.
    func apply(_ y: [Double]) -> [Double] {
        let f = fitted(y)
        var out = [Double](repeating: 0, count: k)
        for i in 0..<k { out[i] = d[i] * (y[i] - f[i]) }
        return out
    }

    /// yᵀ P y = Σ dᵢ (yᵢ − xᵢᵀβ̂)², the weighted residual sum of squares.
    func quadratic(_ y: [Double]) -> Double {
        let f = fitted(y)
        var s = 0.0
        for i in 0..<k { let r = y[i] - f[i]; s += d[i] * r * r }
        return s
    }

    /// log det(XᵀDX) (from the scalar for one column, else by Cholesky).
    func logDeterminantGram() throws -> Double {
        if p == 1 { return -log(m.storage[0]) }
        return try x.weightedGram(d).logDeterminantSPD()
    }

    /// yᵀ P P y = ‖P y‖².
    func quadraticSquared(_ y: [Double]) -> Double {
        apply(y).reduce(0) { $0 + $1 * $1 }
    }

    /// tr P.
    var trace: Double {
        var s = 0.0
        for i in 0..<k { s += d[i] - d[i] * d[i] * q[i] }
        return s
    }

    /// tr(P V) = Σ vᵢ Pᵢᵢ for V = diag(v).
    func traceTimesDiagonal(_ v: [Double]) -> Double {
        var s = 0.0
        for i in 0..<k { s += v[i] * (d[i] - d[i] * d[i] * q[i]) }
        return s
    }

    /// Σᵢⱼ uᵢ vⱼ Pᵢⱼ² (nil u or v means all ones).
    func weightedSquaredSum(u: [Double]? = nil, v: [Double]? = nil) -> Double {
        if p == 1 {
            var diagonalPart = 0.0, su = 0.0, sv = 0.0
            let m00 = m.storage[0]
            for i in 0..<k {
                let ui = u?[i] ?? 1, vi = v?[i] ?? 1
                let di = d[i], xi2 = x.storage[i] * x.storage[i]
                diagonalPart += ui * vi * di * di - 2 * ui * vi * di * di * di * q[i]
                su += ui * di * di * xi2
                sv += vi * di * di * xi2
            }
            return diagonalPart + m00 * m00 * su * sv
        }
        var diagonalPart = 0.0
        var su = Matrix(rows: p, columns: p)
        var sv = Matrix(rows: p, columns: p)
        var ud2 = [Double](repeating: 0, count: k)
        var vd2 = [Double](repeating: 0, count: k)
        for i in 0..<k {
            let ui = u?[i] ?? 1, vi = v?[i] ?? 1
            let di = d[i]
            diagonalPart += ui * vi * di * di - 2 * ui * vi * di * di * di * q[i]
            ud2[i] = ui * di * di
            vd2[i] = vi * di * di
        }
        su = x.weightedGram(ud2)
        sv = x.weightedGram(vd2)
        let a = m * su
        let b = m * sv
        var tr = 0.0
        for i in 0..<p { for j in 0..<p { tr += a[i, j] * b[j, i] } }
        return diagonalPart + tr
    }
}
