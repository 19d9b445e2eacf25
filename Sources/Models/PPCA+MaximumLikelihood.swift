import Foundation
import LinearAlgebra

/// The closed-form maximum-likelihood fit of probabilistic PCA (Tipping & Bishop 1999, eqs. 7–8; PRML 12.45–12.46).
///
/// With S = (1/N) Σₙ (xₙ − x̄)(xₙ − x̄)ᵀ = U Λ Uᵀ (eigenvalues λ₁ ≥ … ≥ λ_D, the **1/N** covariance):
///
///     μ_ML = x̄,   σ²_ML = (1/(D − q)) Σ_{j>q} λⱼ,   W_ML = U_q (Λ_q − σ²_ML I)^{1/2} R.
///
/// We take R = I and the eigenvector sign convention of `SymmetricEigen` (the entry of largest magnitude of each
/// column is positive), which is the PCA lesson's convention, so column k of W is a positive multiple of the k-th
/// principal axis. Note: scikit-learn's `PCA.score` uses the 1/(N−1) covariance, so its σ² and log-likelihood differ
/// from these by O(1/N).
public struct PPCAMaximumLikelihood: Sendable {
    /// x̄, length D.
    public let mean: [Double]
    /// Eigenvalues of the 1/N covariance, descending (tiny negative rounding values are kept as computed).
    public let eigenvalues: [Double]
    /// Eigenvectors (D, D), columns, in the order of `eigenvalues`, sign convention of `SymmetricEigen`.
    public let eigenvectors: Matrix
    /// N, the number of rows the fit saw.
    public let sampleCount: Int
    /// S = (1/N) Σₙ (xₙ − x̄)(xₙ − x̄)ᵀ (D, D), whose eigenpairs these are (kept for EM and the full Gaussian, so the
    /// data need not be scanned again).
    public let covariance: Matrix

    /// Centres the data and decomposes its 1/N covariance once (through `PCA`, so the eigenvectors and their signs
    /// are exactly the PCA lesson's); `model(latentDimension:)` then costs O(Dq).
    public init(_ x: Matrix) throws(PPCAError) {
        guard x.rows >= 2 else { throw .tooFewSamples(count: x.rows) }
        guard x.columns >= 2 else { throw .invalidLatentDimension(q: 1, dimension: x.columns) }
        let pca: PCA
        do { pca = try PCA(fitting: x) } catch {
            switch error {
            case .tooFewObservations(let rows, _): throw .tooFewSamples(count: rows)
            case let .nonFinite(row, column): throw .nonFinite("the data (row \(row), column \(column), from 0)")
            case .linearAlgebra(let inner): throw .linearAlgebra(inner)
            }
        }
        self.init(pca: pca)
    }

    /// The ML fit from a PCA already computed (its 1/N covariance eigenvalues and sign-fixed components).
    public init(pca: PCA) {
        mean = pca.mean
        eigenvalues = pca.eigenvalues
        eigenvectors = pca.components.transposed
        sampleCount = pca.count
        covariance = pca.covariance
    }

    public var dimension: Int { mean.count }

    /// σ²_ML for latent dimension q: the mean of the D − q discarded eigenvalues.
    public func noiseVariance(latentDimension q: Int) throws(PPCAError) -> Double {
        let d = dimension
        guard q >= 1, q < d else { throw .invalidLatentDimension(q: q, dimension: d) }
        let discarded = eigenvalues[q...]
        return discarded.reduce(0, +) / Double(d - q)
    }

    /// The ML model for latent dimension q (R = I). Throws `.invalidLatentDimension` unless 1 ≤ q ≤ D − 1 and
    /// `.zeroNoiseVariance` when σ²_ML ≤ D·ε·λ₁ (the data lie in a q-dimensional subspace).
    public func model(latentDimension q: Int) throws(PPCAError) -> PPCA {
        let sigma2 = try noiseVariance(latentDimension: q)
        return try model(latentDimension: q, noiseVariance: sigma2)
    }

    /// The maximiser of the likelihood over W for a *fixed* σ² (Tipping & Bishop eq. 7 holds for any σ² below the
    /// retained eigenvalues): W = U_q (Λ_q − σ²I)^{1/2}, with each (λₖ − σ²) clamped at 0. Used to follow σ² → 0.
    public func model(latentDimension q: Int, noiseVariance sigma2: Double) throws(PPCAError) -> PPCA {
        let d = dimension
        guard q >= 1, q < d else { throw .invalidLatentDimension(q: q, dimension: d) }
        let largest = max(eigenvalues.first ?? 0, 0)
        guard sigma2.isFinite, sigma2 > Double(d) * Double.ulpOfOne * largest, sigma2 > 0 else {
            throw .zeroNoiseVariance(sigma2: sigma2, largestEigenvalue: largest)
        }
        var w = Matrix(rows: d, columns: q, repeating: 0)
        for k in 0..<q {
            let scale = max(eigenvalues[k] - sigma2, 0).squareRoot()
            for i in 0..<d { w[i, k] = eigenvectors[i, k] * scale }
        }
        return try PPCA(mean: mean, loading: w, noiseVariance: sigma2)
    }
}

extension PPCA {
    /// The closed-form ML fit (see `PPCAMaximumLikelihood`) for latent dimension q.
    public static func fit(_ x: Matrix, latentDimension q: Int) throws(PPCAError) -> PPCA {
        guard q >= 1, q < x.columns else { throw .invalidLatentDimension(q: q, dimension: x.columns) }
        return try PPCAMaximumLikelihood(x).model(latentDimension: q)
    }
}
