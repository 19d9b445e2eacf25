import Datasets
import Foundation
import LessonKit
import Plotting

/// `lvm-lessons figures`: chosen figures of chosen lessons, at a chosen size and style, with their LaTeX and Markdown
/// snippets, for course notes. Only the lessons named are computed; nothing is written until every figure asked
/// for exists and has rendered, so a bad name or a failing lesson leaves `--out` as it was.
///
/// Files: `OUT/LESSON/NAME.{pdf,svg,png}`, `OUT/LESSON/NAME.tex`, `OUT/LESSON/NAME.md`, and `OUT/references.bib`
/// (a copy of the lessons folder's `references.bib`, the works the lesson texts cite). A figure made of frames gives
/// its last frame, as `LESSON/figures/NAME.*` of the report does.
public struct FigureExport: Sendable {
    /// One lesson and the figures wanted from it (empty: all of them).
    public struct Request: Sendable {
        public var lesson: any Lesson
        public var names: [String]
        public init(lesson: any Lesson, names: [String]) { self.lesson = lesson; self.names = names }
    }

    public var requests: [Request]
    public var outputDirectory: URL
    public var formats: [ImageFormat]
    /// The style to draw in; `.notes(…)` for course notes.
    public var style: FigureStyle
    /// The width in PostScript points (1/72 in, Cairo's unit), and how the user wrote it (for `\includegraphics`).
    public var width: Double?
    public var widthTeX: String?
    /// The height in PostScript points; nil: the figure's own aspect (per panel, after re-flowing).
    public var height: Double?
    public var lessonsDirectory: URL
    /// The slug of the lesson that fits `--data` with missing cells, named when another lesson refuses them.
    public var missingValuesLesson: String?
    public var datasets: [DataCatalog.Entry]
    public var seed: UInt64
    public var scale: Double
    /// `--data` (with `--labels`, `--standardize`), `--latent-dim` and `--quick`, as `build` takes them: given to the
    /// lessons that declare them (`Lesson.acceptedOptions`), so the figures are the ones the pages show.
    public var dataFile: URL? = nil
    public var labelColumn: String? = nil
    public var standardize = false
    public var latentDimension: Int? = nil
    public var quick = false

    public init(requests: [Request], outputDirectory: URL, formats: [ImageFormat], style: FigureStyle, width: Double?,
                widthTeX: String?, height: Double?, lessonsDirectory: URL, datasets: [DataCatalog.Entry],
                seed: UInt64 = ToolInfo.defaultSeed, scale: Double = 2) {
        self.requests = requests; self.outputDirectory = outputDirectory; self.formats = formats; self.style = style
        self.width = width; self.widthTeX = widthTeX; self.height = height; self.lessonsDirectory = lessonsDirectory
        self.datasets = datasets; self.seed = seed; self.scale = scale
    }

    /// The name of the bibliography in the lessons folder and in `--out`.
    public static let bibliographyName = "references.bib"

    /// Computes, renders and writes; returns the paths written, relative to `outputDirectory`.
    @discardableResult
    public func run(progress: ProgressReporter) throws(ReportError) -> [String] {
        let catalog = DataCatalog(root: lessonsDirectory, entries: datasets)
        let userData = try dataFile.map { file throws(ReportError) in
            let data = try UserData.load(file, labelColumn: labelColumn, standardize: standardize)
            try UserData.requireComplete(data, file: file, for: requests.map(\.lesson), alternative: missingValuesLesson)
            return data
        }
        var files: [(String, Data)] = []
        var rendered = 0
        let renderStart = ContinuousClock.now
        for request in requests {
            let lesson = request.lesson
            let start = ContinuousClock.now
            let text = try LessonText.load(lessonsDirectory.appendingPathComponent(lesson.textFileName))
            var context = LessonContext(lesson: lesson.slug, seed: seed, quick: quick, data: catalog,
                                        userData: lesson.acceptedOptions.contains(.data) ? userData : nil,
                                        latentDimension: lesson.acceptedOptions.contains(.latentDimension) ? latentDimension : nil,
                                        progress: { _, _ in })
            // Each wanted figure starts rendering on a background thread as soon as the lesson records it, while the
            // lesson computes on (the digits' training, seconds long, comes after most figures of its lesson).
            let renders = BackgroundRenders()
            let wanted = Set(request.names)
            context.figureRecorded = { [self] name, output in
                guard wanted.isEmpty || wanted.contains(name) else { return }
                let figure = Self.shown(output)
                renders.start(name) { () throws(ReportError) in try self.images(lesson: lesson.slug, name: name, figure: figure) }
            }
            let result: LessonResult
            do { result = try lesson.run(context) } catch let error as DataCatalogError {
                renders.wait()
                throw .data("the \(lesson.slug) lesson asked for data: \(error); pass --lessons with the folder that holds the lesson texts and their data")
            } catch {
                renders.wait()
                throw .lessonFailed(slug: lesson.slug, reason: String(describing: error))
            }
            progress.stage("\(lesson.slug): computed", duration: ContinuousClock.now - start)
            renders.wait()
            let available = Array(result.figures.keys)
            for name in request.names where result.figures[name] == nil {
                throw .unknownFigure(lesson: lesson.slug, name: name, available: available)
            }
            let captions = FigureSnippets.captions(in: text)
            let names = request.names.isEmpty ? available.sorted() : request.names
            for name in names {
                // A figure the lesson returned without recording it (a lesson that records no observer) renders now.
                let images: BackgroundRenders.Images
                if let done = try renders.result(name) { images = done } else {
                    images = try self.images(lesson: lesson.slug, name: name, figure: Self.shown(result.figures[name]!))
                }
                files += images.files
                files += snippets(lesson: lesson.slug, name: name, width: images.width,
                                  caption: captions[name].map { FigureSnippets.Caption(markdown: $0, results: result.results) })
                rendered += 1
            }
        }
        progress.stage("figures: \(rendered) rendered", duration: ContinuousClock.now - renderStart)
        let bib = lessonsDirectory.appendingPathComponent(Self.bibliographyName)
        if let data = FileManager.default.contents(atPath: bib.path) {
            files.append((Self.bibliographyName, data))
        } else {
            progress.warning("\(bib.path) not found: no \(Self.bibliographyName) written")
        }
        try write(files)
        return files.map(\.0)
    }

    /// The figure a lesson's output shows: the figure, or the last of its frames (as `LESSON/figures/NAME.*`).
    static func shown(_ output: FigureOutput) -> FrozenFigure {
        switch output {
        case .single(let f): return f
        case .frames(let frames, _): return frames[frames.count - 1]
        }
    }

    /// The figure as laid out for the notes: `width`/`height`/`style` applied (a figure keeps its own size when no
    /// width is given).
    public func prepared(_ figure: FrozenFigure) -> FrozenFigure {
        if width == nil && height == nil && style == .web { return figure }
        return figure.resized(width: width ?? figure.width, height: height, style: style)
    }

    /// The rendered files of one figure, and the width it was laid out at.
    func images(lesson: String, name: String, figure original: FrozenFigure) throws(ReportError) -> (files: [(String, Data)], width: Double) {
        let figure = prepared(original)
        var out: [(String, Data)] = []
        for format in formats {
            do {
                out.append(("\(lesson)/\(name).\(format.fileExtension)", Data(try figure.render(format, scale: scale))))
            } catch {
                throw .figure(lesson: lesson, name: name, reason: String(describing: error))
            }
        }
        return (out, figure.width)
    }

    /// `NAME.tex` and `NAME.md` of one figure laid out `width` points wide.
    func snippets(lesson: String, name: String, width: Double, caption: FigureSnippets.Caption?) -> [(String, Data)] {
        let widthTeX = self.widthTeX ?? "\(NumberText.short(width))bp"
        let image = formats.contains(.svg) ? "svg" : (formats.first ?? .png).fileExtension
        return [
            ("\(lesson)/\(name).tex", Data(FigureSnippets.tex(lesson: lesson, name: name, graphic: "\(lesson)/\(name)",
                                                              widthTeX: widthTeX, caption: caption).utf8)),
            ("\(lesson)/\(name).md", Data(FigureSnippets.markdown(lesson: lesson, name: name, image: "\(name).\(image)",
                                                                 caption: caption).utf8)),
        ]
    }

    /// Writes every file (folders first); each file is replaced atomically.
    func write(_ files: [(String, Data)]) throws(ReportError) {
        let fm = FileManager.default
        for (path, data) in files {
            let url = outputDirectory.appendingPathComponent(path)
            do {
                try fm.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try data.write(to: url, options: .atomic)
            } catch {
                throw .io(path: url.path, reason: "cannot write (\(error.localizedDescription))")
            }
        }
    }
}

/// Short decimal text of a length for TeX (`245.08`, `246`).
enum NumberText {
    static func short(_ x: Double) -> String {
        let r = (x * 100).rounded() / 100
        return r == r.rounded() ? String(Int(r)) : String(r)
    }
}
