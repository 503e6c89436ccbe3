import Foundation
import MetaAnalysis
import StatNumerics

/// The scale a pooling set is analysed on.
public enum EvidenceScale: Sendable, Equatable {
    case landmark(LandmarkTransform)
    case logMedianMonths
    case logHazardRatio
}

/// One figure of a set, converted to the analysis scale.
public struct IncludedFigure: Sendable, Equatable {
    public var outcome: OutcomeRecord
    public var label: String
    public var effect: StudyEffect
    public var notes: [String]
}

/// A pooling set analysed: what went in, what was left out and why, and the fit (nil with a reason
/// when fewer than one figure could be used or the fit failed).
public struct SetAnalysis: Sendable {
    public var set: PoolingSet
    public var scale: EvidenceScale
    public var included: [IncludedFigure]
    public var excluded: [ExcludedFigure]
    public var fit: RandomEffectsFit?
    public var failure: String?
}

/// Runs the default analyses of an evidence base with one model configuration.
public struct EvidenceAnalysis: Sendable {
    public var model: RandomEffectsModel
    public var landmarkTransform: LandmarkTransform

    public init(model: RandomEffectsModel = RandomEffectsModel(), landmarkTransform: LandmarkTransform = .cloglog) {
        self.model = model
        self.landmarkTransform = landmarkTransform
    }

    public func run(_ base: EvidenceBase, includeSecondary: Bool = false) -> [SetAnalysis] {
        base.poolingSets(includeSecondary: includeSecondary).map { analyse($0, base) }
    }

    /// "First author year", with the arm added when a study gives two figures of the set.
    func label(_ o: OutcomeRecord, _ base: EvidenceBase) -> String {
        guard let p = base.publication(o.studyID) else { return o.studyID }
        return "\(p.firstAuthor) \(p.year.map(String.init) ?? "")".trimmingCharacters(in: .whitespaces)
    }

    public func analyse(_ set: PoolingSet, _ base: EvidenceBase) -> SetAnalysis {
        let scale: EvidenceScale
        switch set.kind {
        case .landmark: scale = .landmark(landmarkTransform)
        case .median: scale = .logMedianMonths
        case .hazardRatio: scale = .logHazardRatio
        }
        var included: [IncludedFigure] = []
        var excluded: [ExcludedFigure] = []
        var used = Set<String>()
        for o in set.outcomes {
            var name = label(o, base)
            if used.contains(name) { name += " (\(o.arm))" }
            do {
                let (effect, notes) = try convert(o, name: name, kind: set.kind)
                included.append(IncludedFigure(outcome: o, label: name, effect: effect, notes: notes))
                used.insert(name)
            } catch let e as DomainError {
                excluded.append(ExcludedFigure(outcome: o, reason: e.message))
            } catch {
                excluded.append(ExcludedFigure(outcome: o, reason: String(describing: error)))
            }
        }
        guard !included.isEmpty else {
            return SetAnalysis(set: set, scale: scale, included: [], excluded: excluded, fit: nil, failure: "no figure of this set has the information a variance needs")
        }
        do {
            let fit = try model.fit(included.map(\.effect))
            return SetAnalysis(set: set, scale: scale, included: included, excluded: excluded, fit: fit, failure: nil)
        } catch {
            return SetAnalysis(set: set, scale: scale, included: included, excluded: excluded, fit: nil, failure: String(describing: error))
        }
    }

    func convert(_ o: OutcomeRecord, name: String, kind: PoolingSetKind) throws -> (StudyEffect, [String]) {
        let routine = "evidence row \(o.id)"
        guard let value = o.value else { throw DomainError(routine: routine, "the value \"\(o.valueText)\" is not a number") }
        var notes: [String] = []
        let level = o.ciLevel ?? 0.95
        if o.ciLevel == nil && o.ciLow != nil { notes.append("CI level not printed: 95% assumed") }
        if o.isSecondary { notes.append("figure from a secondary source (\(o.location))") }
        switch kind {
        case .landmark:
            let factor = o.unit == "percent" ? 100.0 : 1.0
            let obs = LandmarkObservation(label: name, survival: value / factor, ciLow: o.ciLow.map { $0 / factor }, ciHigh: o.ciHigh.map { $0 / factor },
                                          ciLevel: level, sampleSize: o.n,
                                          roundingUnit: pow(10, -Double(StudyTable.decimalPlaces(o.valueText))) / factor)
            let e = try LandmarkSurvival.effect(obs, transform: landmarkTransform)
            return (e.effect, notes + e.notes)
        case .median:
            guard let months = o.valueInMonths else { throw DomainError(routine: routine, "a median in \(o.unit) cannot be put on a months scale") }
            let factor = months / value
            let obs = MedianObservation(label: name, median: months, ciLow: o.ciLow.map { $0 * factor }, ciHigh: o.ciHigh.map { $0 * factor },
                                        ciLevel: level, events: o.events)
            let e = try MedianSurvival.effect(obs)
            if o.unit != "months" { notes.append("converted from \(o.unit) to months") }
            return (e.effect, notes + e.notes)
        case .hazardRatio:
            guard let lo = o.ciLow, let hi = o.ciHigh else {
                throw DomainError(routine: routine, "a hazard ratio without a CI cannot be weighted")
            }
            let r = try EffectSizeConversion.fromHazardRatioCI(hr: value, lower: lo, upper: hi, level: level,
                                                              roundingUnit: pow(10, -Double(StudyTable.decimalPlaces(o.valueText))))
            if o.endpoint == "TTP" { notes.append("time to progression, pooled with PFS") }
            return (StudyEffect(label: name, yi: r.yi, vi: r.vi), notes + r.notes)
        }
    }
}
