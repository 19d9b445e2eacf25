// VAELesson — lesson 5 (Lessons/05-vae.md): the ELBO and the variational autoencoder, with the exact log p(x) beside
// every bound. `run` calls one function per `## ` step of the text, in order.
//
// The truth is available here where a VAE tutorial can only estimate it: with d = 1 (the arc) or d = 2 (the digits)
// log p(x) is computed by quadrature (the nonlinear lesson), and for a linear decoder in closed form (the PPCA
// lesson). So every bound the lesson shows — the ELBO of a per-point Gaussian, of an encoder, the importance-weighted
// bounds — stands next to the number it bounds, and every gap is a measurement.
//
// References: Kingma & Welling (2014), Auto-encoding variational Bayes; Rezende, Mohamed & Wierstra (2014);
// Neal & Hinton (1998), a view of the EM algorithm; Burda, Grosse & Salakhutdinov (2016), importance weighted
// autoencoders; Cremer, Li & Duvenaud (2018), inference suboptimality in VAEs; Lucas, Tucker, Grosse & Norouzi (2019),
// don't blame the ELBO; Williams (1992), REINFORCE; Bishop (2006), PRML §9.4, §10.1.

import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Models

public struct VAELesson: Lesson {
    public init() {}
    public static let slug = "vae"
    public var slug: String { Self.slug }
    public var textFileName: String { "05-vae.md" }
    public var acceptedOptions: [LessonOption] { [] }

    public func run(_ context: LessonContext) throws -> LessonResult {
        let (seed, quick) = (context.seed, context.quick)
        let settings = quick ? VAESettings.quick : .full
        let streams = VAEStreams(seed: seed)
        let digits = try context.data.dataset(.digits)
        var page = LessonRecorder(observing: context)
        func step<T>(_ label: String, _ fraction: Double, _ body: () throws -> T) rethrows -> T {
            context.progress("vae: " + label, fraction)
            return try body()
        }
        let arc = try step("the arc and its likelihood-trained decoder", 0) { try ArcSetting(seed: seed, quick: quick, streams: streams) }
        try step("the ELBO two ways", 0.02) { try elboTwoWays(arc, settings, streams, &page) }                          // 1
        try step("EM as coordinate ascent", 0.05) { try emAsCoordinateAscent(digits.values, settings, streams, &page) }          // 2
        let perPoint = try step("per-point inference", 0.1) { try perPointInference(arc, settings, &page) }            // 3
        try step("gradient estimators", 0.2) { try gradientEstimators(arc, perPoint, settings, streams, &page) }       // 4
        let trained = try step("amortised inference", 0.3) { try amortisedInference(arc, digits, settings, streams, &page) } // 5
        try step("the gap decomposition", 0.6) { try gapDecomposition(arc, trained, settings, &page) }                 // 6
        try step("importance-weighted bounds", 0.7) { try importanceWeightedBounds(arc, perPoint, settings, streams, &page) } // 7
        try step("a linear VAE is PPCA", 0.8) { try linearVAEIsPPCA(digits.values, settings, streams, &page) }         // 8
        try step("ELBO against likelihood training", 0.9) { try elboVersusLikelihood(arc, trained, settings, streams, &page) } // 9
        context.progress("vae: done", 1)
        page.store(String(seed), at: "seed")
        page.store(quick, at: "quick")
        return page.result
    }
}

/// The lesson's random streams, one per fixed id (`StepRandom` with the lesson's slug).
struct VAEStreams {
    var seed: UInt64
    func generator(_ id: String) -> Xoshiro256StarStar { StepRandom.generator(seed: seed, lesson: VAELesson.slug, step: id) }
    /// Ids: part of the output (renaming one changes that stream's numbers).
    static let klMonteCarlo = "elbo/kl-monte-carlo"
    static let elboMonteCarlo = "elbo/monte-carlo"
    static let emInit = "em/init"
    static let gradients = "gradients/estimators"
    static let arcHeldOut = "arc/held-out"
    static let arcInit = "amortised/arc-init"
    static let arcTraining = "amortised/arc-training"
    static let digitsSplit = "amortised/digits-split"
    static let digitsInit = "amortised/digits-init"
    static let digitsTraining = "amortised/digits-training"
    static let gradientCheck = "amortised/gradient-check"
    static let iwae = "iwae/replicates"
    static let linearInit = "linear-vae/init"
    static let comparison = "comparison/held-out"
}

/// The nonlinear lesson's arc and its likelihood-trained decoder (the same streams and settings, so the same numbers
/// as that lesson's step 4), the probe points A, B, C of its step 5, and a held-out arc of the same size.
struct ArcSetting {
    let x: Matrix                          // (N, 2) the nonlinear lesson's arc
    let heldOut: Matrix                    // (N, 2) a second sample from the same process
    let decoder: NonlinearLVM              // trained by maximum likelihood under the quadrature marginal
    let trainingRule: LatentQuadrature     // the nonlinear lesson's training rule
    let referenceRule: LatentQuadrature    // its much finer rule: log p(x) "exact"
    let probes: [PosteriorProbe]           // A (narrow), B (two modes), C (skewed)
    let split: Double                      // between the two ends of the curve in z
    let nonlinear: NonlinearSettings

    init(seed: UInt64, quick: Bool, streams: VAEStreams) throws {
        let (x, fit) = try NonlinearLesson.arcAndTrainedDecoder(seed: seed, quick: quick)
        nonlinear = quick ? NonlinearSettings.quick : .full
        self.x = x
        var random = streams.generator(VAEStreams.arcHeldOut)
        heldOut = NoisyArc.sample(rows: x.rows, noise: nonlinear.toyNoise, using: &random)
        decoder = fit.trained
        trainingRule = fit.trainingRule
        referenceRule = fit.referenceRule
        (probes, split) = try PosteriorProbes.place(model: fit.trained, data: x, rule: fit.trainingRule)
    }

    /// log p(x) at one point by the reference rule, for any model of the arc.
    func logMarginal(_ model: NonlinearLVM, at point: [Double]) throws -> Double {
        try model.logMarginals(Matrix([point]), quadrature: referenceRule)[0]
    }
}

/// What step 5 trains and steps 6 and 9 read.
struct AmortisedFits {
    let arc: ArcVAEFit
    let digits: DigitsVAEFit
}

/// The VAE trained on the arc (d = 1), and what its training recorded.
struct ArcVAEFit {
    let initial: VariationalAutoencoder
    let trained: VariationalAutoencoder
    let minibatchTrace: [Double]                 // (steps) minibatch ELBO estimate before each step, nats per row
    let evaluationSteps: [Int]
    let elbo: [Double]                           // (1/N) Σₙ ELBO(q_φ(z|xₙ)) by quadrature under q, at each evaluation
    let logLikelihood: [Double]                  // (1/N) Σₙ log p(xₙ) by the reference rule, at each evaluation
    let frames: [(step: Int, vae: VariationalAutoencoder)]
    let nodesSummed: Double                      // mean nodes of the reference rule summed per point (pruned), last evaluation
}

/// The VAE trained on the digits (d = 2), and what its training recorded.
struct DigitsVAEFit {
    let training: Matrix                         // (2N/3, 64)
    let heldOut: Matrix                          // (N/3, 64)
    let trainingRows: [Int]                      // rows of the digits in `training`, in order
    let heldOutRows: [Int]                       // rows of the digits in `heldOut`, in order
    let trained: VariationalAutoencoder
    let minibatchTrace: [Double]
    let evaluationSteps: [Int]
    let elbo: [Double]                           // on the tracked held-out rows, Gauss–Hermite under q
    let logLikelihood: [Double]                  // on the tracked held-out rows, the pruned even grid (`digitsLogMarginals`)
}

extension VAELesson {
    /// The rule for E_{N(0,1)} under every one-dimensional q: trapezoid in ξ = (z − m)/s on ±8.
    static func standardRule(_ s: VAESettings) throws -> LatentQuadrature {
        try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: s.elboRulePoints, dimension: 1)
    }

    /// q_φ(z|xₙ) for every row of x, as Gaussians.
    static func encoderGaussians(_ vae: VariationalAutoencoder, _ x: Matrix) throws -> [VariationalGaussian] {
        let (m, l) = vae.encoder.forward(x)
        return try (0..<x.rows).map { n in
            try VariationalGaussian(mean: m.row(n), standardDeviations: l.row(n).map(exp))
        }
    }

    /// ELBO(q_φ(z|xₙ)) of every row by `standardRule` (deterministic: no sampling), natural log: E_q[log p(x|z)] by the
    /// rule mapped under each q_φ(z|xₙ), the prior and entropy terms in closed form (`NonlinearLVM.elbos`, all rows
    /// through the decoder at once; the value of `NonlinearLVM.elbo(_:q:standardRule:)` row by row).
    static func elbos(_ vae: VariationalAutoencoder, _ x: Matrix, standardRule: LatentQuadrature) throws -> [Double] {
        let (m, l) = vae.encoder.forward(x)
        return try vae.model.elbos(x, means: m, logStandardDeviations: l, standardRule: standardRule)
    }

    /// log p(xₙ) of every row by the Gauss–Hermite rule of `order` per dimension placed under q_φ(z|xₙ) widened by
    /// `widening` (NonlinearLVM.adaptiveLogMarginals).
    static func adaptiveLogMarginals(_ vae: VariationalAutoencoder, _ x: Matrix, order: Int, widening: Double) throws -> [Double] {
        let (m, l) = vae.encoder.forward(x)
        let scales = Matrix(rows: l.rows, columns: l.columns, elements: l.elements.map { widening * exp($0) })
        let rule = try LatentQuadrature.gaussHermite(order: order, dimension: vae.latentDimension)
        return try vae.model.adaptiveLogMarginals(x, centres: m, scales: scales, standardRule: rule)
    }

    static func mean(_ v: [Double]) -> Double { v.reduce(0, +) / Double(v.count) }

    /// log p(xₙ) of an arc model by the reference rule (trapezoid on ±a, K nodes), each row summed over the nodes
    /// near the coarse sub-grid's nodes within `gridCutoff` nats of its largest term (`evenGridLogMarginals`):
    /// the reference rule's value to ~e^{−cutoff}, at a fraction of its cost.
    static func arcLogMarginals(_ model: NonlinearLVM, _ x: Matrix, _ arc: ArcSetting, _ s: VAESettings) throws -> EvenGridMarginals {
        let rule = arc.nonlinear.referenceRule
        return try model.evenGridLogMarginals(x, halfWidth: rule.halfWidth, pointsPerDimension: rule.points,
                                              coarseStride: s.arcGridStride, cutoff: s.gridCutoff)
    }

    /// log p(xₙ) of a digits model: the trapezoid rule on the even grid `digitsGrid` over the prior (K × K nodes on
    /// [−b, b]², weights h²φ(z₁)φ(z₂)), pruned as `arcLogMarginals`. Needs no encoder, so it finds every mode.
    static func digitsLogMarginals(_ model: NonlinearLVM, _ x: Matrix, _ s: VAESettings) throws -> EvenGridMarginals {
        try model.evenGridLogMarginals(x, halfWidth: s.digitsGrid.halfWidth, pointsPerDimension: s.digitsGrid.points,
                                       coarseStride: s.digitsGrid.stride, cutoff: s.gridCutoff)
    }

    /// The steps of the arc VAE's training frames: `arcFrames` of the evaluation steps (every `arcEvaluationEvery`, and
    /// the last), spaced quadratically (denser early, where the curve moves most), so each frame has its traced values.
    static func arcFrameSteps(_ s: VAESettings) -> [Int] {
        var evaluations = Array(stride(from: 0, through: s.arcSteps, by: s.arcEvaluationEvery))
        if evaluations.last != s.arcSteps { evaluations.append(s.arcSteps) }
        let count = min(s.arcFrames, evaluations.count)
        var picked: [Int] = []
        for i in 0..<count {
            let t = count > 1 ? Double(i) / Double(count - 1) : 1
            var k = Int((t * t * Double(evaluations.count - 1)).rounded())
            if let last = picked.last, k <= last { k = last + 1 }
            picked.append(min(k, evaluations.count - 1))
        }
        return picked.map { evaluations[$0] }
    }

    /// Step 5's arc VAE: the nonlinear lesson's decoder architecture (1 → 16 → 2, its initial scales) from this
    /// lesson's stream, an encoder 2 → H → 2, Adam on the reparameterised ELBO (S = 1 draw per row, minibatches).
    static func trainArcVAE(_ arc: ArcSetting, _ s: VAESettings, _ streams: VAEStreams) throws -> ArcVAEFit {
        let n = arc.nonlinear
        var initRandom = streams.generator(VAEStreams.arcInit)
        let decoder = MLPDecoder(latentDimension: 1, hiddenUnits: n.toyHidden, outputDimension: 2, output: .linear,
                                 gain: n.toyDecoderScales.gain, biasScale: n.toyDecoderScales.bias,
                                 outputScale: n.toyDecoderScales.output, using: &initRandom)
        let encoder = GaussianEncoder(inputDimension: 2, hiddenUnits: s.arcEncoderHidden, latentDimension: 1,
                                      inputCentre: Statistics.columnMeans(arc.x), using: &initRandom)
        var vae = try VariationalAutoencoder(encoder: encoder,
                                             model: try NonlinearLVM(decoder: decoder, noiseVariance: n.toyInitialNoiseVariance))
        let initial = vae
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: s.arcTrackingELBOPoints, dimension: 1)
        let frameSteps = Set(arcFrameSteps(s))
        var evaluationSteps: [Int] = [], elbo: [Double] = [], logLikelihood: [Double] = [], nodesSummed = 0.0
        var frames: [(step: Int, vae: VariationalAutoencoder)] = []
        var observeError: Error?
        let schedule = TrainingSchedule(steps: s.arcSteps, learningRate: s.arcLearningRate,
                                        finalLearningRate: s.arcFinalLearningRate, batchSize: s.arcBatch)
        var random = streams.generator(VAEStreams.arcTraining)
        let trace = try vae.train(arc.x, schedule: schedule, using: &random) { step, v in
            if frameSteps.contains(step) { frames.append((step, v)) }
            guard step % s.arcEvaluationEvery == 0 || step == s.arcSteps else { return }
            do {
                elbo.append(mean(try elbos(v, arc.x, standardRule: rule)))
                let exact = try arcLogMarginals(v.model, arc.x, arc, s)
                logLikelihood.append(exact.meanLogMarginal)
                nodesSummed = mean(exact.nodesSummed.map(Double.init))
                evaluationSteps.append(step)
            } catch { observeError = error }
        }
        if let observeError { throw observeError }
        return ArcVAEFit(initial: initial, trained: vae, minibatchTrace: trace, evaluationSteps: evaluationSteps,
                         elbo: elbo, logLikelihood: logLikelihood, frames: frames, nodesSummed: nodesSummed)
    }

    /// Step 5's digits VAE: decoder 2 → H → 64 with output 16·sigmoid (the nonlinear lesson's), encoder 64 → H → 4 on
    /// standardised pixels, Adam on the reparameterised ELBO (S = 1, minibatches), a seeded 2/3 of the digits; the
    /// ELBO (Gauss–Hermite under q_φ) and the exact log p(x) (`digitsLogMarginals`) tracked on the first
    /// `digitsTrackedRows` held-out digits.
    static func trainDigitsVAE(_ digits: Matrix, _ s: VAESettings, _ streams: VAEStreams,
                               progress: (Double) -> Void = { _ in }) throws -> DigitsVAEFit {
        var splitRandom = streams.generator(VAEStreams.digitsSplit)
        let split = RandomSplit.twoThirds(RandomSplit.permutation(digits.rows, using: &splitRandom))
        let x = digits.rows(at: split.training), heldOut = digits.rows(at: split.heldOut)
        let tracked = heldOut.rows(0..<min(s.digitsTrackedRows, heldOut.rows))
        let pixelMax = s.digitsPixelMax
        let means = Statistics.columnMeans(x)
        let bias = means.map { m -> Double in                                         // sigmoid⁻¹ of the mean pixel
            let p = min(max(m / pixelMax, 0.01), 0.99)
            return log(p / (1 - p))
        }
        let spread = Statistics.covariance(x, normalization: .maximumLikelihood).trace / Double(x.columns)
        var initRandom = streams.generator(VAEStreams.digitsInit)
        let decoder = MLPDecoder(latentDimension: 2, hiddenUnits: s.digitsDecoderHidden, outputDimension: x.columns,
                                 output: .scaledSigmoid(pixelMax), outputBias: bias, using: &initRandom)
        let encoder = GaussianEncoder(inputDimension: x.columns, hiddenUnits: s.digitsEncoderHidden, latentDimension: 2,
                                      inputCentre: means, inputScale: spread.squareRoot(), using: &initRandom)
        var vae = try VariationalAutoencoder(encoder: encoder,
                                             model: try NonlinearLVM(decoder: decoder, noiseVariance: s.digitsInitialNoiseVariance))
        let rule = try LatentQuadrature.gaussHermite(order: s.digitsELBOOrder, dimension: 2)
        var evaluationSteps: [Int] = [], elbo: [Double] = [], logLikelihood: [Double] = []
        var observeError: Error?
        let schedule = TrainingSchedule(steps: s.digitsSteps, learningRate: s.digitsLearningRate,
                                        finalLearningRate: s.digitsFinalLearningRate, batchSize: s.digitsBatch)
        var random = streams.generator(VAEStreams.digitsTraining)
        let trace = try vae.train(x, schedule: schedule, using: &random, every: s.digitsEvaluationEvery) { step, v in
            do {
                elbo.append(mean(try elbos(v, tracked, standardRule: rule)))
                logLikelihood.append(try digitsLogMarginals(v.model, tracked, s).meanLogMarginal)
                evaluationSteps.append(step)
            } catch { observeError = error }
            progress(Double(step) / Double(max(s.digitsSteps, 1)))
        }
        if let observeError { throw observeError }
        return DigitsVAEFit(training: x, heldOut: heldOut, trainingRows: split.training, heldOutRows: split.heldOut,
                            trained: vae, minibatchTrace: trace,
                            evaluationSteps: evaluationSteps, elbo: elbo, logLikelihood: logLikelihood)
    }
}
