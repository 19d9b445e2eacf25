// LinearVAE — a variational autoencoder whose decoder and encoder are both linear, with its ELBO in closed form
// (Lucas, Tucker, Grosse & Norouzi 2019, "Don't blame the ELBO! A linear VAE perspective on posterior collapse",
// NeurIPS; the decoder is PPCA's generative model, Tipping & Bishop 1999).
//
//   decoder  p(z) = N(0, I_q),  p(x|z) = N(x; Wz + μ, σ²I_D)              W (D, q)
//   encoder  q(z|x) = N(z; V(x − μ), diag(τ²))                            V (q, D), τ² (q) the same for every x
//
// With c = x − μ and u = Vc the ELBO needs no sampling: E_q[z] = u, E_q[zzᵀ] = uuᵀ + diag τ², so
//   E_q‖x − Wz − μ‖² = ‖c − WVc‖² + Σⱼ τⱼ² ‖wⱼ‖²                          (wⱼ column j of W)
//   E_q[log p(x|z)]  = −(D/2) log 2πσ² − (‖c − WVc‖² + Σⱼ τⱼ²‖wⱼ‖²)/(2σ²)
//   KL(q(z|x) ‖ p(z)) = Σⱼ KLⱼ,   KLⱼ = ½ (τⱼ² + uⱼ² − 1 − log τⱼ²)
//   ELBO(x) = E_q[log p(x|z)] − KL.
// Averaged over N rows with the 1/N scatter S = (1/N) Σₙ cₙcₙᵀ about μ (‖c − WVc‖² → tr((I − WV)S(I − WV)ᵀ),
// uⱼ² → (VSVᵀ)ⱼⱼ), the mean ELBO is a function of S only.
//
// For a fixed decoder the best encoder is closed form (set the derivatives in V and τⱼ² to zero):
//   V = M⁻¹Wᵀ,  τⱼ² = σ²/Mⱼⱼ,   M = WᵀW + σ²I_q,
// V is the exact posterior mean map, and diag τ² the best diagonal stand-in for the exact posterior covariance σ²M⁻¹.
// When the columns of W are orthogonal M is diagonal, the posterior is exactly diagonal Gaussian, KL(q ‖ p(z|x)) = 0
// and the ELBO equals the exact PPCA log-likelihood — in particular at the ML solution W = U_q(Λ_q − σ²I)^{1/2}
// (Lucas et al., §4: the linear VAE's global optimum is pPCA's). A rotated W, WR, has the same likelihood but
// non-diagonal M, so a strictly lower ELBO: the ELBO, not the likelihood, prefers orthogonal columns.
//
// Posterior collapse (Lucas et al. §4–5): with σ² fixed, the ELBO-optimal decoder is W = U_q (Λ_q − σ²I)₊^{1/2}, i.e.
// column j is 0 whenever σ² ≥ λⱼ. Then Vⱼ = 0 and τⱼ² = 1 — q(zⱼ|x) = N(0, 1) is the prior for every x and KLⱼ = 0.
// For λⱼ > σ², ‖wⱼ‖² = λⱼ − σ², τⱼ² = σ²/λⱼ, (VSVᵀ)ⱼⱼ = 1 − σ²/λⱼ and KLⱼ = ½ log(λⱼ/σ²) > 0. Together:
//   KLⱼ = ½ log(max(λⱼ, σ²)/σ²),
// so a larger observation noise collapses more latent dimensions — a property of the likelihood's stationary points,
// not of the ELBO. Natural logarithms; "average" means per row, (1/N) Σₙ.

import Foundation
import LinearAlgebra

/// Linear decoder N(Wz + μ, σ²I) and linear encoder N(V(x − μ), diag τ²).
public struct LinearVAE: Sendable, Equatable {
    /// μ, length D.
    public let mean: [Double]
    /// W, (D, q).
    public let decoderLoading: Matrix
    /// σ² > 0.
    public let noiseVariance: Double
    /// V, (q, D).
    public let encoderLoading: Matrix
    /// τ², length q, all > 0.
    public let encoderVariances: [Double]

    public var dimension: Int { mean.count }
    public var latentDimension: Int { decoderLoading.columns }

    public init(mean: [Double], decoderLoading w: Matrix, noiseVariance sigma2: Double, encoderLoading v: Matrix,
                encoderVariances tau2: [Double]) throws(NonlinearModelError) {
        let (d, q) = (mean.count, w.columns)
        guard q >= 1, w.rows == d, v.rows == q, v.columns == d, tau2.count == q else {
            throw .dimensionMismatch("linear VAE: μ has \(d) entries, W is \(w.rows)×\(w.columns), V is \(v.rows)×\(v.columns), τ² has \(tau2.count) (need W D×q, V q×D, τ² q, q ≥ 1)")
        }
        guard mean.allSatisfy(\.isFinite), w.isFinite, v.isFinite, sigma2.isFinite, tau2.allSatisfy(\.isFinite) else {
            throw .nonFinite("linear VAE: μ, W, σ², V or τ² not finite")
        }
        guard sigma2 > 0, tau2.allSatisfy({ $0 > 0 }) else {
            throw .invalidArgument("linear VAE: σ² (\(sigma2)) and every τⱼ² (\(tau2)) must be positive")
        }
        self.mean = mean
        self.decoderLoading = w
        self.noiseVariance = sigma2
        self.encoderLoading = v
        self.encoderVariances = tau2
    }

    /// The decoder (μ, W, σ²) with its best encoder V = M⁻¹Wᵀ, τⱼ² = σ²/Mⱼⱼ (M = WᵀW + σ²I), which maximises the
    /// ELBO over (V, τ²) for this decoder and every data set whose scatter is positive definite.
    public static func withOptimalEncoder(mean: [Double], decoderLoading w: Matrix, noiseVariance sigma2: Double)
        throws(NonlinearModelError) -> LinearVAE {
        guard sigma2 > 0, sigma2.isFinite, w.isFinite, w.columns >= 1 else {
            throw .invalidArgument("linear VAE: needs σ² > 0 (got \(sigma2)), a finite W with q ≥ 1 columns")
        }
        let m = w.transposeTimes(w).addingToDiagonal(sigma2)                       // (q, q)
        let factor: Cholesky
        do { factor = try Cholesky(of: m) } catch { throw .invalidArgument("linear VAE: M = WᵀW + σ²I not positive definite (\(error))") }
        let v = factor.solve(w.transposed)                                         // M⁻¹Wᵀ (q, D)
        return try LinearVAE(mean: mean, decoderLoading: w, noiseVariance: sigma2, encoderLoading: v,
                             encoderVariances: m.diagonal.map { sigma2 / $0 })
    }

    /// A PPCA model as the decoder, with its best encoder (see `withOptimalEncoder`). At the ML fit (orthogonal
    /// columns) the ELBO is the exact log-likelihood.
    public init(ppca: PPCA) throws(NonlinearModelError) {
        self = try Self.withOptimalEncoder(mean: ppca.mean, decoderLoading: ppca.loading, noiseVariance: ppca.noiseVariance)
    }

    /// The ELBO-optimal linear VAE for a *fixed* σ² (Lucas et al. 2019): W = U_q (Λ_q − σ²I)₊^{1/2} from the ML fit's
    /// eigenpairs (columns with λⱼ ≤ σ² are exactly 0: collapsed) and its best encoder. Its per-dimension KL is
    /// `collapseKL(eigenvalues:noiseVariance:)`.
    public static func optimum(_ fit: PPCAMaximumLikelihood, latentDimension q: Int, noiseVariance sigma2: Double)
        throws(NonlinearModelError) -> LinearVAE {
        let d = fit.dimension
        guard q >= 1, q < d else { throw .invalidArgument("linear VAE: latent dimension q = \(q) needs 1 ≤ q < D = \(d)") }
        guard sigma2 > 0, sigma2.isFinite else { throw .invalidArgument("linear VAE: σ² must be positive and finite (got \(sigma2))") }
        var w = Matrix.zeros(d, q)
        for k in 0..<q {
            let scale = max(fit.eigenvalues[k] - sigma2, 0).squareRoot()
            for i in 0..<d { w[i, k] = fit.eigenvectors[i, k] * scale }
        }
        return try withOptimalEncoder(mean: fit.mean, decoderLoading: w, noiseVariance: sigma2)
    }

    /// The per-dimension KL at the fixed-σ² optimum, predicted in closed form: KLⱼ = ½ log(max(λⱼ, σ²)/σ²) for the
    /// q largest eigenvalues λ₁ ≥ … of the scatter (0 exactly for a collapsed dimension).
    public static func collapseKL(eigenvalues: [Double], noiseVariance sigma2: Double) -> [Double] {
        eigenvalues.map { 0.5 * log(max($0, sigma2) / sigma2) }
    }

    // MARK: - Per row

    /// Encoder means V(xₙ − μ) per row, (N, q).
    public func encoderMeans(_ x: Matrix) throws(NonlinearModelError) -> Matrix {
        try check(x)
        return Statistics.centredProduct(x, mean: mean, encoderLoading.transposed)
    }

    /// ELBO(xₙ) for every row of x (N, D), in closed form (natural log).
    public func elbos(_ x: Matrix) throws(NonlinearModelError) -> [Double] {
        let u = try encoderMeans(x)                                                // (N, q)
        let (d, q) = (dimension, latentDimension)
        let sigma2 = noiseVariance
        let spread = spreadTerm
        let constant = -0.5 * Double(d) * log(2 * Double.pi * sigma2)
        let recon = u.timesTranspose(decoderLoading)                               // (N, D) rows (W u)ᵀ
        return (0..<x.rows).map { n in
            var r2 = 0.0
            for i in 0..<d {
                let e = x[n, i] - mean[i] - recon[n, i]
                r2 += e * e
            }
            var kl = 0.0
            for j in 0..<q {
                let t = encoderVariances[j]
                kl += 0.5 * (t + u[n, j] * u[n, j] - 1 - log(t))
            }
            return constant - (r2 + spread) / (2 * sigma2) - kl
        }
    }

    /// (1/N) Σₙ ELBO(xₙ).
    public func averageELBO(_ x: Matrix) throws(NonlinearModelError) -> Double {
        let values = try elbos(x)
        return values.reduce(0, +) / Double(values.count)
    }

    // MARK: - From the scatter

    /// The three ELBO terms averaged over rows, from the 1/N scatter S (D, D) about *this model's* μ:
    /// E[log p(x|z)] = −(D/2) log 2πσ² − (tr((I − WV)S(I − WV)ᵀ) + Σⱼ τⱼ²‖wⱼ‖²)/(2σ²),
    /// E[log p(z)] = −(q/2) log 2π − ½ Σⱼ (τⱼ² + (VSVᵀ)ⱼⱼ), H = (q/2)(1 + log 2π) + ½ Σⱼ log τⱼ².
    public func averageELBOTerms(scatter s: Matrix) throws(NonlinearModelError) -> ELBOTerms {
        let (d, q) = (dimension, latentDimension)
        guard s.rows == d, s.columns == d else { throw .dimensionMismatch("scatter is \(s.rows)×\(s.columns); D = \(d)") }
        var a = -(decoderLoading * encoderLoading)                                 // I − WV (D, D)
        for i in 0..<d { a[i, i] += 1 }
        let aS = a * s
        var residual = 0.0
        for i in 0..<d { for k in 0..<d { residual += aS[i, k] * a[i, k] } }      // tr(A S Aᵀ)
        let vsv = encoderMeanSecondMoments(scatter: s)
        let expectedLogLikelihood = -0.5 * Double(d) * log(2 * Double.pi * noiseVariance)
            - (residual + spreadTerm) / (2 * noiseVariance)
        var prior = -0.5 * Double(q) * log(2 * Double.pi)
        var entropy = 0.5 * Double(q) * (1 + log(2 * Double.pi))
        for j in 0..<q {
            prior -= 0.5 * (encoderVariances[j] + vsv[j])
            entropy += 0.5 * log(encoderVariances[j])
        }
        return ELBOTerms(expectedLogLikelihood: expectedLogLikelihood, expectedLogPrior: prior, entropy: entropy)
    }

    /// KL(q(zⱼ|x) ‖ N(0, 1)) averaged over rows, one per latent dimension, from the 1/N scatter about μ:
    /// ½ (τⱼ² + (VSVᵀ)ⱼⱼ − 1 − log τⱼ²). They sum to `averageELBOTerms(scatter:).klToPrior`.
    public func averageKLPerDimension(scatter s: Matrix) throws(NonlinearModelError) -> [Double] {
        guard s.rows == dimension, s.columns == dimension else {
            throw .dimensionMismatch("scatter is \(s.rows)×\(s.columns); D = \(dimension)")
        }
        let vsv = encoderMeanSecondMoments(scatter: s)
        return (0..<latentDimension).map { j in
            let t = encoderVariances[j]
            return 0.5 * (t + vsv[j] - 1 - log(t))
        }
    }

    /// The 1/N scatter of x (N, D) about this model's μ, for the `scatter:` functions.
    public func scatter(_ x: Matrix) throws(NonlinearModelError) -> Matrix {
        try check(x)
        return (1 / Double(x.rows)) * Statistics.scatter(x, mean: mean)
    }

    // MARK: - Helpers

    /// Σⱼ τⱼ² ‖wⱼ‖²: the decoder's spread of the encoder's noise.
    var spreadTerm: Double {
        var total = 0.0
        for j in 0..<latentDimension {
            var norm2 = 0.0
            for i in 0..<dimension { norm2 += decoderLoading[i, j] * decoderLoading[i, j] }
            total += encoderVariances[j] * norm2
        }
        return total
    }

    /// diag(VSVᵀ): the row-average of uⱼ² = ((V(x − μ))ⱼ)².
    func encoderMeanSecondMoments(scatter s: Matrix) -> [Double] {
        let vs = encoderLoading * s                                                // (q, D)
        return (0..<latentDimension).map { j in
            var t = 0.0
            for i in 0..<dimension { t += vs[j, i] * encoderLoading[j, i] }
            return t
        }
    }

    func check(_ x: Matrix) throws(NonlinearModelError) {
        guard x.columns == dimension else { throw .dimensionMismatch("data have \(x.columns) columns; D = \(dimension)") }
        guard x.rows > 0 else { throw .invalidArgument("no data rows") }
        guard x.isFinite else { throw .nonFinite("data contain NaN or ±∞") }
    }
}
