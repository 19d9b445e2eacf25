// VariationalGaussian — a Gaussian distribution q(z) = N(z; m, S) over the latent space, used as a variational
// distribution (ELBO), as an importance-sampling proposal, and as a Laplace approximation of p(z|x).
//
//   log q(z) = −(q/2) log 2π − ½ log|S| − ½ (z − m)ᵀ S⁻¹ (z − m)
//   H[q]     = (q/2)(1 + log 2π) + ½ log|S|          (entropy, nats)
//   z = m + L ξ, ξ ~ N(0, I), S = L Lᵀ (Cholesky)     (sampling and Gauss–Hermite nodes under q)

import Foundation
import LinearAlgebra

/// N(m, S) over ℝ^q with its Cholesky factor.
public struct VariationalGaussian: Sendable {
    public let mean: [Double]
    public let covariance: Matrix
    /// Lower-triangular L with S = L Lᵀ.
    public let lower: Matrix
    public let logDeterminant: Double

    public init(mean: [Double], covariance: Matrix) throws(NonlinearModelError) {
        guard covariance.rows == mean.count, covariance.columns == mean.count else {
            throw .dimensionMismatch("q(z): mean has \(mean.count) entries, covariance is \(covariance.rows)×\(covariance.columns)")
        }
        guard mean.allSatisfy(\.isFinite), covariance.isFinite else { throw .nonFinite("q(z): mean or covariance not finite") }
        let factor: Cholesky
        do { factor = try Cholesky(of: covariance) } catch {
            throw .invalidArgument("q(z): covariance is not positive definite (\(error))")
        }
        self.mean = mean
        self.covariance = covariance
        self.lower = factor.lower
        self.logDeterminant = factor.logDeterminant
    }

    /// N(m, diag(s²)).
    public init(mean: [Double], standardDeviations s: [Double]) throws(NonlinearModelError) {
        try self.init(mean: mean, covariance: Matrix(diagonal: s.map { $0 * $0 }))
    }

    public var dimension: Int { mean.count }

    /// Entropy H[q] in nats.
    public var entropy: Double { 0.5 * Double(dimension) * (1 + log(2 * Double.pi)) + 0.5 * logDeterminant }

    /// m + L ξ for every row ξ of `standard` (n, q).
    public func transform(_ standard: Matrix) -> Matrix {
        var z = standard.timesTranspose(lower)                       // (n, q)  rows ξᵀ Lᵀ
        NonlinearKernels.addRowVector(&z, mean)
        return z
    }

    /// log q(z) for every row of z (n, q), natural log.
    public func logDensities(_ z: Matrix) -> [Double] {
        let q = dimension
        let c0 = -0.5 * Double(q) * log(2 * Double.pi) - 0.5 * logDeterminant
        return (0..<z.rows).map { i in
            // forward substitution: u = L⁻¹ (z − m)
            var u = [Double](repeating: 0, count: q)
            var quad = 0.0
            for r in 0..<q {
                var s = z[i, r] - mean[r]
                for c in 0..<r { s -= lower[r, c] * u[c] }
                u[r] = s / lower[r, r]
                quad += u[r] * u[r]
            }
            return c0 - 0.5 * quad
        }
    }

    /// n draws (n, q).
    public func samples<G: RandomNumberGenerator>(count n: Int, using generator: inout G) -> Matrix {
        let q = dimension
        return transform(Matrix(rows: n, columns: q, elements: (0..<(n * q)).map { _ in generator.nextStandardNormal() }))
    }

    /// The Gauss–Hermite rule for E_q[·]: the standard tensor rule mapped through z = m + L ξ.
    public func quadrature(order: Int) throws(NonlinearModelError) -> LatentQuadrature {
        try mapped(try LatentQuadrature.gaussHermite(order: order, dimension: dimension))
    }

    /// Any rule for E_{N(0, I)}[·] mapped through z = m + L ξ into a rule for E_q[·] (same weights).
    public func mapped(_ standard: LatentQuadrature) throws(NonlinearModelError) -> LatentQuadrature {
        guard standard.dimension == dimension else {
            throw .dimensionMismatch("a \(standard.dimension)-D rule for a \(dimension)-D q")
        }
        return try LatentQuadrature(nodes: transform(standard.nodes), logWeights: standard.logWeights, name: standard.name + " under q")
    }
}
