import Foundation
import StatNumerics

extension SummaryCurveModel {
    /// Pools the rows into the summary survival curve.
    ///
    /// Throws `SummaryCurveInputError` (bad rows, naming the row), `DomainError` (bad options),
    /// `LinearAlgebraError` or `NumericalError` (numerical failure, e.g. REML not converging).
    public func fit(_ rows: [SummaryCurveRow]) throws -> SummaryCurveResult {
        try validateOptions()
        let data = try SummaryCurveData(rows: rows, compatibility: compatibility)
        return try fit(data: data)
    }

    /// z for a two-sided interval: RISCA hard-codes 1.96; otherwise the normal quantile.
    var criticalValue: Double {
        compatibility == .risca ? 1.96 : Normal.standard.quantile(1 - (1 - level) / 2)
    }

    func fit(data: SummaryCurveData) throws -> SummaryCurveResult {
        let g = data.intervalCount
        let fixed = SummaryCurvePooling.fixedEffect(data)

        // Pool.
        var pool = fixed
        var between: SummaryCurveBetweenStudy?
        var convergence: SummaryCurveConvergence?
        if effects == .random {
            var b = try SummaryCurvePooling.momentEstimate(data)
            switch tauEstimator {
            case .DL:
                pool = try SummaryCurvePooling.generalizedLeastSquares(data, tau: b.psd).0
            case .REML:
                let reml = try SummaryCurveREML.fit(data, start: b.psd, tolerance: remlTolerance,
                                                     maxIterations: remlMaxIterations)
                let eigen = try reml.tau.symmetricEigen()
                b = SummaryCurveBetweenStudy(raw: reml.tau, psd: reml.tau, rawEigenvalues: eigen.values, unestimable: [])
                pool = reml.pool
                convergence = reml.convergence
            }
            between = b
        }

        // Back-transform and curve.
        let tauDiagonal = between.map { $0.psd.diagonalElements } ?? [Double](repeating: 0, count: g)
        let back = compatibility == .risca
            ? SummaryCurveBackTransform.sineSquared
            : SummaryCurveBackTransform(corrected: data, tauDiagonal: tauDiagonal)
        let curve = SummaryCurveInference.curve(pool.beta, back: back)
        let varLog = SummaryCurveInference.varianceLogSurv(curve, covariance: pool.covariance)
        let z = criticalValue

        // Monte Carlo.
        var draws: [[Double]] = []
        if monteCarlo.draws > 0 {
            draws = try SummaryCurveInference.simulate(beta: pool.beta, covariance: pool.covariance, back: back, spec: monteCarlo)
        }
        let lowerProb = compatibility == .risca ? 0.025 : (1 - level) / 2
        let upperProb = 1 - lowerProb
        var mcLow = [Double?](repeating: nil, count: g)
        var mcHigh = [Double?](repeating: nil, count: g)
        if !draws.isEmpty {
            for t in 0..<g {
                let column = draws.map { $0[t] }.sorted()
                mcLow[t] = SummaryCurveInference.quantile(sorted: column, lowerProb)
                mcHigh[t] = SummaryCurveInference.quantile(sorted: column, upperProb)
            }
        }

        // Rows.
        let studiesPerInterval = data.studiesPerInterval
        var points: [SummaryCurvePoint] = []
        for t in 0..<g {
            let s = curve.surv[t]
            var se: Double?, dLow: Double?, dHigh: Double?
            if let v = varLog[t], s > 0 {
                let e = v.squareRoot()
                se = e
                dLow = exp(log(s) - z * e)
                let high = exp(log(s) + z * e)
                // Default mode: a survival band never exceeds 1; RISCA does not clip.
                dHigh = compatibility == .risca ? high : min(1, high)
            }
            let (low, high) = confidence == .delta ? (dLow, dHigh) : (mcLow[t], mcHigh[t])
            points.append(SummaryCurvePoint(
                time: data.times[t], surv: s, ciLow: low, ciHigh: high, seLogSurv: se,
                deltaCILow: dLow, deltaCIHigh: dHigh, monteCarloCILow: mcLow[t], monteCarloCIHigh: mcHigh[t],
                conditionalSurv: curve.p[t], beta: pool.beta[t], studies: studiesPerInterval[t]))
        }

        let median = medianSummary(data: data, curve: curve, covariance: pool.covariance, draws: draws,
                                   z: z, probs: (lowerProb, upperProb))
        let tau = rmstTau ?? data.times[g - 1]
        if tau > data.times[g - 1] {
            throw DomainError(routine: "SummaryCurveModel.fit", "RMST horizon \(tau) lies beyond the last time \(data.times[g - 1]); the pooled curve is not defined there")
        }
        let rmst = rmstSummary(data: data, curve: curve, covariance: pool.covariance, draws: draws,
                               tau: tau, z: z, probs: (lowerProb, upperProb))
        let heterogeneity = SummaryCurveHeterogeneity(data: data, fixed: fixed, tau: between,
                                                      riscaDegreesOfFreedom: compatibility == .risca)

        let estimation = SummaryCurveEstimation(
            beta: pool.beta, covariance: pool.covariance.rowArrays,
            varianceLogSurv: varLog,
            tauRaw: between?.raw.rowArrays ?? [], tauPSD: between?.psd.rowArrays ?? [],
            tauRawEigenvalues: between?.rawEigenvalues ?? [], unestimableIntervals: between?.unestimable ?? [],
            convergence: convergence)
        return SummaryCurveResult(
            model: effects, compatibility: compatibility, tauEstimator: effects == .random ? tauEstimator : nil,
            confidence: confidence, level: level, rows: points, median: median, rmst: rmst, rmstTau: tau,
            q: heterogeneity.q, qDF: heterogeneity.df, qP: heterogeneity.p, h2: heterogeneity.h2, i2: heterogeneity.i2,
            intervals: heterogeneity.intervals, seed: monteCarlo.seed, monteCarlo: monteCarlo,
            estimation: estimation, input: SummaryCurveModel.inputSummary(data))
    }

    private func medianSummary(data: SummaryCurveData, curve: SummaryCurveInference.Curve, covariance: Matrix,
                               draws: [[Double]], z: Double, probs: (Double, Double)) -> SummaryCurveTimeSummary {
        let times = data.times
        if compatibility == .risca {
            let estimate = SummaryCurveInference.riscaMedian(times: times, surv: curve.surv)
            var low: Double?, high: Double?, undefined: Int?
            if !draws.isEmpty {
                // RISCA: a draw counts only if its last point is < 0.5; one undefined draw voids the CI.
                let medians = draws.map { d -> Double? in
                    d.last! < 0.5 ? SummaryCurveInference.riscaMedian(times: times, surv: d) : nil
                }
                let defined = medians.compactMap { $0 }.sorted()
                undefined = medians.count - defined.count
                if undefined == 0 {
                    low = SummaryCurveInference.quantile(sorted: defined, probs.0)
                    high = SummaryCurveInference.quantile(sorted: defined, probs.1)
                }
            }
            return SummaryCurveTimeSummary(estimate: estimate, ciLow: low, ciHigh: high, ciMethod: .monteCarlo,
                                           se: nil, deltaCILow: nil, deltaCIHigh: nil,
                                           monteCarloCILow: low, monteCarloCIHigh: high, monteCarloUndefined: undefined)
        }
        let crossing = SummaryCurveInference.firstCrossing(times: times, surv: curve.surv)
        var se: Double?, dLow: Double?, dHigh: Double?
        if let crossing, let grad = SummaryCurveInference.medianGradient(times: times, curve: curve, index: crossing.index) {
            let e = covariance.quadraticForm(grad).squareRoot()
            se = e
            dLow = max(0, crossing.time - z * e)
            dHigh = crossing.time + z * e
        }
        var mLow: Double?, mHigh: Double?, undefined: Int?
        if !draws.isEmpty {
            // Draws whose curve never reaches 0.5 have a median beyond the last time: rank them last.
            let medians = draws.map { SummaryCurveInference.firstCrossing(times: times, surv: $0)?.time ?? .infinity }.sorted()
            undefined = medians.filter { !$0.isFinite }.count
            mLow = SummaryCurveInference.quantile(sorted: medians, probs.0)
            mHigh = SummaryCurveInference.quantile(sorted: medians, probs.1)
        }
        let (low, high) = confidence == .delta ? (dLow, dHigh) : (mLow, mHigh)
        return SummaryCurveTimeSummary(estimate: crossing?.time, ciLow: low, ciHigh: high, ciMethod: confidence,
                                       se: se, deltaCILow: dLow, deltaCIHigh: dHigh,
                                       monteCarloCILow: mLow, monteCarloCIHigh: mHigh, monteCarloUndefined: undefined)
    }

    private func rmstSummary(data: SummaryCurveData, curve: SummaryCurveInference.Curve, covariance: Matrix,
                             draws: [[Double]], tau: Double, z: Double, probs: (Double, Double)) -> SummaryCurveTimeSummary {
        let (constant, w) = SummaryCurveInference.rmstWeights(times: data.times, tau: tau)
        let estimate = constant + zip(w, curve.surv).reduce(0) { $0 + $1.0 * $1.1 }
        var mLow: Double?, mHigh: Double?
        if !draws.isEmpty {
            let values = draws.map { d in constant + zip(w, d).reduce(0) { $0 + $1.0 * $1.1 } }.sorted()
            mLow = SummaryCurveInference.quantile(sorted: values, probs.0)
            mHigh = SummaryCurveInference.quantile(sorted: values, probs.1)
        }
        if compatibility == .risca {
            return SummaryCurveTimeSummary(estimate: estimate, ciLow: mLow, ciHigh: mHigh, ciMethod: .monteCarlo,
                                           se: nil, deltaCILow: nil, deltaCIHigh: nil,
                                           monteCarloCILow: mLow, monteCarloCIHigh: mHigh, monteCarloUndefined: nil)
        }
        // ∂RMST/∂β_l = Σ_{k ≥ l} w_k Ŝ_k · d log p_l/dβ_l.
        var se: Double?, dLow: Double?, dHigh: Double?
        if curve.dLogP.allSatisfy(\.isFinite) {
            var grad = [Double](repeating: 0, count: w.count)
            var tail = 0.0
            for l in stride(from: w.count - 1, through: 0, by: -1) {
                tail += w[l] * curve.surv[l]
                grad[l] = tail * curve.dLogP[l]
            }
            let e = covariance.quadraticForm(grad).squareRoot()
            se = e
            dLow = estimate - z * e
            dHigh = estimate + z * e
        }
        let (low, high) = confidence == .delta ? (dLow, dHigh) : (mLow, mHigh)
        return SummaryCurveTimeSummary(estimate: estimate, ciLow: low, ciHigh: high, ciMethod: confidence,
                                       se: se, deltaCILow: dLow, deltaCIHigh: dHigh,
                                       monteCarloCILow: mLow, monteCarloCIHigh: mHigh, monteCarloUndefined: nil)
    }

    static func inputSummary(_ data: SummaryCurveData) -> SummaryCurveInputSummary {
        let g = data.intervalCount
        var y: [[Double?]] = [], v: [[Double?]] = []
        for s in data.studies {
            var yr = [Double?](repeating: nil, count: g), vr = [Double?](repeating: nil, count: g)
            for c in s.cells { yr[c.interval] = c.y; vr[c.interval] = c.v }
            y.append(yr); v.append(vr)
        }
        return SummaryCurveInputSummary(
            studies: data.studies.map(\.label), times: data.times, studiesPerInterval: data.studiesPerInterval,
            countedCells: data.countedCells, interpolatedCells: data.interpolatedCells,
            replacedRows: data.replacedRows, derivedNumberAtRisk: data.derivedNumberAtRisk, y: y, v: v)
    }
}
