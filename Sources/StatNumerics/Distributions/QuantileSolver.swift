import Foundation

/// Inverts a tail probability of a distribution on (0, ∞) by safeguarded Newton iteration on the
/// log–log scale: it solves G(u) = log tail(eᵘ) − log p = 0 for u = log x.
///
/// On this scale power-law tails (t, F, the lower tail of the chi-square) are nearly linear and
/// exponential tails nearly quadratic, so Newton's method converges in a few steps from a rough
/// start, and the target may be as small as the smallest positive double. The method keeps a
/// bracket: until one exists, each step is limited to a length that doubles every time; once it
/// exists, a Newton step that would leave it, or that fails to halve |G| (as in Numerical
/// Recipes' `rtsafe`), is replaced by bisection. It stops when a step changes x by less than 4
/// ulps (relative 1e-15), or the bracket has shrunk to adjacent doubles.
struct PositiveQuantileSolver {
    /// P(X ≤ x) or P(X > x), whichever tail is being inverted.
    var tail: (Double) -> Double
    /// The density f(x).
    var pdf: (Double) -> Double
    /// True when `tail` is the upper tail (decreasing in x).
    var isUpper: Bool

    func solve(_ p: Double, guess: Double) -> Double {
        // Quantiles beyond the range of doubles: 0 below the smallest normal double (as R's q*
        // return), +∞ above the largest finite one.
        if !isUpper && tail(Double.leastNormalMagnitude) >= p { return 0 }
        if isUpper && tail(Double.greatestFiniteMagnitude) >= p { return .infinity }
        let logP = log(p)
        let direction = isUpper ? -1.0 : 1.0      // h(u) = direction · G(u) increases with u
        var lo = -Double.infinity, hi = Double.infinity
        var u = (guess.isFinite && guess > 0) ? log(guess) : 0
        var maxStep = 1.0
        var previousStep = Double.infinity
        for _ in 0..<400 {
            let x = exp(u)
            let t = tail(x)
            let g = log(t) - logP
            if g == 0 { return x }
            let h = direction * g
            if h.isNaN { return .nan }
            if h < 0 { lo = u } else { hi = u }
            // dG/du = ±f(x)·x / tail(x)
            let slope = direction * pdf(x) * x / t
            var step = -g / slope
            let newtonValid = step.isFinite && slope != 0 && !slope.isNaN
            var next: Double
            if lo.isFinite && hi.isFinite {
                next = u + step
                if !newtonValid || !(next > lo && next < hi) || abs(2 * step) > abs(previousStep) {
                    next = 0.5 * (lo + hi)
                    if next == lo || next == hi { return exp(next) }
                }
                step = next - u
            } else {
                let towards = h < 0 ? 1.0 : -1.0
                if !newtonValid || step * towards <= 0 {
                    step = towards * maxStep
                } else if abs(step) > maxStep {
                    step = towards * maxStep
                }
                maxStep *= 2
                next = u + step
            }
            previousStep = step
            // u = log x, so |step| is the relative change in x.
            if abs(step) <= 1e-15 { return exp(next) }
            u = next
        }
        return exp(u)
    }
}

extension PositiveQuantileSolver {
    /// The lower (`upper == false`) or upper quantile at p of a distribution on [0, ∞), given
    /// `solve(q, upper)`, which returns the x with that tail probability q ≤ ½: the end points map to
    /// 0 and ∞, and p > ½ is solved on the other tail, where it is ≤ ½. NaN for p outside [0, 1] or
    /// invalid parameters (callers guard at their boundaries).
    static func halfLineQuantile(_ p: Double, upper: Bool, valid: Bool, solve: (Double, Bool) -> Double) -> Double {
        guard valid, p >= 0, p <= 1 else { return .nan }
        if p == 0 { return upper ? .infinity : 0 }
        if p == 1 { return upper ? 0 : .infinity }
        return p > 0.5 ? solve(1 - p, !upper) : solve(p, upper)
    }
}
