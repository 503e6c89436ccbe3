import Foundation
import Testing
import TestSupport
@testable import StatNumerics

/// Brent root finding and minimization on functions with known answers.
@Suite("Brent root finding and minimization")
struct RootFindingTests {

    /// Roots known in closed form or to full precision (R 4.2.2:
    /// `uniroot(function(x) x^3 - 2*x - 5, c(2, 3), tol = 1e-14)$root` = 2.0945514815423265,
    /// Wallis's example; the Dottie number cos x = x is 0.73908513321516064166).
    @Test("finds known roots to the tolerance", arguments: [
        ("x³ − 2x − 5", 2.0, 3.0, 2.0945514815423265),
        ("cos x − x", 0.0, 1.0, 0.73908513321516064166),
        ("eˣ − 2", -5.0, 5.0, 0.69314718055994530942),
        ("x − 1/3", -1e6, 1e6, 1.0 / 3),
    ])
    func knownRoots(_ name: String, _ a: Double, _ b: Double, _ root: Double) throws {
        let f: (Double) -> Double
        switch name {
        case "x³ − 2x − 5": f = { $0 * $0 * $0 - 2 * $0 - 5 }
        case "cos x − x": f = { cos($0) - $0 }
        case "eˣ − 2": f = { exp($0) - 2 }
        default: f = { $0 - 1.0 / 3 }
        }
        let x = try RootFinding.brent(in: a...b, tolerance: 1e-12, f)
        #expect(abs(x - root) <= 1e-12 + 4 * root.ulp, "\(name): \(x)")
    }

    @Test("an end point that is a root is returned as is")
    func rootAtEndPoint() throws {
        #expect(try RootFinding.brent(in: 1...3) { $0 - 1 } == 1)
        #expect(try RootFinding.brent(in: -2...0) { $0 * $0 } == 0)
    }

    @Test("a step function converges to its jump")
    func stepFunction() throws {
        let x = try RootFinding.brent(in: 0...1, tolerance: 1e-10) { $0 < 0.3 ? -1 : 1 }
        #expect(abs(x - 0.3) <= 1e-10)
    }

    @Test("no sign change throws a NumericalError naming the routine")
    func noSignChange() {
        do {
            _ = try RootFinding.brent(in: 0...1) { $0 * $0 + 1 }
            Issue.record("expected an error")
        } catch let error as NumericalError {
            #expect(error.routine == "Brent root finding")
            #expect(error.iteration == 0)
            #expect(error.reason.contains("no sign change"))
            #expect(!error.remedy.isEmpty)
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("reaching maxIterations throws with the iteration count")
    func iterationLimit() {
        #expect(throws: NumericalError.self) {
            _ = try RootFinding.brent(in: 0...1, tolerance: 0, maxIterations: 3) { cos($0) - $0 }
        }
        do {
            _ = try RootFinding.brent(in: 0...1, tolerance: 0, maxIterations: 3) { cos($0) - $0 }
        } catch let error as NumericalError {
            #expect(error.iteration == 3)
            #expect(error.routine == "Brent root finding")
        } catch {
            Issue.record("unexpected error \(error)")
        }
    }

    @Test("NaN and infinite intervals are reported, errors from f propagate")
    func badInput() {
        #expect(throws: NumericalError.self) { _ = try RootFinding.brent(in: 0...Double.infinity) { $0 - 1 } }
        #expect(throws: NumericalError.self) { _ = try RootFinding.brent(in: -1...1) { $0 > 0.5 ? .nan : $0 - 0.75 } }
        struct Boom: Error {}
        #expect(throws: Boom.self) { _ = try RootFinding.brent(in: 0...1) { _ in throw Boom() } }
    }

    // MARK: minimization

    /// Minimizers in closed form: (3/4)^{1/3} = 0.90856029641606982945 for x⁴ − 3x, with value
    /// −2.0442606669361571163 (mpmath, 30 digits); 1/e for −x e^{−x}.
    /// The tolerance of Brent's minimization is √ε|x| + tol/3 per step (as in R's `optimize`), so
    /// the minimizer is checked to 1e-7 relative, and the minimum value much more tightly.
    @Test("finds known minima", arguments: [
        ("(x − 2)² + 1", 0.0, 5.0, 2.0, 1.0),
        ("−x e^{−x}", 0.0, 10.0, 1.0, -0.36787944117144233),
        ("x⁴ − 3x", -1.0, 3.0, 0.90856029641606982, -2.0442606669361571),
        ("cosh(x − 0.7)", -3.0, 2.0, 0.7, 1.0),
    ])
    func knownMinima(_ name: String, _ a: Double, _ b: Double, _ xmin: Double, _ fmin: Double) throws {
        let f: (Double) -> Double
        switch name {
        case "(x − 2)² + 1": f = { ($0 - 2) * ($0 - 2) + 1 }
        case "−x e^{−x}": f = { -$0 * exp(-$0) }
        case "x⁴ − 3x": f = { $0 * $0 * $0 * $0 - 3 * $0 }
        default: f = { cosh($0 - 0.7) }
        }
        let result = try Minimization.brent(in: a...b, f)
        #expect(abs(result.x - xmin) <= 1e-7 * max(1, abs(xmin)), "\(name): x = \(result.x)")
        #expect(abs(result.value - fmin) <= 1e-13 * max(1, abs(fmin)), "\(name): f = \(result.value)")
        #expect(result.iterations > 0 && result.iterations < 100)
    }

    @Test("a monotone function is minimized at the end of the interval")
    func monotone() throws {
        let result = try Minimization.brent(in: 1...4) { $0 }
        #expect(abs(result.x - 1) <= 1e-7)
    }

    @Test("minimization errors")
    func minimizationErrors() {
        do {
            _ = try Minimization.brent(in: -1...1, tolerance: 0, maxIterations: 4) { $0 * $0 * $0 * $0 - $0 }
            Issue.record("expected an error")
        } catch let error as NumericalError {
            #expect(error.routine == "Brent minimization")
            #expect(error.iteration == 4)
        } catch {
            Issue.record("unexpected error \(error)")
        }
        #expect(throws: NumericalError.self) { _ = try Minimization.brent(in: 0...1) { _ in .nan } }
        #expect(throws: NumericalError.self) { _ = try Minimization.brent(in: -Double.infinity...1) { $0 } }
    }
}
