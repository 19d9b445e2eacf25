import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Lessons
import Testing
@testable import Report

/// Adding a lesson is a folder, a Markdown text and a catalogue line: the fourth lesson of this folder gets the whole
/// lesson contract and builds into a site beside the three real ones without a change to Lessons, Report or the CLI.
@Suite(.serialized) struct FourthLessonTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

    /// The catalogue with the fourth lesson's line.
    static let catalogue: [any Lesson] = LessonCatalog.all + [FourthLesson()]

    /// A lessons folder: the repository's texts and data, and the fourth lesson's text.
    static func lessonsFolderWithTheFourthText() throws -> URL {
        let temp = FileManager.default.temporaryDirectory.appendingPathComponent("fourth-lesson-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
        for entry in try FileManager.default.contentsOfDirectory(atPath: lessonsFolder.path) {
            try FileManager.default.createSymbolicLink(at: temp.appendingPathComponent(entry),
                                                       withDestinationURL: lessonsFolder.appendingPathComponent(entry))
        }
        try FileManager.default.copyItem(at: folder.appendingPathComponent("04-fourth.md"), to: temp.appendingPathComponent("04-fourth.md"))
        return temp
    }

    /// The second-moment identity, from the draws regenerated here and sums written here (pairwise by halves).
    static let recompute: RecomputeChecks = { check, inputs in
        guard check.name == "draws.second_moment" else { return nil }
        var random = StepRandom.generator(seed: inputs.seed, lesson: "fourth", step: "draws")
        let x = (0..<64).map { _ in random.nextStandardNormal() }
        func sum(_ v: ArraySlice<Double>) -> Double { v.count <= 2 ? v.reduce(0, +) : sum(v.prefix(v.count / 2)) + sum(v.dropFirst(v.count / 2)) }
        let n = Double(x.count)
        let mean = sum(x[...]) / n
        let variance = sum(x.map { ($0 - mean) * ($0 - mean) }[...]) / n
        return Recomputed(expected: variance + mean * mean, computed: sum(x.map { $0 * $0 }[...]) / n,
                          expectedAgreement: 64 * .ulpOfOne, computedAgreement: 64 * .ulpOfOne)
    }

    @Test func theFourthLessonKeepsTheLessonContract() throws {
        let lesson = FourthLesson()
        let lessons = try Self.lessonsFolderWithTheFourthText()
        defer { try? FileManager.default.removeItem(at: lessons) }
        try LessonContractTests.expectReferencesResolve(lesson, lessonsFolder: lessons)
        try LessonContractTests.expectFiguresFit(lesson)
        try LessonContractTests.expectSameBytes(lesson)
        try LessonContractTests.expectChecksHold(lesson, recompute: Self.recompute)
    }

    @Test func theCatalogueWithOneMoreLineBuildsAFourLessonSite() throws {
        let lessons = try Self.lessonsFolderWithTheFourthText()
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("fourth-site-\(UUID().uuidString)")
        defer {
            try? FileManager.default.removeItem(at: lessons)
            try? FileManager.default.removeItem(at: out)
        }
        let options = BuildOptions(lessons: Self.catalogue, outputDirectory: out, quick: true, lessonsDirectory: lessons, datasets: LessonData.entries, scale: 1)
        _ = try ReportBuilder(options: options, progress: ProgressReporter(mode: .quiet, sink: { _ in })).build()
        let page = try String(contentsOf: out.appendingPathComponent("fourth/index.html"), encoding: .utf8)
        #expect(page.contains("A fourth lesson"))
        #expect(page.contains("N, draws from N(0, 1)"))
        let index = try String(contentsOf: out.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("fourth/index.html"))
        let results = try String(contentsOf: out.appendingPathComponent("fourth/results.json"), encoding: .utf8)
        #expect(results.contains("\"draws.second_moment\""))
        #expect(results.contains("\"digits_rows\": 1797"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("fourth/figures/draws.png").path))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("fourth/frames/running-mean/004.png").path))
        for slug in ["pca", "ppca", "nonlinear"] {
            #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("\(slug)/index.html").path))
        }
    }
}
