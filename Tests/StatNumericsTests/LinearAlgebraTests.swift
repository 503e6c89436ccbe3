import Foundation
import Testing
import TestSupport
@testable import StatNumerics

/// The LAPACK wrappers: known solutions, typed errors for non-positive-definite, singular and
/// non-finite input (LAPACK's own error printer never fires), and the rank of a deficient design.
/// Reference values are exact by construction (A·x = b built from a chosen x) or computed by hand.
struct LinearAlgebraTests {
    /// A symmetric positive definite 3 × 3 matrix with Cholesky factor L = [[2,0,0],[1,3,0],[−1,2,1]].
    static let spd = Matrix([[4, 2, -2], [2, 10, 5], [-2, 5, 6]])

    @Test func choleskyFactorSolveInverseAndLogDeterminant() throws {
        let c = try Self.spd.cholesky()
        let expectedL = Matrix([[2, 0, 0], [1, 3, 0], [-1, 2, 1]])
        for i in 0..<3 { for j in 0..<3 { #expect(isClose(c.lower[i, j], expectedL[i, j], rel: 1e-14, abs: 1e-14)) } }
        #expect(isClose(c.logDeterminant, log(36), rel: 1e-14), "det = (2·3·1)² = 36")
        let x = [1.0, -2.0, 0.5]
        let b = Self.spd * x
        let solved = try c.solve(b)
        for i in 0..<3 { #expect(isClose(solved[i], x[i], rel: 1e-13)) }
        let inverse = try c.inverse()
        let identity = Self.spd * inverse
        for i in 0..<3 { for j in 0..<3 { #expect(isClose(identity[i, j], i == j ? 1 : 0, rel: 1e-13, abs: 1e-13)) } }
        #expect(inverse == inverse.transposed, "both triangles filled")
        let viaPosv = try Self.spd.solveSPD(b)
        for i in 0..<3 { #expect(isClose(viaPosv[i], x[i], rel: 1e-13)) }
    }

    @Test func notPositiveDefiniteNamesTheLeadingMinor() {
        // Leading 1×1 and 2×2 minors are positive; the 3×3 determinant is negative.
        let a = Matrix([[1, 0, 0], [0, 1, 0], [0, 0, -1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 3)) { try a.cholesky() }
        let b = Matrix([[0, 0], [0, 1]])
        #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 1)) { try b.cholesky() }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(leadingMinor: 3)) { try a.solveSPD([1, 2, 3]) }
    }

    @Test func nonFiniteInputIsATypedErrorBeforeLAPACKRuns() {
        var a = Self.spd
        a[1, 1] = .nan
        #expect(throws: LinearAlgebraError.nonFinite(routine: "LAPACKE_dpotrf")) { try a.cholesky() }
        #expect(throws: LinearAlgebraError.nonFinite(routine: "LAPACKE_dgesv")) { try a.solve([1, 2, 3]) }
        #expect(throws: LinearAlgebraError.nonFinite(routine: "LAPACKE_dgesv")) { try Self.spd.solve([1, .infinity, 3]) }
        #expect(throws: LinearAlgebraError.nonFinite(routine: "LAPACKE_dsyevd")) { try a.symmetricEigen() }
        #expect(throws: LinearAlgebraError.self) { try Matrix([[1, 2], [3, 4]]).cholesky() }   // not symmetric
        #expect(throws: LinearAlgebraError.self) { try Self.spd.solve([1, 2]) }               // shape
    }

    @Test func generalSolveAndSingularMatrix() throws {
        let a = Matrix([[0, 2, 1], [1, 1, 0], [3, 0, 1]])   // needs pivoting (zero in the corner)
        let x = [2.0, -1.0, 4.0]
        let solved = try a.solve(a * x)
        for i in 0..<3 { #expect(isClose(solved[i], x[i], rel: 1e-13)) }
        let singular = Matrix([[1, 2], [2, 4]])
        #expect { try singular.solve([1, 1]) } throws: { error in
            if case LinearAlgebraError.singular(routine: "LAPACKE_dgesv", index: _) = error { return true }
            return false
        }
    }

    @Test func leastSquaresByQRAndSVDWithRank() throws {
        // y = 1 + 2·t exactly: both solvers return (1, 2); the SVD reports rank 2.
        let t = [0.0, 1, 2, 3, 4]
        let x = Matrix(columns: [[1, 1, 1, 1, 1], t])
        let y = t.map { 1 + 2 * $0 }
        let qr = try x.leastSquaresQR(y)
        #expect(isClose(qr.coefficients[0], 1, rel: 1e-13) && isClose(qr.coefficients[1], 2, rel: 1e-13))
        let svd = try x.leastSquaresMinimumNorm(y)
        #expect(svd.rank == 2 && isClose(svd.coefficients[1], 2, rel: 1e-12))
        // A third column = 2 × the second: rank 2, reported, and the first aliased column is named by index.
        let deficient = Matrix(columns: [[1, 1, 1, 1, 1], t, t.map { 2 * $0 }])
        #expect(try deficient.rank() == 2)
        #expect(MixedEffectsModelAliasProbe.firstAliased(deficient) == 2)
    }

    @Test func symmetricEigendecompositionReconstructsTheMatrix() throws {
        let e = try Self.spd.symmetricEigen()
        #expect(e.values == e.values.sorted())
        let v = e.vectors
        let rebuilt = v * Matrix.diagonal(e.values) * v.transposed
        for i in 0..<3 { for j in 0..<3 { #expect(isClose(rebuilt[i, j], Self.spd[i, j], rel: 1e-12, abs: 1e-12)) } }
        #expect(isClose(e.values.reduce(1, *), 36, rel: 1e-12), "product of eigenvalues = det")
    }

    @Test func weightedLeastSquaresProducts() {
        let x = Matrix(columns: [[1, 1, 1], [0, 1, 2]])
        let w = [1.0, 2.0, 3.0]
        let g = x.weightedGram(w)
        #expect(g == Matrix([[6, 8], [8, 14]]))
        #expect(x.weightedCross(w, [1, 1, 1]) == [6, 8])
        #expect(Matrix([[2, 0], [0, 3]]).quadraticForm([1, 2]) == 14)
    }
}

/// The rank probe metareg uses to name an aliased column, re-derived here from `rank()` so the test
/// does not depend on MetaAnalysis: the first column whose inclusion does not raise the rank.
enum MixedEffectsModelAliasProbe {
    static func firstAliased(_ x: Matrix) -> Int? {
        for j in 0..<x.columns {
            let sub = x.submatrix(rows: Array(0..<x.rows), columns: Array(0...j))
            if let r = try? sub.rank(), r < j + 1 { return j }
        }
        return nil
    }
}

/// The secular-equation eigenvalues of diag(d) − ρzzᵀ against LAPACK's dense `dsyevd`.
struct SecularEquationTests {
    static func dense(_ d: [Double], _ z: [Double], _ rho: Double) throws -> [Double] {
        let n = d.count
        var m = Matrix(rows: n, columns: n)
        for i in 0..<n { for j in 0..<n { m[i, j] = (i == j ? d[i] : 0) - rho * z[i] * z[j] } }
        return try m.symmetricEigenvalues()
    }

    @Test(arguments: [3, 10, 60, 200])
    func matchesDenseEigenvalues(_ n: Int) throws {
        var rng = SeededGenerator(seed: UInt64(n))
        let d = (0..<n).map { _ in Double.random(in: 0.5...40, using: &rng) }
        let z = (0..<n).map { _ in Double.random(in: -2...2, using: &rng) }
        let rho = 0.37
        let ours = try SecularEquation.eigenvaluesOfDiagonalMinusRankOne(d: d, z: z, rho: rho)
        let lapack = try SecularEquationTests.dense(d, z, rho)
        #expect(ours.count == n)
        let scale = d.max()! + rho * z.reduce(0) { $0 + $1 * $1 }
        for (a, b) in zip(ours, lapack) { #expect(abs(a - b) <= 1e-12 * scale, "\(a) vs \(b)") }
    }

    /// Repeated diagonal entries and a zero zᵢ deflate: those values are eigenvalues exactly.
    @Test func deflation() throws {
        let d = [1.0, 2, 2, 2, 5, 7, 7]
        let z = [0.3, 0.5, -0.2, 0.4, 0, 1.1, 0.6]
        let ours = try SecularEquation.eigenvaluesOfDiagonalMinusRankOne(d: d, z: z, rho: 0.8)
        let lapack = try SecularEquationTests.dense(d, z, 0.8)
        #expect(ours.count == d.count)
        for (a, b) in zip(ours, lapack) { #expect(abs(a - b) <= 1e-12 * 10, "\(a) vs \(b)") }
        #expect(ours.filter { $0 == 2 }.count == 2)
        #expect(ours.contains(5))
    }

    /// The intercept-only projection S P S has an exact zero eigenvalue; the solver finds it near 0.
    @Test func projectionHasAZeroEigenvalue() throws {
        let a = [4.0, 1.5, 9, 2.2, 0.7]
        let s2 = [0.3, 0.8, 0.15, 0.5, 1.4]
        let d = zip(a, s2).map { $0 * $1 }
        let z = zip(a, s2).map { $0 * $1.squareRoot() }
        let ours = try SecularEquation.eigenvaluesOfDiagonalMinusRankOne(d: d, z: z, rho: 1 / a.reduce(0, +))
        #expect(abs(ours[0]) <= 1e-13)
        #expect(ours.dropFirst().allSatisfy { $0 > 0 })
    }

    @Test func badInput() {
        #expect(throws: DomainError.self) { try SecularEquation.eigenvaluesOfDiagonalMinusRankOne(d: [1, 2], z: [1], rho: 1) }
        #expect(throws: DomainError.self) { try SecularEquation.eigenvaluesOfDiagonalMinusRankOne(d: [1, 2], z: [1, 1], rho: 0) }
        #expect(throws: DomainError.self) { try SecularEquation.eigenvaluesOfDiagonalMinusRankOne(d: [1, .nan], z: [1, 1], rho: 1) }
    }
}
