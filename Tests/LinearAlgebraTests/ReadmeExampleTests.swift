import LinearAlgebra
import Testing
import _TestSupport

/// The example of Sources/LinearAlgebra/README.md, kept compiling and checked here.
@Suite("README example")
struct ReadmeExampleTests {
    @Test func example() throws {
        var rng = Xoshiro256StarStar(seed: 42)
        let x = Matrix(rows: 100, columns: 3, elements: (0..<300).map { _ in rng.nextStandardNormal() })
        let s = Statistics.covariance(x, normalization: .maximumLikelihood)
        let eigen = try SymmetricEigen(of: s)
        let firstAxis = eigen.eigenvectors.column(0)
        #expect(Vector.norm(firstAxis).isApproximatelyEqual(to: 1, relativeTolerance: 1e-14))
        let centred = Statistics.centred(x, mean: Statistics.columnMeans(x))
        let svd = try SVD(of: centred)
        #expect(svd.u.rows == 100 && svd.u.columns == 3 && svd.v.rows == 3)
        for k in 0..<3 {
            let lambda = svd.singularValues[k] * svd.singularValues[k] / 100
            #expect(lambda.isApproximatelyEqual(to: eigen.eigenvalues[k], relativeTolerance: 1e-12))
        }
        let gaussian = try MultivariateNormal(mean: [0, 0, 0], covariance: s)
        #expect(gaussian.logDensity([0.1, -0.2, 0.3]).isFinite)
        #expect(gaussian.samples(count: 10, using: &rng).rows == 10)
        let rule = try GaussHermite(order: 20)
        #expect(rule.expectation { $0 * $0 * $0 * $0 }.isApproximatelyEqual(to: 3, relativeTolerance: 1e-12))
        var caught: Int? = nil
        // (A `catch LinearAlgebraError.notPositiveDefinite(let pivot)` clause crashes the Swift 6.3.1 compiler in a
        // throwing function; matching inside the catch block avoids it.)
        do { _ = try Cholesky(of: Matrix([[1, 2], [2, 1]])) } catch {
            if case .notPositiveDefinite(let pivot) = error { caught = pivot }
        }
        #expect(caught == 1)
    }
}
