import Foundation
import StatNumerics

/// Gauss–Hermite quadrature for ∫ f(z) e^{−z²} dz ≈ Σⱼ wⱼ f(zⱼ).
///
/// Nodes and weights by the Golub–Welsch algorithm: the nodes are the eigenvalues of the symmetric
/// tridiagonal Jacobi matrix of the Hermite polynomials (off-diagonal √(j/2)), the weights √π·v₀ⱼ²
/// from the first components of its eigenvectors (`dsyevd`).
public struct GaussHermiteRule: Sendable, Equatable {
    public let nodes: [Double]
    public let weights: [Double]

    public init(points n: Int) throws {
        guard n >= 1 else { throw DomainError(routine: "GaussHermiteRule", "needs at least one point") }
        var jacobi = Matrix(rows: n, columns: n)
        for j in 1..<max(n, 1) {
            let b = (Double(j) / 2).squareRoot()
            jacobi[j, j - 1] = b
            jacobi[j - 1, j] = b
        }
        let eig = try jacobi.symmetricEigen()
        nodes = eig.values
        weights = (0..<n).map { Double.pi.squareRoot() * eig.vectors[0, $0] * eig.vectors[0, $0] }
    }
}
