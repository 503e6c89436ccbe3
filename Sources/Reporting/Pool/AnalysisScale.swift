import Foundation
import MetaAnalysis

/// The scale of a pooled analysis and its way back to the natural scale (HR, proportion, survival).
public enum AnalysisScale: Sendable, Equatable {
    case measure(EffectMeasure, harmonicMeanN: Double?)
    case landmark(LandmarkTransform, harmonicMeanN: Double?)
    /// Log of a median survival time; back-transformed with exp.
    case logMedian

    public var name: String {
        switch self {
        case .measure(let m, _): return m.rawValue
        case .landmark(let t, _): return t.rawValue
        case .logMedian: return "log_median"
        }
    }

    public var hasBackTransform: Bool {
        switch self {
        case .measure(let m, _): return m.hasBackTransform && m != .PR
        case .landmark(let t, _): return t != .raw
        case .logMedian: return true
        }
    }

    /// Label of the back-transformed quantity in tables.
    public var naturalName: String {
        switch self {
        case .measure(.HR, _): return "HR"
        case .measure: return "proportion"
        case .landmark: return "survival"
        case .logMedian: return "median"
        }
    }

    public func back(_ x: Double) -> Double {
        switch self {
        case .measure(let m, let n): return m.backTransform(x, harmonicMeanN: n)
        case .landmark(let t, let n): return t.survival(from: x, harmonicMeanN: n)
        case .logMedian: return exp(x)
        }
    }

    /// Back-transformed interval, ends in increasing order (a decreasing scale swaps them).
    public func backInterval(_ lower: Double, _ upper: Double) -> (Double, Double) {
        let a = back(lower), b = back(upper)
        return a <= b ? (a, b) : (b, a)
    }
}
