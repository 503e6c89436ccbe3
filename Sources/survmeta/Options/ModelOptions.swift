import ArgumentParser
import MetaAnalysis

/// The model settings shared by `pool`, `metareg`, `subgroup`, `loo`, `cumulative`, `influence`, `bias`.
struct ModelOptions: ParsableArguments {
    @Option(help: "τ² estimator (metafor's method).")
    var method: TauSquaredEstimator = .REML

    @Option(help: "Test and interval: z, t, knha (Knapp–Hartung) or adhoc (Knapp–Hartung, never narrower).")
    var test: InferenceTest = .z

    @Option(help: "Confidence level, e.g. 0.95.")
    var level: Double = 0.95

    @Option(help: ArgumentHelp("Convergence threshold on |Δτ²| for ML/REML/EB Fisher scoring.", valueName: "x"))
    var threshold: Double = ModelControl.default.threshold

    @Option(name: .customLong("max-iter"), help: "Maximum Fisher-scoring iterations.")
    var maxIterations: Int = ModelControl.default.maxIterations

    @Option(name: .customLong("step-adjust"), help: "Step length multiplier for Fisher scoring (below 1 damps).")
    var stepAdjustment: Double = 1

    @Option(name: .customLong("tau2-max"), help: "Upper end of the τ² search for PM, PMM (default max(100, 10·mad(y)²)).")
    var tau2Max: Double?

    func validate() throws {
        guard level > 0 && level < 1 else { throw ValidationError("--level must lie strictly between 0 and 1 (got \(level))") }
        guard threshold > 0 && threshold.isFinite else { throw ValidationError("--threshold must be a positive number") }
        guard maxIterations >= 1 else { throw ValidationError("--max-iter must be at least 1") }
        guard stepAdjustment > 0 && stepAdjustment <= 1 else { throw ValidationError("--step-adjust must lie in (0, 1]") }
        if let tau2Max { guard tau2Max > 0 && tau2Max.isFinite else { throw ValidationError("--tau2-max must be a positive number") } }
    }

    var control: ModelControl {
        ModelControl(threshold: threshold, maxIterations: maxIterations, stepAdjustment: stepAdjustment, tau2Max: tau2Max)
    }
}
