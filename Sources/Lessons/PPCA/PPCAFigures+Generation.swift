import Datasets
import Foundation
import LinearAlgebra
import Models
import Plotting

/// The figures of steps 8–9: model selection and generation.
extension PPCAFigures {
    /// Training and held-out ℓ against q, the best held-out q plotted, a note when the best over every q < D lies
    /// beyond, and the training-fitted full Gaussian's two ℓ lines (or a note that it does not exist).
    static func modelSelection(qs: [Int], train: [Double], heldOut: [Double], bestQ: Int, maxQ: Int, overallBestQ: Int,
                               largestQ: Int, gaussian: (train: Double, heldOut: Double)?) -> Figure {
        let figure = Figure(width: 560, height: 380, title: "How many latent dimensions? Average log-likelihood against q")
        let axes = figure.addAxes()
        let xs = qs.map(Double.init)
        axes.line(x: xs, y: train, color: .model, label: "PPCA, training rows")
        axes.scatter(x: xs, y: train, color: .model, size: 2.5)
        // Both curves are the model's log-likelihood: one colour (model), told apart by dash and marker.
        axes.line(x: xs, y: heldOut, color: .model, dash: .dashed, label: "PPCA, held-out rows")
        axes.scatter(x: xs, y: heldOut, color: .model, size: 3, marker: .square)
        axes.verticalLine(at: Double(bestQ), color: .highlight, dash: .dotted,
                          label: bestQ < maxQ ? "best held-out q = \(bestQ)"
                                              : "q = \(bestQ): largest q shown, held-out ℓ still rising")
        let low = min(train.min() ?? 0, heldOut.min() ?? 0)
        let high = max(train.max() ?? 0, heldOut.max() ?? 0)
        if overallBestQ != bestQ {
            axes.text("over all q ≤ \(largestQ): held-out peak at q = \(overallBestQ)",
                      x: xs[xs.count / 2], y: low + 0.3 * (high - low), size: 9)
        }
        if let gaussian {
            axes.horizontalLine(at: gaussian.train, color: .reference, dash: .solid, label: "full Gaussian, training")
            axes.horizontalLine(at: gaussian.heldOut, color: .reference, dash: .dashed, label: "full Gaussian, held-out")
        } else {
            axes.text("full-covariance Gaussian: does not exist here", x: xs[0] + 0.5,
                      y: high - 0.02 * (high - low), size: 9)
            axes.text("(singular training covariance ⇒ training ℓ = +∞)", x: xs[0] + 0.5,
                      y: high - 0.08 * (high - low), size: 9)
        }
        axes.xLabel = "latent dimension q"
        axes.yLabel = "ℓ (natural log, per row)"
        axes.legend = .lowerRight
        return figure
    }

    /// Real rows (top) and one row of samples per model, as images on the data's grey range (values clipped).
    static func sampleImages(real: [[Double]], models: [(q: Int, model: PPCA)], samples: [Matrix], outsideFractions: [Double],
                             shape: Dataset.ImageShape, range: ClosedRange<Double>, dataName: String) -> Figure {
        let perRow = real.count
        let figure = Figure(width: 560, height: 78 * Double(models.count + 1) + 40,
                            title: "Real rows and samples x ~ p(x) from PPCA (noise included; values clipped to the data range)")
        let axes = figure.subplots(rows: models.count + 1, columns: 1)
        axes[0].imageGrid(images: real, imageRows: shape.rows, imageColumns: shape.columns, gridColumns: perRow,
                          colorMap: .greys, range: range)
        axes[0].title = "real rows of \(dataName)"
        for (i, (q, model)) in models.enumerated() {
            axes[i + 1].imageGrid(images: samples[i].rowArrays, imageRows: shape.rows, imageColumns: shape.columns,
                                  gridColumns: perRow, colorMap: .greys, range: range)
            axes[i + 1].title = "PPCA, q = \(q): σ² = " + NumberFormat.significant(model.noiseVariance, digits: 3)
                + ", " + NumberFormat.fixed(100 * outsideFractions[i], decimals: 1) + " % of values outside "
                + NumberFormat.significant(range.lowerBound) + "–" + NumberFormat.significant(range.upperBound)
                + " (clipped)"
        }
        for a in axes { a.showGrid = false; a.xLabel = nil; a.yLabel = nil }
        return figure
    }

    /// For data that are not images: the data and each model's samples in the first two coordinates.
    static func sampleScatter(_ inputs: PPCAInputs, models: [(q: Int, model: PPCA)], samples: [Matrix]) -> Figure {
        let figure = Figure(width: max(460, 280 * Double(models.count)), height: 320,
                            title: "Data and samples x ~ p(x) from PPCA, first two coordinates")
        let axes = figure.subplots(rows: 1, columns: models.count)
        for (i, (q, _)) in models.enumerated() {
            axes[i].scatter(x: inputs.data.column(0), y: inputs.data.column(1), color: .data, size: 2, alpha: 0.5,
                            label: "data")
            axes[i].scatter(x: samples[i].column(0), y: samples[i].column(1), color: .samples, size: 2, marker: .triangle,
                            alpha: 0.5, label: "PPCA samples")
            axes[i].title = "q = \(q)"
            axes[i].xLabel = inputs.columnName(0)
            axes[i].yLabel = inputs.columnName(1)
            axes[i].legend = .lowerRight
        }
        return figure
    }

    /// For data that are not images: the grid Wz + μ over the data in the first two coordinates (a sheet or a line).
    static func manifoldInDataSpace(_ inputs: PPCAInputs, model: PPCA, side: Int) -> Figure {
        let figure = Figure(title: "PPCA's linear manifold Wz + μ, first two coordinates")
        let axes = figure.addAxes()
        axes.scatter(x: inputs.data.column(0), y: inputs.data.column(1), color: .data, size: 2, alpha: 0.4, label: "data")
        if model.latentDimension == 2 {
            let decoded = model.decode(Matrix(LatentManifold.probitGrid(side: side)))
            for r in 0..<side {
                let rowPoints = (0..<side).map { decoded.row(r * side + $0) }
                axes.line(x: rowPoints.map { $0[0] }, y: rowPoints.map { $0[1] }, color: .model, width: 1,
                          label: r == 0 ? "Wz + μ on the probit grid" : nil)
                let columnPoints = (0..<side).map { decoded.row($0 * side + r) }
                axes.line(x: columnPoints.map { $0[0] }, y: columnPoints.map { $0[1] }, color: .model, width: 1)
            }
        } else {
            let zs = LatentManifold.probitValues(side: side)
            let decoded = model.decode(Matrix(zs.map { [$0] }))
            axes.line(x: decoded.column(0), y: decoded.column(1), color: .model, label: "Wz + μ")
            axes.scatter(x: decoded.column(0), y: decoded.column(1), color: .model, size: 4,
                         label: "z = Φ⁻¹((i + ½)/\(side))")
        }
        axes.xLabel = inputs.columnName(0)
        axes.yLabel = inputs.columnName(1)
        axes.legend = .lowerRight
        return figure
    }
}
