import ArgumentParser
import Foundation
import LessonKit
import Lessons
import Report

/// `--lessons DIR`, shared by `build` and `list`.
struct LessonsLocation: ParsableArguments {
    @Option(
        name: .customLong("lessons"),
        help: ArgumentHelp(
            "The folder of the lesson texts and their data.",
            discussion: "Default: ./Lessons if it holds the lesson texts (\(LessonsLocation.textList)), else the first Lessons/ that does, walking up from the executable's folder.",
            valueName: "DIR"))
    var path: String?

    /// The texts every lessons folder holds, for messages: `01-pca.md, 02-ppca.md, 04-nonlinear-lvm.md`.
    static var textList: String { LessonsDirectory.texts(of: LessonCatalog.all).joined(separator: ", ") }

    /// The folder given with `--lessons` (which must exist), else the one found by `LessonsDirectory.locate`; throws
    /// a `ValidationError` that says what to do.
    func resolve() throws -> URL {
        let fm = FileManager.default
        if let path {
            let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: fm.currentDirectoryPath)).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--lessons \(path): no such folder. Pass the folder that holds the lesson texts (\(Self.textList)) and their data.")
            }
            return url
        }
        guard let found = LessonsDirectory.locate(
            workingDirectory: URL(fileURLWithPath: fm.currentDirectoryPath), executable: LessonsDirectory.currentExecutable,
            lessons: LessonCatalog.all)
        else {
            throw ValidationError("cannot find the lesson texts: no ./Lessons holding \(Self.textList) here nor above the executable. Run from the repository, or pass --lessons DIR.")
        }
        return found
    }

    /// `resolve()`, checked to hold the texts of `lessons`.
    func resolve(holdingTextsOf lessons: [any Lesson]) throws -> URL {
        let folder = try resolve()
        if let missing = LessonsDirectory.missingTexts(in: folder, of: lessons).first {
            throw ValidationError("\(folder.path) has no \(missing). Pass --lessons with the folder that holds the lesson texts.")
        }
        return folder
    }
}
