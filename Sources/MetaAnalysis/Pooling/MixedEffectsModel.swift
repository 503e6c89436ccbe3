import Foundation
import StatNumerics

/// The (mixed-effects) meta-analytic model y = Xβ + u + ε, u ~ N(0, τ²I), ε ~ N(0, diag v),
/// fitted as metafor 3.8's `rma.uni(yi, vi, mods = X, method, test, level)`.
///
/// β̂ = (XᵀWX)⁻¹XᵀWy with W = diag(1/(vᵢ + τ̂²)) and Var(β̂) = (XᵀWX)⁻¹ — scaled by the
/// Knapp–Hartung factor s² = Σwᵢ(yᵢ − xᵢᵀβ̂)²/(k − p) for `knha` (and by max(s², 1) for `adhoc`).
/// With `GENQ`, β̂ uses the generalized-Q weights aᵢ and the sandwich variance
/// (XᵀAX)⁻¹XᵀA(V + τ²I)AX(XᵀAX)⁻¹, as metafor does when `weights` are given.
/// Heterogeneity: QE = yᵀP₀y with P₀ from weights 1/vᵢ; I² = 100·τ²/(ṽ + τ²) and H² = τ²/ṽ + 1 with
/// the "typical" variance ṽ = (k − p)/tr P₀ (Higgins & Thompson 2002), and for equal-effects models
/// I² = max(0, 100·(QE − (k − p))/QE), H² = QE/(k − p).
public struct MixedEffectsModel: Sendable, Equatable {
    public var estimator: TauSquaredEstimator
    public var test: InferenceTest
    /// Confidence level, e.g. 0.95.
    public var level: Double
    public var control: ModelControl
    /// Weights of the generalized Q estimator (nil = 1/vᵢ); ignored by other estimators.
    public var genqWeights: [Double]?

    public init(estimator: TauSquaredEstimator = .REML, test: InferenceTest = .z, level: Double = 0.95,
                control: ModelControl = .default, genqWeights: [Double]? = nil) {
        self.estimator = estimator
        self.test = test
        self.level = level
        self.control = control
        self.genqWeights = genqWeights
    }

    /// Fits the model.
    /// - Parameters:
    ///   - yi: estimates on the analysis scale; `vi`: their sampling variances (> 0).
    ///   - design: the k × p model matrix (include a column of ones for an intercept).
    ///   - names: one name per column (`intrcpt` for the intercept, as metafor).
    ///   - testedCoefficients: indices tested jointly by QM; nil = all but an intercept named `intrcpt`
    ///     (or the only coefficient when the model has one).
    public func fit(yi: [Double], vi: [Double], design x: Matrix, names: [String],
                    testedCoefficients: [Int]? = nil) throws -> MixedEffectsFit {
        let routine = "MixedEffectsModel.fit"
        let k = yi.count
        guard k >= 1 else { throw DomainError(routine: routine, "no studies to pool") }
        guard vi.count == k, x.rows == k, names.count == x.columns else {
            throw DomainError(routine: routine, "yi (\(k)), vi (\(vi.count)), design rows (\(x.rows)) and names (\(names.count) for \(x.columns) columns) must agree")
        }
        guard level > 0 && level < 1 else { throw DomainError(routine: routine, "level \(level) must lie strictly between 0 and 1") }
        for i in 0..<k {
            guard yi[i].isFinite else { throw DomainError(routine: routine, "estimate \(i + 1) is \(yi[i]); expected a finite number") }
            guard vi[i].isFinite && vi[i] > 0 else { throw DomainError(routine: routine, "variance \(i + 1) is \(vi[i]); expected a finite number > 0") }
        }
        guard x.isFinite else { throw DomainError(routine: routine, "the model matrix holds a missing or infinite value") }
        let p = x.columns
        guard p <= k else {
            throw DomainError(routine: routine, "\(p) coefficients cannot be estimated from \(k) studies")
        }
        if let a = genqWeights, estimator.usesGeneralizedQWeights {
            guard a.count == k, a.allSatisfy({ $0.isFinite && $0 > 0 }) else {
                throw DomainError(routine: routine, "\(estimator.rawValue) weights must be \(k) finite numbers > 0")
            }
        }
        var test = self.test
        var notes: [String] = []
        if test.usesTDistribution && k - p < 1 {
            guard k == 1 && p == 1 else {
                throw DomainError(routine: routine, "test '\(test.rawValue)' needs more studies than coefficients (k = \(k), p = \(p))")
            }
            // metafor 3.8 switches a single study to the z test (it has no residual degrees of freedom).
            notes.append("a single study has no degrees of freedom for the '\(test.rawValue)' test: the z test was used")
            test = .z
        }

        // τ²
        let estimation = TauSquaredEstimation(y: yi, v: vi, x: x, control: control,
                                              genqWeights: estimator.usesGeneralizedQWeights ? genqWeights : nil)
        let tauFit: TauSquaredFit
        do {
            tauFit = try estimation.fit(estimator)
        } catch let error as LinearAlgebraError {
            throw rankError(error, names: names, x: x)
        }
        let tau2 = tauFit.tau2

        // Coefficients
        let w = vi.map { 1 / ($0 + tau2) }
        let ivProjection: WeightedProjection
        do { ivProjection = try WeightedProjection(weights: w, design: x) } catch let error as LinearAlgebraError {
            throw rankError(error, names: names, x: x)
        }
        var beta = ivProjection.coefficients(yi)
        var vb = ivProjection.m
        let rssKnha = ivProjection.quadratic(yi)
        var studyWeights = w
        if estimator.usesGeneralizedQWeights {
            let a = genqWeights ?? vi.map { 1 / $0 }
            let aProj = try WeightedProjection(weights: a, design: x)
            beta = aProj.coefficients(yi)
            // (XᵀAX)⁻¹ Xᵀ A diag(v + τ²) A X (XᵀAX)⁻¹
            let meat = x.weightedGram(zip(a, vi).map { $0 * $0 * ($1 + tau2) })
            vb = aProj.m * meat * aProj.m
            studyWeights = a
        }
        var s2w = 1.0
        if test == .knha || test == .adhoc {
            s2w = rssKnha <= Double.ulpOfOne ? 0 : rssKnha / Double(k - p)
            if test == .adhoc { s2w = max(s2w, 1) }
        }
        vb = s2w * vb
        var warnings = notes + tauFit.warnings
        if (test == .knha || test == .adhoc) && s2w == 0 {
            warnings.append("the Knapp–Hartung factor s² is 0 (the estimates fit the model exactly), so every standard error is 0 and the test statistics are infinite")
        }
        let ddf: Int? = test.usesTDistribution ? k - p : nil
        let alpha = 1 - level
        let crit: Double = ddf.map { StudentT(df: Double($0)).upperQuantile(alpha / 2) } ?? Normal.standard.upperQuantile(alpha / 2)
        var coefficients: [Coefficient] = []
        for j in 0..<p {
            let se = vb[j, j].squareRoot()
            let stat = beta[j] / se
            // A zero SE (Knapp–Hartung with s² = 0, e.g. identical estimates) makes the statistic
            // infinite: reported as nil, with metafor's limiting p-value (0, or nil for a zero estimate).
            let pValue: Double? = se > 0 ? 2 * (ddf.map { StudentT(df: Double($0)).sf(abs(stat)) } ?? Normal.standard.sf(abs(stat)))
                : (beta[j] != 0 ? 0 : nil)
            coefficients.append(Coefficient(
                name: names[j], estimate: beta[j], standardError: se,
                statistic: se > 0 ? stat : nil, pValue: pValue,
                ciLow: beta[j] - crit * se, ciHigh: beta[j] + crit * se))
        }

        // Omnibus Wald test of the tested coefficients.
        let btt = testedCoefficients ?? defaultTested(names)
        var qm: Double? = nil
        var qmP: Double? = nil
        if !btt.isEmpty {
            let sub = vb.submatrix(rows: btt, columns: btt)
            if let inv = try? sub.inverseSPD() {
                var value = inv.quadraticForm(btt.map { beta[$0] })
                if let ddf {
                    value /= Double(btt.count)
                    qmP = FisherF(df1: Double(btt.count), df2: Double(ddf)).sf(value)
                } else {
                    qmP = ChiSquared(df: Double(btt.count)).sf(value)
                }
                qm = value
            }
        }

        // Heterogeneity (Q from the equal-effects weights 1/vᵢ).
        var qe = 0.0, qeP = 1.0, i2 = 0.0, h2 = 1.0, typicalVariance = 0.0
        if k > p {
            let fe = try WeightedProjection(weights: vi.map { 1 / $0 }, design: x)
            qe = max(0, fe.quadratic(estimation.centred))
            qeP = ChiSquared(df: Double(k - p)).sf(qe)
            typicalVariance = Double(k - p) / fe.trace
            if estimator.isEqualEffects {
                i2 = qe > 0 ? max(0, 100 * (qe - Double(k - p)) / qe) : 0
                h2 = qe / Double(k - p)
            } else {
                i2 = 100 * tau2 / (typicalVariance + tau2)
                h2 = tau2 / typicalVariance + 1
            }
        }

        // Log-likelihoods (metafor's fit statistics, with its REMLf term).
        let fitted = x * beta
        var rssF = 0.0, sumLog = 0.0
        for i in 0..<k {
            let r = yi[i] - fitted[i]
            rssF += w[i] * r * r
            sumLog += log(vi[i] + tau2)
        }
        let llML = -0.5 * Double(k) * log(2 * Double.pi) - 0.5 * sumLog - 0.5 * rssF
        let logDetXWX = (try? ivProjection.logDeterminantGram()) ?? .nan
        let logDetXX = (try? WeightedProjection(weights: [Double](repeating: 1, count: k), design: x).logDeterminantGram()) ?? .nan
        let llREMLValue = -0.5 * Double(k - p) * log(2 * Double.pi) + 0.5 * logDetXX - 0.5 * sumLog - 0.5 * logDetXWX - 0.5 * rssF

        let totalWeight = studyWeights.reduce(0, +)
        return MixedEffectsFit(
            estimator: estimator, test: test, level: level, k: k, p: p,
            coefficients: coefficients, covariance: vb,
            tau2: tau2, tau2StandardError: tauFit.standardError,
            qe: qe, qeDF: k - p, qeP: qeP, i2: i2, h2: h2, typicalVariance: typicalVariance,
            qm: qm, qmDF: btt.count, qmDF2: ddf, qmP: qmP, testedCoefficients: btt,
            degreesOfFreedom: ddf, criticalValue: crit, knappHartungScale: s2w,
            weightsPercent: studyWeights.map { 100 * $0 / totalWeight },
            logLikelihoodML: llML, logLikelihoodREML: llREMLValue.isFinite ? llREMLValue : nil,
            convergence: tauFit.convergence, warnings: warnings)
    }

    private func defaultTested(_ names: [String]) -> [Int] {
        if names.count == 1 { return [0] }
        return names.indices.filter { names[$0] != "intrcpt" }
    }

    /// A singular XᵀWX means aliased design columns: name the first column that depends on the ones before it.
    private func rankError(_ error: LinearAlgebraError, names: [String], x: Matrix) -> Error {
        if case .notPositiveDefinite = error, let aliased = MixedEffectsModel.firstAliasedColumn(x) {
            return DomainError(routine: "MixedEffectsModel.fit",
                               "the model matrix is rank-deficient: column '\(names[aliased])' is a linear combination of the columns before it (or constant); drop it or recode the moderator")
        }
        return error
    }

    /// The index of the first column of X that adds no rank to the columns before it, or nil if X has full column rank.
    public static func firstAliasedColumn(_ x: Matrix) -> Int? {
        for j in 0..<x.columns {
            let sub = x.submatrix(rows: Array(0..<x.rows), columns: Array(0...j))
            if let r = try? sub.rank(), r < j + 1 { return j }
        }
        return nil
    }
}
