// VAELesson+LinearVAE — step 8: a linear VAE trained on the digits reaches PPCA's closed form; posterior collapse
// (Lucas, Tucker, Grosse & Norouzi 2019; Tipping & Bishop 1999).
//
// Decoder p(x|z) = N(Wz + μ, σ²I), encoder q(z|x) = N(V(x − μ), diag τ²), d = 2, μ the sample mean (fixed). Its
// average ELBO is a closed form of the 1/N scatter S (`LinearVAE.averageELBOTerms(scatter:)`), so Adam climbs the
// exact objective (`LinearVAE.trained`, gradient in LinearVAE+Training.swift) from a seeded random start. Beside it:
// the exact log-likelihood of the trained decoder, ℓ(μ, W, σ²) (PPCA's closed form), and PPCA's closed-form ML
// optimum ℓ_ML = −½[D log 2π + Σ_{j≤d} log λⱼ + (D − d) log σ²_ML + D], σ²_ML the mean of the discarded eigenvalues.
// Since ELBO ≤ ℓ(decoder) ≤ ℓ_ML, a trained ELBO at ℓ_ML means the decoder is PPCA's ML solution and the encoder its
// exact posterior.
//
// Posterior collapse: at a fixed σ² the ELBO-optimal linear VAE is W = U_d(Λ_d − σ²I)₊^{1/2} (`LinearVAE.optimum`),
// whose per-dimension KL is ½ log(max(λⱼ, σ²)/σ²): a direction whose eigenvalue is at most σ² gets wⱼ = 0 and
// q(zⱼ|x) = N(0, 1), the prior, for every x.

import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting

/// What step 8 computes (the tests read it back through `VAELesson.linearVAE`).
struct LinearVAEStudy {
    let fit: PPCAMaximumLikelihood
    let latentDimension: Int
    let initial: LinearVAE
    let trained: LinearVAE
    let trace: [(step: Int, elbo: Double, logLikelihood: Double)]    // every step, 0…steps
    let maximumLikelihood: Double                                     // ℓ_ML, closed form from the eigenvalues
    let noiseVarianceML: Double
    let trainedELBO: Double
    let trainedLogLikelihood: Double
    let sweep: [Double]                                               // σ² values, ascending
    let sweepKL: [[Double]]                                           // (sweep, d) at the fixed-σ² optimum
    let sweepELBO: [Double]                                           // the optimum's average ELBO at each σ²
    let collapsed: (noiseVariance: Double, trained: LinearVAE, kl: [Double])   // trained with σ² fixed above λ₁
}

extension VAELesson {
    /// Step 8 — a linear VAE is PPCA (d = 2 on the digits), and a σ² sweep collapses the directions with λᵢ ≤ σ².
    func linearVAEIsPPCA(_ digits: Matrix, _ s: VAESettings, _ streams: VAEStreams, _ page: inout LessonRecorder) throws {
        let study = try Self.linearVAE(digits, s, streams)
        let (fit, d) = (study.fit, study.latentDimension)
        let scatter = fit.covariance
        let lambda = Array(fit.eigenvalues.prefix(d))

        // The trained ELBO reaches ℓ_ML.
        page.check("linear_vae.elbo_reaches_ml",
                   method: "expected: PPCA's closed-form optimum ℓ_ML = −½[D log 2π + Σⱼ≤d log λⱼ + (D − d) log σ²_ML + D] (λⱼ eigenvalues of the 1/N covariance of all \(digits.rows) digits, σ²_ML the mean of the other \(digits.columns - d)); computed: the trained linear VAE's average ELBO in closed form from the 1/N scatter (LinearVAE.averageELBOTerms); tolerance \(NumberFormat.scientific(s.linearTolerance)) nats per image, what \(s.linearSteps) Adam steps reach",
                   expected: study.maximumLikelihood, computed: study.trainedELBO, tolerance: s.linearTolerance)
        // Posterior collapse at three fixed σ²: the ELBO optimum's per-dimension KL against ½ log(max(λⱼ, σ²)/σ²).
        for (key, sigma2) in Self.collapseProbes(fit, d) {
            let optimum = try LinearVAE.optimum(fit, latentDimension: d, noiseVariance: sigma2)
            let kl = try optimum.averageKLPerDimension(scatter: scatter)
            let predicted = LinearVAE.collapseKL(eigenvalues: lambda, noiseVariance: sigma2)
            for j in 0..<d {
                page.check("linear_vae.collapse_kl.\(key).\(j + 1)",
                           method: "expected: ½ log(max(λ\(NumberFormat.subscript(j + 1)), σ²)/σ²) at σ² = \(key.replacingOccurrences(of: "_", with: " ")) (λⱼ of the 1/N covariance); computed: KL(q(z\(NumberFormat.subscript(j + 1))|x) ‖ N(0, 1)) averaged over the digits, ½(τⱼ² + (VSVᵀ)ⱼⱼ − 1 − log τⱼ²), of the fixed-σ² ELBO optimum W = U_d(Λ_d − σ²I)₊^{1/2}, V = M⁻¹Wᵀ, τⱼ² = σ²/Mⱼⱼ; tolerance 10⁻⁹ nats (rounding)",
                           expected: predicted[j], computed: kl[j], tolerance: 1e-9)
            }
        }
        let trainedKL = try study.trained.averageKLPerDimension(scatter: scatter)
        let w = study.trained.decoderLoading
        let cosine = Vector.dot(w.column(0), w.column(1)) / (Vector.norm(w.column(0)) * Vector.norm(w.column(1)))
        page.group("linear_vae") { page in
            page.value("elbo_per_sample", study.trainedELBO, "ELBO of the trained linear VAE", .vaeLinearClosedFormELBO)
            page.value("log_likelihood_per_sample", study.trainedLogLikelihood,
                       "exact log-likelihood ℓ of the trained decoder (μ, W, σ²)", .vaeLinearExactLikelihood)
            page.value("latent_dim", d, "latent dimension d of the linear VAE")
            page.value("rows", digits.rows, "digits the linear VAE is trained on")
            page.value("ml_log_likelihood_per_sample", study.maximumLikelihood, "PPCA's closed-form maximum ℓ_ML, d = 2",
                       .vaeLinearMLOptimum)
            page.value("initial_elbo", study.trace.first?.elbo ?? .nan, "ELBO at the random start", .vaeLinearClosedFormELBO)
            page.value("gap_ml_minus_elbo", study.maximumLikelihood - study.trainedELBO, "ℓ_ML − ELBO after training",
                       .vaeNatsPerImage)
            page.value("gap_ml_minus_log_likelihood", study.maximumLikelihood - study.trainedLogLikelihood,
                       "ℓ_ML − ℓ(trained decoder)", .vaeNatsPerImage)
            page.value("gap_log_likelihood_minus_elbo", study.trainedLogLikelihood - study.trainedELBO,
                       "ℓ(trained decoder) − ELBO: the average KL(q(z|x) ‖ p(z|x))", .vaeNatsPerImage)
            page.value("noise_variance", study.trained.noiseVariance, "σ² of the trained decoder", .vaeRawPixelUnits)
            page.value("ml_noise_variance", study.noiseVarianceML, "PPCA's σ²_ML: the mean of the \(digits.columns - d) discarded eigenvalues",
                       .vaeLinearDiscardedMean)
            page.value("column_cosine", cosine, "cosine of the angle between the trained W's two columns")
            page.value("encoder_variances", study.trained.encoderVariances, "τ² of the trained encoder")
            page.value("ml_encoder_variances", lambda.map { study.noiseVarianceML / $0 }, "PPCA's posterior variances σ²_ML/λⱼ")
            page.value("kl_per_dimension", trainedKL, "average KL(q(zⱼ|x) ‖ N(0, 1)) of the trained encoder", .vaeNatsPerImage)
            page.value("eigenvalues", Array(fit.eigenvalues.prefix(4)), "largest eigenvalues λⱼ of the 1/N covariance",
                       .vaeRawPixelUnits)
            page.value("steps", s.linearSteps, "Adam steps")
            page.value("learning_rate", s.linearLearningRate, "Adam step size at the start")
            page.value("final_learning_rate", s.linearFinalLearningRate, "Adam step size at the last step")
            page.value("sweep_points", study.sweep.count, "σ² values of the sweep")
            page.value("sweep_min", study.sweep.first ?? .nan, "smallest σ² of the sweep", .vaeRawPixelUnits)
            page.value("sweep_max", study.sweep.last ?? .nan, "largest σ² of the sweep", .vaeRawPixelUnits)
            let differences = zip(study.sweep, study.sweepKL).flatMap { sigma2, kl in
                zip(kl, LinearVAE.collapseKL(eigenvalues: lambda, noiseVariance: sigma2)).map { abs($0 - $1) }
            }
            page.value("sweep_max_kl_difference", differences.max() ?? .nan,
                       "largest |KLⱼ − ½ log(max(λⱼ, σ²)/σ²)| over the sweep", .vaeNatsPerImage)
            page.value("collapsed_noise_variance", study.collapsed.noiseVariance, "the fixed σ² of the second training, 2λ₁",
                       .vaeRawPixelUnits)
            page.value("collapsed_kl", study.collapsed.kl, "average KL(q(zⱼ|x) ‖ N(0, 1)) after training at that fixed σ²",
                       .vaeNatsPerImage)
            let norms = (0..<d).map { Vector.norm(study.collapsed.trained.decoderLoading.column($0)) }
            page.value("collapsed_decoder_norms", norms, "‖wⱼ‖ after training at that fixed σ²", .vaeRawPixelUnits)
            page.value("collapsed_kl_max", study.collapsed.kl.max() ?? .nan, "the larger KL after training at that fixed σ²",
                       .vaeNatsPerImage)
            page.value("collapsed_norm_max", norms.max() ?? .nan, "the longer column ‖wⱼ‖ after training at that fixed σ²",
                       .vaeRawPixelUnits)
            let marks = Self.traceMarks(s.linearSteps)
            page.store(JSONValue.array(marks.map { k in
                let t = study.trace[k]
                return ["step": .integer(t.step), "elbo": .number(t.elbo), "log_likelihood": .number(t.logLikelihood)]
            }), at: "trace")
            page.store(JSONValue.array(zip(study.sweep, study.sweepKL).map { sigma2, kl in
                ["noise_variance": .number(sigma2), "kl": .numbers(kl)]
            }), at: "sweep")
        }
        page.figure("linear-vae-training", VAELinearFigures.training(
            trace: study.trace, maximumLikelihood: study.maximumLikelihood))
        page.figure("posterior-collapse", VAELinearFigures.collapse(
            sweep: study.sweep, kl: study.sweepKL, eigenvalues: lambda, noiseVarianceML: study.noiseVarianceML,
            collapsed: (study.collapsed.noiseVariance, study.collapsed.kl)))
    }

    /// The fixed σ² at which the per-dimension KL is checked: σ²_ML (both dimensions active), √(λ₁λ₂) (the second
    /// collapsed), 2λ₁ (both collapsed).
    static func collapseProbes(_ fit: PPCAMaximumLikelihood, _ d: Int) -> [(String, Double)] {
        let l = fit.eigenvalues
        return [("ml_noise", (try? fit.noiseVariance(latentDimension: d)) ?? .nan), ("between_l1_l2", (l[0] * l[1]).squareRoot()),
                ("above_l1", 2 * l[0])]
    }

    /// Steps at which the trace is stored: 0, then about 12 per decade up to the last.
    static func traceMarks(_ steps: Int) -> [Int] {
        var marks = Set([0, steps])
        var k = 1.0
        while k < Double(steps) { marks.insert(Int(k.rounded())); k *= pow(10, 1.0 / 12) }
        return marks.sorted()
    }

    /// The random start: W₀ and V₀ with independent N(0, 1) entries scaled by `linearInitialScales`, σ²₀ = tr S / D,
    /// τ₀² = 1 (drawn in this order from the `linearInit` stream: W₀ row-major, then V₀ row-major).
    static func linearInitial(_ fit: PPCAMaximumLikelihood, latentDimension d: Int, _ s: VAESettings,
                              _ streams: VAEStreams) throws -> LinearVAE {
        var random = streams.generator(VAEStreams.linearInit)
        let dim = fit.dimension
        let w = Matrix(rows: dim, columns: d, elements: (0..<(dim * d)).map { _ in s.linearInitialScales.decoder * random.nextStandardNormal() })
        let v = Matrix(rows: d, columns: dim, elements: (0..<(dim * d)).map { _ in s.linearInitialScales.encoder * random.nextStandardNormal() })
        return try LinearVAE(mean: fit.mean, decoderLoading: w, noiseVariance: fit.covariance.trace / Double(dim),
                             encoderLoading: v, encoderVariances: [Double](repeating: 1, count: d))
    }

    /// Step 8's computations.
    static func linearVAE(_ digits: Matrix, _ s: VAESettings, _ streams: VAEStreams) throws -> LinearVAEStudy {
        let d = 2
        let fit = try PPCAMaximumLikelihood(digits)
        let scatter = fit.covariance
        let dim = Double(fit.dimension)
        let sigma2ML = try fit.noiseVariance(latentDimension: d)
        let logLambda = fit.eigenvalues.prefix(d).reduce(0) { $0 + log($1) }
        let maximumLikelihood = -0.5 * (dim * log(2 * Double.pi) + logLambda + (dim - Double(d)) * log(sigma2ML) + dim)

        let initial = try linearInitial(fit, latentDimension: d, s, streams)
        var trace: [(step: Int, elbo: Double, logLikelihood: Double)] = []
        trace.reserveCapacity(s.linearSteps + 1)
        var traceError: Error?
        let schedule = TrainingSchedule(steps: s.linearSteps, learningRate: s.linearLearningRate,
                                        finalLearningRate: s.linearFinalLearningRate)
        let trained = try initial.trained(scatter: scatter, schedule: schedule) { step, model, elbo in
            do {
                let ell = try PPCA(mean: model.mean, loading: model.decoderLoading, noiseVariance: model.noiseVariance)
                    .averageLogLikelihood(scatter: scatter)
                trace.append((step, elbo, ell))
            } catch { traceError = error }
        }
        if let traceError { throw traceError }
        let trainedELBO = try trained.averageELBOTerms(scatter: scatter).value
        let trainedLogLikelihood = try PPCA(mean: trained.mean, loading: trained.decoderLoading, noiseVariance: trained.noiseVariance)
            .averageLogLikelihood(digits)

        // σ² log-spaced from σ²_ML/4 to 4λ₁, with λ₂, √(λ₁λ₂) and λ₁ added.
        let (low, high) = (sigma2ML / 4, 4 * fit.eigenvalues[0])
        var sweep = (0..<s.sigmaSweep).map { k in low * pow(high / low, Double(k) / Double(max(s.sigmaSweep - 1, 1))) }
        sweep += [fit.eigenvalues[1], (fit.eigenvalues[0] * fit.eigenvalues[1]).squareRoot(), fit.eigenvalues[0]]
        sweep.sort()
        var sweepKL: [[Double]] = [], sweepELBO: [Double] = []
        for sigma2 in sweep {
            let optimum = try LinearVAE.optimum(fit, latentDimension: d, noiseVariance: sigma2)
            sweepKL.append(try optimum.averageKLPerDimension(scatter: scatter))
            sweepELBO.append(try optimum.averageELBOTerms(scatter: scatter).value)
        }

        // Training with σ² fixed at 2λ₁: both directions collapse.
        let collapsedSigma2 = 2 * fit.eigenvalues[0]
        let collapsedStart = try LinearVAE(mean: initial.mean, decoderLoading: initial.decoderLoading, noiseVariance: collapsedSigma2,
                                           encoderLoading: initial.encoderLoading, encoderVariances: initial.encoderVariances)
        let collapsed = try collapsedStart.trained(scatter: scatter, schedule: schedule, fixedNoiseVariance: true)
        return LinearVAEStudy(
            fit: fit, latentDimension: d, initial: initial, trained: trained, trace: trace, maximumLikelihood: maximumLikelihood,
            noiseVarianceML: sigma2ML, trainedELBO: trainedELBO, trainedLogLikelihood: trainedLogLikelihood, sweep: sweep,
            sweepKL: sweepKL, sweepELBO: sweepELBO,
            collapsed: (collapsedSigma2, collapsed, try collapsed.averageKLPerDimension(scatter: scatter)))
    }
}
