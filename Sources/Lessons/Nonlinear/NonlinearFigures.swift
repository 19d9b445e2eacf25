// NonlinearFigures — the figures of steps 1–4 (the toy arc), pure functions of the story's values; steps 5–8 are in
// NonlinearFigures+Inference.

import Foundation
import LinearAlgebra
import Models
import Plotting

/// A curve in the plane, e.g. f_θ(z) at a grid of z: its x₁ and x₂ coordinates.
struct PlaneCurve {
    var x: [Double]
    var y: [Double]
}

enum NonlinearFigures {
    /// The plotted part of the plane around the arc.
    static let arcX: ClosedRange<Double> = -1.75...1.75
    static let arcY: ClosedRange<Double> = -1.5...1.5

    /// Step 1: the arc, PPCA's log-density contours and its line μ ± 2.5 w.
    static func curveData(_ x: Matrix, ppca: PPCA, plane: (xs: [Double], ys: [Double]), logDensity: [Double]) -> Figure {
        let levels = [-5.0, -4, -3, -2, -1.5]
        let fig = Figure(width: 560, height: 345, title: "A noisy arc, and the best PPCA fit")
        let ax = fig.addAxes()
        ax.contour(ScalarGrid(xs: plane.xs, ys: plane.ys, values: logDensity), levels: levels, color: .model, width: 1.2,
                   label: "PPCA log p(x) = " + levels.map { NumberFormat.significant($0) }.joined(separator: ", "))
        let (w, mu) = (ppca.loading.column(0), ppca.mean)
        ax.line(x: [mu[0] - 2.5 * w[0], mu[0] + 2.5 * w[0]], y: [mu[1] - 2.5 * w[1], mu[1] + 2.5 * w[1]],
                color: .model, width: 1.5, dash: .dashed, label: "PPCA line μ + W z")
        ax.scatter(x: x.column(0), y: x.column(1), color: .data, size: 2.5, label: "data (N = \(x.rows))")
        ax.dataPlane(x: arcX, y: arcY)
        ax.legend = .outsideRight
        return fig
    }

    /// Step 2: the untrained curve, samples of p(x) and the data; a few z marked on the curve (none within 16 pt of an
    /// earlier mark), each labelled at the clearest of eight positions around it (`LabelPlacement`).
    static func untrainedDecoder(data x: Matrix, samples: Matrix, curve: PlaneCurve, halfWidth: Double,
                                 marks: [(z: Double, x: Double, y: Double)]) -> Figure {
        let fig = Figure(title: "An untrained decoder: the curve fθ(z) and samples of p(x)")
        let ax = fig.addAxes()
        ax.scatter(x: x.column(0), y: x.column(1), color: .data, size: 2, alpha: 0.35, label: "data")
        ax.scatter(x: samples.column(0), y: samples.column(1), color: .samples, size: 2, alpha: 0.6, label: "samples x ~ p(x)")
        ax.line(x: curve.x, y: curve.y, color: .model, width: 2, label: "fθ(z), " + zRange(halfWidth))
        // Sizes in points — a 9 pt "z = −2" is about 36 × 8 pt, on a ring of 27 × 12 pt around its mark — in data units:
        // the plot area is about 280 pt for the larger span of what is drawn (padded by 5 % each side, equal aspect).
        let (allX, allY) = (x.column(0) + samples.column(0) + curve.x, x.column(1) + samples.column(1) + curve.y)
        let unit = 1.1 * max(allX.max()! - allX.min()!, allY.max()! - allY.min()!) / 280
        var kept: [(z: Double, x: Double, y: Double)] = []
        for mark in marks where !kept.contains(where: { hypot($0.x - mark.x, $0.y - mark.y) < 16 * unit }) { kept.append(mark) }
        let vertices = Array(stride(from: 0, to: curve.x.count, by: 3))      // obstacles: every third vertex, all marks
        let placed = LabelPlacement.place(
            kept.map { LabelRequest(anchorX: $0.x, anchorY: $0.y, width: 36 * unit, height: 8 * unit, alignment: .center,
                                    offsets: LabelPlacement.around(radiusX: 27 * unit, radiusY: 12 * unit, count: 8)) },
            obstaclesX: vertices.map { curve.x[$0] } + marks.map(\.x), obstaclesY: vertices.map { curve.y[$0] } + marks.map(\.y),
            margin: 0, rule: .mostClearance)
        for (mark, label) in zip(kept, placed) {
            ax.scatter(x: [mark.x], y: [mark.y], color: .reference, size: 3.5, alpha: 1)
            ax.text("z = " + NumberFormat.significant(mark.z, digits: 1), x: label.x, y: label.y, size: 9, anchor: .center, halo: true)
        }
        ax.dataPlane()
        ax.legend = .outsideRight
        return fig
    }

    /// Step 3: mean |log p_K − log p_ref| against K, log–log; colour tells the decoders apart (grey: untrained), line
    /// and marker the rules (solid with circles: Gauss–Hermite, dashed with squares: uniform nodes).
    static func quadratureAccuracy(orders: [Int], hermiteUntrained: [Double], hermiteTrained: [Double], uniformUntrained: [Double],
                                   uniformTrained: [Double], untrainedNoise: Double, trainedNoise: Double,
                                   ruleHalfWidth a: Double) -> Figure {
        let k = orders.map(Double.init)
        let fig = Figure(title: "Quadrature error of log p(x) against a much finer rule")
        let ax = fig.addAxes()
        func σ2(_ v: Double) -> String { NumberFormat.fixedSignificant(v, digits: 2) }
        ax.markedLine(x: k, y: hermiteUntrained, color: Color.grey(0.55),
                      label: "Gauss–Hermite, untrained (σ² = \(σ2(untrainedNoise)))")
        ax.markedLine(x: k, y: hermiteTrained, color: .model,
                      label: "Gauss–Hermite, trained (σ² = \(σ2(trainedNoise)))")
        let half = NumberFormat.fixedSignificant(a, digits: 1)
        ax.markedLine(x: k, y: uniformUntrained, color: Color.grey(0.55), dash: .dashed, marker: .square,
                      label: "uniform nodes on [−\(half), \(half)], untrained")
        ax.markedLine(x: k, y: uniformTrained, color: .model, dash: .dashed, marker: .square,
                      label: "uniform nodes on [−\(half), \(half)], trained")
        ax.xScale = .log10; ax.yScale = .log10
        ax.xLabel = "number of nodes K"
        ax.yLabel = "mean |log p̂(x; K nodes) − log p̂(x; ref.)|"
        ax.legend = .lowerLeft
        return fig
    }

    /// Step 3: log p(x) over the plane for each (curve, log-density, name, σ²) panel, filled on levels one nat apart
    /// from `floor` up (white below), the curve in white, the data as dots with white rims.
    static func marginalDensity(_ x: Matrix, plane: (xs: [Double], ys: [Double]), floor: Double,
                                panels: [(curve: PlaneCurve, logDensity: [Double], name: String, noiseVariance: Double)]) -> Figure {
        let top = max(panels.flatMap(\.logDensity).max() ?? 2, floor + 2).rounded(.up)
        let levels = Array(stride(from: floor, through: top, by: 1))
        let fig = Figure(width: 640, height: 300, title: "The marginal log p(x) = log ∫ p(x|z) p(z) dz by quadrature")
        for (ax, panel) in zip(fig.subplots(rows: 1, columns: panels.count), panels) {
            ax.filledContour(ScalarGrid(xs: plane.xs, ys: plane.ys, values: panel.logDensity), levels: levels, colorMap: .viridis,
                             colorBarLabel: "log p(x) (white: < \(NumberFormat.fixedSignificant(floor, digits: 1)))")
            // A dark curve on a thin white halo stays visible on the bright ridge as on the dark band.
            ax.line(x: panel.curve.x, y: panel.curve.y, color: .white, width: 3)
            ax.line(x: panel.curve.x, y: panel.curve.y, color: .reference, width: 1.2, label: "fθ(z)")
            // white rims under the data dots keep them visible on the dark low-density band
            ax.outlinedScatter(x: x.column(0), y: x.column(1), color: .data, size: 1.1, alpha: 0.9, edgeWidth: 0.7, edgeAlpha: 0.85)
            ax.title = "\(panel.name): σ² = \(NumberFormat.fixedSignificant(panel.noiseVariance, digits: 2))"
            ax.dataPlane(x: arcX, y: arcY)
            ax.legend = .none
        }
        return fig
    }

    /// Step 4, one frame: the data, the curve, and the noise tube — the contour at (true) distance 2σ from the curve.
    static func trainingFrame(_ x: Matrix, plane: (xs: [Double], ys: [Double]), curve: PlaneCurve, halfWidth: Double,
                              noiseVariance: Double, logLikelihood: Double, step: Int, of total: Int) -> Figure {
        let fig = Figure(width: 620, height: 345, title: "Fitting the curve: Adam step \(step) of \(total)")
        let ax = fig.addAxes()
        ax.scatter(x: x.column(0), y: x.column(1), color: .data, size: 2, alpha: 0.6, label: "data")
        ax.contour(ScalarGrid.distance(toPolylineX: curve.x, y: curve.y, xs: plane.xs, ys: plane.ys),
                   levels: [2 * noiseVariance.squareRoot()], color: .model, width: 0.8, label: "distance 2σ from fθ(z)")
        ax.line(x: curve.x, y: curve.y, color: .model, width: 2, label: "fθ(z), " + zRange(halfWidth))
        ax.text("(1/N) Σ log p(xₙ) = \(NumberFormat.fixedSignificant(logLikelihood, digits: 3)),  σ² = \(NumberFormat.fixedSignificant(noiseVariance, digits: 3))",
                x: -1.7, y: 1.4, size: 9)
        ax.dataPlane(x: arcX, y: arcY)
        ax.legend = .outsideRight
        return fig
    }

    /// Step 4: the training trace against PPCA's closed-form value.
    static func trainingLogLikelihood(trace: [Double], ppca: Double) -> Figure {
        let fig = Figure(title: "Log-likelihood per sample while training")
        let ax = fig.addAxes()
        ax.line(x: (0..<trace.count).map(Double.init), y: trace, color: .model, width: 1.8, label: "nonlinear LVM (quadrature, training rule)")
        ax.horizontalLine(at: ppca, color: .reference, dash: .dashed, label: "PPCA d = 1 (closed form)")
        ax.xLabel = "Adam step"
        ax.yLabel = "(1/N) Σₙ log p(xₙ)"
        ax.yLimits = (min(ppca, trace.min() ?? ppca) - 0.2)...((trace.max() ?? 0) + 0.3)
        ax.legend = .lowerRight
        return fig
    }

    /// "z ∈ [−3, 3]" for the range of z a curve is drawn over.
    static func zRange(_ halfWidth: Double) -> String {
        "z ∈ [\(NumberFormat.significant(-halfWidth)), \(NumberFormat.significant(halfWidth))]"
    }

    /// N(z; m, s²) at every z.
    static func gaussianCurve(mean m: Double, sd s: Double, on z: [Double]) -> [Double] {
        z.map { exp(-0.5 * pow(($0 - m) / s, 2)) / (s * (2 * Double.pi).squareRoot()) }
    }
}
