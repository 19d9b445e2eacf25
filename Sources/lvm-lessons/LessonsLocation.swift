import ArgumentParser
import Foundation
import Report

/// `--lessons DIR`, shared by `build` and `list`.
struct LessonsLocation: ParsableArguments {
    @Option(
        name: .customLong("lessons"),
        help: ArgumentHelp(
            "The folder of lesson texts (01-pca.md, …) and data/.",
            discussion: "Default: ./Lessons if it holds 01-pca.md, else the first Lessons/ found walking up from the executable's folder.",
            valueName: "DIR"))
    var path: String?

    /// The folder, checked to hold `01-pca.md`-style texts; throws a `ValidationError` that says what to do.
    func resolve() throws -> URL {
        let fm = FileManager.default
        if let path {
            let url = URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: fm.currentDirectoryPath)).standardizedFileURL
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw ValidationError("--lessons \(path): no such folder. Pass the folder that holds the lesson texts (01-pca.md, …) and data/.")
            }
            return url
        }
        guard let found = LessonsDirectory.locate(
            workingDirectory: URL(fileURLWithPath: fm.currentDirectoryPath), executable: LessonsDirectory.currentExecutable)
        else {
            throw ValidationError("cannot find the lesson texts: no ./Lessons/\(LessonsDirectory.marker) here nor above the executable. Run from the repository, or pass --lessons DIR.")
        }
        return found
    }
}
