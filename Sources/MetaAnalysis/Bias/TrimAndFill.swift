import Foundation
import StatNumerics

/// Trim-and-fill (Duval & Tweedie 2000, Biometrics 56:455; JASA 95:89) as metafor 3.8's
/// `trimfill.rma.uni`, on the analysis scale.
///
/// 1. Side: unless given, the side where studies are presumed missing comes from the slope of
///    yᵢ = β₀ + β₁√vᵢ fitted with the analysis's estimator: β̂₁ < 0 → "right", else "left". For "right"
///    the estimates are negated, so the algorithm always trims the right tail.
/// 2. Iterate from k₀ = 0: fit the intercept-only model to the k − k₀ smallest estimates; centre all k
///    estimates at that fit's θ̂; rank |yᵢ − θ̂| (ties by position); with Tₙ the sum of the positive
///    signed ranks, L0: k₀ = (4Tₙ − k(k + 1))/(2k − 1); R0: k₀ = γ* − 1 with γ* the length of the
///    rightmost run of positive ranks (k minus the largest negative rank); round half to even, floor
///    at 0; until k₀ repeats (at most `maxIterations`). SE(k₀) as metafor: L0
///    4√Var(Tₙ)/(2k − 1), Var(Tₙ) = (k(k+1)(2k+1) + 10k₀³ + 27k₀² + 17k₀ − 18kk₀² − 18kk₀ + 6k²k₀)/24
///    with the unrounded k₀; R0 √(2k₀ + 2). R0's p-value is 1 − Σ_{j=0}^{k₀} 2^{−(j+1)}.
/// 3. Fill: the k₀ most extreme estimates mirrored about the last θ̂ (2θ̂ − yᵢ, same vᵢ), labelled
///    "Filled 1" … in increasing order of the mirrored study, and the intercept-only model refitted to
///    all k + k₀ estimates with the analysis's estimator and control but — as metafor — test z and
///    level 0.95. With k₀ = 0 the result is the original fit.
public struct TrimAndFill: Sendable, Equatable {
    public enum Estimator: String, Sendable, Codable, CaseIterable, Hashable {
        case L0, R0
    }

    public enum Side: String, Sendable, Codable, CaseIterable, Hashable {
        case left, right
    }

    public var k0Estimator: Estimator
    /// nil: chosen from the data as metafor.
    public var side: Side?
    public var estimator: TauSquaredEstimator
    public var test: InferenceTest
    public var level: Double
    public var control: ModelControl
    public var maxIterations: Int

    public init(k0Estimator: Estimator = .L0, side: Side? = nil, estimator: TauSquaredEstimator = .REML,
                test: InferenceTest = .z, level: Double = 0.95, control: ModelControl = .default, maxIterations: Int = 100) {
        self.k0Estimator = k0Estimator
        self.side = side
        self.estimator = estimator
        self.test = test
        self.level = level
        self.control = control
        self.maxIterations = maxIterations
    }

    public func run(_ studies: [StudyEffect]) throws -> TrimAndFillResult {
        let routine = "TrimAndFill.run"
        let studies = try studies.validated(routine: routine)
        let k = studies.count
        guard k >= 2 else { throw DomainError(routine: routine, "trim-and-fill needs at least 2 studies (k = \(k))") }
        let yi = studies.map(\.yi), vi = studies.map(\.vi)
        let plain = MixedEffectsModel(estimator: estimator, test: .z, level: 0.95, control: control)

        var chosenSide = side
        var sideSlope: Double? = nil
        if chosenSide == nil {
            let sei = vi.map { $0.squareRoot() }
            if !estimator.isEqualEffects && k < 3 {
                throw DomainError(routine: routine, "choosing the side needs the regression of yi on sqrt(vi) with τ², i.e. at least 3 studies (k = \(k); metafor: \"Number of parameters to be estimated is larger than the number of observations\"); give the side (--side left|right)")
            }
            if sei.allSatisfy({ $0 == sei[0] }) {
                throw DomainError(routine: routine, "all studies have the same standard error, so the side of the missing studies cannot be estimated; give the side (--side left|right)")
            }
            let fit = try plain.fit(yi: yi, vi: vi, design: Matrix(columns: [[Double](repeating: 1, count: k), sei]), names: ["intrcpt", "sei"])
            sideSlope = fit.coefficients[1].estimate
            chosenSide = sideSlope! < 0 ? .right : .left
        }
        let flip: Double = chosenSide == .right ? -1 : 1

        // Sort the (flipped) estimates, stably.
        let order = (0..<k).sorted { a, b in flip * yi[a] != flip * yi[b] ? flip * yi[a] < flip * yi[b] : a < b }
        let y = order.map { flip * yi[$0] }
        let v = order.map { vi[$0] }

        var k0 = 0, previous = -1, iterations = 0
        var se = 0.0
        var theta = 0.0
        while k0 != previous {
            previous = k0
            iterations += 1
            if iterations > maxIterations {
                throw NumericalError(routine: "trim-and-fill (\(k0Estimator.rawValue))", reason: "k0 did not settle",
                                     iteration: iterations - 1, remedy: "use the other estimator (--trimfill-estimator) or give the side")
            }
            let n = k - k0
            guard n >= 1 else {
                throw DomainError(routine: routine, "\(k0Estimator.rawValue) would trim all \(k) studies; the estimator is not usable on these data")
            }
            let fit = try plain.fit(yi: Array(y[0..<n]), vi: Array(v[0..<n]),
                                    design: Matrix(rows: n, columns: 1, repeating: 1), names: ["intrcpt"])
            theta = fit.coefficients[0].estimate
            let centred = y.map { $0 - theta }
            // Ranks of |centred|, ties by position (R's ties.method = "first").
            let byMagnitude = (0..<k).sorted { a, b in abs(centred[a]) != abs(centred[b]) ? abs(centred[a]) < abs(centred[b]) : a < b }
            var rank = [Int](repeating: 0, count: k)
            for (r, i) in byMagnitude.enumerated() { rank[i] = r + 1 }
            let kd = Double(k)
            var raw: Double
            switch k0Estimator {
            case .L0:
                let sr = Double((0..<k).filter { centred[$0] > 0 }.reduce(0) { $0 + rank[$1] })
                raw = (4 * sr - kd * (kd + 1)) / (2 * kd - 1)
                let varSr = (kd * (kd + 1) * (2 * kd + 1) + 10 * raw * raw * raw + 27 * raw * raw + 17 * raw
                    - 18 * kd * raw * raw - 18 * kd * raw + 6 * kd * kd * raw) / 24
                se = 4 * varSr.squareRoot() / (2 * kd - 1)
            case .R0:
                let negativeRanks = (0..<k).filter { centred[$0] < 0 }.map { rank[$0] }
                guard let largest = negativeRanks.max() else {
                    throw DomainError(routine: routine, "R0: no estimate lies below the trimmed estimate, so the rightmost run is undefined; use L0")
                }
                raw = Double(k - largest) - 1
                se = (2 * max(0, raw) + 2).squareRoot()
            }
            if !se.isFinite || se < 0 { se = max(0, se.isNaN ? 0 : se) }
            k0 = Int(max(0, raw.rounded(.toNearestOrEven)))
        }

        var filled: [StudyEffect] = []
        var refit: MixedEffectsFit
        let full = try MixedEffectsModel(estimator: estimator, test: test, level: level, control: control)
            .fit(yi: yi, vi: vi, design: Matrix(rows: k, columns: 1, repeating: 1), names: ["intrcpt"])
        if k0 > 0 {
            for (n, j) in ((k - k0)..<k).enumerated() {
                filled.append(StudyEffect(label: "Filled \(n + 1)", yi: flip * (2 * theta - y[j]), vi: v[j]))
            }
            let allY = yi + filled.map(\.yi), allV = vi + filled.map(\.vi)
            refit = try plain.fit(yi: allY, vi: allV, design: Matrix(rows: allY.count, columns: 1, repeating: 1), names: ["intrcpt"])
        } else {
            refit = full
        }
        var pK0: Double? = nil
        if k0Estimator == .R0 {
            var sum = 0.0
            for j in 0...k0 { sum += pow(0.5, Double(j + 1)) }
            pK0 = 1 - sum
        }
        return TrimAndFillResult(k0Estimator: k0Estimator, k0: k0, k0StandardError: max(0, se), side: chosenSide!,
                                 sideSlope: sideSlope, pK0: pK0, iterations: iterations, filled: filled,
                                 original: full, refit: refit)
    }
}

/// The result of `TrimAndFill.run`.
public struct TrimAndFillResult: Sendable, Codable, Equatable {
    public var k0Estimator: TrimAndFill.Estimator
    /// Estimated number of missing studies.
    public var k0: Int
    public var k0StandardError: Double
    /// The side on which studies were presumed missing.
    public var side: TrimAndFill.Side
    /// The slope of yᵢ on √vᵢ behind the side (nil when the side was given).
    public var sideSlope: Double?
    /// R0's p-value for k₀ (nil for L0).
    public var pK0: Double?
    public var iterations: Int
    /// The filled (imputed) studies, on the analysis scale.
    public var filled: [StudyEffect]
    /// The fit to the observed studies.
    public var original: MixedEffectsFit
    /// The fit to observed plus filled studies (test z, level 0.95, as metafor); the original fit when k₀ = 0.
    public var refit: MixedEffectsFit
}
