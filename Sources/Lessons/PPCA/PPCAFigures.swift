import Foundation
import LinearAlgebra
import Models
import Plotting

/// The figures of the PPCA lesson: pure functions from a step's values to a `Figure` (layout, colours, legends; no
/// numbers beyond what drawing needs). Steps 1–4 here, 5–7 in `PPCAFigures+Posterior.swift`, 8–9 in `+Generation`.
enum PPCAFigures {
    /// Four panels: (a) the prior and draws of z, (b) p(x | ẑ) as a circle around Wẑ + μ, (c) p(x) as the ellipses
    /// of N(μ, C) over draws from it, (d) the marginal's spread along and across W.
    static func generativeStory(model: PPCA, zHat: Double, latentDraws: [Double], conditionalDraws: [(Double, Double)],
                                marginalDraws: Matrix) -> Figure {
        let w = model.loading.column(0)
        let mu = model.mean
        let sigma2 = model.noiseVariance
        let figure = Figure(width: 640, height: 560, title: "The generative story of PPCA (D = 2, q = 1)")
        let axes = figure.subplots(rows: 2, columns: 2)

        let zs = stride(from: -3.5, through: 3.5, by: 0.02).map { $0 }
        axes[0].line(x: zs, y: zs.map { normalDensity($0, sd: 1) }, color: .model, label: "p(z) = N(0, 1)")
        axes[0].scatter(x: latentDraws, y: latentDraws.map { _ in 0.01 }, color: .samples, size: 4, marker: .plus,
                        label: "draws of z")
        axes[0].verticalLine(at: zHat, color: .highlight, dash: .dashed,
                             label: "ẑ = " + NumberFormat.significant(zHat, digits: 3))
        axes[0].title = "1. draw z ~ p(z)"
        axes[0].xLabel = "z"
        axes[0].yLabel = "p(z)"
        axes[0].yLimits = 0...0.62
        axes[0].legend = .upperLeft

        // (b) and (c) in the data plane, over the line Wz + μ.
        let lineZ = [-3.0, 3.0]
        for a in axes[1...2] {
            a.line(x: lineZ.map { w[0] * $0 + mu[0] }, y: lineZ.map { w[1] * $0 + mu[1] }, color: .reference, width: 1,
                   dash: .dotted, label: "Wz + μ")
            a.dataPlane(x: -5...7, y: -4.5...5.5)
            a.legend = .upperLeft
        }
        let centre = (w[0] * zHat + mu[0], w[1] * zHat + mu[1])
        axes[1].scatter(x: conditionalDraws.map(\.0), y: conditionalDraws.map(\.1), color: .samples, size: 2.5,
                        label: "x ~ p(x | ẑ)")
        axes[1].ellipse(mean: centre, covariance: Covariance2(xx: sigma2, xy: 0, yy: sigma2), k: 2, color: .highlight,
                        label: "2σ circle of p(x | ẑ)")
        axes[1].scatter(x: [centre.0], y: [centre.1], color: .highlight, size: 5, marker: .diamond, label: "Wẑ + μ")
        axes[1].title = "2. draw x ~ N(Wẑ + μ, σ²I)"

        axes[2].scatter(x: marginalDraws.column(0), y: marginalDraws.column(1), color: .samples, size: 2, alpha: 0.5,
                        label: "x ~ p(x)")
        let c = covariance2(model.marginalCovariance)
        for k in [1.0, 2.0] {
            axes[2].ellipse(mean: (mu[0], mu[1]), covariance: c, k: k, color: .model,
                            label: k == 1 ? "N(μ, WWᵀ + σ²I), Mahalanobis r = 1, 2" : nil)
        }
        axes[2].title = "3. p(x): all z at once"

        // (d) the marginal's spread along W and across it: variance ‖W‖² + σ² against σ².
        let ts = stride(from: -5.0, through: 5.0, by: 0.02).map { $0 }
        for (variance, dash, name) in [(w[0] * w[0] + w[1] * w[1] + sigma2, Dash.solid, "along W: var ‖W‖² + σ² = "),
                                       (sigma2, .dashed, "across W: var σ² = ")] {
            axes[3].line(x: ts, y: ts.map { normalDensity($0, sd: variance.squareRoot()) }, color: .model, dash: dash,
                         label: name + NumberFormat.significant(variance, digits: 3))
        }
        axes[3].title = "4. coordinate t of x − μ along / across W"
        axes[3].xLabel = "t"
        axes[3].yLabel = "p(t)"
        axes[3].yLimits = 0...1.0
        axes[3].legend = .upperRight
        return figure
    }

    /// N(x; mean, sd²) of a scalar x.
    static func normalDensity(_ x: Double, mean: Double = 0, sd: Double) -> Double {
        exp(StandardNormal.logDensity((x - mean) / sd)) / sd
    }

    /// The running Monte Carlo estimates at one point, with the closed form.
    struct MarginalEstimates {
        var name: String
        var x: [Double]
        var exact: Double                       // N(x; μ, C)
        var running: [MonteCarloEstimate]       // p̂ and its standard error after each checkpoint L
        var final: MonteCarloEstimate { running[running.count - 1] }
        var zScore: Double { (final.estimate - exact) / final.standardError }   // (p̂ − p)/SE at the largest L
    }

    /// One panel per point (p̂ against L, ±2 SE band, the closed form) and a fourth with the band's relative width.
    static func monteCarloMarginal(_ points: [MarginalEstimates]) -> Figure {
        let figure = Figure(width: 640, height: 540,
                            title: "Monte Carlo p̂(x) = (1/L) Σₗ N(x; Wzₗ + μ, σ²I) vs the closed form N(x; μ, C)")
        let axes = figure.subplots(rows: 2, columns: 2)
        let relative = axes[3]
        let dashes: [Dash] = [.solid, .dashed, .dotted]
        for (index, point) in points.enumerated() {
            let estimates = point.running
            let exact = point.exact
            let s = estimates.map { Double($0.sampleCount) }
            let upper = estimates.map { $0.estimate + 2 * $0.standardError }
            let a = axes[index]
            // A density is ≥ 0: the band is clipped at 0.
            a.band(x: s, lower: estimates.map { max(0, $0.estimate - 2 * $0.standardError) }, upper: upper,
                   color: .samples, alpha: 0.25, label: "±2 SE (clipped at 0)")
            a.line(x: s, y: estimates.map(\.estimate), color: .samples, label: "p̂(x) from L draws")
            a.horizontalLine(at: exact, color: .reference, dash: .dashed, label: "closed form")
            a.title = point.name
            a.yLabel = "p̂(x)"
            a.yLimits = 0...(max(upper.max() ?? exact, exact) * 1.35)
            a.legend = index == 0 ? .upperRight : .none
            let relativeWidth = estimates.map { 2 * $0.standardError / exact }
            // Off the line the factor of p(x|z) across W does not depend on z: the relative width follows the centre's.
            relative.line(x: s, y: relativeWidth, color: .samples, dash: dashes[index],
                          label: String(point.name.prefix { $0 != ":" }) + (index == 2 ? " (follows the centre)" : ""))
            relative.scatter(x: s, y: relativeWidth, color: .samples, size: 3.5,
                             marker: [Marker.circle, .square, .triangle][index], alpha: 1)
        }
        for a in axes {
            a.xScale = .log10
            a.xLabel = "L (draws of z)"
        }
        // The 1/√L law, through the centre's last point.
        if let first = points.first, let last = first.running.last {
            let lMax = Double(last.sampleCount)
            let anchor = 2 * last.standardError / first.exact
            let ls = first.running.map { Double($0.sampleCount) }
            relative.line(x: ls, y: ls.map { anchor * (lMax / $0).squareRoot() }, color: .reference, width: 1, dash: .dashed,
                          label: "∝ 1/√L")
        }
        relative.yScale = .log10
        relative.title = "band half-width relative to p(x)"
        relative.yLabel = "2 SE / p(x)"
        relative.legend = .upperRight
        return figure
    }

    /// Limits that frame the 2-D cloud with a margin, shared by its figures (so frames do not jump).
    static func cloudLimits(_ x: Matrix) -> (ClosedRange<Double>, ClosedRange<Double>) {
        let xs = x.column(0)
        let ys = x.column(1)
        let cx = (xs.min()! + xs.max()!) / 2
        let cy = (ys.min()! + ys.max()!) / 2
        let half = max(xs.max()! - xs.min()!, ys.max()! - ys.min()!) / 2 * 1.1
        return ((cx - half)...(cx + half), (cy - half * 0.8)...(cy + half * 0.8))
    }

    /// A 2 × 2 block of a `Matrix` as the plotting covariance.
    static func covariance2(_ c: Matrix) -> Covariance2 { Covariance2(c[0, 0], c[0, 1], c[1, 0], c[1, 1]) }

    /// Filled contours of the fitted p(x) over the cloud (1, 2, 3 Mahalanobis units), the data and W from μ.
    static func marginalDensity(_ x: Matrix, model: PPCA, quick: Bool) -> Figure {
        let figure = Figure(width: 520, height: 380, title: "Fitted PPCA density over the 2-D example (q = 1, ML)")
        let axes = figure.addAxes()
        // Limits that hold the data and the whole 3-Mahalanobis-unit ellipse (half-widths 3√Cᵢᵢ), with a margin.
        let (dataX, dataY) = cloudLimits(x)
        let cov = model.marginalCovariance
        let reachX = 3.15 * cov[0, 0].squareRoot()
        let reachY = 3.15 * cov[1, 1].squareRoot()
        let xr = min(dataX.lowerBound, model.mean[0] - reachX)...max(dataX.upperBound, model.mean[0] + reachX)
        let yr = min(dataY.lowerBound, model.mean[1] - reachY)...max(dataY.upperBound, model.mean[1] + reachY)
        let size = quick ? 60 : 160
        let logPeak = -0.5 * (2 * log(2 * Double.pi) + model.logDeterminantOfCovariance)
        // p(x) at every node in one call (row by row, the same values as one call per node).
        let (xs, ys) = ScalarGrid.nodes(x: xr, y: yr, nx: size, ny: size)
        let points = Matrix(rows: xs.count * ys.count, columns: 2, elements: ys.flatMap { b in xs.flatMap { a in [a, b] } })
        let densities = (try? model.logLikelihoods(points))?.map { exp($0) } ?? [Double](repeating: 0, count: points.rows)
        let grid = ScalarGrid(xs: xs, ys: ys, values: densities)
        axes.filledContour(grid, levels: [1, 2, 3].reversed().map { exp(logPeak - 0.5 * $0 * $0) } + [exp(logPeak)],
                           colorMap: .viridis, colorBarLabel: "p(x)")
        // White-edged dots keep the data visible on the dark outer band.
        axes.outlinedScatter(x: x.column(0), y: x.column(1), color: .data, size: 2.5, alpha: 1, edgeWidth: 1.5, label: "data")
        axes.contour(grid, levels: [3.0, 2.0, 1.0].map { exp(logPeak - 0.5 * $0 * $0) }, color: .model, width: 1.2,
                     label: "p(x) at 1, 2, 3 Mahalanobis units")
        let w = model.loading.column(0)
        let mu = model.mean
        axes.arrow(from: (mu[0], mu[1]), to: (mu[0] + w[0], mu[1] + w[1]), color: .reference, label: "W (from μ)")
        axes.dataPlane(x: xr, y: yr)
        axes.legend = .lowerRight      // the corner below the ellipse's lower-right flank is empty
        return figure
    }

    /// The D = 3 example in two coordinate planes: the data, and the r = 2 Mahalanobis ellipses of the 2 × 2 blocks of
    /// the full Gaussian's S and of PPCA's C = WWᵀ + σ²I (the marginals of both densities in that plane).
    static func sleeve(_ x: Matrix, model: PPCA, gaussian: GaussianModel) -> Figure {
        let figure = Figure(width: 640, height: 330, title: "D = 3: PPCA (q = 1) against the full Gaussian, two views")
        let axes = figure.subplots(rows: 1, columns: 2)
        let c = model.marginalCovariance, s = gaussian.covariance
        let reach = 3.3 * (0..<3).map { s[$0, $0].squareRoot() }.max()!
        for (panel, (i, j)) in [(0, 1), (1, 2)].enumerated() {
            let a = axes[panel]
            a.scatter(x: x.column(i), y: x.column(j), color: .data, size: 2, alpha: 0.6, label: "data (300 rows)")
            let mean = (gaussian.mean[i], gaussian.mean[j])
            a.ellipse(mean: mean, covariance: Covariance2(s[i, i], s[i, j], s[j, i], s[j, j]), k: 2, color: .reference,
                      dash: .dashed, label: "full Gaussian N(x̄, S), Mahalanobis r = 2")
            a.ellipse(mean: mean, covariance: Covariance2(c[i, i], c[i, j], c[j, i], c[j, j]), k: 2, color: .model,
                      label: "PPCA N(μ, WWᵀ + σ²I), Mahalanobis r = 2")
            // The sleeve's panel is zoomed to the spread of x₂ so its two ellipses are told apart.
            let half = panel == 0 ? reach : 3.3 * s[i, i].squareRoot()
            a.dataPlane(x: -half...half, y: -half...half, xLabel: ["x₁", "x₂", "x₃"][i], yLabel: ["x₁", "x₂", "x₃"][j])
            a.legend = panel == 0 ? .none : .lowerRight
        }
        axes[0].title = "x₁–x₂: the cigar and one side of the sleeve"
        axes[1].title = "x₂–x₃: the sleeve; PPCA's is round"
        return figure
    }

    /// One frame per snapshot of EM on the cloud: the data, the closed-form 2σ ellipse, the current 1σ and 2σ
    /// ellipses and the span of W, with σ² and ℓ of the iteration.
    static func emFrames(_ x: Matrix, em: PPCAEMResult, target: PPCA) -> [(label: String, figure: Figure)] {
        let (xr, yr) = cloudLimits(x)
        var snapshots = em.snapshots
        if snapshots.last?.iteration != em.iterations { snapshots.append((em.iterations, em.model)) }
        let c0 = target.marginalCovariance
        return snapshots.map { iteration, model in
            let ll = em.logLikelihoods[iteration]
            let figure = Figure(width: 600, height: 345, title: "EM on the 2-D example, iteration \(iteration)")
            let axes = figure.addAxes()
            axes.scatter(x: x.column(0), y: x.column(1), color: .data, size: 2.5, alpha: 0.6, label: "data")
            axes.ellipse(mean: (target.mean[0], target.mean[1]), covariance: covariance2(c0), k: 2, color: .reference,
                         dash: .dotted, label: "closed-form ML, Mahalanobis r = 2")
            let c = model.marginalCovariance
            for k in [1.0, 2.0] {
                axes.ellipse(mean: (model.mean[0], model.mean[1]), covariance: covariance2(c), k: k, color: .model,
                             label: k == 1 ? "current p(x), Mahalanobis r = 1, 2" : nil)
            }
            let w = model.loading.column(0)
            let norm = max(Vector.norm(w), 1e-12)
            let reach = 2 * (xr.upperBound - xr.lowerBound)
            axes.line(x: [model.mean[0] - reach * w[0] / norm, model.mean[0] + reach * w[0] / norm],
                      y: [model.mean[1] - reach * w[1] / norm, model.mean[1] + reach * w[1] / norm],
                      color: .model, width: 1, dash: .dashed, label: "span of W")
            axes.text("σ² = " + NumberFormat.fixed(model.noiseVariance, decimals: 4) + "   ℓ = "
                          + NumberFormat.fixed(ll, decimals: 4),
                      x: xr.lowerBound + 0.03 * (xr.upperBound - xr.lowerBound),
                      y: yr.upperBound - 0.06 * (yr.upperBound - yr.lowerBound), size: 10)
            axes.dataPlane(x: xr, y: yr)
            axes.legend = .outsideRight
            return ("iteration \(iteration)", figure)
        }
    }

    /// ℓ per EM iteration on the main data against the closed form, and the gap to the closed form of both runs on a
    /// log scale. `dataClosedForm`, `cloudClosedForm`: ℓ of the closed-form ML fits.
    static func emLogLikelihood(data: PPCAEMResult, accelerated: PPCAEMResult, dataClosedForm: Double, cloud: PPCAEMResult,
                                cloudClosedForm: Double, dataName: String, latentDimension: Int) -> Figure {
        let figure = Figure(width: 640, height: 300, title: "EM: average log-likelihood per iteration")
        let axes = figure.subplots(rows: 1, columns: 2)
        let iterations = data.updateCounts.map(Double.init)
        axes[0].line(x: iterations, y: data.logLikelihoods, color: .model, label: "ℓ after k EM iterations")
        axes[0].horizontalLine(at: dataClosedForm, color: .reference, dash: .dashed, label: "closed-form ML")
        axes[0].title = "\(dataName), q = \(latentDimension)"
        axes[0].xLabel = "iteration k"
        axes[0].xIntegerTicks = true
        axes[0].yLabel = "ℓ (natural log, per row)"
        axes[0].legend = .lowerRight
        for (em, closed, name, color, dash) in [(data, dataClosedForm, dataName, Color.model, Dash.solid),
                                                (accelerated, dataClosedForm, "\(dataName), SQUAREM", Color.posterior, Dash.solid),
                                                (cloud, cloudClosedForm, "2-D example", Color.model, Dash.dashed)] {
            let below = em.logLikelihoods.indices.filter { closed - em.logLikelihoods[$0] > 0 }
            axes[1].line(x: below.map { Double(em.updateCounts[$0]) }, y: below.map { closed - em.logLikelihoods[$0] },
                         color: color, dash: dash, label: name)
        }
        axes[1].yScale = .log10
        axes[1].title = "gap to the closed form"
        axes[1].xLabel = "iteration k"
        axes[1].xIntegerTicks = true
        axes[1].yLabel = "ℓ(ML) − ℓₖ"
        axes[1].legend = .upperRight
        return figure
    }
}
