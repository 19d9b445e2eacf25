// NonlinearDigitsStep — step 8 of the nonlinear lesson: a 2 → H → 64 decoder trained on the 8×8 digits by 2-D
// Gauss–Hermite grid quadrature, its latent manifold as a 20 × 20 grid of decoded digits at z = Φ⁻¹(even grid on the
// unit square) (Kingma & Welling 2014, Fig. 4), beside PPCA q = 2's linear manifold; log-likelihoods against PPCA's.
//
// Decisions (stated on the page too):
//   • Inference is by grid quadrature (K × K Gauss–Hermite nodes over z), not amortised: p(x) ≈ Σₘ wₘ N(x; f(zₘ), σ²I).
//   • The output map is 16·sigmoid, so every decoded image has pixels in (0, 16) like the data; the Gaussian
//     likelihood is on the raw pixel scale (0–16), the same scale PPCA uses, so the log-likelihoods compare directly.
//   • Training uses minibatches of rows (Adam); the reported averages are over all rows, with the training rule and
//     with a finer 61 × 61 trapezoid rule (the closer value of the model's true marginal).

import Foundation
import LinearAlgebra
import Models
import Plotting

enum NonlinearDigitsStep {
    static let convention = "natural log, per image (64 pixels, raw 0–16 units), averaged over all 1797 digits"

    static func run<G: RandomNumberGenerator>(
        digits: Dataset, settings s: NonlinearSettings, generator g: inout G, output out: inout NonlinearLessonOutput,
        progress: (String, Double?) -> Void
    ) throws {
        let x = digits.values                                             // (N, 64)
        let d = x.columns
        let mean = Statistics.columnMeans(x)
        let bias = mean.map { m -> Double in
            let p = min(max(m / 16, 0.01), 0.99)
            return log(p / (1 - p))                                       // sigmoid⁻¹ of the mean pixel
        }
        let decoder = MLPDecoder(latentDimension: 2, hiddenUnits: s.digitsHidden, outputDimension: d, output: .scaledSigmoid(16),
                                 gain: 1, biasScale: 1, outputScale: 1, outputBias: bias, using: &g)
        var model = try NonlinearLVM(decoder: decoder, noiseVariance: s.digitsInitialNoiseVariance)
        let rule = try LatentQuadrature.gaussHermite(order: s.digitsOrder, dimension: 2)
        let fine = try LatentQuadrature.trapezoid(halfWidth: s.digitsFineRule.halfWidth, pointsPerDimension: s.digitsFineRule.points, dimension: 2)

        var evalSteps: [Double] = []
        var evalValues: [Double] = []
        var observeError: Error?
        let trace = try model.train(
            x, quadrature: rule,
            schedule: TrainingSchedule(steps: s.digitsSteps, learningRate: s.digitsLearningRate,
                                       finalLearningRate: s.digitsFinalLearningRate, batchSize: s.digitsBatch),
            using: &g
        ) { step, m in
            guard step % s.digitsEvaluationEvery == 0 || step == s.digitsSteps else { return }
            do {
                evalValues.append(try m.quadratureMarginal(x, quadrature: rule).meanLogMarginal)
                evalSteps.append(Double(step))
            } catch { observeError = error }
            progress("digits: Adam step \(step) of \(s.digitsSteps)", Double(step) / Double(s.digitsSteps))
        }
        if let e = observeError { throw e }
        let trained = model
        let marginal = try trained.quadratureMarginal(x, quadrature: rule)
        let llRule = marginal.meanLogMarginal
        let fineMarginal = try trained.quadratureMarginal(x, quadrature: fine)
        let llFine = fineMarginal.meanLogMarginal
        let ppca = try PPCA.fit(x, latentDimension: 2)
        let ppcaLL = try ppca.averageLogLikelihood(x)

        out.set("digits", "rows", x.rows, "digits used (training and evaluation)")
        out.set("digits", "method", .string("grid quadrature: \(rule.name) nodes over z (no amortised inference)"), "how p(x) is computed")
        out.set("digits", "quadrature_rule", .string(rule.name), "quadrature rule over z")
        out.set("digits", "quadrature_points", rule.count, "quadrature nodes K² of the training rule", convention: "Gauss–Hermite tensor grid")
        out.set("digits", "fine_rule_points", fine.count, "nodes of the finer evaluation rule",
                convention: "trapezoid \(s.digitsFineRule.points) × \(s.digitsFineRule.points) on [−\(s.digitsFineRule.halfWidth), \(s.digitsFineRule.halfWidth)]²")
        out.set("digits", "hidden_units", s.digitsHidden, "hidden tanh units H of the decoder 2 → H → 64")
        out.set("digits", "parameter_count", trained.parameters.count, "number of parameters (W₁, b₁, W₂, b₂, log σ²)")
        out.set("digits", "output_map", .string("16·sigmoid"), "decoder output map", convention: "decoded pixels lie in (0, 16) like the data")
        out.set("digits", "steps", s.digitsSteps, "Adam steps")
        out.set("digits", "batch_size", s.digitsBatch, "rows per Adam step", convention: "sampled without replacement, reshuffled each epoch")
        out.set("digits", "learning_rate", s.digitsLearningRate, "Adam learning rate (first step)",
                convention: "decays geometrically to \(s.digitsFinalLearningRate)")
        out.set("digits", "log_likelihood_per_sample", llFine, "nonlinear LVM: log-likelihood per digit (finer rule)", convention: convention)
        out.set("digits", "log_likelihood_per_sample_training_rule", llRule, "nonlinear LVM: log-likelihood per digit (training rule)", convention: convention)
        out.set("digits", "ppca_log_likelihood_per_sample", ppcaLL, "PPCA q = 2: log-likelihood per digit (closed form)",
                convention: "ML fit with the 1/N covariance; " + convention)
        out.set("digits", "gain_over_ppca", llFine - ppcaLL, "nonlinear − PPCA q = 2, per digit", convention: "nats per image")
        out.set("digits", "noise_variance", trained.noiseVariance, "nonlinear LVM σ² (per pixel)")
        out.set("digits", "ppca_noise_variance", ppca.noiseVariance, "PPCA q = 2 σ²_ML (per pixel)", convention: "mean of the 62 discarded eigenvalues (1/N)")
        out.set("digits", "rule_difference", llFine - llRule, "finer rule − training rule, per digit", convention: "nats")
        out.set("digits", "evaluation_steps", .numbers(evalSteps), "Adam steps at which all digits were evaluated")
        out.set("digits", "training_trace", .numbers(evalValues), "log-likelihood per digit over all digits, during training",
                convention: "training rule; " + convention)
        out.set("digits", "minibatch_trace", .numbers(trace), "minibatch log-likelihood per digit at each step (noisy)")

        // log-likelihood during training
        do {
            let fig = Figure(title: "Digits: log-likelihood per image while training")
            let ax = fig.addAxes()
            ax.line(x: evalSteps, y: evalValues, color: .model, width: 1.8, label: "nonlinear LVM, q = 2 (\(rule.name))")
            ax.scatter(x: evalSteps, y: evalValues, color: .model, size: 2.5)
            ax.horizontalLine(at: ppcaLL, color: .reference, dash: .dashed, label: "PPCA q = 2 (closed form)")
            ax.xLabel = "Adam step"
            ax.yLabel = "(1/N) Σₙ log p(xₙ), nats per image"
            ax.legend = .lowerRight
            out.figure("digits-training", fig)
        }

        // latent space: posterior means E[z|x] = Σₘ rₙₘ zₘ on the finer rule (the training grid is too coarse to
        // resolve a digit's posterior: there the means sit on the 20 × 20 nodes), coloured by the digit
        let zMeans = fineMarginal.responsibilities * fine.nodes             // (N, 2)
        let trainingMeans = marginal.responsibilities * rule.nodes
        var share = 0
        for n in 0..<x.rows where marginal.responsibilities.row(n).max() ?? 0 > 0.9 { share += 1 }
        out.set("digits", "share_on_one_node", Double(share) / Double(x.rows), "share of digits whose training-rule posterior puts > 90 % on one node",
                convention: "responsibilities rₙₘ of the \(rule.name) grid")
        let inside = (0..<x.rows).filter { abs(zMeans[$0, 0]) <= 1.96 && abs(zMeans[$0, 1]) <= 1.96 }.count
        out.set("digits", "share_inside_manifold_grid", Double(inside) / Double(x.rows), "share of digits whose E[z|x] lies inside the manifold grid's square |zᵢ| ≤ 1.96",
                convention: "E[z|x] by the finer rule")
        _ = trainingMeans
        if let labels = digits.labels {
            let fig = Figure(title: "Digits in the learned latent space: posterior means E[z|x]")
            let ax = fig.addAxes()
            for digit in 0..<10 {
                let idx = labels.indices.filter { labels[$0] == digit }
                ax.scatter(x: idx.map { zMeans[$0, 0] }, y: idx.map { zMeans[$0, 1] }, color: .category(digit), size: 2.2, alpha: 0.75,
                           label: "\(digit)")
            }
            let square = [-1.96, 1.96, 1.96, -1.96, -1.96]
            ax.line(x: square, y: [-1.96, -1.96, 1.96, 1.96, -1.96], color: .reference, width: 1, dash: .dashed, label: "manifold grid")
            ax.xLabel = "z₁"; ax.yLabel = "z₂"
            ax.equalAspect = true
            ax.legend = .outsideRight
            out.figure("digits-latent-space", fig)
        }

        // the latent manifolds: z = Φ⁻¹ of an even grid on the unit square, top row = largest z₂ — the PPCA lesson's
        // builder (`LatentManifold`), so both lessons draw their manifolds from the same points
        let side = s.manifoldSide
        let zGrid = Matrix(LatentManifold.probitGrid(side: side))                 // (side², 2)
        let nonlinearImages = trained.decoder(zGrid).rowArrays
        let ppcaImages = ppca.decode(zGrid).rowArrays
        let ppcaOutside = ppcaImages.flatMap { $0 }.filter { $0 < 0 || $0 > 16 }.count
        out.set("digits", "manifold_side", side, "images per side of the manifold grids", convention: "z = (Φ⁻¹(uⱼ), Φ⁻¹(1 − uᵢ)), u = (k + ½)/\(side)")
        out.set("digits", "ppca_pixels_outside_range", Double(ppcaOutside) / Double(ppcaImages.count * d), "share of PPCA grid pixels outside 0–16",
                convention: "shown clipped to 0–16 in the figure")
        do {
            let fig = Figure(width: 820, height: 450, title: "Latent manifolds: decoded images at z = Φ⁻¹(even grid on the unit square)")
            let axes = fig.subplots(rows: 1, columns: 2)
            axes[0].imageGrid(images: nonlinearImages, imageRows: 8, imageColumns: 8, gridColumns: side, colorMap: .greys, range: 0...16)
            axes[0].title = "nonlinear decoder fθ(z), q = 2"
            axes[1].imageGrid(images: ppcaImages, imageRows: 8, imageColumns: 8, gridColumns: side, colorMap: .greys, range: 0...16)
            axes[1].title = "PPCA q = 2: W z + μ (linear)"
            for ax in axes {
                ax.xLabel = "z₁ = Φ⁻¹(u₁) →"
                ax.yLabel = "z₂ = Φ⁻¹(u₂) →"
            }
            out.figure("latent-manifold", fig)
        }
        // the decoder's manifold alone, drawn exactly like the PPCA lesson's (for reuse in notes)
        let decoderOnly = trained.decoder
        out.figure("latent-manifold-decoder", LatentManifold.figure(
            side: side, imageRows: 8, imageColumns: 8, range: 0...16,
            title: "Nonlinear decoder (q = 2): fθ(z) at z = Φ⁻¹(u)") { z in decoderOnly(Matrix([z])).elements })
    }
}
