import Datasets
import Foundation
import LessonKit
import Testing

@testable import Lessons

/// The data sets the Lessons module ships (`LessonData`) and the options each lesson declares.
@Suite struct LessonDataTests {
    @Test func digitsLoadWithLabelsAndShape() throws {
        let digits = try LessonData.catalog(in: lessonsFolder).dataset(.digits)
        #expect(digits.count == 1797)
        #expect(digits.dimension == 64)
        #expect(digits.imageShape == Dataset.ImageShape(rows: 8, columns: 8))
        #expect(digits.labels?.count == 1797)
        #expect(Set(digits.labels ?? []) == Set(0...9))
        #expect(digits.values.elements.allSatisfy { (0...16).contains($0) && $0.rounded() == $0 })
        // The three constant-zero columns the data README lists (0-based 0, 32, 39).
        for j in [0, 32, 39] {
            #expect((0..<digits.count).allSatisfy { digits.values.elements[$0 * 64 + j] == 0 })
        }
        // First digit of the file is a 0 (label file line 2) whose first row of pixels is 0,0,5,13,9,1,0,0.
        #expect(digits.labels?.first == 0)
        #expect(Array(digits.values.elements[0..<8]) == [0, 0, 5, 13, 9, 1, 0, 0])
    }

    @Test func theDigitsEntryNamesItsFilesRelativeToTheLessonsFolder() throws {
        let catalog = LessonData.catalog(in: lessonsFolder)
        #expect(catalog.entries.map(\.name) == [.digits])
        #expect(catalog.entry(.digits)?.files == ["data/digits.csv", "data/digits_labels.csv"])
        #expect(catalog.loadedFiles.isEmpty, "nothing is read before a lesson asks")
        _ = try catalog.dataset(.digits)
        #expect(catalog.loadedFiles.map(\.path) == ["data/digits.csv", "data/digits_labels.csv"])
        #expect(catalog.loadedFiles.allSatisfy { FileManager.default.fileExists(atPath: $0.url.path) })
    }

    /// Each lesson declares its options in its own file; the command line reads them from here.
    @Test func eachLessonDeclaresItsOptions() {
        let declared = Dictionary(uniqueKeysWithValues: LessonCatalog.all.map { ($0.slug, $0.acceptedOptions) })
        #expect(declared == ["pca": [.data], "ppca": [.data, .latentDimension], "linear-family": [.data, .latentDimension],
                             "nonlinear": [], "vae": []])
        #expect(LessonOption.data.takers(in: LessonCatalog.all).map(\.slug) == ["pca", "ppca", "linear-family"])
        #expect(LessonOption.latentDimension.takers(in: LessonCatalog.all).map(\.slug) == ["ppca", "linear-family"])
        #expect(LessonCatalog.all.filter(\.acceptsMissingValues).map(\.slug) == ["linear-family"])
        for option in [LessonOption.data, .latentDimension] {
            #expect(option.flag.hasPrefix("--") && !option.help.isEmpty && !option.help.contains("\n"))
        }
    }

    /// A lesson given a catalogue whose files are missing fails with the data set, file and folder in the message.
    @Test func aLessonAskingForMissingDataSaysWhichFile() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("lvm-no-data-\(UUID().uuidString)")
        let context = LessonContext(lesson: "pca", seed: 1, quick: true, data: LessonData.catalog(in: empty))
        #expect(throws: DataCatalogError.missingFile(.digits, file: "data/digits.csv", root: empty.path)) {
            try PCALesson().run(context)
        }
    }
}
