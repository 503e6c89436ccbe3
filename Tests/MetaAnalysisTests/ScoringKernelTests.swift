import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import OutcomeData
import StatNumerics

/// The allocation-free refit engine (`ScoringWorkspace`, `FastPermutationFit`) against the general
/// fit (`MixedEffectsModel.fit` / `fitPreconditioned`, itself checked against metafor 3.8-1 by the
/// golden tests): the same τ² algorithm from the same start, so τ² agrees to the convergence
/// threshold (|Δτ²| ≤ 1e-10, as `SensitivityFixtures.control`) and the rest to 1e-8 relative.
struct ScoringKernelTests {
    static let estimators: [TauSquaredEstimator] = [.ML, .REML, .EB, .DL, .HE]
    /// (dataset, moderator terms): intercept-only (p = 1), one moderator (p = 2), two (p = 3).
    static let designs: [(String, [String])] = [("bcg", []), ("hackshaw1998", []), ("bcg", ["ablat"]),
                                                ("hackshaw1998", ["design"]), ("bcg", ["ablat", "year"])]

    static func load(_ index: Int) throws -> ModeratorDesign {
        let (dataset, terms) = designs[index]
        return try ModeratorDesign.build(SensitivityFixtures.studyTable(dataset), terms: terms)
    }

    /// The cold-start kernel fit equals the general fit: τ², β̂, Var(β̂) and QE (on the
    /// orthonormalized design that every caller fits, `DesignPreconditioner`).
    @Test(arguments: estimators, 0..<designs.count)
    func kernelMatchesTheGeneralFit(_ estimator: TauSquaredEstimator, _ designIndex: Int) throws {
        let design = try ScoringKernelTests.load(designIndex)
        let k = design.studies.count, p = design.matrix.columns
        let model = MixedEffectsModel(estimator: estimator, test: .knha, control: SensitivityFixtures.control)
        let yi = design.studies.map(\.yi), vi = design.studies.map(\.vi)
        let x = try p > 1 ? #require(DesignPreconditioner(design.matrix)).q : design.matrix
        let general = try model.fit(yi: yi, vi: vi, design: x, names: design.names)
        let ws = ScoringWorkspace(capacity: k, p: p)
        for i in 0..<k {
            ws.y[i] = yi[i]; ws.v[i] = vi[i]
            for a in 0..<p { ws.x[i * p + a] = x[i, a] }
        }
        ws.prepare(k)
        let refit = try #require(ModelRefit(model: model).fastFit(ws, warmStart: nil))
        let context = "\(designIndex) \(estimator.rawValue)"
        #expect(isClose(refit.tau2, general.tau2, rel: 1e-8, abs: 1e-10), "\(context): τ² \(refit.tau2) vs \(general.tau2)")
        #expect(isClose(refit.s2, general.knappHartungScale, rel: 1e-8), "\(context): s²")
        for a in 0..<p {
            #expect(isClose(ws.small[a], general.coefficients[a].estimate, rel: 1e-8, abs: 1e-12), "\(context): β\(a)")
            for b in 0..<p {
                let ours = refit.s2 * ws.m(refit.result.state, a, b)
                #expect(isClose(ours, general.covariance[a, b], rel: 1e-8, abs: 1e-14), "\(context): Var(β̂)[\(a), \(b)]")
            }
        }
        let atZero = try #require(ws.atZero(refit.result))
        #expect(isClose(max(0, atZero.rss), general.qe, rel: 1e-10, abs: 1e-12), "\(context): QE")
        #expect(isClose(Double(k - p) / atZero.traceP, general.typicalVariance, rel: 1e-10), "\(context): typical variance")
    }

    /// Permuted fits: the statistics and QM of `FastPermutationFit` equal those of
    /// `fitPreconditioned` on the permuted design, for z and Knapp–Hartung tests.
    @Test(arguments: [TauSquaredEstimator.REML, .ML, .DL], [InferenceTest.z, .knha])
    func permutedFitsMatchTheGeneralFit(_ estimator: TauSquaredEstimator, _ test: InferenceTest) throws {
        for designIndex in [2, 3, 4] {
            let design = try ScoringKernelTests.load(designIndex)
            let k = design.studies.count, p = design.matrix.columns
            let model = MixedEffectsModel(estimator: estimator, test: test, control: SensitivityFixtures.control)
            let yi = design.studies.map(\.yi), vi = design.studies.map(\.vi)
            let tested = Array(1..<p)
            let fast = FastPermutationFit(model: model, design: design.matrix,
                                          preconditioner: DesignPreconditioner(design.matrix), tested: tested)
            #expect(fast.applies)
            let ws = ScoringWorkspace(capacity: k, p: p)
            var slot = [Double](repeating: 0, count: 1 + 2 * (p + 1))
            for index in 0..<40 {
                var g = Permutations.generator(seed: 5, index: index)
                let rows = Permutations.shuffled(k, using: &g)
                for i in 0..<k { ws.y[i] = yi[i]; ws.v[i] = vi[i]; ws.indices[i] = rows[i] }
                let done = slot.withUnsafeMutableBufferPointer { fast.fit(ws, into: $0.baseAddress!) }
                let permuted = design.matrix.submatrix(rows: rows, columns: Array(0..<p))
                let general = try model.fitPreconditioned(yi: yi, vi: vi, design: permuted, names: design.names,
                                                          testedCoefficients: tested)
                let context = "\(designIndex) \(estimator.rawValue) \(test.rawValue) permutation \(index)"
                #expect(done && slot[0] == 0, "\(context): fitted")
                for j in 0..<p {
                    let ours: Double? = slot[1 + 2 * j] == 1 ? slot[2 + 2 * j] : nil
                    #expect(isClose(ours, general.coefficients[j].statistic, rel: 1e-8, abs: 1e-10), "\(context): statistic \(j)")
                }
                let qm: Double? = slot[1 + 2 * p] == 1 ? slot[2 + 2 * p] : nil
                #expect(isClose(qm, general.qm, rel: 1e-8, abs: 1e-10), "\(context): QM")
            }
        }
    }
}
