/// Colours for categorical data, distinguishable with the common colour-vision deficiencies:
/// the Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), black moved last and
/// yellow left out (too light on white).
public enum SVGPalette {
    public static let categorical = [
        "#0072B2",  // blue
        "#D55E00",  // vermillion
        "#009E73",  // bluish green
        "#CC79A7",  // reddish purple
        "#E69F00",  // orange
        "#56B4E9",  // sky blue
        "#000000",  // black
    ]

    /// The colour of series `index`, cycling through `categorical`.
    public static func color(_ index: Int) -> String {
        categorical[((index % categorical.count) + categorical.count) % categorical.count]
    }

    /// Axis lines and tick marks.
    public static let axis = "#333333"
    /// Secondary text (risk-table captions).
    public static let muted = "#555555"
}
