import Foundation
import StatNumerics

/// Mixed-effects meta-regression y = Xβ + u + ε (metafor 3.8's `rma.uni(yi, vi, mods = X)`), with the
/// checks and the pseudo-R² that metafor adds to `MixedEffectsModel`:
///
/// - every column but the intercept must vary across studies, and no column may be a linear
///   combination of the ones before it (the aliased column is named in the error);
/// - a random-effects model needs k ≥ p + 1 studies (an equal-effects model k ≥ p), as metafor;
/// - pseudo-R² (percent) for models with an intercept and p > 1 (Raudenbush 2009, metafor's default
///   `r2def = "1"`): R² = max(0, 100·(τ₀² − τ²)/τ₀²), τ₀² from the intercept-only model fitted with the
///   same estimator, test and control; 0 when τ₀² = 0. For equal-effects models metafor reports instead
///   max(0, 100·adjusted R²) of the weighted least-squares fit `lm(yi ~ X, weights = 1/vi)`:
///   1 − (RSS/(k − p))/(TSS/(k − 1)), RSS = QE and TSS the Q of the intercept-only model.
///
/// The model is fitted on an orthonormalized design and mapped back (`DesignPreconditioner`), so
/// moderators on very different scales (years beside proportions) cost no accuracy.
/// QM is the Wald χ² of the moderator coefficients for test `z`, the F statistic (χ²/m, with m and
/// k − p df) for `t`, `knha` and `adhoc`; all on the analysis scale of `yi`.
public struct MetaRegression: FitConfigured, Sendable, Equatable {
    public var settings: FitSettings

    public init(settings: FitSettings) {
        self.settings = settings
    }

    /// Fits the meta-regression.
    /// - Parameters:
    ///   - studies: the k study effects (yi, vi on the analysis scale).
    ///   - design: k × p model matrix; the intercept, if any, is a column of ones named `intrcpt`.
    ///   - names: one name per column.
    ///   - testedCoefficients: the coefficients QM tests (nil: all but the intercept).
    public func fit(_ studies: [StudyEffect], design: Matrix, names: [String],
                    testedCoefficients: [Int]? = nil) throws -> MetaRegressionFit {
        let routine = "MetaRegression.fit"
        let studies = try studies.validated(routine: routine)
        let k = studies.count, p = design.columns
        guard design.rows == k, names.count == p else {
            throw DomainError(routine: routine, "the design has \(design.rows) rows and \(p) columns for \(k) studies and \(names.count) names")
        }
        try MetaRegression.checkDesign(design, names: names, routine: routine)
        let interceptOnly = p == 1 && names[0] == "intrcpt"
        if !(interceptOnly && k == 1) {
            let needed = settings.estimator.isEqualEffects ? p : p + 1
            if k < needed {
                throw DomainError(routine: routine, "\(p) coefficient\(p == 1 ? "" : "s")\(settings.estimator.isEqualEffects ? "" : " and τ²") cannot be estimated from \(k) stud\(k == 1 ? "y" : "ies") (metafor: \"Number of parameters to be estimated is larger than the number of observations\"); use fewer moderators or more studies")
            }
        }
        var test = settings.test
        var warnings: [String] = []
        if k == 1 && test != .z {
            warnings.append("test set to z because k = 1 (as metafor: \"Setting argument test=\\\"z\\\" since k=1\")")
            test = .z
        }
        if settings.estimator.isEqualEffects && (test == .knha || test == .adhoc) {
            warnings.append("the Knapp & Hartung method is not meant to be used with \(settings.estimator.rawValue) models (metafor's warning)")
        }
        let yi = studies.map(\.yi), vi = studies.map(\.vi)
        var configured = model
        configured.test = test
        let fit = try configured.fitPreconditioned(yi: yi, vi: vi, design: design, names: names, testedCoefficients: testedCoefficients)

        // Pseudo-R² (models with an intercept and at least one moderator).
        var r2: Double? = nil
        var tau2Reduced: Double? = nil
        if p > 1, names.contains("intrcpt") {
            if settings.estimator.isEqualEffects {
                r2 = MetaRegression.adjustedR2(yi: yi, vi: vi, residualQ: fit.qe, p: p)
            } else {
                let ones = Matrix(rows: k, columns: 1, repeating: 1)
                if let reduced = try? configured.fit(yi: yi, vi: vi, design: ones, names: ["intrcpt"]) {
                    tau2Reduced = reduced.tau2
                    r2 = reduced.tau2 == 0 ? 0 : max(0, 100 * (reduced.tau2 - fit.tau2) / reduced.tau2)
                }
            }
        }
        return MetaRegressionFit(model: fit, studies: studies, r2: r2, interceptOnlyTau2: tau2Reduced,
                                 warnings: warnings + fit.warnings)
    }

    /// max(0, 100·adjusted R²) of `lm(yi ~ X, weights = 1/vi)`; 0 when all yi are equal; nil when k = p.
    static func adjustedR2(yi: [Double], vi: [Double], residualQ: Double, p: Int) -> Double? {
        let k = yi.count
        let mean = yi.reduce(0, +) / Double(k)
        if yi.allSatisfy({ $0 == mean }) { return 0 }
        guard k > p else { return nil }
        let w = vi.map { 1 / $0 }
        let sw = w.reduce(0, +)
        let wmean = zip(w, yi).reduce(0) { $0 + $1.0 * $1.1 } / sw
        let tss = zip(w, yi).reduce(0) { $0 + $1.0 * ($1.1 - wmean) * ($1.1 - wmean) }
        let adjusted = 1 - (residualQ / Double(k - p)) / (tss / Double(k - 1))
        return max(0, 100 * adjusted)
    }

    /// Throws a `DomainError` naming the first constant non-intercept column, or the first column that
    /// is a linear combination of the columns before it.
    static func checkDesign(_ x: Matrix, names: [String], routine: String) throws {
        guard x.isFinite else { throw DomainError(routine: routine, "the model matrix holds a missing or infinite value") }
        let k = x.rows
        for j in 0..<x.columns where names[j] != "intrcpt" {
            let column = x.column(j)
            if k > 1, column.allSatisfy({ $0 == column[0] }) {
                throw DomainError(routine: routine, "the moderator column '\(names[j])' is constant (\(column[0])) across the \(k) studies; it cannot be separated from the intercept — drop it")
            }
        }
        if x.columns > 1, x.columns <= k, let aliased = firstAliasedColumn(x) {
            throw DomainError(routine: routine, "the model matrix is rank-deficient: column '\(names[aliased])' is a linear combination of the columns before it; drop it or recode the moderator")
        }
    }
}

extension MetaRegression {
    /// The first column of X whose part orthogonal to the columns before it is shorter than
    /// `tolerance` times its own length (nil when X has full column rank).
    ///
    /// The criterion of R's `lm` (LINPACK `dqrdc2`, tol = 1e-7), which judges each column relative to
    /// its own norm, so it does not depend on the scale of the moderators (a year near 1960 beside an
    /// intercept is not aliased); modified Gram–Schmidt with one re-orthogonalization pass.
    static func firstAliasedColumn(_ x: Matrix, tolerance: Double = 1e-7) -> Int? {
        var basis: [[Double]] = []
        for j in 0..<x.columns {
            var r = x.column(j)
            let norm = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if norm == 0 { return j }
            for _ in 0..<2 {
                for q in basis {
                    let dot = zip(q, r).reduce(0) { $0 + $1.0 * $1.1 }
                    for i in r.indices { r[i] -= dot * q[i] }
                }
            }
            let residual = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if residual < tolerance * norm { return j }
            basis.append(r.map { $0 / residual })
        }
        return nil
    }
}

/// The result of `MetaRegression.fit`.
public struct MetaRegressionFit: Sendable, Codable, Equatable {
    /// The fitted mixed-effects model (coefficients, QM, QE, τ², I², H² …).
    public var model: MixedEffectsFit
    public var studies: [StudyEffect]
    /// Pseudo-R² in percent (nil for intercept-only models, as metafor).
    public var r2: Double?
    /// τ² of the intercept-only model behind R² (nil for equal-effects models).
    public var interceptOnlyTau2: Double?
    /// Warnings of the fit (metafor's, and the pooling engine's).
    public var warnings: [String]

    public var coefficients: [Coefficient] { model.coefficients }
}
