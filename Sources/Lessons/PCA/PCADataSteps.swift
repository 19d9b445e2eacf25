import Datasets
import Foundation
import LinearAlgebra
import Models
import Plotting

/// Step 1's overview and step 6 of the PCA lesson on the lesson's data set — the digits, or the user's CSV — and
/// the top-level keys of `results.json` (`n`, `d`, `mean`, `eigenvalues`, `explained_variance_ratio`, `components`,
/// `reconstruction_mse`, …).
///
/// Image data (the digits, or a CSV whose columns are `pixel_R_C`) get image figures: a grid of rows, the mean and
/// the first 16 components drawn as images (eigen-digits), and reconstructions with q = 1, 2, 5, 10, 20, 40. Other
/// data get figures with the same names that show the same ideas without images: a scatter of the first two
/// columns, the loadings of u₁ and u₂ as bars, and reconstructed rows as profiles over the columns.
struct PCADataSteps {
    let data: Dataset
    let isUserData: Bool

    /// At most this many components (rows) are written to `results.json`.
    static let storedComponents = 100

    /// The q of the reconstruction figure and table (those ≤ d are used).
    static let reconstructionQs = [1, 2, 5, 10, 20, 40]

    private var isImages: Bool { data.imageShape != nil }
    private var displayName: String { isUserData ? data.name : "the digits" }

    func record(into record: inout PCARecord) throws {
        let x = data.values                      // (N, D)
        let pca = try PCA(fitting: x)
        let (n, d) = (pca.count, pca.dimension)
        let mses = pca.reconstructionMSEs(x)     // entry q = 0 … d, from the data
        let discarded = (0...d).map { pca.discardedVariance(dimensions: $0) }
        let ratio = pca.explainedVarianceRatio
        let cumulative = pca.cumulativeExplainedVariance
        let scale = max(pca.totalVariance, .leastNormalMagnitude)

        // results.json: the data set's PCA.
        record.results["n"] = .integer(n)
        record.results["d"] = .integer(d)
        record.results["mean"] = .numbers(pca.mean)
        record.results["eigenvalues"] = .numbers(pca.eigenvalues)
        record.results["explained_variance_ratio"] = .numbers(ratio)
        record.results["cumulative_explained_variance"] = .numbers(cumulative)
        // All components up to 100 of them (the digits have 64); wider data keep the leading 100 rows, so that
        // results.json stays small (1024 columns would otherwise write a million numbers).
        record.results["components"] = .rows(pca.components.rows(0..<min(d, Self.storedComponents)).rowArrays)
        record.results["reconstruction_mse"] = .numbers(mses)
        record.results["discarded_eigenvalue_sum"] = .numbers(discarded)
        record.results["total_variance"] = .number(pca.totalVariance)
        record.results["identity_max_relative_difference"] = .number(zip(mses, discarded).map { abs($0 - $1) }.max()! / scale)
        record.results["components_for_90_percent"] = .integer(pca.componentsNeeded(toExplain: 0.9))
        record.results["components_for_95_percent"] = .integer(pca.componentsNeeded(toExplain: 0.95))
        let zeroTolerance = 1e-10 * scale
        record.results["zero_eigenvalues"] = .integer(pca.eigenvalues.filter { $0 <= zeroTolerance }.count)
        let constantColumns = (0..<d).filter { j in (1..<n).allSatisfy { x[$0, j] == x[0, j] } }
        record.results["constant_columns"] = .integer(constantColumns.count)
        record.results["data"] = [
            "name": .string(data.name),
            "title": .string(isUserData ? data.name : "the digits"),
            "source": .string(isUserData ? "the file given with --data" : "Lessons/data/digits.csv (UCI optical digits, 8 × 8, grey levels 0–16)"),
            "is_user_data": .bool(isUserData),
            "is_images": .bool(isImages),
            "image_shape": data.imageShape.map { .array([.integer($0.rows), .integer($0.columns)]) } ?? .null,
            "column_names": .array(data.columnNames.map(JSONValue.string)),
            "has_labels": .bool(data.labels != nil),
        ]

        record.describe("n", "N, rows of the data set")
        record.describe("d", "D, columns of the data set")
        record.describe("data.title", "the data set of step 6")
        record.describe("total_variance", "tr S, total variance", PCARecord.covarianceConvention)
        for i in 0..<2 {
            record.describe("eigenvalues.\(i)", "λ\(subscriptDigit(i + 1)), eigenvalue \(i + 1) of S", PCARecord.eigenvalueConvention)
            record.describe("explained_variance_ratio.\(i)", "share of the variance along u\(subscriptDigit(i + 1))", "λᵢ / Σⱼ λⱼ")
        }
        record.describe("cumulative_explained_variance.1", "share of the variance kept by u₁ and u₂ together", "(λ₁ + λ₂) / Σⱼ λⱼ")
        record.describe("components_for_90_percent", "smallest q that keeps 90 % of the variance")
        record.describe("components_for_95_percent", "smallest q that keeps 95 % of the variance")
        record.describe("zero_eigenvalues", "eigenvalues that are zero", "λ ≤ 10⁻¹⁰ · tr S")
        record.describe("constant_columns", "constant columns of the data")
        record.describe("identity_max_relative_difference", "largest |MSE(q) − (sum of λᵢ for i > q)| / tr S over all q", "zero up to rounding: computed eigenvalues are accurate to about D·ε·λ₁ each (ε ≈ 2.2·10⁻¹⁶)")
        let shownQs = Self.reconstructionQs.filter { $0 <= d }
        for q in [1, 2] + shownQs {
            record.describe("reconstruction_mse.\(q)", "MSE(\(q)), reconstruction error with q = \(q)", PCARecord.mseConvention)
            record.describe("discarded_eigenvalue_sum.\(q)", "λ\(subscriptDigit(q + 1)) + … + λ_D, the eigenvalues discarded with q = \(q)", PCARecord.eigenvalueConvention)
        }

        // Tables.
        record.tables["reconstruction-identity"] = identityTable(shownQs, mses, discarded)
        record.tables["explained-variance"] = explainedVarianceTable(pca)
        record.tables["loadings"] = loadingsTable(pca)

        // Figures.
        record.figures["data-overview"] = .single(overviewFigure())
        record.figures["scree"] = .single(screeFigure(pca))
        record.figures["error-vs-q"] = .single(errorFigure(mses, discarded))
        record.figures["mean-and-components"] = .single(isImages ? eigenImagesFigure(pca) : loadingsFigure(pca))
        record.figures["reconstructions"] = .single(isImages ? reconstructionImagesFigure(pca, shownQs) : reconstructionProfilesFigure(pca))
        record.figures["pc-projection"] = .single(projectionFigure(pca))
    }

    // MARK: - Tables

    private func identityTable(_ qs: [Int], _ mses: [Double], _ discarded: [Double]) -> Table {
        Table(columns: ["q", "MSE(q) from the data", "sum of λᵢ for i > q", "difference"],
              rows: qs.map { q in [String(q), pcaCell(mses[q], digits: 6), pcaCell(discarded[q], digits: 6), pcaCell(mses[q] - discarded[q], digits: 2)] },
              caption: "Two independent computations for \(displayName): the mean squared distance from each row to its reconstruction, and the sum of the eigenvalues left out.")
    }

    private func explainedVarianceTable(_ pca: PCA) -> Table {
        let shown = min(pca.dimension, 10)
        let ratio = pca.explainedVarianceRatio, cumulative = pca.cumulativeExplainedVariance
        return Table(columns: ["i", "λᵢ", "λᵢ / Σλ", "cumulative"],
                     rows: (0..<shown).map { i in [String(i + 1), pcaCell(pca.eigenvalues[i]), pcaPercent(ratio[i]), pcaPercent(cumulative[i])] },
                     caption: "The first \(shown) of \(pca.dimension) eigenvalues of the 1/N covariance of \(displayName).")
    }

    /// The columns that weigh most in u₁ (all of them when there are at most 12), with their means and loadings.
    private func loadingsTable(_ pca: PCA) -> Table {
        let d = pca.dimension
        let u1 = pca.components.row(0), u2 = pca.components.row(1)
        let order = d <= 12 ? Array(0..<d) : Array((0..<d).sorted { abs(u1[$0]) > abs(u1[$1]) }.prefix(10))
        let caption = d <= 12
            ? "Each column's mean and its weight (loading) in the first two components of \(displayName)."
            : "The 10 of \(d) columns with the largest |weight| in u₁ of \(displayName), with their means and weights."
        return Table(columns: ["column", "mean μⱼ", "u₁ weight", "u₂ weight"],
                     rows: order.map { [data.columnNames[$0], pcaCell(pca.mean[$0]), pcaCell(u1[$0], digits: 3), pcaCell(u2[$0], digits: 3)] },
                     caption: caption)
    }

    // MARK: - Figures

    private func overviewFigure() -> Figure {
        if let shape = data.imageShape {
            let count = min(data.count, 100)
            let figure = Figure(width: 640, height: 720, title: isUserData ? "The first \(count) rows of \(data.name) as images" : "100 digits of the data set with their labels")
            let ax = figure.addAxes()
            let captions = data.labels.map { labels in (0..<count).map { String(labels[$0]) } }
                ?? (0..<count).map { "row \($0 + 1)" }
            ax.imageGrid(images: (0..<count).map { data.values.row($0) }, imageRows: shape.rows, imageColumns: shape.columns,
                         gridColumns: 10, captions: captions, colorMap: .greys, range: valueRange())
            return figure
        }
        let figure = Figure(width: 460, height: 345)
        let ax = figure.addAxes()
        ax.title = "\(data.name): the first two of \(data.dimension) columns (\(data.count) rows)"
        ax.xLabel = data.columnNames[0]
        ax.yLabel = data.columnNames[1]
        ax.scatter(x: data.values.column(0), y: data.values.column(1), color: .data, size: 2.5, alpha: 0.7, label: "rows of \(data.name)")
        ax.legend = .best
        return figure
    }

    private func screeFigure(_ pca: PCA) -> Figure {
        let shown = min(pca.dimension, 40)
        let figure = Figure(width: 460, height: 690, title: "Eigenvalues of S and the share of variance they keep")
        let axes = figure.subplots(rows: 2, columns: 1)
        let qs = (1...shown).map(Double.init)
        axes[0].title = shown < pca.dimension
            ? "Scree: λ₁ … λ\(subscriptDigit(shown)) (the first \(shown) of \(pca.dimension))"
            : "Scree: all \(shown) eigenvalues λᵢ"
        axes[0].xLabel = "component i"
        axes[0].yLabel = "λᵢ"
        axes[0].bars(x: qs, heights: Array(pca.eigenvalues[0..<shown]), width: 0.8, color: .data, label: nil)
        axes[0].legend = .none
        let cumulative = pca.cumulativeExplainedVariance
        let all = (0...pca.dimension).map(Double.init)
        axes[1].title = "Cumulative explained variance, q = 0 … \(pca.dimension)"
        axes[1].xLabel = "q, components kept"
        axes[1].yLabel = "share of Σλᵢ kept"
        axes[1].yLimits = 0...1.05
        axes[1].line(x: all, y: [0] + cumulative, color: .model, width: 1.8, label: "kept share")
        let q90 = pca.componentsNeeded(toExplain: 0.9)
        axes[1].horizontalLine(at: 0.9, color: .reference, dash: .dashed, label: nil)
        axes[1].verticalLine(at: Double(q90), color: .reference, dash: .dotted, label: "90 % at q = \(q90)")
        axes[1].scatter(x: [Double(q90)], y: [cumulative[q90 - 1]], color: .highlight, size: 4, alpha: 1)
        axes[1].legend = .lowerRight
        return figure
    }

    private func errorFigure(_ mses: [Double], _ discarded: [Double]) -> Figure {
        let figure = Figure(width: 460, height: 345, title: "Reconstruction error of \(displayName) against q")
        let ax = figure.addAxes()
        let qs = (0..<mses.count).map(Double.init)
        ax.xLabel = "q, components kept"
        ax.yLabel = "MSE(q)  (1/N)"
        ax.line(x: qs, y: discarded, color: .reference, width: 1.5, label: "sum of the discarded λᵢ")
        ax.scatter(x: qs, y: mses, color: .projection, size: 2.5, alpha: 1, label: "MSE(q) (from the data)")
        ax.legend = .upperRight
        return figure
    }

    private func eigenImagesFigure(_ pca: PCA) -> Figure {
        let shape = data.imageShape!
        let figure = Figure(width: 640, height: 370, title: isUserData ? "The mean row and the leading components as images" : "The mean digit and the leading eigen-digits")
        let axes = figure.subplots(rows: 1, columns: 2)
        // The mean as a heatmap: its colour bar gives the grey levels, its ticks the pixel positions.
        axes[0].title = isUserData ? "Mean row μ" : "Mean digit μ"
        axes[0].heatmap(values: pca.mean, rows: shape.rows, columns: shape.columns, colorMap: .greys, colorBarLabel: "mean value μⱼ")
        axes[0].xLabel = "pixel column"
        axes[0].yLabel = "pixel row"
        axes[0].equalAspect = true
        axes[0].legend = .none
        // One symmetric colour range for all components, so that their weights can be compared (each uᵢ has unit
        // length); the colour bar shows that shared range.
        let count = min(16, pca.dimension)
        let images = (0..<count).map { pca.components.row($0) }
        let largest = max(images.flatMap { $0 }.map(abs).max() ?? 1, .leastNormalMagnitude)
        axes[1].title = "u₁ … u\(subscriptDigit(count)) on one colour scale"
        axes[1].imageGrid(images: images, imageRows: shape.rows, imageColumns: shape.columns, gridColumns: 4,
                          captions: (1...count).map { "u\(subscriptDigit($0))" }, colorMap: .diverging, range: -largest...largest,
                          colorBar: true, colorBarLabel: "weight uᵢⱼ")
        return figure
    }

    /// The weights of u₁ and u₂ as horizontal bars, one pair per column, each pair under its column's name (names
    /// only up to 20 columns; the loadings table lists them for wider data).
    private func loadingsFigure(_ pca: PCA) -> Figure {
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
                        label: j == 0 ? "u\(subscriptDigit(i + 1)) (\(pcaPercent(ratio[i])) of variance)" : nil)
            }
        }
        ax.verticalLine(at: 0, color: .reference, dash: .solid, label: nil)
        if named {
            for j in 0..<d {
                let name = data.columnNames[j]
                let short = name.count > 30 ? String(name.prefix(29)) + "…" : name
                ax.text(short, x: -1.02, y: Double(j + 1) - 0.36, color: .reference, size: 9, anchor: .left)
            }
        }
        ax.legend = .best
        return figure
    }

    private func reconstructionImagesFigure(_ pca: PCA, _ qs: [Int]) -> Figure {
        let shape = data.imageShape!
        let rows = chosenRows()
        var images: [[Double]] = []
        var captions: [String] = []
        let x = Matrix(rows.map { data.values.row($0) })
        let reconstructions = qs.map { pca.reconstruct(x, dimensions: $0) }
        for (k, row) in rows.enumerated() {
            images.append(x.row(k))
            captions.append(data.labels.map { "original \($0[row])" } ?? "row \(row + 1)")
            for (m, q) in qs.enumerated() {
                images.append(reconstructions[m].row(k))
                captions.append("q = \(q)")
            }
        }
        let figure = Figure(width: 640, height: 70 + 92 * Double(rows.count),
                            title: "Originals (left) and their reconstructions from the first q components")
        let ax = figure.addAxes()
        ax.imageGrid(images: images, imageRows: shape.rows, imageColumns: shape.columns, gridColumns: qs.count + 1,
                     captions: captions, colorMap: .greys, range: valueRange())
        return figure
    }

    private func reconstructionProfilesFigure(_ pca: PCA) -> Figure {
        let rows = chosenRows().prefix(3)
        let d = pca.dimension
        let figure = Figure(width: 460, height: 345 * Double(rows.count), title: "Rows x and their reconstructions x̂ with q = 1 and q = 2")
        let axes = figure.subplots(rows: rows.count, columns: 1)
        let columns = (1...d).map(Double.init)
        let x = Matrix(rows.map { data.values.row($0) })
        for ax in axes { ax.xLimits = 0.5...(Double(d) + 0.5) }
        let q1 = pca.reconstruct(x, dimensions: 1), q2 = pca.reconstruct(x, dimensions: 2)
        for (k, row) in rows.enumerated() {
            let ax = axes[k]
            ax.title = "row \(row + 1)"
            ax.xLabel = "column j"
            ax.yLabel = "value xⱼ"
            ax.line(x: columns, y: q1.row(k), color: .projection, width: 1.2, dash: .dashed, label: k == 0 ? "x̂, q = 1" : nil)
            ax.line(x: columns, y: q2.row(k), color: .projection, width: 1.6, label: k == 0 ? "x̂, q = 2" : nil)
            ax.scatter(x: columns, y: x.row(k), color: .data, size: 3, alpha: 1, label: k == 0 ? "x" : nil)
            ax.legend = k == 0 ? .best : .none
        }
        return figure
    }

    private func projectionFigure(_ pca: PCA) -> Figure {
        let z = pca.transform(data.values, dimensions: 2)
        let ratio = pca.explainedVarianceRatio
        let figure = Figure(width: 460, height: 345, title: "\(isUserData ? data.name : "The digits") on the first two principal components")
        let ax = figure.addAxes()
        ax.xLabel = "z₁ = u₁ᵀ(x − μ)  (\(pcaPercent(ratio[0])) of variance)"
        ax.yLabel = "z₂ = u₂ᵀ(x − μ)  (\(pcaPercent(ratio[1])))"
        if let labels = data.labels {
            // Colour and marker shape per class, and the class digit at each class's centroid, so that the classes
            // can be told apart in greyscale too.
            let markers: [Marker] = [.circle, .square, .triangle, .diamond, .cross, .plus]
            let classes = Set(labels).sorted()
            for (k, label) in classes.enumerated() {
                let rows = labels.indices.filter { labels[$0] == label }
                ax.scatter(x: rows.map { z[$0, 0] }, y: rows.map { z[$0, 1] }, color: .category(label), size: 2.4,
                           marker: markers[k % markers.count], alpha: 0.75, label: String(label))
            }
            for label in classes {
                let rows = labels.indices.filter { labels[$0] == label }
                let cx = rows.map { z[$0, 0] }.reduce(0, +) / Double(rows.count)
                let cy = rows.map { z[$0, 1] }.reduce(0, +) / Double(rows.count)
                ax.text(String(label), x: cx, y: cy, color: .reference, size: 14, anchor: .center)
            }
            ax.legend = .outsideRight
        } else {
            ax.scatter(x: z.column(0), y: z.column(1), color: .data, size: 2.5, alpha: 0.7, label: "rows of \(data.name)")
            ax.legend = .best
        }
        return figure
    }

    // MARK: - Helpers

    /// Rows shown in the reconstruction figure: the first row of each of the labels 0–4 when there are labels,
    /// otherwise five rows spread evenly through the file.
    private func chosenRows() -> [Int] {
        if let labels = data.labels {
            let chosen = (0..<5).compactMap { label in labels.firstIndex(of: label) }
            if chosen.count == 5 { return chosen }
        }
        let n = data.count
        return Array(Set((0..<5).map { $0 * (n - 1) / 4 })).sorted()
    }

    /// The data's value range, for greyscale images (0–16 for the digits).
    private func valueRange() -> ClosedRange<Double> {
        let lo = data.values.elements.min() ?? 0, hi = data.values.elements.max() ?? 1
        return lo < hi ? lo...hi : lo...(lo + 1)
    }
}
