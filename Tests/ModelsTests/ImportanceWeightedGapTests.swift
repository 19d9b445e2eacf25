import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// The replicates behind L_K, and log p(x) − L_K = E[u − log(1 + u)] measured with the exact log p(x).
@Suite struct ImportanceWeightedGapTests {
    /// `estimate` is the mean and standard error of `replicates` from the same draws, to the last bit.
    @Test func estimateSummarisesTheReplicates() throws {
        let model = try toyModel(noiseVariance: 0.2, seed: 21)
        let q = try VariationalGaussian(mean: [0.3], standardDeviations: [0.5])
        for k in [1, 7, 5000] {
            var g1 = Xoshiro256StarStar(seed: 11), g2 = Xoshiro256StarStar(seed: 11)
            let values = try ImportanceWeightedBound.replicates(model, x: [0.1, 0.8], proposal: q, samples: k, replicates: 9, using: &g1)
            let estimate = try ImportanceWeightedBound.estimate(model, x: [0.1, 0.8], proposal: q, samples: k, replicates: 9, using: &g2)
            #expect(values.count == 9)
            let mean = values.reduce(0, +) / 9
            let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 8
            #expect(estimate.value == mean && estimate.standardError == (variance / 9).squareRoot())
            #expect(g1.next() == g2.next(), "both consumed the same draws")
        }
    }

    /// On a seeded decoder (σ² = 0.5) and a proposal wider than the posterior (finite weight variance): every term
    /// is ≥ 0; the exact-gap estimate agrees with the plain log p(x) − L_K within 4 combined standard errors, is
    /// several times more precise at K = 100, and K times it at K = 100 is Var(w)/(2p²) by quadrature within 4 K·SE + 10 %
    /// (the O(1/K) terms).
    @Test(arguments: [[1.2, 0.4], [-0.6, -0.3]])
    func theExactGapIsPreciseAndFollowsTheOneOverKLaw(x: [Double]) throws {
        let model = try toyModel(noiseVariance: 0.5, seed: 21)
        let grid = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 4001, dimension: 1)
        let logp = try model.logMarginals(Matrix([x]), quadrature: grid)[0]
        let q = try ImportanceWeightedBoundTests.proposal(model, x, widen: 1.5)
        let half = 0.5 * (try ImportanceWeightedBound.relativeWeightVariance(model, x: x, proposal: q, grid: grid))
        for k in [1, 100] {
            var g = Xoshiro256StarStar(seed: 8)
            let values = try ImportanceWeightedBound.replicates(model, x: x, proposal: q, samples: k, replicates: 2000, using: &g)
            let gap = try ImportanceWeightedBound.exactGap(replicates: values, sampleCount: k, logMarginal: logp)
            let mean = values.reduce(0, +) / 2000
            let plainSE = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 1999 / 2000).squareRoot()
            #expect(gap.value > 0 && gap.sampleCount == k && gap.replicateCount == 2000)
            #expect(abs(gap.value - (logp - mean)) <= 4 * (gap.standardError * gap.standardError + plainSE * plainSE).squareRoot(),
                    "K = \(k): exact gap \(gap.value) ± \(gap.standardError), plain \(logp - mean) ± \(plainSE)")
            if k == 100 {      // u small: the terms ≈ u²/2 scatter by about the gap, the plain estimate by √(2·gap)
                #expect(gap.standardError < plainSE / 3, "K = \(k): SE \(gap.standardError) against the plain \(plainSE)")
            }
            #expect(abs(gap.ratioDeviation) <= 4 * gap.ratioDeviationStandardError, "the premise E[u] = 0 holds in the sample")
            if k == 100 {
                let scaled = Double(k) * gap.value
                #expect(abs(scaled - half) <= 4 * Double(k) * gap.standardError + 0.1 * half,
                        "K·gap = \(scaled) ± \(Double(k) * gap.standardError), Var(w)/(2p²) = \(half)")
            }
        }
    }

    /// A proposal that reaches only part of the posterior (a twentieth of q*'s width, 3 of its sds off its centre):
    /// the sample mean ū of p̂/p − 1 sits far below 0, beyond its standard error, which is how the estimate flags
    /// that its premise failed; the estimate then falls below the plain log p(x) − mean ℓᵣ.
    @Test func aMissedModeShowsInTheRatioDeviation() throws {
        let model = try toyModel(noiseVariance: 0.2, seed: 21)
        let x = [0.1, 0.8]
        let grid = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 4001, dimension: 1)
        let logp = try model.logMarginals(Matrix([x]), quadrature: grid)[0]
        let fit = try #require(try model.fitGaussianVariational(x, mean: [0], logStandardDeviations: [0], steps: 2000, learningRate: 0.02,
                                                                standardRule: try .trapezoid(halfWidth: 8, pointsPerDimension: 801, dimension: 1)).last)
        // a q far narrower than the posterior and off-centre by 3 of its sds: it reaches only part of the posterior
        let q = try VariationalGaussian(mean: [fit.mean[0] + 3 * fit.standardDeviations[0]], standardDeviations: [0.05 * fit.standardDeviations[0]])
        var g = Xoshiro256StarStar(seed: 4)
        let values = try ImportanceWeightedBound.replicates(model, x: x, proposal: q, samples: 50, replicates: 200, using: &g)
        let gap = try ImportanceWeightedBound.exactGap(replicates: values, sampleCount: 50, logMarginal: logp)
        #expect(gap.ratioDeviation < -0.5 && gap.ratioDeviation < -4 * gap.ratioDeviationStandardError,
                "ū = \(gap.ratioDeviation) ± \(gap.ratioDeviationStandardError)")
        let mean = values.reduce(0, +) / 200
        #expect(gap.value < logp - mean, "the estimate falls below the plain gap when the premise fails")
    }

    /// A hand-made case: tᵣ = expm1(δ) − δ for δ = ℓᵣ − log p, including the exactly-zero term δ = 0.
    @Test func termsAreExpm1MinusDelta() throws {
        let values = [-1.0, -1.5, -0.5, -1.0]
        let gap = try ImportanceWeightedBound.exactGap(replicates: values, sampleCount: 3, logMarginal: -1)
        let terms = [0.0, expm1(-0.5) + 0.5, expm1(0.5) - 0.5, 0.0]
        let mean = terms.reduce(0, +) / 4
        #expect(abs(gap.value - mean) <= 4 * Double.ulpOfOne * mean)
        let sd = (terms.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / 3).squareRoot()
        #expect(abs(gap.standardError - sd / 2) <= 8 * Double.ulpOfOne * sd)
        let u = [0.0, expm1(-0.5), expm1(0.5), 0.0]
        #expect(abs(gap.ratioDeviation - u.reduce(0, +) / 4) <= 4 * Double.ulpOfOne)
        #expect(throws: NonlinearModelError.self) { try ImportanceWeightedBound.exactGap(replicates: [0], sampleCount: 1, logMarginal: 0) }
        #expect(throws: NonlinearModelError.self) { try ImportanceWeightedBound.exactGap(replicates: [0, .nan], sampleCount: 1, logMarginal: 0) }
        #expect(throws: NonlinearModelError.self) { try ImportanceWeightedBound.exactGap(replicates: [0, 1], sampleCount: 1, logMarginal: .infinity) }
        let model = try toyModel(noiseVariance: 0.2, seed: 21)
        let q = try VariationalGaussian(mean: [0], standardDeviations: [1])
        var g = Xoshiro256StarStar(seed: 1)
        #expect(throws: NonlinearModelError.self) { try ImportanceWeightedBound.replicates(model, x: [0, 0], proposal: q, samples: 0, replicates: 4, using: &g) }
        #expect(throws: NonlinearModelError.self) { try ImportanceWeightedBound.replicates(model, x: [0, 0], proposal: q, samples: 2, replicates: 1, using: &g) }
    }
}
