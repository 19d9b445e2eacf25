import Foundation
import LinearAlgebra
import Models
import Testing

@testable import Lessons

/// The loader and the PCA lesson on two real data sets we did not make up (`Lessons/data/examples/`, provenance in
/// its README): Fisher's iris and the UCI wine data.
@Suite struct DatasetRealCSVTests {
    static let examples = lessonsFolder.appendingPathComponent("data/examples")

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

    @Test(arguments: ["iris.csv", "wine.csv"])
    func lessonRunsAndEveryReferenceResolves(_ file: String) throws {
        let data = try Dataset.load(csv: Self.examples.appendingPathComponent(file))
        let result = try PCALesson().run(pcaContext(userData: data))
        let text = try String(contentsOf: lessonsFolder.appendingPathComponent("01-pca.md"), encoding: .utf8)
        let references = LessonTextReferences(text)
        let root = JSONValue.object(result.results)
        for path in references.values { #expect(root.value(at: path) != nil, "{{\(path)}} (\(file))") }
        for name in references.figures { #expect(result.figures[name] != nil, "figure \(name) (\(file))") }
        for name in references.tables { #expect(result.tables[name] != nil, "table \(name) (\(file))") }
        #expect(root.value(at: "data.title") == .string(file))
        #expect(root.value(at: "d") == .integer(data.dimension))
        // The loadings table names the columns from the header.
        let loadings = try #require(result.tables["loadings"])
        #expect(Set(loadings.rows.map { $0[0] }).isSubset(of: Set(data.columnNames.map(TableCell.text))))
    }
}
