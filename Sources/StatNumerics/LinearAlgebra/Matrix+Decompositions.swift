import Foundation

/// The lower Cholesky factor L of a symmetric positive definite A = L·Lᵀ (`dpotrf`).
public struct CholeskyFactor: Sendable, Equatable {
    /// L, with zeros above the diagonal.
    public let lower: Matrix

    /// log det A = 2 Σ log Lᵢᵢ.
    public var logDeterminant: Double { 2 * lower.diagonalElements.reduce(0) { $0 + log($1) } }

    /// Solve A·X = B (`dpotrs`).
    public func solve(_ b: Matrix) throws -> Matrix {
        try Matrix.requireShape(b.rows == lower.rows, "dpotrs", "B has \(b.rows) rows, A is \(lower.rows) × \(lower.rows)")
        try Matrix.requireFinite(b, "LAPACKE_dpotrs")
        var x = b.storage
        try LAPACK.dpotrs(lower.storage, n: lower.rows, &x, nrhs: b.columns)
        return Matrix(rows: b.rows, columns: b.columns, columnMajor: x)
    }

    /// Solve A·x = b for one right-hand side (`dpotrs`).
    public func solve(_ b: [Double]) throws -> [Double] {
        try solve(Matrix(rows: b.count, columns: 1, columnMajor: b)).storage
    }

    /// A⁻¹, symmetric, both triangles filled (`dpotri`).
    public func inverse() throws -> Matrix {
        var a = lower.storage
        let n = lower.rows
        try LAPACK.dpotri(&a, n: n)
        var m = Matrix(rows: n, columns: n, columnMajor: a)
        for j in 0..<n { for i in 0..<j { m[i, j] = m[j, i] } }
        return m
    }
}

/// Least-squares solution of X·b ≈ y.
public struct LeastSquaresSolution: Sendable, Equatable {
    /// The coefficients (minimum-norm when the design is rank-deficient).
    public let coefficients: [Double]
    /// The effective rank of X.
    public let rank: Int
    /// Singular values of X in decreasing order (`dgelsd` only; empty for `dgels`).
    public let singularValues: [Double]
}

/// Eigendecomposition A = V·diag(λ)·Vᵀ of a symmetric matrix.
public struct SymmetricEigen: Sendable, Equatable {
    /// Eigenvalues in ascending order.
    public let values: [Double]
    /// Orthonormal eigenvectors as columns, in the order of `values`.
    public let vectors: Matrix
}

extension Matrix {
    static func requireShape(_ condition: Bool, _ routine: String, _ detail: @autoclosure () -> String) throws {
        if !condition { throw LinearAlgebraError.invalidShape(routine: routine, detail: detail()) }
    }

    static func requireFinite(_ m: Matrix, _ routine: String) throws {
        if !m.isFinite { throw LinearAlgebraError.nonFinite(routine: routine) }
    }

    /// Largest asymmetry |Aᵢⱼ − Aⱼᵢ| relative to the largest element.
    func requireSymmetric(_ routine: String) throws {
        try Matrix.requireShape(isSquare, routine, "matrix is \(rows) × \(columns), not square")
        let scale = storage.reduce(0) { max($0, abs($1)) }
        for j in 0..<columns {
            for i in 0..<j where abs(self[i, j] - self[j, i]) > 1e-10 * max(scale, 1) {
                throw LinearAlgebraError.invalidShape(routine: routine, detail: "matrix is not symmetric at (\(i + 1), \(j + 1))")
            }
        }
    }

    /// The Cholesky factor of this symmetric positive definite matrix (`dpotrf`).
    /// Throws `notPositiveDefinite(leadingMinor:)` naming the first failing leading minor.
    public func cholesky() throws -> CholeskyFactor {
        try Matrix.requireFinite(self, "LAPACKE_dpotrf")
        try requireSymmetric("LAPACKE_dpotrf")
        var a = storage
        try LAPACK.dpotrf(&a, n: rows)
        var l = Matrix(rows: rows, columns: columns, columnMajor: a)
        for j in 0..<columns { for i in 0..<j { l[i, j] = 0 } }
        return CholeskyFactor(lower: l)
    }

    /// log det of this symmetric positive definite matrix, from its Cholesky factor.
    public func logDeterminantSPD() throws -> Double { try cholesky().logDeterminant }

    /// The inverse of this symmetric positive definite matrix (`dpotrf` + `dpotri`).
    public func inverseSPD() throws -> Matrix { try cholesky().inverse() }

    /// Solve A·X = B for symmetric positive definite A in one call (`dposv`).
    public func solveSPD(_ b: Matrix) throws -> Matrix {
        try Matrix.requireShape(b.rows == rows, "LAPACKE_dposv", "B has \(b.rows) rows, A is \(rows) × \(columns)")
        try Matrix.requireFinite(self, "LAPACKE_dposv")
        try Matrix.requireFinite(b, "LAPACKE_dposv")
        try requireSymmetric("LAPACKE_dposv")
        var a = storage
        var x = b.storage
        try LAPACK.dposv(&a, n: rows, &x, nrhs: b.columns)
        return Matrix(rows: b.rows, columns: b.columns, columnMajor: x)
    }

    /// Solve A·x = b for symmetric positive definite A (`dposv`).
    public func solveSPD(_ b: [Double]) throws -> [Double] {
        try solveSPD(Matrix(rows: b.count, columns: 1, columnMajor: b)).storage
    }

    /// Solve A·X = B for a general square A by LU with partial pivoting (`dgesv`).
    public func solve(_ b: Matrix) throws -> Matrix {
        try Matrix.requireShape(isSquare, "LAPACKE_dgesv", "A is \(rows) × \(columns), not square")
        try Matrix.requireShape(b.rows == rows, "LAPACKE_dgesv", "B has \(b.rows) rows, A is \(rows) × \(columns)")
        try Matrix.requireFinite(self, "LAPACKE_dgesv")
        try Matrix.requireFinite(b, "LAPACKE_dgesv")
        var a = storage
        var x = b.storage
        try LAPACK.dgesv(&a, n: rows, &x, nrhs: b.columns)
        return Matrix(rows: b.rows, columns: b.columns, columnMajor: x)
    }

    /// Solve A·x = b for a general square A (`dgesv`).
    public func solve(_ b: [Double]) throws -> [Double] {
        try solve(Matrix(rows: b.count, columns: 1, columnMajor: b)).storage
    }

    /// Least squares min ‖X·b − y‖ by Householder QR (`dgels`); X must have full column rank
    /// (a zero diagonal in R throws `singular`). Use `leastSquaresMinimumNorm` when X may be rank-deficient.
    public func leastSquaresQR(_ y: [Double]) throws -> LeastSquaresSolution {
        try Matrix.requireShape(y.count == rows, "LAPACKE_dgels", "y has \(y.count) elements, X has \(rows) rows")
        try Matrix.requireShape(rows >= columns, "LAPACKE_dgels", "X is \(rows) × \(columns): fewer rows than columns")
        try Matrix.requireFinite(self, "LAPACKE_dgels")
        try Matrix.requireFinite(Matrix(rows: y.count, columns: 1, columnMajor: y), "LAPACKE_dgels")
        var a = storage
        var b = y
        try LAPACK.dgels(&a, m: rows, n: columns, &b, nrhs: 1)
        return LeastSquaresSolution(coefficients: Array(b.prefix(columns)), rank: columns, singularValues: [])
    }

    /// Minimum-norm least squares by the SVD (`dgelsd`), with the effective rank: singular values
    /// below `rcond` × the largest count as zero. The default `rcond` (1e-7 relative) matches the
    /// tolerance R's `qr()` uses to declare a design column aliased.
    public func leastSquaresMinimumNorm(_ y: [Double], rcond: Double = 1e-7) throws -> LeastSquaresSolution {
        try Matrix.requireShape(y.count == rows, "LAPACKE_dgelsd", "y has \(y.count) elements, X has \(rows) rows")
        try Matrix.requireFinite(self, "LAPACKE_dgelsd")
        try Matrix.requireFinite(Matrix(rows: y.count, columns: 1, columnMajor: y), "LAPACKE_dgelsd")
        var a = storage
        var b = y + [Double](repeating: 0, count: max(0, columns - rows))
        let (rank, s) = try LAPACK.dgelsd(&a, m: rows, n: columns, &b, nrhs: 1, rcond: rcond)
        return LeastSquaresSolution(coefficients: Array(b.prefix(columns)), rank: rank, singularValues: s)
    }

    /// The effective rank of this matrix (singular values above `rcond` × the largest), by `dgelsd`.
    public func rank(rcond: Double = 1e-7) throws -> Int {
        try leastSquaresMinimumNorm([Double](repeating: 0, count: rows), rcond: rcond).rank
    }

    /// Eigenvalues (ascending) and orthonormal eigenvectors of this symmetric matrix (`dsyevd`).
    public func symmetricEigen() throws -> SymmetricEigen {
        try Matrix.requireFinite(self, "LAPACKE_dsyevd")
        try requireSymmetric("LAPACKE_dsyevd")
        var a = storage
        let values = try LAPACK.dsyevd(&a, n: rows)
        return SymmetricEigen(values: values, vectors: Matrix(rows: rows, columns: columns, columnMajor: a))
    }

    /// The eigenvalues of this symmetric matrix in ascending order, without eigenvectors (`dsyevd`,
    /// jobz = "N": O(n³) with a far smaller constant than `symmetricEigen()`).
    public func symmetricEigenvalues() throws -> [Double] {
        try Matrix.requireFinite(self, "LAPACKE_dsyevd")
        try requireSymmetric("LAPACKE_dsyevd")
        var a = storage
        return try LAPACK.dsyevd(&a, n: rows, vectors: false)
    }
}
