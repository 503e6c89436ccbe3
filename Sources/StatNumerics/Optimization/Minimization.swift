/// One-dimensional minimization.
public enum Minimization {

    static let routine = "Brent minimization"

    /// Brent's golden-section search with parabolic interpolation (R. P. Brent, *Algorithms for
    /// Minimization without Derivatives*, 1973, ch. 5; the method of R's `optimize`).
    ///
    /// It finds a local minimum of f on [a, b] (the global one when f is unimodal there). The
    /// stopping rule is Brent's: stop when x is within 2·tol of the midpoint of the current
    /// bracket, with tol = √ε |x| + tolerance/3 (ε the machine epsilon), as in `optimize`, so x is
    /// located to about `tolerance` absolutely plus 1.5e-8 relatively — the best a minimum can be
    /// located in double precision, since f is flat to second order there.
    ///
    /// - Returns: the minimizer, the value of f there and the number of evaluations of f.
    /// - Throws: `NumericalError` (routine "Brent minimization") when the interval is not finite,
    ///   f returns NaN, or `maxIterations` is reached; errors thrown by `f` propagate unchanged.
    public static func brent(
        in interval: ClosedRange<Double>,
        tolerance: Double = 1e-10,
        maxIterations: Int = 500,
        _ f: (Double) throws -> Double
    ) throws -> (x: Double, value: Double, iterations: Int) {
        guard interval.lowerBound.isFinite, interval.upperBound.isFinite else {
            throw NumericalError(routine: routine, reason: "the interval \(interval) is not finite",
                                 remedy: "give finite end points")
        }
        let golden = 0.3819660112501051      // (3 − √5)/2
        let sqrtEps = Double.ulpOfOne.squareRoot()
        var a = interval.lowerBound, b = interval.upperBound
        var x = a + golden * (b - a)
        var w = x, v = x
        var fx = try f(x)
        if fx.isNaN { throw nanError(at: x, iteration: 1) }
        var fw = fx, fv = fx
        var d = 0.0, e = 0.0
        var evaluations = 1
        while evaluations <= maxIterations {
            let m = 0.5 * (a + b)
            let tol = sqrtEps * abs(x) + tolerance / 3
            let t2 = 2 * tol
            if abs(x - m) <= t2 - 0.5 * (b - a) {
                return (x, fx, evaluations)
            }
            var useGolden = true
            if abs(e) > tol {
                // Parabola through (v, fv), (w, fw), (x, fx).
                var r = (x - w) * (fx - fv)
                var q = (x - v) * (fx - fw)
                var p = (x - v) * q - (x - w) * r
                q = 2 * (q - r)
                if q > 0 { p = -p } else { q = -q }
                r = e
                e = d
                if abs(p) < abs(0.5 * q * r) && p > q * (a - x) && p < q * (b - x) {
                    d = p / q
                    let u = x + d
                    if u - a < t2 || b - u < t2 { d = x < m ? tol : -tol }
                    useGolden = false
                }
            }
            if useGolden {
                e = (x < m ? b : a) - x
                d = golden * e
            }
            let u = x + (abs(d) >= tol ? d : (d > 0 ? tol : -tol))
            let fu = try f(u)
            evaluations += 1
            if fu.isNaN { throw nanError(at: u, iteration: evaluations) }
            if fu <= fx {
                if u < x { b = x } else { a = x }
                v = w; fv = fw
                w = x; fw = fx
                x = u; fx = fu
            } else {
                if u < x { a = u } else { b = u }
                if fu <= fw || w == x {
                    v = w; fv = fw
                    w = u; fw = fu
                } else if fu <= fv || v == x || v == w {
                    v = u; fv = fu
                }
            }
        }
        throw NumericalError(
            routine: routine,
            reason: "no convergence in \(maxIterations) evaluations; last bracket [\(a), \(b)]",
            iteration: maxIterations,
            remedy: "raise maxIterations, loosen the tolerance or narrow the interval")
    }

    private static func nanError(at x: Double, iteration: Int) -> NumericalError {
        NumericalError(routine: routine, reason: "the function is NaN at x = \(x)", iteration: iteration,
                       remedy: "choose an interval on which the function is defined")
    }
}
