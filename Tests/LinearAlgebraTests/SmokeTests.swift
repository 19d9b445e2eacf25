import LinearAlgebra
import Testing
import _TestSupport

@Suite struct SmokeTests {
    @Test func everything() throws {
        var g = Xoshiro256StarStar(seed: 1)
        for n in [1, 2, 3, 7, 40, 100] {
            let a = TestMatrices.gaussian(n, n + 3, using: &g)
            let b = TestMatrices.gaussian(n + 3, n + 1, using: &g)
            var naive = Matrix.zeros(n, n + 1)
            for i in 0..<n { for j in 0...n { var s = 0.0; for p in 0..<(n + 3) { s += a[i, p] * b[p, j] }; naive[i, j] = s } }
            #expect((a * b).isApproximatelyEqual(to: naive, relativeTolerance: 1e-13))
            #expect(a.transposed.transposeTimes(b).isApproximatelyEqual(to: naive, relativeTolerance: 1e-13))
            #expect(a.timesTranspose(b.transposed).isApproximatelyEqual(to: naive, relativeTolerance: 1e-13))
            let s = TestMatrices.symmetric(n, using: &g)
            let e = try SymmetricEigen(of: s)
            #expect(e.recompose().isApproximatelyEqual(to: s, relativeTolerance: 1e-13))
            #expect(e.eigenvectors.transposeTimes(e.eigenvectors).isApproximatelyEqual(to: .identity(n), relativeTolerance: 1e-13))
            let spd = TestMatrices.symmetricPositiveDefinite(n, using: &g)
            #expect(try Cholesky(of: spd).recompose().isApproximatelyEqual(to: spd, relativeTolerance: 1e-13))
            let svd = try SVD(of: a)
            #expect(svd.recompose().isApproximatelyEqual(to: a, relativeTolerance: 1e-13))
            let svd2 = try SVD(of: a.transposed)
            #expect(svd2.recompose().isApproximatelyEqual(to: a.transposed, relativeTolerance: 1e-13))
            let lu = try LUDecomposition(of: spd)
            #expect((spd * lu.inverse()).isApproximatelyEqual(to: .identity(n), relativeTolerance: 1e-12))
        }
        let gh = try GaussHermite(order: 5)
        #expect(gh.expectation { $0 * $0 * $0 * $0 }.isApproximatelyEqual(to: 3, relativeTolerance: 1e-14))
        #expect(StandardNormal.quantile(0.975).isApproximatelyEqual(to: 1.959963984540054, relativeTolerance: 1e-15))
    }
}
