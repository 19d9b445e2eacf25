import Foundation
import LinearAlgebra
import Models
import Plotting

/// Steps 5–7: the posterior p(z | x), the limit σ² → 0, and the rotational ambiguity.
enum PPCAPosteriorSteps {
    static func covariance2(_ c: Matrix) -> [[Double]] { [[c[0, 0], c[0, 1]], [c[1, 0], c[1, 1]]] }

    /// Rows whose posteriors the figures single out: one per label 0, 1, 4, 6, 7 for labelled data, otherwise
    /// five rows spread through the file.
    static func chosenRows(_ setup: PPCALessonSetup) -> [Int] {
        if let labels = setup.labels {
            return [0, 1, 4, 6, 7].compactMap { digit in labels.firstIndex(of: digit) }
        }
        let n = setup.data.rows
        return [0, n / 5, 2 * n / 5, 3 * n / 5, 4 * n / 5]
    }

    // MARK: Step 5

    static func posterior(_ setup: PPCALessonSetup, fits: PPCAFittingSteps.Fits, into out: inout PPCALessonOutput) throws {
        let qf = setup.figureLatentDimension
        let model = try fits.main.model(latentDimension: qf)
        let posterior = try model.posterior(setup.data)
        let chosen = chosenRows(setup)
        out.figures["posterior-digits"] = .single(posteriorScatter(setup, model: model, posterior: posterior, chosen: chosen))

        // Bayes' rule on a grid for the first chosen row against the closed form.
        let row = chosen[0]
        let point = setup.data.row(row)
        let mean = posterior.means.row(row)
        let sd = (0..<qf).map { posterior.covariance[$0, $0].squareRoot() }
        let count = setup.quick ? 81 : 201
        let grid = model.gridPosterior(x: point, centre: mean, halfWidth: sd.map { 7 * $0 }, pointsPerAxis: count)
        out.figures["posterior-grid-check"] = .single(gridCheckFigure(grid: grid, mean: mean, covariance: posterior.covariance,
                                                                      row: row, setup: setup))
        var rows: [[String]] = []
        var maxMean = 0.0
        var maxCovariance = 0.0
        for k in 0..<qf {
            rows.append(["E[z\(latentSubscript(k + 1)) | x]", Cell.number(grid.mean[k], digits: 10), Cell.number(mean[k], digits: 10),
                         Cell.scientific(abs(grid.mean[k] - mean[k]))])
            maxMean = max(maxMean, abs(grid.mean[k] - mean[k]))
        }
        for k in 0..<qf { for l in k..<qf {
            let name = k == l ? "var[z\(latentSubscript(k + 1)) | x]" : "cov[z\(latentSubscript(k + 1)), z\(latentSubscript(l + 1)) | x]"
            rows.append([name, Cell.number(grid.covariance[k, l], digits: 10), Cell.number(posterior.covariance[k, l], digits: 10),
                         Cell.scientific(abs(grid.covariance[k, l] - posterior.covariance[k, l]))])
            maxCovariance = max(maxCovariance, abs(grid.covariance[k, l] - posterior.covariance[k, l]))
        } }
        out.tables["posterior-check"] = Table(
            columns: ["quantity", "Bayes' rule on a \(count)^\(qf) grid", "closed form", "|difference|"], rows: rows,
            caption: "Posterior of row \(row) of \(setup.dataName) (q = \(qf)): p(x|z)p(z) normalised on a grid over ±7 posterior s.d., against N(M⁻¹Wᵀ(x − μ), σ²M⁻¹).")

        // Shrinkage on the 2-D example.
        let toyPosterior = try fits.toyModel.posterior(setup.toy)
        let shrinkage = (fits.toy.eigenvalues[0] - fits.toyModel.noiseVariance) / fits.toy.eigenvalues[0]
        out.figures["posterior-shrinkage"] = .single(shrinkageFigure(setup.toy, fits: fits, posterior: toyPosterior))
        out.results["posterior"] = [
            "latent_dim": .integer(qf), "row": .integer(row), "covariance": .rows(posterior.covariance.rowArrays),
            "sd": .numbers(sd), "grid_points_per_axis": .integer(count), "grid_max_mean_difference": .number(maxMean),
            "grid_max_covariance_difference": .number(maxCovariance), "toy_shrinkage_factor": .number(shrinkage),
        ]
        out.label("posterior.latent_dim", "q of the posterior figures")
        out.label("posterior.row", "the row whose posterior is checked on a grid", convention: "rows counted from 0")
        out.label("posterior.sd.0", "posterior s.d. of z₁ (shared by every x)", convention: "√ of the diagonal of σ²M⁻¹")
        out.label("posterior.grid_max_mean_difference", "max |grid mean − closed-form mean|")
        out.label("posterior.grid_max_covariance_difference", "max |grid covariance − σ²M⁻¹|")
        out.label("posterior.toy_shrinkage_factor", "(λ₁ − σ²)/λ₁: length of W E[z|x] relative to the projection (2-D example)")
    }

    static func latentSubscript(_ k: Int) -> String {
        String(String(k).map { Character(UnicodeScalar(0x2080 + Int(String($0))!)!) })
    }

    static func posteriorScatter(_ setup: PPCALessonSetup, model: PPCA, posterior: LatentPosterior, chosen: [Int]) -> Figure {
        let figure = Figure(width: 560, height: 420,
                            title: setup.labels != nil
                                ? "Posterior means E[z|x] of the digits (q = \(model.latentDimension)), coloured by label"
                                : "Posterior means E[z|x] of \(setup.dataName) (q = \(model.latentDimension))")
        let axes = figure.addAxes()
        let means = posterior.means
        if model.latentDimension >= 2 {
            let z1 = means.column(0)
            let z2 = means.column(1)
            if let labels = setup.labels {
                for digit in 0...9 {
                    let rows = labels.indices.filter { labels[$0] == digit }
                    axes.scatter(x: rows.map { z1[$0] }, y: rows.map { z2[$0] }, color: .category(digit), size: 2.2,
                                 alpha: 0.55, label: "\(digit)")
                }
            } else {
                axes.scatter(x: z1, y: z2, color: .data, size: 2.2, alpha: 0.55, label: "E[z|x] per row")
            }
            let cov = covariance2(posterior.covariance)
            for (i, row) in chosen.enumerated() {
                axes.ellipse(mean: (z1[row], z2[row]), covariance: cov, k: 2, color: .posterior, width: 1.8,
                             label: i == 0 ? "2σ posterior ellipse" : nil)
                axes.scatter(x: [z1[row]], y: [z2[row]], color: .highlight, size: 4, marker: .diamond,
                             label: i == 0 ? "chosen rows" : nil)
            }
            axes.xLabel = "E[z₁ | x]"
            axes.yLabel = "E[z₂ | x]"
            axes.equalAspect = true
        } else {
            // q = 1 (D = 2): the posterior mean against the PCA score, with 2σ intervals for the chosen rows.
            let u = model.loading.column(0)
            let norm = Vector.norm(u)
            let centred = Statistics.centred(setup.data, mean: model.mean)
            let scores = (0..<setup.data.rows).map { n in (u[0] * centred[n, 0] + u[1] * centred[n, 1]) / norm }
            let z = means.column(0)
            axes.scatter(x: scores, y: z, color: .data, size: 2.2, label: "rows")
            let sd = posterior.covariance[0, 0].squareRoot()
            for (i, row) in chosen.enumerated() {
                axes.line(x: [scores[row], scores[row]], y: [z[row] - 2 * sd, z[row] + 2 * sd], color: .posterior,
                          width: 1.8, label: i == 0 ? "±2σ posterior interval" : nil)
            }
            axes.xLabel = "PCA score u₁ᵀ(x − μ)"
            axes.yLabel = "E[z | x]"
        }
        axes.title = "the posterior covariance σ²M⁻¹ is the same for every x"
        axes.legend = .outsideRight
        return figure
    }

    static func gridCheckFigure(grid: GridPosterior, mean: [Double], covariance: Matrix, row: Int,
                                setup: PPCALessonSetup) -> Figure {
        let figure = Figure(title: "Posterior of row \(row): Bayes' rule on a grid vs the closed form")
        let axes = figure.addAxes()
        if grid.axes.count == 2 {
            let determinant = covariance[0, 0] * covariance[1, 1] - covariance[0, 1] * covariance[1, 0]
            let peak = 1 / (2 * Double.pi * determinant.squareRoot())
            let scalar = ScalarGrid(xs: grid.axes[0], ys: grid.axes[1], values: grid.density)
            axes.contour(scalar, levels: [3.0, 2.0, 1.0].map { peak * exp(-0.5 * $0 * $0) }, color: .model, width: 3,
                         label: "grid p(z|x) at the closed form's 1, 2, 3σ levels")
            for k in [1.0, 2.0, 3.0] {
                axes.ellipse(mean: (mean[0], mean[1]), covariance: covariance2(covariance), k: k, color: .posterior,
                             width: 1.2, dash: .dashed, label: k == 1 ? "closed-form 1, 2, 3σ ellipses" : nil)
            }
            axes.scatter(x: [grid.mean[0]], y: [grid.mean[1]], color: .model, size: 6, marker: .plus, label: "grid mean")
            axes.scatter(x: [mean[0]], y: [mean[1]], color: .posterior, size: 6, marker: .cross, label: "M⁻¹Wᵀ(x − μ)")
            axes.xLabel = "z₁"
            axes.yLabel = "z₂"
            axes.equalAspect = true
            let r = 4.5 * max(covariance[0, 0], covariance[1, 1]).squareRoot()
            axes.xLimits = (mean[0] - 1.6 * r)...(mean[0] + 1.6 * r)
            axes.yLimits = (mean[1] - r)...(mean[1] + r)
        } else {
            let zs = grid.axes[0]
            let sd = covariance[0, 0].squareRoot()
            axes.line(x: zs, y: grid.density, color: .model, width: 3, label: "grid p(z|x)")
            axes.line(x: zs, y: zs.map { exp(StandardNormal.logDensity(($0 - mean[0]) / sd)) / sd }, color: .posterior,
                      dash: .dashed, label: "N(M⁻¹Wᵀ(x − μ), σ²M⁻¹)")
            axes.xLabel = "z"
            axes.yLabel = "p(z | x)"
        }
        axes.legend = .upperRight
        return figure
    }

    static func shrinkageFigure(_ x: Matrix, fits: PPCAFittingSteps.Fits, posterior: LatentPosterior) -> Figure {
        let model = fits.toyModel
        let mu = model.mean
        let u = fits.toy.eigenvectors.column(0)
        let w = model.loading.column(0)
        let (xr, yr) = PPCAFittingSteps.toyLimits(x)
        let figure = Figure(width: 760, height: 340, title: "Shrinkage: W E[z|x] + μ against the PCA projection (2-D example, q = 1)")
        let panels = figure.subplots(rows: 1, columns: 2)
        let axes = panels[0]
        axes.scatter(x: x.column(0), y: x.column(1), color: .data, size: 2, alpha: 0.35, label: "data")
        let reach = xr.upperBound - xr.lowerBound
        axes.line(x: [mu[0] - reach * u[0], mu[0] + reach * u[0]], y: [mu[1] - reach * u[1], mu[1] + reach * u[1]],
                  color: .reference, width: 1, dash: .dotted, label: "principal line")
        // Every 10th row.
        let rows = Array(stride(from: 0, to: x.rows, by: 10))
        var projection: [(Double, Double)] = []
        var reconstruction: [(Double, Double)] = []
        for n in rows {
            let t = u[0] * (x[n, 0] - mu[0]) + u[1] * (x[n, 1] - mu[1])
            projection.append((mu[0] + t * u[0], mu[1] + t * u[1]))
            let z = posterior.means[n, 0]
            reconstruction.append((mu[0] + z * w[0], mu[1] + z * w[1]))
            axes.line(x: [x[n, 0], mu[0] + t * u[0]], y: [x[n, 1], mu[1] + t * u[1]], color: .projection, width: 0.6,
                      dash: .dotted, label: n == rows[0] ? "x → its projection" : nil)
        }
        axes.scatter(x: rows.map { x[$0, 0] }, y: rows.map { x[$0, 1] }, color: .data, size: 3.5, label: "chosen rows")
        axes.scatter(x: projection.map(\.0), y: projection.map(\.1), color: .projection, size: 4.5, marker: .square,
                     label: "PCA projection")
        axes.scatter(x: reconstruction.map(\.0), y: reconstruction.map(\.1), color: .posterior, size: 4.5,
                     marker: .diamond, label: "W E[z|x] + μ")
        axes.scatter(x: [mu[0]], y: [mu[1]], color: .reference, size: 6, marker: .plus, label: "μ")
        axes.title = "in data space"
        axes.xLabel = "x₁"
        axes.yLabel = "x₂"
        axes.equalAspect = true
        axes.xLimits = xr
        axes.yLimits = yr
        axes.legend = .lowerRight

        // Along the line: PPCA's coordinate uᵀ W E[z|x] against the PCA score uᵀ(x − μ), every row. The slope is
        // (λ₁ − σ²)/λ₁ < 1: the shrinkage.
        let right = panels[1]
        let scores = (0..<x.rows).map { n in u[0] * (x[n, 0] - mu[0]) + u[1] * (x[n, 1] - mu[1]) }
        let along = (0..<x.rows).map { n in posterior.means[n, 0] * (u[0] * w[0] + u[1] * w[1]) }
        let extent = (scores.map(abs).max() ?? 1) * 1.05
        right.line(x: [-extent, extent], y: [-extent, extent], color: .projection, dash: .dashed,
                   label: "PCA: slope 1")
        right.scatter(x: scores, y: along, color: .posterior, size: 2.5, marker: .diamond,
                      label: String(format: "PPCA: slope (λ₁ − σ²)/λ₁ = %.3f", (fits.toy.eigenvalues[0] - model.noiseVariance) / fits.toy.eigenvalues[0]))
        right.title = "along the principal line"
        right.xLabel = "PCA score u₁ᵀ(x − μ)"
        right.yLabel = "u₁ᵀ W E[z|x]"
        right.equalAspect = true
        right.xLimits = -extent...extent
        right.yLimits = -extent...extent
        right.legend = .upperLeft
        return figure
    }

    // MARK: Step 6

    static let sigmaFactors: [Double] = [1, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01, 0.001]

    static func sigmaToZero(_ setup: PPCALessonSetup, fits: PPCAFittingSteps.Fits, into out: inout PPCALessonOutput) throws {
        let qf = setup.figureLatentDimension
        let toySigma2 = fits.toyModel.noiseVariance
        let mainSigma2 = try fits.main.noiseVariance(latentDimension: qf)
        let chosen = chosenRows(setup)
        let toyRows = Array(stride(from: 0, to: setup.toy.rows, by: 20))
        let u = fits.toy.eigenvectors.column(0)
        let mu = fits.toyModel.mean
        let (xr, yr) = PPCAFittingSteps.toyLimits(setup.toy)
        // The σ² → 0 limit of E[z|x] in the latent plane: Λ_q^{-1/2} U_qᵀ(x − μ) (whitened PCA scores).
        let centredChosen = Statistics.centred(Matrix(chosen.map { setup.data.row($0) }), mean: fits.main.mean)
        let limit: [[Double]] = (0..<chosen.count).map { i in
            (0..<qf).map { k in
                let uk = fits.main.eigenvectors.column(k)
                return Vector.dot(centredChosen.row(i), uk) / fits.main.eigenvalues[k].squareRoot()
            }
        }
        // Fixed latent-panel limits: the σ²_ML posterior means ± 2 s.d. and the limits.
        let first = try fits.main.model(latentDimension: qf, noiseVariance: mainSigma2)
        let firstPosterior = try first.posterior(setup.data)
        let firstSD = (0..<qf).map { firstPosterior.covariance[$0, $0].squareRoot() }
        var lows = [Double](repeating: .infinity, count: qf)
        var highs = [Double](repeating: -.infinity, count: qf)
        for (i, row) in chosen.enumerated() { for k in 0..<qf {
            lows[k] = min(lows[k], firstPosterior.means[row, k] - 2.3 * firstSD[k], limit[i][k] - 0.2)
            highs[k] = max(highs[k], firstPosterior.means[row, k] + 2.3 * firstSD[k], limit[i][k] + 0.2)
        } }

        var figures: [Figure] = []
        var labels: [String] = []
        var gaps: [Double] = []
        var toySD: [Double] = []
        var mainSD: [Double] = []
        for f in sigmaFactors {
            let toyModel = try fits.toy.model(latentDimension: 1, noiseVariance: f * toySigma2)
            let toyPosterior = try toyModel.posterior(setup.toy)
            let mainModel = try fits.main.model(latentDimension: qf, noiseVariance: f * mainSigma2)
            let mainPosterior = try mainModel.posterior(Matrix(chosen.map { setup.data.row($0) }))
            let w = toyModel.loading.column(0)
            let s = toyPosterior.covariance[0, 0].squareRoot()
            toySD.append(s)
            mainSD.append(mainPosterior.covariance[0, 0].squareRoot())
            let figure = Figure(width: 760, height: 360, title: String(format: "σ² → 0: σ² = %g × σ²_ML", f))
            let axes = figure.subplots(rows: 1, columns: 2)
            let left = axes[0]
            left.scatter(x: setup.toy.column(0), y: setup.toy.column(1), color: .data, size: 2, alpha: 0.3, label: "data")
            var gap = 0.0
            // One row far along the line carries its 2σ posterior interval W(E[z|x] ± 2σ) + μ.
            let farthest = toyRows.max { abs(toyPosterior.means[$0, 0]) < abs(toyPosterior.means[$1, 0]) } ?? toyRows[0]
            let zFar = toyPosterior.means[farthest, 0]
            left.line(x: [mu[0] + (zFar - 2 * s) * w[0], mu[0] + (zFar + 2 * s) * w[0]],
                      y: [mu[1] + (zFar - 2 * s) * w[1], mu[1] + (zFar + 2 * s) * w[1]], color: .posterior, width: 5,
                      label: "W(E[z|x] ± 2σ) + μ, one row")
            for (i, n) in toyRows.enumerated() {
                let t = u[0] * (setup.toy[n, 0] - mu[0]) + u[1] * (setup.toy[n, 1] - mu[1])
                let p = (mu[0] + t * u[0], mu[1] + t * u[1])
                let z = toyPosterior.means[n, 0]
                let r = (mu[0] + z * w[0], mu[1] + z * w[1])
                gap = max(gap, ((r.0 - p.0) * (r.0 - p.0) + (r.1 - p.1) * (r.1 - p.1)).squareRoot())
                left.line(x: [setup.toy[n, 0], p.0], y: [setup.toy[n, 1], p.1], color: .projection, width: 0.6,
                          dash: .dotted)
                left.scatter(x: [p.0], y: [p.1], color: .projection, size: 5, marker: .square,
                             label: i == 0 ? "PCA projection" : nil)
                left.scatter(x: [r.0], y: [r.1], color: .highlight, size: 4, marker: .diamond,
                             label: i == 0 ? "W E[z|x] + μ" : nil)
            }
            for (i, n) in toyRows.enumerated() {
                left.scatter(x: [setup.toy[n, 0]], y: [setup.toy[n, 1]], color: .data, size: 3.5,
                             label: i == 0 ? "chosen rows" : nil)
            }
            gaps.append(gap)
            left.title = "2-D example, q = 1"
            left.xLabel = "x₁"
            left.yLabel = "x₂"
            left.equalAspect = true
            left.xLimits = xr
            left.yLimits = yr
            left.legend = .lowerRight

            let right = axes[1]
            if qf == 2 {
                let cov = covariance2(mainPosterior.covariance)
                for i in chosen.indices {
                    let m = (mainPosterior.means[i, 0], mainPosterior.means[i, 1])
                    right.ellipse(mean: m, covariance: cov, k: 2, color: .posterior, width: 1.6,
                                  label: i == 0 ? "2σ posterior ellipse" : nil)
                    right.scatter(x: [m.0], y: [m.1], color: .highlight, size: 4, marker: .diamond,
                                  label: i == 0 ? "E[z|x]" : nil)
                    right.scatter(x: [limit[i][0]], y: [limit[i][1]], color: .projection, size: 6, marker: .cross,
                                  label: i == 0 ? "σ² → 0 limit Λ⁻½Uᵀ(x − μ)" : nil)
                }
                right.xLabel = "z₁"
                right.yLabel = "z₂"
                right.equalAspect = true
                right.yLimits = lows[1]...highs[1]
            } else {
                let sd = mainPosterior.covariance[0, 0].squareRoot()
                for i in chosen.indices {
                    let m = mainPosterior.means[i, 0]
                    right.line(x: [m - 2 * sd, m + 2 * sd], y: [Double(i), Double(i)], color: .posterior, width: 4,
                               label: i == 0 ? "E[z|x] ± 2σ" : nil)
                    right.scatter(x: [limit[i][0]], y: [Double(i)], color: .projection, size: 6, marker: .cross,
                                  label: i == 0 ? "limit" : nil)
                }
                right.xLabel = "z"
                right.yLabel = "chosen row"
            }
            right.xLimits = lows[0]...highs[0]
            right.title = "\(setup.dataName), latent plane (chosen rows)"
            right.legend = .lowerRight
            figures.append(figure)
            labels.append(String(format: "σ² = %g σ²_ML", f))
        }
        out.figures["sigma-to-zero"] = .frames(figures, labels: labels)
        out.results["sigma_to_zero"] = [
            "factors": .numbers(sigmaFactors), "toy_max_gap": .numbers(gaps), "toy_posterior_sd": .numbers(toySD),
            "main_posterior_sd": .numbers(mainSD),
        ]
        let last = sigmaFactors.count - 1
        for (i, f) in [(0, "σ² = σ²_ML"), (last, "σ² = 0.001 σ²_ML")] {
            out.label("sigma_to_zero.toy_max_gap.\(i)", "largest distance between W E[z|x] + μ and the projection, \(f) (2-D example)")
            out.label("sigma_to_zero.toy_posterior_sd.\(i)", "posterior s.d. of z, \(f) (2-D example)")
            out.label("sigma_to_zero.main_posterior_sd.\(i)", "posterior s.d. of z₁, \(f) (\(setup.dataName))")
        }
    }

    // MARK: Step 7

    static func rotationalAmbiguity(_ setup: PPCALessonSetup, fits: PPCAFittingSteps.Fits,
                                    into out: inout PPCALessonOutput) throws {
        let qf = setup.figureLatentDimension
        let model = try fits.main.model(latentDimension: qf)
        let angle = 40.0 * Double.pi / 180
        let r = qf == 2 ? Matrix([[cos(angle), -sin(angle)], [sin(angle), cos(angle)]]) : Matrix([[-1.0]])
        let rotated = try model.rotated(by: r)
        let wDifference = (rotated.loading - model.loading).frobeniusNorm / model.loading.frobeniusNorm
        let c = model.marginalCovariance
        let cDifference = (rotated.marginalCovariance - c).frobeniusNorm / c.frobeniusNorm
        let ll = try model.logLikelihoods(setup.data)
        let llRotated = try rotated.logLikelihoods(setup.data)
        let llDifference = zip(ll, llRotated).map { abs($0 - $1) }.max() ?? .nan
        let means = try model.posterior(setup.data).means
        let meansRotated = try rotated.posterior(setup.data).means
        let meansDifference = ((means * r) - meansRotated).elements.map(abs).max() ?? .nan
        let description = qf == 2 ? "R = rotation by 40°" : "R = −1"
        out.tables["rotation-check"] = Table(
            columns: ["quantity", "value"],
            rows: [["‖WR − W‖_F / ‖W‖_F (the parameters differ)", Cell.number(wDifference)],
                   ["‖C(WR) − C(W)‖_F / ‖C‖_F", Cell.scientific(cDifference)],
                   ["max over rows |log p(x) under WR − under W|", Cell.scientific(llDifference)],
                   ["max |E[z|x] under WR − Rᵀ E[z|x] under W|", Cell.scientific(meansDifference)]],
            caption: "\(setup.dataName), q = \(qf), \(description): a different W, the same density; only the latent coordinates turn.")
        out.results["rotation"] = [
            "R": .rows(r.rowArrays), "w_relative_difference": .number(wDifference),
            "c_relative_difference": .number(cDifference), "max_log_likelihood_difference": .number(llDifference),
            "max_posterior_mean_difference": .number(meansDifference),
        ]
        out.label("rotation.w_relative_difference", "‖WR − W‖_F / ‖W‖_F")
        out.label("rotation.c_relative_difference", "‖C(WR) − C(W)‖_F / ‖C‖_F")
        out.label("rotation.max_log_likelihood_difference", "max over rows |log p(x) under WR − under W|", convention: "natural log")

        // The rows of W as points of the latent plane: R turns the whole cloud and keeps every inner product.
        let figure = Figure(title: "Rows of W and of WR (\(description))")
        let axes = figure.addAxes()
        if qf == 2 {
            // Each coordinate j of x owns a row wⱼ of W; C = WWᵀ + σ²I holds only the inner products wᵢ·wⱼ, which
            // R keeps. Thin segments join wⱼ to wⱼR for the rows far enough from 0 to be seen.
            let norms = (0..<setup.dimension).map { Vector.norm(model.loading.row($0)) }
            let cutoff = (norms.max() ?? 0) * 0.35
            var first = true
            for j in 0..<setup.dimension where norms[j] > cutoff {
                axes.line(x: [model.loading[j, 0], rotated.loading[j, 0]], y: [model.loading[j, 1], rotated.loading[j, 1]],
                          color: .reference, width: 0.6, dash: .dotted, label: first ? "wⱼ → wⱼR" : nil)
                first = false
            }
            axes.scatter(x: model.loading.column(0), y: model.loading.column(1), color: .model, size: 3.5,
                         label: "rows wⱼ of W (one per coordinate)")
            axes.scatter(x: rotated.loading.column(0), y: rotated.loading.column(1), color: .posterior, size: 3.5,
                         marker: .triangle, label: "rows of WR")
            axes.xLabel = "first column of W (or WR)"
            axes.yLabel = "second column"
            axes.equalAspect = true
        } else {
            let index = (0..<setup.dimension).map(Double.init)
            axes.scatter(x: index, y: model.loading.column(0), color: .model, size: 4, label: "W")
            axes.scatter(x: index, y: rotated.loading.column(0), color: .posterior, size: 4, marker: .triangle, label: "WR = −W")
            axes.xLabel = "coordinate j of x"
            axes.yLabel = "loading"
        }
        axes.legend = .best
        out.figures["rotational-ambiguity"] = .single(figure)
    }
}
