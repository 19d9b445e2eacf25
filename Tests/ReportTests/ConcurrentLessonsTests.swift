import Datasets
import Foundation
import LessonKit
import Lessons
import Testing
import _TestSupport
@testable import Report

/// Lessons computed at once (one per core): the same site as one at a time, each lesson's data sets known apart,
/// the first failure in lesson order reported, and the progress printed as one block per lesson.
@Suite struct ConcurrentLessonsTests {
    /// A second lesson that reads no data set and waits a little, so that it is still running when the first ends.
    struct QuietLesson: Lesson {
        var slug = "second"
        var textFileName = "02-second.md"
        var acceptedOptions: [LessonOption] { [] }
        var computeCost: Double { 5 }
        var failure: String?
        func run(_ context: LessonContext) throws -> LessonResult {
            context.progress("waiting", nil)
            Thread.sleep(forTimeInterval: 0.2)
            context.progress("done", 1)
            if let failure { throw TestLesson.Failure(description: failure) }
            return LessonResult(results: ["seed": .string(String(context.seed))], quantities: ["seed": Quantity("seed")])
        }
        static let text = """
        ---
        title: Second
        summary: A second lesson.
        ---
        ## The seed

        The seed is {{seed}}.
        """
    }

    func folder(_ scratch: Scratch) throws -> URL {
        let folder = try scratch.lessonsFolder()
        try QuietLesson.text.write(to: folder.appendingPathComponent("02-second.md"), atomically: true, encoding: .utf8)
        return folder
    }

    @Test func twoLessonsAtOnceGiveTheSameBytesAndTheirOwnDataSets() throws {
        let scratch = Scratch()
        let folder = try folder(scratch)
        var first = scratch.options(lessons: [TestLesson(), QuietLesson()], out: "one", lessonsFolder: folder)
        first.reuse = false
        var second = first
        second.outputDirectory = scratch.root.appendingPathComponent("two")
        _ = try ReportBuilder(options: first, progress: silentProgress()).build()
        _ = try ReportBuilder(options: second, progress: silentProgress()).build()
        #expect(Scratch.tree(first.outputDirectory) == Scratch.tree(second.outputDirectory))
        // Each lesson's snapshot lists the data sets it asked for, whatever ran beside it.
        let cache = OutputFolder(first.outputDirectory).cacheFolder
        let demo = try #require(LessonSnapshot.decode(try Data(contentsOf: cache.appendingPathComponent("demo.json"))))
        let quiet = try #require(LessonSnapshot.decode(try Data(contentsOf: cache.appendingPathComponent("second.json"))))
        #expect(demo.datasets == ["digits"])
        #expect(quiet.datasets.isEmpty)
    }

    @Test func theFirstFailureInLessonOrderIsReported() throws {
        let scratch = Scratch()
        let folder = try folder(scratch)
        let cases: [([any Lesson], ReportError)] = [
            ([TestLesson(failure: "first"), QuietLesson(failure: "second")], .lessonFailed(slug: "demo", reason: "first")),
            ([TestLesson(), QuietLesson(failure: "second")], .lessonFailed(slug: "second", reason: "second")),
        ]
        for (lessons, expected) in cases {
            let options = scratch.options(lessons: lessons, lessonsFolder: folder)
            #expect(throws: expected) { try ReportBuilder(options: options, progress: silentProgress()).build() }
            #expect(!FileManager.default.fileExists(atPath: options.outputDirectory.path))
        }
    }

    /// Two lessons whose lines interleave print as two whole blocks, in the order they started, each step with its own
    /// time; the second's lines wait until the first has finished.
    @Test func progressPrintsOneBlockPerLessonInTheOrderTheyStarted() {
        let lines = Lines()
        let progress = ProgressReporter(mode: .lines, sink: { lines.append($0) })
        progress.lessonStarted("a", index: 1, count: 2)
        progress.lessonStarted("b", index: 2, count: 2)
        progress.lessonProgress("b one", nil, lesson: "b")
        progress.lessonProgress("a one", nil, lesson: "a")
        progress.lessonProgress("b two", nil, lesson: "b")
        #expect(!lines.text.contains("[2/2] b"), "b's block waits for a's")
        progress.lessonFinished("b", duration: .seconds(2))
        progress.lessonProgress("a two", nil, lesson: "a")
        progress.lessonFinished("a", duration: .seconds(1))
        let expected = ["[1/2] a", "    a one ", "    a two ", "  a: computed in ",
                        "[2/2] b", "    b one ", "    b two ", "  b: computed in "]
        #expect(lines.text.split(separator: "\n").count == expected.count)
        for (line, start) in zip(lines.text.split(separator: "\n"), expected) { #expect(line.hasPrefix(start), "\(line)") }
    }
}
