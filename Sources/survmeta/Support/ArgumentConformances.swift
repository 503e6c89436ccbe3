import ArgumentParser
import MetaAnalysis

// The libraries never import ArgumentParser; their closed choices become arguments here.
extension TauSquaredEstimator: ExpressibleByArgument {}
extension InferenceTest: ExpressibleByArgument {}
extension PredictionIntervalKind: ExpressibleByArgument {}
extension HeterogeneityIntervalMethod: ExpressibleByArgument {}
extension EffectMeasure: ExpressibleByArgument {}

/// The output formats every analysis command offers.
enum OutputFormat: String, CaseIterable, ExpressibleByArgument {
    case table, csv, json, md
}
