// NonlinearInferenceSteps — steps 5–7 of the nonlinear lesson on the trained toy model: the shapes of p(z|x), why
// p(x) is intractable in general (Monte Carlo, the K^d grid, importance sampling), and the ELBO with its KL gap.

import Foundation
import LinearAlgebra
import Models
import Plotting

enum NonlinearInferenceSteps {
    /// A point of the plane whose posterior the lesson inspects.
    struct Probe {
        let name: String
        let x: [Double]
        let description: String
    }

    /// A: just outside the arc (fixed); B: in the gap, placed so that the two ends of the learned curve get equal
    /// posterior mass (bisection on its height), so that p(z|x) has two equal modes; C: 0.2 beyond the lower end of the
    /// learned curve along its tangent, where the curve stops and the posterior piles up against its end.
    static func probes(model: NonlinearLVM, data x: Matrix, rule: LatentQuadrature) throws -> (probes: [Probe], split: Double) {
        let r = try model.quadratureMarginal(x, quadrature: rule).responsibilities
        let zMeans = (r * rule.nodes).elements                     // E[z|xₙ] on the nodes
        let zLow = zMeans.min() ?? -2, zHigh = zMeans.max() ?? 2
        let split = 0.5 * (zLow + zHigh)
        let ends = model.decoder(NL.column([zLow, zHigh]))
        let bx = 0.5 * (ends[0, 0] + ends[1, 0]) - 0.25
        let zGrid = NL.column(NL.linspace(-7, 7, 2801))
        func upperMass(_ y: Double) throws -> Double {
            let lj = try model.logJoint(Matrix([[bx, y]]), latent: zGrid).elements
            let m = lj.max() ?? 0
            var above = 0.0, total = 0.0
            for (k, v) in lj.enumerated() {
                let w = exp(v - m)
                total += w
                if zGrid[k, 0] > split { above += w }
            }
            return above / total
        }
        var lo = min(ends[0, 1], ends[1, 1]), hi = max(ends[0, 1], ends[1, 1])
        let increasing = try upperMass(hi) > upperMass(lo)
        for _ in 0..<50 {
            let mid = 0.5 * (lo + hi)
            if (try upperMass(mid) > 0.5) == increasing { hi = mid } else { lo = mid }
        }
        let by = 0.5 * (lo + hi)
        // C: 0.2 beyond the lower end of the curve, along its outward tangent
        let lowerIsFirst = ends[0, 1] < ends[1, 1]
        let zEnd = lowerIsFirst ? zLow : zHigh
        let inward = zEnd < split ? 0.05 : -0.05
        let near = model.decoder(NL.column([zEnd + inward]))
        var t = [ends[lowerIsFirst ? 0 : 1, 0] - near[0, 0], ends[lowerIsFirst ? 0 : 1, 1] - near[0, 1]]
        let tn = max(hypot(t[0], t[1]), 1e-12)
        t = [t[0] / tn, t[1] / tn]
        let c = [ends[lowerIsFirst ? 0 : 1, 0] + 0.2 * t[0], ends[lowerIsFirst ? 0 : 1, 1] + 0.2 * t[1]]
        return ([
            Probe(name: "A", x: [1.12, 0.05], description: "just outside the arc"),
            Probe(name: "B", x: [bx, by], description: "in the gap between the two ends"),
            Probe(name: "C", x: c, description: "beyond the lower end"),
        ], split)
    }

    static func run<G: RandomNumberGenerator>(
        toy: NonlinearToyState, settings s: NonlinearSettings, generator g: inout G, output out: inout NonlinearLessonOutput
    ) throws {
        let model = toy.trained
        // ±8 shows both of B's modes whole (one lies beyond the training nodes, where the decoder extrapolates)
        let zHalf = 8.0
        let zGrid = NL.linspace(-zHalf, zHalf, 3201)
        let zMatrix = NL.column(zGrid)
        let candidates = NL.column(NL.linspace(-zHalf, zHalf, 321))
        let (probes, split) = try Self.probes(model: model, data: toy.x, rule: toy.trainingRule)

        // MARK: Step 5 — posterior shapes
        let ppcaPosterior = try toy.ppca.posterior(Matrix(probes.map(\.x)))
        let ppcaSD = ppcaPosterior.covariance[0, 0].squareRoot()
        var posteriors: [[Double]] = []
        var laplaces: [VariationalGaussian] = []
        var entries: [JSONValue] = []
        var posteriorEntries: [(mean: Double, sd: Double)] = []
        var modePositions: [[Double]] = []
        for (i, p) in probes.enumerated() {
            let logJoint = try model.logJoint(Matrix([p.x]), latent: zMatrix).elements
            let density = NL.normalisedDensity(logValues: logJoint, grid: zGrid)
            posteriors.append(density)
            let laplace = try model.laplaceApproximation(p.x, candidates: candidates)
            laplaces.append(laplace)
            // moments of the gridded posterior, and its number of local maxima above 1 % of the peak
            let h = zGrid[1] - zGrid[0]
            let mean = zip(zGrid, density).reduce(0) { $0 + $1.0 * $1.1 } * h
            let variance = zip(zGrid, density).reduce(0) { $0 + ($1.0 - mean) * ($1.0 - mean) * $1.1 } * h
            let third = zip(zGrid, density).reduce(0) { $0 + pow($1.0 - mean, 3) * $1.1 } * h
            let peak = density.max() ?? 0
            var modes = 0
            var positions: [Double] = []
            for k in 1..<(density.count - 1) where density[k] > density[k - 1] && density[k] >= density[k + 1] && density[k] > 0.01 * peak {
                modes += 1
                positions.append(zGrid[k])
            }
            modePositions.append(positions)
            posteriorEntries.append((mean, variance.squareRoot()))
            entries.append([
                "name": .string(p.name), "x": .numbers(p.x), "where": .string(p.description),
                "mean": .number(mean), "sd": .number(variance.squareRoot()),
                "skewness": .number(third / pow(variance, 1.5)), "modes": .integer(modes),
                "laplace_mean": .number(laplace.mean[0]), "laplace_sd": .number(laplace.covariance[0, 0].squareRoot()),
                "ppca_mean": .number(ppcaPosterior.means[i, 0]), "ppca_sd": .number(ppcaSD),
            ])
        }
        out.set("posterior", "points", .array(entries), "posterior p(z|x) at the probe points A, B, C",
                convention: "moments of the posterior normalised on a grid of \(zGrid.count) z-values in [−\(zHalf), \(zHalf)]; modes = local maxima above 1 % of the peak; B is placed so that both ends of the curve get equal posterior mass")
        let ruleHalf = s.toyRuleHalfWidth
        let outerMode = modePositions[1].max { abs($0) < abs($1) } ?? .nan
        out.set("posterior", "b_outer_mode", abs(outerMode), "|z| of B's outermost posterior mode")
        let hB = zGrid[1] - zGrid[0]
        let outsideMass = zip(zGrid, posteriors[1]).reduce(0) { $0 + (abs($1.0) > ruleHalf ? $1.1 * hB : 0) }
        out.set("posterior", "b_mass_outside_training_nodes", outsideMass, "share of B's posterior at |z| beyond the training nodes",
                convention: "|z| > \(ruleHalf), the half-width of the training rule; Riemann sum on the z-grid")
        out.set("posterior", "ppca_sd", ppcaSD, "PPCA posterior standard deviation (the same for every x)", convention: "√(σ² M⁻¹), M = WᵀW + σ²")
        do {
            let fig = Figure(width: 640, height: 480, title: "The posterior p(z|x) ∝ p(x|z) p(z) at three points")
            let axes = fig.subplots(rows: 2, columns: 2)
            let ax0 = axes[0]
            ax0.scatter(x: toy.x.column(0), y: toy.x.column(1), color: .data, size: 1.5, alpha: 0.4, label: "data")
            let c = NL.decodedCurve(model, NL.linspace(-3, 3, 301))
            ax0.line(x: c.x, y: c.y, color: .model, width: 1.8, label: "fθ(z)")
            for p in probes {
                ax0.scatter(x: [p.x[0]], y: [p.x[1]], color: .highlight, size: 5, marker: .diamond, alpha: 1)
                ax0.text(p.name, x: p.x[0] + 0.08, y: p.x[1] + 0.12, color: .reference, size: 11)
            }
            ax0.title = "the probe points"
            ax0.xLabel = "x₁"; ax0.yLabel = "x₂"
            ax0.xLimits = NonlinearToyArc.xLimits; ax0.yLimits = NonlinearToyArc.yLimits
            ax0.equalAspect = true
            ax0.legend = .none
            for (i, p) in probes.enumerated() {
                let ax = axes[i + 1]
                // |z| beyond the training nodes: the decoder was never fitted there
                let lapCurve = NL.gaussianCurve(mean: laplaces[i].mean[0], sd: laplaces[i].covariance[0, 0].squareRoot(), on: zGrid)
                // the first panel carries the legend: head-room above its narrow spike keeps the legend off the data
                let yTop = (i == 0 ? 2.3 : 1.08) * max(posteriors[i].max() ?? 1, lapCurve.max() ?? 0)
                for side in [(-zHalf, -ruleHalf), (ruleHalf, zHalf)] {
                    ax.band(x: [side.0, side.1], lower: [0, 0], upper: [yTop, yTop], color: .reference, alpha: 0.08,
                            label: side.0 < 0 ? "beyond the training nodes" : nil)
                }
                ax.band(x: zGrid, lower: [Double](repeating: 0, count: zGrid.count), upper: posteriors[i], color: .posterior, alpha: 0.25)
                ax.line(x: zGrid, y: posteriors[i], color: .posterior, width: 2, label: "p(z|x), nonlinear")
                let lap = laplaces[i]
                ax.line(x: zGrid, y: NL.gaussianCurve(mean: lap.mean[0], sd: lap.covariance[0, 0].squareRoot(), on: zGrid),
                        color: .model, width: 1.2, dash: .dotted, label: "Laplace approximation")
                ax.line(x: zGrid, y: NL.gaussianCurve(mean: ppcaPosterior.means[i, 0], sd: ppcaSD, on: zGrid),
                        color: .reference, width: 1.2, dash: .dashed, label: "PPCA p(z|x) (its own z)")
                ax.title = "\(p.name) = (\(NL.coordinate(p.x[0])), \(NL.coordinate(p.x[1]))): \(p.description)"
                ax.xLabel = "z"
                ax.yLabel = "density"
                ax.xLimits = -zHalf...zHalf
                ax.yLimits = 0...yTop
                ax.legend = i == 0 ? .upperLeft : .none
            }
            out.figure("posterior-shapes", fig)
        }

        // MARK: Step 6 — why it is intractable
        let probe = probes[0]
        let logPx = try model.logMarginals(Matrix([probe.x]), quadrature: toy.referenceRule)[0]
        let lap = laplaces[0]
        let widening = 0.2                                          // proposal sd = (1 + widening) × Laplace sd
        let widened = try VariationalGaussian(mean: lap.mean, standardDeviations: [(1 + widening) * lap.covariance[0, 0].squareRoot()])
        var naiveError: [Double] = [], isError: [Double] = []
        for count in s.monteCarloSampleCounts {
            var a = 0.0, b = 0.0
            for _ in 0..<s.monteCarloRepeats {
                let r1 = exp(try MonteCarloMarginal.priorSampling(model, x: probe.x, samples: count, using: &g) - logPx) - 1
                let r2 = exp(try MonteCarloMarginal.importanceSampling(model, x: probe.x, proposal: widened, samples: count, using: &g) - logPx) - 1
                a += r1 * r1
                b += r2 * r2
            }
            naiveError.append(max((a / Double(s.monteCarloRepeats)).squareRoot(), 1e-16))
            isError.append(max((b / Double(s.monteCarloRepeats)).squareRoot(), 1e-16))
        }
        let counts = s.monteCarloSampleCounts.map(Double.init)
        // the theoretical relative error of prior sampling, √(Var[p(x|z)]/S)/p(x), from the posterior on the grid
        let condLog = try model.conditionalLogDensities(Matrix([probe.x]), latent: zMatrix).elements
        let h = zGrid[1] - zGrid[0]
        var secondMoment = 0.0
        for k in 0..<zGrid.count { secondMoment += exp(2 * (condLog[k] - logPx) + StandardNormal.logDensity(zGrid[k])) * h }
        let relativeSD = (secondMoment - 1).squareRoot()
        out.set("monte_carlo", "probe", .string(probe.name), "point where p(x) is estimated")
        out.set("monte_carlo", "log_px", logPx, "log p(x) at the probe (reference rule)", convention: "natural log")
        out.set("monte_carlo", "sample_counts", .array(s.monteCarloSampleCounts.map { .integer($0) }), "sample counts S")
        out.set("monte_carlo", "repeats", s.monteCarloRepeats, "independent repeats per S")
        out.set("monte_carlo", "prior_relative_error", .numbers(naiveError), "RMS of p̂/p − 1, samples from the prior",
                convention: "root mean square over the repeats")
        out.set("monte_carlo", "importance_relative_error", .numbers(isError), "RMS of p̂/p − 1, importance sampling (Laplace proposal, sd × 1.2)")
        out.set("monte_carlo", "prior_relative_sd_one_sample", relativeSD, "relative standard deviation of one prior-sampling term, √(E[p(x|z)²]/p(x)² − 1)",
                convention: "computed on the z-grid; the RMS relative error is this over √S")
        let target = 0.01
        out.set("monte_carlo", "target_relative_error", target, "target relative error for the sample-count estimate")
        out.set("monte_carlo", "samples_for_one_percent", Int((relativeSD / target * relativeSD / target).rounded(.up)),
                "prior samples S needed for a 1 % relative error at this point", convention: "S = (relative sd / 0.01)²")
        do {
            let fig = Figure(title: "Monte Carlo estimates of p(x) at A: relative error")
            let ax = fig.addAxes()
            ax.line(x: counts, y: counts.map { relativeSD / $0.squareRoot() }, color: .reference, width: 1, dash: .dashed, label: "theory for prior sampling, ∝ 1/√S")
            ax.line(x: counts, y: naiveError, color: .samples, width: 1.8, label: "z ~ p(z) (prior)")
            ax.scatter(x: counts, y: naiveError, color: .samples, size: 3)
            ax.line(x: counts, y: isError, color: .posterior, width: 1.8, label: "z ~ Laplace proposal (importance sampling)")
            ax.scatter(x: counts, y: isError, color: .posterior, size: 3)
            ax.xScale = .log10; ax.yScale = .log10
            ax.xLabel = "number of samples S"
            ax.yLabel = "RMS of p̂(x)/p(x) − 1"
            ax.legend = .lowerLeft
            out.figure("mc-relative-error", fig)
        }

        // The K^d wall
        let dims = Array(1...12)
        let ks = [5, 10, 20, 50]
        out.set("grid_cost", "dimensions", .array(dims.map { .integer($0) }), "latent dimensions d")
        out.set("grid_cost", "nodes_per_dimension", .array(ks.map { .integer($0) }), "nodes per dimension K")
        out.set("grid_cost", "example_nodes", 20, "nodes per dimension K in the worked example")
        out.set("grid_cost", "example_dimension", 10, "latent dimension d in the worked example")
        out.set("grid_cost", "evaluations_d10_k20", pow(20.0, 10), "decoder evaluations per data point for K = 20, d = 10", convention: "K^d")
        do {
            let fig = Figure(title: "Cost of a grid: Kᵈ decoder evaluations per point")
            let ax = fig.addAxes()
            for (i, k) in ks.enumerated() {
                // an ordered series: a sequential colour map (dark = few nodes, light = many), not the class palette
                let colour = ColorMap.viridis.color(at: 0.8 * Double(i) / Double(max(ks.count - 1, 1)))
                let y = dims.map { pow(Double(k), Double($0)) }
                ax.line(x: dims.map(Double.init), y: y, color: colour, width: 1.8, label: "K = \(k) nodes per dimension")
                ax.scatter(x: dims.map(Double.init), y: y, color: colour, size: 2.5)
            }
            ax.horizontalLine(at: 1e9, color: .reference, dash: .dotted, label: "10⁹ evaluations")
            ax.scatter(x: [1, 2], y: [Double(toy.trainingRule.count), Double(s.digitsOrder * s.digitsOrder)], color: .highlight, size: 5,
                       marker: .diamond, alpha: 1, label: "this lesson: toy (d = 1), digits (d = 2)")
            ax.yScale = .log10
            ax.xLabel = "latent dimension d"
            ax.yLabel = "evaluations Kᵈ"
            ax.legend = .upperLeft
            out.figure("grid-cost", fig)
        }

        // Importance sampling: the proposal, and the spread of the estimates at S = 100
        let stripCount = 100
        var naiveStrip: [Double] = [], isStrip: [Double] = []
        for _ in 0..<s.importanceRepeats {
            naiveStrip.append(exp(try MonteCarloMarginal.priorSampling(model, x: probe.x, samples: stripCount, using: &g) - logPx))
            isStrip.append(exp(try MonteCarloMarginal.importanceSampling(model, x: probe.x, proposal: widened, samples: stripCount, using: &g) - logPx))
        }
        func sd(_ v: [Double]) -> Double {
            let m = v.reduce(0, +) / Double(v.count)
            return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
        }
        let varianceRatio = pow(sd(naiveStrip) / sd(isStrip), 2)
        out.set("importance", "samples", stripCount, "samples per estimate S")
        out.set("importance", "repeats", s.importanceRepeats, "repeated estimates")
        out.set("importance", "prior_sd", sd(naiveStrip), "standard deviation of p̂/p, prior sampling", convention: "1/(R−1) over the repeats")
        out.set("importance", "importance_sd", sd(isStrip), "standard deviation of p̂/p, importance sampling")
        out.set("importance", "variance_ratio", varianceRatio, "variance reduction factor Var_prior / Var_importance at equal S")
        out.set("importance", "proposal_widening", widening, "how much wider than the Laplace approximation the proposal is",
                convention: "proposal sd = (1 + this) × Laplace sd")
        out.set("importance", "proposal_mean", widened.mean[0], "proposal mean (Laplace mode)")
        out.set("importance", "proposal_sd", widened.covariance[0, 0].squareRoot(), "proposal standard deviation (Laplace × 1.2)")
        do {
            let fig = Figure(width: 640, height: 300, title: "Importance sampling with a Gaussian fitted to the posterior (point A)")
            let axes = fig.subplots(rows: 1, columns: 2)
            let ax = axes[0]
            ax.line(x: zGrid, y: zGrid.map { exp(StandardNormal.logDensity($0)) }, color: .samples, width: 1.5, dash: .dashed, label: "prior p(z)")
            ax.line(x: zGrid, y: posteriors[0], color: .posterior, width: 2, label: "posterior p(z|x)")
            ax.line(x: zGrid, y: NL.gaussianCurve(mean: widened.mean[0], sd: widened.covariance[0, 0].squareRoot(), on: zGrid),
                    color: .model, width: 1.5, dash: .dotted, label: "proposal r(z)")
            ax.xLabel = "z"; ax.yLabel = "density"
            ax.title = "where the samples come from"
            ax.xLimits = -3...3
            ax.legend = .upperLeft
            let bx = axes[1]
            // each estimate against its repeat number r: a numeric axis, the two methods told apart by colour
            let repeatIndex = (1...s.importanceRepeats).map(Double.init)
            bx.scatter(x: repeatIndex, y: naiveStrip, color: .samples, size: 2.5, alpha: 0.6, label: "prior sampling")
            bx.scatter(x: repeatIndex, y: isStrip, color: .posterior, size: 2.5, alpha: 0.6, label: "importance sampling")
            bx.horizontalLine(at: 1, color: .reference, dash: .dashed, label: "exact: p̂/p = 1")
            bx.xLabel = "repeat r"
            bx.yLabel = "p̂(x)/p(x), S = \(stripCount)"
            bx.title = "\(s.importanceRepeats) estimates each"
            bx.legend = .outsideRight
            out.figure("importance-sampling", fig)
        }

        // MARK: Step 7 — the ELBO and its gap
        let standard = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 801, dimension: 1)
        var examples: [JSONValue] = []
        var figureRows: [(label: String, q: VariationalGaussian, elbo: Double, kl: Double)] = []
        var figureLogPx = 0.0
        for (i, p) in probes.enumerated() {
            let row = Matrix([p.x])
            let lp = try model.logMarginals(row, quadrature: toy.referenceRule)[0]
            let l = laplaces[i]
            let ls = l.covariance[0, 0].squareRoot()
            // moment-matched Gaussian: the posterior's own mean and standard deviation (from the grid)
            let ppts = posteriorEntries[i]
            var qs: [(String, VariationalGaussian)] = [
                ("Laplace at ẑ", l),
                ("N(ẑ, (2s)²), too wide", try VariationalGaussian(mean: l.mean, standardDeviations: [2 * ls])),
                ("N(ẑ + 2s, s²), shifted", try VariationalGaussian(mean: [l.mean[0] + 2 * ls], standardDeviations: [ls])),
                ("moment-matched N(E[z|x], Var[z|x])", try VariationalGaussian(mean: [ppts.mean], standardDeviations: [ppts.sd])),
            ]
            if p.name == "B" {
                // the Laplace approximation at the other mode, on the other side of the split
                let side = l.mean[0] > split ? NL.linspace(-zHalf, split, 161) : NL.linspace(split, zHalf, 161)
                let other = try model.laplaceApproximation(p.x, candidates: NL.column(side))
                qs.insert(("Laplace at the other mode", other), at: 1)
            }
            for (label, q) in qs {
                let elbo = try model.elbo(p.x, q: q, standardRule: standard).value
                // the KL grid covers both the posterior (inside ±8) and q (mean ± 10 sd), with spacing ≤ 0.0025
                let qm = q.mean[0], qs = q.covariance[0, 0].squareRoot()
                let half = max(8, abs(qm) + 10 * qs)
                let klGrid = try LatentQuadrature.trapezoid(halfWidth: half, pointsPerDimension: Int((2 * half / 0.0025).rounded(.up)) + 1, dimension: 1)
                let joint = try model.logJoint(row, latent: klGrid.nodes).elements
                let kl = try ELBO.klToPosterior(q: q, grid: klGrid, logJoint: joint)
                examples.append([
                    "point": .string(p.name), "x": .numbers(p.x), "q": .string(label),
                    "q_mean": .number(q.mean[0]), "q_sd": .number(q.covariance[0, 0].squareRoot()),
                    "log_px": .number(lp), "elbo": .number(elbo), "kl": .number(kl), "gap_minus_kl": .number(lp - elbo - kl),
                ])
                if p.name == "B" && !label.hasSuffix("shifted") { figureRows.append((label, q, elbo, kl)) }
            }
            if p.name == "B" { figureLogPx = lp }
        }
        out.topLevel["elbo_gap_examples"] = .array(examples)
        out.quantities["elbo_gap_examples"] = Quantity("ELBO examples: log p(x), ELBO(q), KL(q ‖ p(z|x)) for Gaussian q at A, B, C",
            convention: "log p(x) by the fine rule; ELBO with E_q by a trapezoid rule in (z − m)/s; KL on a separate z-grid (spacing 0.0025, covering the posterior and q ± 10 sd); natural log")
        let maxMismatch = examples.compactMap { e -> Double? in
            if case .object(let o) = e, case .number(let v)? = o["gap_minus_kl"] { return abs(v) }
            return nil
        }.max() ?? .nan
        out.set("elbo", "max_gap_minus_kl", maxMismatch, "largest |log p(x) − ELBO − KL| over the examples", convention: "three separate numerical routes; should be ≈ 0")
        out.set("elbo", "log_two", log(2.0), "log 2: the gap of a q that covers one of two equal modes exactly")
        out.set("elbo", "figure_q_count", figureRows.count, "Gaussian q drawn at B in the figure")
        if let first = figureRows.first {
            out.set("elbo", "bimodal_laplace_gap", figureLogPx - first.elbo, "gap log p(x) − ELBO for the Laplace q at B (two modes)",
                    convention: "≈ log 2 = 0.693 when q covers one of two equal modes")
        }
        do {
            // colour by role: the Laplace approximations in the model colour (dotted at ẑ, as in posterior-shapes;
            // dashed at the other mode), the too-wide q in the projection colour, the moment-matched q in highlight
            func style(_ label: String) -> (Color, Dash) {
                if label.hasPrefix("Laplace at ẑ") { return (.model, .dotted) }
                if label.hasPrefix("Laplace") { return (.model, .dashed) }
                if label.hasPrefix("moment") { return (.highlight, .dashed) }
                return (.projection, .dashed)
            }
            let fig = Figure(width: 640, height: 300, title: "ELBO(q) = log p(x) − KL(q ‖ p(z|x)) at point B")
            let axes = fig.subplots(rows: 1, columns: 2)
            let ax = axes[0]
            let posteriorB = posteriors[1]
            ax.band(x: zGrid, lower: [Double](repeating: 0, count: zGrid.count), upper: posteriorB, color: .posterior, alpha: 0.2)
            ax.line(x: zGrid, y: posteriorB, color: .posterior, width: 2, label: "p(z|x)")
            var peak = posteriorB.max() ?? 1
            for (k, r) in figureRows.enumerated() {
                let curve = NL.gaussianCurve(mean: r.q.mean[0], sd: r.q.covariance[0, 0].squareRoot(), on: zGrid)
                peak = max(peak, curve.max() ?? 0)
                let short = r.label.hasPrefix("moment") ? "moment-matched" : r.label
                let (colour, dash) = style(r.label)
                ax.line(x: zGrid, y: curve, color: colour, width: 1.4, dash: dash, label: "q\(subscriptDigit(k + 1)): \(short)")
            }
            ax.yLimits = 0...(1.7 * peak)
            ax.xLabel = "z"; ax.yLabel = "density"
            ax.xLimits = -zHalf...zHalf
            ax.title = "the posterior and \(figureRows.count) Gaussian q"
            ax.legend = .upperLeft
            let bx = axes[1]
            bx.text("log p(x)", x: Double(figureRows.count) + 0.85, y: figureLogPx + 0.04 * max(figureRows.map(\.kl).max() ?? 1, 0.1), anchor: .right)
            let maxKL = max(figureRows.map(\.kl).max() ?? 1, 0.1)
            let yRange = 1.25 * maxKL
            bx.horizontalLine(at: figureLogPx, color: .reference, dash: .solid)
            for (k, r) in figureRows.enumerated() {
                let xk = Double(k + 1)
                let colour = style(r.label).0
                bx.line(x: [xk, xk], y: [r.elbo, r.elbo + r.kl], color: colour, width: 3)
                bx.scatter(x: [xk], y: [r.elbo], color: colour, size: 4.5, alpha: 1)
                let labelY = r.kl > 0.3 * maxKL ? r.elbo + 0.5 * r.kl : r.elbo - 0.06 * yRange
                bx.text("KL = \(NL.fmt(r.kl, 3))", x: xk + 0.1, y: labelY, color: colour, size: 9)
            }
            bx.xLimits = 0.5...(Double(figureRows.count) + 0.9)
            bx.yLimits = (figureLogPx - 1.15 * maxKL)...(figureLogPx + 0.1 * maxKL)
            bx.xLabel = "k, the index of qₖ"
            bx.yLabel = "ELBO(q) (dots) and log p(x) (line), nats"
            bx.title = "the gap is the KL divergence"
            bx.legend = .none
            out.figure("elbo-gap", fig)
        }
    }
}
