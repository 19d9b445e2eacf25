import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP while a build has its unfinished report beside `--out` (before the manifest is
/// written, and before the swap): the process ends by the signal, the unfinished report is removed, and the previous
/// report is as it was.
@Suite struct SignalTests {
    let lessons = CLIRunner.repository.appendingPathComponent("Lessons").path

    @Test(arguments: [(SIGINT, "manifest"), (SIGTERM, "manifest"), (SIGHUP, "manifest"), (SIGINT, "swap"), (SIGTERM, "swap"), (SIGHUP, "swap")])
    func aSignalRemovesTheUnfinishedReport(signal: Int32, stage: String) throws {
        let folder = TemporaryFolder()
        let first = try CLIRunner.run(["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons], in: folder.url)
        #expect(first.status == 0, "\(first.stderr)")
        let out = folder.url.appendingPathComponent("output")
        let before = CLIRunner.tree(out)

        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["build", "--lesson", "pca", "--quick", "--quiet", "--lessons", lessons, "--seed", "5"]
        process.currentDirectoryURL = folder.url
        var environment = ProcessInfo.processInfo.environment
        environment["LVM_LESSONS_PAUSE_BEFORE"] = stage
        process.environment = environment
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        let stderr = WatchTests.Collected()
        err.fileHandleForReading.readabilityHandler = { handle in stderr.append(handle.availableData) }
        try process.run()
        defer { if process.isRunning { process.terminate() } }
        #expect(WatchTests.wait(120) { stderr.text.contains("paused before \(stage)") }, "\(stderr.text)")
        #expect(folder.entries.contains { $0.hasPrefix(".output.lvm-build-") }, "the unfinished report exists: \(folder.entries)")

        kill(process.processIdentifier, signal)
        #expect(WatchTests.wait(60) { !process.isRunning })
        err.fileHandleForReading.readabilityHandler = nil
        #expect(process.terminationReason == .uncaughtSignal && process.terminationStatus == signal,
                "ended by \(process.terminationReason == .exit ? "exit" : "signal") \(process.terminationStatus)")
        #expect(stderr.text.contains("stopped by SIG"), "\(stderr.text)")
        #expect(folder.entries == [".output.lvm-cache", "output"], "\(folder.entries)")
        #expect(CLIRunner.tree(out) == before)
    }
}
