import Foundation
import StatNumerics

/// The scale on which landmark survival S(t*) is pooled.
public enum LandmarkTransform: String, Sendable, Codable, CaseIterable, Hashable {
    /// Complementary log-log, log(−log S) — decreasing in S; the scale of R's `conf.type = "log-log"`.
    case cloglog
    /// log(S/(1 − S)).
    case logit
    /// asin(√S).
    case arcsine
    /// Freeman–Tukey double arcsine of the survivors x = S·n_eff out of the effective sample size,
    /// with Miller's back-transform at the harmonic mean n_eff (as metafor's PFT / transf.ipft.hm).
    case ft
    /// log S.
    case log
    /// S itself.
    case raw

    /// Value on the analysis scale (not used for `ft`, which needs the effective n).
    func apply(_ s: Double) -> Double {
        switch self {
        case .cloglog: return Foundation.log(-Foundation.log(s))
        case .logit: return Foundation.log(s / (1 - s))
        case .arcsine: return asin(s.squareRoot())
        case .log: return Foundation.log(s)
        case .raw, .ft: return s
        }
    }

    /// dh/dS.
    func derivative(_ s: Double) -> Double {
        switch self {
        case .cloglog: return 1 / (s * Foundation.log(s))
        case .logit: return 1 / (s * (1 - s))
        case .arcsine: return 1 / (2 * (s * (1 - s)).squareRoot())
        case .log: return 1 / s
        case .raw, .ft: return 1
        }
    }

    /// S from a value on the analysis scale, clipped to [0, 1]; `harmonicMeanN` for `ft`.
    public func survival(from x: Double, harmonicMeanN: Double? = nil) -> Double {
        let s: Double
        switch self {
        case .cloglog: s = exp(-exp(x))
        case .logit: s = 1 / (1 + exp(-x))
        case .arcsine: let v = sin(min(max(x, 0), Double.pi / 2)); s = v * v
        case .log: s = exp(x)
        case .raw: s = x
        case .ft: s = harmonicMeanN.map { ProportionEffects.inverseFreemanTukey(x, harmonicMeanN: $0) } ?? .nan
        }
        return min(max(s, 0), 1)
    }

    /// Whether larger values on this scale mean lower survival (so interval ends swap on the way back).
    public var isDecreasing: Bool { self == .cloglog }
}

/// The scale a published CI for S(t*) was computed on, told apart by its asymmetry.
public enum SurvivalCIScale: String, Sendable, Codable, CaseIterable, Hashable {
    case plain, log
    case logLog = "log-log"
    case logit, arcsine

    func g(_ s: Double) -> Double {
        switch self {
        case .plain: return s
        case .log: return Foundation.log(s)
        case .logLog: return Foundation.log(-Foundation.log(s))
        case .logit: return Foundation.log(s / (1 - s))
        case .arcsine: return asin(s.squareRoot())
        }
    }

    func derivative(_ s: Double) -> Double {
        switch self {
        case .plain: return 1
        case .log: return 1 / s
        case .logLog: return 1 / (s * Foundation.log(s))
        case .logit: return 1 / (s * (1 - s))
        case .arcsine: return 1 / (2 * (s * (1 - s)).squareRoot())
        }
    }
}

/// Where a study's variance came from, in the order of preference.
public enum LandmarkVarianceSource: String, Sendable, Codable, Hashable {
    /// From the printed CI on its detected scale.
    case confidenceInterval = "ci"
    /// Peto's formula with the number at risk at t*: Var(S) = S²(1 − S)/n(t*) (Peto et al. 1977).
    case numberAtRisk = "nrisk"
    /// Binomial S(1 − S)/N from the number of patients: ignores censoring, so too small (flagged).
    case sampleSize = "n"
}

/// What a series reports about survival at the landmark time.
public struct LandmarkObservation: Sendable, Codable, Equatable {
    public var label: String
    /// S(t*) in [0, 1].
    public var survival: Double
    public var ciLow: Double?
    public var ciHigh: Double?
    public var ciLevel: Double
    public var numberAtRisk: Double?
    public var sampleSize: Double?
    /// The unit the values were printed in (0.01 for "74%" read as 0.74): bounds asymmetry checks.
    public var roundingUnit: Double

    public init(label: String, survival: Double, ciLow: Double? = nil, ciHigh: Double? = nil, ciLevel: Double = 0.95,
                numberAtRisk: Double? = nil, sampleSize: Double? = nil, roundingUnit: Double = 0.01) {
        self.label = label
        self.survival = survival
        self.ciLow = ciLow
        self.ciHigh = ciHigh
        self.ciLevel = ciLevel
        self.numberAtRisk = numberAtRisk
        self.sampleSize = sampleSize
        self.roundingUnit = roundingUnit
    }
}

/// One series' landmark survival on the analysis scale, with how it was obtained.
public struct LandmarkEffect: Sendable, Codable, Equatable {
    public var effect: StudyEffect
    public var source: LandmarkVarianceSource
    /// The CI's detected scale (CI source only), and how asymmetric it is on that scale (0 = symmetric).
    public var ciScale: SurvivalCIScale?
    public var ciAsymmetry: Double?
    /// S(1 − S)/Var(S): the binomial sample size with the same information.
    public var effectiveSampleSize: Double
    public var notes: [String]
}

/// Landmark survival S(t*) → (yi, vi) on a transform scale.
public enum LandmarkSurvival {
    /// Derives the study's effect. Throws `DomainError` (naming what is wrong) for S outside [0, 1],
    /// a CI that does not contain S or has its bounds reversed, S at 0 or 1 on a scale where that is
    /// undefined, and rows with neither a CI, a number at risk nor N.
    public static func effect(_ o: LandmarkObservation, transform: LandmarkTransform) throws -> LandmarkEffect {
        let routine = "landmark survival (\(o.label))"
        let s = o.survival
        guard s.isFinite, s >= 0, s <= 1 else { throw DomainError(routine: routine, "survival \(s) is outside [0, 1]") }
        guard s > 0 && s < 1 else {
            throw DomainError(routine: routine, "survival \(s) is at the edge of [0, 1]; its variance and the \(transform.rawValue) transform are undefined there (use --transform ft, or pool events,n with pool --measure PFT or --glmm)")
        }
        var notes: [String] = []
        var varS: Double
        var source: LandmarkVarianceSource
        var scale: SurvivalCIScale? = nil
        var asymmetry: Double? = nil
        var direct: Double? = nil // variance already on the analysis scale
        if let lo = o.ciLow, let hi = o.ciHigh {
            guard lo.isFinite, hi.isFinite, lo >= 0, hi <= 1 else { throw DomainError(routine: routine, "CI \(lo)–\(hi) must lie within [0, 1]") }
            guard lo < hi else { throw DomainError(routine: routine, "CI lower bound \(lo) is not below the upper bound \(hi)") }
            guard lo <= s, s <= hi else { throw DomainError(routine: routine, "the CI \(lo)–\(hi) does not contain the estimate \(s)") }
            guard o.ciLevel > 0 && o.ciLevel < 1 else { throw DomainError(routine: routine, "CI level \(o.ciLevel) must lie in (0, 1)") }
            let z = Normal.standard.upperQuantile((1 - o.ciLevel) / 2)
            let g: SurvivalCIScale
            let seG: Double
            if lo <= 0 || hi >= 1 {
                // A bound at 0 or 1 was clipped: log-log and logit CIs never reach either end and a log
                // CI never reaches 0, so a bound at 0 means a plain CI and a bound at 1 most likely R's
                // default log CI. The clipped half says nothing; the SE comes from the other half.
                g = lo <= 0 ? .plain : .log
                seG = lo <= 0 ? abs(g.g(hi) - g.g(s)) / z : abs(g.g(s) - g.g(lo)) / z
                notes.append("the CI is clipped at \(lo <= 0 ? "0" : "1"): \(g.rawValue) scale assumed, SE from the unclipped half")
                scale = g
            } else {
                let detected = detectScale(s: s, lower: lo, upper: hi, roundingUnit: o.roundingUnit)
                scale = detected.scale
                asymmetry = detected.asymmetry
                if detected.ambiguous {
                    notes.append("the CI's scale cannot be told from its asymmetry at this rounding; \(detected.scale.rawValue) assumed")
                } else if detected.asymmetry > 0.1 {
                    notes.append(String(format: "the CI is asymmetric on every usual scale (%.2f on the closest, %@): check the numbers", detected.asymmetry, detected.scale.rawValue))
                }
                g = detected.scale
                seG = abs(g.g(hi) - g.g(lo)) / (2 * z)
            }
            varS = (seG / g.derivative(s)) * (seG / g.derivative(s))
            source = .confidenceInterval
            if sameScale(g, transform) { direct = seG * seG }
        } else if let nr = o.numberAtRisk {
            guard nr.isFinite, nr > 0 else { throw DomainError(routine: routine, "number at risk \(nr) must be > 0") }
            varS = s * s * (1 - s) / nr
            source = .numberAtRisk
        } else if let n = o.sampleSize {
            guard n.isFinite, n > 0 else { throw DomainError(routine: routine, "N \(n) must be > 0") }
            varS = s * (1 - s) / n
            source = .sampleSize
            notes.append("variance from N alone (binomial, ignores censoring): optimistic")
        } else {
            throw DomainError(routine: routine, "needs ci_low,ci_high, nrisk or n to derive a variance")
        }
        guard varS > 0, varS.isFinite else { throw DomainError(routine: routine, "the derived variance of S is not positive") }
        let nEff = s * (1 - s) / varS
        let yi: Double, vi: Double
        if transform == .ft {
            let x = s * nEff
            yi = 0.5 * (asin((x / (nEff + 1)).squareRoot()) + asin(((x + 1) / (nEff + 1)).squareRoot()))
            vi = 1 / (4 * nEff + 2)
        } else {
            yi = transform.apply(s)
            let d = transform.derivative(s)
            vi = direct ?? d * d * varS
        }
        return LandmarkEffect(effect: StudyEffect(label: o.label, yi: yi, vi: vi), source: source, ciScale: scale,
                              ciAsymmetry: asymmetry, effectiveSampleSize: nEff, notes: notes)
    }

    /// The CI scale on which (L, S, U) is most nearly symmetric, its relative asymmetry |a − b|/(a + b)
    /// (a, b the two half-widths), and whether another scale is indistinguishable at this rounding.
    public static func detectScale(s: Double, lower: Double, upper: Double, roundingUnit: Double) -> (scale: SurvivalCIScale, asymmetry: Double, ambiguous: Bool) {
        var results: [(SurvivalCIScale, Double, Double)] = []
        for g in SurvivalCIScale.allCases {
            let lo = max(lower, 1e-12), hi = min(upper, 1 - 1e-12)
            let a = abs(g.g(hi) - g.g(s)), b = abs(g.g(s) - g.g(lo))
            guard a + b > 0, a.isFinite, b.isFinite else { continue }
            let asym = abs(a - b) / (a + b)
            // The largest asymmetry rounding alone could cause on this scale.
            let slack = 0.5 * roundingUnit * (abs(g.derivative(hi)) + 2 * abs(g.derivative(s)) + abs(g.derivative(lo))) / (a + b)
            results.append((g, asym, slack))
        }
        results.sort { $0.1 < $1.1 }
        guard let best = results.first else { return (.plain, 1, true) }
        let ambiguous = results.count > 1 && results[1].1 <= best.1 + max(best.2, results[1].2)
        return (best.0, best.1, ambiguous)
    }

    /// True when the CI's scale is the analysis scale, so its SE² is the variance without a delta step.
    private static func sameScale(_ g: SurvivalCIScale, _ h: LandmarkTransform) -> Bool {
        switch (g, h) {
        case (.plain, .raw), (.log, .log), (.logLog, .cloglog), (.logit, .logit), (.arcsine, .arcsine): return true
        default: return false
        }
    }
}
