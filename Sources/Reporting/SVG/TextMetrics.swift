import Foundation

/// Estimated text extents, for layout without a font engine: an average advance of 0.6 em per
/// character (wider than Helvetica's digits, 0.556 em, and most lower-case letters), so space
/// reserved from the estimate is rarely too small.
public enum TextMetrics {
    public static let averageAdvance = 0.6

    /// The estimated width of `text` at `fontSize`, in user units.
    public static func width(_ text: String, fontSize: Double) -> Double {
        Double(text.count) * averageAdvance * fontSize
    }
}
