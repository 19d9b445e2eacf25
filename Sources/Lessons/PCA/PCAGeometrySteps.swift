import Foundation
import LinearAlgebra
import Models
import Plotting

/// Steps 1–5 and 7 of the PCA lesson on the seeded 2-D cloud, where everything can be drawn: centring, the 1/N
/// covariance, its eigenvectors as axes, projection onto u₁ with its error, the angle sweep, and what PCA leaves
/// unsaid. All values go under the `toy` key of `results.json`.
struct PCAGeometrySteps {
    let toy: Toy2D
    let cloud: Matrix  // (N, 2)
    let seed: UInt64
    let quick: Bool

    func record(into record: inout PCARecord) throws {
        let pca = try PCA(fitting: cloud)
        let n = cloud.rows
        var values: [String: JSONValue] = [:]

        // Step 1 — the cloud and where it came from.
        values["n"] = .integer(n)
        values["seed"] = .string(String(seed))
        values["true_mean"] = .numbers(toy.mean)
        values["true_covariance"] = .rows(toy.covariance.rowArrays)
        values["true_standard_deviations"] = .numbers([toy.majorStandardDeviation, toy.minorStandardDeviation])
        values["true_angle_degrees"] = .number(toy.angleDegrees)
        record.describe("toy.n", "N, points in the 2-D cloud")
        record.describe("toy.seed", "seed of the generator (xoshiro256**)", "same seed ⇒ same points and the same report")
        record.describe("toy.true_angle_degrees", "θ, angle of the long axis of the generating Gaussian", PCARecord.angleConvention)
        record.describe("toy.true_standard_deviations.0", "σ₁, true standard deviation along the long axis")
        record.describe("toy.true_standard_deviations.1", "σ₂, true standard deviation along the short axis")
        record.figures["point-cloud"] = .single(pointCloudFigure())

        // Step 2 — centring and covariance.
        let unbiased = Statistics.covariance(cloud, normalization: .unbiased)
        let centred = Statistics.centred(cloud, mean: pca.mean)
        values["mean"] = .numbers(pca.mean)
        values["covariance"] = .rows(pca.covariance.rowArrays)
        values["covariance_unbiased"] = .rows(unbiased.rowArrays)
        values["unbiased_factor"] = .number(Double(n) / Double(n - 1))
        values["centred_mean_max_abs"] = .number(Statistics.columnMeans(centred).map(abs).max() ?? 0)
        values["total_variance"] = .number(pca.totalVariance)
        record.describe("toy.mean.0", "μ₁, sample mean of x₁")
        record.describe("toy.mean.1", "μ₂, sample mean of x₂")
        for (i, j) in [(0, 0), (0, 1), (1, 1)] {
            record.describe("toy.covariance.\(i).\(j)", "S\(subscriptDigit(i + 1))\(subscriptDigit(j + 1)), sample covariance", PCARecord.covarianceConvention)
            record.describe("toy.covariance_unbiased.\(i).\(j)", "S\(subscriptDigit(i + 1))\(subscriptDigit(j + 1)) with 1/(N−1)", "unbiased normalisation 1/(N−1), for comparison only")
            record.describe("toy.true_covariance.\(i).\(j)", "Σ\(subscriptDigit(i + 1))\(subscriptDigit(j + 1)), covariance of the generating Gaussian")
        }
        record.describe("toy.unbiased_factor", "N/(N−1), the ratio of the two normalisations")
        record.describe("toy.centred_mean_max_abs", "largest |mean| of the centred coordinates", "zero up to rounding")
        record.describe("toy.total_variance", "tr S = S₁₁ + S₂₂, total variance", PCARecord.covarianceConvention)
        record.tables["toy-covariance"] = covarianceTable(pca.covariance, unbiased)
        record.figures["centring"] = .single(centringFigure(pca.mean, centred))

        // Step 3 — eigendecomposition.
        let u1 = pca.components.row(0), u2 = pca.components.row(1)
        let recomposed = pca.components.transposed * Matrix(diagonal: pca.eigenvalues) * pca.components
        let angle = pcaLineAngleDegrees(u1)
        values["eigenvalues"] = .numbers(pca.eigenvalues)
        values["standard_deviations"] = .numbers(pca.eigenvalues.map { $0.squareRoot() })
        values["components"] = .rows(pca.components.rowArrays)
        values["angle_degrees"] = .number(angle)
        values["angle_error_degrees"] = .number(angleBetween(angle, toy.angleDegrees))
        values["decomposition_residual"] = .number((pca.covariance - recomposed).frobeniusNorm / pca.covariance.frobeniusNorm)
        values["components_dot"] = .number(Vector.dot(u1, u2))
        values["explained_variance_ratio"] = .numbers(pca.explainedVarianceRatio)
        record.describe("toy.eigenvalues.0", "λ₁, largest eigenvalue of S", PCARecord.eigenvalueConvention)
        record.describe("toy.eigenvalues.1", "λ₂, smallest eigenvalue of S", PCARecord.eigenvalueConvention)
        record.describe("toy.standard_deviations.0", "√λ₁, standard deviation along u₁")
        record.describe("toy.standard_deviations.1", "√λ₂, standard deviation along u₂")
        for i in 0..<2 {
            for j in 0..<2 {
                record.describe("toy.components.\(i).\(j)", "u\(subscriptDigit(i + 1)) entry \(j + 1)", PCARecord.componentConvention)
            }
        }
        record.describe("toy.angle_degrees", "angle of u₁", PCARecord.angleConvention)
        record.describe("toy.angle_error_degrees", "angle between u₁ and the true long axis", "degrees; sampling error of 200 points")
        record.describe("toy.decomposition_residual", "‖S − UΛUᵀ‖ / ‖S‖, relative error of the decomposition", "Frobenius norms; rounding level is about 10⁻¹⁶")
        record.describe("toy.components_dot", "u₁ᵀu₂", "zero up to rounding: the eigenvectors of a symmetric matrix are orthogonal")
        record.describe("toy.explained_variance_ratio.0", "λ₁ / (λ₁ + λ₂), share of the variance along u₁")
        record.figures["principal-axes"] = .single(principalAxesFigure(pca))

        // Step 4 — projection on u₁ and reconstruction.
        let scores = pca.transform(cloud, dimensions: 1)             // (N, 1)
        let reconstructed = pca.reconstruct(scores: scores)          // (N, 2)
        let mse = pca.reconstructionMSE(cloud, dimensions: 1)
        values["mse_q1"] = .number(mse)
        values["discarded_q1"] = .number(pca.discardedVariance(dimensions: 1))
        values["identity_difference_q1"] = .number(mse - pca.discardedVariance(dimensions: 1))
        values["first_point"] = .numbers(cloud.row(0))
        values["first_score"] = .number(scores[0, 0])
        values["first_reconstruction"] = .numbers(reconstructed.row(0))
        record.describe("toy.mse_q1", "(1/N) Σₙ ‖xₙ − x̂ₙ‖² with q = 1", PCARecord.mseConvention)
        record.describe("toy.discarded_q1", "λ₂, the discarded eigenvalue", PCARecord.eigenvalueConvention)
        record.describe("toy.identity_difference_q1", "MSE − λ₂", "zero up to rounding (ε ≈ 2.2·10⁻¹⁶ times the size of the numbers)")
        record.describe("toy.first_point.0", "x₁ of the first point")
        record.describe("toy.first_point.1", "x₂ of the first point")
        record.describe("toy.first_score", "z = u₁ᵀ(x − μ) of the first point")
        record.describe("toy.first_reconstruction.0", "x̂₁ of the first point")
        record.describe("toy.first_reconstruction.1", "x̂₂ of the first point")
        record.figures["projection"] = .single(projectionFigure(pca, reconstructed))

        // Step 5 — sweep the direction's angle.
        let step = quick ? 1.0 : 0.25
        let angles = stride(from: 0.0, to: 180.0, by: step).map { $0 }
        let variances = angles.map { PCA.projectedVariance(centred, along: direction($0)) }
        let errors = angles.map { PCA.reconstructionError(centred, along: direction($0)) }
        let best = variances.indices.max { variances[$0] < variances[$1] }!
        let least = errors.indices.min { errors[$0] < errors[$1] }!
        let sums = zip(variances, errors).map { $0 + $1 }
        var sweep: [String: JSONValue] = [:]
        sweep["step_degrees"] = .number(step)
        sweep["count"] = .integer(angles.count)
        sweep["argmax_variance_degrees"] = .number(angles[best])
        sweep["argmin_error_degrees"] = .number(angles[least])
        sweep["max_variance"] = .number(variances[best])
        sweep["min_error"] = .number(errors[least])
        sweep["sum_spread"] = .number((sums.max() ?? 0) - (sums.min() ?? 0))
        sweep["variance_at_0"] = .number(variances[0])
        values["sweep"] = .object(sweep)
        record.describe("toy.sweep.step_degrees", "grid step of the angle θ", "degrees; 1° with --quick")
        record.describe("toy.sweep.count", "directions tried")
        record.describe("toy.sweep.argmax_variance_degrees", "θ with the largest projected variance", PCARecord.angleConvention + "; on the grid")
        record.describe("toy.sweep.argmin_error_degrees", "θ with the smallest reconstruction error", PCARecord.angleConvention + "; on the grid")
        record.describe("toy.sweep.max_variance", "largest V(θ) on the grid", "1/N; compare λ₁")
        record.describe("toy.sweep.min_error", "smallest E(θ) on the grid", "1/N; compare λ₂")
        record.describe("toy.sweep.sum_spread", "max − min of V(θ) + E(θ) over the grid", "zero up to rounding: V + E = tr S for every θ")
        record.describe("toy.sweep.variance_at_0", "V(0°), the variance of x₁ alone", "1/N; equals S₁₁")
        record.figures["variance-vs-angle"] = .single(sweepFigure(angles, variances, errors, eigenAngle: angle, total: pca.totalVariance))
        // A half turn (a line at θ + 180° is the line at θ) that starts one step past u₁'s angle and ends exactly on
        // it, so the last frame — the still image of the figure — shows the best line.
        let frameStep = quick ? 15.0 : 5.0
        let frameCount = Int((180 / frameStep).rounded())
        let frameAngles = (1...frameCount).map { k in (angle + Double(k) * frameStep).truncatingRemainder(dividingBy: 180) }
        record.figures["angle-sweep"] = .frames(
            frameAngles.map { sweepFrame(at: $0, pca: pca, centred: centred, angles: angles, variances: variances, errors: errors, eigenAngle: angle) },
            labels: frameAngles.map { "θ = " + NumberFormat.fixed($0, decimals: 1) + "°" })

        // Step 7 — what PCA cannot say.
        values["limits"] = try limits(pca, into: &record)
        record.results["toy"] = .object(values)
    }

    // MARK: - Step 7

    /// Three points: A on u₁ one standard deviation out, B with the same z but 4√λ₂ off the line, C eight standard
    /// deviations out along u₁. PCA gives A and B the same code and C a perfect reconstruction; only a density —
    /// here the Gaussian N(μ, S), a preview of PPCA — tells how plausible each point is.
    private func limits(_ pca: PCA, into record: inout PCARecord) throws -> JSONValue {
        let (l1, l2) = (pca.eigenvalues[0].squareRoot(), pca.eigenvalues[1].squareRoot())
        let u1 = pca.components.row(0), u2 = pca.components.row(1)
        func point(_ a: Double, _ b: Double) -> [Double] { (0..<2).map { pca.mean[$0] + a * u1[$0] + b * u2[$0] } }
        // Each point's place in standard deviations: (along u₁ in units of √λ₁, across along u₂ in units of √λ₂).
        let design: [String: (Double, Double)] = ["A": (1, 0), "B": (1, 4), "C": (8, 0)]
        let points = ["A", "B", "C"].map { name in (name, point(design[name]!.0 * l1, design[name]!.1 * l2)) }
        let x = Matrix(points.map { $0.1 })
        let z = pca.transform(x, dimensions: 1)
        let xHat = pca.reconstruct(scores: z)
        let gaussian = try MultivariateNormal(mean: pca.mean, covariance: pca.covariance)
        let cholesky = try Cholesky(of: pca.covariance)
        var out: [String: JSONValue] = [:]
        for (k, (name, p)) in points.enumerated() {
            let error = zip(p, xHat.row(k)).map { ($0 - $1) * ($0 - $1) }.reduce(0, +)
            let w = cholesky.solveLower(zip(p, pca.mean).map { $0 - $1 })
            let key = name.lowercased()
            out[key] = [
                "x": .numbers(p), "z": .number(z[k, 0]), "squared_error": .number(error),
                "mahalanobis_squared": .number(Vector.dot(w, w)), "log_density": .number(gaussian.logDensity(p)),
                "along_sd": .number(design[name]!.0), "across_sd": .number(design[name]!.1),
            ]
            record.describe("toy.limits.\(key).along_sd", "position of point \(name) along u₁", "in standard deviations √λ₁ from μ")
            record.describe("toy.limits.\(key).across_sd", "position of point \(name) across the line, along u₂", "in standard deviations √λ₂")
            record.describe("toy.limits.\(key).z", "z of point \(name)", "z = u₁ᵀ(x − μ)")
            record.describe("toy.limits.\(key).squared_error", "‖x − x̂‖² of point \(name)", "q = 1")
            record.describe("toy.limits.\(key).mahalanobis_squared", "(x − μ)ᵀ S⁻¹ (x − μ) of point \(name)", "squared Mahalanobis distance under N(μ, S)")
            record.describe("toy.limits.\(key).log_density", "log N(x | μ, S) of point \(name)", "natural log of the Gaussian density with the 1/N covariance (not part of PCA)")
        }
        record.figures["what-pca-misses"] = .single(limitsFigure(pca, points: points, reconstructions: xHat))
        return .object(out)
    }

    // MARK: - Figures

    private func pointCloudFigure() -> Figure {
        let figure = Figure(width: 460, height: 345, title: "\(cloud.rows) points xₙ of a correlated 2-D Gaussian (seed \(seed))")
        let ax = figure.addAxes()
        ax.xLabel = "x₁"
        ax.yLabel = "x₂"
        ax.equalAspect = true
        ax.scatter(x: cloud.column(0), y: cloud.column(1), color: .data, size: 2.5, alpha: 0.75, label: "data xₙ")
        ax.legend = .none  // one kind of mark: the title says what the points are
        return figure
    }

    private func centringFigure(_ mean: [Double], _ centred: Matrix) -> Figure {
        let figure = Figure(width: 460, height: 690, title: "Centring: subtracting the mean μ moves the cloud to 0")
        let axes = figure.subplots(rows: 2, columns: 1)
        // The same window size around μ on the left and around 0 on the right: only the position changes.
        let hx = 1.1 * (centred.column(0).map(abs).max() ?? 1), hy = 1.1 * (centred.column(1).map(abs).max() ?? 1)
        axes[0].title = "data x"
        axes[0].xLabel = "x₁"
        axes[0].yLabel = "x₂"
        axes[0].scatter(x: cloud.column(0), y: cloud.column(1), color: .data, size: 2, alpha: 0.6)
        axes[0].scatter(x: [mean[0]], y: [mean[1]], color: .highlight, size: 5, marker: .cross, alpha: 1, label: "mean μ")
        axes[0].xLimits = (mean[0] - hx)...(mean[0] + hx)
        axes[0].yLimits = (mean[1] - hy)...(mean[1] + hy)
        axes[1].title = "centred x − μ"
        axes[1].xLabel = "x₁ − μ₁"
        axes[1].yLabel = "x₂ − μ₂"
        axes[1].horizontalLine(at: 0, color: .reference, dash: .dotted)
        axes[1].verticalLine(at: 0, color: .reference, dash: .dotted)
        axes[1].scatter(x: centred.column(0), y: centred.column(1), color: .data, size: 2, alpha: 0.6)
        axes[1].scatter(x: [0], y: [0], color: .highlight, size: 5, marker: .cross, alpha: 1, label: "origin 0")
        axes[1].xLimits = -hx...hx
        axes[1].yLimits = -hy...hy
        for ax in axes { ax.equalAspect = true; ax.legend = .upperLeft }
        return figure
    }

    private func principalAxesFigure(_ pca: PCA) -> Figure {
        let figure = Figure(width: 460, height: 345, title: "Principal axes of S: arrows √λᵢ uᵢ, ellipses at 1σ and 2σ")
        let ax = figure.addAxes()
        ax.xLabel = "x₁"
        ax.yLabel = "x₂"
        ax.equalAspect = true
        ax.scatter(x: cloud.column(0), y: cloud.column(1), color: .data, size: 2, alpha: 0.35, label: "data")
        let mean = (pca.mean[0], pca.mean[1])
        let s = pca.covariance.rowArrays
        ax.ellipse(mean: mean, covariance: s, k: 1, color: .model, width: 1.5, label: "1σ ellipse")
        ax.ellipse(mean: mean, covariance: s, k: 2, color: .model, width: 1.2, dash: .dashed, label: "2σ ellipse")
        // Limits: the data and the 2σ ellipse's bounding box, widened below for the labels.
        let xs = cloud.column(0), ys = cloud.column(1)
        var x0 = min(xs.min()!, mean.0 - 2 * s[0][0].squareRoot()) - 0.3, x1 = max(xs.max()!, mean.0 + 2 * s[0][0].squareRoot()) + 0.3
        var y0 = min(ys.min()!, mean.1 - 2 * s[1][1].squareRoot()) - 0.3, y1 = max(ys.max()!, mean.1 + 2 * s[1][1].squareRoot()) + 0.3
        // Data units per point at the figure's nominal size (plot area about 380 × 240 pt, equal aspect), with room
        // for a label of 11 pt text about 48 × 15 pt.
        let unit = max((x1 - x0) / 380, (y1 - y0) / 240) * 1.15
        let (labelWidth, labelHeight) = (48 * unit, 15 * unit)
        for i in 0..<2 {
            let u = pca.components.row(i)
            let length = pca.eigenvalues[i].squareRoot()
            let tip = (mean.0 + length * u[0], mean.1 + length * u[1])
            ax.arrow(from: mean, to: tip, color: .reference, width: 2, label: i == 0 ? "√λᵢ uᵢ" : nil)
            // The label sits on the arrow's line beyond the 2σ ellipse, at the first distance where its box covers
            // no data point, joined to the tip by a thin dotted leader; it is anchored on the side facing away from
            // the mean, so neither a line nor the ellipse crosses it.
            let anchor: TextAnchor = abs(u[0]) < 0.55 ? .center : (u[0] > 0 ? .left : .right)
            func box(_ spot: (Double, Double)) -> (Double, Double, Double, Double) {
                let left = anchor == .left ? spot.0 : (anchor == .right ? spot.0 - labelWidth : spot.0 - labelWidth / 2)
                return (left, left + labelWidth, spot.1 - labelHeight / 2, spot.1 + labelHeight / 2)
            }
            let gaps = stride(from: 0.25, through: 2.5, by: 0.05).map { $0 * (unit * 40) }
            let spots = gaps.map { g in (mean.0 + (2 * length + g) * u[0], mean.1 + (2 * length + g) * u[1]) }
            let counts = spots.map { spot in
                let (l, r, b, t) = box(spot)
                return (0..<cloud.rows).filter { n in xs[n] > l - unit * 3 && xs[n] < r + unit * 3 && ys[n] > b - unit * 3 && ys[n] < t + unit * 3 }.count
            }
            let best = counts.firstIndex(of: counts.min()!)!
            let spot = spots[best]
            let leaderEnd = 2 * length + 0.7 * gaps[best]
            ax.line(x: [tip.0, mean.0 + leaderEnd * u[0]], y: [tip.1, mean.1 + leaderEnd * u[1]], color: .reference,
                    width: 0.8, dash: .dotted, label: nil)
            ax.text(i == 0 ? "√λ₁ u₁" : "√λ₂ u₂", x: spot.0, y: spot.1, color: .reference, size: 11, anchor: anchor)
            let (l, r, b, t) = box(spot)
            x0 = min(x0, l - 0.1); x1 = max(x1, r + 0.1); y0 = min(y0, b - 0.1); y1 = max(y1, t + 0.1)
        }
        ax.xLimits = x0...x1
        ax.yLimits = y0...y1
        ax.legend = .lowerRight
        return figure
    }

    private func projectionFigure(_ pca: PCA, _ reconstructed: Matrix) -> Figure {
        let figure = Figure(width: 460, height: 345, title: "Projection onto u₁ (q = 1): each xₙ moves to x̂ₙ")
        let ax = figure.addAxes()
        ax.xLabel = "x₁"
        ax.yLabel = "x₂"
        ax.equalAspect = true
        let u = pca.components.row(0)
        let reach = 3.6 * pca.eigenvalues[0].squareRoot()
        ax.line(x: [pca.mean[0] - reach * u[0], pca.mean[0] + reach * u[0]],
                y: [pca.mean[1] - reach * u[1], pca.mean[1] + reach * u[1]], color: .reference, width: 1.2, label: "line μ + t u₁")
        for n in 0..<cloud.rows {
            ax.line(x: [cloud[n, 0], reconstructed[n, 0]], y: [cloud[n, 1], reconstructed[n, 1]], color: .projection,
                    width: 0.7, label: n == 0 ? "error xₙ − x̂ₙ" : nil)
        }
        ax.scatter(x: cloud.column(0), y: cloud.column(1), color: .data, size: 2, alpha: 0.7, label: "data xₙ")
        ax.scatter(x: reconstructed.column(0), y: reconstructed.column(1), color: .projection, size: 2, alpha: 0.9,
                   label: "x̂ₙ = μ + u₁zₙ")
        ax.legend = .upperLeft
        return figure
    }

    private func sweepFigure(_ angles: [Double], _ variances: [Double], _ errors: [Double], eigenAngle: Double, total: Double) -> Figure {
        let figure = Figure(width: 460, height: 345, title: "Variance kept and error made by the line at angle θ")
        let ax = figure.addAxes()
        ax.xLabel = "θ (degrees)"
        ax.yLabel = "V(θ), E(θ)  (1/N)"
        ax.xLimits = 0...180
        ax.yLimits = 0...(total * 1.6)
        ax.horizontalLine(at: total, color: .reference, dash: .dotted, label: "V + E = tr S")
        ax.line(x: angles, y: variances, color: .model, width: 2, label: "projected variance V(θ)")
        ax.line(x: angles, y: errors, color: .projection, width: 2, label: "reconstruction error E(θ)")
        ax.verticalLine(at: eigenAngle, color: .reference, dash: .dashed, label: "angle of u₁ = " + NumberFormat.fixed(eigenAngle, decimals: 1) + "°")
        let best = variances.indices.max { variances[$0] < variances[$1] }!
        let least = errors.indices.min { errors[$0] < errors[$1] }!
        ax.scatter(x: [angles[best], angles[least]], y: [variances[best], errors[least]], color: .highlight, size: 4.5,
                   alpha: 1, label: "largest V, smallest E on the grid")
        ax.legend = .upperRight
        return figure
    }

    /// One frame of the sweep: the line at angle θ through μ with each point's error segment (left), and where θ
    /// sits on the V(θ) and E(θ) curves (right).
    private func sweepFrame(at theta: Double, pca: PCA, centred: Matrix, angles: [Double], variances: [Double],
                            errors: [Double], eigenAngle: Double) -> Figure {
        let figure = Figure(width: 460, height: 690, title: "Turning the line: θ = " + NumberFormat.fixed(theta, decimals: 1) + "°")
        let axes = figure.subplots(rows: 2, columns: 1)
        let u = direction(theta)
        let v = PCA.projectedVariance(centred, along: u), e = PCA.reconstructionError(centred, along: u)
        let left = axes[0]
        left.title = "the line at θ and each point's error"
        left.xLabel = "x₁"
        left.yLabel = "x₂"
        left.equalAspect = true
        let hx = 1.15 * (centred.column(0).map(abs).max() ?? 1), hy = 1.15 * (centred.column(1).map(abs).max() ?? 1)
        let h = max(hx, hy)
        left.xLimits = (pca.mean[0] - h)...(pca.mean[0] + h)
        left.yLimits = (pca.mean[1] - h)...(pca.mean[1] + h)
        for n in 0..<cloud.rows {
            let t = centred[n, 0] * u[0] + centred[n, 1] * u[1]
            left.line(x: [cloud[n, 0], pca.mean[0] + t * u[0]], y: [cloud[n, 1], pca.mean[1] + t * u[1]],
                      color: .projection, width: 0.6, label: n == 0 ? "errors" : nil)
        }
        left.scatter(x: cloud.column(0), y: cloud.column(1), color: .data, size: 1.8, alpha: 0.6)
        let reach = 2 * h
        left.line(x: [pca.mean[0] - reach * u[0], pca.mean[0] + reach * u[0]],
                  y: [pca.mean[1] - reach * u[1], pca.mean[1] + reach * u[1]], color: .reference, width: 1.4, label: nil)
        left.legend = .none
        let right = axes[1]
        right.title = "V(θ) = " + NumberFormat.fixed(v, decimals: 2) + ", E(θ) = " + NumberFormat.fixed(e, decimals: 2)
        right.xLabel = "θ (degrees)"
        right.yLabel = "V(θ), E(θ)  (1/N)"
        right.xLimits = -4...184  // a little room so that the marker at 0° or near 180° does not hide under a spine
        right.yLimits = 0...(pca.totalVariance * 1.45)  // room for the legend above the curves
        right.line(x: angles, y: variances, color: .model, width: 1.6, label: "V(θ)")
        right.line(x: angles, y: errors, color: .projection, width: 1.6, label: "E(θ)")
        right.verticalLine(at: eigenAngle, color: .reference, dash: .dashed, label: "angle of u₁")
        right.verticalLine(at: theta, color: .highlight, dash: .dotted, label: "current θ")
        right.scatter(x: [theta, theta], y: [v, e], color: .highlight, size: 4, alpha: 1, label: nil)
        right.legend = .upperRight
        return figure
    }

    private func limitsFigure(_ pca: PCA, points: [(String, [Double])], reconstructions: Matrix) -> Figure {
        let figure = Figure(width: 460, height: 345, title: "A and B share z; C is reconstructed exactly")
        let ax = figure.addAxes()
        ax.xLabel = "x₁"
        ax.yLabel = "x₂"
        ax.equalAspect = true
        ax.scatter(x: cloud.column(0), y: cloud.column(1), color: .data, size: 2, alpha: 0.3, label: "data")
        let u = pca.components.row(0)
        let reach = 9 * pca.eigenvalues[0].squareRoot()
        ax.line(x: [pca.mean[0] - 3 * pca.eigenvalues[0].squareRoot() * u[0], pca.mean[0] + reach * u[0]],
                y: [pca.mean[1] - 3 * pca.eigenvalues[0].squareRoot() * u[1], pca.mean[1] + reach * u[1]],
                color: .reference, width: 1.2, label: "principal line")
        ax.ellipse(mean: (pca.mean[0], pca.mean[1]), covariance: pca.covariance.rowArrays, k: 2, color: .model, width: 1.2,
                   dash: .dashed, label: "2σ ellipse of N(μ, S)")
        for (k, (name, p)) in points.enumerated() where name == "B" {
            ax.line(x: [p[0], reconstructions[k, 0]], y: [p[1], reconstructions[k, 1]], color: .projection, width: 1.5,
                    dash: .dashed, label: "error of B (to its projection)")
        }
        ax.scatter(x: points.map { $0.1[0] }, y: points.map { $0.1[1] }, color: .highlight, size: 5, alpha: 1, label: "points A, B, C")
        // Labels across the principal line (along ±u₂): A's outside the cloud's 2σ band with a dotted leader, so that
        // no letter sits on the data.
        let u2 = pca.components.row(1), l2 = pca.eigenvalues[1].squareRoot()
        let across: [String: Double] = ["A": -(2 * l2 + 0.5), "B": 0.6, "C": 1.1]
        for (name, p) in points {
            let t = across[name] ?? 0.5
            let spot = (p[0] + t * u2[0], p[1] + t * u2[1])
            if abs(t) > 1 {
                let end = t - (t > 0 ? 0.25 : -0.25)
                ax.line(x: [p[0], p[0] + end * u2[0]], y: [p[1], p[1] + end * u2[1]], color: .reference, width: 0.8, dash: .dotted, label: nil)
            }
            ax.text(name, x: spot.0, y: spot.1, color: .reference, size: 12, anchor: .center)
        }
        ax.legend = .upperLeft
        return figure
    }

    // MARK: - Helpers

    private func covarianceTable(_ s: Matrix, _ unbiased: Matrix) -> Table {
        let truth = toy.covariance
        func row(_ name: String, _ m: Matrix) -> [String] { [name, pcaCell(m[0, 0]), pcaCell(m[0, 1]), pcaCell(m[1, 1])] }
        return Table(columns: ["", "entry (1,1)", "entry (1,2)", "entry (2,2)"],
                     rows: [row("S, 1/N (used)", s), row("1/(N−1)", unbiased), row("true Σ", truth)],
                     caption: "The covariance of the \(cloud.rows) points with both normalisations, and the Σ they were drawn from.")
    }

    private func direction(_ degrees: Double) -> [Double] {
        let t = degrees * .pi / 180
        return [cos(t), sin(t)]
    }

    /// The angle between two lines given by their angles in degrees, in [0, 90].
    private func angleBetween(_ a: Double, _ b: Double) -> Double {
        let d = abs(a - b).truncatingRemainder(dividingBy: 180)
        return min(d, 180 - d)
    }
}

/// "₁" for 1 and so on (0–9).
func subscriptDigit(_ i: Int) -> String {
    let digits = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]
    return String(i).compactMap { Int(String($0)) }.map { digits[$0] }.joined()
}
