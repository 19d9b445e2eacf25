import LinearAlgebra

/// The posterior over the latent variables, p(z | x) = N(M⁻¹Wᵀ(x − μ), σ²M⁻¹) with M = WᵀW + σ²I
/// (Tipping & Bishop 1999 §3.2; PRML 12.42). The covariance is the same for every x.
public struct LatentPosterior: Sendable, Equatable {
    /// E[z | xₙ] per row, (N, q).
    public let means: Matrix
    /// cov[z | x] = σ²M⁻¹, (q, q), shared by all rows.
    public let covariance: Matrix
}

extension PPCA {
    /// The posterior of z for each row of X (N, D). Not the orthogonal projection Uᵀ(x − μ): as σ² → 0 the
    /// posterior mean tends to (WᵀW)⁻¹Wᵀ(x − μ), and for σ² > 0 it is shrunk towards 0 (so W E[z|x] + μ towards μ).
    public func posterior(_ x: Matrix) throws(PPCAError) -> LatentPosterior {
        guard x.columns == dimension else {
            throw .dimensionMismatch("X has \(x.columns) columns but the model has D = \(dimension)")
        }
        // Row n of the means is (M⁻¹Wᵀ(xₙ − μ))ᵀ = (xₙ − μ)ᵀ W M⁻ᵀ: one centred product with B = W M⁻ᵀ (D × q), block
        // by block on every core.
        let mInverse = mFactor.inverse()
        let means = Statistics.centredProduct(x, mean: mean, loading.timesTranspose(mInverse))   // (N, q)
        let covariance = noiseVariance * mInverse
        return LatentPosterior(means: means, covariance: covariance)
    }

    /// Posterior means mapped back to data space, W E[z|x] + μ, (N, D): the PPCA "reconstruction", shrunk towards μ
    /// compared with the orthogonal projection.
    public func posteriorReconstruction(_ x: Matrix) throws(PPCAError) -> Matrix {
        decode(try posterior(x).means)
    }
}
