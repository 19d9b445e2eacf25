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
        guard x.rows >= 2 else { throw .tooFewSamples(count: x.rows) }
        guard x.elements.allSatisfy(\.isFinite) else { throw .nonFinite("the data") }
        let constant = (0..<x.columns).filter { j in
            let first = x[0, j]
            return (1..<x.rows).allSatisfy { x[$0, j] == first }
        }
        guard constant.isEmpty else { throw .constantColumns(constant) }
        return try GaussianModel(mean: Statistics.columnMeans(x),
                                 covariance: Statistics.covariance(x, normalization: .maximumLikelihood))
    }

    /// log N(xₙ; μ, Σ) per row, natural log, via Cholesky: −½[D log 2π + log|Σ| + ‖L⁻¹(x − μ)‖²].
    public func logLikelihoods(_ x: Matrix) throws(GaussianModelError) -> [Double] {
        guard x.columns == mean.count else { throw .dimensionMismatch("X has \(x.columns) columns, μ has \(mean.count)") }
        let constant = Double(mean.count) * log(2 * Double.pi) + factor.logDeterminant
        let (mean, factor) = (self.mean, self.factor)
        var result = [Double](repeating: 0, count: x.rows)
        result.withUnsafeMutableBufferPointer { rb in
            let out = SendableBlocks(rb.baseAddress!)
            // Each row on its own (the same operations on any number of cores), rows split over the cores.
            RowParallel.forEachChunk(rows: x.rows, work: x.rows * mean.count * mean.count) { rows in
                for n in rows {
                    let row = x.row(n)
                    let e = (0..<mean.count).map { row[$0] - mean[$0] }
                    let v = factor.solveLower(e)
                    out.base[n] = -0.5 * (constant + Vector.dot(v, v))
                }
            }
        }
        return result
    }

    /// (1/N) Σₙ log N(xₙ; μ, Σ), natural log.
    public func averageLogLikelihood(_ x: Matrix) throws(GaussianModelError) -> Double {
        let values = try logLikelihoods(x)
        return values.reduce(0, +) / Double(max(values.count, 1))
    }
}
