import Datasets
import Foundation
import LinearAlgebra
import Models
import Plotting

/// The figures of steps 8–9: model selection and generation.
extension PPCAFigures {
    /// How many latent dimensions: per q, the held-out ℓ of every split (thin), their mean ± 1 sd (band), ℓ of the
    /// all-rows fit on all rows, BIC/N and Minka's evidence per row on the same scale, each maximum marked; below, the
    /// same without the near-constant columns when there are any.
    static func modelSelection(_ selection: LatentDimensionSelection, reduced: (LatentDimensionSelection, Int)?,
                               sampleCount n: Int) -> Figure {
        let figure = Figure(width: 560, height: reduced == nil ? 400 : 760,
                            title: "How many latent dimensions? Held-out ℓ, BIC and Minka's evidence against q")
        let axes = figure.subplots(rows: reduced == nil ? 1 : 2, columns: 1)
        drawSelection(selection, on: axes[0], sampleCount: n, legend: .upperLeft)
        axes[0].title = "all \(selection.dimension) columns"
        if let (reduced, dropped) = reduced {
            // Here the curves fill the upper left: the legend goes where the plot is empty.
            drawSelection(reduced, on: axes[1], sampleCount: n, legend: .lowerRight)
            axes[1].title = "without the \(dropped) near-constant columns (D = \(reduced.dimension))"
        }
        return figure
    }

    static func drawSelection(_ s: LatentDimensionSelection, on axes: Axes, sampleCount n: Int, legend: LegendPosition) {
        let shared = s.sharedQs.map(Double.init)
        axes.band(x: shared, lower: zip(s.heldOutMean, s.heldOutSD).map { $0 - $1 },
                  upper: zip(s.heldOutMean, s.heldOutSD).map { $0 + $1 }, color: .model, alpha: 0.25,
                  label: "held-out ℓ: mean ± 1 sd over \(s.splits.count) splits")
        for (i, split) in s.splits.enumerated() {
            axes.line(x: split.qs.map(Double.init), y: split.heldOut, color: .model.withAlpha(0.5), width: 0.7,
                      label: i == 0 ? "held-out ℓ of each split (▲ its best q)" : nil)
            let best = split.qs.firstIndex(of: split.bestQ)!
            axes.scatter(x: [Double(split.bestQ)], y: [split.heldOut[best]], color: .model, size: 4, marker: .triangle)
        }
        axes.line(x: shared, y: s.heldOutMean, color: .model, width: 1.8)
        axes.line(x: s.allRowsQs.map(Double.init), y: s.allRowsLogLikelihood, color: .reference, width: 1.2,
                  label: "training ℓ (fit and score on all rows)")
        let bicPerRow = s.bic.map { $0 / Double(n) }
        axes.line(x: s.allRowsQs.map(Double.init), y: bicPerRow, color: .samples, dash: .dotted, label: "BIC / N")
        let minka = s.minkaPerRow(sampleCount: n)
        let finite = minka.indices.filter { minka[$0].isFinite }
        axes.line(x: finite.map { Double($0 + 1) }, y: finite.map { minka[$0] }, color: .posterior, dash: .dashed,
                  label: "Minka's log evidence / N − (D/2)(1 + log 2π)")
        axes.verticalLine(at: Double(s.bestQOfMean), color: .model, dash: .dotted,
                          label: "best mean held-out q = \(s.bestQOfMean)")
        axes.verticalLine(at: Double(s.bicQ), color: .samples, dash: .dotted, label: "BIC's q = \(s.bicQ)")
        axes.verticalLine(at: Double(s.minkaQ), color: .posterior, dash: .dashed, label: "Minka's q = \(s.minkaQ)")
        // The range of the mean, the training curve and both criteria; a split whose held-out ℓ collapses leaves it.
        let curves = s.heldOutMean + s.allRowsLogLikelihood + bicPerRow + finite.map { minka[$0] }
        let low = curves.min()!, high = curves.max()!
        axes.yLimits = (low - 0.05 * (high - low))...(high + 0.05 * (high - low))
        axes.xLimits = 0...Double(max(s.qMaxShown, s.minkaQ) + 1)
        axes.xLabel = "latent dimension q"
        axes.xIntegerTicks = true
        axes.yLabel = "ℓ, BIC / N (natural log, per row)"
        axes.legend = legend
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
