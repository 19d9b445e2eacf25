// NonlinearLVM+AdaptiveQuadrature — log p(x) by a quadrature rule placed under a Gaussian near each posterior, one
// Gaussian per row ("adaptive Gauss–Hermite", Liu & Pierce 1994; Naylor & Smith 1982).
//
// For any density r(z) > 0,
//   p(x) = ∫ p(x|z) p(z) dz = E_{ξ~N(0,I)}[ p(x, z(ξ)) / r(z(ξ)) ],   z(ξ) = c + t ⊙ ξ,   r = N(c, diag t²),
// so a rule Σₘ wₘ g(ξₘ) ≈ E_{N(0,I)}[g] gives
//   log p(x) ≈ log Σₘ wₘ exp(log p(x|zₘ) + log p(z = zₘ) − log r(zₘ)).
// The integrand p(x, z)/r(z) is smooth and nearly constant when r is close to p(z|x), so few nodes suffice where a
// rule over the prior (whose nodes barely touch a narrow posterior) needs thousands. With r the encoder's q_φ(z|x)
// widened by a factor, this is how the VAE lesson computes the exact log p(x) of its digits model; the lesson checks
// it against an even grid over the prior. Natural log.

import Foundation
import LinearAlgebra

extension NonlinearLVM {
    /// log p(xₙ) for every row of x (N, D), the rule `standardRule` (for E_{N(0, I_d)}) mapped under
    /// r_n = N(centres row n, diag(scales row n)²): centres and scales (N, d), scales > 0.
    public func adaptiveLogMarginals(_ x: Matrix, centres: Matrix, scales: Matrix, standardRule: LatentQuadrature)
        throws(NonlinearModelError) -> [Double] {
        try check(x)
        let d = latentDimension
        guard centres.rows == x.rows, scales.rows == x.rows, centres.columns == d, scales.columns == d,
              standardRule.dimension == d else {
            throw .dimensionMismatch("adaptive rule: centres \(centres.rows)×\(centres.columns), scales \(scales.rows)×\(scales.columns), rule in \(standardRule.dimension)-D; need (N, d) with N = \(x.rows), d = \(d)")
        }
        guard centres.isFinite, scales.isFinite, scales.elements.allSatisfy({ $0 > 0 }) else {
            throw .nonFinite("adaptive rule: centres or scales not finite, or a scale ≤ 0")
        }
        let k = standardRule.count
        let xi = standardRule.nodes                                                   // (K, d)
        // log r(zₘ) − log p-free part: log r(c + t ξ) = −(d/2) log 2π − Σⱼ log tⱼ − ½‖ξ‖²
        let halfSquared = (0..<k).map { m in (0..<d).reduce(0.0) { $0 + 0.5 * xi[m, $1] * xi[m, $1] } }
        var out = [Double](repeating: 0, count: x.rows)
        var z = Matrix.zeros(k, d)
        for n in 0..<x.rows {
            var logScales = 0.0
            for j in 0..<d { logScales += log(scales[n, j]) }
            for m in 0..<k { for j in 0..<d { z[m, j] = centres[n, j] + scales[n, j] * xi[m, j] } }
            let joint = try logJoint(x.rows(n..<(n + 1)), latent: z).elements            // (K) log p(x, zₘ)
            let terms = (0..<k).map { m in
                standardRule.logWeights[m] + joint[m] + 0.5 * Double(d) * log(2 * Double.pi) + logScales + halfSquared[m]
            }
            out[n] = LatentQuadrature.logSumExp(terms)
        }
        return out
    }
}
