// NonlinearCurveSteps — steps 1–4 of the nonlinear lesson on a 2-D toy data set with a 1-D latent variable:
// the data and PPCA's best fit, the decoder, the marginal by quadrature (and its accuracy), and learning by Adam.

import Foundation
import LinearAlgebra
import Models
import Plotting

/// The state the later steps need from steps 1–4.
struct NonlinearToyState {
    let x: Matrix                      // (N, 2) the arc data
    let ppca: PPCA                     // q = 1 closed-form fit
    let untrained: NonlinearLVM
    let trained: NonlinearLVM
    let trainingRule: LatentQuadrature
    let referenceRule: LatentQuadrature
}

enum NonlinearCurveSteps {
    static let logConvention = "natural log; average (1/N) Σₙ log p(xₙ) over the toy data"

    static func run<G: RandomNumberGenerator>(
        settings s: NonlinearSettings, generator g: inout G, output out: inout NonlinearLessonOutput
    ) throws -> NonlinearToyState {
        // MARK: Step 1 — data on a curve; PPCA cannot follow it
        let x = NonlinearToyArc.sample(rows: s.toyRows, noise: s.toyNoise, using: &g)
        let ppca = try PPCA.fit(x, latentDimension: 1)
        let ppcaLL = try ppca.averageLogLikelihood(x)
        out.set("toy", "rows", x.rows, "number of toy points N")
        out.set("toy", "data_noise_sd", s.toyNoise, "noise standard deviation around the arc (generating process)")
        out.set("toy", "ppca_log_likelihood_per_sample", ppcaLL, "PPCA (d = 1) log-likelihood per sample",
                convention: "closed-form ML fit (1/N covariance); " + logConvention)
        out.set("toy", "ppca_latent_dim", 1, "latent dimension d of the PPCA comparison model (q in lesson 2)")
        out.set("toy", "ppca_noise_variance", ppca.noiseVariance, "PPCA σ² (ML, d = 1)", convention: "smaller eigenvalue of the 1/N covariance")

        let grid = NonlinearPlaneGrid(x: NonlinearToyArc.xLimits, y: NonlinearToyArc.yLimits, count: s.densityGrid)
        let ppcaDensity = try ppca.logLikelihoods(grid.points)
        do {
            let fig = Figure(width: 560, height: 345, title: "A noisy arc, and the best PPCA fit")
            let ax = fig.addAxes()
            ax.contour(grid.scalarGrid(ppcaDensity), levels: [-5, -4, -3, -2, -1.5], color: .model, width: 1.2,
                       label: "PPCA log p(x) = −5, −4, −3, −2, −1.5")
            let w = ppca.loading.column(0), mu = ppca.mean
            ax.line(x: [mu[0] - 2.5 * w[0], mu[0] + 2.5 * w[0]], y: [mu[1] - 2.5 * w[1], mu[1] + 2.5 * w[1]],
                    color: .model, width: 1.5, dash: .dashed, label: "PPCA line μ + W z")
            ax.scatter(x: x.column(0), y: x.column(1), color: .data, size: 2.5, label: "data (N = \(x.rows))")
            ax.xLabel = "x₁"; ax.yLabel = "x₂"
            ax.xLimits = NonlinearToyArc.xLimits; ax.yLimits = NonlinearToyArc.yLimits
            ax.equalAspect = true
            ax.legend = .outsideRight
            out.figure("curve-data", fig)
        }

        // MARK: Step 2 — the decoder, untrained
        let decoder = MLPDecoder(latentDimension: 1, hiddenUnits: s.toyHidden, outputDimension: 2, output: .linear,
                                 gain: 2, biasScale: 1, outputScale: 1, using: &g)
        let untrained = try NonlinearLVM(decoder: decoder, noiseVariance: s.toyInitialNoiseVariance)
        out.set("toy", "hidden_units", s.toyHidden, "hidden tanh units H of the decoder 1 → H → 2")
        out.set("toy", "parameter_count", untrained.parameters.count, "number of parameters (W₁, b₁, W₂, b₂, log σ²)")
        out.set("toy", "initial_noise_variance", s.toyInitialNoiseVariance, "σ² before training")
        let curveHalfWidth = 3.0
        let zCurve = NL.linspace(-curveHalfWidth, curveHalfWidth, 301)
        out.set("toy", "curve_half_width", curveHalfWidth, "the figures draw fθ(z) for |z| up to this value")
        do {
            let fig = Figure(title: "An untrained decoder: the curve fθ(z) and samples of p(x)")
            let ax = fig.addAxes()
            ax.scatter(x: x.column(0), y: x.column(1), color: .data, size: 2, alpha: 0.35, label: "data")
            let samples = untrained.sample(count: 300, using: &g).x
            ax.scatter(x: samples.column(0), y: samples.column(1), color: .samples, size: 2, alpha: 0.6, label: "samples x ~ p(x)")
            let c = NL.decodedCurve(untrained, zCurve)
            ax.line(x: c.x, y: c.y, color: .model, width: 2, label: "fθ(z), z ∈ [−3, 3]")
            // mark a few values of z, skipping marks that would sit on top of an earlier one; each label goes to the
            // one of eight positions around its mark that lies farthest from the curve, the marks and earlier labels
            // (a label is about 0.55 wide and 0.14 high in data units at this size)
            var placed: [(Double, Double)] = []
            var labelCentres: [(Double, Double)] = []
            let marks = [-2.0, -1, 0, 1, 2].map { z -> (Double, Double, Double) in
                let p = NL.decodedCurve(untrained, [z]); return (z, p.x[0], p.y[0])
            }
            for (z, px, py) in marks {
                if placed.contains(where: { hypot($0.0 - px, $0.1 - py) < 0.25 }) { continue }
                placed.append((px, py))
                var best = (score: -Double.infinity, x: px, y: py)
                for k in 0..<8 {
                    let angle = Double(k) * Double.pi / 4
                    let lx = px + 0.42 * cos(angle), ly = py + 0.18 * sin(angle)
                    var score = Double.infinity
                    for dx in [-0.28, -0.14, 0, 0.14, 0.28] {
                        for dy in [-0.06, 0, 0.06] {
                            let qx = lx + dx, qy = ly + dy
                            for i in stride(from: 0, to: c.x.count, by: 3) { score = min(score, hypot(c.x[i] - qx, c.y[i] - qy)) }
                            for m in marks { score = min(score, hypot(m.1 - qx, m.2 - qy)) }
                            for l in labelCentres { score = min(score, hypot(l.0 - qx, l.1 - qy)) }
                        }
                    }
                    if score > best.score { best = (score, lx, ly) }
                }
                labelCentres.append((best.x, best.y))
                ax.scatter(x: [px], y: [py], color: .reference, size: 3.5, alpha: 1)
                ax.text("z = \(NL.fmt(z, 1))", x: best.x, y: best.y, size: 9, anchor: .center, halo: true)
            }
            ax.xLabel = "x₁"; ax.yLabel = "x₂"
            ax.equalAspect = true
            ax.legend = .outsideRight
            out.figure("untrained-decoder", fig)
        }

        // MARK: Step 3 — the marginal by quadrature; accuracy against a much finer rule
        let trainingRule = try LatentQuadrature.trapezoid(halfWidth: s.toyRuleHalfWidth, pointsPerDimension: s.toyRulePoints, dimension: 1)
        let referenceRule = try LatentQuadrature.trapezoid(halfWidth: s.referenceRule.halfWidth, pointsPerDimension: s.referenceRule.points, dimension: 1)

        // MARK: Step 4 — learning (run now: step 3's figures show the trained model too)
        var model = untrained
        let frameSteps = Self.frameSteps(total: s.toySteps, count: s.trainingFrames)
        var frames: [(Int, NonlinearLVM)] = []
        let trace = try model.train(
            x, quadrature: trainingRule,
            schedule: TrainingSchedule(steps: s.toySteps, learningRate: s.toyLearningRate, finalLearningRate: s.toyFinalLearningRate),
            using: &g
        ) { step, m in if frameSteps.contains(step) { frames.append((step, m)) } }
        let trained = model
        let finalTraining = try trained.quadratureMarginal(x, quadrature: trainingRule).meanLogMarginal
        let finalReference = try trained.quadratureMarginal(x, quadrature: referenceRule).meanLogMarginal

        out.set("toy", "quadrature_rule", .string(trainingRule.name), "quadrature rule used for training")
        out.set("toy", "rule_half_width", s.toyRuleHalfWidth, "half-width a of the training rule's interval [−a, a]")
        out.set("toy", "quadrature_points", trainingRule.count, "quadrature nodes K of the training rule",
                convention: "uniform (trapezoid) nodes on [−\(s.toyRuleHalfWidth), \(s.toyRuleHalfWidth)], weights h·φ(z)")
        out.set("toy", "quadrature_spacing", 2 * s.toyRuleHalfWidth / Double(s.toyRulePoints - 1), "node spacing h of the training rule")
        out.set("toy", "reference_points", referenceRule.count, "nodes of the much finer reference rule",
                convention: "trapezoid on [−\(s.referenceRule.halfWidth), \(s.referenceRule.halfWidth)]")
        out.set("toy", "log_likelihood_per_sample", finalReference, "trained model: log-likelihood per sample",
                convention: "marginal by the fine reference rule; " + logConvention)
        out.set("toy", "log_likelihood_per_sample_training_rule", finalTraining, "trained model: log-likelihood per sample by the training rule",
                convention: logConvention)
        out.set("toy", "training_rule_error", abs(finalTraining - finalReference), "|training rule − reference| in the average log-likelihood")
        out.set("toy", "training_trace", .numbers(trace), "log-likelihood per sample at each Adam step (before the step)",
                convention: "training rule, full batch; " + logConvention)
        out.set("toy", "initial_log_likelihood_per_sample", trace.first ?? .nan, "log-likelihood per sample of the untrained model")
        out.set("toy", "steps", s.toySteps, "Adam steps (full batch)")
        out.set("toy", "learning_rate", s.toyLearningRate, "Adam learning rate (first step)",
                convention: "decays geometrically to \(s.toyFinalLearningRate) at the last step; β₁ = 0.9, β₂ = 0.999")
        out.set("toy", "noise_variance", trained.noiseVariance, "trained σ²", convention: "maximum likelihood under the quadrature marginal")
        out.set("toy", "noise_sd", trained.noiseVariance.squareRoot(), "trained σ")
        out.set("toy", "gain_over_ppca", finalReference - ppcaLL, "nonlinear − PPCA log-likelihood per sample",
                convention: "nats per point; exp of it is the average density ratio (geometric mean)")
        out.set("toy", "density_ratio", exp(finalReference - ppcaLL), "geometric-mean density ratio nonlinear / PPCA on the toy data",
                convention: "exp of the difference in average log-likelihood")

        // quadrature-accuracy: mean |log p_K − log p_ref| over the data, Gauss–Hermite and uniform rules
        let refUntrained = try untrained.logMarginals(x, quadrature: referenceRule)
        let refTrained = try trained.logMarginals(x, quadrature: referenceRule)
        func meanError(_ model: NonlinearLVM, _ rule: LatentQuadrature, _ ref: [Double]) throws -> Double {
            let v = try model.logMarginals(x, quadrature: rule)
            return max(zip(v, ref).reduce(0) { $0 + abs($1.0 - $1.1) } / Double(ref.count), 1e-16)
        }
        var ghUntrained: [Double] = [], ghTrained: [Double] = [], uniTrained: [Double] = []
        for k in s.accuracyOrders {
            let gh = try LatentQuadrature.gaussHermite(order: k, dimension: 1)
            let uni = try LatentQuadrature.trapezoid(halfWidth: s.toyRuleHalfWidth, pointsPerDimension: k, dimension: 1)
            ghUntrained.append(try meanError(untrained, gh, refUntrained))
            ghTrained.append(try meanError(trained, gh, refTrained))
            uniTrained.append(try meanError(trained, uni, refTrained))
        }
        let orders = s.accuracyOrders.map(Double.init)
        out.set("quadrature_accuracy", "nodes", .array(s.accuracyOrders.map { .integer($0) }), "numbers of quadrature nodes K compared")
        out.set("quadrature_accuracy", "gauss_hermite_untrained", .numbers(ghUntrained), "mean |log p̂(x; K nodes) − log p̂(x; reference)|, Gauss–Hermite, untrained decoder",
                convention: "averaged over the toy data; reference = fine trapezoid rule")
        out.set("quadrature_accuracy", "gauss_hermite_trained", .numbers(ghTrained), "mean |log p̂(x; K nodes) − log p̂(x; reference)|, Gauss–Hermite, trained decoder")
        out.set("quadrature_accuracy", "uniform_trained", .numbers(uniTrained), "mean |log p̂(x; K nodes) − log p̂(x; reference)|, uniform rule on [−a, a], trained decoder")
        do {
            let fig = Figure(title: "Quadrature error of log p(x) against a much finer rule")
            let ax = fig.addAxes()
            // Colour says which decoder (grey: untrained, the model colour: trained), line and marker say which rule
            // (solid with circles: Gauss–Hermite, dashed with squares: uniform nodes).
            let untrainedColour = Color.grey(0.55)
            ax.line(x: orders, y: ghUntrained, color: untrainedColour, label: "Gauss–Hermite, untrained (σ² = \(NL.fmt(untrained.noiseVariance)))")
            ax.scatter(x: orders, y: ghUntrained, color: untrainedColour, size: 3)
            ax.line(x: orders, y: ghTrained, color: .model, label: "Gauss–Hermite, trained (σ² = \(NL.fmt(trained.noiseVariance)))")
            ax.scatter(x: orders, y: ghTrained, color: .model, size: 3)
            ax.line(x: orders, y: uniTrained, color: .model, dash: .dashed, label: "uniform nodes on [−\(NL.fmt(s.toyRuleHalfWidth, 1)), \(NL.fmt(s.toyRuleHalfWidth, 1))], trained")
            ax.scatter(x: orders, y: uniTrained, color: .model, size: 3, marker: .square)
            ax.xScale = .log10; ax.yScale = .log10
            ax.xLabel = "number of nodes K"
            ax.yLabel = "mean |log p̂(x; K nodes) − log p̂(x; ref.)|"
            ax.legend = .lowerLeft
            out.figure("quadrature-accuracy", fig)
        }

        // marginal-density: log p(x) over the plane, untrained and trained — a tube around the curve
        let logDensityUntrained = try untrained.logMarginals(grid.points, quadrature: trainingRule)
        let logDensityTrained = try trained.logMarginals(grid.points, quadrature: trainingRule)
        do {
            // evenly spaced levels, one nat apart, from the floor up; values below the floor are left unfilled (white)
            let floor = -8.0
            out.set("toy", "density_floor", floor, "lowest contour level of the marginal-density figure", convention: "values below it are left white")
            let top = max((logDensityUntrained + logDensityTrained).max() ?? 2, floor + 2).rounded(.up)
            let levels = Array(stride(from: floor, through: top, by: 1))
            let fig = Figure(width: 640, height: 300, title: "The marginal log p(x) = log ∫ p(x|z) p(z) dz by quadrature")
            let axes = fig.subplots(rows: 1, columns: 2)
            for (ax, (model, values, name)) in zip(axes, [(untrained, logDensityUntrained, "untrained"), (trained, logDensityTrained, "trained")]) {
                ax.filledContour(grid.scalarGrid(values), levels: levels, colorMap: .viridis, colorBarLabel: "log p(x) (white: < \(NL.fmt(floor, 1)))")
                let c = NL.decodedCurve(model, zCurve)
                ax.line(x: c.x, y: c.y, color: .white, width: 1.2, label: "fθ(z)")
                // white rims under the data dots keep them visible on the dark low-density band
                ax.scatter(x: x.column(0), y: x.column(1), color: .white, size: 1.8, alpha: 0.85)
                ax.scatter(x: x.column(0), y: x.column(1), color: .data, size: 1.1, alpha: 0.9)
                ax.title = "\(name): σ² = \(NL.fmt(model.noiseVariance))"
                ax.xLabel = "x₁"; ax.yLabel = "x₂"
                ax.xLimits = NonlinearToyArc.xLimits; ax.yLimits = NonlinearToyArc.yLimits
                ax.legend = .none
            }
            out.figure("marginal-density", fig)
        }

        // training frames and trace
        var frameFigures: [Figure] = []
        var labels: [String] = []
        for (step, m) in frames {
            let fig = Figure(width: 620, height: 345, title: "Fitting the curve: Adam step \(step) of \(s.toySteps)")
            let ax = fig.addAxes()
            ax.scatter(x: x.column(0), y: x.column(1), color: .data, size: 2, alpha: 0.6, label: "data")
            let c = NL.decodedCurve(m, zCurve)
            // the noise tube: the contour at distance 2σ from the drawn curve (a true distance, so it cannot loop or
            // kink where the curve bends more tightly than 2σ, as offsets along the normal would)
            ax.contour(NL.distanceGrid(to: c, over: grid), levels: [2 * m.noiseVariance.squareRoot()], color: .model, width: 0.8,
                       label: "distance 2σ from fθ(z)")
            ax.line(x: c.x, y: c.y, color: .model, width: 2, label: "fθ(z), z ∈ [−3, 3]")
            let ll = step < trace.count ? trace[step] : finalTraining
            ax.text("(1/N) Σ log p(xₙ) = \(NL.fmt(ll, 3)),  σ² = \(NL.fmt(m.noiseVariance, 3))", x: -1.7, y: 1.4, size: 9)
            ax.xLabel = "x₁"; ax.yLabel = "x₂"
            ax.xLimits = NonlinearToyArc.xLimits; ax.yLimits = NonlinearToyArc.yLimits
            ax.equalAspect = true
            ax.legend = .outsideRight
            frameFigures.append(fig)
            labels.append("step \(step)")
        }
        out.figures["training"] = .frames(frameFigures, labels: labels)

        do {
            let fig = Figure(title: "Log-likelihood per sample while training")
            let ax = fig.addAxes()
            let steps = (0..<trace.count).map(Double.init)
            ax.line(x: steps, y: trace, color: .model, width: 1.8, label: "nonlinear LVM (quadrature, training rule)")
            ax.horizontalLine(at: ppcaLL, color: .reference, dash: .dashed, label: "PPCA d = 1 (closed form)")
            ax.xLabel = "Adam step"
            ax.yLabel = "(1/N) Σₙ log p(xₙ)"
            ax.yLimits = (min(ppcaLL, trace.min() ?? ppcaLL) - 0.2)...((trace.max() ?? 0) + 0.3)
            ax.legend = .lowerRight
            out.figure("training-log-likelihood", fig)
        }
        return NonlinearToyState(x: x, ppca: ppca, untrained: untrained, trained: trained, trainingRule: trainingRule, referenceRule: referenceRule)
    }

    /// `count` frame steps in 0…total, denser at the start (quadratic spacing), always including 0 and total.
    static func frameSteps(total: Int, count: Int) -> Set<Int> {
        var s: Set<Int> = [0, total]
        for i in 0..<count {
            let t = Double(i) / Double(max(count - 1, 1))
            s.insert(Int((t * t * Double(total)).rounded()))
        }
        return s
    }
}
