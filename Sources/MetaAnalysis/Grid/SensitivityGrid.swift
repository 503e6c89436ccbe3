import Dispatch
import Foundation
import StatNumerics

/// One specification of a sensitivity grid and its result.
public struct GridCell: Sendable, Equatable {
    /// The analysis scale's name (a landmark transform, or the measure).
    public var scale: String
    public var estimator: TauSquaredEstimator
    public var test: InferenceTest
    /// The study left out (nil for the full data).
    public var leftOut: String?
    public var fit: RandomEffectsFit?
    public var error: String?
}

/// Every τ² estimator × every test × leave-one-out (× every transform for landmark data): the
/// "multiverse" of reasonable analyses of one data set, fitted in parallel. Each cell is exactly
/// the `RandomEffectsModel` fit `survmeta pool` would run with those options on those studies.
public struct SensitivityGrid: Sendable {
    /// Named versions of the data (one per transform; one for non-landmark data).
    public var scales: [(name: String, studies: [StudyEffect])]
    public var estimators: [TauSquaredEstimator]
    public var tests: [InferenceTest]
    public var leaveOneOut: Bool
    public var level: Double
    public var control: ModelControl

    /// FE is metafor's alias of EE, so the grid uses EE once; GENQM (a root search over an exact
    /// distribution) is left to explicit requests.
    public static let defaultEstimators: [TauSquaredEstimator] = TauSquaredEstimator.allCases.filter { $0 != .FE && $0 != .GENQM }
    public static let defaultTests: [InferenceTest] = [.z, .knha, .adhoc]

    public init(scales: [(name: String, studies: [StudyEffect])], estimators: [TauSquaredEstimator] = SensitivityGrid.defaultEstimators,
                tests: [InferenceTest] = SensitivityGrid.defaultTests, leaveOneOut: Bool = true, level: Double = 0.95,
                control: ModelControl = .default) {
        self.scales = scales
        self.estimators = estimators
        self.tests = tests
        self.leaveOneOut = leaveOneOut
        self.level = level
        self.control = control
    }

    struct Spec { var scale: Int; var estimator: TauSquaredEstimator; var test: InferenceTest; var leftOut: Int? }

    var specs: [Spec] {
        var out: [Spec] = []
        for (s, data) in scales.enumerated() {
            let drops: [Int?] = [nil] + (leaveOneOut && data.studies.count > 2 ? data.studies.indices.map { $0 } : [])
            for drop in drops { for e in estimators { for t in tests { out.append(Spec(scale: s, estimator: e, test: t, leftOut: drop)) } } }
        }
        return out
    }

    /// Fits every cell on all cores; the order is scale, left-out study (none first), estimator, test.
    /// `progress` is called with (done, total) from worker threads.
    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) -> [GridCell] {
        let specs = self.specs
        var cells = [GridCell?](repeating: nil, count: specs.count)
        let counter = ProgressCounter(total: specs.count, report: progress)
        cells.withUnsafeMutableBufferPointer { buffer in
            let out = buffer
            DispatchQueue.concurrentPerform(iterations: specs.count) { i in
                let spec = specs[i]
                var studies = scales[spec.scale].studies
                var left: String? = nil
                if let d = spec.leftOut { left = studies[d].label; studies.remove(at: d) }
                let model = RandomEffectsModel(estimator: spec.estimator, test: spec.test, level: level, control: control, heterogeneityIntervals: false)
                do {
                    out[i] = GridCell(scale: scales[spec.scale].name, estimator: spec.estimator, test: spec.test, leftOut: left, fit: try model.fit(studies), error: nil)
                } catch {
                    out[i] = GridCell(scale: scales[spec.scale].name, estimator: spec.estimator, test: spec.test, leftOut: left, fit: nil, error: String(describing: error))
                }
                counter.increment()
            }
        }
        return cells.map { $0! }
    }
}

/// Thread-safe completion counter for progress reports.
final class ProgressCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var done = 0
    private let total: Int
    private let report: (@Sendable (Int, Int) -> Void)?

    init(total: Int, report: (@Sendable (Int, Int) -> Void)?) {
        self.total = total
        self.report = report
    }

    func increment() {
        lock.lock()
        done += 1
        let d = done
        lock.unlock()
        report?(d, total)
    }
}

/// Whether a conclusion holds across a grid: the share of fitted cells whose CI excludes `null`
/// on the analysis scale, and the range of the estimates.
public struct GridVerdict: Sendable, Equatable {
    public var fitted: Int
    public var failed: Int
    public var excludingNull: Int
    public var estimateRange: ClosedRange<Double>?

    public init(_ cells: [GridCell], null: Double?) {
        let fits = cells.compactMap(\.fit)
        fitted = fits.count
        failed = cells.count - fits.count
        if let null {
            excludingNull = fits.filter { $0.pooled.ciLow > null || $0.pooled.ciHigh < null }.count
        } else {
            excludingNull = 0
        }
        let estimates = fits.map(\.estimate)
        estimateRange = estimates.isEmpty ? nil : estimates.min()!...estimates.max()!
    }

    /// All fitted cells agree that the CI excludes the null, or all agree it does not.
    public var holds: Bool { fitted > 0 && (excludingNull == fitted || excludingNull == 0) }
}
