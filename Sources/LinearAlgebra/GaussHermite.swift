/// Gauss–Hermite quadrature for the **probabilists'** weight: Σᵢ wᵢ f(xᵢ) ≈ E[f(z)], z ~ N(0, 1), with Σ wᵢ = 1.
///
/// A K-point rule integrates every polynomial of degree ≤ 2K − 1 exactly (up to rounding).
///
/// ## Golub–Welsch (Golub & Welsch, "Calculation of Gauss quadrature rules", Math. Comp. 23, 1969)
/// The monic probabilists' Hermite polynomials satisfy He_{k+1}(x) = x He_k(x) − k He_{k−1}(x), so the symmetric
/// Jacobi matrix J has zero diagonal and off-diagonal entries J_{k−1,k} = √k, k = 1 … K−1. The nodes are the
/// eigenvalues of J and the weights are wᵢ = μ₀ (vᵢ)₀², where (vᵢ)₀ is the first component of the unit eigenvector
/// and μ₀ = ∫ φ(z) dz = 1. The eigenproblem is solved by the same implicit QL iteration as `SymmetricEigen`
/// (the matrix is already tridiagonal). The rule is symmetric about 0; the computed nodes and weights are
/// symmetrised exactly (xᵢ = −x_{K−1−i}, wᵢ = w_{K−1−i}) so odd moments vanish to rounding.
///
/// For the physicists' weight e^{−x²} use nodes xᵢ/√2 and weights wᵢ·√π.
public struct GaussHermite: Sendable {
    /// x₁ < x₂ < … < x_K.
    public let nodes: [Double]
    /// wᵢ > 0, Σ wᵢ = 1.
    public let weights: [Double]

    /// A K-point rule, K = `order` ≥ 1 (`.dimensionMismatch` otherwise; `.noConvergence` should not happen).
    public init(order: Int) throws(LinearAlgebraError) {
        guard order >= 1 else { throw .dimensionMismatch("Gauss–Hermite order must be at least 1, got \(order)") }
        let k = order
        var w = [Double](repeating: 0, count: k * k)
        for i in 0..<k { w[i * k + i] = 1 }
        var d = [Double](repeating: 0, count: k)
        var e = [Double](repeating: 0, count: k)
        for i in 1..<Swift.max(k, 1) { e[i] = Double(i).squareRoot() }
        try diagonaliseTridiagonal(n: k, w: &w, d: &d, e: &e)
        let order = (0..<k).sorted { d[$0] < d[$1] }
        var x = order.map { d[$0] }
        var weight = order.map { w[$0 * k] * w[$0 * k] }
        for i in 0..<(k / 2) {
            let j = k - 1 - i
            let node = 0.5 * (x[j] - x[i])
            x[i] = -node; x[j] = node
            let average = 0.5 * (weight[i] + weight[j])
            weight[i] = average; weight[j] = average
        }
        if k % 2 == 1 { x[k / 2] = 0 }
        let total = weight.reduce(0, +)
        nodes = x
        weights = weight.map { $0 / total }
    }

    /// Σᵢ wᵢ f(xᵢ) ≈ E[f(z)], z ~ N(0, 1).
    public func expectation(_ f: (Double) throws -> Double) rethrows -> Double {
        var s = 0.0
        for i in 0..<nodes.count { s += try weights[i] * f(nodes[i]) }
        return s
    }
}
