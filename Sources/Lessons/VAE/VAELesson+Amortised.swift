// VAELesson+Amortised — steps 5–6: an encoder trained with the decoder (arc and digits), and the gap decomposition.
//
// Step 5 (Kingma & Welling 2014; Rezende, Mohamed & Wierstra 2014; Kingma & Ba 2015 for Adam): q_φ(z|x) =
// N(m_φ(x), diag s_φ(x)²) from one network for every x; encoder and decoder trained together on the reparameterised
// ELBO (1/B) Σₙ [log p(xₙ|mₙ + sₙ ⊙ εₙ) − KL(q_φ(z|xₙ) ‖ p(z))], one draw εₙ per row, on minibatches; the gradient of
// that fixed-noise objective checked by central differences on the page; the exact log p(x) beside the ELBO — on the
// arc by the nonlinear lesson's reference rule, on the digits by an even grid over the prior (both pruned to the nodes
// within `gridCutoff` nats of the largest term, which changes nothing but the cost).
//
// Step 6 (Cremer, Li & Duvenaud 2018): log p(x) − ELBO(q_φ) = [log p(x) − ELBO(q*)] + [ELBO(q*) − ELBO(q_φ)], the
// approximation gap (the Gaussian family) and the amortisation gap (one shared encoder), with q* the best diagonal
// Gaussian for each x found by Adam from several starts, at the probes and over the plane.

import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting

extension VAELesson {
    /// Step 5 — amortised inference: encoder and decoder trained together on the reparameterised ELBO, the exact
    /// log p(x) tracked beside it.
    func amortisedInference(_ arc: ArcSetting, _ digits: Dataset, _ s: VAESettings, _ streams: VAEStreams,
                            _ page: inout LessonRecorder) throws -> AmortisedFits {
        let arcFit = try Self.trainArcVAE(arc, s, streams)
        let digitsFit = try Self.trainDigitsVAE(digits.values, s, streams)
        try Self.gradientChecks(arc: (arcFit.trained, arc.x), digits: (digitsFit.trained, Self.gradientCheckRows(digitsFit, s)),
                                streams, &page)
        let arcSummary = try recordArcVAE(arc, arcFit, s, &page)
        let digitsSummary = try recordDigitsVAE(digits, digitsFit, s, &page)
        page.figure("vae-training-curves", VAEFiguresAmortised.trainingCurves(
            arcSteps: arcFit.evaluationSteps, arcELBO: arcFit.elbo, arcLogLikelihood: arcFit.logLikelihood,
            arcPPCA: arcSummary.ppca, arcLikelihoodTrained: arcSummary.likelihoodTrained,
            digitsSteps: digitsFit.evaluationSteps, digitsELBO: digitsFit.elbo, digitsLogLikelihood: digitsFit.logLikelihood,
            digitsPPCA: digitsSummary.ppcaTracked, digitsRows: digitsSummary.trackedRows))
        return AmortisedFits(arc: arcFit, digits: digitsFit)
    }

    // MARK: - Gradient checks

    /// The training digits whose fixed-noise objective the gradient check differentiates.
    static func gradientCheckRows(_ fit: DigitsVAEFit, _ s: VAESettings) -> Matrix {
        fit.training.rows(0..<min(s.gradientCheckRows, fit.training.rows))
    }

    /// The coordinates of φ (into `encoder.parameters`) and of θ, log σ² (into `model.parameters`) whose derivative
    /// step 5 checks: one in each layer of each network.
    static func gradientCoordinates(_ vae: VariationalAutoencoder) -> (encoder: [(name: String, index: Int)], decoder: [(name: String, index: Int)]) {
        let e = vae.encoder, f = vae.model.decoder
        let (dIn, h, d) = (e.inputDimension, e.hiddenUnits, e.latentDimension)
        let (q, hf, dOut) = (f.latentDimension, f.hiddenUnits, f.outputDimension)
        let pixel = dIn > 2 ? 28 : 0                    // a pixel that varies (the digits' corner pixels are always 0)
        return ([("encoder W₁[\(pixel), 0]", pixel * h), ("encoder b₁[1]", dIn * h + 1), ("encoder W₂[2, 0] (to m₁)", dIn * h + h + 2 * (2 * d)),
                 ("encoder b₂[\(d)] (to log s₁)", dIn * h + h + 2 * d * h + d)],
                [("decoder W₁[0, 1]", 1), ("decoder b₁[2]", q * hf + 2), ("decoder W₂[3, 1]", q * hf + hf + 3 * dOut + 1),
                 ("log σ²", vae.model.parameters.count - 1)])
    }

    /// The fixed noise ε of the gradient check: first the arc's (N × 1), then the digits' (N × 2), from one stream.
    static func gradientCheckNoise(arcRows: Int, digitsRows: Int, _ streams: VAEStreams) -> (arc: Matrix, digits: Matrix) {
        var random = streams.generator(VAEStreams.gradientCheck)
        let arc = Matrix(rows: arcRows, columns: 1, elements: (0..<arcRows).map { _ in random.nextStandardNormal() })
        let digits = Matrix(rows: digitsRows, columns: 2, elements: (0..<(2 * digitsRows)).map { _ in random.nextStandardNormal() })
        return (arc, digits)
    }

    /// The step of the central differences for a parameter of value θᵢ.
    static func differenceStep(_ value: Double) -> Double { 1e-5 * max(1, abs(value)) }

    /// VariationalAutoencoder.gradient at fixed noise against central differences of the same objective
    /// (`elbo(x, noise:, form: .closedFormKL)` averaged over the rows), for the coordinates of `gradientCoordinates`,
    /// on the trained arc VAE (all training points) and the trained digits VAE (`gradientCheckRows` training digits).
    static func gradientChecks(arc: (VariationalAutoencoder, Matrix), digits: (VariationalAutoencoder, Matrix), _ streams: VAEStreams,
                               _ page: inout LessonRecorder) throws {
        let noise = gradientCheckNoise(arcRows: arc.1.rows, digitsRows: digits.1.rows, streams)
        var rows: [[TableCell]] = [], worst = 0.0
        for (name, (vae, x), eps) in [("arc", arc, noise.arc), ("digits", digits, noise.digits)] {
            let analytic = try vae.gradient(x, noise: eps)
            func objective(_ v: VariationalAutoencoder) throws -> Double { mean(try v.elbo(x, noise: eps, form: .closedFormKL)) }
            let coordinates = gradientCoordinates(vae)
            for (part, list) in [("encoder", coordinates.encoder), ("decoder", coordinates.decoder)] {
                for (k, coordinate) in list.enumerated() {
                    var plus = vae, minus = vae
                    let h: Double
                    if part == "encoder" {
                        var phi = vae.encoder.parameters
                        h = differenceStep(phi[coordinate.index])
                        phi[coordinate.index] += h; plus.encoder.parameters = phi
                        phi[coordinate.index] -= 2 * h; minus.encoder.parameters = phi
                    } else {
                        var theta = vae.model.parameters
                        h = differenceStep(theta[coordinate.index])
                        theta[coordinate.index] += h; plus.model.parameters = theta
                        theta[coordinate.index] -= 2 * h; minus.model.parameters = theta
                    }
                    let exact = part == "encoder" ? analytic.encoder[coordinate.index] : analytic.decoder[coordinate.index]
                    let central = (try objective(plus) - objective(minus)) / (2 * h)
                    let tolerance = 1e-6 * max(1, abs(exact))
                    page.check("amortised.gradient.\(name).\(part).\(k + 1)",
                               method: "expected: ∂L/∂(\(coordinate.name)) of the \(name) VAE by backpropagation (VariationalAutoencoder.gradient) at fixed noise ε, L = (1/N) Σₙ [log p(xₙ|mₙ + sₙ ⊙ εₙ) − KL(q_φ(z|xₙ) ‖ p(z))] over \(x.rows) training rows; computed: central difference (L(θᵢ + h) − L(θᵢ − h))/(2h) of the same objective, h = 10⁻⁵ max(1, |θᵢ|); tolerance 10⁻⁶ max(1, |expected|), the finite difference's accuracy here",
                               expected: exact, computed: central, tolerance: tolerance)
                    worst = max(worst, abs(exact - central) / max(1, abs(exact)))
                    rows.append([.text(name), .text(coordinate.name), .number(exact, .scientific(6)), .number(central, .scientific(6)),
                                 .number(abs(exact - central), .scientific(1))])
                }
            }
        }
        page.group("training.gradient_check") { page in
            page.value("coordinates", rows.count, "coordinates of φ and θ checked (both VAEs)")
            page.value("max_error", worst, "largest |backprop − central difference| / max(1, |backprop|)", .vaeFixedNoise)
            page.value("arc_rows", arc.1.rows, "rows of the arc's fixed-noise objective")
            page.value("digits_rows", digits.1.rows, "rows of the digits' fixed-noise objective")
        }
        page.table("vae-gradient-check", Table(
            columns: ["VAE", "parameter", "∂L/∂θᵢ, backpropagation", "central difference", "|difference|"], rows: rows,
            caption: "The gradient of the fixed-noise objective, one coordinate in each layer of each network"))
    }

    // MARK: - The arc VAE

    /// Step 5 on the arc: values, the training frames; returns the reference levels of the training figure.
    func recordArcVAE(_ arc: ArcSetting, _ fit: ArcVAEFit, _ s: VAESettings, _ page: inout LessonRecorder) throws
        -> (ppca: Double, likelihoodTrained: Double) {
        let vae = fit.trained
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: s.gapRulePoints, dimension: 1)
        let elbo = Self.mean(try Self.elbos(vae, arc.x, standardRule: rule))
        let logLikelihood = try Self.arcLogMarginals(vae.model, arc.x, arc, s).meanLogMarginal
        let heldOutELBO = Self.mean(try Self.elbos(vae, arc.heldOut, standardRule: rule))
        let initialELBO = Self.mean(try Self.elbos(fit.initial, arc.x, standardRule: rule))
        let heldOutLogLikelihood = try Self.arcLogMarginals(vae.model, arc.heldOut, arc, s).meanLogMarginal
        let checked = arc.x.rows(0..<min(s.prunedCheckRows, arc.x.rows))
        let fullRule = try vae.model.quadratureMarginal(checked, quadrature: arc.referenceRule).meanLogMarginal
        page.check("amortised.arc.pruned_reference_rule",
                   method: "expected: the trained arc VAE's (1/n) Σₙ log p(xₙ) over the first \(checked.rows) training points by the full reference rule (trapezoid, \(arc.referenceRule.count) nodes on ±\(NumberFormat.significant(arc.nonlinear.referenceRule.halfWidth))); computed: the same rule summed, for each point, only over the nodes near the coarse sub-grid's nodes (every \(s.arcGridStride)th) within \(NumberFormat.significant(s.gridCutoff)) nats of its largest term, as for every arc value of the lesson; tolerance 10⁻¹⁰ nats",
                   expected: fullRule, computed: try Self.arcLogMarginals(vae.model, checked, arc, s).meanLogMarginal, tolerance: 1e-10)
        let ppca = try PPCA.fit(arc.x, latentDimension: 1).averageLogLikelihood(arc.x)
        let likelihoodTrained = try Self.arcLogMarginals(arc.decoder, arc.x, arc, s).meanLogMarginal
        let (m, l) = vae.encoder.forward(arc.x)
        let sds = l.elements.map(exp)
        page.group("training.arc") { page in
            page.value("elbo_per_sample", elbo, "arc VAE: ELBO per point after training (training points)", .vaeArcELBO)
            page.value("log_likelihood_per_sample", logLikelihood, "arc VAE: exact log-likelihood per point after training (training points)",
                       .vaeArcExact)
            page.value("gap", logLikelihood - elbo, "arc VAE: log p(x) − ELBO per point (training points)", .vaeGapIsLogPMinusELBO)
            page.value("held_out_elbo_per_sample", heldOutELBO, "arc VAE: ELBO per point on the held-out arc", .vaeArcHeldOutAverage)
            page.value("held_out_log_likelihood_per_sample", heldOutLogLikelihood, "arc VAE: exact log-likelihood per point on the held-out arc",
                       .vaeArcHeldOutAverage)
            page.value("initial_elbo_per_sample", initialELBO, "arc VAE: ELBO per point before training", .vaeArcELBO)
            page.value("initial_log_likelihood_per_sample", fit.logLikelihood.first ?? .nan,
                       "arc VAE: exact log-likelihood per point before training", .vaeArcExact)
            page.value("noise_variance", vae.model.noiseVariance, "arc VAE: decoder noise variance σ² after training")
            page.value("noise_sd", vae.model.noiseVariance.squareRoot(), "arc VAE: decoder noise standard deviation σ after training")
            page.value("data_noise_sd", arc.nonlinear.toyNoise, "noise standard deviation of the process that made the arc")
            page.value("likelihood_trained_log_likelihood_per_sample", likelihoodTrained,
                       "likelihood-trained decoder (nonlinear lesson): exact log-likelihood per point (training points)", .vaeArcExact)
            page.value("ppca_log_likelihood_per_sample", ppca, "PPCA d = 1: log-likelihood per point (training points)", .vaePPCAClosedForm)
            page.value("steps", s.arcSteps, "Adam steps (arc VAE)")
            page.value("batch_size", s.arcBatch, "minibatch size (arc VAE)")
            page.value("learning_rate", s.arcLearningRate, "Adam step size α at the start (arc VAE)")
            page.value("final_learning_rate", s.arcFinalLearningRate, "Adam step size at the end, geometric decay (arc VAE)")
            page.value("encoder_hidden", s.arcEncoderHidden, "encoder hidden tanh units (arc)")
            page.value("decoder_hidden", arc.nonlinear.toyHidden, "decoder hidden tanh units (arc)")
            page.value("evaluation_every", s.arcEvaluationEvery, "Adam steps between evaluations of the exact values (arc)")
            page.value("nodes_summed", fit.nodesSummed, "mean reference-rule nodes summed per point (of all of them)")
            page.value("reference_points", arc.referenceRule.count, "nodes of the reference rule")
            page.value("encoder_sd_min", sds.min() ?? .nan, "smallest encoder standard deviation s_φ(x) on the training points")
            page.value("encoder_sd_max", sds.max() ?? .nan, "largest encoder standard deviation s_φ(x) on the training points")
            page.value("encoder_mean_min", m.elements.min() ?? .nan, "smallest encoder mean m_φ(x) on the training points")
            page.value("encoder_mean_max", m.elements.max() ?? .nan, "largest encoder mean m_φ(x) on the training points")
        }
        // Frames: the encoder's mean over the plane, the data, the curve.
        let plane = EvenGrid.plane(x: NonlinearFigures.arcX, y: NonlinearFigures.arcY, count: s.planeField)
        let planePoints = EvenGrid.planePoints(xs: plane.xs, ys: plane.ys)                   // (n², 2)
        let curveZ = arc.nonlinear.curveNodes
        let frames = fit.frames.map { step, v in
            let markZ = [-2.0, 0, 2]
            let marked = v.model.decodedCurve(at: markZ)
            let k = fit.evaluationSteps.firstIndex(of: step) ?? 0                   // frames are at evaluation steps
            return (label: "step \(step)", figure: VAEFiguresAmortised.arcTrainingFrame(
                arc.x, plane: plane, meanField: v.encoder.forward(planePoints).mean.elements,
                curve: v.model.decodedCurve(at: curveZ),
                marks: markZ.indices.map { (z: markZ[$0], x: marked.x[$0], y: marked.y[$0]) },
                elbo: fit.elbo[k], logLikelihood: fit.logLikelihood[k], step: step, of: s.arcSteps))
        }
        page.frames("vae-arc-training", frames, steps: Array(frames.indices), columns: 2,
                    title: "The arc VAE during training: encoder mean m_φ(x) (colour), decoder fθ(z) (black), data (dots)", cellAspect: 0.72)
        return (ppca, likelihoodTrained)
    }

    // MARK: - The digits VAE

    /// Step 5 on the digits: the required `training.final` values (training digits), held-out values, PPCA d = 2,
    /// the grid check, the adaptive rule's error, and the latent-space and reconstruction figures.
    func recordDigitsVAE(_ digits: Dataset, _ fit: DigitsVAEFit, _ s: VAESettings, _ page: inout LessonRecorder) throws
        -> (ppcaTracked: Double, trackedRows: Int) {
        let vae = fit.trained, model = vae.model
        let elboRule = try LatentQuadrature.gaussHermite(order: s.digitsELBOOrder, dimension: 2)
        let training = try Self.digitsLogMarginals(model, fit.training, s)
        let trainingELBO = Self.mean(try Self.elbos(vae, fit.training, standardRule: elboRule))
        let heldOut = try Self.digitsLogMarginals(model, fit.heldOut, s)
        let heldOutELBO = Self.mean(try Self.elbos(vae, fit.heldOut, standardRule: elboRule))
        let ppca = try PPCA.fit(fit.training, latentDimension: 2)
        let tracked = fit.heldOut.rows(0..<min(s.digitsTrackedRows, fit.heldOut.rows))
        let ppcaTracked = try ppca.averageLogLikelihood(tracked)
        let (ppcaTraining, ppcaHeldOut) = (try ppca.averageLogLikelihood(fit.training), try ppca.averageLogLikelihood(fit.heldOut))
        // The grid against a finer, wider full grid on the first held-out digits.
        let checkRule = try LatentQuadrature.trapezoid(halfWidth: s.digitsCheckGrid.halfWidth, pointsPerDimension: s.digitsCheckGrid.points,
                                                       dimension: 2)
        let checked = fit.heldOut.rows(0..<s.digitsCheckRows)
        let fine = try model.logMarginals(checked, quadrature: checkRule)
        var gridError = 0.0
        for k in 0..<s.digitsCheckRows {
            page.check("amortised.digits_grid.\(k + 1)",
                       method: "expected: log p(x) of held-out digit \(k + 1) by the lesson's even grid (\(s.digitsGrid.points) × \(s.digitsGrid.points) trapezoid nodes on [−\(NumberFormat.significant(s.digitsGrid.halfWidth)), \(NumberFormat.significant(s.digitsGrid.halfWidth))]², pruned at \(NumberFormat.significant(s.gridCutoff)) nats); computed: the full trapezoid sum on a finer, wider grid (\(s.digitsCheckGrid.points) × \(s.digitsCheckGrid.points) on [−\(NumberFormat.significant(s.digitsCheckGrid.halfWidth)), \(NumberFormat.significant(s.digitsCheckGrid.halfWidth))]²); tolerance 0.02 nats per digit (the grid's error on a single digit with a narrow posterior reaches ~0.01; on the per-image averages the page quotes it is ~10⁻⁵)",
                       expected: heldOut.logMarginals[k], computed: fine[k], tolerance: 0.02)
            gridError = max(gridError, abs(heldOut.logMarginals[k] - fine[k]))
        }
        // What an adaptive Gauss–Hermite rule under q_φ (widened) would have said, on the tracked held-out digits.
        let compared = tracked.rows(0..<min(s.adaptiveComparisonRows, tracked.rows))
        let adaptive = try Self.adaptiveLogMarginals(vae, compared, order: s.adaptiveOrder, widening: s.adaptiveWidening)
        let errors = (0..<compared.rows).map { adaptive[$0] - heldOut.logMarginals[$0] }
        let heldOutNodes = Self.mean(heldOut.nodesSummed.map(Double.init))
        let labels = digits.labels
        page.group("training") { page in
            page.group("final") { page in
                page.value("elbo_per_sample", trainingELBO, "digits VAE: ELBO per training digit after training",
                           .vaeDigitsELBO(order: s.digitsELBOOrder, rows: fit.training.rows, which: "training"))
                page.value("log_likelihood_per_sample", training.meanLogMarginal, "digits VAE: exact log-likelihood per training digit after training",
                           .vaeDigitsExact(points: s.digitsGrid.points, halfWidth: s.digitsGrid.halfWidth, rows: fit.training.rows, which: "training"))
                page.value("gap", training.meanLogMarginal - trainingELBO, "digits VAE: log p(x) − ELBO per training digit", .vaeGapIsLogPMinusELBO)
                page.value("rows", fit.training.rows, "training digits")
                page.value("rule", "even grid \(s.digitsGrid.points) × \(s.digitsGrid.points) on [−\(NumberFormat.significant(s.digitsGrid.halfWidth)), \(NumberFormat.significant(s.digitsGrid.halfWidth))]²",
                           "the rule of the exact log p(x) (digits)")
            }
            page.group("held_out") { page in
                page.value("elbo_per_sample", heldOutELBO, "digits VAE: ELBO per held-out digit",
                           .vaeDigitsELBO(order: s.digitsELBOOrder, rows: fit.heldOut.rows, which: "held-out"))
                page.value("log_likelihood_per_sample", heldOut.meanLogMarginal, "digits VAE: exact log-likelihood per held-out digit",
                           .vaeDigitsExact(points: s.digitsGrid.points, halfWidth: s.digitsGrid.halfWidth, rows: fit.heldOut.rows, which: "held-out"))
                page.value("gap", heldOut.meanLogMarginal - heldOutELBO, "digits VAE: log p(x) − ELBO per held-out digit", .vaeGapIsLogPMinusELBO)
                page.value("rows", fit.heldOut.rows, "held-out digits")
            }
            page.group("ppca") { page in
                page.value("log_likelihood_per_sample", ppcaTraining, "PPCA d = 2: log-likelihood per training digit",
                           .vaePPCAClosedForm)
                page.value("held_out_log_likelihood_per_sample", ppcaHeldOut,
                           "PPCA d = 2: log-likelihood per held-out digit", .vaePPCAClosedForm)
                page.value("noise_variance", ppca.noiseVariance, "PPCA d = 2: σ² per pixel")
            }
            page.group("digits") { page in
                page.value("steps", s.digitsSteps, "Adam steps (digits VAE)")
                page.value("batch_size", s.digitsBatch, "minibatch size (digits VAE)")
                page.value("learning_rate", s.digitsLearningRate, "Adam step size α at the start (digits VAE)")
                page.value("final_learning_rate", s.digitsFinalLearningRate, "Adam step size at the end (digits VAE)")
                page.value("encoder_hidden", s.digitsEncoderHidden, "encoder hidden tanh units (digits)")
                page.value("decoder_hidden", s.digitsDecoderHidden, "decoder hidden tanh units (digits)")
                page.value("noise_variance", model.noiseVariance, "digits VAE: σ² per pixel after training")
                page.value("tracked_rows", tracked.rows, "held-out digits tracked during training")
                page.value("evaluation_every", s.digitsEvaluationEvery, "Adam steps between evaluations (digits)")
                page.value("elbo_order", s.digitsELBOOrder, "Gauss–Hermite nodes per dimension for the digits' ELBO")
                page.value("grid_points", s.digitsGrid.points, "even-grid nodes per axis (digits' exact log p(x))")
                page.value("grid_half_width", s.digitsGrid.halfWidth, "the even grid covers [−b, b]², b =")
                page.value("grid_spacing", 2 * s.digitsGrid.halfWidth / Double(s.digitsGrid.points - 1), "spacing h of the even grid")
                page.value("grid_nodes", heldOut.gridNodes, "nodes of the even grid")
                page.value("nodes_summed", heldOutNodes, "mean nodes summed per held-out digit (pruned at the cutoff)")
                page.value("grid_cutoff", s.gridCutoff, "pruning cutoff in nats below a digit's largest coarse term")
                page.value("check_points", s.digitsCheckGrid.points, "nodes per axis of the finer check grid")
                page.value("check_half_width", s.digitsCheckGrid.halfWidth, "half-width of the finer check grid")
                page.value("check_rows", s.digitsCheckRows, "held-out digits of the grid check")
                page.value("grid_check_error", gridError, "largest |even grid − finer grid| on the checked digits (nats)")
            }
            page.group("adaptive") { page in
                page.value("rows", compared.rows, "held-out digits the adaptive rule is compared on")
                page.value("order", s.adaptiveOrder, "adaptive rule: Gauss–Hermite nodes per dimension")
                page.value("widening", s.adaptiveWidening, "adaptive rule: q_φ's standard deviations multiplied by")
                page.value("mean_error", Self.mean(errors), "adaptive rule − even grid, mean per digit", .vaeAdaptiveRule)
                page.value("worst_error", errors.min() ?? .nan, "adaptive rule − even grid, most negative", .vaeAdaptiveRule)
                page.value("misses", errors.filter { $0 < -0.01 }.count, "digits on which the adaptive rule is more than 0.01 nats low")
                page.value("misses_above_one", errors.filter { $0 < -1 }.count, "digits on which the adaptive rule is more than 1 nat low")
            }
        }
        if let labels {
            let (means, _) = vae.encoder.forward(fit.training)
            page.figure("vae-digits-latent", VAEFiguresAmortised.digitsLatent(means, labels: fit.trainingRows.map { labels[$0] }))
            let heldOutLabels = fit.heldOutRows.map { labels[$0] }
            let picks = (0...9).compactMap { digit in heldOutLabels.firstIndex(of: digit) }
            let originals = fit.heldOut.rows(at: picks)
            let decoded = model.decoder(vae.encoder.forward(originals).mean)
            page.figure("vae-digits-reconstructions", VAEFiguresAmortised.reconstructions(
                originals: originals.rowArrays, decoded: decoded.rowArrays, labels: picks.map { heldOutLabels[$0] }, pixelMax: s.digitsPixelMax))
        }
        return (ppcaTracked, tracked.rows)
    }
}

// MARK: - Step 6

extension VAELesson {
    /// Starts for per-point ascents in a one-dimensional latent space: for each row of x, the highest node of an even
    /// z-grid of `modeGrid` nodes on ±8 (log p(x, z) by `logJoint`), with s from the grid's curvature there
    /// (−Δ²/h² of log p(x, z), s clamped to [0.01, 1]; s = 1 where the curvature is not negative).
    static func modeStarts(_ model: NonlinearLVM, _ x: Matrix, _ s: VAESettings) throws -> (means: Matrix, logStandardDeviations: Matrix) {
        let z = EvenGrid.column(-8...8, count: s.modeGrid)                                        // (G, 1)
        let h = z[1, 0] - z[0, 0]
        let joint = try model.logJoint(x, latent: z)                                              // (N, G)
        var means = Matrix.zeros(x.rows, 1), logSDs = Matrix.zeros(x.rows, 1)
        for n in 0..<x.rows {
            let row = joint.row(n)
            let k = row.indices.max { row[$0] < row[$1] } ?? 0
            let c = min(max(k, 1), row.count - 2)
            let curvature = -(row[c + 1] - 2 * row[c] + row[c - 1]) / (h * h)
            means[n, 0] = z[k, 0]
            logSDs[n, 0] = curvature > 0 ? log(min(1, max(0.01, 1 / curvature.squareRoot()))) : 0
        }
        return (means, logSDs)
    }

    /// Step 6 — log p(x) − ELBO(q_φ) = approximation gap + amortisation gap, per probe and as maps over the plane.
    func gapDecomposition(_ arc: ArcSetting, _ trained: AmortisedFits, _ s: VAESettings, _ page: inout LessonRecorder) throws {
        let vae = trained.arc.trained, model = vae.model
        let probes = Matrix(arc.probes.map(\.x))                                                   // (3, 2)
        let (m, l) = vae.encoder.forward(probes)
        let logPx = try model.logMarginals(probes, quadrature: arc.referenceRule)
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: s.gapRulePoints, dimension: 1)
        let climb = try LatentQuadrature.gaussHermite(order: s.climbOrder, dimension: 1)
        let gaps = try model.amortizationGaps(probes, amortizedMeans: m, amortizedLogStandardDeviations: l, logMarginals: logPx,
                                              starts: [try Self.modeStarts(model, probes, s)], standardRule: climb,
                                              evaluationRule: rule, steps: s.gapSteps, learningRate: s.gapLearningRate)
        var points: [JSONValue] = [], panels: [VAEAmortisedPosteriorPanel] = []
        for (i, p) in arc.probes.enumerated() {
            let g = gaps[i]
            let qPhi = try VariationalGaussian(mean: [m[i, 0]], standardDeviations: [exp(l[i, 0])])
            let (phiMean, phiSD) = qPhi.meanAndSD, (starMean, starSD) = g.optimal.meanAndSD
            page.check("gaps.sum.\(p.name)",
                       method: "expected: log p(x) − ELBO(q_φ) at \(p.name) (log p(x) by the reference rule, ELBO by a \(s.gapRulePoints)-node trapezoid rule in ξ on ±8); computed: the approximation gap log p(x) − ELBO(q*) plus the amortisation gap ELBO(q*) − ELBO(q_φ); tolerance 10⁻¹⁰ max(1, |ELBO(q_φ)|), rounding",
                       expected: g.logMarginal - g.elboAmortized, computed: g.approximationGap + g.amortizationGap,
                       tolerance: 1e-10 * max(1, abs(g.elboAmortized)))
            for (name, q, gap) in [("inference", qPhi, g.inferenceGap), ("approximation", g.optimal, g.approximationGap)] {
                let (mean, sd) = q.meanAndSD
                let half = max(8, abs(mean) + 10 * sd)
                let grid = try LatentQuadrature.trapezoid(halfWidth: half, pointsPerDimension: Int((2 * half / 0.0025).rounded(.up)) + 1,
                                                          dimension: 1)
                let kl = try ELBO.klToPosterior(q: q, grid: grid, logJoint: try model.logJoint(Matrix([p.x]), latent: grid.nodes).elements)
                let which = name == "inference" ? "q_φ" : "q*"
                page.check("gaps.\(name)_is_kl.\(p.name)",
                           method: "expected: log p(x) − ELBO(\(which)) at \(p.name) (reference rule; \(s.gapRulePoints)-node trapezoid rule in ξ); computed: KL(\(which) ‖ p(z|x)) on its own trapezoid z-grid (spacing ≤ 0.0025 on ±max(8, |m| + 10s)), p(z|x) normalised on it; tolerance max(10⁻⁶, 10⁻⁴ × expected)",
                           expected: gap, computed: kl, tolerance: max(1e-6, 1e-4 * abs(gap)))
            }
            points.append(["name": .string(p.name), "x": .numbers(p.x), "log_px": .number(g.logMarginal),
                           "elbo_optimal": .number(g.elboOptimal), "elbo_amortized": .number(g.elboAmortized),
                           "approximation_gap": .number(g.approximationGap), "amortization_gap": .number(g.amortizationGap),
                           "q_phi_mean": .number(phiMean), "q_phi_sd": .number(phiSD),
                           "q_star_mean": .number(starMean), "q_star_sd": .number(starSD)])
            // the posterior panel: a z-window around the posterior's mass and both Gaussians
            let zAll = EvenGrid.values(-8...8, count: 3201)
            let posterior = GriddedPosterior(logJoint: try model.logJoint(Matrix([p.x]), latent: Matrix(rows: zAll.count, columns: 1, elements: zAll)).elements, grid: zAll)
            panels.append(VAEAmortisedPosteriorPanel(
                title: "\(p.name): gaps \(NumberFormat.fixedSignificant(g.approximationGap, digits: 2)) + \(NumberFormat.fixedSignificant(g.amortizationGap, digits: 2))",
                z: zAll, posterior: posterior.density,
                gaussians: [("q_φ(z|x), the encoder", phiMean, phiSD, .posterior, .dashed), ("q*, the best Gaussian", starMean, starSD, .model, .solid)]))
        }
        page.value("gaps.points", JSONValue.array(points),
                   "log p(x), ELBO(q*) and ELBO(q_φ) of the arc VAE at the probes A, B, C", .vaeGapRules)
        for (i, p) in arc.probes.enumerated() {
            page.label("gaps.points.\(i).log_px", "log p(x) at \(p.name) (arc VAE)", .vaeGapRules)
            page.label("gaps.points.\(i).elbo_optimal", "ELBO(q*) at \(p.name)", .vaeGapRules)
            page.label("gaps.points.\(i).elbo_amortized", "ELBO(q_φ) at \(p.name)", .vaeGapRules)
            page.label("gaps.points.\(i).approximation_gap", "approximation gap log p(x) − ELBO(q*) at \(p.name)", .vaeGapRules)
            page.label("gaps.points.\(i).amortization_gap", "amortisation gap ELBO(q*) − ELBO(q_φ) at \(p.name)", .vaeGapRules)
            page.label("gaps.points.\(i).q_phi_mean", "encoder mean m_φ(x) at \(p.name)")
            page.label("gaps.points.\(i).q_phi_sd", "encoder standard deviation s_φ(x) at \(p.name)")
            page.label("gaps.points.\(i).q_star_mean", "mean of q* at \(p.name)")
            page.label("gaps.points.\(i).q_star_sd", "standard deviation of q* at \(p.name)")
        }
        page.figure("vae-gap-probes", VAEFiguresAmortised.posteriorPanels(
            Self.zoomed(panels), rows: 1, title: "Posterior p(z|x) of the arc VAE's decoder, its encoder's q_φ and the best Gaussian q*",
            height: 280))

        // The maps, and the same decomposition on the training points.
        let plane = EvenGrid.plane(x: NonlinearFigures.arcX, y: NonlinearFigures.arcY, count: s.gapMap)
        let mapPoints = EvenGrid.planePoints(xs: plane.xs, ys: plane.ys)                          // (n², 2)
        let mapRule = try LatentQuadrature.gaussHermite(order: s.mapOrder, dimension: 1)
        func cheapGaps(_ x: Matrix) throws -> [AmortizationGapDecomposition] {
            let (pm, pl) = vae.encoder.forward(x)
            return try model.amortizationGaps(x, amortizedMeans: pm, amortizedLogStandardDeviations: pl,
                                              logMarginals: try Self.arcLogMarginals(model, x, arc, s).logMarginals,
                                              starts: [try Self.modeStarts(model, x, s)], fromPrior: false, standardRule: mapRule,
                                              evaluationRule: rule, steps: s.mapSteps, learningRate: s.gapLearningRate)
        }
        let map = try cheapGaps(mapPoints)
        let onData = try cheapGaps(arc.x.rows(0..<min(s.gapDataRows, arc.x.rows)))
        let approximation = map.map(\.approximationGap), amortisation = map.map(\.amortizationGap)
        page.group("gaps.map") { page in
            page.value("side", s.gapMap, "map points per axis")
            page.value("steps", s.mapSteps, "Adam steps per ascent on the maps")
            page.value("order", s.mapOrder, "Gauss–Hermite nodes in ξ the maps' ascents climb on")
            page.value("amortisation_dominates", Double(zip(approximation, amortisation).filter { $0.1 > $0.0 }.count) / Double(map.count),
                       "share of map points where the amortisation gap is the larger part", .vaeGapMapRules)
            page.value("max_approximation_gap", approximation.max() ?? .nan, "largest approximation gap on the map", .vaeGapMapRules)
            page.value("max_amortisation_gap", amortisation.max() ?? .nan, "largest amortisation gap on the map", .vaeGapMapRules)
            page.value("data_rows", onData.count, "training points of the on-data decomposition")
            page.value("data_approximation_gap", Self.mean(onData.map(\.approximationGap)),
                       "mean approximation gap over those training points", .vaeGapMapRules)
            page.value("data_amortisation_gap", Self.mean(onData.map(\.amortizationGap)),
                       "mean amortisation gap over those training points", .vaeGapMapRules)
        }
        page.group("gaps.map") { page in                                                      // for results.json
            page.store(plane.xs, at: "x1")
            page.store(plane.ys, at: "x2")
            page.store(map.map(\.logMarginal), at: "log_px")                                 // x₁ fastest
            page.store(map.map(\.elboOptimal), at: "elbo_optimal")
            page.store(map.map(\.elboAmortized), at: "elbo_amortized")
        }
        page.figure("vae-gap-maps", VAEFiguresAmortised.gapMaps(arc.x, plane: plane, approximation: approximation,
                                                                amortisation: amortisation, probes: arc.probes))
    }

    /// Each panel cut to the z-range that holds its posterior and Gaussians (±4 sd around each, within ±8).
    static func zoomed(_ panels: [VAEAmortisedPosteriorPanel]) -> [VAEAmortisedPosteriorPanel] {
        panels.map { panel in
            let peak = panel.posterior.max() ?? 0
            let massive = panel.z.indices.filter { panel.posterior[$0] > 1e-3 * peak }.map { panel.z[$0] }
            var low = massive.min() ?? -3, high = massive.max() ?? 3
            for g in panel.gaussians { low = min(low, g.mean - 4 * g.sd); high = max(high, g.mean + 4 * g.sd) }
            (low, high) = (max(low, -8), min(high, 8))
            let pad = 0.05 * (high - low)
            let keep = panel.z.indices.filter { panel.z[$0] >= low - pad && panel.z[$0] <= high + pad }
            var out = panel
            out.z = keep.map { panel.z[$0] }
            out.posterior = keep.map { panel.posterior[$0] }
            return out
        }
    }
}
