import StatNumerics

/// The few numerical helpers the plots need, so plot files do not each import the numerics module.
enum StatNumericsBridge {
    static func normalQuantile(_ p: Double) -> Double { Normal.standard.quantile(p) }
}
