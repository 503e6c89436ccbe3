import Foundation
import StatNumerics

/// The Cox proportional-hazards model fitted by maximum partial likelihood, as R's
/// `coxph(Surv(time, status) ~ group + x + strata(s), ties = …)` does it (survival 3.5, `coxfit6`).
///
/// Algorithm (Therneau & Grambsch 2000, §3): covariates are centred and scaled by their mean
/// absolute deviation; Newton–Raphson from β = 0 solves I(β)·Δ = U(β) with the Cholesky
/// factorisation (`dpotrf`/`dpotrs`); a step that lowers the log partial likelihood or makes it
/// non-finite is shrunk towards the last good β (step halving: βₙₑw = (βₙₑw + h·β)/(h + 1) on the
/// h-th consecutive failure); it stops when |1 − ℓ_old/ℓ_new| ≤ `tolerance` (R's `eps`, 1e-9) or
/// after `maxIterations` (R's `iter.max`, 20). Var(β̂) = I(β̂)⁻¹ (`dpotri`).
///
/// Like coxph, a likelihood that keeps rising as a coefficient diverges (monotone likelihood, e.g.
/// a group with no events) still "converges" in ℓ with a large finite β̂; the fit then carries a
/// warning (R: "Loglik converged before variable …; coefficient may be infinite"), raised when a
/// further Newton step |U(β̂)ᵀ Var(β̂)| would exceed both `tolerance` and √`tolerance`·|β̂|.
public struct CoxModel: Sendable, Equatable, Codable {
    public var ties: CoxTies
    public var maxIterations: Int
    /// Convergence tolerance on the relative change of the log partial likelihood.
    public var tolerance: Double
    /// Confidence level of the hazard-ratio intervals.
    public var level: Double

    public init(ties: CoxTies = .efron, maxIterations: Int = 20, tolerance: Double = 1e-9, level: Double = 0.95) {
        self.ties = ties
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.level = level
    }

    static let routine = "Cox partial likelihood (Newton–Raphson)"

    private func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }

    /// Fits `group` (dummy-coded against `reference`, default the first level in sorted order) plus
    /// every numeric covariate of `data`, stratified by `data.strata` when present.
    ///
    /// - Parameters:
    ///   - groupName: the prefix of the dummy terms' names (`armB` for groupName "arm", level "B").
    /// - Throws: `DomainError` for no terms, no events, an unknown reference, or bad settings;
    ///   `NumericalError` when the information matrix is singular (a constant or collinear term).
    public func fit(_ data: SurvivalData, reference: String? = nil, groupName: String = "group") throws -> CoxFit {
        var names: [String] = []
        var columns: [[Double]] = []
        let levels = data.groupLevels
        var ref: String?
        if let groups = data.groups {
            ref = reference ?? levels.first
            guard let ref, levels.contains(ref) else {
                throw DomainError(routine: Self.routine, "reference level '\(reference ?? "")' is not one of the groups \(levels)")
            }
            for level in levels where level != ref {
                names.append(groupName + level)
                columns.append(groups.map { $0 == level ? 1 : 0 })
            }
        } else if let reference {
            throw DomainError(routine: Self.routine, "a reference level '\(reference)' was given but the data have no groups")
        }
        for c in data.covariates {
            names.append(c.name)
            columns.append(c.values)
        }
        let orderedLevels = ref.map { r in [r] + levels.filter { $0 != r } } ?? []
        return try fit(times: data.times, events: data.events, covariates: columns, names: names,
                       strata: data.strata, groupLevels: orderedLevels, reference: ref)
    }

    /// Fits the given covariate columns (covariates[j][i] = term j of subject i).
    ///
    /// - Throws: as `fit(_:reference:groupName:)`.
    public func fit(times: [Double], events: [Bool], covariates: [[Double]], names: [String],
                    strata: [String]? = nil) throws -> CoxFit {
        try fit(times: times, events: events, covariates: covariates, names: names, strata: strata,
                groupLevels: [], reference: nil)
    }

    func fit(times: [Double], events: [Bool], covariates: [[Double]], names: [String], strata: [String]?,
             groupLevels: [String], reference: String?) throws -> CoxFit {
        let p = covariates.count
        let n = times.count
        guard maxIterations >= 0 else { throw DomainError(routine: Self.routine, "maxIterations is \(maxIterations); expected ≥ 0") }
        guard tolerance > 0 else { throw DomainError(routine: Self.routine, "tolerance is \(tolerance); expected > 0") }
        let z = try normalCriticalValue(level: level, routine: Self.routine)
        guard p > 0 else { throw DomainError(routine: Self.routine, "the model has no terms: give a group with two or more levels or a covariate") }
        guard names.count == p else { throw DomainError(routine: Self.routine, "\(p) covariates but \(names.count) names") }
        guard events.count == n else { throw DomainError(routine: Self.routine, "\(n) times but \(events.count) event indicators") }
        if let strata, strata.count != n { throw DomainError(routine: Self.routine, "\(n) times but \(strata.count) stratum labels") }
        try SurvivalData.validateTimes(times, routine: Self.routine)
        for (j, column) in covariates.enumerated() {
            guard column.count == n else { throw DomainError(routine: Self.routine, "covariate '\(names[j])' has \(column.count) values for \(n) subjects") }
            if let i = column.firstIndex(where: { !$0.isFinite }) {
                throw DomainError(routine: Self.routine, "covariate '\(names[j])' at index \(i) is \(column[i]); expected a finite number")
            }
        }
        let eventCount = events.reduce(0) { $0 + ($1 ? 1 : 0) }
        guard eventCount > 0 else { throw DomainError(routine: Self.routine, "there are no events; the partial likelihood is flat") }

        // Sort by stratum, then time.
        let stratumOf = strata ?? Array(repeating: "", count: n)
        let order = (0..<n).sorted { (stratumOf[$0], times[$0]) < (stratumOf[$1], times[$1]) }
        let ends = order.indices.map { k in k == n - 1 || stratumOf[order[k + 1]] != stratumOf[order[k]] }

        // Centre and scale each column: x ← (x − mean) · n / Σ|x − mean| (1 for a constant column).
        var means = [Double](repeating: 0, count: p)
        var scales = [Double](repeating: 1, count: p)
        var scaled: [[Double]] = []
        for j in 0..<p {
            let column = order.map { covariates[j][$0] }
            let mean = column.reduce(0, +) / Double(n)
            let centred = column.map { $0 - mean }
            let spread = centred.reduce(0) { $0 + abs($1) }
            let scale = spread > 0 ? Double(n) / spread : 1
            means[j] = mean
            scales[j] = scale
            scaled.append(centred.map { $0 * scale })
        }
        let likelihood = CoxPartialLikelihood(times: order.map { times[$0] }, events: order.map { events[$0] },
                                              covariates: scaled, stratumEnds: ends, ties: ties)
        let run = try NewtonRaphson(likelihood: likelihood, maxIterations: maxIterations, tolerance: tolerance,
                                    names: names).run()

        // Back to the original scale: β = β_s·s, U = U_s/s, Var = Var_s·sᵢsⱼ.
        let beta = (0..<p).map { run.beta[$0] * scales[$0] }
        let score = (0..<p).map { run.score[$0] / scales[$0] }
        var covariance = run.covariance
        for i in 0..<p { for j in 0..<p { covariance[i, j] *= scales[i] * scales[j] } }

        var warnings = run.warnings
        if run.converged && maxIterations > 1 {
            let step = covariance * score     // the next Newton step, U·Var (Var symmetric)
            let suspicious = (0..<p).filter { j in
                !score[j].isFinite || (abs(step[j]) > tolerance && abs(step[j]) > tolerance.squareRoot() * abs(beta[j]))
            }
            if !suspicious.isEmpty {
                let list = suspicious.map { names[$0] }.joined(separator: ", ")
                warnings.append("Loglik converged before \(list) converged; the coefficient may be infinite (monotone likelihood, e.g. a group with no events)")
            }
        } else if !run.converged && maxIterations > 1 {
            let eta = (0..<n).map { i in (0..<p).reduce(0) { $0 + beta[$1] * (covariates[$1][i] - means[$1]) } }
            if (eta.max() ?? 0) > 500 || score.contains(where: { !$0.isFinite }) {
                warnings.append("one or more coefficients may be infinite")
            }
        }

        let coefficients = (0..<p).map { j -> CoxCoefficient in
            let se = covariance[j, j].squareRoot()
            let zj = beta[j] / se
            return CoxCoefficient(name: names[j], estimate: beta[j], standardError: se, z: zj,
                                  pValue: 2 * Normal.standard.sf(abs(zj)),
                                  hazardRatio: finite(Foundation.exp(beta[j])),
                                  lower: finite(Foundation.exp(beta[j] - z * se)),
                                  upper: finite(Foundation.exp(beta[j] + z * se)))
        }
        let wald: Double
        do {
            let solved = try covariance.solveSPD(Matrix(rows: p, columns: 1, columnMajor: beta)).storage
            wald = zip(solved, beta).reduce(0) { $0 + $1.0 * $1.1 }
        } catch {
            throw NumericalError(routine: Self.routine, reason: "the variance matrix of the coefficients is not positive definite (\(error))",
                                 iteration: run.iterations, remedy: "remove constant or collinear covariates")
        }
        return CoxFit(coefficients: coefficients, covariance: covariance,
                      initialLogLikelihood: run.initialLogLikelihood, finalLogLikelihood: run.finalLogLikelihood,
                      likelihoodRatioTest: SurvivalChiSquareTest(statistic: 2 * (run.finalLogLikelihood - run.initialLogLikelihood), degreesOfFreedom: p),
                      waldTest: SurvivalChiSquareTest(statistic: wald, degreesOfFreedom: p),
                      scoreTest: SurvivalChiSquareTest(statistic: run.scoreTest, degreesOfFreedom: p),
                      iterations: run.iterations, converged: run.converged, score: score, warnings: warnings,
                      ties: ties, level: level, subjects: n, events: eventCount,
                      groupLevels: groupLevels, reference: reference)
    }
}
