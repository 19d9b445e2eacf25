import Foundation
import Testing

/// `build --single-file` opened alone in headless Chromium, and `handout` with and without Chromium.
@Suite struct HandoutAndSingleFileTests {
    let lessons = CLIRunner.repository.appendingPathComponent("Lessons").path

    static var chromium: URL? {
        for folder in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(folder)).appendingPathComponent("chromium")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Runs headless Chromium on `url` and returns the DOM after `budget` ms of virtual time, and its log.
    static func dumpDOM(_ url: URL, window: String = "1200,900", budget: Int = 8000, flags: [String] = []) throws -> (dom: String, log: String) {
        let profile = TemporaryFolder()
        let process = Process()
        process.executableURL = chromium!
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                             "--user-data-dir=\(profile.url.path)", "--enable-logging=stderr", "--v=0", "--window-size=\(window)",
                             "--dump-dom", "--virtual-time-budget=\(budget)"] + flags + [url.absoluteString]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let log = LockedData()
        let reader = Thread { log.set(err.fileHandleForReading.readDataToEndOfFile()) }
        reader.start()
        let dom = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        while !log.done { usleep(1000) }
        return (String(decoding: dom, as: UTF8.self), String(decoding: log.data, as: UTF8.self))
    }

    /// A script added to a copy of a page: moves every frame slider to its last frame and reports whether the image
    /// and the label followed, once the image has decoded.
    static let sliderProbe = """
        <script>window.addEventListener("load", function () {
          var checks = [];
          document.querySelectorAll("figure.frames").forEach(function (fig) {
            var range = fig.querySelector("input[type=range]"), img = fig.querySelector("img");
            var items = fig.querySelectorAll(".frame-labels li"), n = items.length;
            range.value = String(n); range.dispatchEvent(new Event("input"));
            var same = img.getAttribute("src") === items[n - 1].getAttribute("data-src");
            var label = fig.querySelector(".frame-label").textContent.indexOf("(" + n + "/" + n + ")") >= 0;
            checks.push(img.decode().then(function () { return same && label && img.naturalWidth > 0 ? "ok" : "fail"; },
                                          function () { return "fail"; }));
          });
          Promise.all(checks).then(function (r) {
            var p = document.createElement("pre"); p.id = "sliders"; p.textContent = r.join(" "); document.body.appendChild(p);
          });
        });</script>
        """

    /// A probe that writes the page's background colour and the background of the first figure's image box.
    static let colourProbe = """
        <script>window.addEventListener("load", function () {
          var box = document.querySelector("figure .figure-image");
          var p = document.createElement("pre"); p.id = "colours";
          p.textContent = getComputedStyle(document.body).backgroundColor + "|" + (box ? getComputedStyle(box).backgroundColor : "none");
          document.body.appendChild(p);
        });</script>
        """

    /// The page's colours with the system in light and in dark mode: dark mode darkens the page, and figures keep a
    /// white card behind them.
    @Test(.enabled(if: chromium != nil, "chromium is not on PATH: dark-mode test skipped"))
    func darkModeDarkensThePageAndKeepsFiguresOnALightCard() throws {
        let folder = TemporaryFolder()
        let build = try CLIRunner.run(["build", "--quick", "--quiet", "--single-file", "--lesson", "pca", "--lessons", lessons], in: folder.url)
        #expect(build.status == 0, "\(build.stderr)")
        let html = try String(contentsOf: folder.url.appendingPathComponent("output/pca.html"), encoding: .utf8)
        let probe = folder.url.appendingPathComponent("probe.html")
        try html.replacingOccurrences(of: "</body>", with: Self.colourProbe + "</body>").write(to: probe, atomically: true, encoding: .utf8)
        func colours(_ flags: [String]) throws -> String {
            let (dom, _) = try Self.dumpDOM(probe, budget: 3000, flags: flags)
            return dom.range(of: #"<pre id="colours">[^<]*"#, options: .regularExpression).map { String(dom[$0].dropFirst(18)) } ?? "no result"
        }
        #expect(try colours([]) == "rgb(255, 255, 255)|rgba(0, 0, 0, 0)")
        #expect(try colours(["--force-dark-mode"]) == "rgb(20, 24, 29)|rgb(255, 255, 255)")
    }

    @Test(.enabled(if: chromium != nil, "chromium is not on PATH: single-file browser test skipped"))
    func aSingleFileLessonWorksAloneInTheBrowser() throws {
        let folder = TemporaryFolder()
        let build = try CLIRunner.run(["build", "--quick", "--quiet", "--single-file", "--lessons", lessons], in: folder.url)
        #expect(build.status == 0, "\(build.stderr)")
        let site = folder.url.appendingPathComponent("output")
        #expect(folder.entries == ["output"])
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: site.path)) ?? []).sorted()
        #expect(files == ["index.html", "linear-family.html", "manifest.json", "nonlinear.html", "pca.html", "ppca.html", "vae.html"])
        for name in ["index", "pca", "ppca", "linear-family", "nonlinear", "vae"] {
            // Alone in an empty folder.
            let alone = TemporaryFolder()
            let page = alone.url.appendingPathComponent("\(name).html")
            try FileManager.default.copyItem(at: site.appendingPathComponent("\(name).html"), to: page)
            for window in ["1200,900", "390,844"] {
                let (dom, log) = try Self.dumpDOM(URL(string: page.absoluteString + "?selftest")!, window: window)
                let marker = dom.range(of: #"<pre id="selftest"[^>]*>"#, options: .regularExpression).map { String(dom[$0]) } ?? "no self-test marker"
                #expect(marker.contains(#"data-status="pass""#), "\(name).html at \(window): \(marker) \(dom.suffix(600))")
                #expect(!log.contains("Uncaught"), "\(name).html: \(log)")
                if name != "index" { #expect(!marker.contains(#"data-steps="0/0""#), "\(name).html has steps") }
            }
            // The sliders, in a copy of the page with a probe.
            if name != "index" {
                let html = try String(contentsOf: page, encoding: .utf8)
                let probe = alone.url.appendingPathComponent("probe.html")
                try html.replacingOccurrences(of: "</body>", with: Self.sliderProbe + "</body>").write(to: probe, atomically: true, encoding: .utf8)
                // A long budget: the probe decodes every frame of the page's data URLs, which under a loaded machine
                // (the whole suite in parallel) took longer than the default 8 s once (pca.html: no result).
                let (dom, _) = try Self.dumpDOM(probe, budget: 30_000)
                let result = dom.range(of: #"<pre id="sliders">[^<]*"#, options: .regularExpression).map { String(dom[$0].dropFirst(18)) } ?? "no result"
                #expect(!result.isEmpty && result.split(separator: " ").allSatisfy { $0 == "ok" }, "\(name).html sliders: \(result)")
            }
        }
    }

    @Test func handoutWithoutChromiumSaysWhatToDo() throws {
        let folder = TemporaryFolder()
        let build = try CLIRunner.run(["build", "--quick", "--quiet", "--lesson", "pca", "--lessons", lessons], in: folder.url)
        #expect(build.status == 0, "\(build.stderr)")
        let run = try CLIRunner.run(["handout"], in: folder.url, environment: ["PATH": folder.url.appendingPathComponent("no-such-folder").path])
        #expect(run.status == 69)
        #expect(run.stderr.contains("Chromium is not installed") && run.stderr.contains("apt-get install --no-install-recommends chromium"), "\(run.stderr)")
        #expect(!FileManager.default.fileExists(atPath: folder.url.appendingPathComponent("output/pca.pdf").path))
    }

    @Test func handoutWithoutAReportSaysToBuildFirst() throws {
        let folder = TemporaryFolder()
        let run = try CLIRunner.run(["handout", "--out", "nothing-here"], in: folder.url)
        #expect(run.status == 1)
        #expect(run.stderr.contains("build one first with `lvm-lessons build --out nothing-here`"), "\(run.stderr)")
    }

    @Test(.enabled(if: chromium != nil, "chromium is not on PATH: handout test skipped"))
    func handoutPrintsEveryLessonOfTheReport() throws {
        let folder = TemporaryFolder()
        let build = try CLIRunner.run(["build", "--quick", "--quiet", "--lesson", "pca", "--lesson", "ppca", "--lessons", lessons], in: folder.url)
        #expect(build.status == 0, "\(build.stderr)")
        let run = try CLIRunner.run(["handout"], in: folder.url)
        #expect(run.status == 0, "\(run.stderr)")
        for slug in ["pca", "ppca"] {
            let pdf = try Data(contentsOf: folder.url.appendingPathComponent("output/\(slug).pdf"))
            #expect(pdf.prefix(5) == Data("%PDF-".utf8))
            // Every step is printed: a handout of several pages, not the one step a screen shows.
            let text = String(decoding: pdf, as: UTF8.self)
            let pages = text.components(separatedBy: "/Type /Page").count - text.components(separatedBy: "/Type /Pages").count
            #expect(pages >= 5, "\(slug).pdf has \(pages) pages")
            #expect(run.stderr.contains("output/\(slug).pdf"))
        }
        // Printing shows every step and numbers the pages (the text of the PDF, when poppler's pdftotext is there).
        if FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext") {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/usr/bin/pdftotext")
            process.arguments = [folder.url.appendingPathComponent("output/pca.pdf").path, "-"]
            let pipe = Pipe()
            process.standardOutput = pipe
            try process.run()
            let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).uppercased()
            process.waitUntilExit()
            // The steps of the PCA text, counted from its `## ` headings.
            let source = try String(contentsOf: CLIRunner.repository.appendingPathComponent("Lessons/01-pca.md"), encoding: .utf8)
            let steps = source.split(separator: "\n").filter { $0.hasPrefix("## ") }.count
            for step in 1...steps { #expect(text.contains("STEP \(step) OF \(steps)"), "step \(step) printed") }
            #expect(text.contains("1 / ") && text.contains("2 / "), "page numbers")
            #expect(!text.contains("← PREVIOUS") && !text.contains("FILE://"), "no buttons, no browser header or footer")
        }
        let leftovers = ((try? FileManager.default.contentsOfDirectory(atPath: folder.url.appendingPathComponent("output").path)) ?? []).filter { $0.contains("lvm-print") }
        #expect(leftovers.isEmpty)
    }
}
