import Foundation
import LinearAlgebra
import Models
import Plotting

/// Steps 5–7: the posterior p(z | x), the limit σ² → 0, and the rotational ambiguity.
enum PPCAPosteriorSteps {
    static func covariance2(_ c: Matrix) -> [[Double]] { [[c[0, 0], c[0, 1]], [c[1, 0], c[1, 1]]] }

    /// Rows whose posteriors the figures single out, chosen deterministically and well apart in the latent plane
    /// (`means` are the posterior means at σ²_ML, (N, q)).
    /// - Labelled data: one typical row (no farther from its class centroid than the class median) of each of the
    ///   digits 0, 1, 3, 4, 6 (spread around the latent plane): for 0 the one nearest the centroid, for the others the typical row farthest from the
    ///   rows already chosen.
    /// - Otherwise: farthest-point selection among the rows whose mean lies within the 80th percentile of ‖E[z|x]‖,
    ///   starting from the row nearest the centroid.
    ///
    /// The farthest-point selection keeps, for every candidate, its distance to the nearest row chosen so far and
    /// updates it with each new row: O(candidates × count) distances instead of O(candidates × count²), the same
    /// choice (a minimum does not depend on the order it is taken in, and every distance is computed as before).
    static func chosenRows(_ setup: PPCALessonSetup, means: Matrix, count: Int = 5) -> [Int] {
        let n = means.rows
        let q = means.columns
        let m = means.elements
        /// ‖E[z|xₐ] − c‖², summed over k in order.
        func squaredDistance(_ a: Int, to c: [Double]) -> Double {
            var s = 0.0
            for k in 0..<q { let t = m[a * q + k] - c[k]; s += t * t }
            return s
        }
        func distance(_ a: Int, _ b: Int) -> Double {
            var s = 0.0
            for k in 0..<q { let t = m[a * q + k] - m[b * q + k]; s += t * t }
            return s.squareRoot()
        }
        func nearest(to centre: [Double], among rows: [Int]) -> Int? {
            var best: (row: Int, distance: Double)? = nil
            for a in rows {
                let da = squaredDistance(a, to: centre)
                if let b = best, !(da < b.distance || (da == b.distance && a < b.row)) { continue }
                best = (a, da)
            }
            return best?.row
        }
        func centroid(_ rows: [Int]) -> [Double] {
            (0..<q).map { k in
                var s = 0.0
                for i in rows { s += m[i * q + k] }
                return s / Double(max(rows.count, 1))
            }
        }
        /// Adds rows farthest from those chosen (largest distance to the nearest chosen row; the lowest row on a tie)
        /// until `total` are chosen.
        func farthestPoints(from first: [Int], among candidates: [Int], total: Int) -> [Int] {
            var chosen = first
            var nearestChosen = candidates.map { a in chosen.map { distance(a, $0) }.min() ?? .infinity }
            while chosen.count < total, !candidates.isEmpty {
                var best = 0
                for c in candidates.indices.dropFirst() {
                    let (dc, db) = (nearestChosen[c], nearestChosen[best])
                    if dc > db || (dc == db && candidates[c] < candidates[best]) { best = c }
                }
                let next = candidates[best]
                chosen.append(next)
                for c in candidates.indices { nearestChosen[c] = min(nearestChosen[c], distance(candidates[c], next)) }
            }
            return chosen
        }
        if let labels = setup.labels {
            var kept: [Int] = []
            for digit in [0, 1, 3, 4, 6] {
                let rows = labels.indices.filter { labels[$0] == digit }
                let centre = centroid(rows)
                guard !rows.isEmpty else { continue }
                // Typical members: no farther from the class centroid than the class's median member.
                let spread = rows.map { squaredDistance($0, to: centre) }
                let median = spread.sorted()[spread.count / 2]
                let typical = rows.indices.filter { spread[$0] <= median }.map { rows[$0] }
                // The first: nearest the centroid; the others: the typical member farthest from the rows kept so far.
                if kept.isEmpty {
                    if let row = nearest(to: centre, among: typical) { kept.append(row) }
                } else {
                    kept = farthestPoints(from: kept, among: typical, total: kept.count + 1)
                }
            }
            if kept.count == count { return kept }
        }
        let origin = [Double](repeating: 0, count: q)
        let norms = (0..<n).map { i in squaredDistance(i, to: origin).squareRoot() }
        let cutoff = norms.sorted()[min(n - 1, (8 * n) / 10)]
        let candidates = (0..<n).filter { norms[$0] <= cutoff }
        guard let first = nearest(to: centroid(Array(0..<n)), among: candidates) else { return [0] }
        return farthestPoints(from: [first], among: candidates, total: min(count, candidates.count))
    }

    /// A highlight marker that stands apart from every class colour: drawn over a larger black one (a black edge).
    static func outlinedHighlight(_ axes: Axes, x: [Double], y: [Double], size: Double = 4.5, label: String?) {
        axes.scatter(x: x, y: y, color: .black, size: size + 2.2, marker: .diamond, alpha: 1)
        axes.scatter(x: x, y: y, color: .highlight, size: size, marker: .diamond, alpha: 1, label: label)
    }

    /// The ML model of the latent-plane figures (q = `figureLatentDimension`, σ² = σ²_ML), its posterior over every
    /// row of the main data, and the rows the figures single out: the same for steps 5, 6 (its first frame, σ² = σ²_ML)
    /// and 7, so step 5 computes them once and passes them on.
    struct FigurePosterior {
        var model: PPCA
        var posterior: LatentPosterior
        var chosen: [Int]
    }

    // MARK: Step 5

    static func posterior(_ setup: PPCALessonSetup, fits: PPCAFittingSteps.Fits,
                          into out: inout PPCALessonOutput) throws -> FigurePosterior {
        let qf = setup.figureLatentDimension
        let model = try fits.main.model(latentDimension: qf)
        let posterior = try model.posterior(setup.data)
        let chosen = chosenRows(setup, means: posterior.means)
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
            "whitening_scale": .numbers((0..<qf).map { fits.main.eigenvalues[$0].squareRoot() }),
        ]
        out.label("posterior.whitening_scale.0", "√λ₁: raw PCA score ÷ whitened score along u₁", convention: covarianceConventionForText)
        out.label("posterior.latent_dim", "q of the posterior figures")
        out.label("posterior.row", "the row whose posterior is checked on a grid", convention: "rows counted from 0")
        out.label("posterior.sd.0", "posterior s.d. of z₁ (shared by every x)", convention: "√ of the diagonal of σ²M⁻¹")
        out.label("posterior.grid_max_mean_difference", "max |grid mean − closed-form mean|")
        out.label("posterior.grid_max_covariance_difference", "max |grid covariance − σ²M⁻¹|")
        out.label("posterior.toy_shrinkage_factor", "(λ₁ − σ²)/λ₁: length of W E[z|x] relative to the projection (2-D example)")
        return FigurePosterior(model: model, posterior: posterior, chosen: chosen)
    }

    static let covarianceConventionForText = PPCAFittingSteps.covarianceConvention

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
                outlinedHighlight(axes, x: [z1[row]], y: [z2[row]], label: i == 0 ? "chosen rows" : nil)
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
        let figure = Figure(width: 540, height: 345, title: "Posterior of row \(row): Bayes' rule on a grid vs the closed form")
        let axes = figure.addAxes()
        if grid.axes.count == 2 {
            let determinant = covariance[0, 0] * covariance[1, 1] - covariance[0, 1] * covariance[1, 0]
            let peak = 1 / (2 * Double.pi * determinant.squareRoot())
            let scalar = ScalarGrid(xs: grid.axes[0], ys: grid.axes[1], values: grid.density)
            axes.contour(scalar, levels: [3.0, 2.0, 1.0].map { peak * exp(-0.5 * $0 * $0) }, color: .model, width: 3,
                         label: "grid p(z|x): 1, 2, 3σ levels")
            for k in [1.0, 2.0, 3.0] {
                axes.ellipse(mean: (mean[0], mean[1]), covariance: covariance2(covariance), k: k, color: .posterior,
                             width: 1.2, dash: .dashed, label: k == 1 ? "closed form: 1, 2, 3σ ellipses" : nil)
            }
            axes.scatter(x: [grid.mean[0]], y: [grid.mean[1]], color: .model, size: 6, marker: .plus, label: "grid mean")
            axes.scatter(x: [mean[0]], y: [mean[1]], color: .posterior, size: 6, marker: .cross, label: "M⁻¹Wᵀ(x − μ)")
            axes.xLabel = "z₁"
            axes.yLabel = "z₂"
            axes.equalAspect = true
            let r = 4.5 * max(covariance[0, 0], covariance[1, 1]).squareRoot()
            axes.xLimits = (mean[0] - r)...(mean[0] + r)
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
        axes.legend = .outsideRight
        return figure
    }

    static func shrinkageFigure(_ x: Matrix, fits: PPCAFittingSteps.Fits, posterior: LatentPosterior) -> Figure {
        let model = fits.toyModel
        let mu = model.mean
        let u = fits.toy.eigenvectors.column(0)
        let w = model.loading.column(0)
        let (xr, yr) = PPCAFittingSteps.toyLimits(x)
        let figure = Figure(width: 620, height: 640, title: "Shrinkage: W E[z|x] + μ against the PCA projection (2-D example, q = 1)")
        let panels = figure.subplots(rows: 2, columns: 1)
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
        axes.legend = .outsideRight

        // Along the line, as a difference so the few-percent effect is visible: PPCA's coordinate u₁ᵀW E[z|x] minus
        // the PCA score t = u₁ᵀ(x − μ), for every row. It is (f − 1)·t with f = (λ₁ − σ²)/λ₁ < 1: the shrinkage.
        let right = panels[1]
        let factor = (fits.toy.eigenvalues[0] - model.noiseVariance) / fits.toy.eigenvalues[0]
        let scores = (0..<x.rows).map { n in u[0] * (x[n, 0] - mu[0]) + u[1] * (x[n, 1] - mu[1]) }
        let along = (0..<x.rows).map { n in posterior.means[n, 0] * (u[0] * w[0] + u[1] * w[1]) }
        let extent = (scores.map(abs).max() ?? 1) * 1.05
        right.horizontalLine(at: 0, color: .projection, dash: .dashed, label: "PCA projection (difference 0)")
        right.line(x: [-extent, extent], y: [-extent * (factor - 1), extent * (factor - 1)], color: .reference,
                   width: 1, dash: .dotted, label: "(f − 1)·t, f = (λ₁ − σ²)/λ₁ = " + NumberFormat.fixed(factor, decimals: 3))
        right.scatter(x: scores, y: zip(along, scores).map { $0 - $1 }, color: .posterior, size: 2.5, marker: .diamond,
                      label: "PPCA, every row")
        right.title = "along the principal line: PPCA coordinate minus PCA score"
        right.xLabel = "PCA score t = u₁ᵀ(x − μ)"
        right.yLabel = "u₁ᵀW E[z|x] − t"
        right.xLimits = -extent...extent
        right.legend = .outsideRight
        return figure
    }

    // MARK: Step 6

    static let sigmaFactors: [Double] = [1, 0.5, 0.25, 0.1, 0.05, 0.02, 0.01, 0.001]

    static func sigmaToZero(_ setup: PPCALessonSetup, fits: PPCAFittingSteps.Fits, figure: FigurePosterior,
                            into out: inout PPCALessonOutput) throws {
        let qf = setup.figureLatentDimension
        let toySigma2 = fits.toyModel.noiseVariance
        let mainSigma2 = try fits.main.noiseVariance(latentDimension: qf)
        // At σ² = σ²_ML the model is step 5's: its posterior and chosen rows are reused.
        let firstPosterior = figure.posterior
        let chosen = figure.chosen
        let chosenData = setup.data.rows(at: chosen)
        let toyRows = Array(stride(from: 0, to: setup.toy.rows, by: 20))
        let u = fits.toy.eigenvectors.column(0)
        let mu = fits.toyModel.mean
        let (xr, yr) = PPCAFittingSteps.toyLimits(setup.toy)
        // The σ² → 0 limit of E[z|x] in the latent plane: Λ_q^{-1/2} U_qᵀ(x − μ) (whitened PCA scores).
        let centredChosen = Statistics.centred(chosenData, mean: fits.main.mean)
        let limit: [[Double]] = (0..<chosen.count).map { i in
            (0..<qf).map { k in
                let uk = fits.main.eigenvectors.column(k)
                return Vector.dot(centredChosen.row(i), uk) / fits.main.eigenvalues[k].squareRoot()
            }
        }
        // Fixed latent-panel limits: the σ²_ML posterior means ± 2 s.d. and the limits.
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
        // One frame per factor, then a closing overview (σ²_ML, 0.1 σ²_ML and 0.001 σ²_ML together), which is also
        // the still the page offers for download (the last frame).
        let overview: [Double] = [1, 0.1, 0.001]
        let frames: [[Double]] = sigmaFactors.map { [$0] } + [overview]
        let dashes: [Dash] = [.solid, .dashed, .dotted]
        func ratio(_ f: Double) -> String { f == 1 ? "σ²(ML)" : NumberFormat.significant(f) + " σ²(ML)" }
        for factors in frames {
            let f = factors[0]
            let toyModel = try fits.toy.model(latentDimension: 1, noiseVariance: f * toySigma2)
            let toyPosterior = try toyModel.posterior(setup.toy)
            let mainModels = try factors.map { try fits.main.model(latentDimension: qf, noiseVariance: $0 * mainSigma2) }
            let mainPosteriors = try mainModels.map { try $0.posterior(chosenData) }
            let mainPosterior = mainPosteriors[0]
            let w = toyModel.loading.column(0)
            let s = toyPosterior.covariance[0, 0].squareRoot()
            let isOverview = factors.count > 1
            let figure = Figure(width: 620, height: 680,
                                title: isOverview ? "σ² → 0: σ² = σ²(ML), 0.1 σ²(ML) and 0.001 σ²(ML) together"
                                                  : "σ² → 0: σ² = " + ratio(f))
            let axes = figure.subplots(rows: 2, columns: 1)
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
                left.scatter(x: [r.0], y: [r.1], color: .posterior, size: 4, marker: .diamond,
                             label: i == 0 ? "W E[z|x] + μ" + (isOverview ? " at σ²(ML)" : "") : nil)
            }
            for (i, n) in toyRows.enumerated() {
                left.scatter(x: [setup.toy[n, 0]], y: [setup.toy[n, 1]], color: .data, size: 3.5,
                             label: i == 0 ? "chosen rows" : nil)
            }
            if !isOverview {
                gaps.append(gap)
                toySD.append(s)
                mainSD.append(mainPosterior.covariance[0, 0].squareRoot())
            }
            left.title = "2-D example, q = 1" + (isOverview ? " (σ² = σ²(ML))" : "")
            left.xLabel = "x₁"
            left.yLabel = "x₂"
            left.equalAspect = true
            left.xLimits = xr
            left.yLimits = yr
            left.legend = .outsideRight

            let right = axes[1]
            if qf == 2 {
                for (j, posterior) in mainPosteriors.enumerated() {
                    let cov = covariance2(posterior.covariance)
                    for i in chosen.indices {
                        let m = (posterior.means[i, 0], posterior.means[i, 1])
                        right.ellipse(mean: m, covariance: cov, k: 2, color: .posterior, width: 1.6, dash: dashes[j % 3],
                                      label: i == 0 ? (isOverview ? "2σ ellipse, " + ratio(factors[j]) : "2σ posterior ellipse") : nil)
                        right.scatter(x: [m.0], y: [m.1], color: .posterior, size: 4, marker: .diamond,
                                      label: i == 0 && j == 0 ? "E[z|x]" : nil)
                    }
                }
                for i in chosen.indices {
                    right.scatter(x: [limit[i][0]], y: [limit[i][1]], color: .projection, size: 6, marker: .cross,
                                  label: i == 0 ? "σ² → 0 limit Λ⁻½Uᵀ(x − μ)" : nil)
                }
                right.xLabel = "z₁"
                right.yLabel = "z₂"
                right.equalAspect = true
                right.yLimits = lows[1]...highs[1]
            } else {
                for (j, posterior) in mainPosteriors.enumerated() {
                    let sd = posterior.covariance[0, 0].squareRoot()
                    for i in chosen.indices {
                        let m = posterior.means[i, 0]
                        let y = Double(i) + 0.2 * Double(j)
                        right.line(x: [m - 2 * sd, m + 2 * sd], y: [y, y], color: .posterior, width: 4, dash: dashes[j % 3],
                                   label: i == 0 ? "E[z|x] ± 2σ" + (isOverview ? ", " + ratio(factors[j]) : "") : nil)
                    }
                }
                for i in chosen.indices {
                    right.scatter(x: [limit[i][0]], y: [Double(i)], color: .projection, size: 6, marker: .cross,
                                  label: i == 0 ? "limit" : nil)
                }
                right.xLabel = "z"
                right.yLabel = "chosen row"
            }
            right.xLimits = lows[0]...highs[0]
            right.title = "\(setup.dataName), latent plane (chosen rows)"
            right.legend = .outsideRight
            figures.append(figure)
            labels.append(isOverview ? "overview: σ²(ML), 0.1 σ²(ML), 0.001 σ²(ML)" : "σ² = " + ratio(f))
        }
        out.figures["sigma-to-zero"] = .frames(figures, labels: labels)
        out.results["sigma_to_zero"] = [
            "factors": .numbers(sigmaFactors), "toy_max_gap": .numbers(gaps), "toy_posterior_sd": .numbers(toySD),
            "main_posterior_sd": .numbers(mainSD),
        ]
        let last = sigmaFactors.count - 1
        out.label("sigma_to_zero.factors.\(last)", "smallest σ² / σ²(ML) shown")
        for (i, f) in [(0, "σ² = σ²_ML"), (last, "σ² = 0.001 σ²_ML")] {
            out.label("sigma_to_zero.toy_max_gap.\(i)", "largest distance between W E[z|x] + μ and the projection, \(f) (2-D example)")
            out.label("sigma_to_zero.toy_posterior_sd.\(i)", "posterior s.d. of z, \(f) (2-D example)")
            out.label("sigma_to_zero.main_posterior_sd.\(i)", "posterior s.d. of z₁, \(f) (\(setup.dataName))")
        }
    }

    // MARK: Step 7

    static func rotationalAmbiguity(_ setup: PPCALessonSetup, figure: FigurePosterior,
                                    into out: inout PPCALessonOutput) throws {
        let qf = setup.figureLatentDimension
        let model = figure.model
        let degrees = 40.0
        let angle = degrees * Double.pi / 180
        let r = qf == 2 ? Matrix([[cos(angle), -sin(angle)], [sin(angle), cos(angle)]]) : Matrix([[-1.0]])
        let rotated = try model.rotated(by: r)
        let wDifference = (rotated.loading - model.loading).frobeniusNorm / model.loading.frobeniusNorm
        let c = model.marginalCovariance
        let cDifference = (rotated.marginalCovariance - c).frobeniusNorm / c.frobeniusNorm
        let ll = try model.logLikelihoods(setup.data)
        let llRotated = try rotated.logLikelihoods(setup.data)
        let llDifference = zip(ll, llRotated).map { abs($0 - $1) }.max() ?? .nan
        let means = figure.posterior.means                       // step 5's posterior of this model
        let meansRotated = try rotated.posterior(setup.data).means
        let meansDifference = ((means * r) - meansRotated).elements.map(abs).max() ?? .nan
        let description = qf == 2 ? "R = rotation by " + NumberFormat.significant(degrees) + "°" : "R = −1"
        out.tables["rotation-check"] = Table(
            columns: ["quantity", "value"],
            rows: [["‖WR − W‖(F) / ‖W‖(F) (the parameters differ)", Cell.number(wDifference)],
                   ["‖C(WR) − C(W)‖(F) / ‖C‖(F)", Cell.scientific(cDifference)],
                   ["max over rows |log p(x) under WR − under W|", Cell.scientific(llDifference)],
                   ["max |E[z|x] under WR − Rᵀ E[z|x] under W|", Cell.scientific(meansDifference)]],
            caption: "\(setup.dataName), q = \(qf), \(description): a different W, the same density; only the latent coordinates turn.")
        out.results["rotation"] = [
            "R": .rows(r.rowArrays), "angle_degrees": .number(qf == 2 ? degrees : 180),
            "w_relative_difference": .number(wDifference),
            "c_relative_difference": .number(cDifference), "max_log_likelihood_difference": .number(llDifference),
            "max_posterior_mean_difference": .number(meansDifference),
        ]
        out.label("rotation.w_relative_difference", "‖WR − W‖(F) / ‖W‖(F)")
        out.label("rotation.angle_degrees", "rotation angle of R (degrees)", convention: "row vectors wⱼR turn clockwise")
        out.label("rotation.c_relative_difference", "‖C(WR) − C(W)‖(F) / ‖C‖(F)")
        out.label("rotation.max_log_likelihood_difference", "max over rows |log p(x) under WR − under W|", convention: "natural log")

        // The rows of W as points of the latent plane: R turns the whole cloud and keeps every inner product.
        let figure = Figure(width: 620, height: 380,
                            title: qf == 2 ? "Rows of W and of WR: \(description), each row turned clockwise"
                                           : "Rows of W and of WR (\(description))")
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
            axes.scatter(x: rotated.loading.column(0), y: rotated.loading.column(1), color: .grey(0.45), size: 3.5,
                         marker: .triangle, label: "rows of WR")
            axes.xLabel = "Wⱼ₁ (first column)"
            axes.yLabel = "Wⱼ₂ (second column)"
            axes.equalAspect = true
        } else {
            let index = (0..<setup.dimension).map(Double.init)
            axes.scatter(x: index, y: model.loading.column(0), color: .model, size: 4, label: "W")
            axes.scatter(x: index, y: rotated.loading.column(0), color: .grey(0.45), size: 4, marker: .triangle, label: "WR = −W")
            axes.xLabel = "coordinate j of x"
            axes.yLabel = "loading"
        }
        axes.legend = .outsideRight
        axes.title = "max over rows |Δ log p(x)| = " + NumberFormat.significant(llDifference, digits: 2)
        out.figures["rotational-ambiguity"] = .single(figure)
    }
}
