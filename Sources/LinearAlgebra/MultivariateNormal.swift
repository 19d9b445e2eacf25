/// The multivariate normal N(μ, Σ) in d dimensions, through the Cholesky factor Σ = L Lᵀ.
///
/// Sampling: x = μ + L z with z ~ N(0, I) drawn by `nextStandardNormal()` (d draws per sample, in order).
/// Density: log N(x | μ, Σ) = −½ [d log 2π + log det Σ + ‖L⁻¹(x − μ)‖²] (natural log; Bishop, PRML, eq. 2.43).
public struct MultivariateNormal: Sendable {
    public let mean: [Double]
    public let covariance: Matrix
    /// Σ = L Lᵀ.
    public let cholesky: Cholesky

    /// Throws `.dimensionMismatch` when `mean.count` ≠ the order of `covariance`, `.nonFinite` for NaN/∞ in the mean,
    /// and whatever `Cholesky(of:)` throws (e.g. `.notPositiveDefinite` for a singular covariance).
    public init(mean: [Double], covariance: Matrix) throws(LinearAlgebraError) {
        try covariance.checkSquare()
        guard mean.count == covariance.rows else {
            throw .dimensionMismatch("mean has \(mean.count) entries, covariance is \(covariance.rows)×\(covariance.columns)")
        }
        if let bad = mean.firstIndex(where: { !$0.isFinite }) { throw .nonFinite("mean has \(mean[bad]) at \(bad)") }
        self.mean = mean
        self.covariance = covariance
        self.cholesky = try Cholesky(of: covariance)
    }

    /// The dimension d.
    public var dimension: Int { mean.count }

    /// One draw x = μ + L z.
    public func sample<G: RandomNumberGenerator>(using g: inout G) -> [Double] {
        let d = dimension
        let z = (0..<d).map { _ in g.nextStandardNormal() }
        var x = mean
        let l = cholesky.lower.elements
        for i in 0..<d {
            var s = 0.0
            for k in 0...i { s += l[i * d + k] * z[k] }
            x[i] += s
        }
        return x
    }

    /// `count` draws as the rows of a (count × d) matrix, in draw order.
    public func samples<G: RandomNumberGenerator>(count: Int, using g: inout G) -> Matrix {
        var e = [Double]()
        e.reserveCapacity(count * dimension)
        for _ in 0..<count { e.append(contentsOf: sample(using: &g)) }
        return Matrix(rows: count, columns: dimension, elements: e)
    }

    /// log N(x | μ, Σ) (natural log). `x.count` must equal d (precondition).
    public func logDensity(_ x: [Double]) -> Double {
        precondition(x.count == dimension, "MultivariateNormal.logDensity: point of length \(x.count), dimension \(dimension)")
        let y = cholesky.solveLower(Vector.subtract(x, mean))
        let mahalanobis = Vector.dot(y, y)
        return -0.5 * (Double(dimension) * 2 * StandardNormal.halfLogTwoPi + cholesky.logDeterminant + mahalanobis)
    }
}
