/// Errors thrown by the decompositions and constructors of `LinearAlgebra`.
///
/// Every decomposition validates its input before doing any arithmetic, so a bad input produces one of these
/// errors instead of a hang or a matrix of NaNs. Plain arithmetic operators (`+`, `-`, `*` on matrices) cannot
/// throw; a shape mismatch there is a programming error and stops with a `precondition` message naming both shapes.
public enum LinearAlgebraError: Error, Equatable, Sendable {
    /// Cholesky found a pivot `a_jj − Σ_k l_jk²` that is not positive (or not finite) at 0-based row `pivot`.
    case notPositiveDefinite(pivot: Int)
    /// A square matrix was required.
    case notSquare(rows: Int, columns: Int)
    /// Shapes of two operands (or of a matrix and a vector) do not fit; the text names both.
    case dimensionMismatch(String)
    /// The input holds a NaN or an infinity; the text says which input and where.
    case nonFinite(String)
    /// An exactly singular matrix was given to a solver that needs an invertible one.
    case singular
    /// An iterative method did not converge within `iterations` iterations.
    case noConvergence(iterations: Int)
}

extension LinearAlgebraError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .notPositiveDefinite(let pivot):
            return "matrix is not positive definite (pivot \(pivot) is not positive)"
        case .notSquare(let rows, let columns):
            return "a square matrix is required, got \(rows)×\(columns)"
        case .dimensionMismatch(let text):
            return "dimension mismatch: \(text)"
        case .nonFinite(let text):
            return "non-finite input: \(text)"
        case .singular:
            return "matrix is singular"
        case .noConvergence(let iterations):
            return "no convergence after \(iterations) iterations"
        }
    }
}

extension Matrix {
    /// Throws `.nonFinite` naming the first NaN/∞ entry, if any.
    @usableFromInline
    func checkFinite(_ what: String) throws(LinearAlgebraError) {
        for (index, x) in elements.enumerated() where !x.isFinite {
            throw .nonFinite("\(what) has \(x) at (\(index / Swift.max(columns, 1)), \(index % Swift.max(columns, 1)))")
        }
    }

    /// Throws `.notSquare` unless rows == columns.
    @usableFromInline
    func checkSquare() throws(LinearAlgebraError) {
        if rows != columns { throw .notSquare(rows: rows, columns: columns) }
    }
}
