import LessonKit
import LinearAlgebra
import Models

/// The PCA lesson's tables: typed cells (numbers with their style), formatted by the report like `{{path|style}}`.
enum PCATables {
    /// Step 2: the covariance of the cloud with both normalisations, and the Σ it was drawn from.
    static func covariance(_ s: Matrix, unbiased: Matrix, truth: Matrix, count: Int) -> Table {
        func row(_ name: String, _ m: Matrix) -> [TableCell] {
            [.text(name), .number(m[0, 0]), .number(m[0, 1]), .number(m[1, 1])]
        }
        return Table(columns: ["", "entry (1,1)", "entry (1,2)", "entry (2,2)"],
                     rows: [row("S, 1/N (used)", s), row("1/(N−1)", unbiased), row("true Σ", truth)],
                     caption: "The covariance of the \(count) points with both normalisations, and the Σ they were drawn from.")
    }

    /// Step 4: MSE(q) from the rows against Σ_{i>q} λᵢ, for the q of the reconstruction figure.
    static func identity(_ qs: [Int], mse: [Double], discarded: [Double], _ dataSet: PCADataSet) -> Table {
        Table(columns: ["q", "MSE(q) from the data", "sum of λᵢ for i > q", "difference"],
              rows: qs.map { q in
                  [.integer(q), .number(mse[q], .significant(6)), .number(discarded[q], .significant(6)),
                   .number(mse[q] - discarded[q], .significant(2))]
              },
              caption: "Two independent computations for \(dataSet.title): the mean squared distance from each row to its reconstruction, and the sum of the eigenvalues left out.")
    }

    /// Step 6: the first 10 eigenvalues with the share of the variance each explains and the running share.
    static func explainedVariance(_ pca: PCA, _ dataSet: PCADataSet) -> Table {
        let shown = min(pca.dimension, 10)
        let ratio = pca.explainedVarianceRatio, cumulative = pca.cumulativeExplainedVariance
        return Table(columns: ["i", "λᵢ", "λᵢ / Σλ", "cumulative"],
                     rows: (0..<shown).map { i in
                         [.integer(i + 1), .number(pca.eigenvalues[i], .significant(4)), .number(ratio[i], .percent(1)),
                          .number(cumulative[i], .percent(1))]
                     },
                     caption: "The first \(shown) of \(pca.dimension) eigenvalues of the 1/N covariance of \(dataSet.title).")
    }

    /// Step 6: the columns that weigh most in u₁ (all of them when at most 12), with their means and loadings.
    static func loadings(_ pca: PCA, _ dataSet: PCADataSet) -> Table {
        let d = pca.dimension
        let u1 = pca.components.row(0), u2 = pca.components.row(1)
        let order = d <= 12 ? Array(0..<d) : Array((0..<d).sorted { abs(u1[$0]) > abs(u1[$1]) }.prefix(10))
        let caption = d <= 12
            ? "Each column's mean and its weight (loading) in the first two components of \(dataSet.title)."
            : "The 10 of \(d) columns with the largest |weight| in u₁ of \(dataSet.title), with their means and weights."
        return Table(columns: ["column", "mean μⱼ", "u₁ weight", "u₂ weight"],
                     rows: order.map { j in
                         [.text(dataSet.data.columnNames[j]), .number(pca.mean[j], .significant(4)),
                          .number(u1[j], .significant(3)), .number(u2[j], .significant(3))]
                     },
                     caption: caption)
    }
}
