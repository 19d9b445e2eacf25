import Foundation
import LinearAlgebra
import Models
import Testing

@testable import Datasets

/// The loader on two real data sets we did not make up (`Lessons/data/examples/`, provenance in its README): Fisher's
/// iris and the UCI wine data, checked against published PCA results. (The PCA lesson on the same files is tested in
/// `LessonsTests/PCARealDataTests`.)
@Suite struct DatasetRealCSVTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Lessons/data/examples")

    /// Iris: the explained-variance ratios of its PCA are a widely printed reference — scikit-learn's "Comparison of
    /// LDA and PCA 2D projection of Iris dataset" example prints [0.92461872, 0.05306648] (ratios do not depend on
    /// the 1/N or 1/(N−1) normalisation). Tolerance 5·10⁻⁹: the printed values have 8 decimals.
    @Test func irisMatchesThePublishedExplainedVariance() throws {
        let iris = try Dataset.load(csv: Self.examples.appendingPathComponent("iris.csv"))
        #expect(iris.count == 150)
        #expect(iris.dimension == 4)
        #expect(iris.columnNames == ["sepal length (cm)", "sepal width (cm)", "petal length (cm)", "petal width (cm)"])
        #expect(iris.imageShape == nil)
        #expect(iris.values.row(0) == [5.1, 3.5, 1.4, 0.2])
        let pca = try PCA(fitting: iris.values)
        #expect(abs(pca.explainedVarianceRatio[0] - 0.92461872) <= 5e-9)
        #expect(abs(pca.explainedVarianceRatio[1] - 0.05306648) <= 5e-9)
        // The first component is mostly petal length (its largest weight).
        let u1 = pca.components.row(0)
        #expect(u1.indices.max { abs(u1[$0]) < abs(u1[$1]) } == 2)
    }

    /// Wine: unscaled columns, so the first component is almost exactly the proline axis.
    @Test func wineIsDominatedByItsLargestScaleColumn() throws {
        let wine = try Dataset.load(csv: Self.examples.appendingPathComponent("wine.csv"))
        #expect(wine.count == 178)
        #expect(wine.dimension == 13)
        #expect(wine.columnNames.last == "proline")
        let pca = try PCA(fitting: wine.values)
        #expect(pca.explainedVarianceRatio[0] > 0.99)
        #expect(pca.components[0, 12] > 0.99)
    }
}
