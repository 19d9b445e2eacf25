import Datasets
import Foundation
import LessonKit
import Lessons
import Plotting
import Synchronization
import Testing
@testable import Report

/// Text-only rebuilds (`IncrementalRebuild`): a lesson whose inputs have not changed is not run again, and the report
/// is the same bytes as a clean build of the same texts.
@Suite struct IncrementalRebuildTests {
    /// Counts the runs of the lessons that share it.
    final class RunCounter: Sendable {
        private let runs = Mutex(0)
        func add() { runs.withLock { $0 += 1 } }
        var value: Int { runs.withLock { $0 } }
    }

    /// The test lesson, counting its runs.
    struct CountedLesson: Lesson {
        var inner = TestLesson()
        let counter: RunCounter
        var slug: String { inner.slug }
        var textFileName: String { inner.textFileName }
        var acceptedOptions: [LessonOption] { inner.acceptedOptions }
        func run(_ context: LessonContext) throws -> LessonResult {
            counter.add()
            return try inner.run(context)
        }
    }

    static func build(_ options: BuildOptions) throws -> BuildSummary {
        try ReportBuilder(options: options, progress: silentProgress()).build()
    }

    static let edited = TestLesson.text.replacingOccurrences(of: "It took {{em.iterations}} iterations", with: "EM needed {{em.iterations}} iterations here")

    @Test func aTextOnlyRebuildRunsNoLessonAndGivesTheBytesOfACleanBuild() throws {
        let scratch = Scratch()
        let folder = try scratch.lessonsFolder()
        let counter = RunCounter()
        let options = scratch.options(lessons: [CountedLesson(counter: counter)], lessonsFolder: folder)
        #expect(try Self.build(options).reusedLessons == [])
        #expect(counter.value == 1)

        try Self.edited.write(to: folder.appendingPathComponent("01-demo.md"), atomically: true, encoding: .utf8)
        let summary = try Self.build(options)
        #expect(summary.reusedLessons == ["demo"])
        #expect(counter.value == 1, "the lesson ran again although only its text changed")
        let rebuilt = Scratch.tree(options.outputDirectory)
        #expect(String(decoding: rebuilt["demo/index.html"] ?? Data(), as: UTF8.self).contains("EM needed"))

        let clean = scratch.options(out: "clean", lessonsFolder: folder)
        _ = try Self.build(clean)
        let expected = Scratch.tree(clean.outputDirectory)
        #expect(rebuilt.keys.sorted() == expected.keys.sorted())
        for (path, bytes) in expected { #expect(rebuilt[path] == bytes, "\(path) differs from a clean build") }
    }

    @Test func aChangedSeedComputesTheLessonAgain() throws {
        let scratch = Scratch()
        let folder = try scratch.lessonsFolder()
        let counter = RunCounter()
        var options = scratch.options(lessons: [CountedLesson(counter: counter)], lessonsFolder: folder)
        _ = try Self.build(options)
        options.seed = 8
        #expect(try Self.build(options).reusedLessons == [])
        #expect(counter.value == 2)
        var clean = scratch.options(out: "clean", lessonsFolder: folder)
        clean.seed = 8
        _ = try Self.build(clean)
        #expect(Scratch.tree(options.outputDirectory) == Scratch.tree(clean.outputDirectory))
    }

    @Test func aChangedDataFileComputesTheLessonAgain() throws {
        let scratch = Scratch()
        let folder = try scratch.lessonsFolder()
        let counter = RunCounter()
        let options = scratch.options(lessons: [CountedLesson(counter: counter)], lessonsFolder: folder)
        _ = try Self.build(options)
        let digits = folder.appendingPathComponent("data/digits_labels.csv")
        var text = try String(contentsOf: digits, encoding: .utf8)
        text = text.replacingOccurrences(of: "\n0\n", with: "\n1\n")
        try text.write(to: digits, atomically: true, encoding: .utf8)
        #expect(try Self.build(options).reusedLessons == [])
        #expect(counter.value == 2)
    }

    @Test func aFigureFileChangedInTheReportIsNotTrusted() throws {
        let scratch = Scratch()
        let folder = try scratch.lessonsFolder()
        let counter = RunCounter()
        let options = scratch.options(lessons: [CountedLesson(counter: counter)], lessonsFolder: folder)
        _ = try Self.build(options)
        try Data("not a png".utf8).write(to: options.outputDirectory.appendingPathComponent("demo/figures/scatter-plot.png"))
        #expect(try Self.build(options).reusedLessons == [])
        #expect(counter.value == 2)
        let clean = scratch.options(out: "clean", lessonsFolder: folder)
        _ = try Self.build(clean)
        #expect(Scratch.tree(options.outputDirectory) == Scratch.tree(clean.outputDirectory))
    }

    /// The paths a reused lesson takes from the previous report are exactly those its figures make (`renderJobs`).
    @Test func theFigurePathsOfASnapshotAreThoseTheBuildWrites() throws {
        let scratch = Scratch()
        let folder = try scratch.lessonsFolder()
        for formats in [[ImageFormat.png], [.png, .svg, .pdf]] {
            var options = scratch.options(lessonsFolder: folder)
            options.formats = formats
            let builder = ReportBuilder(options: options, progress: silentProgress())
            let context = LessonContext(lesson: "demo", seed: 7, quick: true, data: DataCatalog(root: folder, entries: LessonData.entries))
            let result = try TestLesson().run(context)
            let text = try LessonText.load(folder.appendingPathComponent("01-demo.md"))
            let snapshot = LessonSnapshot(key: "", datasets: [], result: result, warnings: [])
            let item = ReportBuilder.ComputedLesson(lesson: TestLesson(), text: text, snapshot: snapshot, result: result)
            let written = builder.renderJobs(item).flatMap { $0.outputs.map(\.path) }
            #expect(builder.figurePaths(slug: "demo", figures: snapshot.figures) == written)
            #expect(written.contains { $0.contains("/narrow/") }, "the scatter plot is wide enough for a phone version")
        }
    }

    @Test func aSnapshotSurvivesItsFileUnchanged() throws {
        let scratch = Scratch()
        let folder = try scratch.lessonsFolder()
        let context = LessonContext(lesson: "demo", seed: 7, quick: true, data: DataCatalog(root: folder, entries: LessonData.entries))
        var result = try TestLesson().run(context)
        result.results["odd"] = .array([.number(.nan), .number(-.infinity), .number(0.1 + 0.2), .integer(3), .number(3)])
        let snapshot = LessonSnapshot(key: "k", datasets: ["digits"], result: result, warnings: ["w"])
        let decoded = try #require(LessonSnapshot.decode(try snapshot.encoded()))
        #expect(try decoded.encoded() == snapshot.encoded())
        #expect(decoded.results["odd"].map { "\($0)" } == "array([LessonKit.JSONValue.number(nan), LessonKit.JSONValue.number(-inf), LessonKit.JSONValue.number(0.30000000000000004), LessonKit.JSONValue.integer(3), LessonKit.JSONValue.number(3.0)])")
        #expect(decoded.results["sigma2"] == snapshot.results["sigma2"] && decoded.results["em"] == snapshot.results["em"])
        #expect(decoded.tables == snapshot.tables && decoded.quantities == snapshot.quantities && decoded.figures == snapshot.figures)
    }
}
