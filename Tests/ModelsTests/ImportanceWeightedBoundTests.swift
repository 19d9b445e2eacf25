import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// L_K = E[log (1/K) Σₖ p(x, zₖ)/q(zₖ)] (Burda et al. 2016): ELBO(q) = L₁ ≤ L_K ≤ L_{K+1} ≤ log p(x), gap ≈ Var(w)/(2K p²).
@Suite struct ImportanceWeightedBoundTests {
    /// A deliberately imperfect proposal: the best Gaussian for x (Adam on the quadrature ELBO), its mean moved by
    /// half a standard deviation and its standard deviation widened by `widen`.
    static func proposal(_ model: NonlinearLVM, _ x: [Double], widen: Double) throws -> VariationalGaussian {
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 801, dimension: 1)
        let fit = try #require(try model.fitGaussianVariational(x, mean: [0], logStandardDeviations: [0], steps: 2000,
                                                                learningRate: 0.02, standardRule: rule).last)
        let s = widen * fit.standardDeviations[0]
        return try VariationalGaussian(mean: [fit.mean[0] + 0.5 * s], standardDeviations: [s])
    }

    /// On a seeded random 1 → 8 → 2 decoder (σ² = 0.2), K = 1, 10, 100, 1000 with R = 400 replicates each from one
    /// seed: each L_K is no lower than the previous one beyond 3 combined standard errors, L₁₀₀₀ is above L₁ by more
    /// than that, every L_K is below log p(x) (trapezoid, 4001 points on ±8) within 3 SE, and L₁'s mean is the
    /// quadrature ELBO(q) (trapezoid in ξ, 801 points) within 4 SE.
    @Test(arguments: [[0.1, 0.8], [-0.6, -0.3], [1.2, 0.4]])
    func boundRisesWithKAndStaysBelowTheLogMarginal(x: [Double]) throws {
        let model = try toyModel(noiseVariance: 0.2, seed: 21)
        let grid = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 4001, dimension: 1)
        let standard = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 801, dimension: 1)
        let logp = try model.logMarginals(Matrix([x]), quadrature: grid)[0]
        let q = try Self.proposal(model, x, widen: 1.5)
        let elbo = try model.elbo(x, q: q, standardRule: standard).value
        var g = Xoshiro256StarStar(seed: 5)
        let bounds = try ImportanceWeightedBound.estimates(model, x: x, proposal: q, sampleCounts: [1, 10, 100, 1000],
                                                           replicates: 400, using: &g)
        #expect(bounds.map(\.sampleCount) == [1, 10, 100, 1000])
        #expect(bounds.allSatisfy { $0.replicateCount == 400 && $0.standardError > 0 })
        #expect(abs(bounds[0].value - elbo) <= 4 * bounds[0].standardError, "L₁ \(bounds[0].value) ± \(bounds[0].standardError) vs ELBO \(elbo)")
        for (a, b) in zip(bounds, bounds.dropFirst()) {
            let combined = (a.standardError * a.standardError + b.standardError * b.standardError).squareRoot()
            #expect(b.value >= a.value - 3 * combined, "L_\(b.sampleCount) \(b.value) below L_\(a.sampleCount) \(a.value)")
        }
        let (first, last) = (bounds[0], bounds[3])
        #expect(last.value - first.value > 3 * (first.standardError * first.standardError + last.standardError * last.standardError).squareRoot())
        for b in bounds {
            #expect(b.value <= logp + 3 * b.standardError, "L_\(b.sampleCount) \(b.value) ± \(b.standardError) above log p(x) \(logp)")
        }
    }

    /// The 1/K law: for a proposal wider than the posterior (σ² = 0.5, s = 1.5 s*, weights with finite variance),
    /// K (log p(x) − L_K) at K = 100 (R = 20000) is half the relative variance of the weights, Var(w)/p², computed
    /// independently by quadrature, within 4 K·SE plus 10 % (the O(1/K²) terms).
    @Test(arguments: [[1.2, 0.4], [-0.6, -0.3]])
    func gapFollowsTheOneOverKLaw(x: [Double]) throws {
        let model = try toyModel(noiseVariance: 0.5, seed: 21)
        let grid = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 4001, dimension: 1)
        let logp = try model.logMarginals(Matrix([x]), quadrature: grid)[0]
        let q = try Self.proposal(model, x, widen: 1.5)
        let half = 0.5 * (try ImportanceWeightedBound.relativeWeightVariance(model, x: x, proposal: q, grid: grid))
        #expect(half > 0.05 && half < 5, "relative variance/2 = \(half)")
        var g = Xoshiro256StarStar(seed: 8)
        let k = 100
        let b = try ImportanceWeightedBound.estimate(model, x: x, proposal: q, samples: k, replicates: 20000, using: &g)
        let scaledGap = Double(k) * (logp - b.value)
        #expect(abs(scaledGap - half) <= 4 * Double(k) * b.standardError + 0.1 * half,
                "K·gap = \(scaledGap) ± \(Double(k) * b.standardError), Var(w)/(2p²) = \(half)")
    }

    /// Same seed, same estimates; log-mean-exp is stable far outside exp's range.
    @Test func logMeanExpIsStableAndEstimatesAreReproducible() throws {
        #expect(ImportanceWeightedBound.logMeanExp([1000, 1000]) == 1000)
        #expect(abs(ImportanceWeightedBound.logMeanExp([-1000, -1000 + log(3.0)]) - (-1000 + log(2.0))) < 1e-12)
        #expect(ImportanceWeightedBound.logMeanExp([]) == -.infinity)
        let model = try toyModel(noiseVariance: 0.2, seed: 21)
        let q = try VariationalGaussian(mean: [0.3], standardDeviations: [0.5])
        var g1 = Xoshiro256StarStar(seed: 3), g2 = Xoshiro256StarStar(seed: 3)
        let a = try ImportanceWeightedBound.estimates(model, x: [0.1, 0.8], proposal: q, sampleCounts: [1, 50], replicates: 30, using: &g1)
        let b = try ImportanceWeightedBound.estimates(model, x: [0.1, 0.8], proposal: q, sampleCounts: [1, 50], replicates: 30, using: &g2)
        #expect(a == b)
    }

    @Test func refusesBadArguments() throws {
        let model = try toyModel(noiseVariance: 0.2, seed: 21)
        let q = try VariationalGaussian(mean: [0], standardDeviations: [1])
        var g = Xoshiro256StarStar(seed: 1)
        #expect(throws: NonlinearModelError.self) { try ImportanceWeightedBound.estimate(model, x: [0, 0], proposal: q, samples: 0, replicates: 10, using: &g) }
        #expect(throws: NonlinearModelError.self) { try ImportanceWeightedBound.estimate(model, x: [0, 0], proposal: q, samples: 5, replicates: 1, using: &g) }
        #expect(throws: NonlinearModelError.self) { try ImportanceWeightedBound.estimate(model, x: [0, 0, 0], proposal: q, samples: 5, replicates: 10, using: &g) }
        let q2 = try VariationalGaussian(mean: [0, 0], standardDeviations: [1, 1])
        #expect(throws: NonlinearModelError.self) { try ImportanceWeightedBound.estimate(model, x: [0, 0], proposal: q2, samples: 5, replicates: 10, using: &g) }
        #expect(throws: NonlinearModelError.self) { try ImportanceWeightedBound.estimates(model, x: [0, 0], proposal: q, sampleCounts: [], replicates: 10, using: &g) }
    }
}
