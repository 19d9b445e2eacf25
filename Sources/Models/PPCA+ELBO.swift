// EM is coordinate ascent on the ELBO, shown on PPCA (Neal & Hinton 1998, "A view of the EM algorithm that justifies
// incremental, sparse, and other variants"; Bishop PRML §9.4).
//
// For PPCA θ = (μ, W, σ²), x | z ~ N(Wz + μ, σ²I_D), z ~ N(0, I_q), take as variational distribution for row xₙ the
// exact posterior of *some* PPCA model θ_q = (μ_q, W_q, σ_q²):
//
//     q(z | xₙ) = N(mₙ, Σ),   mₙ = A(xₙ − μ_q),   A = M_q⁻¹W_qᵀ (q, D),   Σ = σ_q² M_q⁻¹,   M_q = W_qᵀW_q + σ_q²I_q.
//
// Per row, with cₙ = xₙ − μ (Gaussian expectations under q):
//
//     E_q‖cₙ − Wz‖² = ‖cₙ − W mₙ‖² + tr(WᵀW Σ),     E_q[zᵀz] = ‖mₙ‖² + tr Σ,     H[q] = ½ log|2πeΣ|,
//     E_q[log p(xₙ | z; θ)] = −(D/2) log 2πσ² − (‖cₙ − W mₙ‖² + tr(WᵀW Σ)) / (2σ²),
//     E_q[log p(z)]        = −(q/2) log 2π − ½ (‖mₙ‖² + tr Σ),
//     H[q]                 = (q/2)(1 + log 2π) + ½ (q log σ_q² − log|M_q|).
//
// Average over the N rows with S = (1/N) Σₙ cₙcₙᵀ, the 1/N scatter about μ, where μ is the sample mean (so Σₙ cₙ = 0)
// and δ = μ − μ_q (so xₙ − μ_q = cₙ + δ). Then G = (1/N) Σₙ mₙmₙᵀ = A(S + δδᵀ)Aᵀ and
//
//     (1/N) Σₙ ‖cₙ − W mₙ‖² = tr S − 2 tr(A S W) + tr(WᵀW G)
//
// (the cross terms in δ vanish because Σₙ cₙ = 0; the ‖W A δ‖² term is inside tr(WᵀW G)). So the average ELBO is
//
//     ELBO(q, θ) = −(D/2) log 2πσ² − (tr S − 2 tr(ASW) + tr(WᵀW (G + Σ))) / (2σ²)
//                  − (q/2) log 2π − ½ tr(G + Σ) + (q/2)(1 + log 2π) + ½ log|Σ|,
//
// which needs μ, S and the two models only: S W_q and S W are the O(D²q) products, the rest is O(Dq²). When μ_q = μ
// (δ = 0) the formula holds for S about any μ, not only the sample mean.
//
// The average KL(q ‖ p(z | x; θ)) is ℓ(θ) − ELBO(q, θ) ≥ 0 with ℓ = `averageLogLikelihood(scatter:)`; it is 0 exactly
// when θ_q gives the same posterior as θ (e.g. θ_q = θ). EM alternates the two coordinate ascents:
//   E-step  q := posterior of θ          → KL = 0 and the ELBO rises to touch ℓ(θ);
//   M-step  θ := argmax_θ ELBO(q, θ)     → PPCA's EM update (Tipping & Bishop eqs. 29–30, `emStep`): the ELBO rises,
//                                          and ℓ(θ_new) = ELBO(q, θ_new) + KL ≥ ELBO(q, θ_old) = ℓ(θ_old).

import Foundation
import LinearAlgebra

extension PPCA {
    /// The three ELBO terms averaged over rows for this model θ and q(z | xₙ) = the exact posterior of `q` (a PPCA model
    /// of the same D and latent dimension; its μ, W and σ² may differ from θ's), from the 1/N scatter S (D, D) about
    /// *this model's* μ. If q's mean differs from θ's, θ's μ must be the sample mean of the rows S came from. O(D²q).
    /// See the header of `PPCA+ELBO.swift` for the formula.
    public func elbo(scatter s: Matrix, posteriorOf q: PPCA) -> ELBOTerms {
        let d = dimension
        let k = latentDimension
        precondition(q.dimension == d && q.latentDimension == k,
                     "elbo: q is \(q.dimension)×\(q.latentDimension), the model \(d)×\(k)")
        precondition(s.rows == d && s.columns == d, "elbo: S is \(s.rows)×\(s.columns), D = \(d)")
        let w = loading
        let wq = q.loading
        let sigma2 = noiseVariance
        let sigma2q = q.noiseVariance
        // Σ = σ_q² M_q⁻¹
        let mqInverse = q.mFactor.inverse()
        let sigma = sigma2q * mqInverse                                       // (q, q)
        // A S W = M_q⁻¹ W_qᵀ S W  and  A S Aᵀ = M_q⁻¹ W_qᵀ S W_q M_q⁻¹ (S symmetric)
        let swq = s * wq                                                      // (D, q)  S W_q
        let asw = q.mFactor.solve(swq.transposeTimes(w))                      // (q, q)  M_q⁻¹ W_qᵀ S W
        var g = q.mFactor.solve(q.mFactor.solve(wq.transposeTimes(swq)).transposed)   // (q, q)  A S Aᵀ
        // + (Aδ)(Aδ)ᵀ, δ = μ − μ_q
        let delta = zip(mean, q.mean).map { $0 - $1 }
        if delta.contains(where: { $0 != 0 }) {
            let aDelta = q.mFactor.solve(wq.transposeTimes(delta))            // (q)
            for i in 0..<k { for j in 0..<k { g[i, j] += aDelta[i] * aDelta[j] } }
        }
        let second = g + sigma                                                // (1/N) Σₙ E_q[zzᵀ]
        let wtw = w.transposeTimes(w)
        var traceWtWSecond = 0.0
        for i in 0..<(k * k) { traceWtWSecond += wtw.elements[i] * second.elements[i] }   // both symmetric
        let residual = s.trace - 2 * asw.trace + traceWtWSecond
        let expectedLogLikelihood = -0.5 * Double(d) * log(2 * Double.pi * sigma2) - residual / (2 * sigma2)
        let expectedLogPrior = -0.5 * Double(k) * log(2 * Double.pi) - 0.5 * second.trace
        let logDetSigma = Double(k) * log(sigma2q) - q.mFactor.logDeterminant
        let entropy = 0.5 * Double(k) * (1 + log(2 * Double.pi)) + 0.5 * logDetSigma
        return ELBOTerms(expectedLogLikelihood: expectedLogLikelihood, expectedLogPrior: expectedLogPrior, entropy: entropy)
    }

    /// The average KL(q(z | xₙ) ‖ p(z | xₙ; θ)) = ℓ(θ) − ELBO(q, θ) ≥ 0, q the exact posterior of `q`, from the 1/N
    /// scatter about this model's μ (same conditions as `elbo(scatter:posteriorOf:)`).
    public func averageKLToPosterior(scatter s: Matrix, posteriorOf q: PPCA) -> Double {
        averageLogLikelihood(scatter: s) - elbo(scatter: s, posteriorOf: q).value
    }
}

/// One half-step of EM seen as coordinate ascent on the ELBO (Neal & Hinton 1998).
public struct EMHalfStep: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// q := the posterior of the current θ (θ unchanged).
        case expectation
        /// θ := `PPCA.emStep(θ)`, the maximiser of ELBO(q, ·) (q unchanged).
        case maximisation
    }
    /// The EM iteration, 1-based: iteration k is the k-th E-step followed by the k-th M-step.
    public let iteration: Int
    public let kind: Kind
    /// θ after this half-step.
    public let model: PPCA
    /// The model whose exact posterior q is after this half-step (θ after an E-step, the previous θ after an M-step).
    public let posteriorOf: PPCA
    /// ELBO(q, θ), average per row.
    public let elbo: Double
    /// The average KL(q ‖ p(z | x; θ)) = ℓ(θ) − ELBO(q, θ): 0 after an E-step, ≥ 0 after an M-step.
    public let kl: Double
    /// ℓ(θ), the average log-likelihood per row.
    public let logLikelihood: Double
}

extension PPCA {
    /// `iterations` EM iterations from (W₀, σ²₀) on the sample mean and 1/N scatter S about it, recorded as 2·iterations
    /// half-steps (E, M, E, M, …). Along them the ELBO and ℓ never decrease; the KL is 0 after each E-step.
    /// q starts as the posterior of the initial model, so the first E-step changes nothing.
    public static func emHalfSteps(
        mean: [Double], scatter s: Matrix, initialLoading w0: Matrix, initialNoiseVariance sigma2_0: Double,
        iterations: Int
    ) throws(PPCAError) -> [EMHalfStep] {
        let d = mean.count
        let q = w0.columns
        guard q >= 1, q < d else { throw .invalidLatentDimension(q: q, dimension: d) }
        guard s.rows == d, s.columns == d else { throw .dimensionMismatch("S is \(s.rows)×\(s.columns) but μ has \(d) entries") }
        guard s.elements.allSatisfy(\.isFinite) else { throw .nonFinite("S") }
        guard iterations >= 0 else { throw .dimensionMismatch("the number of iterations must be ≥ 0, got \(iterations)") }
        var theta = try PPCA(mean: mean, loading: w0, noiseVariance: sigma2_0)
        var steps: [EMHalfStep] = []
        steps.reserveCapacity(2 * iterations)
        func record(_ k: Int, _ kind: EMHalfStep.Kind, _ model: PPCA, _ posteriorOf: PPCA) {
            let ell = model.averageLogLikelihood(scatter: s)
            let elbo = model.elbo(scatter: s, posteriorOf: posteriorOf).value
            steps.append(EMHalfStep(iteration: k, kind: kind, model: model, posteriorOf: posteriorOf,
                                    elbo: elbo, kl: ell - elbo, logLikelihood: ell))
        }
        for k in stride(from: 1, through: iterations, by: 1) {
            let qModel = theta                                    // E-step: q := p(z | x; θ)
            record(k, .expectation, theta, qModel)
            theta = try emStep(theta, scatter: s)                 // M-step: θ := argmax ELBO(q, ·)
            record(k, .maximisation, theta, qModel)
        }
        return steps
    }
}
