import Foundation
import Testing
import TestSupport
@testable import MetaAnalysis
import StatNumerics

/// Landmark survival pooled on the cloglog and logit scales agrees with metafor fed the same
/// transformed yi, vi (`Fixtures/landmark/landmark_fixtures.R`, metafor 3.8-1, survival 3.5-3):
/// 1-year survival of the survival::lung institutions with log-log and plain CIs (4 decimals), the
/// same with numbers at risk only (Peto), and 5-year OS of six NET liver-metastasis series with N only.
struct LandmarkGoldenTests {
    static let folder = fixturesDirectory().appendingPathComponent("landmark")

    static func observations(_ name: String) throws -> [LandmarkObservation] {
        let t = try FixtureTable(contentsOf: folder.appendingPathComponent("\(name).csv"))
        return (0..<t.rows.count).map { r in
            LandmarkObservation(label: t.record(r)["study"]!, survival: t.double(r, "surv")!,
                                ciLow: t.double(r, "ci_low"), ciHigh: t.double(r, "ci_high"),
                                numberAtRisk: t.double(r, "nrisk"), sampleSize: t.double(r, "n"),
                                roundingUnit: name.hasPrefix("lung") ? 1e-4 : 1e-3)
        }
    }

    @Test func studyTransformsMatchR() throws {
        let t = try FixtureTable(contentsOf: Self.folder.appendingPathComponent("landmark_studies.csv"))
        #expect(t.rows.count >= 60)
        for r in 0..<t.rows.count {
            let rec = t.record(r)
            let transform = try #require(LandmarkTransform(rawValue: rec["transform"]!))
            let o = try #require(try Self.observations(rec["dataset"]!).first { $0.label == rec["study"] })
            let e = try LandmarkSurvival.effect(o, transform: transform)
            #expect(isClose(e.effect.yi, t.double(r, "yi"), rel: 1e-12), "\(rec["dataset"]!) \(o.label) yi")
            #expect(isClose(e.effect.vi, t.double(r, "vi"), rel: 1e-10), "\(rec["dataset"]!) \(o.label) vi")
        }
    }

    @Test func pooledLandmarkSurvivalMatchesMetafor() throws {
        let t = try FixtureTable(contentsOf: Self.folder.appendingPathComponent("landmark_pooled.csv"))
        #expect(t.rows.count == 16)
        for r in 0..<t.rows.count {
            let rec = t.record(r)
            let transform = try #require(LandmarkTransform(rawValue: rec["transform"]!))
            let method = try #require(TauSquaredEstimator(rawValue: rec["method"]!))
            let effects = try Self.observations(rec["dataset"]!).map { try LandmarkSurvival.effect($0, transform: transform).effect }
            let fit = try RandomEffectsModel(estimator: method, control: ModelControl(threshold: 1e-10)).fit(effects)
            let ctx = "\(rec["dataset"]!) \(transform) \(method)"
            #expect(isClose(fit.estimate, t.double(r, "estimate"), rel: 1e-6), "\(ctx) estimate")
            #expect(isClose(fit.standardError, t.double(r, "se"), rel: 1e-6), "\(ctx) se")
            #expect(isClose(fit.model.tau2, t.double(r, "tau2"), rel: 1e-6, abs: 1e-9), "\(ctx) tau2")
            #expect(isClose(fit.model.qe, t.double(r, "q"), rel: 1e-10), "\(ctx) Q")
            let back = transform.survival(from: fit.estimate)
            let ci = [transform.survival(from: fit.pooled.ciLow), transform.survival(from: fit.pooled.ciHigh)].sorted()
            #expect(isClose(back, t.double(r, "bt_estimate"), rel: 1e-6), "\(ctx) pooled survival")
            #expect(isClose(ci[0], t.double(r, "bt_ci_low"), rel: 1e-6), "\(ctx) survival CI low")
            #expect(isClose(ci[1], t.double(r, "bt_ci_high"), rel: 1e-6), "\(ctx) survival CI high")
        }
    }

    /// The CI's scale is read off its asymmetry: R's log-log CIs are found to be log-log, plain ones plain.
    @Test(arguments: ["lung_ci", "lung_plain"])
    func ciScaleIsDetected(dataset: String) throws {
        let expected: SurvivalCIScale = dataset == "lung_ci" ? .logLog : .plain
        var detected = 0
        for o in try Self.observations(dataset) where (o.ciLow ?? 0) > 0 && (o.ciHigh ?? 1) < 1 {
            let e = try LandmarkSurvival.effect(o, transform: .cloglog)
            #expect(e.source == .confidenceInterval)
            if e.ciScale == expected { detected += 1 }
            #expect(e.ciScale == expected || e.notes.contains { $0.contains("cannot be told") }, "\(o.label): detected \(String(describing: e.ciScale))")
        }
        #expect(detected >= 6, "\(dataset): \(detected) rows detected as \(expected.rawValue)")
    }

    @Test func sourcesAreUsedInOrderOfPreference() throws {
        let all = LandmarkObservation(label: "a", survival: 0.6, ciLow: 0.5, ciHigh: 0.69, numberAtRisk: 40, sampleSize: 100)
        #expect(try LandmarkSurvival.effect(all, transform: .logit).source == .confidenceInterval)
        var noCI = all; noCI.ciLow = nil; noCI.ciHigh = nil
        #expect(try LandmarkSurvival.effect(noCI, transform: .logit).source == .numberAtRisk)
        var onlyN = noCI; onlyN.numberAtRisk = nil
        let e = try LandmarkSurvival.effect(onlyN, transform: .logit)
        #expect(e.source == .sampleSize && e.notes.contains { $0.contains("optimistic") })
    }

    @Test func badObservationsAreDomainErrors() {
        let cases: [LandmarkObservation] = [
            LandmarkObservation(label: "above one", survival: 1.2, sampleSize: 50),
            LandmarkObservation(label: "CI excludes", survival: 0.4, ciLow: 0.5, ciHigh: 0.7),
            LandmarkObservation(label: "CI reversed", survival: 0.6, ciLow: 0.7, ciHigh: 0.5),
            LandmarkObservation(label: "no variance", survival: 0.6),
            LandmarkObservation(label: "at one", survival: 1, sampleSize: 20),
        ]
        for c in cases {
            #expect(throws: DomainError.self, "\(c.label)") { try LandmarkSurvival.effect(c, transform: .cloglog) }
        }
    }
}
