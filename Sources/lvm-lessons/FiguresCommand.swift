import ArgumentParser
import Foundation
import LessonKit
import Lessons
import Plotting
import Report

/// `lvm-lessons figures`: chosen figures for course notes, at a document's width, in its typeface, with snippets.
///
/// Computes only the lessons named (`Report.FigureExport`); a name the lesson does not draw is refused with the list
/// of its figures, a bad length with an example of a good one.
struct FiguresCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "figures",
        abstract: "Draw chosen figures for course notes: LESSON/NAME or LESSON, at --width, with .tex and .md snippets.",
        discussion: """
            Writes DIR/LESSON/NAME.{pdf,svg,png}, DIR/LESSON/NAME.tex (a figure environment with the caption of the \
            lesson text and \\label{fig:LESSON-NAME}), DIR/LESSON/NAME.md and DIR/references.bib. Only the lessons named \
            are computed. Example: lvm-lessons figures pca/eigen-digits ppca --width 246pt --out notes-figures
            """)

    @Argument(help: ArgumentHelp("LESSON/NAME (one figure) or LESSON (all its figures); default: every figure of every lesson.",
                                 valueName: "LESSON/NAME | LESSON"))
    var selections: [String] = []

    @Option(help: ArgumentHelp("notes: serif (Latin Modern) text, no title, panels re-flowed for the width; web: as on the pages.",
                               valueName: "web|notes"))
    var style: StyleName = .notes

    @Option(help: ArgumentHelp("The width the figure is printed at: 246pt (TeX points), 3.4in, 8.6cm, 86mm, 245bp. Default: the figure's own.",
                               valueName: "LEN"))
    var width: String?

    @Option(help: ArgumentHelp("The height; default: the figure's own aspect, per panel after re-flowing.", valueName: "LEN"))
    var height: String?

    @Option(name: .customLong("font-size"),
            help: ArgumentHelp("Axis-label size in the notes style (≥ 9; ticks and legend 1 pt smaller, ≥ 8).", valueName: "PT"))
    var fontSize: Double = 9

    @Option(
        name: .customLong("format"),
        help: ArgumentHelp("Files to write: pdf, svg, png, comma-separated or repeated (default: pdf,svg,png).", valueName: "LIST"),
        completion: .list(ImageFormat.allCases.map(\.rawValue)),
        transform: ImageFormatList.init(parsing:))
    var formatLists: [ImageFormatList] = []

    @Option(help: ArgumentHelp("PNG pixels per point (0 < N ≤ 8): 2 is 144 dpi at the printed width, 4 is 288 dpi (slower; LaTeX includes the PDF).", valueName: "N"))
    var scale: Double = 2

    @Option(name: .customLong("out"), help: ArgumentHelp("The folder to write into (files of the same names are replaced).", valueName: "DIR"))
    var out: String = "figures"

    @OptionGroup var inputs: LessonInputOptions

    @OptionGroup var location: LessonsLocation

    @Flag(help: "Print nothing but warnings and errors.")
    var quiet = false

    enum StyleName: String, ExpressibleByArgument, CaseIterable { case web, notes }

    /// The formats asked for, in the order pdf, svg, png.
    var formats: [ImageFormat] {
        let given = Set(formatLists.flatMap(\.formats))
        return given.isEmpty ? [.pdf, .svg, .png] : [ImageFormat.pdf, .svg, .png].filter(given.contains)
    }

    static func length(_ text: String?, option: String) throws -> Length? {
        guard let text else { return nil }
        let length: Length
        do { length = try Length(parsing: text) } catch {
            throw ValidationError("\(option) \(error.description).")
        }
        guard length.points >= 36, length.points <= 2000 else {
            throw ValidationError("\(option) \(text) is \(Int(length.points.rounded())) bp; give a length between 0.5in and 27in, e.g. 246pt or 3.4in.")
        }
        return length
    }

    /// The requests, one per lesson in the order first named, each with its names (none: all its figures).
    func requests() throws -> [FigureExport.Request] {
        if selections.isEmpty { return LessonCatalog.all.map { FigureExport.Request(lesson: $0, names: []) } }
        var order: [String] = [], names: [String: [String]] = [:], whole = Set<String>()
        for selection in selections {
            let parts = selection.split(separator: "/", maxSplits: 1).map(String.init)
            guard let slug = parts.first, LessonCatalog.lesson(slug: slug) != nil else {
                throw ValidationError("unknown lesson in '\(selection)'. Write LESSON/NAME or LESSON, LESSON one of \(LessonChoice.allValueStrings.joined(separator: ", ")) (e.g. pca/eigen-digits); `lvm-lessons list` shows the lessons.")
            }
            if names[slug] == nil { order.append(slug); names[slug] = [] }
            if parts.count == 2, !parts[1].isEmpty {
                if !names[slug]!.contains(parts[1]) { names[slug]!.append(parts[1]) }
            } else {
                whole.insert(slug)
            }
        }
        return order.map { FigureExport.Request(lesson: LessonCatalog.lesson(slug: $0)!, names: whole.contains($0) ? [] : names[$0]!) }
    }

    func validate() throws {
        try inputs.check(for: try requests().map(\.lesson), add: "")
        _ = try Self.length(width, option: "--width")
        _ = try Self.length(height, option: "--height")
        guard fontSize.isFinite, fontSize >= FigureStyle.minimumAxisLabelSize, fontSize <= 30 else {
            throw ValidationError("--font-size \(fontSize): give an axis-label size from 9 to 30 pt (ticks are set 1 pt smaller and stay ≥ 8 pt), e.g. --font-size 10.")
        }
        guard scale.isFinite, scale > 0, scale <= 8 else {
            throw ValidationError("--scale \(scale) is out of range. Give a PNG scale with 0 < N ≤ 8.")
        }
        guard !out.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--out is empty. Give the folder to write the figures into, e.g. --out figures.")
        }
    }

    func run() throws {
        let progress = ProgressReporter.standardError(quiet: quiet)
        var figureStyle = FigureStyle.web
        if style == .notes {
            if FigureStyle.notesFamilyIsInstalled {
                figureStyle = .notes(fontSize: fontSize)
            } else {
                progress.warning("Latin Modern Roman is not installed (Debian: apt-get install fonts-lmodern); the figures use \(FigureStyle.notesFallbackFamily) instead, which does not match LaTeX's Computer Modern")
                figureStyle = .notes(fontSize: fontSize, family: FigureStyle.notesFallbackFamily)
            }
        }
        let w = try Self.length(width, option: "--width"), h = try Self.length(height, option: "--height")
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let outURL = URL(fileURLWithPath: out, relativeTo: cwd).standardizedFileURL
        var export = FigureExport(
            requests: try requests(), outputDirectory: outURL, formats: formats, style: figureStyle,
            width: w?.points, widthTeX: w?.description, height: h?.points,
            lessonsDirectory: try location.resolve(holdingTextsOf: try requests().map(\.lesson)), datasets: LessonData.entries,
            seed: inputs.seed, scale: scale)
        export.dataFile = inputs.dataFile
        export.labelColumn = inputs.labelColumn
        export.standardize = inputs.standardize
        export.missingValuesLesson = LessonCatalog.all.first(where: \.acceptsMissingValues)?.slug
        export.latentDimension = inputs.latentDimension
        export.quick = inputs.quick
        do {
            let written = try export.run(progress: progress)
            progress.line("figures: \(written.count) files in \(outURL.path)")
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}
