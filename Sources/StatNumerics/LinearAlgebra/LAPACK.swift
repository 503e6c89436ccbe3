import CLapacke

// Every LAPACKE_* call in SurvMeta lives in this file (the swift-system `Syscalls.swift` pattern).
// Callers validate shape and finiteness first; these shims turn INFO into `LinearAlgebraError`.
// All matrices are column-major (LAPACK_COL_MAJOR) with leading dimension = rows.

enum LAPACK {
    private static let layout = Int32(LAPACK_COL_MAJOR)
    private static let lower = CChar(UInt8(ascii: "L"))
    private static let noTranspose = CChar(UInt8(ascii: "N"))
    private static let vectorsToo = CChar(UInt8(ascii: "V"))
    private static let valuesOnly = CChar(UInt8(ascii: "N"))

    private static func check(_ info: Int32, _ routine: String) throws {
        if info < 0 { throw LinearAlgebraError.illegalArgument(routine: routine, argument: Int(-info)) }
    }

    /// `dpotrf`: Cholesky factor A = L·Lᵀ in place (lower triangle).
    static func dpotrf(_ a: inout [Double], n: Int) throws {
        let info = a.withUnsafeMutableBufferPointer {
            LAPACKE_dpotrf(layout, lower, Int32(n), $0.baseAddress, Int32(max(1, n)))
        }
        try check(info, "LAPACKE_dpotrf")
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(leadingMinor: Int(info)) }
    }

    /// `dpotrs`: solve A·X = B given the lower Cholesky factor of A.
    static func dpotrs(_ l: [Double], n: Int, _ b: inout [Double], nrhs: Int) throws {
        var factor = l
        let info = factor.withUnsafeMutableBufferPointer { lp in
            b.withUnsafeMutableBufferPointer { bp in
                LAPACKE_dpotrs(layout, lower, Int32(n), Int32(nrhs), lp.baseAddress, Int32(max(1, n)),
                               bp.baseAddress, Int32(max(1, n)))
            }
        }
        try check(info, "LAPACKE_dpotrs")
    }

    /// `dpotri`: the inverse of A from its lower Cholesky factor (lower triangle written).
    static func dpotri(_ a: inout [Double], n: Int) throws {
        let info = a.withUnsafeMutableBufferPointer {
            LAPACKE_dpotri(layout, lower, Int32(n), $0.baseAddress, Int32(max(1, n)))
        }
        try check(info, "LAPACKE_dpotri")
        if info > 0 { throw LinearAlgebraError.singular(routine: "LAPACKE_dpotri", index: Int(info)) }
    }

    /// `dposv`: solve A·X = B for symmetric positive definite A.
    static func dposv(_ a: inout [Double], n: Int, _ b: inout [Double], nrhs: Int) throws {
        let info = a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeMutableBufferPointer { bp in
                LAPACKE_dposv(layout, lower, Int32(n), Int32(nrhs), ap.baseAddress, Int32(max(1, n)),
                              bp.baseAddress, Int32(max(1, n)))
            }
        }
        try check(info, "LAPACKE_dposv")
        if info > 0 { throw LinearAlgebraError.notPositiveDefinite(leadingMinor: Int(info)) }
    }

    /// `dgesv`: solve A·X = B by LU with partial pivoting.
    static func dgesv(_ a: inout [Double], n: Int, _ b: inout [Double], nrhs: Int) throws {
        var pivots = [Int32](repeating: 0, count: max(1, n))
        let info = a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeMutableBufferPointer { bp in
                pivots.withUnsafeMutableBufferPointer { pp in
                    LAPACKE_dgesv(layout, Int32(n), Int32(nrhs), ap.baseAddress, Int32(max(1, n)),
                                  pp.baseAddress, bp.baseAddress, Int32(max(1, n)))
                }
            }
        }
        try check(info, "LAPACKE_dgesv")
        if info > 0 { throw LinearAlgebraError.singular(routine: "LAPACKE_dgesv", index: Int(info)) }
    }

    /// `dgels`: least squares min ‖A·x − b‖ by QR for a full-rank m × n A (m ≥ n).
    /// `b` has `ldb = max(m, n)` rows; the solution is in its first n rows.
    static func dgels(_ a: inout [Double], m: Int, n: Int, _ b: inout [Double], nrhs: Int) throws {
        let info = a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeMutableBufferPointer { bp in
                LAPACKE_dgels(layout, noTranspose, Int32(m), Int32(n), Int32(nrhs), ap.baseAddress,
                              Int32(max(1, m)), bp.baseAddress, Int32(max(1, m, n)))
            }
        }
        try check(info, "LAPACKE_dgels")
        if info > 0 { throw LinearAlgebraError.singular(routine: "LAPACKE_dgels", index: Int(info)) }
    }

    /// `dgelsd`: minimum-norm least squares by SVD; returns the effective rank and the singular values.
    static func dgelsd(_ a: inout [Double], m: Int, n: Int, _ b: inout [Double], nrhs: Int,
                       rcond: Double) throws -> (rank: Int, singularValues: [Double]) {
        var s = [Double](repeating: 0, count: max(1, min(m, n)))
        var rank: Int32 = 0
        let info = a.withUnsafeMutableBufferPointer { ap in
            b.withUnsafeMutableBufferPointer { bp in
                s.withUnsafeMutableBufferPointer { sp in
                    LAPACKE_dgelsd(layout, Int32(m), Int32(n), Int32(nrhs), ap.baseAddress, Int32(max(1, m)),
                                   bp.baseAddress, Int32(max(1, m, n)), sp.baseAddress, rcond, &rank)
                }
            }
        }
        try check(info, "LAPACKE_dgelsd")
        if info > 0 { throw LinearAlgebraError.noConvergence(routine: "LAPACKE_dgelsd", info: Int(info)) }
        return (Int(rank), Array(s.prefix(min(m, n))))
    }

    /// `dsyevd`: all eigenvalues (ascending) and eigenvectors of a symmetric matrix (lower triangle read).
    static func dsyevd(_ a: inout [Double], n: Int, vectors: Bool = true) throws -> [Double] {
        var w = [Double](repeating: 0, count: max(1, n))
        let info = a.withUnsafeMutableBufferPointer { ap in
            w.withUnsafeMutableBufferPointer { wp in
                LAPACKE_dsyevd(layout, vectors ? vectorsToo : valuesOnly, lower, Int32(n), ap.baseAddress, Int32(max(1, n)), wp.baseAddress)
            }
        }
        try check(info, "LAPACKE_dsyevd")
        if info > 0 { throw LinearAlgebraError.noConvergence(routine: "LAPACKE_dsyevd", info: Int(info)) }
        return Array(w.prefix(n))
    }
}
