import Foundation
import LinearAlgebra

/// Factor analysis (Rubin & Thayer 1982, "EM algorithms for ML factor analysis", Psychometrika 47(1); Ghahramani &
/// Hinton 1996, "The EM algorithm for mixtures of factor analyzers", CRG-TR-96-1; Bishop, PRML §12.2.4).
///
/// The generative model, for x ∈ ℝᴰ and q factors z ∈ ℝ^q with 1 ≤ q < D:
///
///     z ~ N(0, I_q),    x | z ~ N(Λz + μ, Ψ),    Ψ = diag(ψ₁, …, ψ_D), every ψᵢ > 0,
///
/// so p(x) = N(x; μ, C) with C = ΛΛᵀ + Ψ (PRML 12.65). It is probabilistic PCA with the isotropic σ²I replaced by a
/// diagonal Ψ: each coordinate has its own "uniqueness" (noise variance). Consequences: the model is equivariant
/// under rescaling a coordinate (x_i → c x_i gives Λ's row i → cΛ's row i, ψᵢ → c²ψᵢ), which PPCA is not; there is no
/// closed form, so it is fitted by EM (`FactorAnalysis+EM.swift`); and ψᵢ can be driven to 0 (a Heywood case).
/// Like PPCA, the model is defined only up to Λ → ΛR for orthogonal R.
///
/// Everything is evaluated through the q × q matrix M = I_q + ΛᵀΨ⁻¹Λ (PRML 12.68's G = M⁻¹), with A = Ψ⁻¹Λ:
/// - matrix determinant lemma: log|C| = Σᵢ log ψᵢ + log|M|;
/// - Woodbury: C⁻¹ = Ψ⁻¹ − A M⁻¹ Aᵀ, so (x−μ)ᵀC⁻¹(x−μ) = Σᵢ eᵢ²/ψᵢ − ‖L_M⁻¹Aᵀe‖² with e = x − μ and M = L_M L_Mᵀ.
/// A log-likelihood of N rows therefore costs O(NDq), not O(ND²); C is never factorised. Natural logarithms.
public struct FactorAnalysis: Sendable, Equatable {
    /// μ, length D.
    public let mean: [Double]
    /// Λ, (D, q): the factor loadings.
    public let loading: Matrix
    /// ψ, length D, every entry > 0: the diagonal of Ψ (the unique variances).
    public let uniquenesses: [Double]
    /// Cholesky factor of M = I_q + ΛᵀΨ⁻¹Λ, (q, q).
    let mFactor: Cholesky

    public var dimension: Int { mean.count }
    public var latentDimension: Int { loading.columns }

    /// Two models are equal when μ, Λ and ψ are (M's factor is derived from them).
    public static func == (a: FactorAnalysis, b: FactorAnalysis) -> Bool {
        a.mean == b.mean && a.loading == b.loading && a.uniquenesses == b.uniquenesses
    }

    /// Builds a model from its parameters: 1 ≤ q < D, Λ is D × q, ψ has D entries, all finite and > 0.
    public init(mean: [Double], loading: Matrix, uniquenesses: [Double]) throws(FactorAnalysisError) {
        let d = mean.count
        let q = loading.columns
        guard q >= 1, q < d else { throw .invalidLatentDimension(q: q, dimension: d) }
        guard loading.rows == d else { throw .dimensionMismatch("Λ has \(loading.rows) rows but μ has \(d) entries") }
        guard uniquenesses.count == d else { throw .dimensionMismatch("ψ has \(uniquenesses.count) entries but μ has \(d)") }
        guard mean.allSatisfy(\.isFinite) else { throw .nonFinite("μ") }
        guard loading.isFinite else { throw .nonFinite("Λ") }
        for (i, psi) in uniquenesses.enumerated() where !(psi.isFinite && psi > 0) {
            throw .nonPositiveUniqueness(index: i, value: psi)
        }
        self.mean = mean
        self.loading = loading
        self.uniquenesses = uniquenesses
        let a = Self.scaledLoading(loading, uniquenesses)
        var m = loading.transposeTimes(a)                     // ΛᵀΨ⁻¹Λ
        for i in 0..<q { m[i, i] += 1 }
        do { mFactor = try Cholesky(of: m) } catch { throw .linearAlgebra(error) }
    }

    /// A = Ψ⁻¹Λ, (D, q): row i of Λ divided by ψᵢ.
    static func scaledLoading(_ loading: Matrix, _ uniquenesses: [Double]) -> Matrix {
        var a = loading
        let q = loading.columns
        for i in 0..<loading.rows {
            let inverse = 1 / uniquenesses[i]
            for k in 0..<q { a.elements[i * q + k] *= inverse }
        }
        return a
    }

    /// A = Ψ⁻¹Λ, (D, q).
    var scaledLoading: Matrix { Self.scaledLoading(loading, uniquenesses) }

    /// M = I_q + ΛᵀΨ⁻¹Λ, (q, q); its inverse is the G of PRML 12.68 and the posterior covariance of z.
    public var mMatrix: Matrix { mFactor.recompose() }

    /// The marginal covariance C = ΛΛᵀ + Ψ, (D, D). Formed explicitly only for display and checks.
    public var marginalCovariance: Matrix {
        var c = loading.timesTranspose(loading)
        for i in 0..<dimension { c[i, i] += uniquenesses[i] }
        return c
    }

    /// log|C| by the matrix determinant lemma: Σᵢ log ψᵢ + log|M|.
    public var logDeterminantOfCovariance: Double {
        uniquenesses.reduce(0) { $0 + log($1) } + mFactor.logDeterminant
    }

    /// C⁻¹ = Ψ⁻¹ − A M⁻¹ Aᵀ (D, D) by Woodbury, A = Ψ⁻¹Λ; O(D²q).
    public var inverseMarginalCovariance: Matrix {
        let a = scaledLoading
        let correction = a * mFactor.solve(a.transposed)       // A M⁻¹ Aᵀ
        var inverse = -correction
        for i in 0..<dimension { inverse[i, i] += 1 / uniquenesses[i] }
        return inverse
    }

    /// log p(xₙ) for each row of X (N, D), natural log, in O(NDq) through Woodbury and the determinant lemma:
    /// (xₙ−μ)ᵀC⁻¹(xₙ−μ) = Σᵢ eᵢ²/ψᵢ − ‖L_M⁻¹Aᵀe‖², e = xₙ − μ. The vectors L_M⁻¹Aᵀe of a block of rows are one
    /// product E_b B with B = A L_M⁻ᵀ (D × q, formed once), block by block on every core (`RowBlocks`); each row is
    /// evaluated on its own.
    public func logLikelihoods(_ x: Matrix) throws(FactorAnalysisError) -> [Double] {
        guard x.columns == dimension else {
            throw .dimensionMismatch("X has \(x.columns) columns but the model has D = \(dimension)")
        }
        let d = dimension
        let b = scaledLoading.timesTranspose(mFactor.lowerInverse)   // (D, q): A L_M⁻ᵀ
        let constant = Double(d) * log(2 * Double.pi) + logDeterminantOfCovariance
        let inversePsi = uniquenesses.map { 1 / $0 }
        return RowBlocks.map(x, mean: mean, times: b, width: 1) { block, out in
            for r in 0..<block.rows.count {
                let e = block.centredRow(r)
                var weighted = 0.0
                for i in 0..<d { weighted += e[i] * e[i] * inversePsi[i] }
                out[r] = -0.5 * (constant + weighted - block.productSquaredNorm(r))
            }
        }.elements
    }

    /// (1/N) Σₙ log p(xₙ): the average log-likelihood per row, natural log.
    public func averageLogLikelihood(_ x: Matrix) throws(FactorAnalysisError) -> Double {
        let values = try logLikelihoods(x)
        guard !values.isEmpty else { return .nan }
        return values.reduce(0, +) / Double(values.count)
    }

    /// The average log-likelihood from the 1/N scatter S = (1/N) Σₙ (xₙ − μ)(xₙ − μ)ᵀ about *this model's* μ:
    ///
    ///     ℓ = −½ [D log 2π + log|C| + tr(C⁻¹S)],    tr(C⁻¹S) = Σᵢ Sᵢᵢ/ψᵢ − tr(M⁻¹ AᵀSA),
    ///
    /// by Woodbury (A = Ψ⁻¹Λ), O(D²q). Equal to `averageLogLikelihood(X)` when S is formed from X about μ.
    /// `s` must be D × D (precondition).
    public func averageLogLikelihood(scatter s: Matrix) -> Double {
        let d = dimension
        precondition(s.rows == d && s.columns == d, "FactorAnalysis: S is \(s.rows)×\(s.columns), D = \(d)")
        let a = scaledLoading
        let solved = mFactor.solve(a.transposeTimes(s * a))   // M⁻¹ AᵀSA
        var traceTerm = 0.0
        for i in 0..<d { traceTerm += s[i, i] / uniquenesses[i] }
        for k in 0..<latentDimension { traceTerm -= solved[k, k] }
        return -0.5 * (Double(d) * log(2 * Double.pi) + logDeterminantOfCovariance + traceTerm)
    }

    /// The gradient of ℓ(S) = `averageLogLikelihood(scatter:)` with respect to Λ and ψ. Since
    /// dℓ = ½ tr(Δ dC) with Δ = C⁻¹SC⁻¹ − C⁻¹ (symmetric) and dC = dΛ Λᵀ + Λ dΛᵀ + diag(dψ):
    ///
    ///     ∂ℓ/∂Λ = Δ Λ  (D, q),    ∂ℓ/∂ψᵢ = ½ Δᵢᵢ,
    ///
    /// with C⁻¹ from Woodbury (`inverseMarginalCovariance`), O(D³) for the product C⁻¹SC⁻¹. Both vanish at an interior
    /// maximum; at a Heywood case (ψᵢ held at a floor) ∂ℓ/∂ψᵢ < 0 remains.
    public func gradient(scatter s: Matrix) -> (loading: Matrix, uniquenesses: [Double]) {
        let d = dimension
        precondition(s.rows == d && s.columns == d, "FactorAnalysis: S is \(s.rows)×\(s.columns), D = \(d)")
        let inverse = inverseMarginalCovariance
        let delta = inverse * s * inverse - inverse
        return (delta * loading, (0..<d).map { 0.5 * delta[$0, $0] })
    }

    /// Draws (z, x) pairs from the generative model: z ~ N(0, I), x = Λz + μ + ε with εᵢ ~ N(0, ψᵢ).
    /// Returns Z (count, q) and X (count, D). Uses only `g`.
    public func sample<G: RandomNumberGenerator>(count: Int, using g: inout G) -> (latent: Matrix, observed: Matrix) {
        let q = latentDimension
        let d = dimension
        var z = Matrix(rows: count, columns: q, repeating: 0)
        for i in 0..<(count * q) { z.elements[i] = g.nextStandardNormal() }
        var x = z.timesTranspose(loading)
        let sd = uniquenesses.map { $0.squareRoot() }
        for n in 0..<count {
            for j in 0..<d { x.elements[n * d + j] += mean[j] + sd[j] * g.nextStandardNormal() }
        }
        return (z, x)
    }
}
