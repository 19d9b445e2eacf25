// PPCA+DimensionCriteria — choosing q from all the rows, without holding any out: Minka's Laplace evidence and BIC.
//
// Minka (2000), "Automatic choice of dimensionality for PCA" (NIPS 13, eqs. 30–31): with λ₁ ≥ … ≥ λ_D the eigenvalues
// of the sample covariance, N rows and k = q latent dimensions, the Laplace approximation to log p(X | k) is
//     log p(U) − (N/2) Σ_{i≤k} log λᵢ − (N(D − k)/2) log v + ((m + k)/2) log 2π − ½ log|A_z| − (k/2) log N,
//     v = (1/(D − k)) Σ_{i>k} λᵢ,   m = Dk − k(k + 1)/2,
//     log p(U) = −k log 2 + Σ_{i=1}^{k} [log Γ((D − i + 1)/2) − ((D − i + 1)/2) log π],
//     log|A_z| = Σ_{i≤k} Σ_{j=i+1}^{D} log(N (λ̂_j⁻¹ − λ̂ᵢ⁻¹)(λᵢ − λ_j)),   λ̂_j = λ_j for j ≤ k, v for j > k.
// This is what scikit-learn's `PCA(n_components='mle')` maximises (`_assess_dimension`), including its guards:
// −∞ when λ_k < 10⁻¹⁵ and v floored at 10⁻¹⁵; scikit-learn passes the eigenvalues of the 1/(N − 1) covariance
// (`explained_variance_`), and so does `PPCAMaximumLikelihood.minkaLogEvidences` (Minka's own code uses 1/N).
//
// BIC (Schwarz 1978), in the "higher is better" sign: N ℓ(q) − (κ(q)/2) log N with ℓ the average log-likelihood
// of the ML model on the same rows and κ(q) = D + Dq − q(q − 1)/2 + 1 free parameters (μ; W up to a rotation of the
// latent space; σ²), as in Tipping & Bishop (1999, §2.2) and PRML §12.2.

import Foundation

/// Minka's Laplace evidence and BIC for the PPCA models of every latent dimension.
public enum LatentDimensionCriteria {
    /// scikit-learn's floor for an eigenvalue that counts as zero.
    public static let zeroEigenvalue = 1e-15

    /// Minka's log p(X | k), natural log, for `spectrum` (descending, all D eigenvalues) of `sampleCount` rows;
    /// −∞ when λ_k < 10⁻¹⁵. Requires 1 ≤ k < D.
    public static func minkaLogEvidence(spectrum lambda: [Double], rank k: Int, sampleCount: Int) -> Double {
        let d = lambda.count
        precondition(k >= 1 && k < d, "Minka's evidence needs 1 ≤ k < D (k = \(k), D = \(d))")
        guard lambda[k - 1] >= zeroEigenvalue else { return -.infinity }
        let n = Double(sampleCount)
        var logPriorU = -Double(k) * log(2.0)
        for i in 1...k {
            let half = Double(d - i + 1) / 2
            logPriorU += lgamma(half) - half * log(Double.pi)
        }
        let logLambdaHead = -n / 2 * lambda[..<k].reduce(0) { $0 + log($1) }
        let v = max(zeroEigenvalue, lambda[k...].reduce(0, +) / Double(d - k))
        let logNoise = -log(v) * n * Double(d - k) / 2
        let m = Double(d * k) - Double(k * (k + 1)) / 2
        let logVolume = log(2 * Double.pi) * (m + Double(k)) / 2
        var logDetA = 0.0
        for i in 0..<k {
            for j in (i + 1)..<d {
                let hatJ = j < k ? lambda[j] : v
                logDetA += log((lambda[i] - lambda[j]) * (1 / hatJ - 1 / lambda[i])) + log(n)
            }
        }
        return logPriorU + logLambdaHead + logNoise + logVolume - logDetA / 2 - Double(k) * log(n) / 2
    }

    /// The number of free parameters of PPCA with D columns and q latent dimensions: D + Dq − q(q − 1)/2 + 1.
    public static func parameterCount(dimension d: Int, latentDimension q: Int) -> Int {
        d + d * q - q * (q - 1) / 2 + 1
    }

    /// BIC in the "higher is better" sign: N ℓ − (κ/2) log N (natural log; ℓ per row, on the fitted rows).
    public static func bic(averageLogLikelihood: Double, dimension d: Int, latentDimension q: Int, sampleCount: Int) -> Double {
        let n = Double(sampleCount)
        return n * averageLogLikelihood - Double(parameterCount(dimension: d, latentDimension: q)) / 2 * log(n)
    }
}

extension PPCAMaximumLikelihood {
    /// Minka's log evidence for k = 1 … D − 1 (index k − 1), from the eigenvalues of the 1/(N − 1) covariance
    /// (the fit's 1/N eigenvalues times N/(N − 1), as scikit-learn's `explained_variance_`).
    public func minkaLogEvidences() -> [Double] {
        let n = Double(sampleCount)
        let spectrum = eigenvalues.map { $0 * n / (n - 1) }
        return (1..<dimension).map {
            LatentDimensionCriteria.minkaLogEvidence(spectrum: spectrum, rank: $0, sampleCount: sampleCount)
        }
    }
}
