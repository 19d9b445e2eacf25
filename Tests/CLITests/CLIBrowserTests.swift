import Foundation
import Testing

/// The real lessons (`build --quick`) in headless Chromium: `scripts/browser-test` loads every page and reads the
/// page's self-test (KaTeX rendered every formula, no raw `$`, navigation reaches the last step, every image
/// loaded) and checks Chromium's log for uncaught errors. Skipped when Chromium is not installed.
@Suite struct CLIBrowserTests {
    static var chromiumInstalled: Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/chromium")
        }
    }

    @Test(.enabled(if: chromiumInstalled, "chromium is not on PATH: browser test skipped (apt-get install --no-install-recommends chromium)"))
    func everyLessonPagePassesInTheBrowser() throws {
        let folder = TemporaryFolder()
        let build = try CLIRunner.run(
            ["build", "--quick", "--quiet", "--format", "png,svg", "--lessons", CLIRunner.repository.appendingPathComponent("Lessons").path],
            in: folder.url)
        #expect(build.status == 0, "\(build.stderr)")
        let process = Process()
        process.executableURL = CLIRunner.repository.appendingPathComponent("scripts/browser-test")
        process.arguments = [folder.url.appendingPathComponent("output").path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("browser-test: 6 pages passed"), "\(output)")
    }
}
