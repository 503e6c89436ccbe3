import Foundation
import MetaAnalysis
import StatNumerics
import Testing
import TestSupport

/// REML for the between-study covariance T (default mode, `tauEstimator: .REML`).
///
/// Reference: `Fixtures/summary-curve/reml_hepatology_t12.csv`, written by
/// `Fixtures/summary-curve/reml_hepatology.R` (R 4.2.2, metafor 3.8-1):
/// `rma.mv(y, v, mods = ~ factor(time) - 1, random = ~ factor(time) | study, struct = "UN",
/// method = "REML", control = list(optimizer = "nlminb", rel.tol = 1e-12, …))` on the hepatology
/// rows with times ≤ 12 (8 intervals, 27 studies, two of them stopping before 12 months).
/// Both fits stop on a flat likelihood, so T agrees to the optimisers' precision (1e-5 relative, or
/// 1e-7 absolute for elements near 0 — T's diagonal is ≈ 0.02; log-likelihoods agree to 1e-9), β to 1e-7.
@Suite("Summary curve — REML")
struct SummaryCurveREMLTests {
    struct Reference {
        var beta: [Double] = []
        var vb: [[Double]] = []
        var tau: [[Double]] = []
        var logLikelihood = 0.0
    }

    static func reference() throws -> Reference {
        let table = try FixtureTable(contentsOf: fixturesDirectory().appendingPathComponent("summary-curve/reml_hepatology_t12.csv"))
        var r = Reference()
        let p = 8
        r.vb = Array(repeating: Array(repeating: .nan, count: p), count: p)
        r.tau = r.vb
        r.beta = Array(repeating: .nan, count: p)
        for k in table.rows.indices {
            let kind = table.rows[k][0]
            let i = Int(table.rows[k][1])! - 1, j = Int(table.rows[k][2])! - 1
            let value = table.double(k, "value")!
            switch kind {
            case "beta": r.beta[i] = value
            case "vb": r.vb[i][j] = value
            case "tau": r.tau[i][j] = value
            default: r.logLikelihood = value
            }
        }
        return r
    }

    @Test("Matches metafor rma.mv(struct = \"UN\", method = \"REML\") with missing intervals")
    func metaforReference() throws {
        let rows = try SummaryCurveFixtures.hepatologyRows(maxTime: 12)
        let result = try SummaryCurveModel(tauEstimator: .REML, monteCarlo: SummaryCurveMonteCarloSpec(draws: 0)).fit(rows)
        let reference = try Self.reference()
        #expect(result.input.studiesPerInterval == [27, 27, 27, 27, 27, 26, 26, 25])
        let convergence = try #require(result.estimation.convergence)
        #expect(convergence.converged)
        #expect(isClose(convergence.logLikelihood, reference.logLikelihood, rel: 1e-9))
        #expect(maxRelativeError(result.estimation.beta, reference.beta) < 1e-7)
        for (a, b) in zip(result.estimation.tauPSD, reference.tau) {
            #expect(zip(a, b).allSatisfy { isClose($0, $1, rel: 1e-5, abs: 1e-7) }, "T row \(a) vs \(b)")
        }
        for (a, b) in zip(result.estimation.covariance, reference.vb) {
            #expect(zip(a, b).allSatisfy { isClose($0, $1, rel: 1e-5, abs: 1e-9) }, "Cov β row \(a) vs \(b)")
        }
        #expect(result.tauEstimator == .REML)
    }

    /// All 20 intervals: the REML T is rank-deficient (on the boundary), which the Cholesky
    /// parametrisation reaches without leaving the positive semi-definite cone. Its curve stays
    /// inside the moment (DL) estimate's pointwise band.
    @Test("Full hepatology data: converges on the boundary, curve close to the moment estimate's")
    func fullData() throws {
        let rows = try SummaryCurveFixtures.hepatologyRows()
        let spec = SummaryCurveMonteCarloSpec(draws: 0)
        let reml = try SummaryCurveModel(tauEstimator: .REML, monteCarlo: spec).fit(rows)
        let dl = try SummaryCurveModel(monteCarlo: spec).fit(rows)
        let eigen = reml.estimation.tauRawEigenvalues
        #expect(eigen.allSatisfy { $0 > -1e-12 })
        #expect(eigen.filter { $0 > 1e-8 }.count < 20)
        for (a, b) in zip(reml.rows, dl.rows) {
            #expect(a.surv > b.ciLow! && a.surv < b.ciHigh!, "t = \(a.time): REML \(a.surv) outside DL band [\(b.ciLow!), \(b.ciHigh!)]")
        }
        #expect(throws: DomainError.self) {
            try SummaryCurveModel(compatibility: .risca, tauEstimator: .REML, monteCarlo: spec).fit(rows)
        }
    }
}
