import Foundation
import StatNumerics

/// Case-deletion diagnostics of a (mixed-effects) meta-analytic model, as metafor 3.8's
/// `influence.rma.uni` (Viechtbauer & Cheung 2010, Res Syn Meth 1:112), plus the Baujat coordinates
/// of `baujat.rma` (Baujat et al. 2002), from one refit per study without it.
///
/// With W = diag(wᵢ), wᵢ = 1/(vᵢ + τ̂²) (GENQ: the weights aᵢ), M = (XᵀWX)⁻¹, and for study i the refit
/// without it giving τ̂²₍₋ᵢ₎, β̂₍₋ᵢ₎, Var(β̂₍₋ᵢ₎) and s²₍₋ᵢ₎ (the Knapp–Hartung factor, 1 for z/t):
/// - hat hᵢ = wᵢ xᵢᵀ M xᵢ; weight = 100·wᵢ/Σw;
/// - rstudent = (yᵢ − xᵢᵀβ̂₍₋ᵢ₎) / √(s²₍₋ᵢ₎(vᵢ + τ̂²₍₋ᵢ₎) + xᵢᵀVar(β̂₍₋ᵢ₎)xᵢ);
/// - DFFITS = xᵢᵀ(β̂ − β̂₍₋ᵢ₎) / √(s²₍₋ᵢ₎ hᵢ (τ̂²₍₋ᵢ₎ + vᵢ)) (GENQ: the denominator is
///   √(s²₍₋ᵢ₎ xᵢᵀ Vᵢ xᵢ), Vᵢ below);
/// - DFBETASⱼ = (β̂ⱼ − β̂₍₋ᵢ₎ⱼ) / √(s²₍₋ᵢ₎ [Vᵢ]ⱼⱼ), Vᵢ = (Xᵀ diag(1/(vⱼ + τ̂²₍₋ᵢ₎)) X)⁻¹ over all k
///   studies (GENQ: the sandwich M XᵀA diag(v + τ̂²₍₋ᵢ₎) A X M);
/// - Cook's distance = (β̂ − β̂₍₋ᵢ₎)ᵀ Var(β̂)⁻¹ (β̂ − β̂₍₋ᵢ₎); COVRATIO = det Var(β̂₍₋ᵢ₎) / det Var(β̂);
///   τ²₍₋ᵢ₎, QE₍₋ᵢ₎ from the refit;
/// - influential (metafor's "*"): |DFFITS| > 3√(p/(k − p)), or P(χ²ₚ ≤ Cook's D) > 0.5, or hᵢ > 3p/k,
///   or any |DFBETAS| > 1;
/// - Baujat: x = (yᵢ − xᵢᵀβ̂)²/(τ̂² + vᵢ) (the study's contribution to Q for an equal-effects model),
///   y = (xᵢᵀβ̂₍₋ᵢ₎ − xᵢᵀβ̂)² / xᵢᵀVar(β̂₍₋ᵢ₎)xᵢ.
///
/// Refits run in parallel across studies with τ² warm-started at the full-data value (`ModelRefit`);
/// everything is O(k·p²) per study, no k × k matrix. A failed refit leaves that study's deletion
/// quantities nil (metafor's NA).
public struct InfluenceDiagnostics: FitConfigured, Sendable, Equatable {
    public var settings: FitSettings

    public init(settings: FitSettings) {
        self.settings = settings
    }

    /// Diagnostics of the intercept-only model.
    public func run(_ studies: [StudyEffect]) throws -> InfluenceResult {
        try run(studies, design: Matrix(rows: studies.count, columns: 1, repeating: 1), names: ["intrcpt"])
    }

    /// Diagnostics of the model with design `design` (k × p, names as metafor's, `intrcpt` first).
    public func run(_ studies: [StudyEffect], design x: Matrix, names: [String]) throws -> InfluenceResult {
        let routine = "InfluenceDiagnostics.run"
        let studies = try studies.validated(routine: routine)
        let k = studies.count, p = x.columns
        guard k >= 2 else { throw DomainError(routine: routine, "influence diagnostics need at least 2 studies (k = \(k))") }
        guard x.rows == k, names.count == p else { throw DomainError(routine: routine, "the design does not match the \(k) studies") }
        let yi = studies.map(\.yi), vi = studies.map(\.vi)
        let full = try model.fitPreconditioned(yi: yi, vi: vi, design: x, names: names)
        // All refits use the orthonormalized design X̃ = X·T (see `DesignPreconditioner`); coefficient
        // differences and variances are mapped back by T, everything else is invariant.
        let pre = p > 1 ? DesignPreconditioner(x) : nil
        let xt = pre?.q ?? x
        let mapBeta: ([Double]) -> [Double] = { pre?.coefficients($0) ?? $0 }
        let mapCovariance: (Matrix) -> Matrix = { pre?.covariance($0) ?? $0 }
        let beta = full.coefficients.map(\.estimate)
        let tau2 = full.tau2
        let isGENQ = settings.estimator.usesGeneralizedQWeights
        let genqWeights = vi.map { 1 / $0 }
        let w = isGENQ ? genqWeights : vi.map { 1 / ($0 + tau2) }
        let projection = try WeightedProjection(weights: w, design: xt)
        let hat = (0..<k).map { w[$0] * projection.q[$0] }
        let fitted = x * beta
        // nil when Var(β̂) is singular (Knapp–Hartung with s² = 0): Cook's D and COVRATIO are then undefined.
        let vbInverse = try? full.covariance.inverseSPD()
        let logDetFull = (try? full.covariance.logDeterminantSPD()) ?? .nan
        let refit = ModelRefit(model: model)
        let rowsX = (0..<k).map { x.row($0) }

        // Fast path (not GENQ): refits in a reused workspace, p × p algebra on its buffers.
        let fastRefits = !isGENQ && refit.hasFastPath && k - 1 > p
        var xtRows = [Double](repeating: 0, count: k * p)
        for i in 0..<k { for a in 0..<p { xtRows[i * p + a] = xt[i, a] } }
        var tRows = [Double](repeating: 0, count: p * p)
        for a in 0..<p { for b in 0..<p { tRows[a * p + b] = pre?.t[a, b] ?? (a == b ? 1 : 0) } }
        var vbInverseRows: [Double]? = nil
        if let vbInverse { vbInverseRows = (0..<(p * p)).map { vbInverse[$0 / p, $0 % p] } }
        let context = FastDeletionContext(k: k, p: p, yi: yi, vi: vi, xRows: rowsX, xtRows: xtRows, tRows: tRows,
                                          beta: beta, fitted: fitted, hat: hat, tau2: tau2,
                                          vbInverse: vbInverseRows, logDetFull: logDetFull)

        let deletions: [Deletion?] = ParallelMap.map(k, workspace: { ScoringWorkspace(capacity: max(k - 1, 1), p: p) }) { ws, i in
            if fastRefits, let d = InfluenceDiagnostics.fastDeletion(ws, i, refit: refit, context) { return d }

            var keep = Array(0..<k)
            keep.remove(at: i)
            let y = keep.map { yi[$0] }, v = keep.map { vi[$0] }
            guard let r = try? refit.fit(yi: y, vi: v, design: xt.selectingRows(keep), names: names,
                                         genqWeights: isGENQ ? keep.map { genqWeights[$0] } : nil, warmStart: tau2) else { return nil }
            let betaDeleted = mapBeta(r.beta)
            let covarianceDeleted = mapCovariance(r.covariance)
            let xi = rowsX[i]
            let predicted = zip(xi, betaDeleted).reduce(0) { $0 + $1.0 * $1.1 }
            let predictionVariance = covarianceDeleted.quadraticForm(xi)
            // Var(β̂) of the full design at τ̂²₍₋ᵢ₎ (unscaled), for DFBETAS and (GENQ) DFFITS.
            let vDeleted: Matrix
            if isGENQ {
                let meat = xt.weightedGram((0..<k).map { genqWeights[$0] * genqWeights[$0] * (vi[$0] + r.tau2) })
                vDeleted = mapCovariance(projection.m * meat * projection.m)
            } else {
                guard let m = try? xt.weightedGram(vi.map { 1 / ($0 + r.tau2) }).inverseSPD() else { return nil }
                vDeleted = mapCovariance(m)
            }
            let s2 = r.knappHartungScale
            let dffitsScale = isGENQ ? vDeleted.quadraticForm(xi) : hat[i] * (r.tau2 + vi[i])
            let dfb = zip(beta, betaDeleted).map { $0 - $1 }
            let dfbetas = (0..<p).map { dfb[$0] / (s2 * vDeleted[$0, $0]).squareRoot() }
            var residual = yi[i] - predicted
            if abs(residual) < 100 * Double.ulpOfOne { residual = 0 }
            let logDetDeleted = (try? covarianceDeleted.logDeterminantSPD()) ?? .nan
            return Deletion(
                tau2: r.tau2, qe: r.qe,
                rstudent: residual / (vi[i] * s2 + predictionVariance + r.tau2 * s2).squareRoot(),
                dffits: (fitted[i] - predicted) / (s2 * dffitsScale).squareRoot(),
                cookD: vbInverse?.quadraticForm(dfb) ?? .nan,
                covRatio: exp(logDetDeleted - logDetFull),
                dfbetas: dfbetas,
                baujatY: (predicted - fitted[i]) * (predicted - fitted[i]) / predictionVariance)
        }

        let dffitsLimit = 3 * (Double(p) / Double(k - p)).squareRoot()
        let chi = ChiSquared(df: Double(p))
        var rows: [InfluenceRow] = []
        for i in 0..<k {
            let d = deletions[i]
            let finite: (Double?) -> Double? = { x in x.flatMap { $0.isFinite ? $0 : nil } }
            let dffits = finite(d?.dffits)
            let cook = finite(d?.cookD)
            let dfbetas = (0..<p).map { j in finite(d?.dfbetas[j]) }
            var influential = hat[i] > 3 * Double(p) / Double(k)
            if let dffits, abs(dffits) > dffitsLimit { influential = true }
            if let cook, chi.cdf(cook) > 0.5 { influential = true }
            if dfbetas.contains(where: { ($0.map(abs) ?? 0) > 1 }) { influential = true }
            let residual = yi[i] - fitted[i]
            rows.append(InfluenceRow(
                study: studies[i].label, rstudent: finite(d?.rstudent), dffits: dffits, cookD: cook,
                covRatio: finite(d?.covRatio), tau2Deleted: d?.tau2, qeDeleted: d?.qe, hat: hat[i],
                weight: full.weightsPercent[i], dfbetas: dfbetas, influential: influential,
                baujatX: residual * residual / (tau2 + vi[i]), baujatY: finite(d?.baujatY)))
        }
        let failed = deletions.enumerated().filter { $0.element == nil }.map { studies[$0.offset].label }
        var warnings = full.warnings
        if !failed.isEmpty { warnings.append("the refit without " + failed.joined(separator: ", ") + " failed; its deletion diagnostics are missing") }
        return InfluenceResult(names: names, k: k, p: p, full: full, rows: rows, warnings: warnings)
    }

    struct Deletion {
        var tau2: Double, qe: Double, rstudent: Double, dffits: Double, cookD: Double, covRatio: Double
        var dfbetas: [Double]
        var baujatY: Double
    }

    /// What every deletion shares (read-only): the data, X and X̃ = X·T by rows, T, the full fit.
    struct FastDeletionContext {
        var k: Int, p: Int
        var yi: [Double], vi: [Double]
        var xRows: [[Double]]
        var xtRows: [Double]
        var tRows: [Double]
        var beta: [Double], fitted: [Double], hat: [Double]
        var tau2: Double
        var vbInverse: [Double]?
        var logDetFull: Double
    }

    /// The deletion diagnostics of study i (not GENQ) from `ModelRefit.fastFit` on X̃, with the
    /// formulas of the general path; nil when the fast refit did not finish (the caller then takes it).
    static func fastDeletion(_ ws: ScoringWorkspace, _ i: Int, refit: ModelRefit, _ c: FastDeletionContext) -> Deletion? {
        let k = c.k, p = c.p, pp = p * p
        var n = 0
        c.xtRows.withUnsafeBufferPointer { xt in
            for j in 0..<k where j != i {
                ws.y[n] = c.yi[j]; ws.v[n] = c.vi[j]
                for a in 0..<p { ws.x[n * p + a] = xt[j * p + a] }
                n += 1
            }
        }
        ws.prepare(n)
        guard let r = refit.fastFit(ws, warmStart: c.tau2) else { return nil }
        let st = r.result.state
        let tau2Deleted = st.tau2
        guard let z = ws.atZero(r.result) else { return nil }
        let s2 = r.s2
        // Buffers: β̃ (from fastFit), β̂₍₋ᵢ₎, β̂ − β̂₍₋ᵢ₎; p × p blocks.
        let betaTilde = ws.small, betaDeleted = ws.small + p, dfb = ws.small + 2 * p
        let block0 = ws.small + 8 * p
        let covDeleted = block0 + pp, gram = block0 + 2 * pp, mFull = block0 + 3 * pp
        let vDeleted = block0 + 4 * pp, tmp = block0 + 5 * pp, chol = block0 + 6 * pp
        return c.tRows.withUnsafeBufferPointer { t -> Deletion? in
            ws.mapBack(st, t: t.baseAddress!, scale: s2, betaTilde: betaTilde, beta: betaDeleted, covariance: covDeleted)
            // Var(β̂) of the full design at τ̂²₍₋ᵢ₎ (unscaled): T (X̃ᵀ diag(1/(vⱼ + τ̂²₍₋ᵢ₎)) X̃)⁻¹ Tᵀ.
            for e in 0..<pp { gram[e] = 0 }
            c.xtRows.withUnsafeBufferPointer { xt in
                for j in 0..<k {
                    let w = 1 / (c.vi[j] + tau2Deleted)
                    for a in 0..<p {
                        let wa = w * xt[j * p + a]
                        for b in 0...a { gram[a * p + b] += wa * xt[j * p + b] }
                    }
                }
            }
            for a in 0..<p { for b in 0..<a { gram[b * p + a] = gram[a * p + b] } }
            guard ScoringWorkspace.choleskyInverse(gram, p, l: chol, into: mFull) != nil else { return nil }
            SmallMatrix.sandwich(t.baseAddress!, mFull, p, into: vDeleted, tmp: tmp)
            let xi = c.xRows[i]
            var predicted = 0.0, predictionVariance = 0.0
            for a in 0..<p {
                predicted += xi[a] * betaDeleted[a]
                for b in 0..<p { predictionVariance += xi[a] * covDeleted[a * p + b] * xi[b] }
            }
            let dffitsScale = c.hat[i] * (tau2Deleted + c.vi[i])
            var dfbetas = [Double](repeating: 0, count: p)
            for a in 0..<p {
                dfb[a] = c.beta[a] - betaDeleted[a]
                dfbetas[a] = dfb[a] / (s2 * vDeleted[a * p + a]).squareRoot()
            }
            var residual = c.yi[i] - predicted
            if abs(residual) < 100 * Double.ulpOfOne { residual = 0 }
            for e in 0..<pp { gram[e] = covDeleted[e] }
            let logDetDeleted = ScoringWorkspace.choleskyInverse(gram, p, l: chol, into: tmp) ?? .nan
            var cookD = Double.nan
            if let vbInverse = c.vbInverse {
                cookD = 0
                for a in 0..<p { for b in 0..<p { cookD += dfb[a] * vbInverse[a * p + b] * dfb[b] } }
            }
            let fitted = c.fitted[i]
            return Deletion(
                tau2: tau2Deleted, qe: max(0, z.rss),
                rstudent: residual / (c.vi[i] * s2 + predictionVariance + tau2Deleted * s2).squareRoot(),
                dffits: (fitted - predicted) / (s2 * dffitsScale).squareRoot(),
                cookD: cookD,
                covRatio: exp(logDetDeleted - c.logDetFull),
                dfbetas: dfbetas,
                baujatY: (predicted - fitted) * (predicted - fitted) / predictionVariance)
        }
    }
}

/// The diagnostics of one study (metafor's `influence(res)$inf` row, its `$dfbs` row, and the
/// study's Baujat point). Deletion quantities are nil when the refit without the study failed.
public struct InfluenceRow: Sendable, Codable, Equatable {
    public var study: String
    /// Externally studentized residual.
    public var rstudent: Double?
    public var dffits: Double?
    /// Cook's distance.
    public var cookD: Double?
    /// COVRATIO.
    public var covRatio: Double?
    /// τ² and QE without the study.
    public var tau2Deleted: Double?
    public var qeDeleted: Double?
    /// Leverage (diagonal of the hat matrix).
    public var hat: Double
    /// Weight in percent.
    public var weight: Double
    /// DFBETAS, one per coefficient.
    public var dfbetas: [Double?]
    /// metafor's rule (see `InfluenceDiagnostics`).
    public var influential: Bool
    /// Baujat x: contribution to the (residual) heterogeneity statistic.
    public var baujatX: Double
    /// Baujat y: influence on the fitted value (pooled estimate).
    public var baujatY: Double?
}

/// The result of `InfluenceDiagnostics.run`.
public struct InfluenceResult: Sendable, Codable, Equatable {
    /// Coefficient names (the DFBETAS columns).
    public var names: [String]
    public var k: Int
    public var p: Int
    /// The fit to all studies.
    public var full: MixedEffectsFit
    public var rows: [InfluenceRow]
    public var warnings: [String]
}
