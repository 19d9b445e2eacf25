import Foundation
import Testing

/// `lvm-lessons build --data FILE.csv` with a bad file: a clear message naming the file, line and column, a
/// non-zero exit, and the previous report left exactly as it was (checked byte for byte on every file).
@Suite(.serialized) struct BadDataTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// The built `lvm-lessons` next to the test bundle (the products folder of this build), else `.build/debug`.
    static var executable: URL? {
        var candidates: [URL] = []
        if let first = CommandLine.arguments.first {
            candidates.append(URL(fileURLWithPath: first).deletingLastPathComponent().appendingPathComponent("lvm-lessons"))
        }
        candidates.append(Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("lvm-lessons"))
        candidates.append(repository.appendingPathComponent(".build/debug/lvm-lessons"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    struct Run {
        var status: Int32
        var standardError: String
    }

    static func run(_ arguments: [String]) throws -> Run {
        guard let binary = Self.executable else { throw CocoaError(.fileNoSuchFile) }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let data = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, standardError: String(decoding: data, as: UTF8.self))
    }

    /// Every file under `folder` with its bytes, by relative path.
    static func snapshot(_ folder: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = try #require(FileManager.default.enumerator(at: folder, includingPropertiesForKeys: [.isRegularFileKey]))
        for case let url as URL in enumerator where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
            files[String(url.path.dropFirst(folder.path.count))] = try Data(contentsOf: url)
        }
        return files
    }

    /// (file name, bytes, expected parts of the message). An empty name means "no such file".
    static let cases: [(String, [UInt8], [String])] = [
        ("", [], ["no such file"]),
        ("empty.csv", [], ["the file is empty"]),
        ("header-only.csv", Array("a,b\n".utf8), ["line 1", "no data rows"]),
        ("one-row.csv", Array("a,b\n1,2\n".utf8), ["line 2", "only one data row"]),
        ("ragged.csv", Array("a,b,c\n1,2,3\n4,5\n".utf8), ["line 3, column 3", "has 2 cells but the header names 3 columns"]),
        ("text.csv", Array("a,b\n1,2\n3,oops\n".utf8), ["line 3, column 2", "\"oops\", which is not a number"]),
        ("nan.csv", Array("a,b\n1,2\nNaN,4\n".utf8), ["line 3, column 1", "NaN", "needs every value", "--lesson linear-family"]),
        ("empty-cell.csv", Array("a,b\n1,2\n3,\n5,6\n".utf8), ["line 3, column 2", "an empty cell", "--lesson linear-family"]),
        ("empty-row.csv", Array("a,b\n1,2\n,\n5,6\n".utf8), ["line 3", "every value of data row 2 is missing"]),
        ("inf.csv", Array("a,b\n1,2\n3,inf\n".utf8), ["line 3, column 2", "infinite"]),
        ("duplicate.csv", Array("a,a\n1,2\n3,4\n".utf8), ["line 1, column 2", "appears twice"]),
        ("binary.csv", [0x50, 0x4B, 0x03, 0x04, 0x00, 0x00, 0x08], ["line 1", "binary file"]),
        ("one-column.csv", Array("a\n1\n2\n3\n".utf8), ["at least two numeric columns"]),
        ("huge.csv", Array("a,b\n1,2\n".utf8), ["at most 256.0 MiB are accepted"]),  // grown to 257 MiB (sparse) below
    ]

    @Test func badDataFailsClearlyAndKeepsThePreviousReport() throws {
        guard Self.executable != nil else {
            Issue.record("lvm-lessons is not built; run swift build")
            return
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("lvm-bad-data-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let out = folder.appendingPathComponent("site")
        let lessons = Self.repository.appendingPathComponent("Lessons").path
        let good = folder.appendingPathComponent("good.csv")
        try Data("x,y,z\n1,2,3\n2,4.5,1\n3,5,0\n4,8.5,2\n".utf8).write(to: good)
        let first = try Self.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons, "--out", out.path, "--data", good.path])
        try #require(first.status == 0, "the good build failed: \(first.standardError)")
        let before = try Self.snapshot(out)
        #expect(before.keys.contains("/pca/results.json"))

        for (name, bytes, phrases) in Self.cases {
            let file = folder.appendingPathComponent(name.isEmpty ? "missing.csv" : name)
            if !name.isEmpty { try Data(bytes).write(to: file) }
            if name == "huge.csv" {
                let handle = try FileHandle(forWritingTo: file)
                try handle.truncate(atOffset: 257 * 1024 * 1024)
                try handle.close()
            }
            let run = try Self.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons, "--out", out.path, "--data", file.path])
            #expect(run.status != 0, "\(name): exit status")
            // Loader errors give the path; the lesson's own check (one column) gives the file's name.
            let named = name == "one-column.csv" ? file.lastPathComponent : file.path
            #expect(run.standardError.contains(named), "\(name): the message names the file: \(run.standardError)")
            for phrase in phrases { #expect(run.standardError.contains(phrase), "\(name): \(phrase) in \(run.standardError)") }
            #expect(try Self.snapshot(out) == before, "\(name): the previous report changed")
        }
    }
}
