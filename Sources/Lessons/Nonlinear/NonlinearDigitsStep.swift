// NonlinearDigitsStep — step 8 of the nonlinear lesson: a 2 → H → 64 decoder trained on the 8×8 digits by 2-D
// Gauss–Hermite grid quadrature, its latent manifold as a 20 × 20 grid of decoded digits at z = Φ⁻¹(even grid on the
// unit square) (Kingma & Welling 2014, Fig. 4), beside PPCA q = 2's linear manifold; log-likelihoods against PPCA's.
//
// Decisions (stated on the page too):
//   • Inference is by grid quadrature (K × K Gauss–Hermite nodes over z), not amortised: p(x) ≈ Σₘ wₘ N(x; f(zₘ), σ²I).
//   • The output map is 16·sigmoid, so every decoded image has pixels in (0, 16) like the data; the Gaussian
//     likelihood is on the raw pixel scale (0–16), the same scale PPCA uses, so the log-likelihoods compare directly.
//   • Training uses minibatches of rows (Adam); the reported averages are over all rows, with the training rule and
//     with even (trapezoid) grids of increasing size (50², 75², 100² in the full build). Their spread shows that they
//     have converged; the training rule's distance from them is its quadrature error (a digit's posterior is much
//     narrower than the Gauss–Hermite node spacing). The middle grid's value is the one quoted.

import Datasets
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
        // The quadrature check: the trained model on even grids of increasing size over the same square (the
        // training rule resolves a digit's narrow posterior badly — step 3's argument — so measure by how much).
        // Rows in chunks, so that the (rows × nodes) matrices stay small.
        var checks: [(points: Int, nodes: Int, value: Double)] = []
        for k in s.digitsCheckPoints {
            let value: Double
            if k == s.digitsFineRule.points {
                value = llFine
            } else {
                let rule = try LatentQuadrature.trapezoid(halfWidth: s.digitsFineRule.halfWidth, pointsPerDimension: k, dimension: 2)
                var total = 0.0
                var start = 0
                while start < x.rows {
                    let end = min(start + 256, x.rows)
                    total += try trained.logMarginals(x.rows(start..<end), quadrature: rule).reduce(0, +)
                    start = end
                }
                value = total / Double(x.rows)
            }
            checks.append((k, k * k, value))
            progress("digits: quadrature check on \(k) × \(k) nodes", nil)
        }
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
        out.set("digits", "ppca_log_likelihood_per_sample", ppcaLL, "PPCA d = 2: log-likelihood per digit (closed form)",
                convention: "ML fit with the 1/N covariance; " + convention)
        out.set("digits", "gain_over_ppca", llFine - ppcaLL, "nonlinear − PPCA d = 2, per digit", convention: "nats per image")
        out.set("digits", "noise_variance", trained.noiseVariance, "nonlinear LVM σ² (per pixel)")
        out.set("digits", "ppca_noise_variance", ppca.noiseVariance, "PPCA d = 2 σ² (ML, per pixel)", convention: "mean of the 62 discarded eigenvalues (1/N)")
        out.set("digits", "rule_difference", llFine - llRule, "finer rule − training rule, per digit", convention: "nats")
        out.set("digits", "rule_difference_abs", abs(llFine - llRule), "|training rule − finer rule|, per digit", convention: "nats")
        out.set("digits", "rule_comparison", .string(llRule > llFine ? "higher" : "lower"), "is the training-rule value higher or lower than the finer rule's")
        out.set("digits", "fine_rule_half_width", s.digitsFineRule.halfWidth, "half-width b of the square [−b, b]² covered by the even check grids")
        out.set("digits", "fine_rules", .array(checks.map { c in
            .object(["name": .string("even grid \(c.points) × \(c.points) = \(c.nodes) nodes"), "points_per_axis": .integer(c.points),
                     "nodes": .integer(c.nodes), "log_likelihood_per_sample": .number(c.value)])
        }), "the trained decoder's log-likelihood per digit on even grids of increasing size (quadrature check)",
                convention: "trapezoid nodes on [−\(s.digitsFineRule.halfWidth), \(s.digitsFineRule.halfWidth)]², weights h²φ(z₁)φ(z₂); " + convention)
        let checkValues = checks.map(\.value)
        out.set("digits", "fine_rule_spread", (checkValues.max() ?? 0) - (checkValues.min() ?? 0), "largest − smallest value over the even check grids",
                convention: "nats per image")
        out.set("digits", "ppca_parameter_count", d * 2 + d + 1, "PPCA d = 2 parameters: W (D × 2), μ (D), σ²")
        out.set("digits", "ppca_effective_parameter_count", d * 2 + d + 1 - 1, "PPCA d = 2 parameters without the rotation of z",
                convention: "D d + D + 1 − d(d − 1)/2 (Tipping & Bishop 1999)")
        out.set("digits", "pixels", d, "pixels per image D")
        out.set("digits", "pixel_max", 16, "largest pixel value c; decoder output c·sigmoid")
        out.set("digits", "evaluation_steps", .numbers(evalSteps), "Adam steps at which all digits were evaluated")
        out.set("digits", "training_trace", .numbers(evalValues), "log-likelihood per digit over all digits, during training",
                convention: "training rule; " + convention)
        out.set("digits", "minibatch_trace", .numbers(trace), "minibatch log-likelihood per digit at each step (noisy)")

        // log-likelihood during training
        do {
            let fig = Figure(title: "Digits: log-likelihood per image while training")
            let ax = fig.addAxes()
            ax.line(x: evalSteps, y: evalValues, color: .model, width: 1.8, label: "nonlinear LVM, d = 2 (\(rule.name))")
            ax.scatter(x: evalSteps, y: evalValues, color: .model, size: 2.5)
            ax.horizontalLine(at: ppcaLL, color: .reference, dash: .dashed, label: "PPCA d = 2 (closed form)")
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
        let oneNodeThreshold = 0.9
        for n in 0..<x.rows where marginal.responsibilities.row(n).max() ?? 0 > oneNodeThreshold { share += 1 }
        out.set("digits", "one_node_threshold", oneNodeThreshold, "posterior mass counted as 'on a single node'")
        out.set("digits", "share_on_one_node", Double(share) / Double(x.rows), "share of digits whose training-rule posterior puts > 90 % on one node",
                convention: "responsibilities rₙₘ of the \(rule.name) grid")
        let halfWidth = StandardNormal.quantile(1 - 0.5 / Double(s.manifoldSide))     // outermost manifold node
        out.set("digits", "manifold_half_width", halfWidth, "largest |zᵢ| of the manifold grids", convention: "Φ⁻¹(1 − 1/(2 · side))")
        let inside = (0..<x.rows).filter { abs(zMeans[$0, 0]) <= halfWidth && abs(zMeans[$0, 1]) <= halfWidth }.count
        out.set("digits", "share_inside_manifold_grid", Double(inside) / Double(x.rows), "share of digits whose E[z|x] lies inside the manifold grid's square |zᵢ| ≤ Φ⁻¹(1 − 1/(2 · side))",
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
            let square = [-halfWidth, halfWidth, halfWidth, -halfWidth, -halfWidth]
            ax.line(x: square, y: [-halfWidth, -halfWidth, halfWidth, halfWidth, -halfWidth], color: .reference, width: 1, dash: .dashed, label: "manifold grid")
            ax.xLabel = "E[z₁|x]"; ax.yLabel = "E[z₂|x]"
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
            // Two rows (a slide is ≤ 640 pt wide), each with z₁ along the bottom and z₂ up the left edge.
            let cellHeight = 400.0, width = 480.0
            let fig = Figure(width: width, height: 2 * cellHeight + 20, title: "Latent manifolds: decoded images at z = Φ⁻¹(u), u an even grid")
            let axes = fig.subplots(rows: 2, columns: 1)
            let edges = LatentManifold.edgeAxes(side: side)
            for (ax, (images, name)) in zip(axes, [(nonlinearImages, "nonlinear decoder fθ(z), d = 2"),
                                                    (ppcaImages, "PPCA d = 2: W z + μ (linear)")]) {
                ax.imageGrid(images: images, imageRows: 8, imageColumns: 8, gridColumns: side, colorMap: .greys, range: 0...16,
                             xAxis: edges.x, yAxis: edges.y)
                ax.title = name
            }
            out.figure("latent-manifold", fig)
        }
        // the decoder's manifold alone, drawn exactly like the PPCA lesson's (for reuse in notes)
        let decoderOnly = trained.decoder
        out.figure("latent-manifold-decoder", LatentManifold.figure(
            side: side, imageRows: 8, imageColumns: 8, range: 0...16,
            title: "Nonlinear decoder (d = 2): fθ(z) at z = Φ⁻¹(u)") { z in decoderOnly(Matrix([z])).elements })
    }
}
