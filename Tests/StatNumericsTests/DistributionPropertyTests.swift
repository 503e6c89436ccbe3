import Foundation
import Testing
import TestSupport
@testable import StatNumerics

/// The distributions under test, with a grid of points in the support reaching both tails.
struct DistributionCase: CustomTestStringConvertible, Sendable {
    let name: String
    let distribution: any ContinuousDistribution
    let grid: [Double]
    var testDescription: String { name }

    static let all: [DistributionCase] = [
        DistributionCase(name: "N(0, 1)", distribution: Normal.standard,
                         grid: stride(from: -37.0, through: 8, by: 0.5).map { $0 }),
        DistributionCase(name: "N(3, 0.25)", distribution: Normal(mean: 3, sd: 0.5),
                         grid: stride(from: -2.0, through: 7, by: 0.25).map { $0 }),
        DistributionCase(name: "t(0.5)", distribution: StudentT(df: 0.5),
                         grid: [-1e12, -1e6, -100, -10, -1, -0.1, 0.1, 1, 10, 100, 1e6, 1e12]),
        DistributionCase(name: "t(1)", distribution: StudentT(df: 1),
                         grid: [-1e10, -1e4, -30, -3, -1, -0.2, 0.2, 1, 3, 30, 1e4, 1e10]),
        DistributionCase(name: "t(2)", distribution: StudentT(df: 2),
                         grid: [-1e8, -1e3, -20, -2, -0.5, 0.5, 2, 20, 1e3, 1e8]),
        DistributionCase(name: "t(7.5)", distribution: StudentT(df: 7.5),
                         grid: [-1e4, -50, -8, -2, -0.3, 0.3, 2, 8, 50, 1e4]),
        DistributionCase(name: "t(1e6)", distribution: StudentT(df: 1e6),
                         grid: [-30, -10, -4, -1, -0.01, 0.01, 1, 4, 10, 30]),
        DistributionCase(name: "χ²(0.5)", distribution: ChiSquared(df: 0.5),
                         grid: [1e-200, 1e-50, 1e-8, 0.01, 0.5, 2, 10, 100, 1000]),
        DistributionCase(name: "χ²(1)", distribution: ChiSquared(df: 1),
                         grid: [1e-100, 1e-10, 0.01, 1, 3.84, 10, 100, 1000]),
        DistributionCase(name: "χ²(30)", distribution: ChiSquared(df: 30),
                         grid: [0.5, 5, 15, 29, 30, 45, 100, 500, 1300]),
        DistributionCase(name: "χ²(1e6)", distribution: ChiSquared(df: 1e6),
                         grid: [9.8e5, 9.95e5, 1e6, 1.003e6, 1.01e6, 1.03e6]),
        DistributionCase(name: "F(1, 1)", distribution: FisherF(df1: 1, df2: 1),
                         grid: [1e-100, 1e-10, 0.01, 1, 100, 1e10, 1e100]),
        DistributionCase(name: "F(3, 7)", distribution: FisherF(df1: 3, df2: 7),
                         grid: [1e-30, 1e-5, 0.1, 1, 4, 30, 1e5, 1e20]),
        DistributionCase(name: "F(10, 1e6)", distribution: FisherF(df1: 10, df2: 1e6),
                         grid: [0.01, 0.3, 1, 2, 5, 20, 60]),
    ]
}

@Suite("Distributions: special values, monotonicity and round trips")
struct DistributionPropertyTests {

    @Test("out-of-domain arguments give NaN, never a trap")
    func domain() {
        let invalid: [any ContinuousDistribution] = [
            Normal(mean: 0, sd: 0), Normal(mean: 0, sd: -1), Normal(mean: .nan, sd: 1), Normal(mean: 0, sd: .infinity),
            StudentT(df: 0), StudentT(df: -2), StudentT(df: .nan),
            ChiSquared(df: 0), ChiSquared(df: -1), ChiSquared(df: .nan), ChiSquared(df: .infinity),
            FisherF(df1: 0, df2: 3), FisherF(df1: 3, df2: -1), FisherF(df1: .nan, df2: 3),
        ]
        for d in invalid {
            #expect(d.pdf(1).isNaN && d.cdf(1).isNaN && d.sf(1).isNaN, "\(d)")
            #expect(d.quantile(0.3).isNaN && d.upperQuantile(0.3).isNaN, "\(d)")
        }
        for c in DistributionCase.all {
            let d = c.distribution
            for p in [-0.1, 1.1, Double.nan, -Double.infinity] {
                #expect(d.quantile(p).isNaN && d.upperQuantile(p).isNaN, "\(c.name) at p = \(p)")
            }
            #expect(d.cdf(.nan).isNaN && d.sf(.nan).isNaN && d.pdf(.nan).isNaN, "\(c.name)")
        }
    }

    @Test("limits: cdf(±∞), quantile(0) and quantile(1)", arguments: DistributionCase.all)
    func limits(_ c: DistributionCase) {
        let d = c.distribution
        #expect(d.cdf(.infinity) == 1 && d.sf(.infinity) == 0)
        #expect(d.cdf(-.infinity) == 0 && d.sf(-.infinity) == 1)
        #expect(d.quantile(1) == .infinity && d.upperQuantile(0) == .infinity)
        let lowerEnd = d.quantile(0)
        #expect(lowerEnd == -.infinity || lowerEnd == 0)
        #expect(d.upperQuantile(1) == lowerEnd)
    }

    @Test("pnorm and qnorm at 1e-300 and exact values")
    func normalExtremes() {
        // R: pnorm(-37) = 5.7255712225245771e-300; qnorm(1e-300) = -37.047096299361201
        #expect(isClose(Normal.standard.cdf(-37), 5.7255712225245771e-300, rel: 1e-13))
        #expect(isClose(Normal.standard.sf(37), 5.7255712225245771e-300, rel: 1e-13))
        #expect(isClose(Normal.standard.quantile(1e-300), -37.047096299361201, rel: 1e-14))
        #expect(isClose(Normal.standard.upperQuantile(1e-300), 37.047096299361201, rel: 1e-14))
        #expect(Normal.standard.cdf(0) == 0.5 && Normal.standard.quantile(0.5) == 0)
        #expect(isClose(Normal.standard.pdf(0), 1 / (2 * Double.pi).squareRoot(), rel: 1e-15))
    }

    /// Quantiles beyond the range of doubles: 0 below the smallest normal double (as R's q*
    /// functions return), +∞ above the largest finite one.
    @Test("quantiles outside the double range")
    func quantileOverflow() {
        #expect(ChiSquared(df: 0.5).quantile(1e-100) == 0)           // true value ≈ 1e-400
        #expect(FisherF(df1: 0.5, df2: 4).quantile(1e-100) == 0)
        #expect(StudentT(df: 0.5).upperQuantile(1e-300) == .infinity) // true value ≈ 1e599
        #expect(StudentT(df: 0.5).quantile(1e-300) == -.infinity)
        #expect(FisherF(df1: 23, df2: 1.066).upperQuantile(1e-300) == .infinity)
        // just inside: t(0.5) upper tail 1e-150 at t ≈ 1.03e299 (P(T > t) ≈ 0.3207 t^{−1/2})
        let t = StudentT(df: 0.5).upperQuantile(1e-150)
        #expect(t.isFinite && isClose(StudentT(df: 0.5).sf(t), 1e-150, rel: 1e-12))
    }

    @Test("t with df = ∞ is the standard normal; t is symmetric")
    func studentLimits() {
        let t = StudentT(df: .infinity)
        for x in [-30.0, -2, 0.3, 5] {
            #expect(t.cdf(x) == Normal.standard.cdf(x) && t.sf(x) == Normal.standard.sf(x))
            #expect(t.pdf(x) == Normal.standard.pdf(x))
        }
        #expect(t.quantile(0.025) == Normal.standard.quantile(0.025))
        let t3 = StudentT(df: 3)
        for x in [0.1, 1.7, 40] {
            #expect(t3.cdf(-x) == t3.sf(x))
            #expect(t3.quantile(0.01) == -t3.upperQuantile(0.01))
        }
        // closed forms: t(1) is Cauchy, t(2) has F(t) = ½ + t/(2√(2 + t²))
        #expect(isClose(StudentT(df: 1).cdf(-3), 0.5 - atan(3) / Double.pi, rel: 1e-14))
        #expect(isClose(StudentT(df: 2).quantile(0.01), (2 * 0.01 - 1) / (2 * 0.01 * 0.99).squareRoot(), rel: 1e-14))
        #expect(StudentT(df: 0.5).quantile(0.5) == 0)
    }

    @Test("F with an infinite degree of freedom is a scaled chi-square")
    func fisherLimits() {
        let f = FisherF(df1: 4, df2: .infinity)
        #expect(isClose(f.cdf(1.3), ChiSquared(df: 4).cdf(5.2), rel: 1e-15))
        let g = FisherF(df1: .infinity, df2: 6)
        #expect(isClose(g.sf(2), ChiSquared(df: 6).cdf(3), rel: 1e-15))
    }

    @Test("cdf increases, sf decreases, cdf + sf = 1", arguments: DistributionCase.all)
    func monotone(_ c: DistributionCase) {
        let d = c.distribution
        var lastCDF = -1.0, lastSF = 2.0
        for x in c.grid {
            let p = d.cdf(x), q = d.sf(x)
            #expect(p >= lastCDF && q <= lastSF, "\(c.name) at \(x)")
            #expect(abs(p + q - 1) <= 1e-15, "\(c.name): cdf + sf at \(x)")
            #expect(d.pdf(x) >= 0)
            lastCDF = p; lastSF = q
        }
        var lastQ = -Double.infinity
        for p in [1e-100, 1e-20, 1e-6, 0.01, 0.2, 0.5, 0.8, 0.99, 1 - 1e-9] {
            let q = d.quantile(p)
            #expect(q >= lastQ, "\(c.name): quantile not increasing at \(p)")
            lastQ = q
        }
    }

    /// quantile(cdf(x)) = x and upperQuantile(sf(x)) = x, using the tail in which the probability
    /// is small (where it carries the most information). The tolerance, 1e-13 relative, is the
    /// solver's stopping rule (1e-15 in x) plus the conditioning |d log x / d log p|; 1e-14
    /// absolute where a location shift makes x ≈ 0 (mean + sd·z cancels).
    @Test("quantile round trips", arguments: DistributionCase.all)
    func roundTrip(_ c: DistributionCase) {
        let d = c.distribution
        for x in c.grid {
            let p = d.cdf(x), q = d.sf(x)
            guard p > 1e-300, q > 1e-300 else { continue }
            let back = p <= q ? d.quantile(p) : d.upperQuantile(q)
            #expect(isClose(back, x, rel: 1e-13, abs: 1e-14), "\(c.name): x = \(x), p = \(min(p, q)), back = \(back)")
        }
    }

    @Test("a quantile reproduces its probability", arguments: DistributionCase.all)
    func quantileThenCDF(_ c: DistributionCase) {
        let d = c.distribution
        for p in [1e-100, 1e-30, 1e-8, 0.001, 0.05, 0.3] {
            let x = d.quantile(p)
            guard x.isFinite, x != 0 else { continue }
            // relative error in p = |d log p / d log x| × 1e-15, well under 1e-10 here
            #expect(isClose(d.cdf(x), p, rel: 1e-10), "\(c.name): cdf(quantile(\(p))) = \(d.cdf(x))")
            let y = d.upperQuantile(p)
            #expect(isClose(d.sf(y), p, rel: 1e-10), "\(c.name): sf(upperQuantile(\(p))) = \(d.sf(y))")
        }
    }
}
