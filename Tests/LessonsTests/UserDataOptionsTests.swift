import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Testing

@testable import Lessons

/// `--labels` and `--standardize` as the lessons see them: a standardised table with named classes. The pages say
/// what was done to the values, results.json lists the label column and the classes, and every reference resolves.
@Suite struct UserDataOptionsTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Lessons")

    static func labelledTable() throws -> Dataset {
        var data = ppcaUserData(columns: 4, rows: 90)
        data.labels = (0..<90).map { $0 % 3 }
        data.classNames = ["alpha", "beta", "gamma"]
        data.labelColumn = "kind"
        return try data.standardized()
    }

    @Test(arguments: ["pca", "ppca"])
    func theDataObjectSaysWhatWasDone(_ slug: String) throws {
        let data = try Self.labelledTable()
        let lesson = LessonCatalog.lesson(slug: slug)!
        let result = try lesson.run(LessonContext(lesson: slug, seed: 7, quick: true, data: sharedData, userData: data))
        let object = try #require(result.results["data"])
        #expect(object.value(at: "label_column") == .string("kind"))
        #expect(object.value(at: "classes") == .array(["alpha", "beta", "gamma"]))
        guard case .string(let words)? = object.value(at: "preprocessing") else { Issue.record("no preprocessing"); return }
        #expect(words.contains("standardised") && words.contains("1/N"))
        try LessonContractTests.expectReferencesResolve(lesson, lessonsFolder: Self.folder, result: result)
    }
}
