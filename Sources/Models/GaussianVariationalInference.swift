// GaussianVariationalInference — per-point variational inference: the Gaussian q(z) = N(m, diag s²) that maximises
// ELBO(q) for one observation x, found by gradient ascent (Blei, Kucukelbir & McAuliffe 2017, §2; PRML §10.1).
//
// With ℓ(z) = log p(x|z) + log p(z) and the reparameterisation z = m + s ⊙ ξ, ξ ~ N(0, I) (Kingma & Welling 2014):
//   ELBO(m, log s) = E_ξ[ℓ(m + s ⊙ ξ)] + H[q],        H[q] = (d/2)(1 + log 2π) + Σⱼ log sⱼ
//   ∂ELBO/∂mⱼ      = E_ξ[∂ⱼℓ(m + s ⊙ ξ)]
//   ∂ELBO/∂log sⱼ  = sⱼ E_ξ[ξⱼ ∂ⱼℓ(m + s ⊙ ξ)] + 1
// E_ξ is taken by a deterministic rule for N(0, I) (e.g. a dense trapezoid), so the ELBO is a smooth function of
// (m, log s) and the gradient above is its exact derivative: ∇ℓ is exact by backpropagation through the decoder.
// Ascent uses Adam on (m, log s); the optimum is a local one — at a bimodal posterior, the mode the start leads to.

import Foundation
import LinearAlgebra

/// q = N(m, diag s²) on an ascent path, with ELBO(q) in nats.
public struct VariationalPathPoint: Sendable, Equatable {
    public var mean: [Double]
    public var logStandardDeviations: [Double]
    public var elbo: Double

    public var standardDeviations: [Double] { logStandardDeviations.map(exp) }

    /// q as a distribution.
    public func gaussian() throws(NonlinearModelError) -> VariationalGaussian {
        try VariationalGaussian(mean: mean, standardDeviations: standardDeviations)
    }
}

/// ELBO(m, log s) and its gradient with respect to m and log s.
public struct ELBOGradient: Sendable, Equatable {
    public var elbo: Double
    public var mean: [Double]
    public var logStandardDeviations: [Double]
}

extension NonlinearLVM {
    /// ELBO(q) for q = N(m, diag s²) at one observation x, and its exact gradient in (m, log s); E over ξ by
    /// `standardRule` (a rule for E_{N(0, I)} in the latent dimension).
    public func elboGradient(_ x: [Double], mean m: [Double], logStandardDeviations logS: [Double],
                             standardRule: LatentQuadrature) throws(NonlinearModelError) -> ELBOGradient {
        let d = latentDimension
        guard m.count == d, logS.count == d, standardRule.dimension == d else {
            throw .dimensionMismatch("ELBO gradient: m has \(m.count), log s \(logS.count) entries, the rule is \(standardRule.dimension)-D, d = \(d)")
        }
        guard x.count == dataDimension else { throw .dimensionMismatch("ELBO gradient: x has \(x.count) entries, D = \(dataDimension)") }
        guard (m + logS).allSatisfy(\.isFinite) else { throw .nonFinite("ELBO gradient: m or log s not finite") }
        let s = logS.map(exp)
        let xi = standardRule.nodes                                                   // (n, d)
        var z = xi
        for i in 0..<z.rows { for j in 0..<d { z[i, j] = m[j] + s[j] * xi[i, j] } }  // (n, d) z = m + s ⊙ ξ
        let (joint, gradient) = logJointAndGradient(x, latent: z)                    // (n) ℓ(z), (n, d) ∇ℓ(z)
        var expected = 0.0
        var dm = [Double](repeating: 0, count: d)
        var dLogS = [Double](repeating: 0, count: d)
        for i in 0..<z.rows {
            let w = exp(standardRule.logWeights[i])
            expected += w * joint[i]
            for j in 0..<d {
                dm[j] += w * gradient[i, j]
                dLogS[j] += w * xi[i, j] * gradient[i, j]
            }
        }
        let entropy = 0.5 * Double(d) * (1 + log(2 * Double.pi)) + logS.reduce(0, +)
        let elbo = expected + entropy
        guard elbo.isFinite else { throw .nonFinite("ELBO gradient: ELBO not finite at m = \(m), log s = \(logS)") }
        return ELBOGradient(elbo: elbo, mean: dm, logStandardDeviations: (0..<d).map { s[$0] * dLogS[$0] + 1 })
    }

    /// ℓ(z) = log p(x|z) + log p(z) and ∇ℓ(z) at every row of z from one forward pass through the decoder: the same
    /// operations, in the same order, as `logJoint` and `logJointGradient` (so the same bits), with the pass shared.
    func logJointAndGradient(_ x: [Double], latent z: Matrix) -> (joint: [Double], gradient: Matrix) {
        let pass = decoder.forward(z)
        let row = Matrix(rows: 1, columns: x.count, elements: x)
        var joint = Self.gaussianLogDensities(row, pass.output, logVariance: logNoiseVariance, offsets: nil).0   // (1, n)
        let logPrior: [Double] = (0..<z.rows).map { m in
            var s = 0.0
            for j in 0..<latentDimension { s += StandardNormal.logDensity(z[m, j]) }
            return s
        }
        NonlinearKernels.addRowVector(&joint, logPrior)
        let inv = 1 / noiseVariance
        var g = pass.output                                                           // (n, D)
        for i in 0..<z.rows {
            for j in 0..<dataDimension { g[i, j] = inv * (x[j] - g[i, j]) }           // (x − f)/σ²
        }
        var dz = decoder.backward(pass, outputGradient: g).latent                     // J_fᵀ (x − f)/σ²
        for i in 0..<dz.elements.count { dz.elements[i] -= z.elements[i] }            // − z from the prior
        return (joint.elements, dz)
    }

    /// Gradient ascent with Adam on ELBO(m, log s) from (`mean`, `logStandardDeviations`): `steps` steps of size
    /// `learningRate`. Returns the path, the start first and the last point's ELBO at its final parameters
    /// (`steps + 1` points).
    public func fitGaussianVariational(_ x: [Double], mean: [Double], logStandardDeviations: [Double], steps: Int,
                                       learningRate: Double, standardRule: LatentQuadrature)
        throws(NonlinearModelError) -> [VariationalPathPoint] {
        guard steps >= 0, learningRate > 0 else {
            throw .invalidArgument("variational ascent needs steps ≥ 0 and a learning rate > 0 (got \(steps), \(learningRate))")
        }
        let d = latentDimension
        var parameters = mean + logStandardDeviations                                 // (2d) m, then log s
        var adam = Adam(parameterCount: 2 * d, learningRate: learningRate)
        var path: [VariationalPathPoint] = []
        path.reserveCapacity(steps + 1)
        for step in 0...steps {
            let g = try elboGradient(x, mean: Array(parameters[..<d]), logStandardDeviations: Array(parameters[d...]),
                                     standardRule: standardRule)
            path.append(VariationalPathPoint(mean: Array(parameters[..<d]), logStandardDeviations: Array(parameters[d...]),
                                             elbo: g.elbo))
            if step == steps { break }
            adam.step(&parameters, gradient: (g.mean + g.logStandardDeviations).map { -$0 })   // descent on −ELBO
        }
        return path
    }
}
