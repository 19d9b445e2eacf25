import Foundation
import LinearAlgebra
import Testing

@testable import Models

/// The digits (1797 × 64) read with a plain split: the test's own reader, independent of the lessons' CSV loader.
enum DigitsFixture {
    static let matrix: Matrix = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Lessons/data/digits.csv")
        let text = try! String(contentsOf: url, encoding: .utf8)
        let lines = text.split(whereSeparator: \.isNewline).dropFirst()
        let rows = lines.map { $0.split(separator: ",").map { Double($0)! } }
        return Matrix(rows: rows.count, columns: rows[0].count, elements: rows.flatMap { $0 })
    }()
}

/// A seeded (N, D) matrix with correlated columns and distinct variances: x = A g + b, g standard normal.
func correlatedData(rows: Int, columns: Int, seed: UInt64) -> Matrix {
    var generator = Xoshiro256StarStar(seed: seed)
    var mixing = [Double](repeating: 0, count: columns * columns)
    for k in mixing.indices { mixing[k] = generator.nextStandardNormal() * (1 + Double(k % columns)) }
    var elements: [Double] = []
    elements.reserveCapacity(rows * columns)
    for _ in 0..<rows {
        let g = (0..<columns).map { _ in generator.nextStandardNormal() }
        for i in 0..<columns {
            var sum = 3.0 * Double(i)  // a mean away from zero
            for j in 0..<columns { sum += mixing[i * columns + j] * g[j] }
            elements.append(sum)
        }
    }
    return Matrix(rows: rows, columns: columns, elements: elements)
}

@Suite struct PCATests {
    static let epsilon = Double.ulpOfOne

    /// MSE(q) computed from the rows equals Σ_{i>q} λᵢ (PRML 12.18) for every q.
    /// Tolerance: 64·D·ε·tr S — the rounding of the covariance sums, of the eigenvectors' orthogonality (O(D·ε))
    /// and of the residual sums, each relative to the total variance.
    @Test(arguments: [(rows: 200, columns: 2, seed: UInt64(1)), (rows: 50, columns: 7, seed: 2), (rows: 5, columns: 12, seed: 3)])
    func reconstructionErrorEqualsDiscardedEigenvalues(_ shape: (rows: Int, columns: Int, seed: UInt64)) throws {
        let x = correlatedData(rows: shape.rows, columns: shape.columns, seed: shape.seed)
        let pca = try PCA(fitting: x)
        let tolerance = 64 * Double(pca.dimension) * Self.epsilon * pca.totalVariance
        for q in 0...pca.dimension {
            let mse = pca.reconstructionMSE(x, dimensions: q)
            let discarded = pca.discardedVariance(dimensions: q)
            #expect(abs(mse - discarded) <= tolerance, "q = \(q): MSE \(mse), Σ discarded \(discarded)")
        }
        // The incremental version gives the same numbers as the one-q-at-a-time reconstruction.
        let all = pca.reconstructionMSEs(x)
        #expect(all.count == pca.dimension + 1)
        for q in 0...pca.dimension { #expect(abs(all[q] - pca.reconstructionMSE(x, dimensions: q)) <= tolerance, "q = \(q)") }
        // q = 0 reconstructs every point by the mean: the error is the total variance.
        #expect(abs(pca.reconstructionMSE(x, dimensions: 0) - pca.totalVariance) <= tolerance)
    }

    /// The block-by-block, two-rows-at-a-time `reconstructionMSEs` against the one-q-at-a-time reconstruction, on
    /// row counts that cross the 256-row blocks (odd and even: the last row of a block can be alone) and widths that
    /// leave a tail after the 8-wide SIMD loop; the larger shapes are split over the cores. Same tolerance as above.
    @Test(arguments: [(rows: 1001, columns: 13, seed: UInt64(4)), (rows: 600, columns: 64, seed: 5), (rows: 257, columns: 3, seed: 6)])
    func incrementalErrorsMatchOneAtATime(_ shape: (rows: Int, columns: Int, seed: UInt64)) throws {
        let x = correlatedData(rows: shape.rows, columns: shape.columns, seed: shape.seed)
        let pca = try PCA(fitting: x)
        let tolerance = 64 * Double(pca.dimension) * Self.epsilon * pca.totalVariance
        let all = pca.reconstructionMSEs(x)
        for q in 0...pca.dimension { #expect(abs(all[q] - pca.reconstructionMSE(x, dimensions: q)) <= tolerance, "q = \(q)") }
    }

    @Test func digitsReconstructionIdentity() throws {
        let x = DigitsFixture.matrix
        let pca = try PCA(fitting: x)
        let tolerance = 64 * Double(pca.dimension) * Self.epsilon * pca.totalVariance
        for q in [0, 1, 2, 5, 10, 20, 40, 61, 64] {
            #expect(abs(pca.reconstructionMSE(x, dimensions: q) - pca.discardedVariance(dimensions: q)) <= tolerance, "q = \(q)")
        }
    }

    @Test func explainedVarianceSumsToOneAndIsSortedAndNonnegative() throws {
        for (rows, columns, seed) in [(300, 5, UInt64(4)), (3, 9, 5)] {
            let pca = try PCA(fitting: correlatedData(rows: rows, columns: columns, seed: seed))
            let ratio = pca.explainedVarianceRatio
            #expect(abs(ratio.reduce(0, +) - 1) <= Double(columns) * Self.epsilon)
            #expect(zip(pca.eigenvalues, pca.eigenvalues.dropFirst()).allSatisfy { $0 >= $1 })
            #expect(pca.eigenvalues.allSatisfy { $0 >= 0 })
            #expect(abs(pca.cumulativeExplainedVariance.last! - 1) <= Double(columns) * Self.epsilon)
            // Rank at most N − 1: with 3 rows only two eigenvalues are nonzero.
            if rows < columns {
                #expect(pca.eigenvalues[(rows - 1)...].allSatisfy { $0 <= 64 * Double(columns) * Self.epsilon * pca.totalVariance })
            }
        }
    }

    /// Components: orthonormal rows, the sign convention, and S uᵢ = λᵢ uᵢ.
    @Test func componentsAreOrthonormalEigenvectorsWithTheSignConvention() throws {
        let x = correlatedData(rows: 120, columns: 6, seed: 6)
        let pca = try PCA(fitting: x)
        let d = pca.dimension
        let gram = pca.components.timesTranspose(pca.components)
        #expect((gram - Matrix.identity(d)).frobeniusNorm <= 16 * Double(d) * Self.epsilon)
        for i in 0..<d {
            let u = pca.components.row(i)
            let largest = u.indices.max { abs(u[$0]) < abs(u[$1]) }!
            #expect(u[largest] > 0, "component \(i)")
            let residual = zip(pca.covariance.times(u), u).map { $0 - pca.eigenvalues[i] * $1 }
            #expect(Vector.norm(residual) <= 64 * Double(d) * Self.epsilon * pca.eigenvalues[0], "component \(i)")
        }
    }

    /// The scores are centred and uncorrelated, with variances λ₁ … λ_q (1/N).
    @Test func scoresHaveDiagonalCovarianceOfEigenvalues() throws {
        let x = correlatedData(rows: 400, columns: 4, seed: 7)
        let pca = try PCA(fitting: x)
        let z = pca.transform(x, dimensions: 3)
        #expect(z.rows == 400 && z.columns == 3)
        let scale = 64 * Double(pca.dimension) * Self.epsilon * pca.totalVariance
        for m in Statistics.columnMeans(z) { #expect(abs(m) <= scale) }
        let covariance = Statistics.covariance(z, normalization: .maximumLikelihood)
        for i in 0..<3 {
            for j in 0..<3 {
                #expect(abs(covariance[i, j] - (i == j ? pca.eigenvalues[i] : 0)) <= scale, "(\(i), \(j))")
            }
        }
    }

    @Test func fullReconstructionReturnsTheData() throws {
        let x = correlatedData(rows: 30, columns: 5, seed: 8)
        let pca = try PCA(fitting: x)
        let xHat = pca.reconstruct(x, dimensions: 5)
        #expect((xHat - x).frobeniusNorm <= 64 * Double(x.columns) * Self.epsilon * x.frobeniusNorm)
    }

    /// Maximum variance: no direction keeps more than λ₁, and u₁ keeps exactly λ₁; V(u) + E(u) = tr S for every u.
    @Test func firstComponentMaximisesProjectedVariance() throws {
        let x = correlatedData(rows: 250, columns: 3, seed: 9)
        let pca = try PCA(fitting: x)
        let centred = Statistics.centred(x, mean: pca.mean)
        let tolerance = 64 * Double(pca.dimension) * Self.epsilon * pca.totalVariance
        #expect(abs(PCA.projectedVariance(centred, along: pca.components.row(0)) - pca.eigenvalues[0]) <= tolerance)
        #expect(abs(PCA.reconstructionError(centred, along: pca.components.row(0)) - pca.discardedVariance(dimensions: 1)) <= tolerance)
        var generator = Xoshiro256StarStar(seed: 10)
        for _ in 0..<200 {
            let g = (0..<3).map { _ in generator.nextStandardNormal() }
            let u = g.map { $0 / Vector.norm(g) }
            let v = PCA.projectedVariance(centred, along: u)
            let e = PCA.reconstructionError(centred, along: u)
            #expect(v <= pca.eigenvalues[0] + tolerance)
            #expect(e >= pca.discardedVariance(dimensions: 1) - tolerance)
            #expect(abs(v + e - pca.totalVariance) <= tolerance)
        }
    }

    @Test func constantColumnsGiveZeroEigenvalues() throws {
        // The digits have three constant-zero columns: three zero eigenvalues, the others positive.
        let pca = try PCA(fitting: DigitsFixture.matrix)
        #expect(pca.eigenvalues[61...].allSatisfy { $0 <= 64 * 64 * Self.epsilon * pca.totalVariance })
        #expect(pca.eigenvalues[..<61].allSatisfy { $0 > 1e-4 })
        // A wholly constant data set: all eigenvalues zero, ratios zero (not NaN).
        let constant = try PCA(fitting: Matrix(rows: 3, columns: 2, elements: [1, 2, 1, 2, 1, 2]))
        #expect(constant.eigenvalues == [0, 0])
        #expect(constant.explainedVarianceRatio == [0, 0])
        #expect(constant.mean == [1, 2])
    }

    @Test func smallestCasesAndBadInput() throws {
        // Two points: one direction, along their difference, with λ₁ = ‖x₁ − x₂‖²/4.
        let two = try PCA(fitting: Matrix(rows: 2, columns: 2, elements: [0, 0, 3, 4]))
        #expect(abs(two.eigenvalues[0] - 25.0 / 4) <= 8 * Self.epsilon * 25)
        #expect(abs(two.eigenvalues[1]) <= 8 * Self.epsilon * 25)
        #expect(abs(two.components[0, 0] - 0.6) <= 8 * Self.epsilon && abs(two.components[0, 1] - 0.8) <= 8 * Self.epsilon)
        // One variable: the variance (1/N) and the component [1].
        let one = try PCA(fitting: Matrix(rows: 4, columns: 1, elements: [1, 2, 3, 4]))
        #expect(abs(one.eigenvalues[0] - 1.25) <= 8 * Self.epsilon)
        #expect(one.components.row(0) == [1])
        #expect(throws: PCAError.tooFewObservations(rows: 1, columns: 3)) {
            try PCA(fitting: Matrix(rows: 1, columns: 3, elements: [1, 2, 3]))
        }
        #expect(throws: PCAError.nonFinite(row: 1, column: 0)) {
            try PCA(fitting: Matrix(rows: 2, columns: 2, elements: [1, 2, .nan, 4]))
        }
        #expect(two.componentsNeeded(toExplain: 0.9) == 1)
    }
}
