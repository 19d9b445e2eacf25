import Foundation
import LinearAlgebra
import Testing
import _TestSupport
@testable import Models

/// N points on an arc: angle uniform on [0.1π, 0.9π], radius 1, plus N(0, 0.05²) noise in each coordinate.
private func arc(rows: Int = 500, seed: UInt64) -> Matrix {
    var g = Xoshiro256StarStar(seed: seed)
    return Matrix((0..<rows).map { _ in
        let angle = Double.pi * (0.1 + 0.8 * g.nextUniform())
        return [cos(angle) + 0.05 * g.nextStandardNormal(), sin(angle) + 0.05 * g.nextStandardNormal()]
    })
}

/// Seeded data from three well-separated PPCA clusters in D = 4 (q = 1).
private func clusters(seed: UInt64) -> Matrix {
    var g = Xoshiro256StarStar(seed: seed)
    var rows: [[Double]] = []
    let specs: [([Double], [Double])] = [([0, 0, 0, 0], [2, 1, 0, 0]), ([6, 6, 0, 0], [0, 1, 2, 0]), ([-6, 5, 3, 1], [1, 0, 0, 2])]
    for (mean, w) in specs {
        let model = try! PPCA(mean: mean, loading: Matrix(rows: 4, columns: 1, elements: w), noiseVariance: 0.1)
        rows += model.sample(count: 150, using: &g).observed.rowArrays
    }
    return Matrix(rows)
}

@Suite struct MixtureOfPPCATests {
    /// Rₙₖ against πₖN(xₙ; μₖ, Cₖ)/Σⱼ πⱼN(xₙ; μⱼ, Cⱼ) with each density from GaussianModel (D × D Cholesky of Cₖ).
    @Test func responsibilitiesMatchDirectGaussianDensities() throws {
        let x = clusters(seed: 1)
        var g = Xoshiro256StarStar(seed: 2)
        let fit = try MixtureOfPPCA.fitEM(x, components: 3, latentDimension: 1, maxIterations: 20, using: &g)
        let model = fit.model
        let r = try model.responsibilities(x)
        let densities = try model.components.map { c in
            try GaussianModel(mean: c.mean, covariance: c.marginalCovariance).logLikelihoods(x)
        }
        var direct = [Double](repeating: 0, count: x.rows)
        for n in 0..<x.rows {
            let weighted = (0..<3).map { model.weights[$0] * exp(densities[$0][n]) }
            let total = weighted.reduce(0, +)
            direct[n] = log(total)
            for k in 0..<3 { #expect(abs(r[n, k] - weighted[k] / total) <= 1e-10) }
            #expect(abs((0..<3).reduce(0) { $0 + r[n, $1] } - 1) <= 1e-12)
        }
        for (a, b) in zip(try model.logLikelihoods(x), direct) { #expect(a.isApproximatelyEqual(to: b, relativeTolerance: 1e-10)) }
    }

    /// EM never decreases ℓ (beyond 10⁻¹²·|ℓ|), on the arc and on the clusters.
    @Test func logLikelihoodNeverDecreases() throws {
        var g = Xoshiro256StarStar(seed: 3)
        for (x, q) in [(arc(seed: 4), 1), (clusters(seed: 5), 2)] {
            for k in [2, 3, 4] {
                let fit = try MixtureOfPPCA.fitEM(x, components: k, latentDimension: q, maxIterations: 300, using: &g)
                for (before, after) in zip(fit.logLikelihoods, fit.logLikelihoods.dropFirst()) {
                    #expect(after - before >= -1e-12 * abs(after))
                }
                #expect(fit.finalLogLikelihood.isApproximatelyEqual(to: try fit.model.averageLogLikelihood(x), relativeTolerance: 1e-12))
            }
        }
    }

    /// K = 1 is PPCA: one M-step reaches the closed-form ML fit.
    @Test func oneComponentIsPPCA() throws {
        let x = clusters(seed: 6)
        var g = Xoshiro256StarStar(seed: 7)
        let fit = try MixtureOfPPCA.fitEM(x, components: 1, latentDimension: 2, maxIterations: 10, using: &g)
        let ppca = try PPCA.fit(x, latentDimension: 2)
        #expect(fit.converged)
        #expect(fit.finalLogLikelihood.isApproximatelyEqual(to: try ppca.averageLogLikelihood(x), relativeTolerance: 1e-12))
        #expect(fit.model.components[0].noiseVariance.isApproximatelyEqual(to: ppca.noiseVariance, relativeTolerance: 1e-10))
        #expect(fit.model.weights == [1])
    }

    /// Local linear pieces of a curve: on the arc ℓ rises with K = 1 … 4 (best of 3 starts each).
    @Test func arcLikelihoodRisesWithComponents() throws {
        let x = arc(seed: 8)
        var g = Xoshiro256StarStar(seed: 9)
        let ells = try (1...4).map { k in
            try MixtureOfPPCA.fitEM(x, components: k, latentDimension: 1, starts: 3, maxIterations: 500, using: &g).best.finalLogLikelihood
        }
        for (fewer, more) in zip(ells, ells.dropFirst()) { #expect(more > fewer + 0.05, "ℓ(K) = \(ells)") }
    }

    /// Same seed ⇒ the same run, bit for bit; another seed gives another start.
    @Test func sameSeedSameResult() throws {
        let x = arc(seed: 10)
        var g1 = Xoshiro256StarStar(seed: 11), g2 = Xoshiro256StarStar(seed: 11), g3 = Xoshiro256StarStar(seed: 12)
        let a = try MixtureOfPPCA.fitEM(x, components: 3, latentDimension: 1, maxIterations: 50, using: &g1)
        let b = try MixtureOfPPCA.fitEM(x, components: 3, latentDimension: 1, maxIterations: 50, using: &g2)
        let c = try MixtureOfPPCA.fitEM(x, components: 3, latentDimension: 1, maxIterations: 50, using: &g3)
        #expect(a.model == b.model)
        #expect(a.logLikelihoods == b.logLikelihoods)
        #expect(a.logLikelihoods[0] != c.logLikelihoods[0])
    }

    @Test func invalidArgumentsAreTypedErrors() {
        let x = arc(rows: 20, seed: 13)
        var g = Xoshiro256StarStar(seed: 14)
        #expect(throws: PPCAError.invalidComponentCount(components: 0, samples: 20)) {
            try MixtureOfPPCA.fitEM(x, components: 0, latentDimension: 1, maxIterations: 5, using: &g)
        }
        #expect(throws: PPCAError.invalidComponentCount(components: 21, samples: 20)) {
            try MixtureOfPPCA.fitEM(x, components: 21, latentDimension: 1, maxIterations: 5, using: &g)
        }
        #expect(throws: PPCAError.invalidStartCount(0)) {
            try MixtureOfPPCA.fitEM(x, components: 2, latentDimension: 1, starts: 0, maxIterations: 5, using: &g)
        }
        let component = try! PPCA(mean: [0, 0], loading: Matrix([[1], [0]]), noiseVariance: 1)
        #expect(throws: PPCAError.invalidMixingWeights([0.5, 0.6])) {
            try MixtureOfPPCA(components: [component, component], weights: [0.5, 0.6])
        }
        #expect(PPCAError.invalidComponentCount(components: 21, samples: 20).description.contains("1 ≤ K ≤ 20"))
    }
}
