import Datasets
import Foundation
import Testing

@testable import Lessons

/// The PCA lesson on two real data sets we did not make up (`Lessons/data/examples/`, provenance in its README):
/// Fisher's iris and the UCI wine data. (The loader's own checks on these files are in
/// `DatasetsTests/DatasetRealCSVTests`.)
@Suite struct PCARealDataTests {
    static let examples = lessonsFolder.appendingPathComponent("data/examples")

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
