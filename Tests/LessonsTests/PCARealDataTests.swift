import Datasets
import Foundation
import LessonKit
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
        try LessonContractTests.expectReferencesResolve(PCALesson(), lessonsFolder: lessonsFolder, result: result)
        let root = JSONValue.object(result.results)
        #expect(root.value(at: "data.title") == .string(file))
        #expect(root.value(at: "d") == .integer(data.dimension))
        // The loadings table names the columns from the header.
        let loadings = try #require(result.tables["loadings"])
        #expect(Set(loadings.rows.map { $0[0] }).isSubset(of: Set(data.columnNames.map(TableCell.text))))
    }
}
