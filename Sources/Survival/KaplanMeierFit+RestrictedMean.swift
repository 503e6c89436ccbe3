import StatNumerics

/// The restricted mean survival time (RMST) up to τ: the area under the Kaplan–Meier curve on
/// [0, τ], in the data's time unit.
public struct RestrictedMeanSurvival: Sendable, Codable, Equatable {
    /// The truncation time τ.
    public let tau: Double
    /// ∫₀^τ Ŝ(t) dt.
    public let estimate: Double
    /// Its standard error as `print(fit, rmean = τ)` reports it.
    public let standardError: Double
}

extension KaplanMeierFit {
    /// RMST up to τ as `print(fit, rmean = τ)` computes it (survival 3.5, `survmean`).
    ///
    /// Estimate: Σ (tⱼ − tⱼ₋₁) Ŝ(tⱼ₋₁) over the steps tⱼ ≤ τ and τ itself (t₀ = 0, Ŝ(t₀) = 1); a τ
    /// past the last follow-up integrates the carried-forward last value.
    /// Variance (Klein & Moeschberger 2003, §4.5): Σ_{tⱼ ≤ τ} Aⱼ² dⱼ / (nⱼ(nⱼ − dⱼ)), Aⱼ = ∫_{tⱼ}^τ Ŝ,
    /// a term with nⱼ = dⱼ counting as 0.
    ///
    /// - Throws: `DomainError` when τ is negative, NaN or infinite.
    public func restrictedMean(upTo tau: Double) throws -> RestrictedMeanSurvival {
        guard tau.isFinite, tau >= 0 else {
            throw DomainError(routine: "restricted mean survival", "τ is \(tau); expected a finite number ≥ 0")
        }
        let kept = steps.prefix { $0.time <= tau }
        var times = kept.map(\.time)
        var surv = kept.map(\.survival)
        var hazardIncrement = kept.map { step -> Double in
            let n = Double(step.atRisk), d = Double(step.events)
            return step.atRisk == step.events ? 0 : d / (n * (n - d))
        }
        times.append(tau)
        surv.append(surv.last ?? 1)
        hazardIncrement.append(0)
        // rectangles[k] = (t_k − t_{k−1}) · S(t_{k−1}) with t_{−1} = 0 and S before the first step = 1.
        var rectangles: [Double] = []
        var previousTime = 0.0
        var previousSurvival = 1.0
        for (t, s) in zip(times, surv) {
            rectangles.append((t - previousTime) * previousSurvival)
            previousTime = t
            previousSurvival = s
        }
        let estimate = rectangles.reduce(0, +)
        var variance = 0.0
        var areaAfter = 0.0
        for k in stride(from: rectangles.count - 1, through: 1, by: -1) {
            areaAfter += rectangles[k]
            variance += areaAfter * areaAfter * hazardIncrement[k - 1]
        }
        return RestrictedMeanSurvival(tau: tau, estimate: estimate, standardError: variance.squareRoot())
    }

    /// RMST up to the last follow-up time of this curve (`print(fit, rmean = "individual")`; for a
    /// single curve also R's default).
    public func restrictedMean() throws -> RestrictedMeanSurvival { try restrictedMean(upTo: lastTime) }
}

extension KaplanMeier {
    /// The τ R uses for several curves by default (`print(fit, rmean = "common")`): the largest last
    /// follow-up time over all curves; nil for no curves.
    public static func commonRestrictionTime(_ fits: [KaplanMeierFit]) -> Double? {
        fits.map(\.lastTime).max()
    }
}
