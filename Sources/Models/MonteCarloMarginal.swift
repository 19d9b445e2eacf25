// MonteCarloMarginal — sampling estimators of p(x) = ∫ p(x|z) p(z) dz, and why the naive one fails.
//
// Naive (prior sampling):   p̂(x) = (1/S) Σₛ p(x|zₛ),  zₛ ~ p(z).
//   Unbiased, but nearly every zₛ lands where p(x|z) is negligible when the posterior is narrow compared with the
//   prior; the relative variance is Var[p(x|z)]/(S p(x)²) = (E_{p(z|x)}[p(z|x)/p(z)] − 1)/S.
// Importance sampling:      p̂(x) = (1/S) Σₛ p(x|zₛ) p(zₛ)/r(zₛ),  zₛ ~ r(z).
//   Unbiased for any proposal r whose support covers the posterior; with r = p(z|x) every term equals p(x) and the
//   variance is zero. A Gaussian fitted to the posterior (Laplace approximation) comes close.
// Both are returned as log p̂ (natural log), computed with log-sum-exp; p̂ itself is the unbiased quantity.

import Foundation
import LinearAlgebra

public enum MonteCarloMarginal {
    /// log p̂(x) with S samples from the prior.
    public static func priorSampling<G: RandomNumberGenerator>(
        _ model: NonlinearLVM, x: [Double], samples s: Int, using generator: inout G
    ) throws(NonlinearModelError) -> Double {
        guard s >= 1 else { throw .invalidArgument("Monte Carlo needs at least one sample") }
        let q = model.latentDimension
        let z = Matrix(rows: s, columns: q, elements: (0..<(s * q)).map { _ in generator.nextStandardNormal() })
        let ll = try model.conditionalLogDensities(Matrix(rows: 1, columns: x.count, elements: x), latent: z).elements
        return LatentQuadrature.logSumExp(ll) - log(Double(s))
    }

    /// log p̂(x) with S samples from the proposal r.
    public static func importanceSampling<G: RandomNumberGenerator>(
        _ model: NonlinearLVM, x: [Double], proposal r: VariationalGaussian, samples s: Int, using generator: inout G
    ) throws(NonlinearModelError) -> Double {
        guard s >= 1 else { throw .invalidArgument("importance sampling needs at least one sample") }
        guard r.dimension == model.latentDimension else {
            throw .dimensionMismatch("proposal over \(r.dimension) dimensions; the model has q = \(model.latentDimension)")
        }
        let z = r.samples(count: s, using: &generator)
        let joint = try model.logJoint(Matrix(rows: 1, columns: x.count, elements: x), latent: z).elements
        let logR = r.logDensities(z)
        return LatentQuadrature.logSumExp(zip(joint, logR).map { $0 - $1 }) - log(Double(s))
    }
}
