import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing
@testable import Lessons

/// Step 8 of the VAE lesson: the linear VAE trained on the digits against PPCA's closed form, posterior collapse along
/// the σ² sweep; the results keys of the issue; the checks recomputed by the tests' own code.
@Suite(.serialized) struct VAELinearTests {
    /// ELBO ≤ ℓ(trained decoder) ≤ ℓ_ML after training and at every step of it; the trained ELBO within the mode's
    /// tolerance of ℓ_ML (10⁻³ nats per image in full mode for two seeds); σ² near σ²_ML, orthogonal columns.
    @Test(arguments: [(UInt64(1999), true), (1999, false), (2024, false)])
    func trainedLinearVAEReachesPPCA(seed: UInt64, quick: Bool) throws {
        let s = quick ? VAESettings.quick : .full
        let study = try VAELesson.linearVAE(sharedDigits.values, s, VAEStreams(seed: seed))
        let ell = study.maximumLikelihood
        #expect(study.trainedELBO <= study.trainedLogLikelihood + 1e-10 && study.trainedLogLikelihood <= ell + 1e-10)
        #expect(ell - study.trainedELBO <= s.linearTolerance, "gap \(ell - study.trainedELBO)")
        #expect(study.trace.count == s.linearSteps + 1)
        #expect(study.trace.allSatisfy { $0.elbo <= $0.logLikelihood + 1e-10 && $0.logLikelihood <= ell + 1e-10 })
        #expect(study.trace.first!.elbo < ell - 1, "the start is not far from the optimum")
        #expect(abs(study.trained.noiseVariance - study.noiseVarianceML) <= 0.01 * study.noiseVarianceML)
        let w = study.trained.decoderLoading
        #expect(abs(Vector.dot(w.column(0), w.column(1))) <= 0.05 * Vector.norm(w.column(0)) * Vector.norm(w.column(1)))
        // ℓ_ML against PPCA's own closed-form model
        let ml = try study.fit.model(latentDimension: 2)
        #expect(abs(ml.averageLogLikelihood(scatter: study.fit.covariance) - ell) <= 1e-10 * abs(ell))
    }

    /// The σ² sweep spans λ₂ and λ₁ (and includes them); at each σ² KLⱼ of the optimum is the closed form, exactly 0 for
    /// σ² ≥ λⱼ; the training at σ² = 2λ₁ collapses both directions.
    @Test func sweepShowsCollapse() throws {
        let s = VAESettings.quick
        let study = try VAELesson.linearVAE(sharedDigits.values, s, VAEStreams(seed: 1999))
        let lambda = Array(study.fit.eigenvalues.prefix(2))
        #expect(study.sweep.count == s.sigmaSweep + 3 && study.sweep == study.sweep.sorted())
        #expect(study.sweep.first! < study.noiseVarianceML && study.sweep.last! > 2 * lambda[0])
        #expect(study.sweep.contains(lambda[0]) && study.sweep.contains(lambda[1]))
        for (sigma2, kl) in zip(study.sweep, study.sweepKL) {
            let predicted = LinearVAE.collapseKL(eigenvalues: lambda, noiseVariance: sigma2)
            for j in 0..<2 {
                #expect(abs(kl[j] - predicted[j]) <= 1e-10)
                if sigma2 >= lambda[j] { #expect(kl[j] == 0, "σ² = \(sigma2), j = \(j): KL \(kl[j])") } else { #expect(kl[j] > 1e-4) }
            }
        }
        // the fixed-σ² optimum's ELBO is largest near σ²_ML among the sweep's values (it equals ℓ(W_σ², σ²))
        let best = study.sweep[study.sweepELBO.indices.max { study.sweepELBO[$0] < study.sweepELBO[$1] }!]
        #expect(best / study.noiseVarianceML < 2.1 && study.noiseVarianceML / best < 2.1)
        #expect(study.collapsed.kl.allSatisfy { $0 >= 0 && $0 < 1e-4 }, "KL at σ² = 2λ₁: \(study.collapsed.kl)")
    }

    /// The issue's results keys, and step 8's checks recomputed by VAEChecks+LinearVAE.
    @Test func resultsKeysAndChecks() throws {
        let result = try VAEBoundTests.run()
        guard case .object(let linear)? = result.results["linear_vae"] else { Issue.record("no linear_vae"); return }
        for key in ["elbo_per_sample", "log_likelihood_per_sample", "latent_dim", "ml_log_likelihood_per_sample"] {
            #expect(linear[key] != nil, "linear_vae.\(key)")
        }
        #expect(linear["latent_dim"] == .integer(2))
        let mine = result.checks.filter { $0.name.hasPrefix("linear_vae.") }
        #expect(mine.count == 1 + 3 * 2)
        try expectChecksRecomputed(LessonResult(checks: mine), inputs: CheckInputs(seed: 1999, quick: true, digits: sharedDigits),
                                   recompute: VAEChecks.recompute)
    }
}
