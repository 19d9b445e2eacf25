import Foundation
import LessonKit
import Lessons
import Testing
@testable import Report

/// A lessons folder is recognised by the texts of the catalogue's lessons, not by a fixed file name.
@Suite struct LessonsDirectoryTests {
    /// Two made-up lessons, so the test does not depend on the shipped ones' file names.
    struct Named: Lesson {
        var slug: String
        var textFileName: String
        var acceptedOptions: [LessonOption] { [] }
        func run(_ context: LessonContext) throws -> LessonResult { LessonResult() }
    }
    static let lessons: [any Lesson] = [Named(slug: "one", textFileName: "10-one.md"), Named(slug: "two", textFileName: "20-two.md")]

    /// `root/Lessons` with the given texts.
    static func folder(in root: URL, texts: [String]) throws -> URL {
        let folder = root.appendingPathComponent("Lessons")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for text in texts { try "---\ntitle: T\n---\n".write(to: folder.appendingPathComponent(text), atomically: true, encoding: .utf8) }
        return folder
    }

    @Test func aFolderIsALessonsFolderWhenItHoldsEveryText() throws {
        let scratch = Scratch()
        let folder = try Self.folder(in: scratch.root, texts: ["10-one.md"])
        #expect(LessonsDirectory.missingTexts(in: folder, of: Self.lessons) == ["20-two.md"])
        #expect(!LessonsDirectory.isLessonsFolder(folder, of: Self.lessons))
        #expect(LessonsDirectory.isLessonsFolder(folder, of: [Self.lessons[0]]))
        #expect(!LessonsDirectory.isLessonsFolder(folder, of: []), "no lessons, no lessons folder")
        // The data sets are not part of it: no data/ folder is needed.
        try "x".write(to: folder.appendingPathComponent("20-two.md"), atomically: true, encoding: .utf8)
        #expect(LessonsDirectory.isLessonsFolder(folder, of: Self.lessons))
        #expect(LessonsDirectory.texts(of: Self.lessons) == ["10-one.md", "20-two.md"])
    }

    @Test func locateTakesTheWorkingDirectoryFirstThenWalksUpFromTheExecutable() throws {
        let scratch = Scratch()
        let repository = scratch.root.appendingPathComponent("repo")
        let installed = try Self.folder(in: repository, texts: ["10-one.md", "20-two.md"])
        let executable = repository.appendingPathComponent(".build/debug/tool")
        let elsewhere = scratch.root.appendingPathComponent("elsewhere")
        try FileManager.default.createDirectory(at: elsewhere, withIntermediateDirectories: true)
        #expect(LessonsDirectory.locate(workingDirectory: elsewhere, executable: executable, lessons: Self.lessons)?.path == installed.path)
        // A ./Lessons that lacks a text is passed over; one that has them all wins.
        let local = try Self.folder(in: elsewhere, texts: ["10-one.md"])
        #expect(LessonsDirectory.locate(workingDirectory: elsewhere, executable: executable, lessons: Self.lessons)?.path == installed.path)
        try "x".write(to: local.appendingPathComponent("20-two.md"), atomically: true, encoding: .utf8)
        #expect(LessonsDirectory.locate(workingDirectory: elsewhere, executable: executable, lessons: Self.lessons)?.path == local.path)
        // The shipped catalogue's texts are not these: the same folders are no lessons folders for it.
        #expect(LessonsDirectory.locate(workingDirectory: elsewhere, executable: executable, lessons: LessonCatalog.all) == nil)
        #expect(LessonsDirectory.locate(workingDirectory: elsewhere, executable: nil, lessons: [Self.lessons[1]])?.path == local.path)
    }

    /// The repository's own `Lessons/` is one for the shipped lessons.
    @Test func theRepositorysLessonsFolderHoldsTheCatalogue() {
        #expect(LessonsDirectory.isLessonsFolder(Scratch.repository.appendingPathComponent("Lessons"), of: LessonCatalog.all))
    }
}
