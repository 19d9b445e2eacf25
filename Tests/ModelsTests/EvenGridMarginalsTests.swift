import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// The pruned even grid (NonlinearLVM+EvenGrid) against the full trapezoid sum over the same nodes: the skipped terms
/// are below e^{−cutoff} of the largest, so the two agree to rounding on narrow, two-mode and sigmoid-output posteriors.
@Suite struct EvenGridMarginalsTests {
    /// A 1-D curve with small noise (narrow posteriors; some x between the ends have two modes), and a 2-D decoder with
    /// sigmoid outputs as the digits' (D = 5).
    static func models() throws -> [(NonlinearLVM, Matrix, String)] {
        let curve = try toyModel(noiseVariance: 0.005, seed: 21)
        var g = Xoshiro256StarStar(seed: 8)
        let ends = curve.decoder(Matrix([[-2.5], [2.5]]))
        let between = [0.5 * (ends[0, 0] + ends[1, 0]), 0.5 * (ends[0, 1] + ends[1, 1])]
        let curveX = Matrix(curve.sample(count: 6, using: &g).x.rowArrays + [between, [3, -2]])
        let digitsLike = try NonlinearLVM(decoder: MLPDecoder(latentDimension: 2, hiddenUnits: 8, outputDimension: 5,
                                                              output: .scaledSigmoid(16), gain: 2, using: &g), noiseVariance: 0.5)
        let digitsX = Matrix(digitsLike.sample(count: 5, using: &g).x.rowArrays + [[8, 8, 8, 8, 8]])
        return [(curve, curveX, "1-D curve"), (digitsLike, digitsX, "2-D sigmoid")]
    }

    @Test func equalsTheFullSumOfTheSameRule() throws {
        for (model, x, name) in try Self.models() {
            let (a, k, c) = model.latentDimension == 1 ? (10.0, 4001, 40) : (5.0, 101, 5)
            let full = try model.logMarginals(x, quadrature: try LatentQuadrature.trapezoid(halfWidth: a, pointsPerDimension: k,
                                                                                             dimension: model.latentDimension))
            let pruned = try model.evenGridLogMarginals(x, halfWidth: a, pointsPerDimension: k, coarseStride: c, cutoff: 40)
            for n in 0..<x.rows {
                #expect(abs(pruned.logMarginals[n] - full[n]) <= 1e-11 * max(1, abs(full[n])),
                        "\(name), row \(n): pruned \(pruned.logMarginals[n]), full \(full[n])")
            }
            #expect(pruned.gridNodes == (model.latentDimension == 1 ? k : k * k))
            #expect(pruned.nodesSummed.allSatisfy { $0 > 0 && $0 <= pruned.gridNodes })
            #expect(pruned.nodesSummed.contains { $0 < pruned.gridNodes / 2 }, "\(name): pruning should skip most nodes somewhere")
        }
    }

    /// An infinite cutoff sums every node; stride 1 keeps the same value; rows computed alone equal rows together.
    @Test func cutoffStrideAndRowIndependence() throws {
        let (model, x, _) = try Self.models()[1]
        let all = try model.evenGridLogMarginals(x, halfWidth: 5, pointsPerDimension: 51, coarseStride: 5, cutoff: .infinity)
        #expect(all.nodesSummed.allSatisfy { $0 == 51 * 51 })
        let strideOne = try model.evenGridLogMarginals(x, halfWidth: 5, pointsPerDimension: 51, coarseStride: 1, cutoff: 40)
        let strideTen = try model.evenGridLogMarginals(x, halfWidth: 5, pointsPerDimension: 51, coarseStride: 10, cutoff: 40)
        for n in 0..<x.rows {
            #expect(abs(strideOne.logMarginals[n] - all.logMarginals[n]) <= 1e-11 * max(1, abs(all.logMarginals[n])))
            #expect(abs(strideTen.logMarginals[n] - all.logMarginals[n]) <= 1e-11 * max(1, abs(all.logMarginals[n])))
            let alone = try model.evenGridLogMarginals(x.rows(n..<(n + 1)), halfWidth: 5, pointsPerDimension: 51, coarseStride: 5, cutoff: 40)
            let together = try model.evenGridLogMarginals(x, halfWidth: 5, pointsPerDimension: 51, coarseStride: 5, cutoff: 40)
            #expect(alone.logMarginals[0] == together.logMarginals[n])
        }
    }

    @Test func refusesAStrideThatDoesNotDivideTheGrid() throws {
        let (model, x, _) = try Self.models()[1]
        #expect(throws: NonlinearModelError.self) {
            try model.evenGridLogMarginals(x, halfWidth: 5, pointsPerDimension: 51, coarseStride: 7)
        }
        #expect(throws: NonlinearModelError.self) {
            try model.evenGridLogMarginals(x, halfWidth: 5, pointsPerDimension: 51, coarseStride: 5, cutoff: 0)
        }
    }
}
