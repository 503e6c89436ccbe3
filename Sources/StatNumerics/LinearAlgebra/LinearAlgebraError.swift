/// A failure of a LAPACK-backed routine, with the LAPACK routine's name.
///
/// LAPACK reports through INFO: INFO < 0 means argument −INFO was illegal (LAPACKE also uses it for
/// NaN input when its NaN check is on), INFO > 0 is a routine-specific numerical failure. Shapes and
/// finiteness are checked before any call, so `invalidShape` and `nonFinite` come from SurvMeta
/// itself and LAPACK's own error printer never fires.
public enum LinearAlgebraError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The matrix shapes do not fit the routine.
    case invalidShape(routine: String, detail: String)
    /// An input element is NaN or infinite.
    case nonFinite(routine: String)
    /// `dpotrf`: the leading minor of this order (1-based) is not positive definite.
    case notPositiveDefinite(leadingMinor: Int)
    /// `dgesv`/`dgels`/`dpotri`: U(i,i) or the i-th diagonal element is exactly zero (1-based).
    case singular(routine: String, index: Int)
    /// LAPACK rejected argument number `argument` (1-based; includes the layout argument).
    case illegalArgument(routine: String, argument: Int)
    /// An iterative LAPACK routine (`dgelsd`'s SVD, `dsyevd`) did not converge.
    case noConvergence(routine: String, info: Int)

    public var description: String {
        switch self {
        case let .invalidShape(routine, detail):
            return "\(routine): invalid matrix shape: \(detail)"
        case let .nonFinite(routine):
            return "\(routine): input holds NaN or infinite values"
        case let .notPositiveDefinite(minor):
            return "LAPACKE_dpotrf: matrix is not positive definite (leading minor of order \(minor) fails)"
        case let .singular(routine, index):
            return "\(routine): matrix is exactly singular (zero pivot at position \(index))"
        case let .illegalArgument(routine, argument):
            return "\(routine): illegal value in argument \(argument)"
        case let .noConvergence(routine, info):
            return "\(routine): the algorithm failed to converge (INFO = \(info))"
        }
    }
}
