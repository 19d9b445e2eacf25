import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// ELBO(q) = log p(x) − KL(q ‖ p(z|x)) ≤ log p(x).
@Suite struct ELBOTests {
    /// On the linear-Gaussian model (PPCA) the posterior is Gaussian and known in closed form, so q = p(z|x) must give
    /// ELBO = log p(x) exactly (the expectation of a quadratic is exact with a 2-point Gauss–Hermite rule per axis);
    /// tolerance 1e-10·|log p(x)|. A shifted/rescaled q gives a gap equal to the closed-form Gaussian KL.
    @Test(arguments: [UInt64(1), 2, 3])
    func exactPosteriorOfPPCAClosesTheGap(seed: UInt64) throws {
        var g = Xoshiro256StarStar(seed: seed)
        let w = Matrix([[2.0, 0.3], [-0.5, 1.2], [0.7, -0.4]])
        let ppca = try PPCA(mean: [0.5, -1, 2], loading: w, noiseVariance: 0.2)
        let x = ppca.sample(count: 4, using: &g).observed
        let logp = try ppca.logLikelihoods(x)
        let posterior = try ppca.posterior(x)
        for n in 0..<x.rows {
            let xn = x.row(n)
            let logLik = { (z: Matrix) throws(NonlinearModelError) -> [Double] in
                (0..<z.rows).map { ppca.conditionalLogDensity(x: xn, z: z.row($0)) }
            }
            let exact = try VariationalGaussian(mean: posterior.means.row(n), covariance: posterior.covariance)
            let elbo = try ELBO.evaluate(q: exact, order: 3, logLikelihood: logLik).value
            #expect(abs(elbo - logp[n]) <= 1e-10 * abs(logp[n]), "ELBO \(elbo) vs log p(x) \(logp[n])")

            // A wrong q: gap = KL(q ‖ p(z|x)) between two Gaussians, in closed form.
            let m = posterior.means.row(n).map { $0 + 0.4 }
            let s = Matrix([[0.3, 0.05], [0.05, 0.5]])
            let wrong = try VariationalGaussian(mean: m, covariance: s)
            let e2 = try ELBO.evaluate(q: wrong, order: 3, logLikelihood: logLik).value
            let kl = gaussianKL(m, s, posterior.means.row(n), posterior.covariance)
            #expect(e2 < logp[n])
            #expect(abs((logp[n] - e2) - kl) <= 1e-9 * max(1, kl), "gap \(logp[n] - e2) vs KL \(kl)")
        }
    }

    /// On a nonlinear toy decoder: for several Gaussian q, ELBO < log p(x) (both by quadrature), and the gap equals
    /// KL(q ‖ p(z|x)) computed separately on a dense trapezoid grid in z (h = 0.004). The ELBO's expectation uses a
    /// trapezoid rule in ξ = (z − m)/s (±8, 1601 points), so the three numbers come from three different grids.
    /// Tolerance 1e-6 nats.
    @Test func elboIsBelowTheLogMarginalAndTheGapIsTheKL() throws {
        let model = try toyModel(noiseVariance: 0.05, seed: 21)
        let grid = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 4001, dimension: 1)
        let standard = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 1601, dimension: 1)
        for x in [[0.1, 0.8], [-0.6, -0.3], [1.2, 0.4]] {
            let logp = try model.logMarginals(Matrix([x]), quadrature: grid)[0]
            let joint = try model.logJoint(Matrix([x]), latent: grid.nodes).elements
            for (m, s) in [(0.0, 1.0), (0.5, 0.2), (-1.0, 0.5), (0.2, 0.05)] {
                let q = try VariationalGaussian(mean: [m], standardDeviations: [s])
                let elbo = try model.elbo(x, q: q, standardRule: standard).value
                let kl = try ELBO.klToPosterior(q: q, grid: grid, logJoint: joint)
                #expect(elbo < logp)
                #expect(kl > 0)
                #expect(abs((logp - elbo) - kl) < 1e-6, "x = \(x), q = N(\(m), \(s)²): gap \(logp - elbo), KL \(kl)")
            }
        }
    }

    @Test func entropyAndPriorTermMatchClosedForms() throws {
        let q = try VariationalGaussian(mean: [1, -2], covariance: Matrix([[2, 0.5], [0.5, 1]]))
        let det = 2.0 * 1 - 0.25
        #expect(q.entropy.isApproximatelyEqual(to: 1 + log(2 * Double.pi) + 0.5 * log(det), relativeTolerance: 1e-14))
        // E_q[log N(z; 0, I)] with log p(x|z) ≡ 0
        let terms = try ELBO.evaluate(q: q, order: 2) { (z: Matrix) throws(NonlinearModelError) -> [Double] in [Double](repeating: 0, count: z.rows) }
        #expect(terms.expectedLogPrior.isApproximatelyEqual(to: -log(2 * Double.pi) - 0.5 * (5 + 3), relativeTolerance: 1e-14))
        #expect(terms.klToPrior.isApproximatelyEqual(to: gaussianKL([1, -2], Matrix([[2, 0.5], [0.5, 1]]), [0, 0], Matrix.identity(2)), relativeTolerance: 1e-12))
        #expect(throws: NonlinearModelError.self) { try VariationalGaussian(mean: [0, 0], covariance: Matrix([[1, 2], [2, 1]])) }
    }
}

/// KL(N(m₁, S₁) ‖ N(m₂, S₂)) = ½[tr(S₂⁻¹S₁) + (m₂ − m₁)ᵀS₂⁻¹(m₂ − m₁) − k + log|S₂|/|S₁|], for 2 × 2 matrices.
func gaussianKL(_ m1: [Double], _ s1: Matrix, _ m2: [Double], _ s2: Matrix) -> Double {
    let det2 = s2[0, 0] * s2[1, 1] - s2[0, 1] * s2[1, 0]
    let det1 = s1[0, 0] * s1[1, 1] - s1[0, 1] * s1[1, 0]
    let inv = Matrix([[s2[1, 1] / det2, -s2[0, 1] / det2], [-s2[1, 0] / det2, s2[0, 0] / det2]])
    var tr = 0.0
    for i in 0..<2 { for k in 0..<2 { tr += inv[i, k] * s1[k, i] } }
    let d = [m2[0] - m1[0], m2[1] - m1[1]]
    let quad = d[0] * (inv[0, 0] * d[0] + inv[0, 1] * d[1]) + d[1] * (inv[1, 0] * d[0] + inv[1, 1] * d[1])
    return 0.5 * (tr + quad - 2 + log(det2 / det1))
}
