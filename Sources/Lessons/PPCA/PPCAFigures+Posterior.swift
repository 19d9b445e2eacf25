import Foundation
import LinearAlgebra
import Models
import Plotting

/// The figures of steps 5–6: the posterior and σ² → 0.
extension PPCAFigures {
    /// E[z|x] of every row in the latent plane (coloured by label when there are labels) with the 2σ posterior
    /// ellipses of the chosen rows; for q = 1, E[z|x] against the PCA score with ±2σ intervals.
    static func posteriorScatter(_ inputs: PPCAInputs, model: PPCA, posterior: LatentPosterior, chosen: [Int]) -> Figure {
        let figure = Figure(width: 560, height: 420,
                            title: "Posterior means E[z|x] of \(inputs.dataName) (q = \(model.latentDimension))"
                                + (inputs.labels != nil ? ", coloured by label" : ""))
        let axes = figure.addAxes()
        let means = posterior.means
        if model.latentDimension >= 2 {
            let z1 = means.column(0)
            let z2 = means.column(1)
            if let labels = inputs.labels {
                for label in Set(labels).sorted() {
                    let rows = labels.indices.filter { labels[$0] == label }
                    axes.scatter(x: rows.map { z1[$0] }, y: rows.map { z2[$0] }, color: .category(label), size: 2.2,
                                 alpha: 0.55, label: inputs.className(label))
                }
            } else {
                axes.scatter(x: z1, y: z2, color: .data, size: 2.2, alpha: 0.55, label: "E[z|x] per row")
            }
            let cov = covariance2(posterior.covariance)
            for (i, row) in chosen.enumerated() {
                axes.ellipse(mean: (z1[row], z2[row]), covariance: cov, k: 2, color: .posterior, width: 1.8,
                             label: i == 0 ? "posterior, Mahalanobis r = 2" : nil)
                // A highlight that stands apart from every class colour: a black edge.
                axes.outlinedScatter(x: [z1[row]], y: [z2[row]], color: .highlight, size: 4.5, marker: .diamond, alpha: 1,
                                     edgeColor: .black, edgeWidth: 2.2, label: i == 0 ? "chosen rows" : nil)
            }
            axes.xLabel = "E[z₁ | x]"
            axes.yLabel = "E[z₂ | x]"
            axes.equalAspect = true
        } else {
            // q = 1 (D = 2): the posterior mean against the PCA score, with 2σ intervals for the chosen rows.
            let u = model.loading.column(0)
            let norm = Vector.norm(u)
            let centred = Statistics.centred(inputs.data, mean: model.mean)
            let scores = (0..<inputs.data.rows).map { n in (u[0] * centred[n, 0] + u[1] * centred[n, 1]) / norm }
            let z = means.column(0)
            axes.scatter(x: scores, y: z, color: .data, size: 2.2, label: "rows")
            let sd = posterior.covariance[0, 0].squareRoot()
            for (i, row) in chosen.enumerated() {
                axes.line(x: [scores[row], scores[row]], y: [z[row] - 2 * sd, z[row] + 2 * sd], color: .posterior,
                          width: 1.8, label: i == 0 ? "±2 posterior sd" : nil)
            }
            axes.xLabel = "PCA score u₁ᵀ(x − μ)"
            axes.yLabel = "E[z | x]"
        }
        axes.title = "the posterior covariance σ²M⁻¹ is the same for every x"
        axes.legend = .outsideRight
        return figure
    }

    /// The likelihood p(x|z) of one row as a density in z: N((WᵀW)⁻¹Wᵀ(x − μ), σ²(WᵀW)⁻¹).
    static func likelihoodInZ(_ model: PPCA, x: [Double]) throws -> (mean: [Double], covariance: Matrix) {
        let w = model.loading                                                   // (D, q)
        let gram = try Cholesky(of: w.transposeTimes(w))                        // WᵀW (q, q)
        let centred = zip(x, model.mean).map { $0 - $1 }
        let mean = gram.solve(w.transposeTimes(centred))
        let covariance = model.noiseVariance * gram.solve(Matrix.identity(model.latentDimension))
        return (mean, covariance)
    }

    /// Left (q = 2): Bayes' rule in the latent plane for one row — the prior N(0, I), the likelihood p(x|z) as a
    /// density in z, and the posterior on the grid, each at Mahalanobis r = 1, 2, with an arrow from the likelihood's
    /// peak to the posterior mean. Right: the check, zoomed — the grid posterior's contours at the levels of the
    /// closed form's r = 1, 2, 3 ellipses, over those ellipses. For q = 1 the same in one panel of densities.
    static func posteriorGridCheck(grid: GridPosterior, mean: [Double], covariance: Matrix, row: Int,
                                   likelihood: (mean: [Double], covariance: Matrix)) -> Figure {
        if grid.axes.count == 2 {
            let figure = Figure(width: 640, height: 330, title: "Posterior of row \(row): prior × likelihood, and Bayes' rule on a grid vs the closed form")
            let panels = figure.subplots(rows: 1, columns: 2)
            let determinant = covariance[0, 0] * covariance[1, 1] - covariance[0, 1] * covariance[1, 0]
            let peak = 1 / (2 * Double.pi * determinant.squareRoot())
            let scalar = ScalarGrid(xs: grid.axes[0], ys: grid.axes[1], values: grid.density)
            let left = panels[0]
            for k in [1.0, 2.0] {
                left.ellipse(mean: (0, 0), covariance: [[1, 0], [0, 1]], k: k, color: .reference, width: 1.2, dash: .dotted,
                             label: k == 1 ? "prior p(z), r = 1, 2" : nil)
                left.ellipse(mean: (likelihood.mean[0], likelihood.mean[1]), covariance: covariance2(likelihood.covariance), k: k,
                             color: .model, width: 1.4, dash: .dashed, label: k == 1 ? "likelihood p(x|z) in z" : nil)
            }
            left.contour(scalar, levels: [2.0, 1.0].map { peak * exp(-0.5 * $0 * $0) }, color: .posterior, width: 2,
                         label: "posterior p(z|x) (grid)")
            left.arrow(from: (likelihood.mean[0], likelihood.mean[1]), to: (mean[0], mean[1]), color: .reference, width: 1.2,
                       label: "likelihood peak → posterior mean")
            let reach = max(2.6, 1.15 * (abs(likelihood.mean[0]) + 2.2 * likelihood.covariance[0, 0].squareRoot()),
                            1.15 * (abs(likelihood.mean[1]) + 2.2 * likelihood.covariance[1, 1].squareRoot()))
            left.dataPlane(x: -reach...reach, y: -reach...reach, xLabel: "z₁", yLabel: "z₂")
            left.title = "prior × likelihood ∝ posterior"
            left.legend = .below

            let right = panels[1]
            right.contour(scalar, levels: [3.0, 2.0, 1.0].map { peak * exp(-0.5 * $0 * $0) }, color: .posterior, width: 3,
                          label: "grid p(z|x): levels of r = 1, 2, 3")
            for k in [1.0, 2.0, 3.0] {
                right.ellipse(mean: (mean[0], mean[1]), covariance: covariance2(covariance), k: k, color: .reference,
                              width: 1, dash: .dashed, label: k == 1 ? "closed form N(M⁻¹Wᵀ(x − μ), σ²M⁻¹)" : nil)
            }
            right.scatter(x: [grid.mean[0]], y: [grid.mean[1]], color: .posterior, size: 6, marker: .plus, label: "grid mean")
            right.scatter(x: [mean[0]], y: [mean[1]], color: .reference, size: 5, marker: .cross, label: "M⁻¹Wᵀ(x − μ)")
            let r = 3.6 * max(covariance[0, 0], covariance[1, 1]).squareRoot()
            right.dataPlane(x: (mean[0] - r)...(mean[0] + r), y: (mean[1] - r)...(mean[1] + r), xLabel: "z₁", yLabel: "z₂")
            right.title = "the check, zoomed"
            right.legend = .below
            return figure
        }
        let figure = Figure(width: 540, height: 345, title: "Posterior of row \(row): prior × likelihood, and Bayes' rule on a grid")
        let axes = figure.addAxes()
        let zs = grid.axes[0]
        let sd = covariance[0, 0].squareRoot()
        let likelihoodSD = likelihood.covariance[0, 0].squareRoot()
        axes.line(x: zs, y: zs.map { exp(StandardNormal.logDensity($0)) }, color: .reference, width: 1.2, dash: .dotted, label: "prior p(z)")
        axes.line(x: zs, y: zs.map { exp(StandardNormal.logDensity(($0 - likelihood.mean[0]) / likelihoodSD)) / likelihoodSD },
                  color: .model, width: 1.4, dash: .dashed, label: "likelihood p(x|z) in z")
        axes.line(x: zs, y: grid.density, color: .posterior, width: 3, label: "grid p(z|x)")
        axes.line(x: zs, y: zs.map { exp(StandardNormal.logDensity(($0 - mean[0]) / sd)) / sd }, color: .reference,
                  dash: .dashed, label: "N(M⁻¹Wᵀ(x − μ), σ²M⁻¹)")
        axes.xLabel = "z"
        axes.yLabel = "density"
        axes.legend = .outsideRight
        return figure
    }

    /// One model of the shrinkage figure's lower panel: its label and the model (q = 1) at some σ².
    typealias ShrinkageCase = (label: String, model: PPCA)

    /// Top: every 10th row of the cloud, its PCA projection and PPCA's W E[z|x] + μ. Bottom: Bayes' rule in z for
    /// the row farthest along the line: the prior N(0, 1), the likelihood p(x|z) as a function of z (normalised:
    /// N(wᵀ(x − μ)/‖w‖², σ²/‖w‖²)) and the posterior N(wᵀ(x − μ)/(‖w‖² + σ²), σ²/(‖w‖² + σ²)), one per case — the
    /// posterior mean lies between the likelihood's peak and the prior's mean 0.
    static func posteriorShrinkage(_ x: Matrix, fit: PPCAMaximumLikelihood, model: PPCA, posterior: LatentPosterior,
                                   cases: [ShrinkageCase]) throws -> Figure {
        let mu = model.mean
        let u = fit.eigenvectors.column(0)
        let w = model.loading.column(0)
        let (xr, yr) = cloudLimits(x)
        let figure = Figure(width: 620, height: 640, title: "Shrinkage: W E[z|x] + μ against the PCA projection (2-D example, q = 1)")
        let panels = figure.subplots(rows: 2, columns: 1)
        let axes = panels[0]
        axes.scatter(x: x.column(0), y: x.column(1), color: .data, size: 2, alpha: 0.35, label: "data")
        let reach = xr.upperBound - xr.lowerBound
        axes.line(x: [mu[0] - reach * u[0], mu[0] + reach * u[0]], y: [mu[1] - reach * u[1], mu[1] + reach * u[1]],
                  color: .reference, width: 1, dash: .dotted, label: "principal line")
        let rows = Array(stride(from: 0, to: x.rows, by: 10))
        let projection = projections(x, rows: rows, mean: mu, direction: u)
        let reconstruction = reconstructions(posterior, rows: rows, mean: mu, loading: w)
        for (n, p) in zip(rows, projection) {
            axes.line(x: [x[n, 0], p.0], y: [x[n, 1], p.1], color: .reference, width: 0.6, dash: .dotted,
                      label: n == rows[0] ? "x → its projection" : nil)
        }
        // The row the lower panel follows: the one farthest along the line.
        let scores = rows.map { n in u[0] * (x[n, 0] - mu[0]) + u[1] * (x[n, 1] - mu[1]) }
        let far = rows[scores.indices.max { abs(scores[$0]) < abs(scores[$1]) } ?? 0]
        axes.scatter(x: rows.map { x[$0, 0] }, y: rows.map { x[$0, 1] }, color: .data, size: 3.5, label: "chosen rows")
        // PCA is what PPCA is measured against here: black squares beside PPCA's vermillion diamonds.
        axes.scatter(x: projection.map(\.0), y: projection.map(\.1), color: .reference, size: 4.5, marker: .square,
                     label: "PCA projection")
        axes.scatter(x: reconstruction.map(\.0), y: reconstruction.map(\.1), color: .posterior, size: 4.5,
                     marker: .diamond, label: "W E[z|x] + μ")
        axes.scatter(x: [mu[0]], y: [mu[1]], color: .reference, size: 6, marker: .plus, label: "μ")
        axes.outlinedScatter(x: [x[far, 0]], y: [x[far, 1]], color: .highlight, size: 5, marker: .circle, alpha: 1,
                             edgeColor: .black, edgeWidth: 1.5, label: "the row of the lower panel")
        axes.title = "in data space"
        axes.dataPlane(x: xr, y: yr)
        axes.legend = .outsideRight

        // In z: prior × likelihood ∝ posterior, for the far row, at each case's σ².
        let lower = panels[1]
        let row = x.rows(at: [far])
        // z from −4 to 3 s.d. beyond the widest likelihood's peak, whichever side it is on
        let peaks = cases.map { c in
            let wk = c.model.loading.column(0)
            let norm2 = Vector.dot(wk, wk)
            return (Vector.dot(wk, Statistics.centred(row, mean: c.model.mean).row(0)) / norm2, (c.model.noiseVariance / norm2).squareRoot())
        }
        let zLow = min(-4, peaks.map { $0.0 - 3 * $0.1 }.min() ?? -4), zHigh = max(4, peaks.map { $0.0 + 3 * $0.1 }.max() ?? 4)
        let zs = EvenGrid.values(zLow...zHigh, count: 801)
        func density(_ mean: Double, _ variance: Double) -> [Double] {
            zs.map { exp(StandardNormal.logDensity(($0 - mean) / variance.squareRoot())) / variance.squareRoot() }
        }
        lower.line(x: zs, y: density(0, 1), color: .reference, width: 1.4, dash: .dotted, label: "prior p(z) = N(0, 1)")
        let dashes: [Dash] = [.solid, .dashed]
        for (k, c) in cases.enumerated() {
            let wk = c.model.loading.column(0)
            let norm2 = Vector.dot(wk, wk)
            let along = Vector.dot(wk, Statistics.centred(row, mean: c.model.mean).row(0))
            let post = try c.model.posterior(row)
            lower.line(x: zs, y: density(along / norm2, c.model.noiseVariance / norm2), color: .model, width: 1.6,
                       dash: dashes[k % 2], label: "likelihood p(x|z) in z, " + c.label)
            lower.line(x: zs, y: density(post.means[0, 0], post.covariance[0, 0]), color: .posterior, width: 2,
                       dash: dashes[k % 2], label: "posterior p(z|x), " + c.label)
        }
        lower.title = "Bayes' rule in z for that row"
        lower.xLabel = "z"
        lower.yLabel = "density (likelihood normalised in z)"
        lower.legend = .outsideRight
        return figure
    }

    /// The PCA projections μ + uuᵀ(x − μ) (u a unit vector) of the given rows of a 2-D `x`.
    static func projections(_ x: Matrix, rows: [Int], mean mu: [Double], direction u: [Double]) -> [(Double, Double)] {
        rows.map { n in
            let t = u[0] * (x[n, 0] - mu[0]) + u[1] * (x[n, 1] - mu[1])
            return (mu[0] + t * u[0], mu[1] + t * u[1])
        }
    }

    /// PPCA's reconstructions W E[z|x] + μ (q = 1, D = 2) of the given rows; `w` is W's column.
    static func reconstructions(_ posterior: LatentPosterior, rows: [Int], mean mu: [Double],
                                loading w: [Double]) -> [(Double, Double)] {
        rows.map { n in
            let z = posterior.means[n, 0]
            return (mu[0] + z * w[0], mu[1] + z * w[1])
        }
    }

    /// One frame of σ² → 0: the models at σ² = f·σ²_ML (several f for the overview frame) and what they give.
    struct SigmaFrame {
        var factors: [Double]                   // f of σ² = f·σ²_ML; one, or several for the overview
        var cloudModel: PPCA                    // the cloud's model at factors[0]
        var cloudPosterior: LatentPosterior     // and its posterior over every row
        var reconstructions: [(Double, Double)] // W E[z|x] + μ of the cloud rows drawn
        var gap: Double                         // their largest distance to the rows' PCA projections
        var dataPosteriors: [LatentPosterior]   // the main data's posterior of the chosen rows, one per factor
    }

    /// The frames of σ² → 0: the cloud (top) and the chosen rows' posteriors in the latent plane with their limits
    /// (bottom). `first`, step 5's latent plane (σ² = σ²_ML), fixes the bottom panel's limits.
    static func sigmaToZero(_ frames: [SigmaFrame], cloud: Matrix, cloudRows: [Int], projections: [(Double, Double)],
                            mean mu: [Double], limit: [[Double]], first: PPCALesson.LatentPlane,
                            dataName: String) -> [(label: String, figure: Figure)] {
        let q = first.model.latentDimension
        let chosen = first.chosen
        let (xr, yr) = cloudLimits(cloud)
        // Fixed latent-panel limits: the σ²_ML posterior means ± 2.3 s.d. and the limits.
        let firstSD = (0..<q).map { first.posterior.covariance[$0, $0].squareRoot() }
        var lows = [Double](repeating: .infinity, count: q)
        var highs = [Double](repeating: -.infinity, count: q)
        for (i, row) in chosen.enumerated() { for k in 0..<q {
            lows[k] = min(lows[k], first.posterior.means[row, k] - 2.3 * firstSD[k], limit[i][k] - 0.2)
            highs[k] = max(highs[k], first.posterior.means[row, k] + 2.3 * firstSD[k], limit[i][k] + 0.2)
        } }
        let dashes: [Dash] = [.solid, .dashed, .dotted]
        func ratio(_ f: Double) -> String { f == 1 ? "σ²(ML)" : NumberFormat.significant(f) + " σ²(ML)" }
        return frames.map { frame in
            let factors = frame.factors
            let w = frame.cloudModel.loading.column(0)
            let s = frame.cloudPosterior.covariance[0, 0].squareRoot()
            let isOverview = factors.count > 1
            let figure = Figure(width: 620, height: 680,
                                title: isOverview ? "σ² → 0: σ² = σ²(ML), 0.1 σ²(ML) and 0.001 σ²(ML) together"
                                                  : "σ² → 0: σ² = " + ratio(factors[0]))
            let axes = figure.subplots(rows: 2, columns: 1)
            let left = axes[0]
            left.scatter(x: cloud.column(0), y: cloud.column(1), color: .data, size: 2, alpha: 0.3, label: "data")
            // One row far along the line carries its 2σ posterior interval W(E[z|x] ± 2σ) + μ.
            let means = frame.cloudPosterior.means
            let farthest = cloudRows.max { abs(means[$0, 0]) < abs(means[$1, 0]) } ?? cloudRows[0]
            let zFar = means[farthest, 0]
            left.line(x: [mu[0] + (zFar - 2 * s) * w[0], mu[0] + (zFar + 2 * s) * w[0]],
                      y: [mu[1] + (zFar - 2 * s) * w[1], mu[1] + (zFar + 2 * s) * w[1]], color: .posterior, width: 5,
                      label: "W(E[z|x] ± 2σ) + μ, one row")
            for (i, n) in cloudRows.enumerated() {
                let (p, r) = (projections[i], frame.reconstructions[i])
                left.line(x: [cloud[n, 0], p.0], y: [cloud[n, 1], p.1], color: .reference, width: 0.6, dash: .dotted)
                left.scatter(x: [p.0], y: [p.1], color: .reference, size: 5, marker: .square,
                             label: i == 0 ? "PCA projection" : nil)
                left.scatter(x: [r.0], y: [r.1], color: .posterior, size: 4, marker: .diamond,
                             label: i == 0 ? "W E[z|x] + μ" + (isOverview ? " at σ²(ML)" : "") : nil)
            }
            for (i, n) in cloudRows.enumerated() {
                left.scatter(x: [cloud[n, 0]], y: [cloud[n, 1]], color: .data, size: 3.5, label: i == 0 ? "chosen rows" : nil)
            }
            left.title = "2-D example, q = 1" + (isOverview ? " (σ² = σ²(ML))" : "")
            left.dataPlane(x: xr, y: yr)
            left.legend = .outsideRight

            let right = axes[1]
            if q == 2 {
                for (j, posterior) in frame.dataPosteriors.enumerated() {
                    let cov = covariance2(posterior.covariance)
                    for i in chosen.indices {
                        let m = (posterior.means[i, 0], posterior.means[i, 1])
                        right.ellipse(mean: m, covariance: cov, k: 2, color: .posterior, width: 1.6, dash: dashes[j % 3],
                                      label: i == 0 ? (isOverview ? "2σ ellipse, " + ratio(factors[j]) : "2σ posterior ellipse") : nil)
                        right.scatter(x: [m.0], y: [m.1], color: .posterior, size: 4, marker: .diamond,
                                      label: i == 0 && j == 0 ? "E[z|x]" : nil)
                    }
                }
                right.dataPlane(y: lows[1]...highs[1], xLabel: "z₁", yLabel: "z₂")
            } else {
                for (j, posterior) in frame.dataPosteriors.enumerated() {
                    let sd = posterior.covariance[0, 0].squareRoot()
                    for i in chosen.indices {
                        let m = posterior.means[i, 0]
                        let y = Double(i) + 0.2 * Double(j)
                        right.line(x: [m - 2 * sd, m + 2 * sd], y: [y, y], color: .posterior, width: 4, dash: dashes[j % 3],
                                   label: i == 0 ? "E[z|x] ± 2σ" + (isOverview ? ", " + ratio(factors[j]) : "") : nil)
                    }
                }
                right.xLabel = "z"
                right.yLabel = "chosen row"
            }
            for i in chosen.indices {
                right.scatter(x: [limit[i][0]], y: [q == 2 ? limit[i][1] : Double(i)], color: .reference, size: 6,
                              marker: .cross, label: i == 0 ? (q == 2 ? "σ² → 0 limit Λ⁻½Uᵀ(x − μ)" : "limit") : nil)
            }
            right.xLimits = lows[0]...highs[0]
            right.title = "\(dataName), latent plane (chosen rows)"
            right.legend = .outsideRight
            let label = isOverview ? "overview: σ²(ML), 0.1 σ²(ML), 0.001 σ²(ML)" : "σ² = " + ratio(factors[0])
            return (label, figure)
        }
    }
}
