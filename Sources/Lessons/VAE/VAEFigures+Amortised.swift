// VAEFigures+Amortised — the figures of steps 5, 6 and 9, pure functions of the story's values.

import Foundation
import LinearAlgebra
import Models
import Plotting

/// One posterior panel of steps 6 and 9: p(z|x) on a z-grid and the Gaussians drawn over it.
struct VAEAmortisedPosteriorPanel {
    var title: String
    var z: [Double]
    var posterior: [Double]
    var gaussians: [(label: String, mean: Double, sd: Double, color: Color, dash: Dash)]
}

enum VAEFiguresAmortised {
    /// The levels of the encoder-mean field in the training frames (shared by every frame).
    static let meanLevels = Array(stride(from: -3.0, through: 3.0, by: 0.5))

    /// Step 5, one frame of the arc VAE's training: the encoder's mean m_φ(x) over the plane (filled), the data, the
    /// decoded curve f_θ(z) with a few z marked, and the frame's ELBO and exact log p(x).
    static func arcTrainingFrame(_ x: Matrix, plane: (xs: [Double], ys: [Double]), meanField: [Double], curve: PlaneCurve,
                                 marks: [(z: Double, x: Double, y: Double)], elbo: Double, logLikelihood: Double,
                                 step: Int, of total: Int) -> Figure {
        let fig = Figure(width: 560, height: 380,
                         title: "Step \(step) of \(total): encoder mean m_φ(x) (colour), decoder fθ(z) (black), data (dots)")
        let ax = fig.addAxes()
        ax.filledContour(ScalarGrid(xs: plane.xs, ys: plane.ys, values: meanField), levels: meanLevels, colorMap: .viridis,
                         colorBarLabel: "encoder mean m_φ(x)")
        ax.outlinedScatter(x: x.column(0), y: x.column(1), color: .data, size: 1.4, alpha: 0.9, edgeWidth: 0.8, edgeAlpha: 0.85)
        ax.line(x: curve.x, y: curve.y, color: .white, width: 3.2)
        ax.line(x: curve.x, y: curve.y, color: .reference, width: 1.4)
        // marks at least 0.25 apart in the plane (about 20 pt here), so that their labels do not overlap
        var kept: [(z: Double, x: Double, y: Double)] = []
        for mark in marks where !kept.contains(where: { hypot($0.x - mark.x, $0.y - mark.y) < 0.25 }) { kept.append(mark) }
        for mark in kept {
            ax.scatter(x: [mark.x], y: [mark.y], color: .posterior, size: 3.5, alpha: 1)
            ax.text("z = " + NumberFormat.significant(mark.z, digits: 1), x: mark.x + 0.07, y: mark.y, size: 9, halo: true)
        }
        ax.text("ELBO \(NumberFormat.fixed(elbo, decimals: 3)), log p(x) \(NumberFormat.fixed(logLikelihood, decimals: 3))",
                x: -1.7, y: -1.38, size: 9, halo: true)
        ax.dataPlane(x: NonlinearFigures.arcX, y: NonlinearFigures.arcY)
        ax.legend = .none
        return fig
    }

    /// Step 5: the ELBO and the exact log p(x) against the Adam step for both trainings, with the reference levels.
    static func trainingCurves(arcSteps: [Int], arcELBO: [Double], arcLogLikelihood: [Double], arcPPCA: Double,
                               arcLikelihoodTrained: Double, digitsSteps: [Int], digitsELBO: [Double],
                               digitsLogLikelihood: [Double], digitsPPCA: Double, digitsRows: Int) -> Figure {
        let fig = Figure(width: 640, height: 330, title: "The ELBO and the exact log-likelihood during training")
        let (left, right) = { (a: [Axes]) in (a[0], a[1]) }(fig.subplots(rows: 1, columns: 2))
        let xs = arcSteps.map(Double.init)
        left.line(x: xs, y: arcLogLikelihood, color: .model, width: 1.8, label: "exact (1/N) Σ log p(xₙ)")
        left.line(x: xs, y: arcELBO, color: .posterior, width: 1.8, dash: .dashed, label: "(1/N) Σ ELBO(q_φ(z|xₙ))")
        left.horizontalLine(at: arcLikelihoodTrained, color: .samples, dash: .dotted, label: "likelihood-trained decoder")
        left.horizontalLine(at: arcPPCA, color: .reference, dash: .dashed, label: "PPCA d = 1")
        left.title = "arc, d = 1 (training points)"
        left.xLabel = "Adam step"
        left.yLabel = "nats per point"
        let low = min(arcPPCA, arcELBO.dropFirst().min() ?? arcPPCA) - 0.3
        left.yLimits = low...((arcLogLikelihood.max() ?? 0) + 0.3)
        left.legend = .lowerRight
        let ds = digitsSteps.map(Double.init)
        right.line(x: ds, y: digitsLogLikelihood, color: .model, width: 1.8, label: "exact log p(x)")
        right.line(x: ds, y: digitsELBO, color: .posterior, width: 1.8, dash: .dashed, label: "ELBO(q_φ)")
        right.horizontalLine(at: digitsPPCA, color: .reference, dash: .dashed, label: "PPCA d = 2")
        right.title = "digits, d = 2 (\(digitsRows) held-out digits)"
        right.xLabel = "Adam step"
        right.yLabel = "nats per image"
        right.legend = .lowerRight
        return fig
    }

    /// Step 5: the encoder means of the digits in the latent plane, coloured by label.
    static func digitsLatent(_ means: Matrix, labels: [Int]) -> Figure {
        let fig = Figure(width: 520, height: 400, title: "Digits in the latent space: the encoder means m_φ(x)")
        let ax = fig.addAxes()
        for digit in Set(labels).sorted() {
            let rows = labels.indices.filter { labels[$0] == digit }
            ax.scatter(x: rows.map { means[$0, 0] }, y: rows.map { means[$0, 1] }, color: .category(digit), size: 2.2, alpha: 0.75,
                       label: "\(digit)")
        }
        let circle = EvenGrid.values(0...(2 * Double.pi), count: 121)
        ax.line(x: circle.map { 2 * cos($0) }, y: circle.map { 2 * sin($0) }, color: .reference, width: 0.8, dash: .dashed,
                label: "prior, ‖z‖ = 2")
        ax.dataPlane(xLabel: "m_φ(x)₁", yLabel: "m_φ(x)₂")
        ax.legend = .outsideRight
        return fig
    }

    /// Step 5: held-out digits (top row) and their reconstructions f_θ(m_φ(x)) (bottom row), one grey scale.
    static func reconstructions(originals: [[Double]], decoded: [[Double]], labels: [Int], pixelMax: Double) -> Figure {
        let fig = Figure(width: 560, height: 150, title: "Held-out digits (top) and the decoder at the encoder mean, fθ(m_φ(x)) (bottom)")
        let ax = fig.addAxes()
        ax.imageGrid(images: originals + decoded, imageRows: 8, imageColumns: 8, gridColumns: originals.count,
                     captions: labels.map { "\($0)" } + labels.map { _ in "" }, colorMap: .greys, range: 0...pixelMax)
        return fig
    }

    /// Steps 6 and 9: one panel per probe (or per decoder and probe), the gridded posterior filled, Gaussians over it.
    static func posteriorPanels(_ panels: [VAEAmortisedPosteriorPanel], rows: Int, title: String, height: Double) -> Figure {
        let fig = Figure(width: 640, height: height, title: title)
        for (k, (ax, panel)) in zip(fig.subplots(rows: rows, columns: panels.count / rows), panels).enumerated() {
            let zero = [Double](repeating: 0, count: panel.z.count)
            ax.band(x: panel.z, lower: zero, upper: panel.posterior, color: .data, alpha: 0.3, label: k == panels.count - 1 ? "p(z|x), exact" : nil)
            ax.line(x: panel.z, y: panel.posterior, color: .data, width: 1)
            for g in panel.gaussians {
                ax.line(x: panel.z, y: NonlinearFigures.gaussianCurve(mean: g.mean, sd: g.sd, on: panel.z), color: g.color,
                        width: 1.5, dash: g.dash, label: k == panels.count - 1 ? g.label : nil)
            }
            ax.title = panel.title
            ax.xLabel = "z"
            ax.yLabel = k % (panels.count / rows) == 0 ? "density" : nil
            ax.legend = k == panels.count - 1 ? .upperRight : .none
        }
        return fig
    }

    /// Step 6: the approximation gap and the amortisation gap over the plane (log₁₀ colour scale), the data and the
    /// probe points overlaid.
    static func gapMaps(_ x: Matrix, plane: (xs: [Double], ys: [Double]), approximation: [Double], amortisation: [Double],
                        probes: [PosteriorProbe]) -> Figure {
        let levels = Array(stride(from: -4.0, through: 2.5, by: 0.5))
        let fig = Figure(width: 640, height: 290, title: "Where the gap comes from: the two parts of log p(x) − ELBO(q_φ) over the plane")
        for (ax, (values, name)) in zip(fig.subplots(rows: 1, columns: 2),
                                        [(approximation, "approximation gap log p − ELBO(q*)"),
                                         (amortisation, "amortisation gap ELBO(q*) − ELBO(q_φ)")]) {
            let logs = values.map { log10(max($0, 1e-6)) }
            ax.filledContour(ScalarGrid(xs: plane.xs, ys: plane.ys, values: logs), levels: levels, colorMap: .viridis,
                             colorBarLabel: "log₁₀ gap (nats; white: < 10⁻⁴)")
            ax.outlinedScatter(x: x.column(0), y: x.column(1), color: .data, size: 1.1, alpha: 0.9, edgeWidth: 0.7, edgeAlpha: 0.85)
            for p in probes {
                ax.scatter(x: [p.x[0]], y: [p.x[1]], color: .white, size: 4.5, marker: .diamond, alpha: 1)
                ax.scatter(x: [p.x[0]], y: [p.x[1]], color: .posterior, size: 3.2, marker: .diamond, alpha: 1)
                ax.text(p.name, x: p.x[0] + 0.08, y: p.x[1] + 0.08, color: .reference, size: 10, halo: true)
            }
            ax.title = name
            ax.dataPlane(x: NonlinearFigures.arcX, y: NonlinearFigures.arcY)
            ax.legend = .none
        }
        return fig
    }
}
