// NonlinearLesson+Digits — step 9: a 2 → H → 64 decoder on the 8×8 digits, trained by Adam on minibatches with a
// K × K Gauss–Hermite rule over z (grid quadrature, no amortised inference):
//   p(x) ≈ Σₘ wₘ N(x; f_θ(zₘ), σ²I),   f_θ(z) = 16·sigmoid(W₂ᵀ tanh(W₁ᵀz + b₁) + b₂),
// so decoded pixels lie in (0, 16) like the data and the Gaussian acts on PPCA's raw pixel scale. Even trapezoid grids
// of increasing size re-evaluate the trained model (the quoted value is the middle one's); the training rule's distance
// from them is its quadrature error (a digit's posterior is much narrower than the Gauss–Hermite node spacing). The
// latent manifold is drawn at z = Φ⁻¹(u), u an even grid on the unit square (Kingma & Welling 2014, Fig. 4).

import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Models

extension NonlinearLesson {
    /// Step 9 — digits with a two-dimensional latent space: training, and the likelihood against PPCA with d = 2.
    func digitsInTwoDimensions(_ digits: Dataset, _ s: NonlinearSettings, seed: UInt64, _ page: inout LessonRecorder,
                               progress: (String, Double?) -> Void) throws -> DigitsFit {
        let all = digits.values                                                     // (N, D)
        var splitRandom = StepRandom.generator(seed: seed, lesson: slug, step: "digits-split")
        let split = RandomSplit.twoThirds(RandomSplit.permutation(all.rows, using: &splitRandom))
        let x = all.rows(at: split.training)                                        // (2N/3, D): the model sees these
        let heldOut = all.rows(at: split.heldOut)                                   // (N/3, D)
        let (d, latent) = (x.columns, 2)
        let pixelMax = s.digitsPixelMax
        let bias = Statistics.columnMeans(x).map { m -> Double in                   // sigmoid⁻¹ of the mean pixel
            let p = min(max(m / pixelMax, 0.01), 0.99)
            return log(p / (1 - p))
        }
        var initial = StepRandom.generator(seed: seed, lesson: slug, step: "digits-decoder-init")
        let decoder = MLPDecoder(latentDimension: latent, hiddenUnits: s.digitsHidden, outputDimension: d,
                                 output: .scaledSigmoid(pixelMax), gain: s.digitsDecoderScales.gain,
                                 biasScale: s.digitsDecoderScales.bias, outputScale: s.digitsDecoderScales.output,
                                 outputBias: bias, using: &initial)
        var model = try NonlinearLVM(decoder: decoder, noiseVariance: s.digitsInitialNoiseVariance)
        let rule = try LatentQuadrature.gaussHermite(order: s.digitsOrder, dimension: latent)
        let fine = try LatentQuadrature.trapezoid(halfWidth: s.digitsFineRule.halfWidth, pointsPerDimension: s.digitsFineRule.points,
                                                  dimension: latent)
        var evaluationSteps: [Double] = [], evaluations: [Double] = [], heldOutEvaluations: [Double] = []
        var observeError: Error?
        let schedule = TrainingSchedule(steps: s.digitsSteps, learningRate: s.digitsLearningRate,
                                        finalLearningRate: s.digitsFinalLearningRate, batchSize: s.digitsBatch)
        var minibatches = StepRandom.generator(seed: seed, lesson: slug, step: "digits-minibatches")
        let minibatchTrace = try model.train(x, quadrature: rule, schedule: schedule, using: &minibatches) { step, m in
            guard step % s.digitsEvaluationEvery == 0 || step == s.digitsSteps else { return }
            do {
                evaluations.append(try m.quadratureMarginal(x, quadrature: rule).meanLogMarginal)
                heldOutEvaluations.append(try m.quadratureMarginal(heldOut, quadrature: rule).meanLogMarginal)
                evaluationSteps.append(Double(step))
            } catch { observeError = error }
            progress("digits: Adam step \(step) of \(s.digitsSteps)", Double(step) / Double(s.digitsSteps))
        }
        if let observeError { throw observeError }
        let trained = model
        let marginal = try trained.quadratureMarginal(x, quadrature: rule)                          // rₙₘ (N, K²)
        let fineMarginal = try trained.quadratureMarginal(x, quadrature: fine)                      // (N, fine nodes)
        let (byRule, byFine) = (marginal.meanLogMarginal, fineMarginal.meanLogMarginal)
        let evenGrids = try s.digitsCheckPoints.map { k in
            defer { progress("digits: quadrature check on \(k) × \(k) nodes", nil) }
            let value = k == s.digitsFineRule.points ? byFine
                : try Self.meanLogMarginal(trained, x, evenGrid: k, halfWidth: s.digitsFineRule.halfWidth)
            return (points: k, value: value)
        }
        let heldOutByFine = try trained.quadratureMarginal(heldOut, quadrature: fine).meanLogMarginal
        let ppca = try PPCA.fit(x, latentDimension: latent)
        let ppcaLogLikelihood = try ppca.averageLogLikelihood(x)
        let ppcaHeldOut = try ppca.averageLogLikelihood(heldOut)
        page.check("digits.training_rule",
                   method: "expected: the trained decoder's (1/N) Σₙ log p(xₙ) on the finer even grid (\(fine.count) trapezoid nodes on [−\(s.digitsFineRule.halfWidth), \(s.digitsFineRule.halfWidth)]²); computed: the same by the training rule (\(rule.name)); tolerance a tenth of the gain over PPCA d = 2 on the finer rule — the page keeps the cheap training grid because its error is small next to that gain",
                   expected: byFine, computed: byRule, tolerance: 0.1 * abs(byFine - ppcaLogLikelihood))

        let perDigit = Convention.perDigitImage(pixels: d, rows: x.rows)
        let (b, finePoints) = (s.digitsFineRule.halfWidth, s.digitsFineRule.points)
        page.group("digits") { page in
            page.value("rows", all.rows, "digits, training and held-out together")
            page.value("training_rows", x.rows, "training digits: a seeded random 2/3 (both models fit these only)")
            page.value("held_out_rows", heldOut.rows, "held-out digits: the other 1/3")
            page.value("held_out_log_likelihood_per_sample", heldOutByFine, "nonlinear LVM: log-likelihood per held-out digit (finer rule)",
                       Convention.perDigitImage(pixels: d, rows: heldOut.rows))
            page.value("ppca_held_out_log_likelihood_per_sample", ppcaHeldOut, "PPCA d = 2: log-likelihood per held-out digit",
                       Convention.perDigitImage(pixels: d, rows: heldOut.rows))
            page.value("held_out_gain_over_ppca", heldOutByFine - ppcaHeldOut, "nonlinear − PPCA d = 2, per held-out digit", .natsPerDigit)
            page.value("held_out_training_trace", heldOutEvaluations, "log-likelihood per held-out digit during training (training rule)")
            page.value("method", "grid quadrature: \(rule.name) nodes over z (no amortised inference)", "how p(x) is computed")
            page.value("quadrature_rule", rule.name, "quadrature rule over z")
            page.value("quadrature_points", rule.count, "quadrature nodes K² of the training rule", .gaussHermiteTensorGrid)
            page.value("fine_rule_points", fine.count, "nodes of the finer evaluation rule", .trapezoidSquare(points: finePoints, halfWidth: b))
            page.value("hidden_units", s.digitsHidden, "hidden tanh units H of the decoder 2 → H → 64")
            page.value("parameter_count", trained.parameters.count, "number of parameters (W₁, b₁, W₂, b₂, log σ²)")
            page.value("output_map", "16·sigmoid", "decoder output map", .decodedPixelRange)
            page.value("steps", s.digitsSteps, "Adam steps")
            page.value("batch_size", s.digitsBatch, "rows per Adam step", .minibatchesWithoutReplacement)
            page.value("learning_rate", s.digitsLearningRate, "Adam learning rate (first step)", .decaysTo(s.digitsFinalLearningRate))
            page.value("log_likelihood_per_sample", byFine, "nonlinear LVM: log-likelihood per digit (finer rule)", perDigit)
            page.value("log_likelihood_per_sample_training_rule", byRule, "nonlinear LVM: log-likelihood per digit (training rule)", perDigit)
            page.value("ppca_log_likelihood_per_sample", ppcaLogLikelihood, "PPCA d = 2: log-likelihood per digit (closed form)",
                       Convention.digitsPPCAFit.then(perDigit))
            page.value("gain_over_ppca", byFine - ppcaLogLikelihood, "nonlinear − PPCA d = 2, per digit", .natsPerDigit)
            page.value("noise_variance", trained.noiseVariance, "nonlinear LVM σ² (per pixel)")
            page.value("ppca_noise_variance", ppca.noiseVariance, "PPCA d = 2 σ² (ML, per pixel)", .discardedEigenvalueMean(count: d - latent))
            page.value("rule_difference", byFine - byRule, "finer rule − training rule, per digit", .ruleDifferenceInNats)
            page.value("rule_difference_abs", abs(byFine - byRule), "|training rule − finer rule|, per digit", .ruleDifferenceInNats)
            page.value("rule_comparison", byRule > byFine ? "higher" : "lower", "is the training-rule value higher or lower than the finer rule's")
            page.value("fine_rule_half_width", b, "half-width b of the square [−b, b]² covered by the even check grids")
            page.value("fine_rules", JSONValue.array(evenGrids.map { grid in
                ["name": .string("even grid \(grid.points) × \(grid.points) = \(grid.points * grid.points) nodes"),
                 "points_per_axis": .integer(grid.points), "nodes": .integer(grid.points * grid.points),
                 "log_likelihood_per_sample": .number(grid.value)]
            }), "the trained decoder's log-likelihood per digit on even grids of increasing size (quadrature check)",
                       Convention.evenGridWeights(halfWidth: b).then(perDigit))
            for (k, grid) in evenGrids.enumerated() {
                page.label("fine_rules.\(k).name", "check grid \(k + 1): its nodes")
                page.label("fine_rules.\(k).log_likelihood_per_sample",
                           "log-likelihood per digit on the even \(grid.points) × \(grid.points) grid",
                           Convention.evenGridWeights(halfWidth: b).then(perDigit))
            }
            let values = evenGrids.map(\.value)
            page.value("fine_rule_spread", (values.max() ?? 0) - (values.min() ?? 0), "largest − smallest value over the even check grids",
                       .natsPerDigit)
            page.value("ppca_parameter_count", d * latent + d + 1, "PPCA d = 2 parameters: W (D × 2), μ (D), σ²")
            page.value("ppca_effective_parameter_count", d * latent + d + 1 - latent * (latent - 1) / 2,
                       "PPCA d = 2 parameters without the rotation of z", .ppcaParametersWithoutRotation)
            page.value("pixels", d, "pixels per image D")
            page.value("pixel_max", Int(pixelMax), "largest pixel value c; decoder output c·sigmoid")
            page.value("evaluation_steps", evaluationSteps, "Adam steps at which all digits were evaluated")
            page.value("training_trace", evaluations, "log-likelihood per digit over all digits, during training",
                       Convention.digitsTrainingTrace.then(perDigit))
            page.value("minibatch_trace", minibatchTrace, "minibatch log-likelihood per digit at each step (noisy)")
        }
        page.figure("digits-training", NonlinearFigures.digitsTraining(
            steps: evaluationSteps, values: evaluations, heldOut: heldOutEvaluations, ppca: ppcaLogLikelihood,
            ppcaHeldOut: ppcaHeldOut, rule: rule.name))
        return DigitsFit(x: x, labels: digits.labels.map { labels in split.training.map { labels[$0] } }, trained: trained,
                         ppca: ppca, rule: rule, marginal: marginal, fineMarginal: fineMarginal, fine: fine)
    }

    /// Step 10 — the latent space of the digits: posterior means E[z|x] (finer rule), how many digits the training
    /// rule puts on one node, and the decoder's and PPCA's images on a probit grid of z.
    func digitsLatentSpace(_ fit: DigitsFit, _ s: NonlinearSettings, seed: UInt64, _ page: inout LessonRecorder) {
        let (x, trained, ppca, rule, marginal, fine, fineMarginal) = (fit.x, fit.trained, fit.ppca, fit.rule, fit.marginal,
                                                                      fit.fine, fit.fineMarginal)
        let pixelMax = s.digitsPixelMax
        let d = x.columns
        let oneNodeThreshold = 0.9
        let onOneNode = (0..<x.rows).filter { marginal.responsibilities.row($0).max() ?? 0 > oneNodeThreshold }.count
        let posteriorMeans = fineMarginal.responsibilities * fine.nodes                              // (N, 2) E[z|x], finer rule
        let manifoldHalfWidth = StandardNormal.quantile(1 - 0.5 / Double(s.manifoldSide))           // outermost manifold node
        let inside = (0..<x.rows).filter { abs(posteriorMeans[$0, 0]) <= manifoldHalfWidth && abs(posteriorMeans[$0, 1]) <= manifoldHalfWidth }.count
        let manifoldZ = Matrix(LatentManifold.probitGrid(side: s.manifoldSide))                     // (side², 2)
        let decoderImages = trained.decoder(manifoldZ).rowArrays, ppcaImages = ppca.decode(manifoldZ).rowArrays
        let ppcaOutside = ppcaImages.flatMap { $0 }.filter { $0 < 0 || $0 > pixelMax }.count
        page.group("digits") { page in
            page.value("one_node_threshold", oneNodeThreshold, "posterior mass counted as 'on a single node'")
            page.value("share_on_one_node", Double(onOneNode) / Double(x.rows),
                       "share of digits whose training-rule posterior puts > 90 % on one node", .responsibilities(of: rule.name))
            page.value("manifold_half_width", manifoldHalfWidth, "largest |zᵢ| of the manifold grids", .outermostManifoldNode)
            page.value("share_inside_manifold_grid", Double(inside) / Double(x.rows),
                       "share of digits whose E[z|x] lies inside the manifold grid's square |zᵢ| ≤ Φ⁻¹(1 − 1/(2 · side))",
                       .posteriorMeanByFinerRule)
            page.value("manifold_side", s.manifoldSide, "images per side of the manifold grids", .manifoldProbitGrid(side: s.manifoldSide))
            page.value("ppca_pixels_outside_range", Double(ppcaOutside) / Double(ppcaImages.count * d),
                       "share of PPCA grid pixels outside 0–16", .clippedInTheFigure)
        }
        if let labels = fit.labels {
            page.figure("digits-latent-space", NonlinearFigures.digitsLatentSpace(posteriorMeans, labels: labels,
                                                                                   halfWidth: manifoldHalfWidth))
        }
        page.figure("latent-manifold", NonlinearFigures.latentManifolds(
            decoder: decoderImages, ppca: ppcaImages, side: s.manifoldSide, pixelMax: pixelMax))

        // The aggregate posterior (1/N) Σₙ p(z|xₙ) on the finer rule's K × K grid (node m = i₁K + i₂, z₂ fastest), as
        // a density: each node's mean posterior mass over h². A matched model would give back the prior N(0, I).
        let (k, b) = (s.digitsFineRule.points, s.digitsFineRule.halfWidth)
        let h = 2 * b / Double(k - 1)
        var mass = [Double](repeating: 0, count: fine.count)
        for n in 0..<x.rows {
            for m in 0..<fine.count { mass[m] += fineMarginal.responsibilities[n, m] }
        }
        mass = mass.map { $0 / Double(x.rows) }
        let axis = EvenGrid.values(-b...b, count: k)
        let density = (0..<(k * k)).map { index in mass[(index % k) * k + index / k] / (h * h) }   // row j holds z₂ = axis[j]
        let outsideTwo = (0..<fine.count).filter { m in
            fine.nodes[m, 0] * fine.nodes[m, 0] + fine.nodes[m, 1] * fine.nodes[m, 1] > 4
        }.reduce(0) { $0 + mass[$1] }
        page.figure("digits-aggregate-posterior", NonlinearFigures.aggregatePosterior(xs: axis, ys: axis, density: density))

        // Samples of both models, noise included: z ~ N(0, I), x = fθ(z) + ε and x = Wz + μ + ε.
        let count = 10
        var random = StepRandom.generator(seed: seed, lesson: slug, step: "digits-samples")
        let z = Matrix(rows: count, columns: 2, elements: (0..<(2 * count)).map { _ in random.nextStandardNormal() })
        let noise = trained.noiseVariance.squareRoot()
        let nonlinearSamples = trained.decoder(z).rowArrays.map { row in row.map { $0 + noise * random.nextStandardNormal() } }
        let ppcaSamples = ppca.sample(count: count, using: &random).observed.rowArrays
        let real = (0..<count).map { x.row($0 * (x.rows / count)) }
        page.figure("digits-samples", NonlinearFigures.digitsSamples(real: real, nonlinear: nonlinearSamples, ppca: ppcaSamples,
                                                                   pixelMax: pixelMax))
        page.group("digits") { page in
            page.value("aggregate_mass_outside_r2", outsideTwo, "aggregate posterior mass at |z| > 2 (finer rule's grid)",
                       .posteriorMeanByFinerRule)
            page.value("prior_mass_outside_r2", exp(-2.0), "prior N(0, I) mass at |z| > 2: exp(−2) in two dimensions")
            page.value("samples_shown", count, "samples per model in the samples figure")
        }
    }

    /// (1/N) Σₙ log p(xₙ) on the k × k even trapezoid grid over [−b, b]², rows in chunks of 256 so that the
    /// (rows × nodes) matrices stay small.
    static func meanLogMarginal(_ model: NonlinearLVM, _ x: Matrix, evenGrid k: Int, halfWidth b: Double) throws -> Double {
        let rule = try LatentQuadrature.trapezoid(halfWidth: b, pointsPerDimension: k, dimension: 2)
        var total = 0.0
        for start in stride(from: 0, to: x.rows, by: 256) {
            total += try model.logMarginals(x.rows(start..<min(start + 256, x.rows)), quadrature: rule).reduce(0, +)
        }
        return total / Double(x.rows)
    }
}

/// What step 9 fits and step 10 reads: the digits, the trained decoder, PPCA d = 2, and both rules' posteriors.
struct DigitsFit {
    let x: Matrix                                   // (N, D) the digits
    let labels: [Int]?
    let trained: NonlinearLVM
    let ppca: PPCA                                  // d = 2, closed form
    let rule: LatentQuadrature                      // the training rule
    let marginal: NonlinearLVM.QuadratureMarginal   // its responsibilities (N, K²)
    let fineMarginal: NonlinearLVM.QuadratureMarginal  // the finer rule's (N, fine nodes)
    let fine: LatentQuadrature
}
