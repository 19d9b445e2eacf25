import ArgumentParser
import Foundation
import LessonKit
import Lessons
import Plotting
import Report
#if canImport(Glibc)
import Glibc
#endif

/// `lvm-lessons build`: computes every lesson and writes the site.
///
/// It names no lesson and no data file: the lessons, their texts and the options each takes come from
/// `LessonCatalog.all` (`Lesson.acceptedOptions`); the data sets are the builder's `DataCatalog`.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the report: compute the lessons, draw the figures, write the pages into --out.",
        discussion: """
            The site is written into a temporary folder beside --out and swapped in only when everything succeeded, so \
            a failed or interrupted build leaves the previous report as it was. An existing --out is replaced only if it \
            holds a manifest.json written by this tool (or with --force).
            """)

    @Option(
        name: .customLong("lesson"),
        help: ArgumentHelp("A lesson to build: \(BuildCommand.either(LessonChoice.allValueStrings)). Repeat for several; default: all.", valueName: "NAME"),
        completion: .list(LessonChoice.allValueStrings),
        transform: LessonChoice.init(parsing:))
    var lessonChoices: [LessonChoice] = []

    @Option(name: .customLong("out"), help: ArgumentHelp("The folder of the site.", valueName: "DIR"))
    var out: String = "output"

    @OptionGroup var figureFiles: FigureFileOptions

    @OptionGroup var inputs: LessonInputOptions

    @OptionGroup var location: LessonsLocation

    @Flag(help: "Print nothing but warnings and errors.")
    var quiet = false

    @Flag(help: "Replace --out even when it is a non-empty folder that this tool did not write.")
    var force = false

    @Flag(name: .customLong("single-file"), help: "Write OUT/index.html and one OUT/LESSON.html per lesson, each self-contained (styles, scripts, KaTeX and its fonts, every figure and frame inlined): one file per lesson to upload or mail. PNG figures only.")
    var singleFile = false

    @Flag(name: .customLong("no-reuse"), help: "Compute every lesson, even one whose inputs (tool, seed, options, data) have not changed since the last build into --out; by default such a lesson's results and figures are taken from the last build and only its page is made again.")
    var noReuse = false

    @Flag(help: "After building, watch the lesson texts and data files and build again whenever one changes (lessons whose inputs did not change are reused, so a text edit rebuilds in a moment). Ctrl-C stops.")
    var watch = false

    /// The lessons chosen with --lesson, in the catalogue's order (all of them by default).
    var selectedLessons: [any Lesson] {
        let slugs = Set(lessonChoices.map(\.lesson.slug))
        return slugs.isEmpty ? LessonCatalog.all : LessonCatalog.all.filter { slugs.contains($0.slug) }
    }

    func validate() throws {
        guard !out.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--out is empty. Give the folder to write the site into, e.g. --out output.")
        }
        try inputs.check(for: selectedLessons, add: "--lesson ")
        if singleFile && figureFiles.formats.contains(where: { $0 != .png }) {
            throw ValidationError("--single-file embeds the figures as PNG only; leave out --format (or build the SVG/PDF files without --single-file).")
        }
        _ = try location.resolve(holdingTextsOf: selectedLessons)
    }

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var options = BuildOptions(
            lessons: selectedLessons,
            outputDirectory: URL(fileURLWithPath: out, relativeTo: cwd).standardizedFileURL,
            formats: figureFiles.formats, seed: inputs.seed,
            dataFile: inputs.dataFile,
            latentDimension: inputs.latentDimension, quick: inputs.quick, lessonsDirectory: try location.resolve(), datasets: LessonData.entries,
            scale: figureFiles.scale,
            force: force, protectedPaths: [cwd])
        options.labelColumn = inputs.labelColumn
        options.standardize = inputs.standardize
        options.missingValuesLesson = LessonCatalog.all.first(where: \.acceptsMissingValues)?.slug
        options.singleFile = singleFile
        options.reuse = !noReuse
        // Test hook: LVM_LESSONS_CRASH_BEFORE=<stage> kills the process (SIGKILL, no clean-up) before that stage, so
        // the tests can check that an interrupted build leaves the previous report intact.
        // LVM_LESSONS_PAUSE_BEFORE=<stage> prints "paused before STAGE" and sleeps (a minute) before it, so the tests
        // can send a signal while the unfinished report exists.
        let environment = ProcessInfo.processInfo.environment
        if let stage = environment["LVM_LESSONS_CRASH_BEFORE"] {
            options.stageHook = { current in
                if current.rawValue == stage { kill(getpid(), SIGKILL) }
            }
        } else if let stage = environment["LVM_LESSONS_PAUSE_BEFORE"] {
            options.stageHook = { current in
                guard current.rawValue == stage else { return }
                FileHandle.standardError.write(Data("paused before \(stage)\n".utf8))
                sleep(60)
            }
        }
        if watch {
            let lessons = options.lessonsDirectory
            var files = options.lessons.map { lessons.appendingPathComponent($0.textFileName) }
            files.append(lessons.appendingPathComponent("index.md"))
            if let data = options.dataFile { files.append(data) }
            files += LessonData.entries.flatMap(\.files).map { lessons.appendingPathComponent($0) }
            let quiet = self.quiet
            WatchLoop(files: files, output: options.outputDirectory).run {
                try ReportBuilder(options: options, progress: ProgressReporter.standardError(quiet: quiet)).build()
            }
            return
        }
        // Ctrl-C, SIGTERM or SIGHUP: the unfinished report is removed and the previous one stays.
        let interruption = BuildInterruption()
        interruption.install()
        options.interruption = interruption
        let progress = ProgressReporter.standardError(quiet: quiet)
        do {
            _ = try ReportBuilder(options: options, progress: progress).build()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    // MARK: - Help text from the lessons' declarations

    /// The help of a lesson option: its one line, `detail`, and the lessons that take it.
    static func help(_ option: LessonOption, _ detail: String) -> String {
        let takers = option.takers(in: LessonCatalog.all).map(\.slug)
        let help = option.help.prefix(1).uppercased() + option.help.dropFirst()
        return "\(help): \(detail). For the \(both(takers)) lesson\(takers.count == 1 ? "" : "s")."
    }

    /// `a`, `a and b`, `a, b and c`.
    static func both(_ names: [String]) -> String {
        names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " and " + names.last!
    }

    /// `a`, `a or b`, `a, b or c`.
    static func either(_ names: [String]) -> String {
        names.count <= 1 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}
