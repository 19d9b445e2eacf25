import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// Input made to break the tool, through the command line: each gets a clear error (exit status 1, a message that
/// names the problem) and nothing is lost — the previous report is byte for byte as it was, and nothing is left
/// beside it.
@Suite struct HostileInputTests {
    let lessons = CLIRunner.repository.appendingPathComponent("Lessons")

    /// A folder with a report of `--lesson pca --quick` in `output`.
    func folderWithAReport() throws -> TemporaryFolder {
        let folder = TemporaryFolder()
        let first = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons.path], in: folder.url)
        #expect(first.status == 0, "\(first.stderr)")
        return folder
    }

    /// Builds with `arguments` into `output` of `folder` and checks the refusal: status 1, `message` in the error,
    /// the previous report unchanged, nothing new beside it.
    func expectRefusal(_ arguments: [String], in folder: TemporaryFolder, saying message: String,
                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        let out = folder.url.appendingPathComponent("output")
        let before = CLIRunner.tree(out)
        let entries = folder.entries
        let run = try CLIRunner.run(["build", "--quick", "--quiet"] + arguments, in: folder.url)
        #expect(run.status != 0, "it was accepted", sourceLocation: sourceLocation)
        #expect(run.stderr.contains(message), "\(run.stderr)", sourceLocation: sourceLocation)
        #expect(run.stderr.count < 2_000, "the message is \(run.stderr.count) characters long", sourceLocation: sourceLocation)
        #expect(CLIRunner.tree(out) == before, "the previous report changed", sourceLocation: sourceLocation)
        #expect(folder.entries == entries, "\(folder.entries)", sourceLocation: sourceLocation)
    }

    func write(_ bytes: [UInt8], to name: String, in folder: TemporaryFolder) throws -> String {
        let url = folder.url.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    // MARK: - Data files

    @Test func aMillionColumns() throws {
        let folder = try folderWithAReport()
        let header = (0..<1_000_000).map { "c\($0)" }.joined(separator: ",")
        let row = String(repeating: "0,", count: 999_999) + "0"
        let file = try write(Array("\(header)\n\(row)\n\(row)\n".utf8), to: "wide.csv", in: folder)
        try expectRefusal(["--lesson", "pca", "--lessons", lessons.path, "--data", file], in: folder,
                          saying: "1000000 columns, but at most 1024 are accepted")
    }

    /// One line of 300 MB (a sparse file: no disk space used), refused by its size before it is read.
    @Test func aSingle300MBLine() throws {
        let folder = try folderWithAReport()
        let file = try write(Array("a,b,".utf8), to: "long.csv", in: folder)
        let handle = try #require(FileHandle(forWritingAtPath: file))
        try handle.truncate(atOffset: 300_000_000)
        try handle.close()
        try expectRefusal(["--lesson", "pca", "--lessons", lessons.path, "--data", file], in: folder,
                          saying: "the file is 286.1 MiB but at most 256.0 MiB are accepted")
        try FileManager.default.removeItem(atPath: file)
    }

    @Test func nulBytes() throws {
        let folder = try folderWithAReport()
        let file = try write(Array("a,b\n1,2\n3,".utf8) + [0, 0, 0x34, 0x0A], to: "nul.csv", in: folder)
        try expectRefusal(["--lesson", "pca", "--lessons", lessons.path, "--data", file], in: folder,
                          saying: "a NUL byte at byte offset 10")
    }

    @Test func invalidUTF8InTheHeader() throws {
        let folder = try folderWithAReport()
        let file = try write(Array("caf".utf8) + [0xC3, 0x28] + Array(",b\n1,2\n3,4\n".utf8), to: "latin.csv", in: folder)
        try expectRefusal(["--lesson", "pca", "--lessons", lessons.path, "--data", file], in: folder,
                          saying: "line 1: the bytes at byte offset 3 are not UTF-8 text")
    }

    @Test func aHundredThousandCharacterHeader() throws {
        let folder = try folderWithAReport()
        let name = String(repeating: "x", count: 100_000)
        let file = try write(Array("\(name),b\n1,2\n3,4\n".utf8), to: "long-name.csv", in: folder)
        try expectRefusal(["--lesson", "pca", "--lessons", lessons.path, "--data", file], in: folder,
                          saying: "the name of column 1 is 100000 characters long, but at most 256 are accepted")
    }

    // MARK: - Lesson texts

    /// A copy of the lessons folder whose PCA text has `line` inserted after its first step's heading line.
    func lessonsWith(_ line: String, in folder: TemporaryFolder) throws -> (path: String, line: Int) {
        let copy = folder.url.appendingPathComponent("Lessons")
        try? FileManager.default.removeItem(at: copy)
        try FileManager.default.copyItem(at: lessons, to: copy)
        let file = copy.appendingPathComponent("01-pca.md")
        var lines = try String(contentsOf: file, encoding: .utf8).components(separatedBy: "\n")
        let heading = try #require(lines.firstIndex { $0.hasPrefix("## ") })
        lines.insert(contentsOf: ["", line, ""], at: heading + 1)
        try lines.joined(separator: "\n").write(to: file, atomically: true, encoding: .utf8)
        return (copy.path, heading + 3)
    }

    @Test func anUnbalancedDollar() throws {
        let folder = try folderWithAReport()
        let (copy, line) = try lessonsWith("the mean $\\mu of the data", in: folder)
        try expectRefusal(["--lesson", "pca", "--lessons", copy], in: folder, saying: "01-pca.md:\(line): inline math `$` is not closed")
    }

    @Test func anOpenValueReference() throws {
        let folder = try folderWithAReport()
        let (copy, line) = try lessonsWith("the value {{mean.x of the data", in: folder)
        try expectRefusal(["--lesson", "pca", "--lessons", copy], in: folder, saying: "01-pca.md:\(line): `{{` is not closed")
    }

    @Test func aFigureWhoseCaptionShowsItself() throws {
        let folder = try folderWithAReport()
        let (copy, line) = try lessonsWith("![the cloud, see ![it](figure:point-cloud)](figure:point-cloud)", in: folder)
        try expectRefusal(["--lesson", "pca", "--lessons", copy], in: folder,
                          saying: "01-pca.md:\(line): the caption of ![…](figure:point-cloud) shows itself")
    }

    @Test func aTenMegabyteText() throws {
        let folder = try folderWithAReport()
        let (copy, _) = try lessonsWith(String(repeating: "Lorem ipsum dolor sit amet. ", count: 360_000), in: folder)
        try expectRefusal(["--lesson", "pca", "--lessons", copy], in: folder, saying: "the lesson text is 9.6 MiB, but at most 1.0 MiB are accepted")
    }

    @Test func aLessonsFolderMissingAText() throws {
        let folder = try folderWithAReport()
        let (copy, _) = try lessonsWith("", in: folder)
        try FileManager.default.removeItem(atPath: copy + "/01-pca.md")
        try expectRefusal(["--lesson", "pca", "--lessons", copy], in: folder, saying: "has no 01-pca.md")
    }

    // MARK: - --out

    @Test func outIsTheRootFolder() throws {
        let folder = try folderWithAReport()
        try expectRefusal(["--lesson", "pca", "--lessons", lessons.path, "--out", "/"], in: folder, saying: "the root folder cannot be the output")
        try expectRefusal(["--lesson", "pca", "--lessons", lessons.path, "--out", "/", "--force"], in: folder, saying: "the root folder cannot be the output")
    }

    @Test func outIsAFile() throws {
        let folder = try folderWithAReport()
        _ = try write(Array("keep me".utf8), to: "notes.txt", in: folder)
        try expectRefusal(["--lesson", "pca", "--lessons", lessons.path, "--out", "notes.txt"], in: folder, saying: "it is a file, not a folder")
        #expect(try String(contentsOf: folder.url.appendingPathComponent("notes.txt"), encoding: .utf8) == "keep me")
    }

    @Test func outIsASymlinkToTheLessonsFolder() throws {
        let folder = try folderWithAReport()
        let copy = folder.url.appendingPathComponent("Lessons")
        try FileManager.default.copyItem(at: lessons, to: copy)
        try FileManager.default.createSymbolicLink(atPath: folder.url.appendingPathComponent("link").path, withDestinationPath: copy.path)
        let texts = CLIRunner.tree(copy)
        for force in [[], ["--force"]] {
            try expectRefusal(["--lesson", "pca", "--lessons", copy.path, "--out", "link"] + force, in: folder, saying: "which a build would delete")
        }
        #expect(CLIRunner.tree(copy) == texts)
    }

    /// A read-only file system (a tmpfs mounted read-only; needs root and mount, as in CI's container; root ignores
    /// permission bits, so chmod would prove nothing there).
    @Test(.enabled(if: ReadOnlyMount.available)) func outIsOnAReadOnlyFileSystem() throws {
        let folder = TemporaryFolder()
        let disk = folder.url.appendingPathComponent("disk")
        try ReadOnlyMount.mount(at: disk, withReport: true, lessons: lessons)
        defer { ReadOnlyMount.unmount(disk) }
        let out = disk.appendingPathComponent("output")
        let before = CLIRunner.tree(out)
        #expect(!before.isEmpty)
        let run = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons.path, "--out", out.path], in: folder.url)
        #expect(run.status != 0)
        #expect(run.stderr.contains("the folder that holds --out must be writable"), "\(run.stderr)")
        #expect(CLIRunner.tree(out) == before)
    }
}

/// A tmpfs holding a report, then remounted read-only.
enum ReadOnlyMount {
    static let available: Bool = {
        guard getuid() == 0 else { return false }
        let probe = FileManager.default.temporaryDirectory.appendingPathComponent("lvm-ro-probe-\(getpid())")
        defer { unmount(probe) }
        return (try? mount(at: probe, withReport: false, lessons: nil)) != nil
    }()

    static func mount(at url: URL, withReport: Bool, lessons: URL?) throws {
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try run("/bin/mount", ["-t", "tmpfs", "-o", "size=64m", "tmpfs", url.path])
        if withReport, let lessons {
            let build = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons.path, "--out", url.appendingPathComponent("output").path], in: url)
            guard build.status == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
        try run("/bin/mount", ["-o", "remount,ro", url.path])
    }

    static func unmount(_ url: URL) {
        try? run("/bin/umount", [url.path])
        try? FileManager.default.removeItem(at: url)
    }

    static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CocoaError(.fileWriteNoPermission) }
    }
}
