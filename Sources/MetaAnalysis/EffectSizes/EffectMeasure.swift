import Foundation
import StatNumerics

/// The scale an analysis runs on, and how its results are shown on the natural scale
/// (metafor's `measure` and `transf`).
public enum EffectMeasure: String, Sendable, Codable, CaseIterable, Hashable {
    /// Generic estimate; no back-transformation.
    case GEN
    /// Log hazard ratio; back-transformed with exp to a hazard ratio.
    case HR
    /// Logit proportion, log(p/(1 − p)); back-transform: inverse logit.
    case PLO
    /// Freeman–Tukey double arcsine; back-transform: Miller (1978) with the harmonic-mean n.
    case PFT
    /// Arcsine square root, asin(√p); back-transform: sin²(x).
    case PAS
    /// Log proportion; back-transform: exp.
    case PLN
    /// Raw proportion; no back-transformation needed.
    case PR

    /// True for the proportion measures that take `events,n` rows.
    public var isProportion: Bool { [.PLO, .PFT, .PAS, .PLN, .PR].contains(self) }

    /// Whether results get a `back_transformed` block.
    public var hasBackTransform: Bool { self != .GEN }

    /// The value on the natural scale (HR, proportion). `harmonicMeanN` is needed for `PFT` only.
    /// Proportions are clipped to [0, 1] as metafor's transformation functions do.
    public func backTransform(_ x: Double, harmonicMeanN: Double? = nil) -> Double {
        switch self {
        case .GEN: return x
        case .HR, .PLN: return exp(x)
        case .PLO: return 1 / (1 + exp(-x))
        case .PAS:
            let s = sin(min(max(x, 0), Double.pi / 2))
            return s * s
        case .PR: return x
        case .PFT:
            guard let n = harmonicMeanN else { return .nan }
            return ProportionEffects.inverseFreemanTukey(x, harmonicMeanN: n)
        }
    }
}

/// Proportions from counts, as metafor 3.8's `escalc()` computes them for `measure` PR, PLN, PLO,
/// PAS and PFT with its defaults (`add = 1/2`, `to = "only0"`, `vtype = "LS"`; `add = 0` for PAS and PFT).
public enum ProportionEffects {
    /// (yi, vi) for x events out of n.
    ///
    /// - PR: p, p(1 − p)/n; PLN: log p, 1/x − 1/n; PLO: log(p/(1 − p)), 1/x + 1/(n − x);
    ///   PAS: asin √p, 1/(4n); PFT: ½[asin √(x/(n+1)) + asin √((x+1)/(n+1))], 1/(4n + 2).
    /// - For PR, PLN and PLO a study with x = 0 or x = n has ½ added to both cells first.
    public static func escalc(events x: Double, n: Double, measure: EffectMeasure) throws -> (yi: Double, vi: Double) {
        let routine = "escalc(\(measure.rawValue))"
        guard x.isFinite, n.isFinite, x >= 0, n > 0, x <= n else {
            throw DomainError(routine: routine, "events \(x) and n \(n) must satisfy 0 ≤ events ≤ n, n > 0")
        }
        var xi = x, mi = n - x
        if [.PR, .PLN, .PLO].contains(measure), xi == 0 || mi == 0 {
            xi += 0.5; mi += 0.5
        }
        let ni = xi + mi
        let p = xi / ni
        switch measure {
        case .PR: return (p, p * (1 - p) / ni)
        case .PLN: return (log(p), 1 / xi - 1 / ni)
        case .PLO: return (log(p / (1 - p)), 1 / xi + 1 / mi)
        case .PAS: return (asin(p.squareRoot()), 1 / (4 * n))
        case .PFT:
            let y = 0.5 * (asin((x / (n + 1)).squareRoot()) + asin(((x + 1) / (n + 1)).squareRoot()))
            return (y, 1 / (4 * n + 2))
        case .GEN, .HR:
            throw DomainError(routine: routine, "\(measure.rawValue) is not a proportion measure")
        }
    }

    /// The Freeman–Tukey transform of a proportion p at sample size n (metafor's `transf.pft`).
    public static func freemanTukey(_ p: Double, n: Double) -> Double {
        let x = p * n
        return 0.5 * (asin((x / (n + 1)).squareRoot()) + asin(((x + 1) / (n + 1)).squareRoot()))
    }

    /// Miller's (1978) inverse of the double arcsine at sample size n (metafor's `transf.ipft.hm`
    /// with n the harmonic mean of the study sizes):
    /// p = ½[1 − sgn(cos 2t)·√(1 − (sin 2t + (sin 2t − 1/sin 2t)/n)²)], 0 below the transform of 0 and 1 above that of 1.
    public static func inverseFreemanTukey(_ t: Double, harmonicMeanN n: Double) -> Double {
        if t > freemanTukey(1, n: n) { return 1 }
        if t < freemanTukey(0, n: n) { return 0 }
        let s = sin(2 * t)
        let c = cos(2 * t)
        let inner = s + (s - 1 / s) / n
        let root = (1 - inner * inner)
        guard root >= 0 else { return .nan }
        let sign: Double = c > 0 ? 1 : (c < 0 ? -1 : 0)
        return 0.5 * (1 - sign * root.squareRoot())
    }
}
