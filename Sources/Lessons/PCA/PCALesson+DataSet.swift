import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting

/// The data set of steps 6 and 7 — the digits, or the user's CSV — and how the page names it. Image data (columns
/// `pixel_R_C`) get image figures, other data figures of the same names without images, so the text always resolves.
struct PCADataSet: Sendable {
    let data: Dataset
    let isUserData: Bool

    var title: String { isUserData ? data.name : "the digits" }

    /// `results.json`'s `data` object.
    var description: JSONValue {
        [
            "name": .string(data.name),
            "title": .string(title),
            "source": .string(isUserData ? "the file given with --data" : "Lessons/data/digits.csv (UCI optical digits, 8 × 8, grey levels 0–16)"),
            "is_user_data": .bool(isUserData),
            "is_images": .bool(data.imageShape != nil),
            "image_shape": data.imageShape.map { .array([.integer($0.rows), .integer($0.columns)]) } ?? .null,
            "column_names": .array(data.columnNames.map(JSONValue.string)),
            "has_labels": .bool(data.labels != nil),
            "label_column": data.labelColumn.map(JSONValue.string) ?? .null,
            "classes": data.classNames.map { JSONValue.array($0.map(JSONValue.string)) } ?? .null,
            "preprocessing": .string(Self.preprocessing(data)),
        ]
    }

    /// What was done to the values before PCA, in words (the pages and `results.json` say the same).
    static func preprocessing(_ data: Dataset) -> String {
        data.standardization == nil ? "raw values (not standardised)"
            : "standardised: each column centred and divided by its 1/N standard deviation (--standardize)"
    }
}

extension PCALesson {
    /// At most this many components (rows) are written to `results.json`.
    static let storedComponents = 100

    /// The q of the reconstruction figure and table (those ≤ D are used).
    static let reconstructionQs = [1, 2, 5, 10, 20, 40]

    /// An eigenvalue counts as zero when λ ≤ this fraction of tr S.
    static let zeroEigenvalueFraction = 1e-10

    /// Step 6 — the eigenvalues λ₁ ≥ … ≥ λ_D of the data's S, the shares λᵢ / Σⱼ λⱼ they explain, how many
    /// components keep 90 % and 95 %, and MSE(q) against the discarded eigenvalues for every q.
    func screeAndChoosingQ(_ dataSet: PCADataSet, _ pca: PCA, _ errors: (mse: [Double], discarded: [Double]),
                           _ page: inout LessonRecorder) {
        let x = dataSet.data.values  // (N, D)
        let (n, d) = (pca.count, pca.dimension)
        let scale = max(pca.totalVariance, .leastNormalMagnitude)
        let zeroEigenvalues = pca.eigenvalues.filter { $0 <= Self.zeroEigenvalueFraction * scale }.count
        let constantColumns = (0..<d).filter { j in (1..<n).allSatisfy { x[$0, j] == x[0, j] } }.count
        page.value("total_variance", pca.totalVariance, "tr S, total variance", .pcaCovariance)
        page.store(pca.mean, at: "mean")
        page.store(pca.eigenvalues, at: "eigenvalues")
        page.store(pca.explainedVarianceRatio, at: "explained_variance_ratio")
        page.store(pca.cumulativeExplainedVariance, at: "cumulative_explained_variance")
        for i in 0..<2 {
            let index = NumberFormat.subscript(i + 1)
            page.label("eigenvalues.\(i)", "λ\(index), eigenvalue \(i + 1) of S", .pcaEigenvalues)
            page.label("explained_variance_ratio.\(i)", "share of the variance along u\(index)", .pcaShareOfVariance)
        }
        page.label("cumulative_explained_variance.1", "share of the variance kept by u₁ and u₂ together", "(λ₁ + λ₂) / Σⱼ λⱼ")
        // Wider data keep the leading 100 rows: 1024 columns would otherwise write a million numbers.
        page.store(pca.components.rows(0..<min(d, Self.storedComponents)), at: "components")
        page.value("components_for_90_percent", pca.componentsNeeded(toExplain: 0.9), "smallest q that keeps 90 % of the variance")
        page.value("components_for_95_percent", pca.componentsNeeded(toExplain: 0.95), "smallest q that keeps 95 % of the variance")
        page.value("zero_eigenvalues", zeroEigenvalues, "eigenvalues that are zero", "λ ≤ 10⁻¹⁰ · tr S")
        page.value("constant_columns", constantColumns, "constant columns of the data")
        page.table("explained-variance", PCATables.explainedVariance(pca, dataSet))
        page.figure("scree", PCAFigures.scree(pca, componentsFor90Percent: pca.componentsNeeded(toExplain: 0.9)))
        page.figure("error-vs-q", PCAFigures.errorAgainstQ(mse: errors.mse, discarded: errors.discarded, dataSet))
    }

    /// Step 7 — the components uᵢ (as images for image data), the reconstructions x̂ = μ + Σ_{i≤q} zᵢ uᵢ of a few
    /// rows, and every row's code (z₁, z₂).
    func componentsAndReconstructions(_ dataSet: PCADataSet, _ pca: PCA, _ page: inout LessonRecorder) {
        let x = dataSet.data.values  // (N, D)
        let d = pca.dimension
        page.table("loadings", PCATables.loadings(pca, dataSet))
        // Images: 5 rows with every q of the figure; other data: 3 rows as profiles with q = 1 and 2.
        let shape = dataSet.data.imageShape
        let rows = Array(dataSet.data.exampleRows(count: 5).prefix(shape == nil ? 3 : 5))
        let qs = shape == nil ? [1, 2] : Self.reconstructionQs.filter { $0 <= d }
        let originals = Matrix(rows.map { x.row($0) })                                // (rows, D)
        let reconstructions = qs.map { pca.reconstruct(originals, dimensions: $0) }  // each (rows, D)
        if let shape {
            // Two frames: one shared colour scale, then each component on its own (a reader's toggle).
            page.frames("mean-and-components", [
                ("one colour scale for all", PCAFigures.eigenImages(pca, shape: shape, dataSet, eachOnItsOwnScale: false)),
                ("each on its own scale", PCAFigures.eigenImages(pca, shape: shape, dataSet, eachOnItsOwnScale: true)),
            ], steps: [0, 1], columns: 1, title: "The mean and the leading components: one colour scale, then each on its own")
            page.figure("reconstructions", PCAFigures.reconstructionImages(
                rows: rows, originals: originals, qs: qs, reconstructions: reconstructions, shape: shape, dataSet))
        } else {
            page.figure("mean-and-components", PCAFigures.loadings(pca, dataSet))
            page.figure("reconstructions", PCAFigures.reconstructionProfiles(
                rows: rows, originals: originals, q1: reconstructions[0], q2: reconstructions[1]))
        }
        let scores = pca.transform(x, dimensions: 2)  // (N, 2): the code (z₁, z₂) of every row
        page.figure("pc-projection", PCAFigures.principalComponentMap(scores, ratio: pca.explainedVarianceRatio, dataSet))
    }
}
