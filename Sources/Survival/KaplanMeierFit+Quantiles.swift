import StatNumerics

/// A quantile of the survival-time distribution read off a Kaplan–Meier curve, with the confidence
/// interval obtained where the pointwise confidence curves cross the same level
/// (Brookmeyer & Crowley 1982). Times are nil where the curve never reaches the level (e.g. a median
/// "not reached").
public struct SurvivalQuantile: Sendable, Codable, Equatable {
    /// The probability p of an event by the quantile: the time at which S falls to 1 − p (0.5 = median).
    public let probability: Double
    public let time: Double?
    /// From the lower confidence curve.
    public let lower: Double?
    /// From the upper confidence curve.
    public let upper: Double?
}

extension KaplanMeierFit {
    /// R's tolerance for "the curve equals the level": √(double epsilon).
    static let quantileTolerance = Double.ulpOfOne.squareRoot()

    /// The median survival time and its interval as `print(fit)` reports them (survival 3.5,
    /// `survmean`): the first time Ŝ < 0.5 + √ε; if Ŝ equals 0.5 (within √ε) there and falls further
    /// later, the midpoint between that time and the first time Ŝ falls below it. The limits apply
    /// the same rule to the lower and upper confidence curves.
    public var median: SurvivalQuantile {
        func firstBelowHalf(_ y: [Double?]) -> Double? {
            let tol = Self.quantileTolerance
            let kept = zip(steps, y).compactMap { step, v -> (Double, Double)? in
                guard let v, v < 0.5 + tol else { return nil }
                return (step.time, v)
            }
            guard let first = kept.first else { return nil }
            if abs(first.1 - 0.5) < tol, let next = kept.first(where: { $0.1 < first.1 }) {
                return (first.0 + next.0) / 2
            }
            return first.0
        }
        let hasCI = confidenceType != .none
        return SurvivalQuantile(probability: 0.5,
                                time: firstBelowHalf(steps.map { $0.survival }),
                                lower: hasCI ? firstBelowHalf(steps.map { $0.lower }) : nil,
                                upper: hasCI ? firstBelowHalf(steps.map { $0.upper }) : nil)
    }

    /// The p-quantile of survival time and its interval as `quantile.survfit` computes them
    /// (survival 3.5): the first time 1 − Ŝ reaches p (within √ε); when 1 − Ŝ equals p over a flat
    /// stretch, the midpoint of that stretch (its end being the next drop, or the last follow-up time
    /// when the curve ends on the stretch). The limits apply the same rule to the lower and upper
    /// confidence curves (nil with confidence type `none`). p = 0 gives time 0.
    ///
    /// - Throws: `DomainError` when p is outside [0, 1] or NaN.
    public func quantile(_ p: Double) throws -> SurvivalQuantile {
        guard p >= 0, p <= 1 else {
            throw DomainError(routine: KaplanMeier.routine, "probability is \(p); expected a number in [0, 1]")
        }
        let x = [0] + steps.map(\.time)
        let q = Self.findQuantile(p, x: x, y: [0] + steps.map { 1 - $0.survival })
        guard confidenceType != .none else { return SurvivalQuantile(probability: p, time: q, lower: nil, upper: nil) }
        return SurvivalQuantile(probability: p, time: q,
                                lower: Self.findQuantile(p, x: x, y: [0] + steps.map { $0.lower.map { 1 - $0 } }),
                                upper: Self.findQuantile(p, x: x, y: [0] + steps.map { $0.upper.map { 1 - $0 } }))
    }

    /// The quantiles at several probabilities (R's default is 0.25, 0.5, 0.75).
    public func quantiles(_ probabilities: [Double] = [0.25, 0.5, 0.75]) throws -> [SurvivalQuantile] {
        try probabilities.map { try quantile($0) }
    }

    /// The search of `quantile.survfit` on a cumulative-distribution curve y (nil = undefined point)
    /// against times x: drop repeated y values (keeping the first); among defined points, the index
    /// i₁ of the first with y + tol ≥ p and i₂ of the first with y − tol ≥ p; the answer is
    /// (x[i₁] + x[i₂]) / 2, with x[i₂] replaced by the last time when the curve ends within tol of p.
    static func findQuantile(_ p: Double, x: [Double], y: [Double?]) -> Double? {
        let tol = quantileTolerance
        guard let maxY = y.compactMap({ $0 }).max(), maxY >= p, let xmax = x.last else { return nil }
        if p == 0 { return x[0] }
        // Remove duplicated y values (nil counts as one value), keeping the first occurrence.
        var xs: [Double] = []
        var ys: [Double?] = []
        var seen = Set<Double>()
        var seenNil = false
        for (xi, yi) in zip(x, y) {
            if let yi {
                if seen.insert(yi).inserted { xs.append(xi); ys.append(yi) }
            } else if !seenNil {
                seenNil = true; xs.append(xi); ys.append(nil)
            }
        }
        // Defined points sorted by y (R's approx sorts its abscissae).
        let defined = ys.indices.compactMap { i in ys[i].map { (y: $0, index: i) } }.sorted { $0.y < $1.y }
        // approx(u, index, p, method = "constant", f = 1): exact hit → its index; otherwise the index
        // of the smallest u above p; nil outside [min u, max u].
        func stepLookup(_ shift: Double) -> Int? {
            let u = defined.map { $0.y + shift }
            guard let first = u.first, let last = u.last, p >= first, p <= last else { return nil }
            if let exact = u.firstIndex(of: p) { return defined[exact].index }
            return defined[u.firstIndex(where: { $0 > p })!].index
        }
        let i1 = stepLookup(tol)
        let i2 = stepLookup(-tol)
        if let lastY = ys.last ?? nil, abs(p - lastY) < tol {
            return i1.map { (xs[$0] + xmax) / 2 }
        }
        guard let i1, let i2 else { return nil }
        return (xs[i1] + xs[i2]) / 2
    }
}
