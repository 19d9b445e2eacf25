import Foundation
import Testing
@testable import Report

/// Headless Chromium on a site built from the test lesson (math, values, a figure, frames, a table): runs
/// `scripts/browser-test`, which loads every page with `?selftest` and reads the page's own verdict. Skipped when
/// Chromium is not installed. `LVM_SCREENSHOTS=DIR` also saves screenshots (1280×900 and 390×844) into DIR.
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

    /// Each phone and layout check can fail. One site is broken five ways at once: a display equation too wide for a
    /// phone (in the text), numbers allowed to wrap in a narrow column, a step made taller than 4,000 px, the panels
    /// left open on phones (the script's folding removed), and the phone version of the figure taken out of the page.
    @Test(.enabled(if: chromium != nil, "chromium is not on PATH: browser test skipped"))
    func theSelfTestCatchesPhoneLayoutDefects() throws {
        let scratch = Scratch()
        let wide = "$$\n" + (1...40).map { "x_{\($0)}" }.joined(separator: " + ") + "\n$$\n\n## Table"
        let options = scratch.options(lessonsFolder: try scratch.lessonsFolder(text: TestLesson.text.replacingOccurrences(of: "## Table", with: wide)))
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        let site = options.outputDirectory
        let css = site.appendingPathComponent("assets/site.css"), js = site.appendingPathComponent("assets/site.js")
        try (String(contentsOf: css, encoding: .utf8) + """
            .value { white-space: normal !important; word-break: break-all; }
            .numbers table { width: 4rem !important; table-layout: fixed; }
            .step:first-of-type { min-height: 4100px; }
            """).write(to: css, atomically: true, encoding: .utf8)
        let script = try String(contentsOf: js, encoding: .utf8)
        #expect(script.contains("if (phone) { each(panels, function (d) { d.open = false; }); }"))
        try script.replacingOccurrences(of: "if (phone) { each(panels, function (d) { d.open = false; }); }", with: "")
            .write(to: js, atomically: true, encoding: .utf8)
        let page = site.appendingPathComponent("demo/index.html")
        let html = try String(contentsOf: page, encoding: .utf8)
        try html.replacingOccurrences(of: #"<source media="(max-width: 600px)" srcset="figures/narrow/scatter-plot.png""#, with: "<source media=\"(max-width: 1px)\"")
            .write(to: page, atomically: true, encoding: .utf8)
        let (status, output) = try Self.runBrowserTest(site: site)
        #expect(status == 1)
        #expect(output.contains("FAIL demo/index.html (1280,900)") && output.contains("FAIL demo/index.html (390,844)"), "\(output)")
        #expect(output.contains("step 1 is ") && output.contains("px tall (at most 4000 px at 1280 px wide)"), "\(output)")
        #expect(output.contains("wraps over"), "\(output)")
        #expect(output.contains("display equation wider than its box"), "\(output)")
        #expect(output.contains("numbers panel 1 starts open on a phone"), "\(output)")
        #expect(output.contains("text of figures/scatter-plot.png is 7.1 px (at least 8)"), "\(output)")
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
