/// A numerical failure: the routine that failed, how far it got and what a person can do about it.
///
/// The command-line tool maps this to exit code 3 (see `cli-contract.md`).
public struct NumericalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The routine that failed, e.g. `"REML Fisher scoring"` or `"Brent root finding"`.
    public var routine: String
    /// What went wrong, in words.
    public var reason: String
    /// The iteration reached when it failed (nil when the routine is not iterative).
    public var iteration: Int?
    /// What to try instead.
    public var remedy: String

    public init(routine: String, reason: String, iteration: Int? = nil, remedy: String) {
        self.routine = routine
        self.reason = reason
        self.iteration = iteration
        self.remedy = remedy
    }

    public var description: String {
        var text = "\(routine): \(reason)"
        if let iteration { text += " (at iteration \(iteration))" }
        return text + ". Remedy: \(remedy)"
    }
}

/// A value outside the domain a public entry point accepts (a negative variance, a NaN, an empty set).
public struct DomainError: Error, Sendable, Equatable, CustomStringConvertible {
    public var routine: String
    public var message: String

    public init(routine: String, _ message: String) {
        self.routine = routine
        self.message = message
    }

    public var description: String { "\(routine): \(message)" }
}
