import LinearAlgebra

/// Why a factor analysis model could not be built or fitted. Every case says what was wrong and what to do
/// (`description`), so the command line can show it as it is.
public enum FactorAnalysisError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The number of factors q must satisfy 1 ≤ q ≤ D − 1.
    case invalidLatentDimension(q: Int, dimension: Int)
    /// A uniqueness ψᵢ (0-based index i) is zero, negative or not finite: Ψ must be positive definite.
    case nonPositiveUniqueness(index: Int, value: Double)
    /// Column i (0-based) of the data has zero variance: its uniqueness would have to be 0 and the likelihood is
    /// unbounded.
    case constantColumn(index: Int)
    /// Fewer than two observations: the 1/N scatter is zero.
    case tooFewSamples(count: Int)
    /// A multi-start fit was asked for fewer than one start.
    case invalidStartCount(Int)
    /// Shapes that do not fit together (rows of Λ vs length of μ, columns of X vs D...).
    case dimensionMismatch(String)
    /// A NaN or an infinity in the input.
    case nonFinite(String)
    /// The linear algebra underneath failed (should not happen for valid input; kept for honesty).
    case linearAlgebra(LinearAlgebraError)

    public var description: String {
        switch self {
        case let .invalidLatentDimension(q, d):
            return d < 2
                ? "q = \(q) factors are not possible for data with D = \(d) column(s): factor analysis needs at least 2 columns"
                : "q = \(q) factors is out of range: for data with D = \(d) columns choose 1 ≤ q ≤ \(d - 1)"
        case let .nonPositiveUniqueness(index, value):
            return "uniqueness ψ[\(index)] = \(value) is not positive: every ψᵢ must be > 0 (use a floor such as 1e-6 · Sᵢᵢ)"
        case let .constantColumn(index):
            return "column \(index) (from 0) is constant: its variance is 0, so its uniqueness would be 0 and the likelihood is unbounded; drop the column"
        case let .tooFewSamples(count):
            return "factor analysis needs at least 2 observations, got \(count)"
        case let .invalidStartCount(count):
            return "a multi-start fit needs at least 1 start, got \(count)"
        case let .dimensionMismatch(what):
            return "dimension mismatch: \(what)"
        case let .nonFinite(what):
            return "non-finite value in \(what)"
        case let .linearAlgebra(error):
            return "linear algebra failure: \(error)"
        }
    }
}
