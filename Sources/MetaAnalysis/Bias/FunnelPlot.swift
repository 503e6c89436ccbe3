import Foundation
import StatNumerics

/// Funnel-plot coordinates (metafor's `funnel.rma` with the default `yaxis = "sei"`): each study at
/// (yᵢ, √vᵢ), and the pseudo-confidence region θ̂ ± z₁₋α/₂·se around the pooled estimate θ̂ for se
/// from 0 to the largest standard error (Sterne & Egger 2001), on the analysis scale.
public enum FunnelPlot {
    /// - Parameters:
    ///   - estimate: the pooled estimate at the centre of the funnel.
    ///   - filled: trim-and-fill studies, drawn as metafor's open points.
    ///   - gridPoints: number of intervals of the contour grid (the contour itself is two straight lines).
    public static func coordinates(_ studies: [StudyEffect], estimate: Double, level: Double = 0.95,
                                   filled: [StudyEffect] = [], gridPoints: Int = 20) -> FunnelPlotData {
        let z = Normal.standard.upperQuantile((1 - level) / 2)
        func point(_ s: StudyEffect, _ isFilled: Bool) -> FunnelPoint {
            let se = s.vi.squareRoot()
            return FunnelPoint(study: s.label, yi: s.yi, sei: se, filled: isFilled,
                               pseudoLow: estimate - z * se, pseudoHigh: estimate + z * se)
        }
        let points = studies.map { point($0, false) } + filled.map { point($0, true) }
        let maxSE = points.map(\.sei).max() ?? 0
        let n = max(1, gridPoints)
        let contour = (0...n).map { i -> FunnelContourPoint in
            let se = maxSE * Double(i) / Double(n)
            return FunnelContourPoint(se: se, lower: estimate - z * se, upper: estimate + z * se)
        }
        return FunnelPlotData(estimate: estimate, level: level, points: points, contour: contour)
    }
}

/// One study on the funnel plot.
public struct FunnelPoint: Sendable, Codable, Equatable {
    public var study: String
    public var yi: Double
    public var sei: Double
    /// A trim-and-fill study.
    public var filled: Bool
    /// The pseudo-confidence limits at this study's standard error.
    public var pseudoLow: Double
    public var pseudoHigh: Double
}

/// A point of the pseudo-confidence contour.
public struct FunnelContourPoint: Sendable, Codable, Equatable {
    public var se: Double
    public var lower: Double
    public var upper: Double
}

/// Everything needed to draw a funnel plot.
public struct FunnelPlotData: Sendable, Codable, Equatable {
    public var estimate: Double
    public var level: Double
    public var points: [FunnelPoint]
    public var contour: [FunnelContourPoint]
}
