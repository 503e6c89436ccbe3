import Foundation
import StatNumerics

/// The publication-bias battery of `survmeta bias`: Egger-type regression (metafor's `regtest`
/// default and the classical `lm` version), Begg–Mazumdar rank correlation, trim-and-fill, fail-safe
/// N (Rosenthal, Orwin, Rosenberg) and funnel-plot coordinates, all for the intercept-only model with
/// the analysis's estimator, test, level and control.
///
/// A method that cannot be computed on these data (too few studies, equal standard errors …) is left
/// out with the reason in `failures`; the others are still reported.
public struct PublicationBiasAnalysis: Sendable, Equatable {
    public enum Method: String, Sendable, Codable, CaseIterable, Hashable {
        case egger, eggerLM = "egger_lm", begg, trimfill, fsn
    }

    public var estimator: TauSquaredEstimator
    public var test: InferenceTest
    public var level: Double
    public var control: ModelControl
    public var trimFillEstimator: TrimAndFill.Estimator
    public var trimFillSide: TrimAndFill.Side?
    /// Orwin's target (nil: half the mean).
    public var orwinTarget: Double?
    /// α of Rosenthal's and Rosenberg's fail-safe N.
    public var alpha: Double
    /// The methods to run.
    public var methods: Set<Method>

    public init(estimator: TauSquaredEstimator = .REML, test: InferenceTest = .z, level: Double = 0.95,
                control: ModelControl = .default, trimFillEstimator: TrimAndFill.Estimator = .L0,
                trimFillSide: TrimAndFill.Side? = nil, orwinTarget: Double? = nil, alpha: Double = 0.05,
                methods: Set<Method> = Set(Method.allCases)) {
        self.estimator = estimator
        self.test = test
        self.level = level
        self.control = control
        self.trimFillEstimator = trimFillEstimator
        self.trimFillSide = trimFillSide
        self.orwinTarget = orwinTarget
        self.alpha = alpha
        self.methods = methods
    }

    public func run(_ studies: [StudyEffect]) throws -> PublicationBiasResult {
        let studies = try studies.validated(routine: "PublicationBiasAnalysis.run")
        let pooled = try RandomEffectsModel(estimator: estimator, test: test, level: level, control: control,
                                            heterogeneityIntervals: false).fit(studies)
        var failures: [(Method, String)] = []
        func attempt<T>(_ method: Method, _ body: () throws -> T) -> T? {
            guard methods.contains(method) else { return nil }
            do { return try body() } catch {
                failures.append((method, String(describing: error)))
                return nil
            }
        }
        let egger = attempt(.egger) {
            try EggerRegressionTest(model: .rma, estimator: estimator, test: test, level: level, control: control).run(studies)
        }
        let eggerLM = attempt(.eggerLM) {
            try EggerRegressionTest(model: .lm, estimator: estimator, test: test, level: level, control: control).run(studies)
        }
        let begg = attempt(.begg) { try RankCorrelationTest().run(studies) }
        let trimFill = attempt(.trimfill) {
            try TrimAndFill(k0Estimator: trimFillEstimator, side: trimFillSide, estimator: estimator, test: test,
                            level: level, control: control).run(studies)
        }
        let rosenthal = attempt(.fsn) { try FailSafeN.rosenthal(studies, alpha: alpha) }
        let orwin = attempt(.fsn) { try FailSafeN.orwin(studies, target: orwinTarget) }
        let rosenberg = attempt(.fsn) { try FailSafeN.rosenberg(studies, alpha: alpha) }
        let funnel = FunnelPlot.coordinates(studies, estimate: pooled.estimate, level: level,
                                            filled: trimFill?.filled ?? [])
        var warnings = pooled.model.warnings
        warnings += egger?.warnings ?? []
        warnings += begg?.warnings ?? []
        if let t = trimFill, t.k0 > 0, test != .z || level != 0.95 {
            warnings.append("the trim-and-fill refit uses test z and level 0.95, as metafor's trimfill")
        }
        return PublicationBiasResult(
            k: studies.count, pooled: pooled.model, egger: egger, eggerLM: eggerLM, begg: begg, trimFill: trimFill,
            fsnRosenthal: rosenthal, fsnOrwin: orwin, fsnRosenberg: rosenberg, funnel: funnel,
            failures: failures.map { PublicationBiasFailure(method: $0.0, message: $0.1) }, warnings: warnings)
    }
}

/// A method of the battery that could not be computed, and why.
public struct PublicationBiasFailure: Sendable, Codable, Equatable {
    public var method: PublicationBiasAnalysis.Method
    public var message: String
}

/// The result of `PublicationBiasAnalysis.run`; a method not run or failed is nil.
public struct PublicationBiasResult: Sendable, Codable, Equatable {
    public var k: Int
    /// The pooled intercept-only fit.
    public var pooled: MixedEffectsFit
    public var egger: EggerRegressionResult?
    public var eggerLM: EggerRegressionResult?
    public var begg: RankCorrelationResult?
    public var trimFill: TrimAndFillResult?
    public var fsnRosenthal: FailSafeNResult?
    public var fsnOrwin: FailSafeNResult?
    public var fsnRosenberg: FailSafeNResult?
    public var funnel: FunnelPlotData
    public var failures: [PublicationBiasFailure]
    public var warnings: [String]
}
