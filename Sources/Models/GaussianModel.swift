import Foundation
import LinearAlgebra

/// Why the full-covariance Gaussian does not exist for some data (a typed result, not a crash).
public enum GaussianModelError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Some columns are constant: the ML covariance has zero variance there, is singular, and the training
    /// log-likelihood is +∞ (the density collapses onto a subspace).
    case constantColumns([Int])
    /// The ML covariance is singular for another reason (e.g. N ≤ D, or exactly collinear columns): Cholesky failed
    /// at this pivot.
    case singularCovariance(pivot: Int)
    case tooFewSamples(count: Int)
    case dimensionMismatch(String)
    case nonFinite(String)

    public var description: String {
        switch self {
        case let .constantColumns(columns):
            return "the full-covariance Gaussian does not exist: \(columns.count) constant column(s) (\(columns.map(String.init).joined(separator: ", "))) make the ML covariance singular, so its training log-likelihood is +∞"
        case let .singularCovariance(pivot):
            return "the full-covariance Gaussian does not exist: the ML covariance is singular (Cholesky failed at pivot \(pivot))"
        case let .tooFewSamples(count): return "a Gaussian needs at least 2 observations, got \(count)"
        case let .dimensionMismatch(what): return "dimension mismatch: \(what)"
        case let .nonFinite(what): return "non-finite value in \(what)"
        }
    }
}

/// The full-covariance Gaussian N(x; μ, Σ) fitted by maximum likelihood (μ = x̄, Σ = S with the **1/N**
/// normalisation): the q = D − 1 end of PPCA's family (with q = D − 1, WWᵀ + σ²I = S exactly) and the baseline of
/// model selection. It exists only when S is positive definite.
public struct GaussianModel: Sendable {
    public let mean: [Double]
    /// Σ, (D, D).
    public let covariance: Matrix
    let factor: Cholesky

    public init(mean: [Double], covariance: Matrix) throws(GaussianModelError) {
        guard covariance.rows == mean.count, covariance.columns == mean.count else {
            throw .dimensionMismatch("Σ is \(covariance.rows)×\(covariance.columns), μ has \(mean.count) entries")
        }
        guard mean.allSatisfy(\.isFinite), covariance.elements.allSatisfy(\.isFinite) else { throw .nonFinite("μ or Σ") }
        self.mean = mean
        self.covariance = covariance
        do { factor = try Cholesky(of: covariance) } catch {
            if case let .notPositiveDefinite(pivot) = error { throw .singularCovariance(pivot: pivot) }
            throw .nonFinite("Σ")
        }
    }

    /// The ML fit; throws `.constantColumns` (checked first, exactly) or `.singularCovariance`.
    public static func fit(_ x: Matrix) throws(GaussianModelError) -> GaussianModel {
        try checkFittable(x)
        return try GaussianModel(mean: Statistics.columnMeans(x),
                                 covariance: Statistics.covariance(x, normalization: .maximumLikelihood))
    }

    /// The ML fit from the mean and 1/N covariance `fit` already computed from the same rows `x` (its
    /// `sampleCount` and `dimension` must match `x`: precondition); the same checks and errors as `fit(_:)`, which
    /// computes them itself.
    public static func fit(_ x: Matrix, sharing fit: PPCAMaximumLikelihood) throws(GaussianModelError) -> GaussianModel {
        precondition(fit.sampleCount == x.rows && fit.dimension == x.columns,
                     "GaussianModel.fit: the shared fit saw \(fit.sampleCount)×\(fit.dimension), X is \(x.rows)×\(x.columns)")
        try checkFittable(x)
        return try GaussianModel(mean: fit.mean, covariance: fit.covariance)
    }

    /// The checks of the ML fit: at least two finite rows and no constant column (checked exactly).
    static func checkFittable(_ x: Matrix) throws(GaussianModelError) {
        guard x.rows >= 2 else { throw .tooFewSamples(count: x.rows) }
        guard x.isFinite else { throw .nonFinite("the data") }
        let constant = (0..<x.columns).filter { j in
            let first = x[0, j]
            return (1..<x.rows).allSatisfy { x[$0, j] == first }
        }
        guard constant.isEmpty else { throw .constantColumns(constant) }
    }

    /// log N(xₙ; μ, Σ) per row, natural log, via Cholesky Σ = LLᵀ: −½[D log 2π + log|Σ| + ‖L⁻¹(xₙ − μ)‖²]. The vectors
    /// L⁻¹(xₙ − μ) of a block of rows are one product (X_b − 1μᵀ)L⁻ᵀ with the explicit triangular inverse (formed
    /// once), computed block by block on every core (`RowBlocks`); each row is evaluated on its own.
    public func logLikelihoods(_ x: Matrix) throws(GaussianModelError) -> [Double] {
        guard x.columns == mean.count else { throw .dimensionMismatch("X has \(x.columns) columns, μ has \(mean.count)") }
        let constant = Double(mean.count) * log(2 * Double.pi) + factor.logDeterminant
        let b = factor.lowerInverse.transposed                  // (D, D): L⁻ᵀ
        return RowBlocks.map(x, mean: mean, times: b, width: 1) { block, out in
            for r in 0..<block.rows.count { out[r] = -0.5 * (constant + block.productSquaredNorm(r)) }
        }.elements
    }

    /// (1/N) Σₙ log N(xₙ; μ, Σ), natural log.
    public func averageLogLikelihood(_ x: Matrix) throws(GaussianModelError) -> Double {
        let values = try logLikelihoods(x)
        return values.reduce(0, +) / Double(max(values.count, 1))
    }
}
