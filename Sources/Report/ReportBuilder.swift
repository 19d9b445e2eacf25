import Datasets
import Dispatch
import Foundation
import Lessons
import Plotting

/// The publishing pipeline: lesson texts + lesson results → the static site in `--out`.
///
/// Stages (see `BuildStage`): load → compute → pages → render → write → manifest → swap. Everything up to `render`
/// happens in memory, so an error in a lesson text or a lesson's computation is reported before any file is written;
/// `--out` is replaced only in the last stage (see `OutputFolder`).
public struct ReportBuilder: Sendable {
    public let options: BuildOptions
    public let progress: ProgressReporter

    public init(options: BuildOptions, progress: ProgressReporter) {
        self.options = options
        self.progress = progress
    }

    /// A lesson after `run`, with its text.
    struct ComputedLesson {
        var lesson: any Lesson
        var text: LessonText
        var result: LessonResult
    }

    public func build() throws(ReportError) -> BuildSummary {
        let clock = ContinuousClock()
        let started = clock.now
        let output = OutputFolder(options.outputDirectory)

        // Load: refuse a bad --out, read every text and the data before computing anything.
        try stage(.load)
        var protected = options.protectedPaths + [options.lessonsDirectory]
        if let data = options.dataFile { protected.append(data) }
        protected.append(FileManager.default.homeDirectoryForCurrentUser)
        try output.check(force: options.force, protected: protected)
        var texts: [LessonText] = []
        for lesson in options.lessons {
            guard Escaping.isSafeFileName(lesson.slug) else {
                throw .lessonFailed(slug: lesson.slug, reason: "its slug must be lowercase kebab-case (a–z, 0–9, -) to name a folder")
            }
            texts.append(try LessonText.load(options.lessonsDirectory.appendingPathComponent(lesson.textFileName)))
        }
        let indexURL = options.lessonsDirectory.appendingPathComponent("index.md")
        let indexText = FileManager.default.fileExists(atPath: indexURL.path) ? try IndexText.load(indexURL) : IndexText.fallback
        let t0 = clock.now
        let inputs = try loadInputs()
        if let user = inputs.userData {
            progress.stage("data: \(user.name) \(user.values.rows)×\(user.values.columns)", duration: clock.now - t0)
        }

        // Compute.
        try stage(.compute)
        var computed: [ComputedLesson] = []
        // Each lesson's figures start rendering on one background thread as soon as the lesson is computed (in
        // memory only; nothing is written before the write stage, and files are collected in lesson order).
        let scale = options.scale
        let queue = RenderQueue(render: { job in Self.renderFiles(job, scale: scale) })
        var jobRanges: [Range<Int>] = []
        for (k, lesson) in options.lessons.enumerated() {
            progress.lessonStarted(lesson.slug, index: k + 1, count: options.lessons.count)
            let lessonStart = clock.now
            let reporter = progress
            let context = LessonContext(
                lesson: lesson.slug, seed: options.seed, quick: options.quick, data: inputs.catalog,
                userData: lesson.acceptedOptions.contains(.data) ? inputs.userData : nil,
                latentDimension: lesson.acceptedOptions.contains(.latentDimension) ? options.latentDimension : nil,
                progress: { label, fraction in reporter.lessonProgress(label, fraction) })
            let result: LessonResult
            do {
                result = try lesson.run(context)
            } catch let error as ReportError {
                throw error
            } catch let error as DataCatalogError {
                throw .data("the \(lesson.slug) lesson asked for data: \(error), or pass --lessons with the folder that holds the lesson texts and their data")
            } catch {
                throw .lessonFailed(slug: lesson.slug, reason: String(describing: error))
            }
            try Self.check(result, slug: lesson.slug)
            progress.lessonFinished(lesson.slug, duration: clock.now - lessonStart)
            let item = ComputedLesson(lesson: lesson, text: texts[k], result: result)
            computed.append(item)
            jobRanges.append(queue.add(renderJobs(item)))
        }
        // The data sets the lessons read, hashed while the pages are made and the figures rendered.
        let dataHashes = InputFingerprints(inputs.catalog.loadedFiles.map { ($0.path, $0.url) })

        // Pages (in memory): text references are resolved before the slower rendering.
        try stage(.pages)
        let t1 = clock.now
        var files = SiteFiles()
        let katex = KaTeXAssets.files(in: options.katexDirectory)
        if katex == nil {
            progress.warning("KaTeX was not found in \(options.katexDirectory.path) (Debian package libjs-katex); the pages show the TeX source of the formulas")
        }
        for (path, data) in katex ?? [] { files.add(path, data) }
        files.add("assets/site.css", text: SiteStyle.css)
        files.add("assets/site.js", text: SiteScript.js)
        var cards: [IndexPage.Card] = []
        for (k, item) in computed.enumerated() {
            let neighbour = { (i: Int) -> LessonPage.Neighbour? in
                computed.indices.contains(i) ? LessonPage.Neighbour(title: computed[i].text.title, href: "../\(computed[i].lesson.slug)/index.html") : nil
            }
            let page = try lessonPage(item, previous: neighbour(k - 1), next: neighbour(k + 1), katex: katex != nil, siteTitle: indexText.title)
            files.add("\(item.lesson.slug)/index.html", text: page)
            var warnings: [String] = []
            files.add("\(item.lesson.slug)/results.json", text: JSONWriter.serialize(.object(item.result.results), warnings: &warnings))
            for w in warnings { progress.warning("\(item.lesson.slug)/results.json: \(w)") }
            var summary = LessonMarkdown(targets: Self.noTargets(item.text.fileName))
            cards.append(IndexPage.Card(
                slug: item.lesson.slug, title: item.text.title,
                summaryHTML: try summary.renderInline(item.text.summary, line: 3), stepCount: item.text.steps.count))
        }
        var indexMarkdown = LessonMarkdown(targets: Self.noTargets(indexText.fileName, blocks: ["lessons": IndexPage.cardsHTML(cards)]))
        var indexBody = try indexMarkdown.renderBlock(indexText.body)
        if !indexText.body.text.contains("{{lessons}}") { indexBody += IndexPage.cardsHTML(cards) }
        files.add("index.html", text: IndexPage(title: indexText.title, bodyHTML: indexBody, katex: katex != nil).html())
        progress.stage("pages: \(computed.count + 1) pages", duration: clock.now - t1)

        // Render every figure (in parallel over figures; results kept by index, so the bytes do not depend on timing).
        try stage(.render)
        let t2 = clock.now
        // What the background thread has not rendered yet, on every core.
        let reporter = progress
        queue.drain(progress: { reporter.lessonProgress("rendering figures", $0) })
        var rendered: [(String, Data)] = []
        for range in jobRanges { rendered += try Self.files(queue.results(range)) }
        for (path, data) in rendered { files.add(path, data) }
        progress.stage("figures: \(rendered.count) files", duration: clock.now - t2)

        // Write into the temporary folder, then the manifest, then swap.
        output.recoverLeftovers(progress: progress)
        try stage(.write)
        let t3 = clock.now
        let temp = try output.writeTemporary(files)
        do throws(ReportError) {
            try stage(.manifest)
            let manifest = manifestJSON(files: files, inputs: dataHashes.value + inputs.hashes.value, katex: katex != nil)
            progress.stage("wrote \(files.count + 1) files", duration: clock.now - t3)
            do { try Data(manifest.utf8).write(to: temp.appendingPathComponent("manifest.json")) } catch {
                throw ReportError.io(path: temp.appendingPathComponent("manifest.json").path, reason: "cannot write (\(error.localizedDescription))")
            }
            try stage(.swap)
            try output.swap(in: temp)
        } catch {
            output.discard(temp)
            throw error
        }
        let duration = clock.now - started
        let index = output.url.appendingPathComponent("index.html")
        progress.finished(index: index, duration: duration)
        return BuildSummary(indexPage: index, fileCount: files.count + 1, warnings: progress.warnings, duration: duration)
    }

    private func stage(_ s: BuildStage) throws(ReportError) {
        guard let hook = options.stageHook else { return }
        do { try hook(s) } catch let e as ReportError { throw e } catch { throw .interrupted(stage: s.rawValue) }
    }

    // MARK: - Inputs

    struct Inputs {
        /// The shipped data sets, read when a lesson first asks for one.
        var catalog: DataCatalog
        var userData: Dataset?
        /// (name, SHA-256) of the texts and `--data`, in a fixed order; computed on another thread while the build
        /// runs. The data sets the lessons read are hashed after `compute` (`catalog.loadedFiles`).
        var hashes: InputFingerprints
    }

    private func loadInputs() throws(ReportError) -> Inputs {
        // The fingerprints are only needed for the manifest: hash on another thread while the data are parsed and
        // the lessons compute (a 55 MB --data file takes ≈ 0.2 s to hash).
        var files: [(String, URL)] = []
        for lesson in options.lessons { files.append((lesson.textFileName, options.lessonsDirectory.appendingPathComponent(lesson.textFileName))) }
        files.append(("index.md", options.lessonsDirectory.appendingPathComponent("index.md")))
        if let file = options.dataFile { files.append(("--data " + file.lastPathComponent, file)) }
        let hashes = InputFingerprints(files)
        var userData: Dataset?
        if let file = options.dataFile {
            do { userData = try Dataset.load(csv: file) } catch {
                throw .data("cannot use --data \(file.path): \(error). Fix the file (a header row of column names, then one row of numbers per observation) or leave out --data")
            }
        }
        return Inputs(catalog: DataCatalog(root: options.lessonsDirectory, entries: options.datasets), userData: userData, hashes: hashes)
    }

    /// Names become file names; frames need labels.
    static func check(_ result: LessonResult, slug: String) throws(ReportError) {
        for (name, figure) in result.figures.sorted(by: { $0.key < $1.key }) {
            guard Escaping.isSafeFileName(name) else {
                throw .figure(lesson: slug, name: name, reason: "figure names must be lowercase kebab-case (a–z, 0–9, -), e.g. marginal-density")
            }
            if case let .frames(frames, labels) = figure {
                guard !frames.isEmpty else { throw .figure(lesson: slug, name: name, reason: "it has no frames") }
                guard labels.count == frames.count else {
                    throw .figure(lesson: slug, name: name, reason: "\(frames.count) frames but \(labels.count) labels; give one label per frame")
                }
            }
        }
    }

    // MARK: - Pages

    static func noTargets(_ fileName: String, blocks: [String: String] = [:]) -> LessonMarkdown.Targets {
        LessonMarkdown.Targets(fileName: fileName, results: .object([:]), tables: [:], figure: { _, _, _ in nil }, figureNames: [], blocks: blocks)
    }

    static func framePath(_ name: String, index: Int, count: Int) -> String {
        let digits = max(3, String(count).count)
        let number = String(index + 1)
        return "frames/\(name)/" + String(repeating: "0", count: digits - number.count) + number + ".png"
    }

    func renderedFigure(_ name: String, _ output: FigureOutput) -> RenderedFigure {
        switch output {
        case .single(let figure):
            return RenderedFigure(name: name, kind: .single, formats: options.formats, width: figure.width, height: figure.height)
        case let .frames(frames, labels):
            let paths = frames.indices.map { Self.framePath(name, index: $0, count: frames.count) }
            return RenderedFigure(name: name, kind: .frames(paths: paths, labels: labels), formats: options.formats,
                                  width: frames[0].width, height: frames[0].height)
        }
    }

    private func lessonPage(_ item: ComputedLesson, previous: LessonPage.Neighbour?, next: LessonPage.Neighbour?, katex: Bool, siteTitle: String) throws(ReportError) -> String {
        let result = item.result
        let figures = Dictionary(uniqueKeysWithValues: result.figures.map { ($0.key, renderedFigure($0.key, $0.value)) })
        let targets = LessonMarkdown.Targets(
            fileName: item.text.fileName, results: .object(result.results), tables: result.tables,
            figure: { name, captionHTML, captionText in
                figures[name].map { LessonPage.figureHTML($0, captionHTML: captionHTML, captionText: captionText) }
            },
            figureNames: Array(figures.keys))
        var introduction = LessonMarkdown(targets: targets)
        let introductionHTML = try introduction.renderBlock(item.text.introduction)
        var usedFigures = Set(introduction.usedFigures), usedTables = Set(introduction.usedTables)
        var steps: [LessonPage.Step] = []
        for step in item.text.steps {
            var markdown = LessonMarkdown(targets: targets)
            let title = try markdown.renderInline(step.title.text, line: step.title.firstLine)
            let body = try markdown.renderBlock(step.body)
            usedFigures.formUnion(markdown.usedFigures)
            usedTables.formUnion(markdown.usedTables)
            var rows: [LessonPage.NumberRow] = []
            var seen = Set<String>()
            for used in markdown.usedValues where seen.insert(used.path).inserted {
                let quantity = Self.quantity(for: used.path, in: result.quantities)
                if quantity == nil {
                    progress.warning("\(item.text.fileName): {{\(used.path)}} has no Quantity (label and convention) in the \(item.lesson.slug) lesson's results; its panel shows the key")
                }
                let value = ValueText(result.results.isEmpty ? .null : (JSONValue.object(result.results).value(at: used.path) ?? .null), style: used.style)
                rows.append(LessonPage.NumberRow(label: quantity?.label ?? used.path, valueHTML: value?.html ?? "", convention: quantity?.convention, path: used.path))
            }
            steps.append(LessonPage.Step(titleHTML: title, bodyHTML: body, numbers: rows))
        }
        for name in figures.keys.sorted() where !usedFigures.contains(name) {
            progress.warning("\(item.text.fileName): figure `\(name)` is computed but not shown; its files are in \(item.lesson.slug)/figures/")
        }
        for name in result.tables.keys.sorted() where !usedTables.contains(name) {
            progress.warning("\(item.text.fileName): table `\(name)` is computed but not shown; place it with {{table:\(name)}}")
        }
        return LessonPage(
            title: item.text.title, siteTitle: siteTitle, introductionHTML: introductionHTML, steps: steps,
            previousLesson: previous, nextLesson: next, katex: katex
        ).html()
    }

    /// The quantity of `path`, or of its longest prefix (`eigenvalues` for `eigenvalues.0`, shown with the index).
    static func quantity(for path: String, in quantities: [String: Quantity]) -> Quantity? {
        if let q = quantities[path] { return q }
        var parts = path.split(separator: ".").map(String.init)
        var suffix: [String] = []
        while parts.count > 1 {
            suffix.insert(parts.removeLast(), at: 0)
            if var q = quantities[parts.joined(separator: ".")] {
                q.label += " [" + suffix.joined(separator: ", ") + "]"
                return q
            }
        }
        return nil
    }

    // MARK: - Figures

    /// One figure object to render, and the files it becomes.
    struct RenderJob: @unchecked Sendable {   // Figure is @unchecked Sendable; a job is only read while rendering
        var lesson: String
        var name: String
        var figure: Figure
        var outputs: [(path: String, format: ImageFormat)]
    }

    /// The render jobs of one lesson: `LESSON/figures/NAME.EXT` for each format (for frames: the last frame), and
    /// `LESSON/frames/NAME/NNN.png` for each frame; one job per figure object, in the order of the figure names.
    func renderJobs(_ item: ComputedLesson) -> [RenderJob] {
        let slug = item.lesson.slug
        var jobs: [RenderJob] = []
        for (name, output) in item.result.figures.sorted(by: { $0.key < $1.key }) {
            switch output {
            case .single(let figure):
                jobs.append(RenderJob(lesson: slug, name: name, figure: figure,
                                      outputs: options.formats.map { ("\(slug)/figures/\(name).\($0.fileExtension)", $0) }))
            case .frames(let frames, _):
                for (i, frame) in frames.enumerated() {
                    var outputs = [("\(slug)/" + Self.framePath(name, index: i, count: frames.count), ImageFormat.png)]
                    if i == frames.count - 1 {
                        outputs += options.formats.map { ("\(slug)/figures/\(name).\($0.fileExtension)", $0) }
                    }
                    jobs.append(RenderJob(lesson: slug, name: name, figure: frame, outputs: outputs))
                }
            }
        }
        return jobs
    }

    /// Renders one job: its files in the order of its outputs (a frames figure's last frame goes to two PNG paths and
    /// is rendered once).
    static func renderFiles(_ job: RenderJob, scale: Double) -> Result<[(String, Data)], ReportError> {
        do {
            var files: [(String, Data)] = []
            var bytes: [ImageFormat: Data] = [:]
            for (path, format) in job.outputs {
                if bytes[format] == nil { bytes[format] = Data(try job.figure.render(format, scale: scale)) }
                files.append((path, bytes[format]!))
            }
            return .success(files)
        } catch {
            return .failure(.figure(lesson: job.lesson, name: job.name, reason: String(describing: error)))
        }
    }

    /// The files of rendered jobs in order, or the first job's error.
    static func files(_ results: [Result<[(String, Data)], ReportError>]) throws(ReportError) -> [(String, Data)] {
        var files: [(String, Data)] = []
        for r in results {
            switch r {
            case .success(let f): files += f
            case .failure(let e): throw e
            }
        }
        return files
    }

    // MARK: - Manifest

    private func manifestJSON(files: SiteFiles, inputs: [(String, String)], katex: Bool) -> String {
        let sorted = files.sorted
        let digests = ResultSlots<String>(count: sorted.count)
        DispatchQueue.concurrentPerform(iterations: sorted.count) { k in digests.set(k, .success(SHA256.hex(sorted[k].1))) }
        let fileList: [JSONValue] = sorted.indices.map { k in
            .object(["path": .string(sorted[k].0), "sha256": .string((try? digests.get(k)?.get()) ?? ""), "bytes": .integer(sorted[k].1.count)])
        }
        let inputList: [JSONValue] = inputs.map { .object(["file": .string($0.0), "sha256": .string($0.1)]) }
        var optionValues: [String: JSONValue] = [
            "lessons": .array(options.lessons.map { .string($0.slug) }),
            "formats": .array(options.formats.map { .string($0.rawValue) }),
            "quick": .bool(options.quick),
            "scale": .number(options.scale),
            "seed": .string(String(options.seed)),
            "latentDimension": options.latentDimension.map { .integer($0) } ?? .null,
            "data": options.dataFile.map { .string($0.lastPathComponent) } ?? .null,
        ]
        optionValues["force"] = .bool(options.force)
        let manifest: JSONValue = .object([
            "tool": .string(ToolInfo.name),
            "version": .string(ToolInfo.version),
            "seed": .string(String(options.seed)),
            "options": .object(optionValues),
            "inputs": .array(inputList),
            "katex": .bool(katex),
            "files": .array(fileList),
        ])
        var warnings: [String] = []
        return JSONWriter.serialize(manifest, warnings: &warnings)
    }
}

/// SHA-256 fingerprints of input files, computed on a background thread from the moment they are asked for; `value`
/// waits for them. A file that cannot be read is left out (the build reports its own error for it).
final class InputFingerprints: @unchecked Sendable {
    private var result: [(String, String)] = []
    private let done = DispatchGroup()

    init(_ files: [(String, URL)]) {
        done.enter()
        DispatchQueue.global().async { [self] in
            var hashes: [(String, String)] = []
            for (label, url) in files {
                if let data = try? Data(contentsOf: url, options: .alwaysMapped) { hashes.append((label, SHA256.hex(data))) }
            }
            result = hashes
            done.leave()
        }
    }

    /// The (name, hex digest) pairs in the order given.
    var value: [(String, String)] {
        done.wait()
        return result
    }
}

/// Results written by index from concurrent jobs.
final class ResultSlots<T>: @unchecked Sendable {
    private var slots: [Result<T, ReportError>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ r: Result<T, ReportError>) { lock.withLock { slots[i] = r } }
    func get(_ i: Int) -> Result<T, ReportError>? { lock.withLock { slots[i] } }
}

