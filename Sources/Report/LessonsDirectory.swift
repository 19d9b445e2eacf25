import Foundation
import LessonKit

/// Recognises a folder of lesson texts, and finds one when `--lessons` is not given.
///
/// A folder is a lessons folder when it holds the text of every lesson it is given (each `Lesson.textFileName`; the
/// command line gives the whole catalogue), so adding or renaming a lesson changes nothing here. The data sets are not required: a
/// missing one is reported when a lesson asks for it (`DataCatalog`).
///
/// 1. `./Lessons` in the working directory, if it is a lessons folder;
/// 2. otherwise, walking up from the executable's folder, the first `Lessons/` that is one — which finds the
///    repository when the tool runs from `.build/…/lvm-lessons` (`swift run`) and a `Lessons/` installed beside or
///    above the executable.
public enum LessonsDirectory {
    /// The texts a lessons folder holds: one per lesson, in the lessons' order.
    public static func texts(of lessons: [any Lesson]) -> [String] { lessons.map(\.textFileName) }

    /// The texts of `lessons` that `folder` does not hold, in the lessons' order.
    public static func missingTexts(in folder: URL, of lessons: [any Lesson]) -> [String] {
        texts(of: lessons).filter { !FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
    }

    /// Whether `folder` holds the text of every lesson of `lessons` (and there is at least one lesson).
    public static func isLessonsFolder(_ folder: URL, of lessons: [any Lesson]) -> Bool {
        !lessons.isEmpty && missingTexts(in: folder, of: lessons).isEmpty
    }

    /// `./Lessons`, else the first `Lessons/` above the executable, that holds the texts of `lessons`; nil if none.
    public static func locate(workingDirectory: URL, executable: URL?, lessons: [any Lesson]) -> URL? {
        let local = workingDirectory.appendingPathComponent("Lessons")
        if isLessonsFolder(local, of: lessons) { return local }
        guard let executable else { return nil }
        var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent().standardizedFileURL
        while true {
            let candidate = folder.appendingPathComponent("Lessons")
            if isLessonsFolder(candidate, of: lessons) { return candidate }
            let parent = folder.deletingLastPathComponent().standardizedFileURL
            if parent.path == folder.path { return nil }
            folder = parent
        }
    }

    /// The running executable (`/proc/self/exe` on Linux), or nil.
    public static var currentExecutable: URL? {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            return URL(fileURLWithPath: path)
        }
        return Bundle.main.executableURL
    }
}
