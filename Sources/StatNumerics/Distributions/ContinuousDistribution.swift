/// A continuous probability distribution on the real line.
///
/// Every function is total: arguments outside the domain (a probability outside [0, 1], NaN) give
/// NaN rather than trapping, because these are low-level numerics; callers guard their own
/// boundaries and turn undefined results into `nil` or thrown errors. Both tails are computed
/// directly, so `sf` and `upperQuantile` keep full relative accuracy where `1 − cdf` would not.
public protocol ContinuousDistribution: Sendable {
    /// The density f(x).
    func pdf(_ x: Double) -> Double
    /// The lower-tail probability P(X ≤ x).
    func cdf(_ x: Double) -> Double
    /// The upper-tail (survival) probability P(X > x), accurate far into the upper tail.
    func sf(_ x: Double) -> Double
    /// The lower-tail quantile: the q with cdf(q) = p (R's `q*(p)`).
    func quantile(_ p: Double) -> Double
    /// The upper-tail quantile: the q with sf(q) = p (R's `q*(p, lower.tail = FALSE)`).
    func upperQuantile(_ p: Double) -> Double
}
