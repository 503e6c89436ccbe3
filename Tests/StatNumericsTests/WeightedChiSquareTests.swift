import Foundation
import Testing
import TestSupport
@testable import StatNumerics

/// One row of `Fixtures/weighted_chisq.csv` (written by `Fixtures/weighted_chisq.R`, whose reference
/// series is checked there against exact χ² values and an independent convolution integral).
struct WeightedChiSquarePoint: CustomTestStringConvertible {
    let name: String
    let weights: [Double]
    let q: Double
    let lower: Double
    let upper: Double

    var testDescription: String { "\(name) (n = \(weights.count)) at q = \(q)" }

    static let all: [WeightedChiSquarePoint] = {
        let url = fixturesDirectory().appendingPathComponent("weighted_chisq.csv")
        guard let table = try? FixtureTable(contentsOf: url) else { return [] }
        return (0..<table.rows.count).map { r in
            let record = table.record(r)
            return WeightedChiSquarePoint(
                name: record["case"] ?? "",
                weights: (record["weights"] ?? "").split(separator: ";").compactMap { FixtureTable.number(String($0)) },
                q: table.double(r, "q") ?? .nan,
                lower: table.double(r, "lower") ?? .nan,
                upper: table.double(r, "upper") ?? .nan)
        }
    }()
}

@Suite struct WeightedChiSquareTests {
    @Test func fixtureIsPresent() {
        #expect(WeightedChiSquarePoint.all.count == 47)
    }

    /// Both tails against the R reference to 1e-13 absolute. Both sides are exact up to the 1e-17
    /// truncation bound; what remains is rounding in the unsummed mass 1 − Σaₖ (about 1e-15), which is
    /// also why a tail of 1e-8 agrees to ~1e-15 absolute rather than to a fixed relative precision.
    @Test(arguments: WeightedChiSquarePoint.all)
    func matchesReference(_ point: WeightedChiSquarePoint) throws {
        let t = try WeightedChiSquare(weights: point.weights).tails(at: point.q)
        for (mine, theirs) in [(t.lower, point.lower), (t.upper, point.upper)] {
            #expect(abs(mine - theirs) <= 1e-13, "got \(mine), R \(theirs)")
        }
        #expect(abs(t.lower + t.upper - 1) <= 1e-14)
    }

    /// Equal weights: Q = λ·χ²(n), so the series must reduce to the χ² distribution.
    @Test(arguments: [1, 2, 5, 30])
    func equalWeightsAreAScaledChiSquare(_ n: Int) throws {
        let d = try WeightedChiSquare(weights: Array(repeating: 2.5, count: n))
        for q in [0.01, 1.0, 7.5, 40.0, 300.0] {
            let chi = ChiSquared(df: Double(n))
            #expect(isClose(try d.cdf(q), chi.cdf(q / 2.5), rel: 1e-14, abs: 1e-300))
            #expect(isClose(try d.sf(q), chi.sf(q / 2.5), rel: 1e-14, abs: 1e-300))
        }
    }

    /// Weights that differ by a rounding error behave like equal weights (a tiny γ must not upset the series).
    @Test func nearlyEqualWeights() throws {
        let d = try WeightedChiSquare(weights: [1, 1 + 1e-13, 1 - 1e-13, 1])
        #expect(isClose(try d.cdf(3.2), ChiSquared(df: 4).cdf(3.2), rel: 1e-11))
    }

    /// The mean of Q is Σλ; a Monte Carlo draw of 200,000 sums puts the empirical tail within 4 SE.
    @Test func agreesWithSimulation() throws {
        let weights = [4.0, 1.5, 0.6, 0.05]
        let d = try WeightedChiSquare(weights: weights)
        var rng = SeededGenerator(seed: 42)
        let draws = 200_000
        var above = 0
        let q = 6.0
        for _ in 0..<draws {
            var sum = 0.0
            for w in weights {
                let z = Normal.standardQuantile(Double.random(in: Double.ulpOfOne..<1, using: &rng), upper: false)
                sum += w * z * z
            }
            if sum > q { above += 1 }
        }
        let p = try d.sf(q)
        let se = (p * (1 - p) / Double(draws)).squareRoot()
        #expect(abs(Double(above) / Double(draws) - p) < 4 * se)
    }

    @Test func edgesAndBadInput() throws {
        let d = try WeightedChiSquare(weights: [1, 2])
        #expect(try d.tails(at: 0) == .init(lower: 0, upper: 1, terms: 0))
        #expect(try d.tails(at: -3).upper == 1)
        #expect(try d.tails(at: .infinity).lower == 1)
        #expect(throws: DomainError.self) { try WeightedChiSquare(weights: []) }
        #expect(throws: DomainError.self) { try WeightedChiSquare(weights: [1, 0]) }
        #expect(throws: DomainError.self) { try WeightedChiSquare(weights: [1, .nan]) }
        #expect(throws: DomainError.self) { try d.cdf(.nan) }
    }

    /// A series that cannot converge in the allowed terms names the routine, the term reached and a remedy.
    @Test func nonConvergenceIsReported() throws {
        let d = try WeightedChiSquare(weights: [1e6, 1e6, 1])
        do {
            _ = try d.tails(at: 2e6, maxTerms: 50)
            Issue.record("expected a NumericalError")
        } catch let error as NumericalError {
            #expect(error.routine.contains("Ruben"))
            #expect(error.iteration == 50)
            #expect(error.remedy.contains("Q-profile"))
        }
    }

    /// Far in a tail the Chernoff bound settles it: the true tails here are below 1e-30.
    @Test func negligibleTailsByChernoffBound() throws {
        let above = try WeightedChiSquare(weights: [1, 1, 1, 2]).tails(at: 1e5)
        #expect(above == .init(lower: 1, upper: 0, terms: 0))
        #expect(ChiSquared(df: 4).sf(1e5 / 2) < 1e-40)        // Q ≤ 2·χ²(4)
        let below = try WeightedChiSquare(weights: Array(repeating: 1e4, count: 50) + [1]).tails(at: 1e4)
        #expect(below == .init(lower: 0, upper: 1, terms: 0))
        #expect(ChiSquared(df: 50).cdf(1) < 1e-30)            // Q ≥ 1e4·χ²(50)
        // Near the mean the bound is useless and the series runs (q/β = 3,000 > 2,000).
        let near = try WeightedChiSquare(weights: Array(repeating: 1, count: 3000) + [1.5]).tails(at: 3001.5)
        #expect(near.terms > 0 && near.lower > 0.45 && near.lower < 0.55)
    }

    /// Many weights far above the smallest: a₀ underflows, and the scaled series must still sum to 1.
    /// (About 10,000 terms are needed, beyond the default cap, hence `maxTerms`.)
    @Test func underflowingLeadingTerm() throws {
        let weights = Array(repeating: 50.0, count: 400) + [1.0]
        let d = try WeightedChiSquare(weights: weights)
        let mean = weights.reduce(0, +)
        let t = try d.tails(at: mean, maxTerms: 40_000)
        #expect(t.terms > 10_000)
        #expect(abs(t.lower + t.upper - 1) < 1e-12)
        // Q ≈ 50·χ²(400) + χ²(1): the normal approximation puts P(Q ≤ mean) a little above ½.
        #expect(t.lower > 0.5 && t.lower < 0.56)
    }
}
