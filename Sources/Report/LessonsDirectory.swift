import Foundation

/// Finds the folder of lesson texts when `--lessons` is not given.
///
/// 1. `./Lessons` in the working directory, if it holds `01-pca.md`;
/// 2. otherwise, walking up from the executable's folder, the first `Lessons/` that holds `01-pca.md` — which finds
///    the repository when the tool runs from `.build/…/lvm-lessons` (`swift run`) and a `Lessons/` installed beside
///    or above the executable.
public enum LessonsDirectory {
    public static let marker = "01-pca.md"

    public static func locate(workingDirectory: URL, executable: URL?) -> URL? {
        let fm = FileManager.default
        let local = workingDirectory.appendingPathComponent("Lessons")
        if fm.fileExists(atPath: local.appendingPathComponent(marker).path) { return local }
        guard let executable else { return nil }
        var folder = executable.resolvingSymlinksInPath().deletingLastPathComponent().standardizedFileURL
        while true {
            let candidate = folder.appendingPathComponent("Lessons")
            if fm.fileExists(atPath: candidate.appendingPathComponent(marker).path) { return candidate }
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
