import Foundation
import LessonKit
import Lessons
import Testing
@testable import Report

/// End to end: the test lesson through the whole pipeline into a temporary folder.
@Suite struct ReportBuildTests {
    @Test func buildsTheSite() throws {
        let scratch = Scratch()
        let options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        let summary = try ReportBuilder(options: options, progress: silentProgress()).build()
        let tree = Scratch.tree(options.outputDirectory)
        #expect(summary.indexPage == options.outputDirectory.appendingPathComponent("index.html"))
        for path in ["index.html", "manifest.json", "assets/site.css", "assets/site.js", "demo/index.html", "demo/results.json",
                     "demo/figures/scatter-plot.png", "demo/figures/em-trace.png", "demo/frames/em-trace/001.png",
                     "demo/frames/em-trace/003.png"] {
            #expect(tree[path] != nil, "missing \(path)")
        }
        #expect(tree["demo/frames/em-trace/004.png"] == nil)
        #expect(summary.fileCount == tree.count)
        // PNG signature and the size at --scale 1 (460 × 345 points).
        let png = [UInt8](tree["demo/figures/scatter-plot.png"]!)
        #expect(Array(png.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        let pngWidth: Int = png[16..<20].reduce(0) { $0 << 8 | Int($1) }
        #expect(pngWidth == 460)

        let page = String(decoding: tree["demo/index.html"]!, as: UTF8.self)
        #expect(page.contains(#"<span class="math inline">W_{ij} = \mathbf{w}_i^\top x_j</span>"#))
        #expect(page.contains(#"<span class="math inline">\sigma^2 = 0.01235</span>"#))
        #expect(page.contains("<h1>A demo &amp; its &lt;numbers&gt;</h1>"))
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(!page.contains("<script>alert"))
        #expect(page.contains("<span class=\"value text\">a&lt;b&gt;&amp;\"c\"</span>"))
        #expect(page.contains(#"<code>{{not_a_ref}} $x$</code>"#))
        #expect(page.contains(#"id="step-1""#) && page.contains(#"id="step-3""#) && !page.contains(#"id="step-4""#))
        #expect(page.contains(#"<a href="figures/scatter-plot.png">PNG</a>"#))
        #expect(!page.contains("figures/scatter-plot.svg"), "only the formats produced are linked")
        #expect(page.contains(#"max="3""#) && page.contains(#"data-src="frames/em-trace/002.png""#))
        #expect(page.contains("<td>noise variance σ² <code class=\"key\">sigma2</code></td><td class=\"num\"><span class=\"value\">0.01235</span></td><td>maximum likelihood, 1/N</td>"))
        #expect(page.contains("<td>eigenvalue λ (no. 2) <code class=\"key\">eigenvalues.1</code></td><td class=\"num\"><span class=\"value\">\u{2212}1.25\u{2009}×\u{2009}10<sup>\u{2212}7</sup></span></td>"))
        #expect(page.contains(#"<details class="numbers-panel" open>"#) && page.contains(#"<input type="checkbox" class="show-keys" id="keys-step-1">"#))
        // The scatter (460 pt) has a phone version: a <picture> source for narrow screens, rendered at its own size.
        #expect(page.contains(#"<source media="(max-width: 600px)" srcset="figures/narrow/scatter-plot.png""#))
        #expect(page.contains(#"data-narrow-src="frames/em-trace/narrow/002.png""#) == NarrowFigure.isNeeded(width: 300))
        let narrow = [UInt8](tree["demo/figures/narrow/scatter-plot.png"]!)
        #expect(narrow[16..<20].reduce(0) { $0 << 8 | Int($1) } == Int(NarrowFigure.width.rounded()))
        #expect(page.contains("Eigen &lt;values&gt;") && page.contains("λ&lt;sub&gt;k&lt;/sub&gt;"))
        #expect(page.contains(#"href="../assets/katex/katex.min.css""#) == FileManager.default.fileExists(atPath: "/usr/share/javascript/katex/katex.min.js"))

        let index = String(decoding: tree["index.html"]!, as: UTF8.self)
        #expect(index.contains(#"<a href="demo/index.html">"#))
        #expect(index.contains(#"<span class="card-summary">Values, <span class="math inline">\sigma^2</span> and figures, for the tests.</span>"#))
        #expect(index.contains(#"<span class="math inline">p(\mathbf{x}) = \mathcal{N}(\boldsymbol\mu, C)</span>"#))

        let results = String(decoding: tree["demo/results.json"]!, as: UTF8.self)
        #expect(results.contains(#""sigma2": 0.012345678901234"#))
        #expect(results.contains(#""eigenvalues": [3.5, -1.25e-07, 1234567.0]"#))
        let keys = results.split(separator: "\n").filter { $0.hasPrefix("  \"") }.map { $0.split(separator: "\"")[1] }
        #expect(keys == ["eigenvalues", "em", "label", "rows", "seed", "sigma2"])
    }

    @Test func everyRequestedFormatIsWrittenAndLinked() throws {
        let scratch = Scratch()
        var options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        options.formats = [.pdf, .svg]
        #expect(options.formats == [.png, .svg, .pdf], "PNG is always made, formats in a fixed order")
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        let tree = Scratch.tree(options.outputDirectory)
        for ext in ["png", "svg", "pdf"] {
            #expect(tree["demo/figures/scatter-plot.\(ext)"] != nil)
            #expect(tree["demo/figures/em-trace.\(ext)"] != nil, "the last frame in every format")
        }
        #expect(String(decoding: tree["demo/figures/scatter-plot.pdf"]!.prefix(5), as: UTF8.self) == "%PDF-")
        #expect(String(decoding: tree["demo/figures/scatter-plot.svg"]!, as: UTF8.self).contains("<svg"))
        let page = String(decoding: tree["demo/index.html"]!, as: UTF8.self)
        #expect(page.contains(#"<a href="figures/scatter-plot.png">PNG</a> · <a href="figures/scatter-plot.svg">SVG</a> · <a href="figures/scatter-plot.pdf">PDF</a>"#))
        #expect(NetworkScan.loads(in: options.outputDirectory) == [])
    }

    @Test func manifestListsEveryFileWithoutPathsOrTimes() throws {
        let scratch = Scratch()
        let lessons = try scratch.lessonsFolder()
        let options = scratch.options(lessonsFolder: lessons)
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        let tree = Scratch.tree(options.outputDirectory)
        let manifest = String(decoding: tree["manifest.json"]!, as: UTF8.self)
        #expect(!manifest.contains(scratch.root.path), "no absolute paths")
        #expect(manifest.contains(#""tool": "lvm-lessons""#) && manifest.contains(#""version": "\#(ToolInfo.version)""#))
        #expect(manifest.contains(#""seed": "7""#))
        let object = try JSONSerialization.jsonObject(with: tree["manifest.json"]!) as! [String: Any]
        // The inputs: the data set the lesson read (data, then labels), then the texts.
        let inputs = object["inputs"] as! [[String: Any]]
        #expect(inputs.map { $0["file"] as! String } == ["data/digits.csv", "data/digits_labels.csv", "01-demo.md", "index.md"])
        for input in inputs {
            let bytes = try Data(contentsOf: lessons.appendingPathComponent(input["file"] as! String))
            #expect(input["sha256"] as? String == SHA256.hex(bytes), "\(input)")
        }
        let files = object["files"] as! [[String: Any]]
        #expect(Set(files.map { $0["path"] as! String }) == Set(tree.keys).subtracting(["manifest.json"]))
        for file in files {
            let path = file["path"] as! String
            #expect(file["sha256"] as? String == SHA256.hex(tree[path]!), "\(path)")
        }
    }

    @Test func twoBuildsAreByteIdentical() throws {
        let scratch = Scratch()
        let lessons = try scratch.lessonsFolder()
        let first = scratch.options(out: "one", lessonsFolder: lessons)
        let second = scratch.options(out: "two", lessonsFolder: lessons)
        _ = try ReportBuilder(options: first, progress: silentProgress()).build()
        _ = try ReportBuilder(options: second, progress: silentProgress()).build()
        let a = Scratch.tree(first.outputDirectory), b = Scratch.tree(second.outputDirectory)
        #expect(a.count > 10)
        #expect(a == b)
        // Rebuilding in place replaces the report with the same bytes.
        _ = try ReportBuilder(options: first, progress: silentProgress()).build()
        #expect(Scratch.tree(first.outputDirectory) == a)
        // A different seed changes the results (the seed is an input).
        var other = first
        other.seed = 8
        _ = try ReportBuilder(options: other, progress: silentProgress()).build()
        #expect(Scratch.tree(first.outputDirectory)["demo/results.json"] != a["demo/results.json"])
    }

    @Test func aFailingLessonLeavesThePreviousReport() throws {
        let scratch = Scratch()
        let lessons = try scratch.lessonsFolder()
        let options = scratch.options(lessonsFolder: lessons)
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        let before = Scratch.tree(options.outputDirectory)
        var failing = options
        failing.lessons = [TestLesson(failure: "EM diverged at iteration 3")]
        // Another lesson under the same slug in the same executable: nothing a rebuild key can see, so no reuse.
        failing.reuse = false
        #expect {
            try ReportBuilder(options: failing, progress: silentProgress()).build()
        } throws: { error in
            (error as? ReportError) == .lessonFailed(slug: "demo", reason: "EM diverged at iteration 3")
        }
        #expect(Scratch.tree(options.outputDirectory) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.root.path).sorted() == [".site.lvm-cache", "Lessons", "site"])
    }

    /// A crash simulated before every stage: the previous report stays as it was and nothing is left beside it.
    @Test(arguments: BuildStage.allCases)
    func anInterruptionLeavesThePreviousReport(stage: BuildStage) throws {
        let scratch = Scratch()
        let lessons = try scratch.lessonsFolder()
        let options = scratch.options(lessonsFolder: lessons)
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        let before = Scratch.tree(options.outputDirectory)
        var interrupted = options
        interrupted.seed = 99
        interrupted.stageHook = { s in if s == stage { throw CancellationError() } }
        #expect(throws: ReportError.interrupted(stage: stage.rawValue)) {
            try ReportBuilder(options: interrupted, progress: silentProgress()).build()
        }
        #expect(Scratch.tree(options.outputDirectory) == before)
        #expect(try FileManager.default.contentsOfDirectory(atPath: scratch.root.path).sorted() == [".site.lvm-cache", "Lessons", "site"])
    }

    @Test func anUnknownReferenceFailsWithFileAndLineBeforeWriting() throws {
        let scratch = Scratch()
        let lessons = try scratch.lessonsFolder(text: TestLesson.text.replacingOccurrences(of: "{{em.iterations}}", with: "{{em.iteration}}"))
        let options = scratch.options(lessonsFolder: lessons)
        #expect {
            try ReportBuilder(options: options, progress: silentProgress()).build()
        } throws: { error in
            guard case let ReportError.lessonText(file, line, message) = error else { return false }
            return file == "01-demo.md" && line == 20 && message.contains("em.iteration")
        }
        #expect(!FileManager.default.fileExists(atPath: options.outputDirectory.path))
    }

    @Test func refusesAFolderItDidNotWriteUnlessForced() throws {
        let scratch = Scratch()
        let options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        try FileManager.default.createDirectory(at: options.outputDirectory, withIntermediateDirectories: true)
        let notes = options.outputDirectory.appendingPathComponent("notes.txt")
        try "mine".write(to: notes, atomically: true, encoding: .utf8)
        #expect {
            try ReportBuilder(options: options, progress: silentProgress()).build()
        } throws: { error in
            guard case let ReportError.output(_, reason) = error else { return false }
            return reason.contains("--force")
        }
        #expect(FileManager.default.fileExists(atPath: notes.path))
        var forced = options
        forced.force = true
        _ = try ReportBuilder(options: forced, progress: silentProgress()).build()
        #expect(!FileManager.default.fileExists(atPath: notes.path))
        #expect(FileManager.default.fileExists(atPath: options.outputDirectory.appendingPathComponent("manifest.json").path))
    }

    @Test func neverReplacesAFolderHoldingItsInputs() throws {
        let scratch = Scratch()
        let lessons = try scratch.lessonsFolder()
        for out in [scratch.root, lessons] {
            var options = scratch.options(lessonsFolder: lessons)
            options.outputDirectory = out
            options.force = true
            #expect(throws: ReportError.self) { try ReportBuilder(options: options, progress: silentProgress()).build() }
        }
        #expect(FileManager.default.fileExists(atPath: lessons.appendingPathComponent("01-demo.md").path))
    }

    @Test func leftoversOfACrashAreCleanedAndABackupIsPutBack() throws {
        let scratch = Scratch()
        let options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        let before = Scratch.tree(options.outputDirectory)
        let fm = FileManager.default
        // A build killed between its two renames: the old report sits in the backup folder, --out is gone.
        let backup = scratch.root.appendingPathComponent(".site.lvm-old-99999999")
        try fm.moveItem(at: options.outputDirectory, to: backup)
        let deadTemp = scratch.root.appendingPathComponent(".site.lvm-build-99999998")
        try fm.createDirectory(at: deadTemp, withIntermediateDirectories: true)
        var stopped = options
        stopped.stageHook = { s in if s == .write { throw CancellationError() } }
        let progress = silentProgress()
        #expect(throws: ReportError.self) { try ReportBuilder(options: stopped, progress: progress).build() }
        #expect(Scratch.tree(options.outputDirectory) == before)
        #expect(try fm.contentsOfDirectory(atPath: scratch.root.path).sorted() == [".site.lvm-cache", "Lessons", "site"])
        #expect(progress.warnings.contains { $0.contains("put back the previous report") })
    }

    @Test func withoutKaTeXTheBuildWarnsAndKeepsTheTeX() throws {
        let scratch = Scratch()
        var options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        options.katexDirectory = scratch.root.appendingPathComponent("no-katex-here")
        let progress = silentProgress()
        _ = try ReportBuilder(options: options, progress: progress).build()
        let tree = Scratch.tree(options.outputDirectory)
        #expect(!tree.keys.contains { $0.hasPrefix("assets/katex/") })
        let page = String(decoding: tree["demo/index.html"]!, as: UTF8.self)
        #expect(!page.contains("katex.min.js"))
        #expect(page.contains(#"<span class="math inline">x_i</span>"#))
        #expect(progress.warnings.contains { $0.contains("KaTeX was not found") })
    }

    @Test func nonFiniteResultsAreNullWithAWarning() throws {
        struct NaNLesson: Lesson {
            var slug: String { "demo" }
            var textFileName: String { "01-demo.md" }
            var acceptedOptions: [LessonOption] { [] }
            func run(_ context: LessonContext) throws -> LessonResult {
                LessonResult(results: ["bad": .numbers([1, .nan, .infinity])])
            }
        }
        let scratch = Scratch()
        let options = scratch.options(
            lessons: [NaNLesson()],
            lessonsFolder: try scratch.lessonsFolder(text: "---\ntitle: N\nsummary: s\n---\n## One\nA {{bad.1}} value.\n"))
        let progress = silentProgress()
        _ = try ReportBuilder(options: options, progress: progress).build()
        let results = String(decoding: Scratch.tree(options.outputDirectory)["demo/results.json"]!, as: UTF8.self)
        #expect(results.contains(#""bad": [1.0, null, null]"#))
        #expect(progress.warnings.contains { $0.contains("bad.1 is nan") })
        #expect(progress.warnings.contains { $0.contains("bad.2 is inf") })
    }

    /// The builder names no data file: a lessons folder without the digits builds a lesson that does not ask for
    /// them (and the manifest lists no data), and fails clearly — before writing anything — for one that does.
    @Test func dataAreReadOnlyWhenALessonAsksAndAMissingFileSaysWhichOne() throws {
        struct NoDataLesson: Lesson {
            var slug: String { "demo" }
            var textFileName: String { "01-demo.md" }
            var acceptedOptions: [LessonOption] { [] }
            func run(_ context: LessonContext) throws -> LessonResult { LessonResult(results: ["n": 1]) }
        }
        let scratch = Scratch()
        let lessons = try scratch.lessonsFolder(text: "---\ntitle: N\nsummary: s\n---\n## One\nA {{n}}.\n", digits: false)
        let options = scratch.options(lessons: [NoDataLesson()], lessonsFolder: lessons)
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        let manifest = String(decoding: Scratch.tree(options.outputDirectory)["manifest.json"]!, as: UTF8.self)
        #expect(!manifest.contains("data/"), "no data set was read")

        let asking = scratch.options(out: "asking", lessonsFolder: lessons)
        #expect(throws: ReportError.data("the demo lesson asked for data: the digits data set needs data/digits.csv in \(lessons.path), which does not exist; restore the file shipped with the project, or pass --lessons with the folder that holds the lesson texts and their data")) {
            try ReportBuilder(options: asking, progress: silentProgress()).build()
        }
        #expect(!FileManager.default.fileExists(atPath: asking.outputDirectory.path), "nothing written")
    }

    @Test func nothingLoadsFromTheNetwork() throws {
        let scratch = Scratch()
        let options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        _ = try ReportBuilder(options: options, progress: silentProgress()).build()
        #expect(NetworkScan.loads(in: options.outputDirectory) == [])
        // The scanner itself finds loads (so that the check above can fail).
        #expect(NetworkScan.htmlLoads(#"<img src="https://x/y.png"><a href="https://ok">l</a>"#).count == 1)
        #expect(NetworkScan.htmlLoads(#"<link rel="stylesheet" href="//cdn/x.css">"#).count == 1)
        #expect(NetworkScan.cssLoads("a { background: url( 'http://x/y.png') }").count == 1)
        #expect(NetworkScan.cssLoads("@import 'x.css';").count == 1)
        #expect(NetworkScan.jsLoads("x = fetch('data.json')").count == 1)
        #expect(NetworkScan.jsLoads("t = parser.fetch().text").isEmpty)
    }

    @Test func progressPrintsLessonsStepsAndTheLastLine() throws {
        let scratch = Scratch()
        let options = scratch.options(lessonsFolder: try scratch.lessonsFolder())
        let lines = Lines()
        _ = try ReportBuilder(options: options, progress: ProgressReporter(mode: .lines, sink: { lines.append($0) })).build()
        let text = lines.text
        #expect(text.contains("[1/1] demo\n"))
        #expect(text.range(of: #"    fitting \d+\.\d\d s\n"#, options: .regularExpression) != nil)
        #expect(text.range(of: #"    drawing \d+\.\d\d s\n"#, options: .regularExpression) != nil)
        #expect(text.contains("  demo: computed in "))
        let last = text.split(separator: "\n").last.map(String.init) ?? ""
        #expect(last.hasPrefix("Report: \(options.outputDirectory.appendingPathComponent("index.html").path) (built in "))
        let quiet = Lines()
        _ = try ReportBuilder(options: options, progress: ProgressReporter(mode: .quiet, sink: { quiet.append($0) })).build()
        // --quiet: no progress at all; only warnings (here: values without a Quantity) remain.
        #expect(!quiet.text.isEmpty)
        #expect(quiet.text.split(separator: "\n").allSatisfy { $0.hasPrefix("warning: ") })
    }
}

@Suite struct ProgressTests {
    @Test func labelsDifferingOnlyInNumbersAreOneStep() {
        let lines = Lines()
        let progress = ProgressReporter(mode: .lines, sink: { lines.append($0) })
        progress.lessonStarted("x", index: 1, count: 1)
        for k in stride(from: 0, through: 1000, by: 50) { progress.lessonProgress("Adam step \(k) of 1000", Double(k) / 1000) }
        progress.lessonProgress("posterior", nil)
        progress.lessonFinished("x", duration: .seconds(1))
        let steps = lines.text.split(separator: "\n").filter { $0.hasPrefix("    ") }
        #expect(steps.count == 2)
        #expect(steps.first?.hasPrefix("    Adam step 1000 of 1000 ") == true)
    }

    @Test func aTerminalGetsALiveBarAndQuietGetsNothing() {
        let live = Lines()
        let progress = ProgressReporter(mode: .lines, live: true, sink: { live.append($0) })
        progress.lessonStarted("x", index: 1, count: 1)
        progress.lessonProgress("EM", 0.5)
        progress.lessonFinished("x", duration: .seconds(1))
        #expect(live.text.contains("\r\u{1B}[2K  ████████████············ x: EM 50%"))
        let quiet = Lines()
        let silent = ProgressReporter(mode: .quiet, live: true, sink: { quiet.append($0) })
        silent.lessonStarted("x", index: 1, count: 1)
        silent.lessonProgress("EM", 0.5)
        silent.lessonFinished("x", duration: .seconds(1))
        #expect(quiet.text.isEmpty)
    }
}

final class Lines: @unchecked Sendable {
    private var parts: [String] = []
    private let lock = NSLock()
    func append(_ s: String) { lock.withLock { parts.append(s) } }
    var text: String { lock.withLock { parts.joined() } }
}
