/// One-dimensional root finding.
public enum RootFinding {

    static let routine = "Brent root finding"

    /// Brent's method (R. P. Brent, *Algorithms for Minimization without Derivatives*, 1973, ch. 4;
    /// the method of R's `uniroot`): bisection, secant and inverse quadratic interpolation, keeping
    /// a bracket [b, c] with f(b) f(c) ≤ 0 so it always converges.
    ///
    /// - Parameters:
    ///   - interval: [a, b] with f(a) and f(b) of opposite sign (or one of them zero).
    ///   - tolerance: absolute tolerance on the root; the returned x is within
    ///     `tolerance + 4 ulp(x)` of a sign change of f.
    ///   - maxIterations: the number of evaluations of f allowed after the two end points.
    /// - Returns: the root.
    /// - Throws: `NumericalError` (routine "Brent root finding") when the interval is not finite,
    ///   f has the same sign at both ends, f returns NaN, or `maxIterations` is reached; errors
    ///   thrown by `f` propagate unchanged.
    public static func brent(
        in interval: ClosedRange<Double>,
        tolerance: Double = 1e-12,
        maxIterations: Int = 500,
        _ f: (Double) throws -> Double
    ) throws -> Double {
        guard interval.lowerBound.isFinite, interval.upperBound.isFinite else {
            throw NumericalError(routine: routine, reason: "the interval \(interval) is not finite",
                                 remedy: "give finite end points")
        }
        var a = interval.lowerBound, b = interval.upperBound
        var fa = try f(a), fb = try f(b)
        if fa.isNaN || fb.isNaN {
            throw NumericalError(routine: routine, reason: "the function is NaN at an end point of \(interval)",
                                 iteration: 0, remedy: "choose an interval on which the function is defined")
        }
        if fa == 0 { return a }
        if fb == 0 { return b }
        if (fa > 0) == (fb > 0) {
            throw NumericalError(
                routine: routine,
                reason: "no sign change on [\(a), \(b)]: f(\(a)) = \(fa), f(\(b)) = \(fb)",
                iteration: 0,
                remedy: "widen or move the interval so that the function changes sign on it")
        }
        var c = a, fc = fa
        var d = b - a, e = d
        for iteration in 1...max(1, maxIterations) {
            if (fb > 0) == (fc > 0) {
                // Restore the bracket: c is the end point where f has the other sign.
                c = a; fc = fa
                d = b - a; e = d
            }
            if abs(fc) < abs(fb) {
                a = b; b = c; c = a
                fa = fb; fb = fc; fc = fa
            }
            let tol1 = 2 * Double.ulpOfOne * abs(b) + 0.5 * tolerance
            let xm = 0.5 * (c - b)
            if abs(xm) <= tol1 || fb == 0 { return b }
            if abs(e) >= tol1 && abs(fa) > abs(fb) {
                // Interpolate: secant when only two distinct points, inverse quadratic otherwise.
                let s = fb / fa
                var p: Double, q: Double
                if a == c {
                    p = 2 * xm * s
                    q = 1 - s
                } else {
                    let qq = fa / fc, r = fb / fc
                    p = s * (2 * xm * qq * (qq - r) - (b - a) * (r - 1))
                    q = (qq - 1) * (r - 1) * (s - 1)
                }
                if p > 0 { q = -q } else { p = -p }
                if 2 * p < min(3 * xm * q - abs(tol1 * q), abs(e * q)) {
                    e = d
                    d = p / q
                } else {
                    d = xm; e = d
                }
            } else {
                d = xm; e = d
            }
            a = b; fa = fb
            b += abs(d) > tol1 ? d : (xm > 0 ? tol1 : -tol1)
            fb = try f(b)
            if fb.isNaN {
                throw NumericalError(routine: routine, reason: "the function is NaN at x = \(b)",
                                     iteration: iteration,
                                     remedy: "choose an interval on which the function is defined")
            }
        }
        throw NumericalError(
            routine: routine,
            reason: "no convergence to tolerance \(tolerance) in \(maxIterations) iterations; last bracket [\(min(b, c)), \(max(b, c))]",
            iteration: maxIterations,
            remedy: "raise maxIterations or loosen the tolerance")
    }
}
