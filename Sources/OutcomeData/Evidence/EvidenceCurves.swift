import Foundation
import MetaAnalysis

/// A summary survival curve for one therapy, pooled from the landmark OS rates of its series.
public struct TherapyCurve: Sendable {
    public var therapy: TherapyClass
    /// The rows fed to the Combescure method (time in years).
    public var rows: [SummaryCurveRow]
    public var outcomes: [OutcomeRecord]
    public var result: SummaryCurveResult?
    public var failure: String?

    /// Why the curve is approximate, printed with it.
    public static let approximation = "numbers at risk approximated as N × S(previous time) (no censoring assumed), so the band is too narrow; the series report landmark rates and N only"
}

extension EvidenceAnalysis {
    /// One summary OS curve per therapy class with at least two series giving default-pooled landmark
    /// OS rates: each series contributes its rates at its own times (years) and, for the interval ending
    /// at each time, the approximate number at risk N·S(previous time). Pooled with the Combescure
    /// method's default mode (random effects, moment estimator), which needs no common grid.
    public func therapyCurves(_ base: EvidenceBase) -> [TherapyCurve] {
        let rates = base.outcomes.filter { $0.poolDefault && $0.endpoint == "OS" && $0.measure == "landmark_rate" && $0.value != nil && $0.n != nil && $0.timeInYears != nil }
        let byTherapy = Dictionary(grouping: rates) { TherapyClass.of($0, study: base.publication($0.studyID)) }
        var curves: [TherapyCurve] = []
        for therapy in byTherapy.keys.sorted() {
            let outcomes = byTherapy[therapy]!
            let byStudy = Dictionary(grouping: outcomes, by: \.studyID)
            guard byStudy.count >= 2 else { continue }
            var rows: [SummaryCurveRow] = []
            for study in byStudy.keys.sorted() {
                let points = byStudy[study]!.sorted { $0.timeInYears! < $1.timeInYears! }
                var previous = 1.0
                for o in points {
                    let s = o.value! / (o.unit == "percent" ? 100 : 1)
                    rows.append(SummaryCurveRow(study: label(o, base), time: o.timeInYears!, surv: s, n: o.n! * previous, line: o.line))
                    previous = s
                }
            }
            do {
                let result = try SummaryCurveModel(effects: .random, tauEstimator: .DL).fit(rows)
                curves.append(TherapyCurve(therapy: therapy, rows: rows, outcomes: outcomes, result: result, failure: nil))
            } catch {
                curves.append(TherapyCurve(therapy: therapy, rows: rows, outcomes: outcomes, result: nil, failure: String(describing: error)))
            }
        }
        return curves
    }
}
