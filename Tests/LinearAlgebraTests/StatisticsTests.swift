import LinearAlgebra
import Testing
import _TestSupport

@Suite("Statistics")
struct StatisticsTests {
    @Test func meansCentringAndBothNormalisations() {
        let x = Matrix([[1, 2], [3, 6], [5, 10]])
        #expect(Statistics.columnMeans(x) == [3, 6])
        #expect(Statistics.centred(x, mean: [3, 6]) == Matrix([[-2, -4], [0, 0], [2, 4]]))
        // Scatter matrix Σ x̃ x̃ᵀ = [[8, 16], [16, 32]].
        let ml = Statistics.covariance(x, normalization: .maximumLikelihood)
        let unbiased = Statistics.covariance(x, normalization: .unbiased)
        #expect(ml.isApproximatelyEqual(to: (1.0 / 3) * Matrix([[8, 16], [16, 32]]), relativeTolerance: 1e-15))
        #expect(unbiased.isApproximatelyEqual(to: 0.5 * Matrix([[8, 16], [16, 32]]), relativeTolerance: 1e-15))
    }

    /// The covariance against the two-pass double loop, on data with a large mean offset (10⁶), and exact symmetry.
    @Test(arguments: [(2, 1), (50, 7), (300, 40)])
    func covarianceMatchesDoubleLoop(n: Int, d: Int) {
        var g = generator(n * d)
        let noise = TestMatrices.gaussian(n, d, using: &g)
        let x = Matrix(rows: n, columns: d, elements: noise.elements.enumerated().map { $0.element + 1e6 * Double($0.offset % d + 1) })
        let mean = (0..<d).map { j in (0..<n).reduce(0.0) { $0 + x[$1, j] } / Double(n) }
        var reference = Matrix.zeros(d, d)
        for i in 0..<d { for j in 0..<d {
            var s = 0.0
            for r in 0..<n { s += (x[r, i] - mean[i]) * (x[r, j] - mean[j]) }
            reference[i, j] = s / Double(n)
        } }
        let s = Statistics.covariance(x, normalization: .maximumLikelihood)
        #expect(s.isApproximatelyEqual(to: reference, relativeTolerance: 1e-9))
        #expect(s == s.transposed)
    }
}
