import Foundation
import LinearAlgebra
import Testing

@testable import Models

/// `PPCAMaximumLikelihood.averageLogLikelihoods` (all q from one rotation) against each ML model evaluated on its
/// own through `PPCA.averageLogLikelihood` (Woodbury). Tolerance: 1e-11 relative — both sum O(N D) terms of size
/// O(|ℓ|), so rounding differences stay far below it (≈ 1e-14 observed).
@Suite("PPCA model selection: all q at once")
struct PPCAModelSelectionTests {
    static func data(rows: Int, columns: Int, seed: UInt64) -> Matrix {
        var g = Xoshiro256StarStar(seed: seed)
        let z = Matrix(rows: rows, columns: 3, elements: (0..<(rows * 3)).map { _ in g.nextStandardNormal() })
        let w = Matrix(rows: 3, columns: columns, elements: (0..<(3 * columns)).map { _ in 2 * g.nextStandardNormal() })
        let noise = Matrix(rows: rows, columns: columns, elements: (0..<(rows * columns)).map { _ in 0.3 * g.nextStandardNormal() })
        return z * w + noise
    }

    @Test("matches one model at a time, on the training rows and on other rows", arguments: [(2, 40), (7, 300), (12, 25)])
    func matchesModels(_ shape: (Int, Int)) throws {
        let (d, n) = (shape.0, shape.1)
        let train = Self.data(rows: n, columns: d, seed: UInt64(d * 1000 + n))
        let other = Self.data(rows: n / 2 + 1, columns: d, seed: UInt64(d * 1000 + n + 1))
        let fit = try PPCAMaximumLikelihood(train)
        let qs = Array(1..<d)
        for x in [train, other] {
            let all = try fit.averageLogLikelihoods(x, latentDimensions: qs)
            for (q, value) in zip(qs, all) {
                let single = try fit.model(latentDimension: q).averageLogLikelihood(x)
                #expect(abs(value - single) <= 1e-11 * max(1, abs(single)), "q = \(q): \(value) vs \(single)")
            }
        }
    }

    @Test("the errors of model(latentDimension:)")
    func errors() throws {
        let x = Self.data(rows: 30, columns: 4, seed: 9)
        let fit = try PPCAMaximumLikelihood(x)
        #expect(throws: PPCAError.self) { try fit.averageLogLikelihoods(x, latentDimensions: [4]) }
        #expect(throws: PPCAError.self) { try fit.averageLogLikelihoods(Matrix(rows: 2, columns: 3, repeating: 0), latentDimensions: [1]) }
        #expect(try fit.averageLogLikelihoods(x, latentDimensions: []).isEmpty)
    }
}
