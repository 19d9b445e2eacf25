import Foundation
import LinearAlgebra

/// Probabilistic PCA (Tipping & Bishop 1999, "Probabilistic principal component analysis", JRSS B 61(3);
/// Bishop, PRML §12.2).
///
/// The generative model, for x ∈ ℝᴰ and a latent z ∈ ℝ^q with 1 ≤ q < D:
///
///     z ~ N(0, I_q),    x | z ~ N(Wz + μ, σ²I_D)
///
/// Integrating z out gives the marginal density (PRML 12.33–12.36)
///
///     p(x) = N(x; μ, C),    C = WWᵀ + σ²I_D,
///
/// and Bayes' rule gives the posterior (PRML 12.42)
///
///     p(z | x) = N(z; M⁻¹Wᵀ(x − μ), σ²M⁻¹),    M = WᵀW + σ²I_q.
///
/// Everything is evaluated through the small q × q matrix M, never by factorising the D × D matrix C:
/// - matrix determinant lemma: log|C| = (D − q) log σ² + log|M|;
/// - Woodbury: C⁻¹ = σ⁻²(I − W M⁻¹ Wᵀ), so (x−μ)ᵀC⁻¹(x−μ) = σ⁻²(‖x−μ‖² − ‖L_M⁻¹Wᵀ(x−μ)‖²) with M = L_M L_Mᵀ.
/// A log-likelihood of N rows therefore costs O(NDq), not O(ND²).
///
/// Conventions: natural logarithms; σ² > 0 is required (σ² = 0 is PCA's limit, where C is singular); the model is
/// defined only up to W → WR for orthogonal R (the density depends on WWᵀ only).
public struct PPCA: Sendable, Equatable {
    /// μ, length D.
    public let mean: [Double]
    /// W, (D, q): the columns span the principal subspace.
    public let loading: Matrix
    /// σ² > 0, the isotropic noise variance.
    public let noiseVariance: Double
    /// Cholesky factor of M = WᵀW + σ²I_q, (q, q).
    let mFactor: Cholesky

    public var dimension: Int { mean.count }

    /// Two models are equal when μ, W and σ² are (M's factor is derived from them).
    public static func == (a: PPCA, b: PPCA) -> Bool {
        a.mean == b.mean && a.loading == b.loading && a.noiseVariance == b.noiseVariance
    }

    public var latentDimension: Int { loading.columns }

    /// Builds a model from its parameters. Edge cases first: q must satisfy 1 ≤ q < D, σ² must be positive and every
    /// number finite.
    public init(mean: [Double], loading: Matrix, noiseVariance: Double) throws(PPCAError) {
        let d = mean.count
        let q = loading.columns
        guard q >= 1, q < d else { throw .invalidLatentDimension(q: q, dimension: d) }
        guard loading.rows == d else {
            throw .dimensionMismatch("W has \(loading.rows) rows but μ has \(d) entries")
        }
        guard mean.allSatisfy(\.isFinite) else { throw .nonFinite("μ") }
        guard loading.elements.allSatisfy(\.isFinite) else { throw .nonFinite("W") }
        guard noiseVariance.isFinite else { throw .nonFinite("σ²") }
        guard noiseVariance > 0 else { throw .zeroNoiseVariance(sigma2: noiseVariance, largestEigenvalue: .nan) }
        self.mean = mean
        self.loading = loading
        self.noiseVariance = noiseVariance
        var m = loading.transposeTimes(loading)
        for i in 0..<q { m[i, i] += noiseVariance }
        do { self.mFactor = try Cholesky(of: m) } catch { throw .linearAlgebra(error) }
    }

    /// M = WᵀW + σ²I_q, (q, q).
    public var mMatrix: Matrix { mFactor.recompose() }

    /// The marginal covariance C = WWᵀ + σ²I_D, (D, D). Formed explicitly only for display and checks.
    public var marginalCovariance: Matrix {
        var c = loading.timesTranspose(loading)
        for i in 0..<dimension { c[i, i] += noiseVariance }
        return c
    }

    /// log|C| by the matrix determinant lemma: (D − q) log σ² + log|M|.
    public var logDeterminantOfCovariance: Double {
        Double(dimension - latentDimension) * log(noiseVariance) + mFactor.logDeterminant
    }

    /// log p(xₙ) for each row of X (N, D), natural log, in O(NDq) through Woodbury and the determinant lemma:
    /// (xₙ−μ)ᵀC⁻¹(xₙ−μ) = σ⁻²(‖xₙ−μ‖² − ‖L_M⁻¹Wᵀ(xₙ−μ)‖²). The vectors L_M⁻¹Wᵀ(xₙ−μ) of a block of rows are one product
    /// (Xₙ − 1μᵀ) B with B = W L_M⁻ᵀ (D × q, formed once), computed block by block on every core (`RowBlocks`): each
    /// row is still evaluated on its own, with the same operations whatever the number of cores.
    public func logLikelihoods(_ x: Matrix) throws(PPCAError) -> [Double] {
        guard x.columns == dimension else {
            throw .dimensionMismatch("X has \(x.columns) columns but the model has D = \(dimension)")
        }
        let d = dimension
        let b = loading.timesTranspose(mFactor.lowerInverse)   // (D, q): W L_M⁻ᵀ
        let constant = Double(d) * log(2 * Double.pi) + logDeterminantOfCovariance
        let noise = noiseVariance
        return RowBlocks.map(x, mean: mean, times: b, width: 1) { block, out in
            for r in 0..<block.rows.count {
                let mahalanobis = (block.centredSquaredNorm(r) - block.productSquaredNorm(r)) / noise
                out[r] = -0.5 * (constant + mahalanobis)
            }
        }.elements
    }

    /// (1/N) Σₙ log p(xₙ): the average log-likelihood per row, natural log.
    public func averageLogLikelihood(_ x: Matrix) throws(PPCAError) -> Double {
        let values = try logLikelihoods(x)
        guard !values.isEmpty else { return .nan }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The average log-likelihood from the scatter S = (1/N) Σₙ (xₙ − μ)(xₙ − μ)ᵀ about *this model's* μ
    /// (Tipping & Bishop eq. 4): −½ [D log 2π + log|C| + tr(C⁻¹S)], with
    /// tr(C⁻¹S) = σ⁻² (tr S − tr(M⁻¹ WᵀSW)). Equal to `averageLogLikelihood(X)` when S is formed from X about μ.
    public func averageLogLikelihood(scatter s: Matrix) -> Double {
        let d = dimension
        let q = latentDimension
        let sw = s * loading                                   // (D, q)
        let wsw = loading.transposeTimes(sw)                   // (q, q)
        let solved = mFactor.solve(wsw)                        // M⁻¹WᵀSW
        var traceTerm = s.trace
        for i in 0..<q { traceTerm -= solved[i, i] }
        traceTerm /= noiseVariance
        return -0.5 * (Double(d) * log(2 * Double.pi) + logDeterminantOfCovariance + traceTerm)
    }

    /// The same model with W replaced by WR. For orthogonal R (q, q) the density is unchanged (WRRᵀWᵀ = WWᵀ):
    /// the rotational ambiguity of PPCA.
    public func rotated(by r: Matrix) throws(PPCAError) -> PPCA {
        guard r.rows == latentDimension, r.columns == latentDimension else {
            throw .dimensionMismatch("R must be \(latentDimension)×\(latentDimension)")
        }
        return try PPCA(mean: mean, loading: loading * r, noiseVariance: noiseVariance)
    }

    /// The noise-free decoder Wz + μ for each row of Z (N, q) → (N, D).
    public func decode(_ z: Matrix) -> Matrix {
        precondition(z.columns == latentDimension, "decode: Z has \(z.columns) columns, q = \(latentDimension)")
        var x = z.timesTranspose(loading)                      // (N, D)
        for n in 0..<x.rows { for j in 0..<dimension { x.elements[n * dimension + j] += mean[j] } }
        return x
    }

    /// Draws (z, x) pairs from the generative model: z ~ N(0, I), x = Wz + μ + ε with ε ~ N(0, σ²I).
    /// Returns Z (count, q) and X (count, D). Uses only `g`.
    public func sample<G: RandomNumberGenerator>(count: Int, using g: inout G) -> (latent: Matrix, observed: Matrix) {
        let q = latentDimension
        let d = dimension
        var z = Matrix(rows: count, columns: q, repeating: 0)
        for i in 0..<(count * q) { z.elements[i] = g.nextStandardNormal() }
        var x = decode(z)
        let sd = noiseVariance.squareRoot()
        for i in 0..<(count * d) { x.elements[i] += sd * g.nextStandardNormal() }
        return (z, x)
    }
}
