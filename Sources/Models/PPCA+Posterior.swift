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
        let q = latentDimension
        let projected = Statistics.centred(x, mean: mean) * loading        // (N, q)
        // M is symmetric, so (M⁻¹ Bᵀ)ᵀ = B M⁻¹: solve row by row.
        var means = Matrix(rows: x.rows, columns: q, repeating: 0)
        for n in 0..<x.rows {
            let b = Array(projected.elements[(n * q)..<((n + 1) * q)])
            let m = mFactor.solve(b)
            for k in 0..<q { means.elements[n * q + k] = m[k] }
        }
        let covariance = noiseVariance * mFactor.inverse()
        return LatentPosterior(means: means, covariance: covariance)
    }

    /// Posterior means mapped back to data space, W E[z|x] + μ, (N, D): the PPCA "reconstruction", shrunk towards μ
    /// compared with the orthogonal projection.
    public func posteriorReconstruction(_ x: Matrix) throws(PPCAError) -> Matrix {
        decode(try posterior(x).means)
    }
}
