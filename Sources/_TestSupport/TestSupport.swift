import LinearAlgebra

// Helpers shared by the test targets: approximate equality and seeded test matrices.

extension Double {
    /// |self − other| ≤ max(absoluteTolerance, relativeTolerance · max(|self|, |other|)).
    ///
    /// Not transitive: a ≈ b and b ≈ c do not imply a ≈ c, so compare every value against its reference, never
    /// chain comparisons. NaN is approximately equal to nothing.
    public func isApproximatelyEqual(to other: Double, relativeTolerance: Double = 1e-12,
                                     absoluteTolerance: Double = 0) -> Bool {
        guard isFinite && other.isFinite else { return self == other }
        let scale = Swift.max(Swift.abs(self), Swift.abs(other))
        return Swift.abs(self - other) <= Swift.max(absoluteTolerance, relativeTolerance * scale)
    }
}

extension Matrix {
    /// ‖self − other‖_F ≤ max(absoluteTolerance, relativeTolerance · max(‖self‖_F, ‖other‖_F)) — a normwise
    /// comparison, the right one for results of matrix computations. Not transitive (see `Double`'s version).
    public func isApproximatelyEqual(to other: Matrix, relativeTolerance: Double = 1e-12,
                                     absoluteTolerance: Double = 0) -> Bool {
        guard rows == other.rows, columns == other.columns else { return false }
        let difference = (self - other).frobeniusNorm
        let scale = Swift.max(frobeniusNorm, other.frobeniusNorm)
        return difference <= Swift.max(absoluteTolerance, relativeTolerance * scale)
    }
}

/// Seeded test matrices. Every maker takes the generator explicitly, so a test builds one per case.
public enum TestMatrices {
    /// An m × n matrix with independent N(0, 1) entries.
    public static func gaussian<G: RandomNumberGenerator>(_ m: Int, _ n: Int, using g: inout G) -> Matrix {
        Matrix(rows: m, columns: n, elements: (0..<(m * n)).map { _ in g.nextStandardNormal() })
    }

    /// A symmetric n × n matrix (B + Bᵀ)/2 with B Gaussian.
    public static func symmetric<G: RandomNumberGenerator>(_ n: Int, using g: inout G) -> Matrix {
        let b = gaussian(n, n, using: &g)
        return 0.5 * (b + b.transposed)
    }

    /// A symmetric positive-definite n × n matrix B Bᵀ/n + I (eigenvalues in about [1, 5]).
    public static func symmetricPositiveDefinite<G: RandomNumberGenerator>(_ n: Int, using g: inout G) -> Matrix {
        let b = gaussian(n, n, using: &g)
        let product = b.timesTranspose(b)
        return (1 / Double(Swift.max(n, 1))) * product + Matrix.identity(n)
    }

    /// An m × n matrix of rank r: (m × r Gaussian)(r × n Gaussian).
    public static func rankDeficient<G: RandomNumberGenerator>(_ m: Int, _ n: Int, rank r: Int, using g: inout G) -> Matrix {
        gaussian(m, r, using: &g) * gaussian(r, n, using: &g)
    }

    /// The Hilbert matrix H_ij = 1/(i + j + 1) (0-based), symmetric positive definite and famously ill-conditioned
    /// (κ₂(H₁₀) ≈ 1.6·10¹³).
    public static func hilbert(_ n: Int) -> Matrix {
        Matrix(rows: n, columns: n, elements: (0..<(n * n)).map { 1 / Double($0 / n + $0 % n + 1) })
    }
}

/// Machine epsilon 2⁻⁵², for tolerances written as c · n · ε.
public let machineEpsilon = Double.ulpOfOne
