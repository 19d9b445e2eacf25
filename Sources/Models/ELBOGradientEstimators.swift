// ELBOGradientEstimators — two Monte Carlo estimators of ∇ELBO in the variational parameters (m, log s) of
// q(z) = N(m, diag s²), for one observation x of a NonlinearLVM, with their per-sample variances.
//
// Let ℓ(z) = log p(x|z) + log p(z) and f(z) = ℓ(z) − log q(z), so that ELBO(m, log s) = E_q[f(z)]. Write
// z = m + s ⊙ ε with ε ~ N(0, I_d). Both estimators average S per-sample gradients gᵢ (one ε row each):
//
// (1) Reparameterisation ("pathwise") estimator (Kingma & Welling 2014, §2.4; Rezende, Mohamed & Wierstra 2014):
//   differentiate f(m + s ⊙ ε) in (m, log s) with ε held fixed. Since log q(m + s ⊙ ε) = −(d/2) log 2π − Σⱼ log sⱼ
//   − ½‖ε‖², its total derivative is 0 in m and −1 in each log sⱼ, so
//     g_mⱼ      = ∂ⱼℓ(z)
//     g_log sⱼ  = sⱼ εⱼ ∂ⱼℓ(z) + 1
//   (the +1 is the entropy's exact derivative; it adds no variance). ∇ℓ(z) = J_f(z)ᵀ (x − f_θ(z))/σ² − z is exact by
//   backpropagation through the decoder (`logJointGradient`, LaplaceApproximation.swift, checked against central
//   differences in DecoderGradientTests).
//
// (2) Score-function / REINFORCE / likelihood-ratio estimator (Williams 1992; Ranganath, Gerrish & Blei 2014;
//   Mohamed et al. 2020, §4): since E_q[∇ log q] = 0,  ∇ELBO = E_q[(f(z) − b) ∇ log q(z)] for any constant b, and
//     ∂ log q/∂mⱼ     = (zⱼ − mⱼ)/sⱼ² = εⱼ/sⱼ
//     ∂ log q/∂log sⱼ = ((zⱼ − mⱼ)/sⱼ)² − 1 = εⱼ² − 1
//   so gᵢ = (f(zᵢ) − b) (ε/s, ε² − 1). It needs only values of ℓ, never its gradient. With the default b = 0 there is
//   NO baseline (no control variate): the plain estimator, whose variance grows with |f| — which is the point of the
//   lesson. A constant b ≠ 0 keeps it unbiased and can only be chosen before the draws (a b computed from the same
//   draws would bias it).
//
// Both return the sample mean ḡ = (1/S) Σ gᵢ and the per-component sample variance v = (1/(S−1)) Σ (gᵢ − ḡ)², so
// Var(ḡ) ≈ v/S and the standard error is √(v/S): a lesson can plot variance against S. The exact gradient, for
// comparison, is `elboGradient(_:mean:logStandardDeviations:standardRule:)` (GaussianVariationalInference.swift),
// the same expectation by a deterministic quadrature rule.
//
// Randomness: ε is drawn row-major (sample i, then component j) by `nextStandardNormal()` from the generator passed
// in, the same way for both estimators, so one seed gives the same ε (and the same estimate) every time.
// Gradient components are ordered (∂/∂m₁ … ∂/∂m_d, ∂/∂log s₁ … ∂/∂log s_d). Natural logarithms throughout.

import Foundation
import LinearAlgebra

/// A Monte Carlo estimate of ∇ELBO in (m, log s) from S per-sample gradients, with their spread.
public struct ELBOGradientEstimate: Sendable, Equatable {
    /// S, the number of draws averaged.
    public let sampleCount: Int
    /// The latent dimension d (the gradient has 2d components).
    public let latentDimension: Int
    /// ḡ = (1/S) Σᵢ gᵢ, ordered (∂/∂m₁ … ∂/∂m_d, ∂/∂log s₁ … ∂/∂log s_d).
    public let gradient: [Double]
    /// Per-component sample variance of the per-sample gradients, (1/(S−1)) Σᵢ (gᵢ − ḡ)², same order.
    public let sampleVariance: [Double]
    /// The Monte Carlo estimate of ELBO itself, (1/S) Σᵢ [ℓ(zᵢ) − log q(zᵢ)] (nats), from the same draws.
    public let elbo: Double

    /// ∂/∂m part of `gradient` (d entries).
    public var mean: [Double] { Array(gradient[..<latentDimension]) }
    /// ∂/∂log s part of `gradient` (d entries).
    public var logStandardDeviations: [Double] { Array(gradient[latentDimension...]) }
    /// Estimated variance of the mean ḡ, v/S per component.
    public var varianceOfMean: [Double] { sampleVariance.map { $0 / Double(sampleCount) } }
    /// Standard errors √(v/S) per component.
    public var standardErrors: [Double] { varianceOfMean.map { $0.squareRoot() } }
}

extension NonlinearLVM {
    /// The reparameterisation estimator of ∇ELBO at one observation x for q = N(m, diag s²):
    /// gᵢ = (∇ℓ(zᵢ), s ⊙ εᵢ ⊙ ∇ℓ(zᵢ) + 1), zᵢ = m + s ⊙ εᵢ, averaged over `samples` ≥ 2 draws of ε from `generator`.
    public func reparameterisationGradientEstimate<G: RandomNumberGenerator>(
        _ x: [Double], mean m: [Double], logStandardDeviations logS: [Double], samples: Int, using generator: inout G
    ) throws(NonlinearModelError) -> ELBOGradientEstimate {
        let draws = try elboDraws(x, mean: m, logStandardDeviations: logS, samples: samples, using: &generator)
        let d = latentDimension
        let grad = logJointGradient(x, latent: draws.z)                              // (S, d) ∇ℓ(zᵢ)
        var perSample = Matrix.zeros(samples, 2 * d)                                 // (S, 2d) gᵢ
        for i in 0..<samples {
            for j in 0..<d {
                perSample[i, j] = grad[i, j]                                          // ∂ℓ/∂zⱼ · ∂zⱼ/∂mⱼ (= 1)
                perSample[i, d + j] = draws.s[j] * draws.epsilon[i, j] * grad[i, j] + 1   // ∂ℓ/∂zⱼ · sⱼεⱼ − ∂log q/∂log sⱼ
            }
        }
        return try Self.summarise(perSample, latentDimension: d, objective: draws.objective)
    }

    /// The score-function (REINFORCE) estimator of ∇ELBO at one observation x for q = N(m, diag s²):
    /// gᵢ = (f(zᵢ) − b) (εᵢ/s, εᵢ² − 1) with f = ℓ − log q, zᵢ = m + s ⊙ εᵢ, averaged over `samples` ≥ 2 draws.
    /// `baseline` b = 0 (the default) is the plain estimator with no baseline; any other constant fixed before the
    /// draws keeps it unbiased.
    public func scoreFunctionGradientEstimate<G: RandomNumberGenerator>(
        _ x: [Double], mean m: [Double], logStandardDeviations logS: [Double], samples: Int, baseline: Double = 0,
        using generator: inout G
    ) throws(NonlinearModelError) -> ELBOGradientEstimate {
        guard baseline.isFinite else { throw .nonFinite("score-function estimator: baseline \(baseline) not finite") }
        let draws = try elboDraws(x, mean: m, logStandardDeviations: logS, samples: samples, using: &generator)
        let d = latentDimension
        var perSample = Matrix.zeros(samples, 2 * d)                                 // (S, 2d) gᵢ
        for i in 0..<samples {
            let weight = draws.objective[i] - baseline                               // f(zᵢ) − b
            for j in 0..<d {
                let e = draws.epsilon[i, j]
                perSample[i, j] = weight * e / draws.s[j]                            // ∂log q/∂mⱼ = εⱼ/sⱼ
                perSample[i, d + j] = weight * (e * e - 1)                           // ∂log q/∂log sⱼ = εⱼ² − 1
            }
        }
        return try Self.summarise(perSample, latentDimension: d, objective: draws.objective)
    }

    // MARK: - Shared pieces

    /// Checks the arguments, draws ε (S, d) row-major, and evaluates z = m + s ⊙ ε and f(z) = ℓ(z) − log q(z).
    private func elboDraws<G: RandomNumberGenerator>(
        _ x: [Double], mean m: [Double], logStandardDeviations logS: [Double], samples: Int, using generator: inout G
    ) throws(NonlinearModelError) -> (epsilon: Matrix, z: Matrix, s: [Double], objective: [Double]) {
        let d = latentDimension
        guard m.count == d, logS.count == d else {
            throw .dimensionMismatch("ELBO gradient estimator: m has \(m.count), log s \(logS.count) entries; d = \(d)")
        }
        guard x.count == dataDimension else {
            throw .dimensionMismatch("ELBO gradient estimator: x has \(x.count) entries, D = \(dataDimension)")
        }
        guard samples >= 2 else {
            throw .invalidArgument("ELBO gradient estimator: needs S ≥ 2 samples for a sample variance (got \(samples))")
        }
        guard (x + m + logS).allSatisfy(\.isFinite) else { throw .nonFinite("ELBO gradient estimator: x, m or log s not finite") }
        let s = logS.map(exp)
        let epsilon = Matrix(rows: samples, columns: d, elements: generator.nextStandardNormals(count: samples * d))
        var z = epsilon
        for i in 0..<samples { for j in 0..<d { z[i, j] = m[j] + s[j] * epsilon[i, j] } }   // z = m + s ⊙ ε
        let joint = try logJoint(Matrix(rows: 1, columns: x.count, elements: x), latent: z).elements   // (S) ℓ(zᵢ)
        // log q(zᵢ) = −(d/2) log 2π − Σⱼ log sⱼ − ½‖εᵢ‖²
        let c0 = -0.5 * Double(d) * log(2 * Double.pi) - logS.reduce(0, +)
        let objective: [Double] = (0..<samples).map { i in
            var sq = 0.0
            for j in 0..<d { sq += epsilon[i, j] * epsilon[i, j] }
            return joint[i] - (c0 - 0.5 * sq)
        }
        guard objective.allSatisfy(\.isFinite) else { throw .nonFinite("ELBO gradient estimator: ℓ(z) − log q(z) not finite") }
        return (epsilon, z, s, objective)
    }

    /// Column means and (1/(S−1)) sample variances (two passes, rows in order) of the per-sample gradients (S, 2d).
    private static func summarise(_ g: Matrix, latentDimension d: Int, objective: [Double]) throws(NonlinearModelError)
        -> ELBOGradientEstimate {
        let n = g.rows, c = g.columns
        var mean = NonlinearKernels.columnSums(g)
        for j in 0..<c { mean[j] /= Double(n) }
        var variance = [Double](repeating: 0, count: c)
        for i in 0..<n { for j in 0..<c { let r = g[i, j] - mean[j]; variance[j] += r * r } }
        for j in 0..<c { variance[j] /= Double(n - 1) }
        guard (mean + variance).allSatisfy(\.isFinite) else { throw .nonFinite("ELBO gradient estimator: gradient not finite") }
        return ELBOGradientEstimate(sampleCount: n, latentDimension: d, gradient: mean, sampleVariance: variance,
                                    elbo: objective.reduce(0, +) / Double(n))
    }
}
