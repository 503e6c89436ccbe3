import Foundation

/// Eigenvalues of a diagonal matrix minus a rank-one term, D − ρ z zᵀ (ρ > 0), in O(n²) instead of
/// the O(n³) of a dense eigensolver.
///
/// The eigenvalues are the roots of the secular equation f(λ) = 1 − ρ Σⱼ zⱼ²/(dⱼ − λ) = 0 (Golub 1973,
/// SIAM Rev 15:318; the equation LAPACK's divide-and-conquer `dlaed4` solves). With the dⱼ sorted and
/// distinct and every zⱼ ≠ 0, exactly one root lies in each gap (dⱼ, dⱼ₊₁) and one in
/// [d₁ − ρ‖z‖², d₁); f decreases from +∞ to −∞ across each. Deflation first: a dⱼ with zⱼ = 0 is an
/// eigenvalue itself, and m equal dⱼ give that value m − 1 times while their zⱼ² merge into one pole.
/// Each root is found by Brent's method in the half of its gap nearer the root, with λ measured from
/// the nearer pole so that dⱼ − λ keeps its relative precision.
public enum SecularEquation {
    /// All n eigenvalues of diag(d) − ρ z zᵀ, ascending.
    public static func eigenvaluesOfDiagonalMinusRankOne(d: [Double], z: [Double], rho: Double) throws -> [Double] {
        let routine = "SecularEquation"
        guard d.count == z.count, !d.isEmpty else {
            throw DomainError(routine: routine, "d and z must be non-empty and of the same length")
        }
        guard rho > 0, rho.isFinite, d.allSatisfy(\.isFinite), z.allSatisfy(\.isFinite) else {
            throw DomainError(routine: routine, "ρ must be finite and > 0, and d, z finite")
        }
        let order = d.indices.sorted { d[$0] < d[$1] }
        let scale = max(d.map(abs).max()!, rho * z.reduce(0) { $0 + $1 * $1 })
        let totalWeight = z.reduce(0) { $0 + $1 * $1 }
        var values: [Double] = []
        var poles: [Double] = []
        var weights: [Double] = []
        for i in order {
            let w = z[i] * z[i]
            if w <= 1e-30 * totalWeight {
                values.append(d[i])                     // zᵢ = 0: dᵢ is an eigenvalue
            } else if let last = poles.last, d[i] - last <= 1e-14 * scale {
                values.append(last)                     // a repeated pole: one eigenvalue equals it
                weights[weights.count - 1] += w
            } else {
                poles.append(d[i])
                weights.append(w)
            }
        }
        let n = poles.count
        func f(_ shift: Double, origin: Int) -> Double {
            // 1 − ρ Σ w/(d − λ) with λ = poles[origin] + shift.
            var sum = 0.0
            let o = poles[origin]
            for j in 0..<n { sum += weights[j] / ((poles[j] - o) - shift) }
            return 1 - rho * sum
        }
        let tolerance = 4 * Double.ulpOfOne * scale
        // The root below the smallest pole, in [d₁ − ρ‖z‖², d₁).
        if n > 0 {
            let width = rho * weights.reduce(0, +)
            let lowEnd = -width
            let highEnd = -width * 1e-15
            let root: Double
            if f(highEnd, origin: 0) >= 0 {
                root = 0.5 * highEnd
            } else if f(lowEnd, origin: 0) <= 0 {
                root = lowEnd
            } else {
                root = try RootFinding.brent(in: lowEnd...highEnd, tolerance: tolerance) { f($0, origin: 0) }
            }
            values.append(poles[0] + root)
        }
        // One root in each gap between consecutive poles.
        if n >= 2 {
            for j in 0..<(n - 1) {
                let gap = poles[j + 1] - poles[j]
                let middle = f(0.5 * gap, origin: j)
                let root: Double
                if middle > 0 {
                    // The root is in the upper half: measure from the upper pole.
                    let a = -0.5 * gap, b = -gap * 1e-15
                    if f(b, origin: j + 1) >= 0 { root = poles[j + 1] + 0.5 * b }
                    else { root = poles[j + 1] + (try RootFinding.brent(in: a...b, tolerance: tolerance) { f($0, origin: j + 1) }) }
                } else if middle < 0 {
                    let a = gap * 1e-15, b = 0.5 * gap
                    if f(a, origin: j) <= 0 { root = poles[j] + 0.5 * a }
                    else { root = poles[j] + (try RootFinding.brent(in: a...b, tolerance: tolerance) { f($0, origin: j) }) }
                } else {
                    root = poles[j] + 0.5 * gap
                }
                values.append(root)
            }
        }
        return values.sorted()
    }
}
