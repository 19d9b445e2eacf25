import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// Adam on the linear VAE's closed-form ELBO (LinearVAE+Training.swift): the hand-derived gradient against central
/// differences of `averageELBOTerms(scatter:)`, its zeros at PPCA's ML solution, and training that reaches the closed
/// form (ELBO ≤ ℓ(decoder) ≤ ℓ_ML at every step) and, with σ² fixed above λ₁, collapses.
@Suite struct LinearVAETrainingTests {
    /// Simulated PPCA data, D = 5, q = 2, N = 400 (a seeded W, μ and σ² = 0.3).
    static func simulated(seed: UInt64) throws -> Matrix {
        var g = Xoshiro256StarStar(seed: seed)
        let truth = try PPCA(mean: [1, -2, 0.5, 0, 3], loading: LinearVAETests.randomMatrix(5, 2, scale: 1.5, &g), noiseVariance: 0.3)
        return truth.sample(count: 400, using: &g).observed
    }

    /// An arbitrary linear VAE (D = 5, d = 2) about the sample mean of x.
    static func arbitrary(_ x: Matrix, seed: UInt64) throws -> LinearVAE {
        var g = Xoshiro256StarStar(seed: seed)
        return try LinearVAE(mean: Statistics.columnMeans(x), decoderLoading: LinearVAETests.randomMatrix(5, 2, scale: 1, &g),
                             noiseVariance: 0.7, encoderLoading: LinearVAETests.randomMatrix(2, 5, scale: 0.3, &g),
                             encoderVariances: [0.4, 1.3])
    }

    /// Every entry of ∂F/∂(W, log σ², V, log τ²) against the central difference (h = 10⁻⁵) of the ELBO by
    /// `averageELBOTerms(scatter:)` (the formula of LinearVAE.swift, written independently of the gradient's code), to
    /// 10⁻⁶ relative to max(1, |∂|); the value returned with the gradient is that ELBO to 10⁻¹².
    @Test(arguments: [UInt64(1), 2, 3])
    func gradientMatchesCentralDifferences(seed: UInt64) throws {
        let x = try Self.simulated(seed: 10 + seed)
        let vae = try Self.arbitrary(x, seed: seed)
        let s = try vae.scatter(x)
        let (value, gradient) = try vae.averageELBOAndGradient(scatter: s)
        let reference = try vae.averageELBOTerms(scatter: s).value
        #expect(abs(value - reference) <= 1e-12 * max(1, abs(reference)), "value \(value) vs \(reference)")
        let theta = vae.trainableParameters
        let analytic = gradient.flattened
        #expect(analytic.count == theta.count && theta.count == 2 * 5 * 2 + 1 + 2)
        let h = 1e-5
        for i in theta.indices {
            var plus = theta, minus = theta
            plus[i] += h
            minus[i] -= h
            let numeric = (try vae.withTrainableParameters(plus).averageELBOTerms(scatter: s).value
                - vae.withTrainableParameters(minus).averageELBOTerms(scatter: s).value) / (2 * h)
            #expect(abs(numeric - analytic[i]) <= 1e-6 * max(1, abs(analytic[i])), "parameter \(i): analytic \(analytic[i]), numeric \(numeric)")
        }
        // the round trip through the parameter vector
        let back = try vae.withTrainableParameters(theta)
        #expect(back.decoderLoading == vae.decoderLoading && back.encoderLoading == vae.encoderLoading)
        #expect(abs(back.noiseVariance - vae.noiseVariance) <= 1e-15 && zip(back.encoderVariances, vae.encoderVariances).allSatisfy { abs($0 - $1) <= 1e-15 })
    }

    /// At PPCA's ML fit with its best encoder the ELBO is stationary: every entry of the gradient is 0 to 10⁻⁹ (the
    /// ML fit and the best encoder are both closed forms).
    @Test func gradientVanishesAtTheMaximumLikelihoodFit() throws {
        let x = try Self.simulated(seed: 4)
        let ml = try PPCA.fit(x, latentDimension: 2)
        let vae = try LinearVAE(ppca: ml)
        let (_, gradient) = try vae.averageELBOAndGradient(scatter: try vae.scatter(x))
        let largest = gradient.flattened.map(abs).max() ?? .nan
        #expect(largest <= 1e-9, "largest |∂F| at the ML fit: \(largest)")
        // …and not at a rotated decoder (same likelihood, lower ELBO)
        let angle = 0.5
        let rotated = try LinearVAE(ppca: try ml.rotated(by: Matrix([[cos(angle), -sin(angle)], [sin(angle), cos(angle)]])))
        let (_, g2) = try rotated.averageELBOAndGradient(scatter: try rotated.scatter(x))
        #expect((g2.flattened.map(abs).max() ?? 0) > 1e-4)
    }

    /// From a random start Adam reaches PPCA's closed-form ℓ_ML within 10⁻⁵ nats per row (D = 5, d = 2, 4000 steps), and
    /// at every step ELBO ≤ ℓ(μ, W, σ²) ≤ ℓ_ML; observe sees steps 0…steps with the ELBO of that model.
    @Test(arguments: [UInt64(7), 8])
    func trainingReachesTheClosedForm(seed: UInt64) throws {
        let x = try Self.simulated(seed: seed)
        let s = Statistics.covariance(x, normalization: .maximumLikelihood)
        let ml = try PPCA.fit(x, latentDimension: 2)
        let ellML = try ml.averageLogLikelihood(x)
        let start = try Self.arbitrary(x, seed: seed)
        var seen: [Int] = []
        var violations = 0
        let trained = try start.trained(scatter: s, schedule: TrainingSchedule(steps: 4000, learningRate: 0.05, finalLearningRate: 0.001)) { step, model, elbo in
            seen.append(step)
            let ell = (try? PPCA(mean: model.mean, loading: model.decoderLoading, noiseVariance: model.noiseVariance)
                .averageLogLikelihood(scatter: s)) ?? .nan
            let reference = (try? model.averageELBOTerms(scatter: s).value) ?? .nan
            if !(elbo <= ell + 1e-10 && ell <= ellML + 1e-10 && abs(elbo - reference) <= 1e-10 * max(1, abs(reference))) { violations += 1 }
        }
        #expect(seen == Array(0...4000))
        #expect(violations == 0)
        let elbo = try trained.averageELBO(x)
        #expect(abs(ellML - elbo) <= 1e-5, "trained ELBO \(elbo), ℓ_ML \(ellML)")
        #expect(abs(trained.noiseVariance - ml.noiseVariance) <= 1e-4 * ml.noiseVariance)
        #expect(trained.mean == start.mean)
    }

    /// With σ² fixed above λ₁ every direction collapses: σ² stays where it was, both KLs → 0 and both columns of W → 0.
    @Test func fixedLargeNoiseCollapses() throws {
        let x = try Self.simulated(seed: 9)
        let fit = try PPCAMaximumLikelihood(x)
        let s = fit.covariance
        let base = try Self.arbitrary(x, seed: 9)
        let sigma2 = 2 * fit.eigenvalues[0]
        let start = try LinearVAE(mean: base.mean, decoderLoading: base.decoderLoading, noiseVariance: sigma2,
                                  encoderLoading: base.encoderLoading, encoderVariances: base.encoderVariances)
        let trained = try start.trained(scatter: s, schedule: TrainingSchedule(steps: 3000, learningRate: 0.05, finalLearningRate: 0.001),
                                        fixedNoiseVariance: true)
        #expect(abs(trained.noiseVariance - sigma2) <= 1e-12 * sigma2)
        let kl = try trained.averageKLPerDimension(scatter: s)
        #expect(kl.allSatisfy { $0 >= 0 && $0 < 1e-6 }, "KL \(kl)")
        for j in 0..<2 { #expect(Vector.norm(trained.decoderLoading.column(j)) < 1e-2) }
        // and below λ₂ nothing collapses
        let active = try LinearVAE(mean: base.mean, decoderLoading: base.decoderLoading, noiseVariance: 0.5 * fit.eigenvalues[1],
                                   encoderLoading: base.encoderLoading, encoderVariances: base.encoderVariances)
            .trained(scatter: s, schedule: TrainingSchedule(steps: 3000, learningRate: 0.05, finalLearningRate: 0.001), fixedNoiseVariance: true)
        let predicted = LinearVAE.collapseKL(eigenvalues: Array(fit.eigenvalues.prefix(2)), noiseVariance: 0.5 * fit.eigenvalues[1])
        let activeKL = try active.averageKLPerDimension(scatter: s).sorted(by: >)
        for j in 0..<2 { #expect(abs(activeKL[j] - predicted[j]) <= 1e-4, "KL \(activeKL) vs \(predicted)") }
    }

    @Test func refusesBadArguments() throws {
        let x = try Self.simulated(seed: 1)
        let vae = try Self.arbitrary(x, seed: 1)
        #expect(throws: NonlinearModelError.self) { try vae.withTrainableParameters([1, 2, 3]) }
        #expect(throws: NonlinearModelError.self) { try vae.averageELBOAndGradient(scatter: Matrix.identity(4)) }
        #expect(throws: NonlinearModelError.self) {
            try vae.trained(scatter: try vae.scatter(x), schedule: TrainingSchedule(steps: 10, learningRate: -1))
        }
    }
}
