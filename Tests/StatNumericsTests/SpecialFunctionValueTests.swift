import Foundation
import Testing
import TestSupport
@testable import StatNumerics

/// Special values, identities and high-precision references where R itself is only accurate in
/// the absolute sense. High-precision references: mpmath 1.3.0 at 40 significant digits
/// (`mp.dps = 40; loggamma(mpf(x))`, `digamma(mpf(x))`), rounded to 20 digits.
@Suite("Special functions: special values and identities")
struct SpecialFunctionValueTests {

    // MARK: log-gamma

    @Test("logGamma special values")
    func logGammaSpecialValues() {
        #expect(SpecialFunctions.logGamma(.nan).isNaN)
        #expect(SpecialFunctions.logGamma(.infinity) == .infinity)
        #expect(SpecialFunctions.logGamma(-.infinity) == .infinity)
        for pole in [0.0, -0.0, -1, -2, -100, -1e20] {
            #expect(SpecialFunctions.logGamma(pole) == .infinity, "pole at \(pole)")
        }
        #expect(SpecialFunctions.logGamma(1) == 0)
        #expect(SpecialFunctions.logGamma(2) == 0)
        // log Γ(½) = log √π
        #expect(isClose(SpecialFunctions.logGamma(0.5), 0.57236494292470008707, rel: 1e-15))
        // Γ(n) = (n − 1)!: log 170! (R: lgamma(171) = 706.57306224578747)
        #expect(isClose(SpecialFunctions.logGamma(171), 706.57306224578747, rel: 1e-15))
    }

    /// Next to the zeros at 1 and 2 log Γ is tiny; the series about 2 keeps full relative
    /// accuracy there (R's lgamma does not: 1e-10 relative at x = 1 ± 1e-6).
    @Test("logGamma near its zeros at 1 and 2 (mpmath)", arguments: [
        (1.000000000001, -5.7726697970945634782e-13),
        (0.999999999999, 5.7720289589896659168e-13),
        (2.000000000001, 4.2282192087238457489e-13),
        (1.999999999999, -4.2282192087173952615e-13),
        (1.000000001, -5.7721571183810395192e-10),
        (0.999999999, 5.7721564939922597355e-10),
        (2.000000001, 4.2278437040226696476e-10),
        (1.999999999, -4.2278436975733279119e-10),
        (0.99999899999999997, 5.7721648738556523794e-7),
        (1.0000009999999999, -5.7721484238741466506e-7),
        (1.9999990000000001, -4.2278401259658537019e-7),
        (2.0000010000000001, 4.227846576245292362e-7),
    ])
    func logGammaNearZeros(_ x: Double, _ expected: Double) {
        #expect(isClose(SpecialFunctions.logGamma(x), expected, rel: 1e-13),
                "logGamma(\(x)) = \(SpecialFunctions.logGamma(x))")
    }

    @Test("logBeta special values and symmetry")
    func logBetaSpecialValues() {
        #expect(SpecialFunctions.logBeta(.nan, 1).isNaN)
        #expect(SpecialFunctions.logBeta(-1, 1).isNaN)
        #expect(SpecialFunctions.logBeta(0, 2) == .infinity)
        #expect(SpecialFunctions.logBeta(.infinity, 2) == -.infinity)
        #expect(SpecialFunctions.logBeta(1, 1) == 0)
        for (a, b) in [(0.3, 7.0), (12.0, 0.5), (40.0, 400.0)] {
            #expect(SpecialFunctions.logBeta(a, b) == SpecialFunctions.logBeta(b, a))
        }
        // B(a, 1) = 1/a
        #expect(isClose(SpecialFunctions.logBeta(1e5, 1), -log(1e5), rel: 1e-14))
    }

    // MARK: digamma, trigamma

    @Test("digamma and trigamma special values")
    func polygammaSpecialValues() {
        #expect(SpecialFunctions.digamma(.nan).isNaN)
        #expect(SpecialFunctions.digamma(.infinity) == .infinity)
        #expect(SpecialFunctions.digamma(-.infinity).isNaN)
        #expect(SpecialFunctions.digamma(0).isNaN)
        #expect(SpecialFunctions.digamma(-3).isNaN)
        // ψ(1) = −γ, ψ(½) = −γ − 2 log 2
        #expect(isClose(SpecialFunctions.digamma(1), -0.57721566490153286061, rel: 1e-15))
        #expect(isClose(SpecialFunctions.digamma(0.5), -1.9635100260214234794, rel: 1e-15))
        #expect(SpecialFunctions.trigamma(.nan).isNaN)
        #expect(SpecialFunctions.trigamma(.infinity) == 0)
        #expect(SpecialFunctions.trigamma(0) == .infinity)
        #expect(SpecialFunctions.trigamma(-2) == .infinity)
        // ψ′(1) = π²/6, ψ′(½) = π²/2
        #expect(isClose(SpecialFunctions.trigamma(1), Double.pi * Double.pi / 6, rel: 1e-15))
        #expect(isClose(SpecialFunctions.trigamma(0.5), Double.pi * Double.pi / 2, rel: 1e-15))
    }

    /// Near its positive zero x₀ = 1.46163214496836234126 digamma is accurate in the absolute
    /// sense (a few ulps of the O(1) terms that cancel), as R's is.
    @Test("digamma near its positive zero (mpmath)")
    func digammaNearRoot() {
        #expect(abs(SpecialFunctions.digamma(1.4616321449683622)) < 1e-15)
        #expect(isClose(SpecialFunctions.digamma(1.4716321449683623), 0.0096327030086223609201, rel: 1e-13))
        #expect(isClose(SpecialFunctions.digamma(1.47), 0.0080664890113648684423, rel: 1e-13))
    }

    // MARK: incomplete gamma and beta

    @Test("regularized gamma special values and complement")
    func incompleteGammaSpecialValues() {
        #expect(SpecialFunctions.regularizedGammaP(.nan, 1).isNaN)
        #expect(SpecialFunctions.regularizedGammaP(1, .nan).isNaN)
        #expect(SpecialFunctions.regularizedGammaP(-1, 1).isNaN)
        #expect(SpecialFunctions.regularizedGammaP(2, 0) == 0)
        #expect(SpecialFunctions.regularizedGammaQ(2, 0) == 1)
        #expect(SpecialFunctions.regularizedGammaP(2, -1) == 0)
        #expect(SpecialFunctions.regularizedGammaP(2, .infinity) == 1)
        #expect(SpecialFunctions.regularizedGammaQ(2, .infinity) == 0)
        #expect(SpecialFunctions.regularizedGammaP(0, 1) == 1)     // point mass at 0
        // P(1, x) = 1 − e^{−x}; Q(1, x) = e^{−x}, far into the tail
        #expect(isClose(SpecialFunctions.regularizedGammaP(1, 1e-8), -expm1(-1e-8), rel: 1e-15))
        #expect(isClose(SpecialFunctions.regularizedGammaQ(1, 700), exp(-700), rel: 1e-13))
        for (a, x) in [(0.3, 0.2), (3.0, 2.5), (50.0, 60.0), (1e4, 9.9e3)] {
            let p = SpecialFunctions.regularizedGammaP(a, x), q = SpecialFunctions.regularizedGammaQ(a, x)
            #expect(abs(p + q - 1) <= 4e-16, "P + Q at a = \(a), x = \(x)")
        }
    }

    @Test("regularized beta special values and identities")
    func incompleteBetaSpecialValues() {
        #expect(SpecialFunctions.regularizedBeta(.nan, a: 1, b: 1).isNaN)
        #expect(SpecialFunctions.regularizedBeta(-0.1, a: 1, b: 1).isNaN)
        #expect(SpecialFunctions.regularizedBeta(1.1, a: 1, b: 1).isNaN)
        #expect(SpecialFunctions.regularizedBeta(0.5, a: -1, b: 1).isNaN)
        #expect(SpecialFunctions.regularizedBeta(0, a: 2, b: 3) == 0)
        #expect(SpecialFunctions.regularizedBeta(1, a: 2, b: 3) == 1)
        #expect(SpecialFunctions.regularizedBetaComplement(0, a: 2, b: 3) == 1)
        #expect(SpecialFunctions.regularizedBetaComplement(1, a: 2, b: 3) == 0)
        // I_x(1, 1) = x; I_x(a, 1) = x^a; I_x(1, b) = 1 − (1 − x)^b
        #expect(isClose(SpecialFunctions.regularizedBeta(0.3, a: 1, b: 1), 0.3, rel: 1e-15))
        #expect(isClose(SpecialFunctions.regularizedBeta(0.9, a: 7.5, b: 1), pow(0.9, 7.5), rel: 1e-14))
        #expect(isClose(SpecialFunctions.regularizedBetaComplement(0.01, a: 1, b: 300), pow(0.99, 300), rel: 1e-13))
        // symmetry I_x(a, b) = 1 − I_{1−x}(b, a), both sides computed directly
        for (x, a, b) in [(0.25, 2.0, 9.0), (0.999, 800.0, 3.0), (0.4, 0.3, 0.2)] {
            #expect(isClose(SpecialFunctions.regularizedBeta(x, a: a, b: b),
                            SpecialFunctions.regularizedBetaComplement(1 - x, a: b, b: a), rel: 1e-14))
        }
    }
}
