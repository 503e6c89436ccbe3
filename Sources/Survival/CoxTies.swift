/// How tied event times enter the Cox partial likelihood (R's `coxph(ties = …)`).
///
/// With d events tied at a time, risk-set sums S₀ over everyone still at risk and D₀ over the d
/// events: Breslow (1974) uses the denominator S₀ for all d; Efron (1977) uses S₀ − (r/d)·D₀ for
/// r = 0 … d − 1, which is closer to the exact partial likelihood when ties are many.
public enum CoxTies: String, Sendable, Codable, Equatable, CaseIterable {
    /// Efron (1977), R's default.
    case efron
    /// Breslow (1974).
    case breslow
}
