import Datasets
import Foundation
import LessonKit
import Plotting
import Synchronization

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

    /// A lesson after `run` (or reused from the previous build: `IncrementalRebuild`), with its text.
    struct ComputedLesson {
        var lesson: any Lesson
        var text: LessonText
        /// What the page needs of the result.
        var snapshot: LessonSnapshot
        /// The figures to render; nil when the lesson was reused.
        var result: LessonResult?
        /// A reused lesson's figure files, from the previous report.
        var reusedFiles: [(String, Data)] = []
        var reused: Bool { result == nil }
    }

    public func build() throws(ReportError) -> BuildSummary {
        let started = ContinuousClock.now
        let output = OutputFolder(options.outputDirectory)
        let interruption = options.interruption ?? BuildInterruption()
        try checkOutput(output)
        // Builds into one --out take turns (held until this function returns), then what killed builds left goes.
        let reporter = progress
        let lock = try BuildLock.acquire(for: output) { holder in
            let who = holder.map { "another build (process \($0))" } ?? "another build"
            reporter.warning("\(who) is writing \(output.url.path); waiting for it to finish, then this build writes its report")
        }
        defer { withExtendedLifetime(lock) {} }
        output.recoverLeftovers(progress: progress)
        let loaded = try load(beside: output)
        let computed = try compute(loaded, output: output)
        var site: Site
        if options.singleFile {
            // The pages hold the figures, so they are made after them.
            let images = try render(computed)
            site = try pages(computed, index: loaded.index, images: images)
        } else {
            site = try pages(computed, index: loaded.index)
            for (path, data) in try render(computed) { site.files.add(path, data) }
            // A reused lesson's figure files were checked against the previous manifest: their digests are known.
            for item in computed.lessons where item.reused {
                for (path, data) in item.reusedFiles { site.files.add(path, data, digest: loaded.previous?.digests[path]) }
            }
        }
        let temp = try write(site, beside: output, interruption: interruption)
        do throws(ReportError) {
            try manifest(site, inputs: computed.dataHashes.value + loaded.textHashes.value, into: temp)
            try swap(temp, into: output, interruption: interruption)
        } catch {
            output.discard(temp, interruption: interruption)
            throw error
        }
        keepSnapshots(computed.lessons, output: output)
        let duration = ContinuousClock.now - started
        let index = output.url.appendingPathComponent("index.html")
        progress.finished(index: index, duration: duration)
        return BuildSummary(indexPage: index, fileCount: site.files.count + 1, warnings: progress.warnings, duration: duration,
                            reusedLessons: computed.lessons.filter(\.reused).map(\.lesson.slug))
    }

    // MARK: - What passes from stage to stage

    /// What `load` read: every text, the user's data, the catalogue of the shipped data sets (nothing read yet), and
    /// the fingerprints of the texts and `--data`, computed on another thread while the build runs.
    struct Loaded {
        var texts: [LessonText]
        var index: IndexText
        var userData: Dataset?
        var catalog: DataCatalog
        var textHashes: InputFingerprints
        /// The report now in `--out`, for reusing lessons whose inputs have not changed.
        var previous: PreviousReport?
    }

    /// What `compute` made: each lesson's result with its text, its figures queued for rendering, and the
    /// fingerprints of the data sets the lessons read.
    struct Computed {
        var lessons: [ComputedLesson]
        var queue: RenderQueue
        var jobRanges: [Range<Int>]
        var dataHashes: InputFingerprints
    }

    /// The site in memory: assets, pages and `results.json` from `pages`, then the figures from `render`.
    struct Site {
        var files = SiteFiles()
        /// Whether KaTeX was found (else the pages show the TeX source).
        var katex: Bool
    }

    // MARK: - The stages, in the order of `BuildStage`

    /// Refuses a bad `--out` (before the lock, which is made beside it).
    private func checkOutput(_ output: OutputFolder) throws(ReportError) {
        var protected = options.protectedPaths + [options.lessonsDirectory]
        if let data = options.dataFile { protected.append(data) }
        protected.append(FileManager.default.homeDirectoryForCurrentUser)
        try output.check(force: options.force, protected: protected)
    }

    /// Load: reads every text and `--data` before computing anything. The shipped data sets
    /// are read later, when a lesson asks for one.
    private func load(beside output: OutputFolder) throws(ReportError) -> Loaded {
        try stage(.load)
        var texts: [LessonText] = []
        for lesson in options.lessons {
            guard Escaping.isSafeFileName(lesson.slug) else {
                throw .lessonFailed(slug: lesson.slug, reason: "its slug must be lowercase kebab-case (a–z, 0–9, -) to name a folder")
            }
            texts.append(try LessonText.load(options.lessonsDirectory.appendingPathComponent(lesson.textFileName)))
        }
        let indexURL = options.lessonsDirectory.appendingPathComponent("index.md")
        let indexText = FileManager.default.fileExists(atPath: indexURL.path) ? try IndexText.load(indexURL) : IndexText.fallback

        // The fingerprints are only needed for the manifest: hash on another thread while the data are parsed and
        // the lessons compute (a 55 MB --data file takes ≈ 0.2 s to hash).
        var files: [(String, URL)] = []
        for lesson in options.lessons { files.append((lesson.textFileName, options.lessonsDirectory.appendingPathComponent(lesson.textFileName))) }
        files.append(("index.md", indexURL))
        if let file = options.dataFile { files.append(("--data " + file.lastPathComponent, file)) }
        let hashes = InputFingerprints(files)

        var userData: Dataset?
        if let file = options.dataFile {
            let start = ContinuousClock.now
            userData = try UserData.load(file, labelColumn: options.labelColumn, standardize: options.standardize)
            if let user = userData {
                try UserData.requireComplete(user, file: file, for: options.lessons, alternative: options.missingValuesLesson)
                progress.stage("data: \(user.name) \(user.values.rows)×\(user.values.columns)", duration: ContinuousClock.now - start)
            }
        }
        return Loaded(
            texts: texts, index: indexText, userData: userData,
            catalog: DataCatalog(root: options.lessonsDirectory, entries: options.datasets), textHashes: hashes,
            previous: previousReport(output))
    }

    /// Compute: runs each lesson with the values of the options it declares. Lessons whose inputs have not changed
    /// are reused first, in order (`IncrementalRebuild`); the others are computed concurrently, one per core at most,
    /// the costliest first (`Lesson.computeCost`): they share no mutable state (each has its own view of the data
    /// catalogue and its own seeded streams), so every result is the same whatever runs beside it. Each lesson's
    /// figures start rendering on one background thread as soon as the lesson is computed (in memory only; nothing is
    /// written before the write stage, and files are collected in lesson order). When lessons fail, the first failure
    /// in lesson order is reported (the one a one-at-a-time build reports), after the lessons running have finished.
    private func compute(_ loaded: Loaded, output: OutputFolder) throws(ReportError) -> Computed {
        try stage(.compute)
        let lessons = options.lessons
        let queue = RenderQueue(render: { job in Self.renderFiles(job) })
        var reusedDatasets: Set<DatasetName> = []
        let userDataDigest = { () -> String? in
            guard self.options.dataFile != nil else { return nil }
            return loaded.textHashes.value.first { $0.0.hasPrefix("--data ") }?.1
        }
        var reused: [Int: ComputedLesson] = [:]
        var toRun: [Int] = []
        for (k, lesson) in lessons.enumerated() {
            let lessonStart = ContinuousClock.now
            if let previous = loaded.previous,
                let (snapshot, files) = reuse(lesson, key: rebuildKey(for: lesson, userDataDigest: userDataDigest(), catalog: loaded.catalog),
                                              previous: previous, output: output)
            {
                progress.line("[\(k + 1)/\(lessons.count)] \(lesson.slug)")
                for warning in snapshot.warnings { progress.warning(warning) }
                reusedDatasets.formUnion(snapshot.datasets.map(DatasetName.init(rawValue:)))
                progress.stage("\(lesson.slug): inputs unchanged since the last build, its results and \(files.count) figure files reused", duration: ContinuousClock.now - lessonStart)
                reused[k] = ComputedLesson(lesson: lesson, text: loaded.texts[k], snapshot: snapshot, result: nil, reusedFiles: files)
            } else {
                toRun.append(k)
            }
        }
        let workers = min(RenderQueueCores.count, toRun.count)
        if workers > 1 {
            // Stable: equal costs keep the lessons' order.
            toRun = toRun.enumerated().sorted { a, b in
                let (ca, cb) = (lessons[a.element].computeCost, lessons[b.element].computeCost)
                return ca != cb ? ca > cb : a.offset < b.offset
            }.map(\.element)
        }
        let userDigest = userDataDigest()
        let order = toRun
        let outcomes = ResultSlots<ComputedLesson>(count: lessons.count)
        let next = Mutex(0)
        let ranges = Mutex<[Int: Range<Int>]>([:])
        let job = { @Sendable () in
            while true {
                let k: Int? = next.withLock { n in
                    while n < order.count {
                        let k = order[n]
                        n += 1
                        // A lesson after one that failed (in lesson order) is not started: its error would not be
                        // reported. So the error reported is the one a build computing one lesson at a time reports.
                        let failedBefore = (0..<k).contains { j in if case .failure = outcomes.get(j) { true } else { false } }
                        if !failedBefore { return k }
                    }
                    return nil
                }
                guard let k else { return }
                let r = self.computeLesson(k, loaded: loaded, userDataDigest: userDigest)
                if case .success(let item) = r {
                    let range = queue.add(self.renderJobs(item))
                    ranges.withLock { $0[k] = range }
                }
                outcomes.set(k, r)
            }
        }
        // Worker threads of their own (not `concurrentPerform`, inside which the lessons' own row-parallel loops would
        // be nested and kept to one thread each, even when the other lessons have finished).
        let group = DispatchGroup()
        for _ in 1..<max(workers, 1) { DispatchQueue.global().async(group: group) { job() } }
        job()
        group.wait()
        var computed: [ComputedLesson] = []
        for k in lessons.indices {
            if let item = reused[k] {
                computed.append(item)
            } else if let outcome = outcomes.get(k) {
                computed.append(try outcome.get())
            }
        }
        // Render ranges in lesson order (the jobs were queued as the lessons finished).
        let jobRanges = ranges.withLock { ranges in lessons.indices.map { ranges[$0] ?? 0..<0 } }
        // The data sets the lessons read, hashed while the pages are made and the figures rendered.
        let read = loaded.catalog.files(of: loaded.catalog.loadedNames.union(reusedDatasets))
        let dataHashes = InputFingerprints(read.map { ($0.path, $0.url) })
        return Computed(lessons: computed, queue: queue, jobRanges: jobRanges, dataHashes: dataHashes)
    }

    /// Runs lesson k (its own view of the data catalogue), checks its result and makes its snapshot; its progress
    /// goes to its own block of lines (`ProgressReporter`).
    private func computeLesson(_ k: Int, loaded: Loaded, userDataDigest: String?) -> Result<ComputedLesson, ReportError> {
        let lesson = options.lessons[k]
        progress.lessonStarted(lesson.slug, index: k + 1, count: options.lessons.count)
        let lessonStart = ContinuousClock.now
        let catalog = loaded.catalog.view()
        let reporter = progress
        let slug = lesson.slug
        let context = LessonContext(
            lesson: lesson.slug, seed: options.seed, quick: options.quick, data: catalog,
            userData: lesson.acceptedOptions.contains(.data) ? loaded.userData : nil,
            latentDimension: lesson.acceptedOptions.contains(.latentDimension) ? options.latentDimension : nil,
            progress: { label, fraction in reporter.lessonProgress(label, fraction, lesson: slug) })
        let result: LessonResult
        do {
            result = try lesson.run(context)
            try Self.check(result, slug: lesson.slug)
        } catch let error as ReportError {
            progress.lessonFinished(lesson.slug, duration: ContinuousClock.now - lessonStart)
            return .failure(error)
        } catch let error as DataCatalogError {
            progress.lessonFinished(lesson.slug, duration: ContinuousClock.now - lessonStart)
            return .failure(.data("the \(lesson.slug) lesson asked for data: \(error), or pass --lessons with the folder that holds the lesson texts and their data"))
        } catch {
            progress.lessonFinished(lesson.slug, duration: ContinuousClock.now - lessonStart)
            return .failure(.lessonFailed(slug: lesson.slug, reason: String(describing: error)))
        }
        var warnings: [String] = []
        for failed in result.checks where !failed.holds {
            warnings.append("\(lesson.slug): check `\(failed.name)` does not hold: difference \(failed.difference) > tolerance \(failed.tolerance) (\(failed.method))")
            progress.warning(warnings.last!)
        }
        progress.lessonFinished(lesson.slug, duration: ContinuousClock.now - lessonStart)
        let datasets = Set(catalog.requested.map(\.rawValue)).sorted()
        let snapshot = LessonSnapshot(
            key: options.singleFile ? "" : rebuildKey(for: lesson, userDataDigest: userDataDigest, catalog: catalog),
            datasets: datasets, result: result, warnings: warnings)
        return .success(ComputedLesson(lesson: lesson, text: loaded.texts[k], snapshot: snapshot, result: result))
    }

    /// Pages (in memory): the assets, each lesson's page and `results.json`, and the index; text references are
    /// resolved before the slower rendering. With `images` (`--single-file`, after `render`): only the pages, each
    /// with its assets and `images` inlined (`SingleFileAssets`), as `index.html` and `LESSON.html`.
    private func pages(_ computed: Computed, index indexText: IndexText, images: [(String, Data)]? = nil) throws(ReportError) -> Site {
        try stage(.pages)
        let start = ContinuousClock.now
        let katex = KaTeXAssets.files(in: options.katexDirectory)
        var site = Site(katex: katex != nil)
        if katex == nil {
            progress.warning("KaTeX was not found in \(options.katexDirectory.path) (Debian package libjs-katex); the pages show the TeX source of the formulas")
        }
        let inline = images.map { SingleFileAssets(katex: katex, images: Dictionary($0, uniquingKeysWith: { a, _ in a })) }
        if inline == nil {
            for (path, data) in katex ?? [] { site.files.add(path, data) }
            site.files.add("assets/site.css", text: SiteStyle.css)
            site.files.add("assets/site.js", text: SiteScript.js)
        }
        let lessons = computed.lessons
        var cards: [IndexPage.Card] = []
        for (k, item) in lessons.enumerated() {
            let neighbour = { (i: Int) -> LessonPage.Neighbour? in
                guard lessons.indices.contains(i) else { return nil }
                let slug = lessons[i].lesson.slug
                return LessonPage.Neighbour(title: lessons[i].text.title, href: inline == nil ? "../\(slug)/index.html" : "\(slug).html")
            }
            let page = try lessonPage(item, previous: neighbour(k - 1), next: neighbour(k + 1), katex: site.katex, siteTitle: indexText.title, inline: inline)
            if inline == nil {
                site.files.add("\(item.lesson.slug)/index.html", text: page)
                var warnings: [String] = []
                site.files.add("\(item.lesson.slug)/results.json", text: JSONWriter.serialize(.object(item.snapshot.results), warnings: &warnings))
                for w in warnings { progress.warning("\(item.lesson.slug)/results.json: \(w)") }
            } else {
                site.files.add("\(item.lesson.slug).html", text: page)
            }
            var summary = LessonMarkdown(targets: Self.noTargets(item.text.fileName))
            cards.append(IndexPage.Card(
                slug: item.lesson.slug, title: item.text.title,
                summaryHTML: try summary.renderInline(item.text.summary, line: 3), stepCount: item.text.steps.count))
        }
        let cardsHTML = IndexPage.cardsHTML(cards, singleFile: inline != nil)
        var indexMarkdown = LessonMarkdown(targets: Self.noTargets(indexText.fileName, blocks: ["lessons": cardsHTML]))
        var indexBody = try indexMarkdown.renderBlock(indexText.body)
        if !indexText.body.text.contains("{{lessons}}") { indexBody += cardsHTML }
        site.files.add("index.html", text: IndexPage(title: indexText.title, bodyHTML: indexBody, katex: site.katex, inline: inline).html())
        progress.stage("pages: \(lessons.count + 1) pages", duration: ContinuousClock.now - start)
        return site
    }

    /// Render: every figure not yet rendered by the background thread, on every core; results are kept by job
    /// index, so the bytes do not depend on timing.
    private func render(_ computed: Computed) throws(ReportError) -> [(String, Data)] {
        try stage(.render)
        let start = ContinuousClock.now
        let queue = computed.queue
        let reporter = progress
        queue.drain(progress: { reporter.lessonProgress("rendering figures", $0) })
        var rendered: [(String, Data)] = []
        for (item, range) in zip(computed.lessons, computed.jobRanges) {
            rendered += item.reused ? item.reusedFiles : try Self.files(queue.results(range))
        }
        progress.stage("figures: \(rendered.count) files", duration: ContinuousClock.now - start)
        return rendered
    }

    /// Write: every file into a temporary folder beside `--out`.
    private func write(_ site: Site, beside output: OutputFolder, interruption: BuildInterruption) throws(ReportError) -> URL {
        try stage(.write)
        let start = ContinuousClock.now
        let temp = try output.writeTemporary(site.files, interruption: interruption, previousSize: output.previousSize,
                                             freeSpace: options.freeSpace ?? OutputFolder.freeSpace)
        progress.stage("wrote \(site.files.count) files", duration: ContinuousClock.now - start)
        return temp
    }

    /// Manifest: `manifest.json` into the temporary folder, with the fingerprints of the inputs (the data sets the
    /// lessons read, the texts, `--data`) and of every file.
    private func manifest(_ site: Site, inputs: [(String, String)], into temp: URL) throws(ReportError) {
        try stage(.manifest)
        let manifest = manifestJSON(files: site.files, inputs: inputs, katex: site.katex)
        let url = temp.appendingPathComponent("manifest.json")
        do { try Data(manifest.utf8).write(to: url) } catch {
            throw ReportError.io(path: url.path, reason: "cannot write (\(error.localizedDescription))")
        }
    }

    /// Swap: the temporary folder becomes `--out` (see `OutputFolder.swap`).
    private func swap(_ temp: URL, into output: OutputFolder, interruption: BuildInterruption) throws(ReportError) {
        try stage(.swap)
        try output.swap(in: temp, interruption: interruption)
    }

    /// Calls the stage hook (the tests use it to stop a build between two stages).
    private func stage(_ s: BuildStage) throws(ReportError) {
        guard let hook = options.stageHook else { return }
        do { try hook(s) } catch let e as ReportError { throw e } catch { throw .interrupted(stage: s.rawValue) }
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

    func renderedFigure(_ name: String, _ figure: LessonSnapshot.FigureSummary, lessonSlug: String = "") -> RenderedFigure {
        let kind = figure.frameLabels.map { labels in
            RenderedFigure.Kind.frames(paths: labels.indices.map { Self.framePath(name, index: $0, count: labels.count) }, labels: labels)
        } ?? .single
        let narrow = figure.narrowWidth.flatMap { w in figure.narrowHeight.map { (width: w, height: $0) } }
        return RenderedFigure(name: name, kind: kind, formats: options.formats, width: figure.width, height: figure.height,
                              lesson: lessonSlug, narrow: narrow, title: figure.title, pans: figure.pans)
    }

    // MARK: - Figures

    /// One figure to render, frozen (a `Sendable` value, so the render threads cannot see it change), and the files
    /// it becomes.
    struct RenderJob: Sendable {
        var lesson: String
        var name: String
        var figure: FrozenFigure
        var outputs: [(path: String, format: ImageFormat)]
        /// PNG pixels per point.
        var scale: Double
    }

    /// The render jobs of one lesson: `LESSON/figures/NAME.EXT` for each format (for frames: the last frame), and
    /// `LESSON/frames/NAME/NNN.png` for each frame; one job per figure object, in the order of the figure names, each
    /// followed by the job of its phone version when it has one (`NarrowFigure`: `LESSON/figures/narrow/NAME.png`,
    /// `LESSON/frames/NAME/narrow/NNN.png`, PNG only). With `--single-file`: the PNGs the page shows only (no copy of
    /// the last frame), frames at `singleFileFrameScale`.
    func renderJobs(_ item: ComputedLesson) -> [RenderJob] {
        let slug = item.lesson.slug
        let single = options.singleFile
        let frameScale = single ? min(options.scale, options.singleFileFrameScale) : options.scale
        var jobs: [RenderJob] = []
        for (name, output) in (item.result?.figures ?? [:]).sorted(by: { $0.key < $1.key }) {
            switch output {
            case .single(let figure):
                jobs.append(RenderJob(lesson: slug, name: name, figure: figure,
                                      outputs: options.formats.map { ("\(slug)/figures/\(name).\($0.fileExtension)", $0) }, scale: options.scale))
                if let narrow = NarrowFigure.variant(of: figure) {
                    jobs.append(RenderJob(lesson: slug, name: name, figure: narrow,
                                          outputs: [("\(slug)/" + NarrowFigure.figurePath(name), .png)], scale: options.scale))
                }
            case .frames(let frames, _):
                for (i, frame) in frames.enumerated() {
                    var outputs = [("\(slug)/" + Self.framePath(name, index: i, count: frames.count), ImageFormat.png)]
                    if i == frames.count - 1 && !single {
                        outputs += options.formats.map { ("\(slug)/figures/\(name).\($0.fileExtension)", $0) }
                    }
                    jobs.append(RenderJob(lesson: slug, name: name, figure: frame, outputs: outputs, scale: frameScale))
                    if let narrow = NarrowFigure.variant(of: frame) {
                        let path = NarrowFigure.framePath(Self.framePath(name, index: i, count: frames.count))
                        jobs.append(RenderJob(lesson: slug, name: name, figure: narrow, outputs: [("\(slug)/" + path, .png)], scale: frameScale))
                    }
                }
            }
        }
        return jobs
    }

    /// Renders one job: its files in the order of its outputs (a frames figure's last frame goes to two PNG paths and
    /// is rendered once).
    static func renderFiles(_ job: RenderJob) -> Result<[(String, Data)], ReportError> {
        do {
            var files: [(String, Data)] = []
            var bytes: [ImageFormat: Data] = [:]
            for (path, format) in job.outputs {
                if bytes[format] == nil { bytes[format] = Data(try job.figure.render(format, scale: job.scale)) }
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
}
