import Foundation
import Testing
@testable import Report

/// Headless Chromium on a site built from the test lesson (math, values, a figure, frames, a table): runs
/// `scripts/browser-test`, which loads every page with `?selftest` and reads the page's own verdict. Skipped when
/// Chromium is not installed. `LVM_SCREENSHOTS=DIR` also saves screenshots (1200×900 and 390×844) into DIR.
@Suite struct BrowserTests {
    static var chromium: String? {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            for name in ["chromium", "chromium-browser"] where FileManager.default.isExecutableFile(atPath: "\(dir)/\(name)") {
                return "\(dir)/\(name)"
            }
        }
        return nil
    }

    @Test(.enabled(if: chromium != nil, "chromium is not on PATH: browser test skipped (apt-get install --no-install-recommends chromium)"))
    func everyPagePassesItsSelfTest() throws {
        let scratch = Scratch()
        var options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        options.formats = [.png, .svg]
        options.scale = 2
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        let (status, output) = try Self.runBrowserTest(site: options.outputDirectory)
        #expect(status == 0, "\(output)")
        #expect(output.contains("ok   demo/index.html"))
        #expect(output.contains(#"data-math="8/8""#), "every math span of the demo page rendered: \(output)")
        #expect(output.contains(#"data-steps="3/3""#))
        #expect(output.contains("browser-test: 2 pages passed"))
    }

    /// The self-test can fail: a page whose image is missing and whose formula is broken is reported.
    @Test(.enabled(if: chromium != nil, "chromium is not on PATH: browser test skipped"))
    func theSelfTestCatchesBrokenPages() throws {
        let scratch = Scratch()
        let options = scratch.options(lessonsFolder: try scratch.lessonsFolder(text: TestLesson.text.replacingOccurrences(of: "\\mathbf{w}_i", with: "\\mathbf{w}_i^^")))
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        try FileManager.default.removeItem(at: options.outputDirectory.appendingPathComponent("demo/frames/em-trace/002.png"))
        let (status, output) = try Self.runBrowserTest(site: options.outputDirectory)
        #expect(status == 1)
        #expect(output.contains("FAIL demo/index.html"))
        #expect(output.contains("KaTeX error"))
        #expect(output.contains("002.png did not load"))
    }

    static func runBrowserTest(site: URL) throws -> (Int32, String) {
        let process = Process()
        process.executableURL = Scratch.repository.appendingPathComponent("scripts/browser-test")
        var arguments = [site.path]
        if let shots = ProcessInfo.processInfo.environment["LVM_SCREENSHOTS"] { arguments = ["--screenshots", shots] + arguments }
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
