import Datasets
import Foundation
import LinearAlgebra
import Models
import Plotting

extension PCAFigures {
    /// Step 1, image data: the first 100 rows as a grid of images with their labels; other data: the first two columns.
    static func overview(_ dataSet: PCADataSet) -> Figure {
        let data = dataSet.data
        if let shape = data.imageShape {
            let count = min(data.count, 100)
            let figure = Figure(width: 640, height: 720, title: dataSet.isUserData
                ? "The first \(count) rows of \(data.name) as images" : "100 digits of the data set with their labels")
            let ax = figure.addAxes()
            let captions = data.labels.map { labels in (0..<count).map { data.className(labels[$0]) } }
                ?? (0..<count).map { "row \($0 + 1)" }
            ax.imageGrid(images: (0..<count).map { data.values.row($0) }, imageRows: shape.rows, imageColumns: shape.columns,
                         gridColumns: 10, captions: captions, colorMap: .greys, range: greyRange(data))
            return figure
        }
        return single { ax in
            ax.title = "\(data.name): the first two of \(data.dimension) columns (\(data.count) rows)"
            ax.xLabel = data.columnNames[0]
            ax.yLabel = data.columnNames[1]
            ax.scatter(x: data.values.column(0), y: data.values.column(1), size: 2.5, alpha: 0.7,
                       label: "rows of \(data.name)")
        }
    }

    /// Step 6: the leading eigenvalues as bars (top) and the cumulative share of the variance against q (bottom).
    static func scree(_ pca: PCA, componentsFor90Percent q90: Int) -> Figure {
        let shown = min(pca.dimension, 40)
        let figure = Figure(width: 460, height: 690, title: "Eigenvalues of S and the share of variance they keep")
        let axes = figure.subplots(rows: 2, columns: 1)
        let qs = (1...shown).map(Double.init)
        axes[0].title = shown < pca.dimension
            ? "Scree: λ₁ … λ\(NumberFormat.subscript(shown)) (the first \(shown) of \(pca.dimension))"
            : "Scree: all \(shown) eigenvalues λᵢ"
        axes[0].xLabel = "component i"
        axes[0].xIntegerTicks = true
        axes[0].yLabel = "λᵢ"
        axes[0].bars(x: qs, heights: Array(pca.eigenvalues[0..<shown]))
        axes[0].legend = .none
        let cumulative = pca.cumulativeExplainedVariance
        let all = (0...pca.dimension).map(Double.init)
        axes[1].title = "Cumulative explained variance, q = 0 … \(pca.dimension)"
        axes[1].xLabel = "q, components kept"
        axes[1].xIntegerTicks = true
        axes[1].yLabel = "share of Σλᵢ kept"
        axes[1].yLimits = 0...1.05
        axes[1].line(x: all, y: [0] + cumulative, color: .model, width: 1.8, label: "kept share")
        axes[1].horizontalLine(at: 0.9)
        axes[1].verticalLine(at: Double(q90), dash: .dotted, label: "90 % at q = \(q90)")
        axes[1].scatter(x: [Double(q90)], y: [cumulative[q90 - 1]], color: .highlight, size: 4, alpha: 1)
        axes[1].legend = .lowerRight
        return figure
    }

    /// Top: MSE(q) from the rows (dots) on the sum of the discarded eigenvalues (line), q = 0 … D. Bottom: their
    /// difference, which a linear axis of the top panel cannot show: rounding, for every q.
    static func errorAgainstQ(mse: [Double], discarded: [Double], _ dataSet: PCADataSet) -> Figure {
        let figure = Figure(width: 460, height: 460, title: "Reconstruction error of \(dataSet.title) against q")
        let panels = figure.subplots(rows: 2, columns: 1)
        let qs = (0..<mse.count).map(Double.init)
        let top = panels[0]
        top.line(x: qs, y: discarded, color: .reference, label: "sum of the discarded λᵢ")
        top.scatter(x: qs, y: mse, color: .projection, size: 2.5, alpha: 1, label: "MSE(q) (from the data)")
        top.yLabel = "MSE(q)  (1/N)"
        top.legend = .upperRight
        let bottom = panels[1]
        bottom.horizontalLine(at: 0, color: .reference, dash: .solid)
        bottom.scatter(x: qs, y: zip(mse, discarded).map { $0 - $1 }, color: .projection, size: 2.5, alpha: 1,
                       label: "MSE(q) − (sum of the discarded λᵢ)")
        bottom.title = "the difference: rounding error"
        bottom.yLabel = "difference (1/N)"
        bottom.legend = .upperRight
        for panel in panels {
            panel.xLabel = "q, components kept"
            panel.xIntegerTicks = true
        }
        return figure
    }

    /// Step 6, image data: the mean as a grey heatmap and the first 16 components as images, either on one symmetric
    /// colour range, so that their weights can be compared (each uᵢ has unit length), or each on its own symmetric
    /// range ±max|uᵢⱼ| (PRML Fig. 12.3), so that the pattern of a weak component shows too.
    static func eigenImages(_ pca: PCA, shape: Dataset.ImageShape, _ dataSet: PCADataSet, eachOnItsOwnScale: Bool) -> Figure {
        let figure = Figure(width: 640, height: 330, title: dataSet.isUserData
            ? "The mean row and the leading components as images" : "The mean digit and the leading eigen-digits")
        let axes = figure.subplots(rows: 1, columns: 2)
        axes[0].title = dataSet.isUserData ? "Mean row μ" : "Mean digit μ"
        axes[0].heatmap(values: pca.mean, rows: shape.rows, columns: shape.columns, colorMap: .greys, colorBarLabel: "mean value μⱼ")
        axes[0].xLabel = "pixel column"
        axes[0].yLabel = "pixel row"
        axes[0].equalAspect = true
        axes[0].legend = .none
        let count = min(16, pca.dimension)
        let images = (0..<count).map { pca.components.row($0) }
        let names = (1...count).map { "u" + NumberFormat.subscript($0) }
        if eachOnItsOwnScale {
            axes[1].title = "u₁ … u\(NumberFormat.subscript(count)), each on its own scale ±max|uᵢⱼ|"
            axes[1].imageGrid(images: images, imageRows: shape.rows, imageColumns: shape.columns, gridColumns: 4,
                              captions: zip(names, images).map { name, u in
                                  name + " ±" + NumberFormat.fixedSignificant(u.map(abs).max() ?? 0, digits: 2)
                              }, colorMap: .diverging)
        } else {
            let largest = max(images.flatMap { $0 }.map(abs).max() ?? 1, .leastNormalMagnitude)
            axes[1].title = "u₁ … u\(NumberFormat.subscript(count)) on one colour scale"
            axes[1].imageGrid(images: images, imageRows: shape.rows, imageColumns: shape.columns, gridColumns: 4,
                              captions: names, colorMap: .diverging, range: -largest...largest,
                              colorBar: true, colorBarLabel: "weight uᵢⱼ")
        }
        return figure
    }

    /// Step 6, other data: the weights of u₁ and u₂ as horizontal bars, one pair per column, each pair under its
    /// column's name (names only up to 20 columns; the loadings table lists them for wider data).
    static func loadings(_ pca: PCA, _ dataSet: PCADataSet) -> Figure {
        let d = pca.dimension
        let named = d <= 20
        let figure = Figure(width: 460, height: max(240, min(560, 110 + 30 * Double(d))))
        let ax = figure.addAxes()
        let ratio = pca.explainedVarianceRatio
        ax.title = "Weight of each column in u₁ and u₂"
        ax.xLabel = "weight uᵢⱼ (each uᵢ has unit length)"
        ax.yLabel = named ? "column j" : "column j (names in the loadings table)"
        ax.yInverted = true
        ax.xLimits = -1.05...1.05
        ax.yLimits = 0.35...(Double(d) + 0.5)
        let half = 0.16
        for i in 0..<2 {
            let u = pca.components.row(i)
            let shift = i == 0 ? -0.02 - half : 0.02 + half
            for j in 0..<d {
                let y = Double(j + 1) + shift + (named ? 0.12 : 0)
                ax.band(x: [min(0, u[j]), max(0, u[j])], lower: [y - half, y - half], upper: [y + half, y + half],
                        color: i == 0 ? .model : .projection, alpha: 1,
                        label: j == 0 ? "u\(NumberFormat.subscript(i + 1)) (\(NumberFormat.percent(ratio[i])) of variance)" : nil)
            }
        }
        ax.verticalLine(at: 0, dash: .solid)
        for (j, name) in dataSet.data.columnNames.enumerated() where named {
            ax.text(name.count > 30 ? String(name.prefix(29)) + "…" : name, x: -1.02, y: Double(j + 1) - 0.36)
        }
        return figure
    }

    /// Step 6, image data: each original row (left) and its reconstructions from the first q components.
    static func reconstructionImages(rows: [Int], originals: Matrix, qs: [Int], reconstructions: [Matrix],
                                     shape: Dataset.ImageShape, _ dataSet: PCADataSet) -> Figure {
        var images: [[Double]] = []
        var captions: [String] = []
        for (k, row) in rows.enumerated() {
            images.append(originals.row(k))
            captions.append(dataSet.data.labels.map { "original \(dataSet.data.className($0[row]))" } ?? "row \(row + 1)")
            for (m, q) in qs.enumerated() {
                images.append(reconstructions[m].row(k))
                captions.append("q = \(q)")
            }
        }
        let figure = Figure(width: 640, height: 70 + 92 * Double(rows.count),
                            title: "Originals (left) and their reconstructions from the first q components")
        let ax = figure.addAxes()
        ax.imageGrid(images: images, imageRows: shape.rows, imageColumns: shape.columns, gridColumns: qs.count + 1,
                     captions: captions, colorMap: .greys, range: greyRange(dataSet.data))
        return figure
    }

    /// Step 6, other data: rows x as dots over the columns, with their reconstructions x̂ for q = 1 (dashed) and q = 2.
    static func reconstructionProfiles(rows: [Int], originals: Matrix, q1: Matrix, q2: Matrix) -> Figure {
        let d = originals.columns
        let figure = Figure(width: 460, height: 345 * Double(rows.count), title: "Rows x and their reconstructions x̂ with q = 1 and q = 2")
        let axes = figure.subplots(rows: rows.count, columns: 1)
        let columns = (1...d).map(Double.init)
        for (k, (ax, row)) in zip(axes, rows).enumerated() {
            ax.title = "row \(row + 1)"
            ax.xLimits = 0.5...(Double(d) + 0.5)
            ax.xLabel = "column j"
            ax.yLabel = "value xⱼ"
            ax.line(x: columns, y: q1.row(k), color: .projection, width: 1.2, dash: .dashed, label: k == 0 ? "x̂, q = 1" : nil)
            ax.line(x: columns, y: q2.row(k), color: .projection, width: 1.6, label: k == 0 ? "x̂, q = 2" : nil)
            ax.scatter(x: columns, y: originals.row(k), color: .data, size: 3, alpha: 1, label: k == 0 ? "x" : nil)
            ax.legend = k == 0 ? .best : .none
        }
        return figure
    }

    /// Step 6: every row at its scores (z₁, z₂); with labels, one colour and marker shape per class and the class at
    /// each class's centroid, so that the classes can be told apart in greyscale too.
    static func principalComponentMap(_ scores: Matrix, ratio: [Double], _ dataSet: PCADataSet) -> Figure {
        let data = dataSet.data
        return single("\(dataSet.isUserData ? data.name : "The digits") on the first two principal components") { ax in
            ax.xLabel = "z₁ = u₁ᵀ(x − μ)  (\(NumberFormat.percent(ratio[0])) of variance)"
            ax.yLabel = "z₂ = u₂ᵀ(x − μ)  (\(NumberFormat.percent(ratio[1])))"
            guard let labels = data.labels else {
                return ax.scatter(x: scores.column(0), y: scores.column(1), size: 2.5, alpha: 0.7,
                                  label: "rows of \(data.name)")
            }
            let markers: [Marker] = [.circle, .square, .triangle, .diamond, .cross, .plus]
            let classes = Set(labels).sorted().map { label in (label, labels.indices.filter { labels[$0] == label }) }
            for (k, (label, rows)) in classes.enumerated() {
                ax.scatter(x: rows.map { scores[$0, 0] }, y: rows.map { scores[$0, 1] }, color: .category(label), size: 2.4,
                           marker: markers[k % markers.count], alpha: 0.75, label: data.className(label))
            }
            for (label, rows) in classes {
                let cx = rows.map { scores[$0, 0] }.reduce(0, +) / Double(rows.count)
                let cy = rows.map { scores[$0, 1] }.reduce(0, +) / Double(rows.count)
                ax.text(data.className(label), x: cx, y: cy, size: 14, anchor: .center)
            }
            ax.legend = .outsideRight
        }
    }

    /// The data's value range, for greyscale images (0–16 for the digits).
    private static func greyRange(_ data: Dataset) -> ClosedRange<Double> {
        let lo = data.values.elements.min() ?? 0, hi = data.values.elements.max() ?? 1
        return lo < hi ? lo...hi : lo...(lo + 1)
    }
}
