// NonlinearLesson — lesson 4 (Lessons/04-nonlinear-lvm.md): a neural decoder, a marginal likelihood with no closed
// form, and the road to the ELBO. `run` calls one function per `## ` step of the text, in order.
//
// The model: z ~ N(0, I_d), x | z ~ N(f_θ(z), σ² I_D) with f_θ(z) = W₂ᵀ tanh(W₁ᵀz + b₁) + b₂ (a small MLP), so
//   p(x) = ∫ N(x; f_θ(z), σ² I) N(z; 0, I) dz
// has no closed form once f_θ bends. For d ≤ 2 a quadrature rule over z makes it a finite mixture, used to fit the
// decoder on a noisy arc (d = 1) and on the 8×8 digits (d = 2), to look at p(z|x), to show why the integral is
// intractable in general (Monte Carlo, the Kᵈ grid, importance sampling), and to check the identity
// log p(x) = ELBO(q) + KL(q ‖ p(z|x)).
//
// References: Kingma & Welling (2014), Auto-Encoding Variational Bayes; Bishop (2006), PRML §4.4, §10.1, §12.2,
// §12.4; Tipping & Bishop (1999), Probabilistic PCA.

import Foundation
import LessonKit
import LinearAlgebra
import Models

public struct NonlinearLesson: Lesson {
    public init() {}
    public var slug: String { "nonlinear" }
    public var textFileName: String { "04-nonlinear-lvm.md" }
    public var acceptedOptions: [LessonOption] { [] }

    public func run(_ context: LessonContext) throws -> LessonResult {
        let (seed, quick, progress) = (context.seed, context.quick, context.progress)
        let digits = try context.data.dataset(.digits)
        let settings = quick ? NonlinearSettings.quick : .full
        var page = LessonRecorder(observing: context)

        progress("nonlinear: toy curve (steps 1–4)", 0)
        let arc = try dataOnACurve(settings, seed: seed, &page)                                   // 1
        let untrained = try neuralDecoder(arc, settings, seed: seed, &page)                       // 2
        let fit = try fitByQuadrature(arc, untrained, settings, seed: seed) // step 4's fit: step 3 draws it too
        try marginalInOneDimension(arc, fit, settings, &page)                                     // 3
        learningByGradientAscent(arc, fit, settings, &page)                                       // 4
        progress("nonlinear: posterior, Monte Carlo, ELBO (steps 5–7)", 0.2)
        let posteriors = try posteriorIsNotGaussian(arc, fit, settings, &page)                    // 5
        try whyTheIntegralIsIntractable(fit, posteriors, digits: digits.values, settings, seed: seed, &page)  // 6
        try elboInOnePicture(fit, posteriors, &page)                                              // 7
        try maximisingTheELBO(fit, posteriors, settings, &page)                                   // 8
        progress("nonlinear: digits (steps 9–10)", 0.3)
        let digitsFit = try digitsInTwoDimensions(digits, settings, seed: seed, &page) { label, fraction in  // 9
            progress(label, fraction.map { 0.3 + 0.7 * $0 })
        }
        digitsLatentSpace(digitsFit, settings, seed: seed, &page)                                 // 10
        // 11 (why variational inference is needed, and the references) is text only.
        conventions(seed: seed, quick: quick, &page)
        return page.result
    }
}

/// Steps 1–2's data and baseline, for the later steps.
struct ArcData {
    let x: Matrix                              // (N, 2) the noisy arc
    let ppca: PPCA                             // d = 1, closed form
    let ppcaLogLikelihood: Double              // (1/N) Σₙ log p(xₙ) under PPCA
    let plane: (xs: [Double], ys: [Double])    // the even grid the density figures are drawn on
    let planePoints: Matrix                    // (n², 2) its nodes, x varying fastest
}

/// Step 4's fit: the decoder before and after Adam, the rules, and what training recorded.
struct ArcFit {
    let untrained: NonlinearLVM
    let trained: NonlinearLVM
    let trainingRule: LatentQuadrature         // K uniform nodes on [−a, a]
    let referenceRule: LatentQuadrature        // the much finer rule
    let trace: [Double]                        // (steps) (1/N) Σₙ log p(xₙ) before each step, training rule
    let frames: [(step: Int, model: NonlinearLVM)]
    let trainingRuleLogLikelihood: Double      // after training, by the training rule
    let referenceLogLikelihood: Double         // after training, by the reference rule
}

extension NonlinearLesson {
    /// Step 1 — data on a curve, and the best PPCA fit with d = 1, which cannot follow it. With d = D − 1 the fitted
    /// covariance WWᵀ + σ²I is the data's 1/N covariance S (Tipping & Bishop 1999), so PPCA's average log-likelihood is
    /// the ML Gaussian's on its own data, −½(D(1 + log 2π) + log|S|): checked.
    func dataOnACurve(_ s: NonlinearSettings, seed: UInt64, _ page: inout LessonRecorder) throws -> ArcData {
        let x = Self.arc(s, seed: seed)                                                        // (N, 2)
        let ppca = try PPCA.fit(x, latentDimension: 1)
        let ppcaLogLikelihood = try ppca.averageLogLikelihood(x)
        let covariance = Statistics.covariance(x, normalization: .maximumLikelihood)           // (2, 2) S, 1/N
        let d = Double(x.columns)
        let gaussian = -0.5 * (d * (1 + log(2 * Double.pi)) + (try Cholesky(of: covariance)).logDeterminant)
        page.check("toy.ppca_is_the_data_gaussian",
                   method: "expected: −½(D(1 + log 2π) + log|S|), the ML Gaussian's average log-likelihood on its own data (S the 1/N covariance, log|S| by Cholesky); computed: PPCA with d = D − 1 = 1 fitted in closed form, (1/N) Σₙ log p(xₙ) row by row; tolerance 64·N·ε·(|expected| + D)",
                   expected: gaussian, computed: ppcaLogLikelihood,
                   tolerance: 64 * Double(x.rows) * .ulpOfOne * (abs(gaussian) + d))
        page.group("toy") { page in
            page.value("rows", x.rows, "number of toy points N")
            page.value("data_noise_sd", s.toyNoise, "noise standard deviation around the arc (generating process)")
            page.value("ppca_log_likelihood_per_sample", ppcaLogLikelihood, "PPCA (d = 1) log-likelihood per sample", .arcPPCAFit)
            page.value("ppca_latent_dim", 1, "latent dimension d of the PPCA comparison model (q in lesson 2)")
            page.value("ppca_noise_variance", ppca.noiseVariance, "PPCA σ² (ML, d = 1)", .arcPPCANoise)
        }
        let plane = EvenGrid.plane(x: NonlinearFigures.arcX, y: NonlinearFigures.arcY, count: s.densityGrid)
        let planePoints = EvenGrid.planePoints(xs: plane.xs, ys: plane.ys)                     // (n², 2)
        let ppcaDensity = try ppca.logLikelihoods(planePoints)                                 // (n²)
        page.figure("curve-data", NonlinearFigures.curveData(x, ppca: ppca, plane: plane, logDensity: ppcaDensity))
        return ArcData(x: x, ppca: ppca, ppcaLogLikelihood: ppcaLogLikelihood, plane: plane, planePoints: planePoints)
    }

    /// Step 2 — a neural decoder f_θ: ℝ → ℝ², untrained: p(x|z) = N(x; f_θ(z), σ²I), H tanh units, random weights.
    func neuralDecoder(_ arc: ArcData, _ s: NonlinearSettings, seed: UInt64, _ page: inout LessonRecorder) throws -> NonlinearLVM {
        let untrained = try initialDecoder(s, seed: seed)
        var sampling = StepRandom.generator(seed: seed, lesson: slug, step: "toy-decoder-samples")
        let samples = untrained.sample(count: 300, using: &sampling).x                         // (300, 2) x ~ p(x)
        page.group("toy") { page in
            page.value("hidden_units", s.toyHidden, "hidden tanh units H of the decoder 1 → H → 2")
            page.value("parameter_count", untrained.parameters.count, "number of parameters (W₁, b₁, W₂, b₂, log σ²)")
            page.value("initial_noise_variance", s.toyInitialNoiseVariance, "σ² before training")
            page.value("curve_half_width", s.curveHalfWidth, "the figures draw fθ(z) for |z| up to this value")
        }
        let marks = [-2.0, -1, 0, 1, 2].map { z in (z: z, at: untrained.decodedCurve(at: [z])) }
        page.figure("untrained-decoder", NonlinearFigures.untrainedDecoder(
            data: arc.x, samples: samples, curve: untrained.decodedCurve(at: s.curveNodes), halfWidth: s.curveHalfWidth,
            marks: marks.map { (z: $0.z, x: $0.at.x[0], y: $0.at.y[0]) }))
        return untrained
    }

    /// Step 1's data: `toyRows` points of `NoisyArc` from the `toy-arc` stream.
    static func arc(_ s: NonlinearSettings, seed: UInt64) -> Matrix {
        var random = StepRandom.generator(seed: seed, lesson: NonlinearLesson().slug, step: "toy-arc")
        return NoisyArc.sample(rows: s.toyRows, noise: s.toyNoise, using: &random)
    }

    /// Step 2's decoder before training: H tanh units, weights from the `toy-decoder-init` stream.
    func initialDecoder(_ s: NonlinearSettings, seed: UInt64) throws -> NonlinearLVM {
        var initial = StepRandom.generator(seed: seed, lesson: slug, step: "toy-decoder-init")
        let decoder = MLPDecoder(latentDimension: 1, hiddenUnits: s.toyHidden, outputDimension: 2, output: .linear,
                                 gain: s.toyDecoderScales.gain, biasScale: s.toyDecoderScales.bias,
                                 outputScale: s.toyDecoderScales.output, using: &initial)
        return try NonlinearLVM(decoder: decoder, noiseVariance: s.toyInitialNoiseVariance)
    }

    /// The arc of step 1 and the decoder step 4 trains on it, from the same streams and settings, without recording
    /// anything: for the linear-family lesson, which sets mixtures of PPCA beside the decoder.
    static func arcAndTrainedDecoder(seed: UInt64, quick: Bool) throws -> (x: Matrix, fit: ArcFit) {
        let lesson = NonlinearLesson()
        let s = quick ? NonlinearSettings.quick : .full
        let x = arc(s, seed: seed)
        return (x, try lesson.fitByQuadrature(x, try lesson.initialDecoder(s, seed: seed), s, seed: seed))
    }

    /// Step 4's numerics, run before step 3 is drawn: Adam on the quadrature log-likelihood
    /// (1/N) Σₙ log Σₘ wₘ N(xₙ; f_θ(zₘ), σ²I), full batch, with K uniform nodes on [−a, a] (weights h·φ(zₘ)).
    func fitByQuadrature(_ arc: ArcData, _ untrained: NonlinearLVM, _ s: NonlinearSettings, seed: UInt64) throws -> ArcFit {
        try fitByQuadrature(arc.x, untrained, s, seed: seed)
    }

    func fitByQuadrature(_ x: Matrix, _ untrained: NonlinearLVM, _ s: NonlinearSettings, seed: UInt64) throws -> ArcFit {
        let trainingRule = try LatentQuadrature.trapezoid(halfWidth: s.toyRuleHalfWidth, pointsPerDimension: s.toyRulePoints,
                                                          dimension: 1)
        let referenceRule = try LatentQuadrature.trapezoid(halfWidth: s.referenceRule.halfWidth,
                                                           pointsPerDimension: s.referenceRule.points, dimension: 1)
        var model = untrained
        let frameSteps = Self.frameSteps(total: s.toySteps, count: s.trainingFrames)
        var frames: [(step: Int, model: NonlinearLVM)] = []
        let schedule = TrainingSchedule(steps: s.toySteps, learningRate: s.toyLearningRate,
                                        finalLearningRate: s.toyFinalLearningRate)
        var random = StepRandom.generator(seed: seed, lesson: slug, step: "toy-training")      // full batch: no draws
        let trace = try model.train(x, quadrature: trainingRule, schedule: schedule, using: &random) { step, m in
            if frameSteps.contains(step) { frames.append((step, m)) }
        }
        return ArcFit(untrained: untrained, trained: model, trainingRule: trainingRule, referenceRule: referenceRule,
                      trace: trace, frames: frames,
                      trainingRuleLogLikelihood: try model.quadratureMarginal(x, quadrature: trainingRule).meanLogMarginal,
                      referenceLogLikelihood: try model.quadratureMarginal(x, quadrature: referenceRule).meanLogMarginal)
    }

    /// Step 3 — the marginal log p(x) ≈ log Σₘ wₘ N(x; f_θ(zₘ), σ²I) by quadrature: the training rule against a much
    /// finer one (checked), Gauss–Hermite against uniform nodes, and the tube of density around the curve.
    func marginalInOneDimension(_ arc: ArcData, _ fit: ArcFit, _ s: NonlinearSettings, _ page: inout LessonRecorder) throws {
        let (training, reference) = (fit.trainingRule, fit.referenceRule)
        page.check("toy.training_rule",
                   method: "expected: the trained model's (1/N) Σₙ log p(xₙ) by the reference rule (trapezoid, \(reference.count) nodes on ±\(s.referenceRule.halfWidth)); computed: the same by the training rule (\(training.count) uniform nodes on ±\(s.toyRuleHalfWidth)); tolerance 5×10⁻⁴ nats, half a unit of the third decimal the page quotes log-likelihoods to",
                   expected: fit.referenceLogLikelihood, computed: fit.trainingRuleLogLikelihood, tolerance: 5e-4)
        page.group("toy") { page in
            page.value("quadrature_rule", training.name, "quadrature rule used for training")
            page.value("rule_half_width", s.toyRuleHalfWidth, "half-width a of the training rule's interval [−a, a]")
            page.value("quadrature_points", training.count, "quadrature nodes K of the training rule",
                       .uniformNodes(halfWidth: s.toyRuleHalfWidth))
            page.value("quadrature_spacing", 2 * s.toyRuleHalfWidth / Double(s.toyRulePoints - 1), "node spacing h of the training rule")
            page.value("reference_points", reference.count, "nodes of the much finer reference rule",
                       .trapezoidOn(halfWidth: s.referenceRule.halfWidth))
            page.value("training_rule_error", abs(fit.trainingRuleLogLikelihood - fit.referenceLogLikelihood),
                       "|training rule − reference| in the average log-likelihood")
        }

        // mean |log p_K(x) − log p_ref(x)| over the data, for K = each of the accuracy orders
        let (untrained, trained) = (fit.untrained, fit.trained)
        func meanErrors(_ model: NonlinearLVM, _ rule: (Int) throws -> LatentQuadrature) throws -> [Double] {
            let exact = try model.logMarginals(arc.x, quadrature: reference)                          // (N)
            return try s.accuracyOrders.map { k in
                let v = try model.logMarginals(arc.x, quadrature: try rule(k))                          // (N)
                return max(zip(v, exact).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(exact.count), 1e-16)
            }
        }
        let hermite = { (k: Int) in try LatentQuadrature.gaussHermite(order: k, dimension: 1) }
        let (hermiteUntrained, hermiteTrained) = (try meanErrors(untrained, hermite), try meanErrors(trained, hermite))
        let uniform = { (k: Int) in try LatentQuadrature.trapezoid(halfWidth: s.toyRuleHalfWidth, pointsPerDimension: k, dimension: 1) }
        let (uniformUntrained, uniformTrained) = (try meanErrors(untrained, uniform), try meanErrors(trained, uniform))
        page.group("quadrature_accuracy") { page in
            page.value("nodes", s.accuracyOrders, "numbers of quadrature nodes K compared")
            page.value("gauss_hermite_untrained", hermiteUntrained,
                       "mean |log p̂(x; K nodes) − log p̂(x; reference)|, Gauss–Hermite, untrained decoder", .againstTheReferenceRule)
            page.value("gauss_hermite_trained", hermiteTrained,
                       "mean |log p̂(x; K nodes) − log p̂(x; reference)|, Gauss–Hermite, trained decoder")
            page.value("uniform_untrained", uniformUntrained,
                       "mean |log p̂(x; K nodes) − log p̂(x; reference)|, uniform rule on [−a, a], untrained decoder")
            page.value("uniform_trained", uniformTrained,
                       "mean |log p̂(x; K nodes) − log p̂(x; reference)|, uniform rule on [−a, a], trained decoder")
        }
        page.figure("quadrature-accuracy", NonlinearFigures.quadratureAccuracy(
            orders: s.accuracyOrders, hermiteUntrained: hermiteUntrained, hermiteTrained: hermiteTrained,
            uniformUntrained: uniformUntrained, uniformTrained: uniformTrained, untrainedNoise: untrained.noiseVariance, trainedNoise: trained.noiseVariance,
            ruleHalfWidth: s.toyRuleHalfWidth))

        let floor = -8.0
        page.value("toy.density_floor", floor, "lowest contour level of the marginal-density figure", .leftWhiteBelow)
        page.figure("marginal-density", NonlinearFigures.marginalDensity(
            arc.x, plane: arc.plane, floor: floor,
            panels: [(untrained.decodedCurve(at: s.curveNodes), try untrained.logMarginals(arc.planePoints, quadrature: training),
                      "untrained", untrained.noiseVariance),
                     (trained.decodedCurve(at: s.curveNodes), try trained.logMarginals(arc.planePoints, quadrature: training),
                      "trained", trained.noiseVariance)]))
    }

    /// Step 4 — learning θ and log σ² by Adam: ∂ log p(xₙ)/∂fₘ = γₙₘ (xₙ − fₘ)/σ², γₙₘ the responsibilities.
    func learningByGradientAscent(_ arc: ArcData, _ fit: ArcFit, _ s: NonlinearSettings, _ page: inout LessonRecorder) {
        let (trained, trace) = (fit.trained, fit.trace)
        page.group("toy") { page in
            page.value("log_likelihood_per_sample", fit.referenceLogLikelihood, "trained model: log-likelihood per sample",
                       .arcByReferenceRule)
            page.value("log_likelihood_per_sample_training_rule", fit.trainingRuleLogLikelihood,
                       "trained model: log-likelihood per sample by the training rule", .arcAverage)
            page.value("training_trace", trace, "log-likelihood per sample at each Adam step (before the step)", .arcTrainingTrace)
            page.value("initial_log_likelihood_per_sample", trace.first ?? .nan, "log-likelihood per sample of the untrained model")
            page.value("steps", s.toySteps, "Adam steps (full batch)")
            page.value("learning_rate", s.toyLearningRate, "Adam learning rate (first step)", .adamDecay(to: s.toyFinalLearningRate))
            page.value("noise_variance", trained.noiseVariance, "trained σ²", .maximumLikelihoodUnderQuadrature)
            page.value("noise_sd", trained.noiseVariance.squareRoot(), "trained σ")
            page.value("gain_over_ppca", fit.referenceLogLikelihood - arc.ppcaLogLikelihood,
                       "nonlinear − PPCA log-likelihood per sample", .natsPerPoint)
            page.value("density_ratio", exp(fit.referenceLogLikelihood - arc.ppcaLogLikelihood),
                       "geometric-mean density ratio nonlinear / PPCA on the toy data", .geometricMeanDensityRatio)
        }
        let frames = fit.frames.map { step, model in
            (label: "step \(step)", figure: NonlinearFigures.trainingFrame(
                arc.x, plane: arc.plane, curve: model.decodedCurve(at: s.curveNodes), halfWidth: s.curveHalfWidth,
                noiseVariance: model.noiseVariance, logLikelihood: step < trace.count ? trace[step] : fit.trainingRuleLogLikelihood,
                step: step, of: s.toySteps))
        }
        // For print: the start, two early steps and the end.
        let n = frames.count
        page.frames("training", frames, steps: [0, max(1, n / 6), max(2, n / 3), n - 1], columns: 2,
                    title: "Fitting the curve by Adam: four steps of training", cellAspect: 0.8)
        page.figure("training-log-likelihood", NonlinearFigures.trainingLogLikelihood(trace: trace, ppca: arc.ppcaLogLikelihood))
    }

    /// The conventions every number of the lesson follows (results.json `conventions`).
    func conventions(seed: UInt64, quick: Bool, _ page: inout LessonRecorder) {
        page.group("conventions") { page in
            page.value("logarithm", Convention.natsEverywhere.text, "logarithms")
            page.value("per_sample", Convention.perSampleAverage.text, "averages")
            page.value("prior", Convention.decoderModel.text, "model")
            page.value("quadrature", Convention.lessonQuadratureRules.text, "quadrature rules")
            page.value("latent_dimension", Convention.latentDimensionIsD.text, "notation")
            page.value("ppca", Convention.closedFormPPCABaseline.text, "PPCA baseline")
            page.value("densities", Convention.densitiesCanExceedOne.text, "sign of log-likelihoods")
            page.value("seed", Int(truncatingIfNeeded: seed), "seed of the lesson's generator")
            page.value("quick", quick, "quick build (fewer steps and nodes)")
        }
    }

    /// `count` frame steps in 0…total, denser at the start (quadratic spacing).
    static func frameSteps(total: Int, count: Int) -> Set<Int> {
        var steps: Set<Int> = [0, total]
        for i in 0..<count {
            let t = Double(i) / Double(max(count - 1, 1))
            steps.insert(Int((t * t * Double(total)).rounded()))
        }
        return steps
    }
}

extension NonlinearLVM {
    /// The curve f_θ(z) at the given z of a 1-D latent space, as its x₁ and x₂ coordinates.
    func decodedCurve(at z: [Double]) -> PlaneCurve {
        let f = decoder(Matrix(rows: z.count, columns: 1, elements: z))                     // (n, 2)
        return PlaneCurve(x: f.column(0), y: f.column(1))
    }
}
