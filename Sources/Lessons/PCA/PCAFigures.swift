import Foundation
import LinearAlgebra
import Models
import Plotting

/// The PCA lesson's figures: pure functions from the values a step computed to a `Figure`. They compute only what
/// drawing needs (limits, label spots, the feet of the error segments); the numbers of the story come in.
///
/// This file holds the figures of the 2-D cloud (steps 1–5 and 7); `PCAFigures+DataSet.swift` those of the data set.
enum PCAFigures {
    // MARK: - 1. The data

    static func pointCloud(_ cloud: Matrix, seed: UInt64) -> Figure {
        let figure = Figure(width: 460, height: 345, title: "\(cloud.rows) points xₙ of a correlated 2-D Gaussian (seed \(seed))")
        let ax = figure.addAxes()
        ax.dataPlane()
        ax.scatter(x: cloud.column(0), y: cloud.column(1), color: .data, size: 2.5, alpha: 0.75, label: "data xₙ")
        ax.legend = .none  // one kind of mark: the title says what the points are
        return figure
    }

    // MARK: - 2. Centring

    /// The points around μ (top) and the centred points around 0 (bottom), in windows of the same size.
    static func centring(_ cloud: Matrix, mean: [Double], centred: Matrix) -> Figure {
        let figure = Figure(width: 460, height: 690, title: "Centring: subtracting the mean μ moves the cloud to 0")
        let axes = figure.subplots(rows: 2, columns: 1)
        let hx = 1.1 * (centred.column(0).map(abs).max() ?? 1), hy = 1.1 * (centred.column(1).map(abs).max() ?? 1)
        axes[0].title = "data x"
        axes[0].dataPlane(x: (mean[0] - hx)...(mean[0] + hx), y: (mean[1] - hy)...(mean[1] + hy))
        axes[0].scatter(x: cloud.column(0), y: cloud.column(1), color: .data, size: 2, alpha: 0.6)
        axes[0].scatter(x: [mean[0]], y: [mean[1]], color: .highlight, size: 5, marker: .cross, alpha: 1, label: "mean μ")
        axes[1].title = "centred x − μ"
        axes[1].dataPlane(x: -hx...hx, y: -hy...hy, xLabel: "x₁ − μ₁", yLabel: "x₂ − μ₂")
        axes[1].horizontalLine(at: 0, color: .reference, dash: .dotted)
        axes[1].verticalLine(at: 0, color: .reference, dash: .dotted)
        axes[1].scatter(x: centred.column(0), y: centred.column(1), color: .data, size: 2, alpha: 0.6)
        axes[1].scatter(x: [0], y: [0], color: .highlight, size: 5, marker: .cross, alpha: 1, label: "origin 0")
        for ax in axes { ax.legend = .upperLeft }
        return figure
    }

    // MARK: - 3. The principal axes

    /// Arrows √λᵢ uᵢ from μ, the 1σ and 2σ ellipses of S, and each arrow's label on its line beyond the 2σ ellipse —
    /// at the nearest distance where the label covers no data point (`LabelPlacement`), joined to the tip by a dotted
    /// leader and anchored on the side facing away from the mean, so that neither a line nor the ellipse crosses it.
    static func principalAxes(_ cloud: Matrix, _ pca: PCA) -> Figure {
        let figure = Figure(width: 460, height: 345, title: "Principal axes of S: arrows √λᵢ uᵢ, ellipses at 1σ and 2σ")
        let ax = figure.addAxes()
        ax.dataPlane()
        ax.scatter(x: cloud.column(0), y: cloud.column(1), color: .data, size: 2, alpha: 0.35, label: "data")
        let mean = (pca.mean[0], pca.mean[1])
        let s = pca.covariance
        let covariance = Covariance2(s[0, 0], s[0, 1], s[1, 0], s[1, 1])
        ax.ellipse(mean: mean, covariance: covariance, k: 1, color: .model, width: 1.5, label: "1σ ellipse")
        ax.ellipse(mean: mean, covariance: covariance, k: 2, color: .model, width: 1.2, dash: .dashed, label: "2σ ellipse")
        // Limits: the data and the 2σ ellipse's bounding box, widened below for the labels.
        let xs = cloud.column(0), ys = cloud.column(1)
        var x0 = min(xs.min()!, mean.0 - 2 * s[0, 0].squareRoot()) - 0.3, x1 = max(xs.max()!, mean.0 + 2 * s[0, 0].squareRoot()) + 0.3
        var y0 = min(ys.min()!, mean.1 - 2 * s[1, 1].squareRoot()) - 0.3, y1 = max(ys.max()!, mean.1 + 2 * s[1, 1].squareRoot()) + 0.3
        // Data units per point at the figure's nominal size (plot area about 380 × 240 pt, equal aspect), with room
        // for a label of 11 pt text about 48 × 15 pt; candidate gaps beyond the 2σ ellipse from 10 to 100 pt.
        let unit = max((x1 - x0) / 380, (y1 - y0) / 240) * 1.15
        let gaps = stride(from: 0.25, through: 2.5, by: 0.05).map { $0 * (unit * 40) }
        let axes = (0..<2).map { i in (u: pca.components.row(i), length: pca.eigenvalues[i].squareRoot()) }
        let requests = axes.map { axis in
            LabelRequest(anchorX: mean.0, anchorY: mean.1, width: 48 * unit, height: 15 * unit,
                         alignment: abs(axis.u[0]) < 0.55 ? .center : (axis.u[0] > 0 ? .left : .right),
                         offsets: LabelPlacement.along((x: axis.u[0], y: axis.u[1]), distances: gaps.map { 2 * axis.length + $0 }))
        }
        let labels = LabelPlacement.place(requests, obstaclesX: xs, obstaclesY: ys, margin: 3 * unit, rule: .nearestFree)
        for (i, (axis, label)) in zip(axes, labels).enumerated() {
            let (u, length) = axis
            let tip = (mean.0 + length * u[0], mean.1 + length * u[1])
            ax.arrow(from: mean, to: tip, color: .reference, width: 2, label: i == 0 ? "√λᵢ uᵢ" : nil)
            let leaderEnd = 2 * length + 0.7 * gaps[label.candidate]
            ax.line(x: [tip.0, mean.0 + leaderEnd * u[0]], y: [tip.1, mean.1 + leaderEnd * u[1]], color: .reference,
                    width: 0.8, dash: .dotted, label: nil)
            ax.text(i == 0 ? "√λ₁ u₁" : "√λ₂ u₂", x: label.x, y: label.y, color: .reference, size: 11, anchor: requests[i].alignment)
            x0 = min(x0, label.box.minX - 0.1); x1 = max(x1, label.box.maxX + 0.1)
            y0 = min(y0, label.box.minY - 0.1); y1 = max(y1, label.box.maxY + 0.1)
        }
        ax.xLimits = x0...x1
        ax.yLimits = y0...y1
        ax.legend = .lowerRight
        return figure
    }

    // MARK: - 4. Projection

    static func projection(_ cloud: Matrix, _ pca: PCA, reconstructed: Matrix) -> Figure {
        let figure = Figure(width: 460, height: 345, title: "Projection onto u₁ (q = 1): each xₙ moves to x̂ₙ")
        let ax = figure.addAxes()
        ax.dataPlane()
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

    // MARK: - 5. The angle sweep

    /// Where the grid's largest V(θ) and smallest E(θ) are.
    struct SweepExtremes {
        var argmaxVariance: Double, maxVariance: Double
        var argminError: Double, minError: Double
    }

    /// One line of the turning-line frames: its angle θ, with V(θ) and E(θ).
    struct TurningLine {
        var theta: Double, variance: Double, error: Double
    }

    static func varianceAgainstAngle(_ angles: [Double], variances: [Double], errors: [Double], extremes: SweepExtremes,
                                     eigenAngle: Double, total: Double) -> Figure {
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
        ax.scatter(x: [extremes.argmaxVariance, extremes.argminError], y: [extremes.maxVariance, extremes.minError],
                   color: .highlight, size: 4.5, alpha: 1, label: "largest V, smallest E on the grid")
        ax.legend = .upperRight
        return figure
    }

    /// One frame of the sweep: the line at angle θ through μ with each point's error segment (top), and where θ sits
    /// on the V(θ) and E(θ) curves (bottom).
    static func sweepFrame(_ line: TurningLine, cloud: Matrix, centred: Matrix, pca: PCA, angles: [Double],
                           variances: [Double], errors: [Double], eigenAngle: Double) -> Figure {
        let figure = Figure(width: 460, height: 690, title: "Turning the line: θ = " + NumberFormat.fixed(line.theta, decimals: 1) + "°")
        let axes = figure.subplots(rows: 2, columns: 1)
        let u = PCALesson.direction(line.theta)
        let top = axes[0]
        top.title = "the line at θ and each point's error"
        let hx = 1.15 * (centred.column(0).map(abs).max() ?? 1), hy = 1.15 * (centred.column(1).map(abs).max() ?? 1)
        let h = max(hx, hy)
        top.dataPlane(x: (pca.mean[0] - h)...(pca.mean[0] + h), y: (pca.mean[1] - h)...(pca.mean[1] + h))
        for n in 0..<cloud.rows {
            let t = centred[n, 0] * u[0] + centred[n, 1] * u[1]  // the foot of the perpendicular: μ + t u
            top.line(x: [cloud[n, 0], pca.mean[0] + t * u[0]], y: [cloud[n, 1], pca.mean[1] + t * u[1]],
                     color: .projection, width: 0.6, label: n == 0 ? "errors" : nil)
        }
        top.scatter(x: cloud.column(0), y: cloud.column(1), color: .data, size: 1.8, alpha: 0.6)
        let reach = 2 * h
        top.line(x: [pca.mean[0] - reach * u[0], pca.mean[0] + reach * u[0]],
                 y: [pca.mean[1] - reach * u[1], pca.mean[1] + reach * u[1]], color: .reference, width: 1.4, label: nil)
        top.legend = .none
        let bottom = axes[1]
        bottom.title = "V(θ) = " + NumberFormat.fixed(line.variance, decimals: 2) + ", E(θ) = " + NumberFormat.fixed(line.error, decimals: 2)
        bottom.xLabel = "θ (degrees)"
        bottom.yLabel = "V(θ), E(θ)  (1/N)"
        bottom.xLimits = -4...184  // a little room so that the marker at 0° or near 180° does not hide under a spine
        bottom.yLimits = 0...(pca.totalVariance * 1.45)  // room for the legend above the curves
        bottom.line(x: angles, y: variances, color: .model, width: 1.6, label: "V(θ)")
        bottom.line(x: angles, y: errors, color: .projection, width: 1.6, label: "E(θ)")
        bottom.verticalLine(at: eigenAngle, color: .reference, dash: .dashed, label: "angle of u₁")
        bottom.verticalLine(at: line.theta, color: .highlight, dash: .dotted, label: "current θ")
        bottom.scatter(x: [line.theta, line.theta], y: [line.variance, line.error], color: .highlight, size: 4, alpha: 1, label: nil)
        bottom.legend = .upperRight
        return figure
    }

    // MARK: - 7. What PCA cannot do

    /// The cloud, its principal line and 2σ ellipse, the points A, B, C and B's error; the letters sit across the
    /// line (along ±u₂), A's outside the cloud's 2σ band with a dotted leader, so that no letter sits on the data.
    static func limits(_ cloud: Matrix, _ pca: PCA, points: [(name: String, x: [Double])], reconstructions: Matrix) -> Figure {
        let figure = Figure(width: 460, height: 345, title: "A and B share z; C is reconstructed exactly")
        let ax = figure.addAxes()
        ax.dataPlane()
        ax.scatter(x: cloud.column(0), y: cloud.column(1), color: .data, size: 2, alpha: 0.3, label: "data")
        let u = pca.components.row(0)
        let reach = 9 * pca.eigenvalues[0].squareRoot()
        ax.line(x: [pca.mean[0] - 3 * pca.eigenvalues[0].squareRoot() * u[0], pca.mean[0] + reach * u[0]],
                y: [pca.mean[1] - 3 * pca.eigenvalues[0].squareRoot() * u[1], pca.mean[1] + reach * u[1]],
                color: .reference, width: 1.2, label: "principal line")
        let s = pca.covariance
        ax.ellipse(mean: (pca.mean[0], pca.mean[1]), covariance: Covariance2(s[0, 0], s[0, 1], s[1, 0], s[1, 1]), k: 2,
                   color: .model, width: 1.2, dash: .dashed, label: "2σ ellipse of N(μ, S)")
        for (k, (name, p)) in points.enumerated() where name == "B" {
            ax.line(x: [p[0], reconstructions[k, 0]], y: [p[1], reconstructions[k, 1]], color: .projection, width: 1.5,
                    dash: .dashed, label: "error of B (to its projection)")
        }
        ax.scatter(x: points.map { $0.x[0] }, y: points.map { $0.x[1] }, color: .highlight, size: 5, alpha: 1, label: "points A, B, C")
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
}
