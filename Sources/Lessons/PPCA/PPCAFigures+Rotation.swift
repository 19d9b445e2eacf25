import Datasets
import Foundation
import LinearAlgebra
import Models
import Plotting

/// The figures of step 7: the rotational ambiguity W → WR.
extension PPCAFigures {
    /// The rows wⱼ of W and of WR as points of the latent plane (q = 2): R turns the whole cloud and keeps every
    /// inner product; for q = 1, W and −W against the coordinate j.
    static func rotationalAmbiguity(model: PPCA, rotated: PPCA, description: String, logLikelihoodDifference: Double) -> Figure {
        let q = model.latentDimension
        let d = model.dimension
        let figure = Figure(width: 620, height: 380,
                            title: q == 2 ? "Rows of W and of WR: \(description), each row turned clockwise"
                                          : "Rows of W and of WR (\(description))")
        let axes = figure.addAxes()
        if q == 2 {
            // Thin segments join wⱼ to wⱼR for the rows far enough from 0 to be seen.
            let norms = (0..<d).map { Vector.norm(model.loading.row($0)) }
            let cutoff = (norms.max() ?? 0) * 0.35
            for (i, j) in (0..<d).filter({ norms[$0] > cutoff }).enumerated() {
                axes.line(x: [model.loading[j, 0], rotated.loading[j, 0]], y: [model.loading[j, 1], rotated.loading[j, 1]],
                          color: .reference, width: 0.6, dash: .dotted, label: i == 0 ? "wⱼ → wⱼR" : nil)
            }
            axes.scatter(x: model.loading.column(0), y: model.loading.column(1), color: .model, size: 3.5,
                         label: "rows wⱼ of W (one per coordinate)")
            axes.scatter(x: rotated.loading.column(0), y: rotated.loading.column(1), color: .grey(0.45), size: 3.5,
                         marker: .triangle, label: "rows of WR")
            axes.xLabel = "Wⱼ₁ (first column)"
            axes.yLabel = "Wⱼ₂ (second column)"
            axes.equalAspect = true
        } else {
            let index = (0..<d).map(Double.init)
            axes.scatter(x: index, y: model.loading.column(0), color: .model, size: 4, label: "W")
            axes.scatter(x: index, y: rotated.loading.column(0), color: .grey(0.45), size: 4, marker: .triangle, label: "WR = −W")
            axes.xLabel = "coordinate j of x"
            axes.yLabel = "loading"
        }
        axes.legend = .outsideRight
        axes.title = "max over rows |Δ log p(x)| = " + NumberFormat.significant(logLikelihoodDifference, digits: 2)
        return figure
    }

    /// The columns of W and of WR, which look different yet give the same density: for image data as images on one
    /// symmetric colour range (W above, WR below); otherwise each column's weights against the coordinate j.
    static func rotatedColumns(model: PPCA, rotated: PPCA, shape: Dataset.ImageShape?, description: String,
                               logLikelihoodDifference: Double) -> Figure {
        let q = model.latentDimension
        let note = "the same density: max over rows |Δ log p(x)| = " + NumberFormat.significant(logLikelihoodDifference, digits: 2)
        let w = (0..<q).map { model.loading.column($0) }
        let wr = (0..<q).map { rotated.loading.column($0) }
        if let shape, shape.rows * shape.columns == model.dimension {
            let figure = Figure(width: 460, height: q == 1 ? 260 : 400, title: "The columns of W and of WR as images (\(description))")
            let axes = figure.addAxes()
            let images = w + wr
            let largest = max(images.flatMap { $0 }.map(abs).max() ?? 1, .leastNormalMagnitude)
            let captions = (1...q).map { "W, column \($0)" } + (1...q).map { "WR, column \($0)" }
            axes.imageGrid(images: images, imageRows: shape.rows, imageColumns: shape.columns, gridColumns: q,
                           captions: captions, colorMap: .diverging, range: -largest...largest, colorBar: true,
                           colorBarLabel: "loading Wⱼₖ")
            axes.title = note
            return figure
        }
        let figure = Figure(width: 620, height: 300, title: "Columns of W and WR (\(description)); max over rows |Δ log p(x)| = "
                                + NumberFormat.significant(logLikelihoodDifference, digits: 2))
        let panels = figure.subplots(rows: 1, columns: 2)
        let index = (0..<model.dimension).map { Double($0 + 1) }
        let dashes: [Dash] = [.solid, .dashed, .dotted]
        for (panel, (columns, name)) in zip(panels, [(w, "W"), (wr, "WR")]) {
            for (k, column) in columns.enumerated() {
                panel.markedLine(x: index, y: column, color: name == "W" ? .model : .grey(0.45), width: 1.4, dash: dashes[k % 3],
                                 size: 2.5, label: "\(name), column \(k + 1)")
            }
            panel.horizontalLine(at: 0, color: .reference, dash: .dotted)
            panel.xIntegerTicks = true
            panel.xLabel = "coordinate j of x"
            panel.yLabel = "loading"
            panel.title = name
            panel.legend = .below
        }
        return figure
    }
}
