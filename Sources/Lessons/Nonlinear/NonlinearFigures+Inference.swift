// NonlinearFigures+Inference — the figures of steps 5–10: posteriors, Monte Carlo, grid cost, the ELBO gap and its maximum, digits.

import Foundation
import LinearAlgebra
import Models
import Plotting

extension NonlinearFigures {
    /// Step 5: the probe points on the arc, then each probe's gridded posterior (filled) with its Laplace
    /// approximation (dotted) and PPCA's Gaussian posterior (dashed), |z| beyond the training nodes shaded.
    static func posteriorShapes(_ x: Matrix, curves: (fitted: PlaneCurve, beyond: [PlaneCurve], modes: PlaneCurve),
                                probes: [PosteriorProbe], z: [Double], halfWidth: Double,
                                posteriors: [[Double]], laplace: [(mean: Double, sd: Double)], ppca: [(mean: Double, sd: Double)],
                                ruleHalfWidth: Double) -> Figure {
        let fig = Figure(width: 640, height: 480, title: "The posterior p(z|x) ∝ p(x|z) p(z) at three points")
        let axes = fig.subplots(rows: 2, columns: 2)
        let plane = axes[0]
        plane.scatter(x: x.column(0), y: x.column(1), color: .data, size: 1.5, alpha: 0.4, label: "data")
        plane.line(x: curves.fitted.x, y: curves.fitted.y, color: .model, width: 1.8, label: "fθ(z), training nodes")
        for (k, part) in curves.beyond.enumerated() {
            plane.line(x: part.x, y: part.y, color: .model, width: 1.2, dash: .dashed,
                       label: k == 0 ? "fθ(z) beyond them (|z| ≤ 6)" : nil)
        }
        plane.scatter(x: curves.modes.x, y: curves.modes.y, color: .posterior, size: 4, marker: .circle,
                      label: "fθ at B's posterior modes")
        for p in probes {
            plane.scatter(x: [p.x[0]], y: [p.x[1]], color: .highlight, size: 5, marker: .diamond, alpha: 1)
            plane.text(p.name, x: p.x[0] + 0.08, y: p.x[1] + 0.12, color: .reference, size: 11)
        }
        plane.title = "the probe points"
        plane.dataPlane(x: arcX, y: arcY)
        plane.legend = .none     // a legend would cover the arc; the caption says what the lines and dots are
        for (i, p) in probes.enumerated() {
            let ax = axes[i + 1]
            let laplaceCurve = gaussianCurve(mean: laplace[i].mean, sd: laplace[i].sd, on: z)
            // the first panel carries the legend: head-room above its narrow spike keeps the legend off the data
            let yTop = (i == 0 ? 2.3 : 1.08) * max(posteriors[i].max() ?? 1, laplaceCurve.max() ?? 0)
            // |z| beyond the training nodes: the decoder was never fitted there
            for side in [(-halfWidth, -ruleHalfWidth), (ruleHalfWidth, halfWidth)] {
                ax.band(x: [side.0, side.1], lower: [0, 0], upper: [yTop, yTop], color: .reference, alpha: 0.08,
                        label: side.0 < 0 ? "beyond the training nodes" : nil)
            }
            ax.band(x: z, lower: [Double](repeating: 0, count: z.count), upper: posteriors[i], color: .posterior, alpha: 0.25)
            ax.line(x: z, y: posteriors[i], color: .posterior, width: 2, label: "p(z|x), nonlinear")
            ax.line(x: z, y: laplaceCurve, color: .model, width: 1.2, dash: .dotted, label: "Laplace approximation")
            ax.line(x: z, y: gaussianCurve(mean: ppca[i].mean, sd: ppca[i].sd, on: z), color: .reference, width: 1.2, dash: .dashed,
                    label: "PPCA p(z|x) (its own z)")
            ax.title = "\(p.name) = (\(NumberFormat.fixed(p.x[0], decimals: 2)), \(NumberFormat.fixed(p.x[1], decimals: 2))): \(p.description)"
            ax.xLabel = "z"
            ax.yLabel = "density"
            ax.xLimits = -halfWidth...halfWidth
            ax.yLimits = 0...yTop
            ax.legend = i == 0 ? .upperLeft : .none
        }
        return fig
    }

    /// Step 6: RMS relative error of p̂(x) against L for prior and importance sampling, with the 1/√L law.
    static func monteCarloError(counts: [Int], prior: [Double], importance: [Double], oneSampleSD: Double) -> Figure {
        let s = counts.map(Double.init)
        let fig = Figure(title: "Monte Carlo estimates of p(x) at A: relative error")
        let ax = fig.addAxes()
        ax.line(x: s, y: s.map { oneSampleSD / $0.squareRoot() }, color: .reference, width: 1, dash: .dashed,
                label: "theory for prior sampling, ∝ 1/√L")
        ax.markedLine(x: s, y: prior, color: .samples, width: 1.8, label: "z ~ p(z) (prior)")
        ax.markedLine(x: s, y: importance, color: .posterior, width: 1.8,
                      label: "z ~ Laplace proposal (importance sampling)")
        ax.xScale = .log10; ax.yScale = .log10
        ax.xLabel = "number of samples L"
        ax.yLabel = "RMS of p̂(x)/p(x) − 1"
        ax.legend = .lowerLeft
        return fig
    }

    /// Step 6. Left: Kᵈ against d for each K (an ordered series: a sequential colour map, dark = few nodes), the 10⁹
    /// line, and the lesson's own grids (toy d = 1, digits d = 2). Right: the share of the prior's volume that the
    /// posterior fills, for PPCA on the digits with q = d, and the toy's posterior width at A (d = 1).
    static func gridCost(dimensions: [Int], nodesPerDimension: [Int], lessonGrids: [Double], volumeDimensions: [Int],
                         volumeRatios: [Double], toyRatio: Double) -> Figure {
        let d = dimensions.map(Double.init)
        let fig = Figure(width: 640, height: 330, title: "Why a grid over z fails as d grows")
        let panels = fig.subplots(rows: 1, columns: 2)
        let ax = panels[0]
        for (i, k) in nodesPerDimension.enumerated() {
            let colour = ColorMap.viridis.color(at: 0.8 * Double(i) / Double(max(nodesPerDimension.count - 1, 1)))
            ax.markedLine(x: d, y: dimensions.map { pow(Double(k), Double($0)) }, color: colour, width: 1.8, size: 2.5,
                          label: "K = \(k)")
        }
        ax.horizontalLine(at: 1e9, color: .reference, dash: .dotted, label: "10⁹")
        ax.scatter(x: lessonGrids.indices.map { Double($0 + 1) }, y: lessonGrids, color: .highlight, size: 5, marker: .diamond, alpha: 1,
                   label: "this lesson's grids")
        ax.yScale = .log10
        ax.xIntegerTicks = true
        ax.xLabel = "latent dimension d"
        ax.yLabel = "evaluations Kᵈ per point"
        ax.title = "the cost: K nodes per axis"
        ax.legend = .upperLeft
        let bx = panels[1]
        bx.markedLine(x: volumeDimensions.map(Double.init), y: volumeRatios, color: .posterior, width: 1.8, size: 2.5,
                      label: "PPCA on the digits, q = d")
        bx.scatter(x: [1], y: [toyRatio], color: .highlight, size: 5, marker: .diamond, alpha: 1, label: "the toy at A (d = 1)")
        bx.yScale = .log10
        bx.xIntegerTicks = true
        bx.xLabel = "latent dimension d"
        bx.yLabel = "posterior volume / prior volume"
        bx.title = "where the integrand lives"
        bx.legend = .upperRight
        return fig
    }

    /// Step 6: prior, posterior and proposal at A; the repeated estimates p̂/p of both methods.
    static func importanceSampling(z: [Double], posterior: [Double], proposal: (mean: Double, sd: Double),
                                   priorEstimates: [Double], importanceEstimates: [Double], samples: Int) -> Figure {
        let fig = Figure(width: 640, height: 300, title: "Importance sampling with a Gaussian fitted to the posterior (point A)")
        let axes = fig.subplots(rows: 1, columns: 2)
        let ax = axes[0]
        ax.line(x: z, y: z.map { exp(StandardNormal.logDensity($0)) }, color: .samples, width: 1.5, dash: .dashed, label: "prior p(z)")
        ax.line(x: z, y: posterior, color: .posterior, width: 2, label: "posterior p(z|x)")
        ax.line(x: z, y: gaussianCurve(mean: proposal.mean, sd: proposal.sd, on: z), color: .model, width: 1.5, dash: .dotted,
                label: "proposal r(z)")
        ax.xLabel = "z"; ax.yLabel = "density"
        ax.title = "where the samples come from"
        ax.xLimits = -3...3
        ax.legend = .upperLeft
        let bx = axes[1]
        let repeats = (1...priorEstimates.count).map(Double.init)
        bx.scatter(x: repeats, y: priorEstimates, color: .samples, size: 2.5, alpha: 0.6, label: "prior sampling")
        bx.scatter(x: repeats, y: importanceEstimates, color: .posterior, size: 2.5, alpha: 0.6, label: "importance sampling")
        bx.horizontalLine(at: 1, color: .reference, dash: .dashed, label: "exact: p̂/p = 1")
        bx.xLabel = "repeat r"
        bx.yLabel = "p̂(x)/p(x), L = \(samples)"
        bx.title = "\(priorEstimates.count) estimates each"
        bx.legend = .outsideRight
        return fig
    }

    /// Step 7: the posterior at B with the Gaussian q; log p(x), each ELBO(q) and the gap between them, the KL.
    static func elboGap(z: [Double], posterior: [Double], halfWidth: Double, examples: [ELBOExample], logPx: Double) -> Figure {
        // the Laplace q at ẑ dotted, as in posterior-shapes
        func style(_ label: String) -> (Color, Dash) {
            if label.hasPrefix("Laplace at ẑ") { return (.model, .dotted) }
            if label.hasPrefix("Laplace") { return (.model, .dashed) }
            if label.hasPrefix("moment") { return (.highlight, .dashed) }
            return (.projection, .dashed)
        }
        let fig = Figure(width: 640, height: 300, title: "ELBO(q) = log p(x) − KL(q ‖ p(z|x)) at point B")
        let axes = fig.subplots(rows: 1, columns: 2)
        let ax = axes[0]
        ax.band(x: z, lower: [Double](repeating: 0, count: z.count), upper: posterior, color: .posterior, alpha: 0.2)
        ax.line(x: z, y: posterior, color: .posterior, width: 2, label: "p(z|x)")
        var peak = posterior.max() ?? 1
        for (k, q) in examples.enumerated() {
            let curve = gaussianCurve(mean: q.mean, sd: q.sd, on: z)
            peak = max(peak, curve.max() ?? 0)
            let (colour, dash) = style(q.label)
            ax.line(x: z, y: curve, color: colour, width: 1.4, dash: dash,
                    label: "q\(NumberFormat.subscript(k + 1)): \(q.label.hasPrefix("moment") ? "moment-matched" : q.label)")
        }
        ax.yLimits = 0...(1.7 * peak)
        ax.xLabel = "z"; ax.yLabel = "density"
        ax.xLimits = -halfWidth...halfWidth
        ax.title = "the posterior and \(examples.count) Gaussian q"
        ax.legend = .upperLeft
        // The gaps on a log scale: the two near log 2 and the one of 30 nats are all readable.
        let bx = axes[1]
        let kls = examples.map { max($0.kl, 1e-6) }
        let floor = pow(10, (log10(min(kls.min() ?? 1, log(2.0))) - 0.6).rounded(.down))
        let ceiling = pow(10, (log10(kls.max() ?? 1) + 0.35).rounded(.up))
        bx.horizontalLine(at: log(2.0), color: .reference, dash: .dotted, label: "log 2: one of two equal modes missed")
        for (k, q) in examples.enumerated() {
            let xk = Double(k + 1)
            let colour = style(q.label).0
            bx.line(x: [xk, xk], y: [floor, kls[k]], color: colour, width: 3)
            bx.scatter(x: [xk], y: [kls[k]], color: colour, size: 4.5, alpha: 1)
            bx.text(NumberFormat.fixedSignificant(q.kl, digits: 3), x: xk + 0.12, y: kls[k] * 1.25, color: colour, size: 9)
        }
        bx.yScale = .log10
        bx.xIntegerTicks = true
        bx.xLimits = 0.5...(Double(examples.count) + 0.9)
        bx.yLimits = floor...ceiling
        bx.xLabel = "k, the index of qₖ"
        bx.yLabel = "log p(x) − ELBO(qₖ) = KL(qₖ ‖ p(z|x)), nats"
        bx.title = "the gap is the KL divergence (log scale)"
        bx.legend = .upperLeft
        return fig
    }

    /// Step 8: the gap log p(x) − ELBO(q) = KL(q ‖ p(z|x)) at B over q = N(m, s²), in bands of log₁₀ KL, with the two
    /// ascent paths from s = 1 and the Gaussians of step 7 (`marked`: label, mean, standard deviation).
    static func elboSurface(means: [Double], log10SDs: [Double], gaps: [Double], paths: [[VariationalPathPoint]],
                            marked: [(label: String, mean: Double, sd: Double)]) -> Figure {
        let fig = Figure(width: 600, height: 400, title: "Maximising ELBO(q) at point B over Gaussian q = N(m, s²)")
        let ax = fig.addAxes()
        let grid = ScalarGrid(xs: means, ys: log10SDs, values: gaps.map { log10(max($0, 1e-12)) })
        ax.filledContour(grid, levels: [-0.25, 0, 0.25, 0.5, 0.75, 1, 1.5, 2, 2.5, 3], colorMap: .viridis,
                         colorBarLabel: "log₁₀ KL(q ‖ p(z|x)), KL in nats")
        for (k, path) in paths.enumerated() {
            // a white path on a black underlay: readable on every band; the legend shows the black line
            let (xs, ys) = (path.map { $0.mean[0] }, path.map { $0.logStandardDeviations[0] / log(10) })
            ax.line(x: xs, y: ys, color: .black, width: 3.4, dash: .solid, label: k == 0 ? "gradient ascent, one per start" : nil)
            ax.line(x: xs, y: ys, color: .white, width: 1.6, dash: k == 0 ? .solid : .dashed)
            if let first = path.first, let last = path.last {
                ax.outlinedScatter(x: [first.mean[0]], y: [0], color: .black, size: 4, marker: .circle, alpha: 1,
                                   edgeColor: .white, edgeWidth: 1.2, label: k == 0 ? "start, s = 1" : nil)
                ax.outlinedScatter(x: [last.mean[0]], y: [last.logStandardDeviations[0] / log(10)], color: .posterior, size: 5,
                                   marker: .diamond, alpha: 1, edgeColor: .white, edgeWidth: 1.2, label: k == 0 ? "where it ends" : nil)
            }
        }
        let markers: [Marker] = [.plus, .cross, .square]
        for (k, q) in marked.enumerated() {
            ax.outlinedScatter(x: [q.mean], y: [log10(q.sd)], color: .black, size: 5, marker: markers[k % markers.count], alpha: 1,
                               edgeColor: .white, edgeWidth: 1.5, label: q.label)
        }
        ax.xLimits = (means.first ?? -1)...(means.last ?? 1)
        ax.yLimits = (log10SDs.first ?? -1)...(log10SDs.last ?? 1)
        ax.xLabel = "m, the mean of q"
        ax.yLabel = "log₁₀ s, s the standard deviation of q"
        ax.legend = .below
        return fig
    }

    /// Step 9: the whole data set's log-likelihood during training against PPCA d = 2.
    static func digitsTraining(steps: [Double], values: [Double], heldOut: [Double], ppca: Double, ppcaHeldOut: Double,
                               rule: String) -> Figure {
        let fig = Figure(title: "Digits: log-likelihood per image while training")
        let ax = fig.addAxes()
        ax.markedLine(x: steps, y: values, color: .model, width: 1.8, size: 2.5,
                      label: "nonlinear LVM, d = 2, training digits (\(rule))")
        ax.line(x: steps, y: heldOut, color: .model, width: 1.4, dash: .dashed, label: "nonlinear LVM, held-out digits")
        ax.horizontalLine(at: ppca, color: .reference, dash: .solid, label: "PPCA d = 2, training digits")
        ax.horizontalLine(at: ppcaHeldOut, color: .reference, dash: .dashed, label: "PPCA d = 2, held-out digits")
        ax.xLabel = "Adam step"
        ax.xIntegerTicks = true
        ax.yLabel = "(1/N) Σₙ log p(xₙ), nats per image"
        ax.legend = .lowerRight
        return fig
    }

    /// Step 10: the aggregate posterior (1/N) Σₙ p(z|xₙ) on the finer rule's grid, as a density, under the prior's
    /// circles at Mahalanobis r = 1, 2, 3.
    static func aggregatePosterior(xs: [Double], ys: [Double], density: [Double]) -> Figure {
        let fig = Figure(width: 460, height: 400, title: "Digits: the aggregate posterior against the prior N(0, I)")
        let ax = fig.addAxes()
        // On a log scale: the posteriors are narrow, so the mass sits in sharp ridges; below 10⁻³ is the lowest band.
        let logDensity = density.map { log10(max($0, 1e-3)) }
        let top = (logDensity.max() ?? 0).rounded(.up)
        ax.filledContour(ScalarGrid(xs: xs, ys: ys, values: logDensity), levels: Array(stride(from: -3.0, through: top, by: 0.5)),
                         colorMap: .viridis, colorBarLabel: "log₁₀ (1/N) Σₙ p(z | xₙ)")
        let t = EvenGrid.values(0...(2 * Double.pi), count: 181)
        for r in [1.0, 2.0, 3.0] {
            ax.line(x: t.map { r * cos($0) }, y: t.map { r * sin($0) }, color: .white, width: 1.2,
                    dash: r == 1 ? .solid : .dashed, label: r == 1 ? "prior N(0, I): r = 1, 2, 3" : nil)
        }
        ax.dataPlane(x: xs.first!...xs.last!, y: ys.first!...ys.last!, xLabel: "z₁", yLabel: "z₂")
        ax.legend = .upperRight
        return fig
    }

    /// Step 10: samples x = f(z) + ε of both models with z ~ N(0, I), noise included, on the data's grey range
    /// (values clipped), beside real digits.
    static func digitsSamples(real: [[Double]], nonlinear: [[Double]], ppca: [[Double]], pixelMax: Double) -> Figure {
        let fig = Figure(width: 560, height: 3 * 78 + 40, title: "Real digits and samples x ~ p(x), noise included (clipped to 0–16)")
        let rows = fig.subplots(rows: 3, columns: 1)
        for (ax, (images, name)) in zip(rows, [(real, "real training digits"), (nonlinear, "nonlinear decoder: fθ(z) + ε"),
                                               (ppca, "PPCA d = 2: Wz + μ + ε")]) {
            ax.imageGrid(images: images, imageRows: 8, imageColumns: 8, gridColumns: images.count, colorMap: .greys,
                         range: 0...pixelMax)
            ax.title = name
        }
        return fig
    }

    /// Step 9: the posterior means E[z|x] (N, 2) coloured by label, and the square the manifold grid covers.
    static func digitsLatentSpace(_ means: Matrix, labels: [Int], halfWidth h: Double) -> Figure {
        let fig = Figure(title: "Digits in the learned latent space: posterior means E[z|x]")
        let ax = fig.addAxes()
        for digit in Set(labels).sorted() {
            let rows = labels.indices.filter { labels[$0] == digit }
            ax.scatter(x: rows.map { means[$0, 0] }, y: rows.map { means[$0, 1] }, color: .category(digit), size: 2.2, alpha: 0.75,
                       label: "\(digit)")
        }
        ax.line(x: [-h, h, h, -h, -h], y: [-h, -h, h, h, -h], color: .reference, width: 1, dash: .dashed, label: "manifold grid")
        ax.dataPlane(xLabel: "E[z₁|x]", yLabel: "E[z₂|x]")
        ax.legend = .outsideRight
        return fig
    }

    /// Step 9: the decoder's and PPCA's images (8 × 8 pixels) at the probit grid, in two rows (a slide is ≤ 640 pt
    /// wide), each with z₁ along the bottom and z₂ up the left edge, on one grey scale 0…pixelMax.
    static func latentManifolds(decoder: [[Double]], ppca: [[Double]], side: Int, pixelMax: Double) -> Figure {
        let (cellHeight, width) = (400.0, 480.0)
        let fig = Figure(width: width, height: 2 * cellHeight + 20, title: "Latent manifolds: decoded images at z = Φ⁻¹(u), u an even grid")
        let edges = LatentManifold.edgeAxes(side: side)
        for (ax, (images, name)) in zip(fig.subplots(rows: 2, columns: 1), [(decoder, "nonlinear decoder fθ(z), d = 2"),
                                                                               (ppca, "PPCA d = 2: W z + μ (linear)")]) {
            ax.imageGrid(images: images, imageRows: 8, imageColumns: 8, gridColumns: side, colorMap: .greys, range: 0...pixelMax,
                         xAxis: edges.x, yAxis: edges.y)
            ax.title = name
        }
        return fig
    }
}

/// A Gaussian q drawn in the ELBO figure, with its ELBO and KL.
struct ELBOExample {
    let label: String
    let mean: Double
    let sd: Double
    let elbo: Double
    let kl: Double
}
