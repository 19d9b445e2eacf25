import Foundation
import Synchronization
import Testing

/// `lvm-lessons build --watch`: a text edit is rebuilt (the lesson reused), and Ctrl-C ends the loop with status 0.
@Suite struct WatchTests {
    /// Everything a running process has written to a pipe so far.
    final class Collected: Sendable {
        private let data = Mutex(Data())
        func append(_ d: Data) { data.withLock { $0.append(d) } }
        var text: String { data.withLock { String(decoding: $0, as: UTF8.self) } }
    }

    /// Waits until `condition` holds, at most `seconds`.
    static func wait(_ seconds: Double, until condition: () -> Bool) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if condition() { return true }
            usleep(50_000)
        }
        return condition()
    }

    @Test func aTextEditIsRebuiltAndControlCStopsCleanly() throws {
        let folder = TemporaryFolder()
        let lessons = folder.url.appendingPathComponent("Lessons")
        try FileManager.default.copyItem(at: CLIRunner.repository.appendingPathComponent("Lessons"), to: lessons)
        let out = folder.url.appendingPathComponent("out")
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["build", "--watch", "--quick", "--lesson", "pca", "--lessons", lessons.path, "--out", out.path]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let stderr = Collected()
        err.fileHandleForReading.readabilityHandler = { handle in stderr.append(handle.availableData) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }

        #expect(Self.wait(300) { stderr.text.contains("watching ") }, "\(stderr.text)")
        let text = lessons.appendingPathComponent("01-pca.md")
        let edited = try String(contentsOf: text, encoding: .utf8).replacingOccurrences(of: "## The data", with: "## The data we start from")
        try edited.write(to: text, atomically: true, encoding: .utf8)
        #expect(Self.wait(300) { stderr.text.contains("rebuilt after 01-pca.md changed") }, "\(stderr.text)")
        #expect(stderr.text.contains("(reused: pca)"), "\(stderr.text)")
        let page = try String(contentsOf: out.appendingPathComponent("pca/index.html"), encoding: .utf8)
        #expect(page.contains("The data we start from"))

        process.interrupt()
        #expect(Self.wait(120) { !process.isRunning })
        err.fileHandleForReading.readabilityHandler = nil
        #expect(process.terminationReason == .exit && process.terminationStatus == 0)
        #expect(stderr.text.contains("stopped watching"), "\(stderr.text)")
    }
}
