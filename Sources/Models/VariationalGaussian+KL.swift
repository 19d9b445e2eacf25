// VariationalGaussian+KL — the KL divergence between two Gaussians in closed form (e.g. Bishop PRML §10.1, Kingma &
// Welling 2014 appendix B).
//
// For q = N(m₀, S₀) and p = N(m₁, S₁) over ℝᵏ:
//   KL(q ‖ p) = E_q[log q − log p] = ½ [tr(S₁⁻¹S₀) + (m₁ − m₀)ᵀ S₁⁻¹ (m₁ − m₀) − k + log|S₁| − log|S₀|],
// evaluated with p's Cholesky factor S₁ = L₁L₁ᵀ: tr(S₁⁻¹S₀) = ‖L₁⁻¹L₀‖²_F and the quadratic form = ‖L₁⁻¹(m₁ − m₀)‖².
// Against the prior N(0, I) with S₀ = diag s², this is the VAE's KL term ½ Σⱼ (mⱼ² + sⱼ² − 1 − 2 log sⱼ).
// Natural log (nats). Not symmetric in q and p; ≥ 0, and 0 only for q = p.

import Foundation
import LinearAlgebra

extension VariationalGaussian {
    /// KL(self ‖ p) for another Gaussian p of the same dimension, in closed form (see the file header).
    public func klDivergence(to p: VariationalGaussian) throws(NonlinearModelError) -> Double {
        let k = dimension
        guard p.dimension == k else { throw .dimensionMismatch("KL between a \(k)-D and a \(p.dimension)-D Gaussian") }
        // L₁⁻¹ v by forward substitution
        func solveLower(_ v: [Double]) -> [Double] {
            var u = [Double](repeating: 0, count: k)
            for r in 0..<k {
                var s = v[r]
                for c in 0..<r { s -= p.lower[r, c] * u[c] }
                u[r] = s / p.lower[r, r]
            }
            return u
        }
        var trace = 0.0
        for column in 0..<k {
            let u = solveLower((0..<k).map { lower[$0, column] })       // column of L₁⁻¹L₀
            trace += Vector.dot(u, u)
        }
        let u = solveLower((0..<k).map { p.mean[$0] - mean[$0] })
        return 0.5 * (trace + Vector.dot(u, u) - Double(k) + p.logDeterminant - logDeterminant)
    }

    /// KL(N(m, diag s²) ‖ N(0, I)) = ½ Σⱼ (mⱼ² + sⱼ² − 1 − 2 log sⱼ), the closed form of a VAE's KL term.
    public static func klToStandardNormal(mean m: [Double], standardDeviations s: [Double]) -> Double {
        precondition(m.count == s.count, "KL: \(m.count) means and \(s.count) standard deviations")
        var total = 0.0
        for j in m.indices { total += 0.5 * (m[j] * m[j] + s[j] * s[j] - 1 - 2 * log(s[j])) }
        return total
    }
}
