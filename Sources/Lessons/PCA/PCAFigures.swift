import Foundation
import LinearAlgebra
import Models
import Plotting

/// The PCA lesson's figures: pure functions from the values a step computed to a `Figure`. They compute only what
/// drawing needs (limits, label spots, the feet of the error segments); the numbers of the story come in. This file:
/// the 2-D cloud (steps 1–5 and 7); `PCAFigures+DataSet.swift`: the data set.
enum PCAFigures {
    /// A 460 × 345 figure with one axes, drawn by `draw`.
    static func single(_ title: String? = nil, _ draw: (Axes) -> Void) -> Figure {
        let figure = Figure(title: title)
        draw(figure.addAxes())
        return figure
    }

    /// Step 1: the cloud; one kind of mark, so the title says what the points are.
    static func pointCloud(_ cloud: Matrix, seed: UInt64) -> Figure {
        single("\(cloud.rows) points xₙ of a correlated 2-D Gaussian (seed \(seed))") { ax in
            ax.dataPlane()
            ax.scatter(cloud, size: 2.5, alpha: 0.75, label: "data xₙ")
            ax.legend = .none
        }
    }

    /// Step 2: the points around μ (top) and the centred points around 0 (bottom), in windows of the same size.
    static func centring(_ cloud: Matrix, mean: [Double], centred: Matrix) -> Figure {
        let figure = Figure(width: 460, height: 690, title: "Centring: subtracting the mean μ moves the cloud to 0")
        let axes = figure.subplots(rows: 2, columns: 1)
        let hx = 1.1 * (centred.column(0).map(abs).max() ?? 1), hy = 1.1 * (centred.column(1).map(abs).max() ?? 1)
        axes[0].title = "data x"
        axes[0].dataPlane(x: (mean[0] - hx)...(mean[0] + hx), y: (mean[1] - hy)...(mean[1] + hy))
        axes[0].scatter(cloud, size: 2, alpha: 0.6)
        axes[0].scatter(x: [mean[0]], y: [mean[1]], color: .highlight, size: 5, marker: .cross, alpha: 1, label: "mean μ")
        axes[1].title = "centred x − μ"
        axes[1].dataPlane(x: -hx...hx, y: -hy...hy, xLabel: "x₁ − μ₁", yLabel: "x₂ − μ₂")
        axes[1].horizontalLine(at: 0, dash: .dotted)
        axes[1].verticalLine(at: 0, dash: .dotted)
        axes[1].scatter(centred, size: 2, alpha: 0.6)
        axes[1].scatter(x: [0], y: [0], color: .highlight, size: 5, marker: .cross, alpha: 1, label: "origin 0")
        for ax in axes { ax.legend = .upperLeft }
        return figure
    }

    /// Step 3: arrows √λᵢ uᵢ from μ, the Mahalanobis r = 1 and 2 ellipses of S, and each arrow's label on its line beyond the 2σ
    /// ellipse, at the nearest distance where it covers no data point, with a dotted leader to the tip and anchored on
    /// the side away from the mean, so that neither a line nor the ellipse crosses it.
    static func principalAxes(_ cloud: Matrix, _ pca: PCA) -> Figure {
        single("Principal axes of S: arrows √λᵢ uᵢ, ellipses at Mahalanobis r = 1 and 2") { ax in
            ax.dataPlane()
            ax.scatter(cloud, size: 2, alpha: 0.35, label: "data")
            let mean = (pca.mean[0], pca.mean[1]), s = pca.covariance
            let covariance = Covariance2(s.rowArrays)
            ax.ellipse(mean: mean, covariance: covariance, k: 1, color: .model, width: 1.5, label: "Mahalanobis r = 1")
            ax.ellipse(mean: mean, covariance: covariance, k: 2, color: .model, width: 1.2, dash: .dashed,
                       label: "Mahalanobis r = 2")
            // Limits: the data and the 2σ ellipse's bounding box, widened below for the labels.
            let xs = cloud.column(0), ys = cloud.column(1)
            let (sx, sy) = (2 * s[0, 0].squareRoot(), 2 * s[1, 1].squareRoot())
            var x0 = min(xs.min()!, mean.0 - sx) - 0.3, x1 = max(xs.max()!, mean.0 + sx) + 0.3
            var y0 = min(ys.min()!, mean.1 - sy) - 0.3, y1 = max(ys.max()!, mean.1 + sy) + 0.3
            // Data units per point at the figure's nominal size (plot area about 380 × 240 pt, equal aspect), with
            // room for a label of 11 pt text about 48 × 15 pt; candidate gaps beyond the 2σ ellipse from 10 to 100 pt.
            let unit = max((x1 - x0) / 380, (y1 - y0) / 240) * 1.15
            let gaps = stride(from: 0.25, through: 2.5, by: 0.05).map { $0 * (unit * 40) }
            let axes = (0..<2).map { i in (u: pca.components.row(i), length: pca.eigenvalues[i].squareRoot()) }
            let requests = axes.map { axis in
                LabelRequest(anchorX: mean.0, anchorY: mean.1, width: 48 * unit, height: 15 * unit,
                             alignment: abs(axis.u[0]) < 0.55 ? .center : (axis.u[0] > 0 ? .left : .right),
                             offsets: LabelPlacement.along((x: axis.u[0], y: axis.u[1]),
                                                           distances: gaps.map { 2 * axis.length + $0 }))
            }
            let labels = LabelPlacement.place(requests, obstaclesX: xs, obstaclesY: ys, margin: 3 * unit,
                                              rule: .nearestFree)
            for (i, (axis, label)) in zip(axes, labels).enumerated() {
                let (u, length) = axis
                let tip = (mean.0 + length * u[0], mean.1 + length * u[1])
                ax.arrow(from: mean, to: tip, width: 2, label: i == 0 ? "√λᵢ uᵢ" : nil)
                ax.line(through: pca.mean, along: u, from: length, to: 2 * length + 0.7 * gaps[label.candidate],
                        color: .reference, width: 0.8, dash: .dotted)
                ax.text(i == 0 ? "√λ₁ u₁" : "√λ₂ u₂", x: label.x, y: label.y, size: 11, anchor: requests[i].alignment)
                x0 = min(x0, label.box.minX - 0.1); x1 = max(x1, label.box.maxX + 0.1)
                y0 = min(y0, label.box.minY - 0.1); y1 = max(y1, label.box.maxY + 0.1)
            }
            ax.xLimits = x0...x1
            ax.yLimits = y0...y1
            ax.legend = .lowerRight
        }
    }

    /// Step 4: each point's error segment to its projection x̂ₙ on the line μ + t u₁.
    static func projection(_ cloud: Matrix, _ pca: PCA, reconstructed: Matrix) -> Figure {
        single("Projection onto u₁ (q = 1): each xₙ moves to x̂ₙ") { ax in
            ax.dataPlane()
            let reach = 3.6 * pca.eigenvalues[0].squareRoot()
            ax.line(through: pca.mean, along: pca.components.row(0), from: -reach, to: reach, color: .reference,
                    width: 1.2, label: "line μ + t u₁")
            for n in 0..<cloud.rows {
                ax.line(x: [cloud[n, 0], reconstructed[n, 0]], y: [cloud[n, 1], reconstructed[n, 1]],
                        color: .projection, width: 0.7, label: n == 0 ? "error xₙ − x̂ₙ" : nil)
            }
            ax.scatter(cloud, size: 2, alpha: 0.7, label: "data xₙ")
            ax.scatter(reconstructed, color: .projection, size: 2, alpha: 0.9, label: "x̂ₙ = μ + u₁zₙ")
            ax.legend = .upperLeft
        }
    }

    /// Step 5's curves on the grid of angles θ (degrees): V(θ) and E(θ), where the grid's largest V (`best`) and
    /// smallest E (`least`) are, the angle of u₁ and tr S.
    struct Sweep {
        var angles: [Double], variances: [Double], errors: [Double]
        var best: Int, least: Int
        var eigenAngle: Double, total: Double
    }

    static func varianceAgainstAngle(_ sweep: Sweep) -> Figure {
        single("Variance kept and error made by the line at angle θ") { ax in
            ax.xLimits = 0...180
            ax.yLimits = 0...(sweep.total * 1.35)  // room for the legend above the curves
            ax.horizontalLine(at: sweep.total, dash: .dotted, label: "V + E = tr S")
            curves(ax, sweep, width: 2, names: ["projected variance V(θ)", "reconstruction error E(θ)"],
                   eigenLabel: "angle of u₁ = " + NumberFormat.fixed(sweep.eigenAngle, decimals: 1) + "°")
            ax.scatter(x: [sweep.angles[sweep.best], sweep.angles[sweep.least]],
                       y: [sweep.variances[sweep.best], sweep.errors[sweep.least]],
                       color: .highlight, size: 4.5, alpha: 1, label: "largest V, smallest E on the grid")
        }
    }

    /// One frame of the sweep: the line at θ through μ with each point's error (top), θ on the V, E curves (bottom).
    static func sweepFrame(_ theta: Double, variance: Double, error: Double, _ sweep: Sweep, cloud: Matrix,
                           centred: Matrix, mean: [Double]) -> Figure {
        let figure = Figure(width: 460, height: 690,
                            title: "Turning the line: θ = " + NumberFormat.fixed(theta, decimals: 1) + "°")
        let axes = figure.subplots(rows: 2, columns: 1)
        let (top, bottom) = (axes[0], axes[1])
        let u = PCALesson.direction(theta)
        top.title = "the line at θ and each point's error"
        let h = 1.15 * max(centred.column(0).map(abs).max() ?? 1, centred.column(1).map(abs).max() ?? 1)
        top.dataPlane(x: (mean[0] - h)...(mean[0] + h), y: (mean[1] - h)...(mean[1] + h))
        for n in 0..<cloud.rows {
            let t = centred[n, 0] * u[0] + centred[n, 1] * u[1]  // the foot of the perpendicular: μ + t u
            top.line(x: [cloud[n, 0], mean[0] + t * u[0]], y: [cloud[n, 1], mean[1] + t * u[1]],
                     color: .projection, width: 0.6, label: n == 0 ? "errors" : nil)
        }
        top.scatter(cloud, size: 1.8, alpha: 0.6)
        top.line(through: mean, along: u, from: -2 * h, to: 2 * h, color: .reference, width: 1.4)
        top.legend = .none
        bottom.title = "V(θ) = " + NumberFormat.fixed(variance, decimals: 2)
            + ", E(θ) = " + NumberFormat.fixed(error, decimals: 2)
        bottom.xLimits = -4...184  // a little room so that the marker at 0° or near 180° does not hide under a spine
        bottom.yLimits = 0...(sweep.total * 1.45)  // room for the legend above the curves
        bottom.horizontalLine(at: sweep.total, dash: .dotted, label: "V + E = tr S")
        curves(bottom, sweep, width: 1.6, names: ["V(θ)", "E(θ)"], eigenLabel: "angle of u₁")
        bottom.verticalLine(at: theta, color: .highlight, dash: .dotted, label: "current θ")
        bottom.scatter(x: [theta, theta], y: [variance, error], color: .highlight, size: 4, alpha: 1)
        return figure
    }

    private static func curves(_ ax: Axes, _ sweep: Sweep, width: Double, names: [String], eigenLabel: String) {
        ax.xLabel = "θ (degrees)"
        ax.yLabel = "V(θ), E(θ): averages over the points"
        ax.line(x: sweep.angles, y: sweep.variances, color: .model, width: width, label: names[0])
        ax.line(x: sweep.angles, y: sweep.errors, color: .projection, width: width, label: names[1])
        ax.verticalLine(at: sweep.eigenAngle, label: eigenLabel)
        ax.legend = .upperRight
    }

    /// Step 7: the cloud, its principal line and 2σ ellipse, the points A, B, C and B's error; the letters sit across
    /// the line (along ±u₂), A's outside the cloud's 2σ band with a dotted leader, so that no letter sits on the data.
    static func limits(_ cloud: Matrix, _ pca: PCA, points: [(name: String, x: [Double])], reconstructions: Matrix) -> Figure {
        single("A and B share z; C is reconstructed exactly") { ax in
            ax.dataPlane()
            ax.scatter(cloud, size: 2, alpha: 0.3, label: "data")
            let l1 = pca.eigenvalues[0].squareRoot()
            ax.line(through: pca.mean, along: pca.components.row(0), from: -3 * l1, to: 9 * l1, color: .reference,
                    width: 1.2, label: "principal line")
            ax.ellipse(mean: (pca.mean[0], pca.mean[1]), covariance: Covariance2(pca.covariance.rowArrays), k: 2,
                       color: .model, width: 1.2, dash: .dashed, label: "N(μ, S), Mahalanobis r = 2")
            for (k, (name, p)) in points.enumerated() where name == "B" {
                ax.line(x: [p[0], reconstructions[k, 0]], y: [p[1], reconstructions[k, 1]], color: .projection,
                        width: 1.5, dash: .dashed, label: "error of B (to its projection)")
            }
            ax.scatter(x: points.map { $0.x[0] }, y: points.map { $0.x[1] }, color: .highlight, size: 5, alpha: 1,
                       label: "points A, B, C")
            let u2 = pca.components.row(1), l2 = pca.eigenvalues[1].squareRoot()
            let across: [String: Double] = ["A": -(2 * l2 + 0.5), "B": 0.6, "C": 1.1]
            for (name, p) in points {
                let t = across[name] ?? 0.5
                if abs(t) > 1 {
                    ax.line(through: p, along: u2, from: 0, to: t - (t > 0 ? 0.25 : -0.25), color: .reference,
                            width: 0.8, dash: .dotted)
                }
                ax.text(name, x: p[0] + t * u2[0], y: p[1] + t * u2[1], size: 12, anchor: .center)
            }
            ax.legend = .upperLeft
        }
    }
}

fileprivate extension Axes {
    /// The rows of an (N, 2) matrix as points.
    func scatter(_ points: Matrix, color: Color = .data, size: Double, alpha: Double, label: String? = nil) {
        scatter(x: points.column(0), y: points.column(1), color: color, size: size, alpha: alpha, label: label)
    }

    /// The segment p + t u, t from `t0` to `t1`, of the line through p along u (2-D points).
    func line(through p: [Double], along u: [Double], from t0: Double, to t1: Double, color: Color, width: Double,
              dash: Dash = .solid, label: String? = nil) {
        line(x: [p[0] + t0 * u[0], p[0] + t1 * u[0]], y: [p[1] + t0 * u[1], p[1] + t1 * u[1]],
             color: color, width: width, dash: dash, label: label)
    }
}
