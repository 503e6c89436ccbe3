import Foundation

/// The model settings an analysis that fits or refits the (mixed-effects) model shares with
/// `MixedEffectsModel`: τ² estimator, test, confidence level and numerical control (metafor 3.8's
/// `method`, `test`, `level` and `control` arguments of `rma.uni`).
public struct FitSettings: Sendable, Codable, Equatable, Hashable {
    public var estimator: TauSquaredEstimator
    public var test: InferenceTest
    /// Confidence level, e.g. 0.95.
    public var level: Double
    public var control: ModelControl

    public init(estimator: TauSquaredEstimator = .REML, test: InferenceTest = .z, level: Double = 0.95,
                control: ModelControl = .default) {
        self.estimator = estimator
        self.test = test
        self.level = level
        self.control = control
    }

    /// The model these settings describe.
    var model: MixedEffectsModel { MixedEffectsModel(estimator: estimator, test: test, level: level, control: control) }
}

/// An analysis configured by `FitSettings` (leave-one-out, influence, cumulative, meta-regression,
/// subgroups): `analysis.estimator` etc. read and write its `settings`, and
/// `init(estimator:test:level:control:)` builds it from the four settings.
@dynamicMemberLookup
public protocol FitConfigured {
    var settings: FitSettings { get set }
    init(settings: FitSettings)
}

extension FitConfigured {
    public init(estimator: TauSquaredEstimator = .REML, test: InferenceTest = .z, level: Double = 0.95,
                control: ModelControl = .default) {
        self.init(settings: FitSettings(estimator: estimator, test: test, level: level, control: control))
    }

    public subscript<Value>(dynamicMember keyPath: WritableKeyPath<FitSettings, Value>) -> Value {
        get { settings[keyPath: keyPath] }
        set { settings[keyPath: keyPath] = newValue }
    }

    var model: MixedEffectsModel { settings.model }
}
