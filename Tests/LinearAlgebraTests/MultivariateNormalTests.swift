import Foundation
import LinearAlgebra
import Testing
import _TestSupport

@Suite("MultivariateNormal")
struct MultivariateNormalTests {
    static let mean = [1.0, -2.0, 0.5]
    static let covariance = Matrix([[2.0, 0.6, -0.3], [0.6, 1.0, 0.2], [-0.3, 0.2, 0.5]])

    /// log N(x | μ, Σ) against an independent route through the eigendecomposition:
    /// −½[d log 2π + Σ log λᵢ + Σ (vᵢᵀ(x − μ))²/λᵢ].
    @Test func logDensityAgainstEigenRoute() throws {
        let mvn = try MultivariateNormal(mean: Self.mean, covariance: Self.covariance)
        let e = try SymmetricEigen(of: Self.covariance)
        for x in [[0.0, 0, 0], [1, -2, 0.5], [3, 1, -1]] {
            let y = e.eigenvectors.transposeTimes(Vector.subtract(x, Self.mean))
            var quadratic = 0.0, logDet = 0.0
            for i in 0..<3 { quadratic += y[i] * y[i] / e.eigenvalues[i]; logDet += Foundation.log(e.eigenvalues[i]) }
            let reference = -0.5 * (3 * Foundation.log(2 * Double.pi) + logDet + quadratic)
            #expect(mvn.logDensity(x).isApproximatelyEqual(to: reference, relativeTolerance: 1e-13))
        }
    }

    /// Monte Carlo: the sample mean and covariance of 100 000 draws match μ and Σ within 5 standard errors
    /// (Var of a sample covariance entry is (σ_ii σ_jj + σ_ij²)/N).
    @Test func samplesHaveTheRightMoments() throws {
        let mvn = try MultivariateNormal(mean: Self.mean, covariance: Self.covariance)
        var g = Xoshiro256StarStar(seed: 5)
        let n = 100_000
        let x = mvn.samples(count: n, using: &g)
        #expect(x.rows == n && x.columns == 3)
        let m = Statistics.columnMeans(x)
        let s = Statistics.covariance(x, normalization: .maximumLikelihood)
        for i in 0..<3 {
            #expect(abs(m[i] - Self.mean[i]) <= 5 * (Self.covariance[i, i] / Double(n)).squareRoot())
            for j in 0..<3 {
                let sigma = Self.covariance
                let standardError = ((sigma[i, i] * sigma[j, j] + sigma[i, j] * sigma[i, j]) / Double(n)).squareRoot()
                #expect(abs(s[i, j] - sigma[i, j]) <= 5 * standardError)
            }
        }
    }

    @Test func sameSeedSameSamples() throws {
        let mvn = try MultivariateNormal(mean: Self.mean, covariance: Self.covariance)
        var a = Xoshiro256StarStar(seed: 9), b = Xoshiro256StarStar(seed: 9)
        #expect(mvn.samples(count: 50, using: &a) == mvn.samples(count: 50, using: &b))
    }

    @Test func invalidParameters() {
        #expect(throws: LinearAlgebraError.self) { try MultivariateNormal(mean: [0, 0], covariance: Self.covariance) }
        #expect(throws: LinearAlgebraError.notPositiveDefinite(pivot: 1)) {
            try MultivariateNormal(mean: [0, 0], covariance: Matrix([[1, 1], [1, 1]]))
        }
        #expect(throws: LinearAlgebraError.self) { try MultivariateNormal(mean: [.nan], covariance: Matrix([[1]])) }
    }
}
