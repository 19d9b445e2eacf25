import LinearAlgebra

/// Why a probabilistic PCA model could not be built, fitted or evaluated. Every case says what was wrong and what to
/// do (`description`), so the command line can show it as it is.
public enum PPCAError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The latent dimension q must satisfy 1 ≤ q ≤ D − 1: with q ≥ D no direction is left to estimate σ² from.
    case invalidLatentDimension(q: Int, dimension: Int)
    /// σ² = 0 (or numerically zero relative to the largest eigenvalue): the data lie in a q-dimensional affine
    /// subspace, C = WWᵀ + σ²I is singular and the likelihood is unbounded.
    case zeroNoiseVariance(sigma2: Double, largestEigenvalue: Double)
    /// Fewer than two observations: the 1/N covariance is zero.
    case tooFewSamples(count: Int)
    /// Shapes that do not fit together (rows of W vs length of μ, columns of X vs D...).
    case dimensionMismatch(String)
    /// A NaN or an infinity in the input.
    case nonFinite(String)
    /// The linear algebra underneath failed (should not happen for valid input; kept for honesty).
    case linearAlgebra(LinearAlgebraError)
    /// Missing-data fit: every entry of this column (0-based) is missing (NaN), so its mean and loadings are not
    /// identified.
    case unobservedColumn(index: Int)
    /// Missing-data fit: every entry of this row (0-based) is missing (NaN); it carries no information.
    case unobservedRow(index: Int)
    /// Mixture: the number of components K must satisfy 1 ≤ K ≤ N.
    case invalidComponentCount(components: Int, samples: Int)
    /// Mixture: the mixing weights must be finite, ≥ 0, one per component and sum to 1.
    case invalidMixingWeights([Double])
    /// A multi-start fit was asked for fewer than one start.
    case invalidStartCount(Int)

    public var description: String {
        switch self {
        case let .invalidLatentDimension(q, d):
            return d < 2
                ? "latent dimension q = \(q) is not possible for data with D = \(d) column(s): PPCA needs at least 2 columns"
                : "latent dimension q = \(q) is out of range: for data with D = \(d) columns choose 1 ≤ q ≤ \(d - 1) (q ≥ D leaves no discarded eigenvalue to estimate σ² from)"
        case let .zeroNoiseVariance(sigma2, largest):
            return "the noise variance σ² = \(sigma2) is zero relative to the largest eigenvalue \(largest): the data lie in a subspace of dimension ≤ q, so the likelihood is unbounded; choose a smaller latent dimension"
        case let .tooFewSamples(count):
            return "PPCA needs at least 2 observations, got \(count)"
        case let .dimensionMismatch(what):
            return "dimension mismatch: \(what)"
        case let .nonFinite(what):
            return "non-finite value in \(what)"
        case let .linearAlgebra(error):
            return "linear algebra failure: \(error)"
        case let .unobservedColumn(index):
            return "column \(index) (from 0) has no observed entry (all NaN): its mean and loadings cannot be estimated; drop the column or observe at least one of its entries"
        case let .unobservedRow(index):
            return "row \(index) (from 0) has no observed entry (all NaN): drop the row, it carries no information"
        case let .invalidComponentCount(k, n):
            return "a mixture of K = \(k) components is not possible for N = \(n) rows: choose 1 ≤ K ≤ \(n)"
        case let .invalidMixingWeights(weights):
            return "mixing weights \(weights) are not a probability vector: give one finite weight ≥ 0 per component, summing to 1"
        case let .invalidStartCount(count):
            return "a multi-start fit needs at least 1 start, got \(count)"
        }
    }
}
