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

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("The seed of the random numbers (same seed, same bytes): a whole number 0 … 2⁶⁴ − 1.", valueName: "N"))
    var seed: UInt64 = ToolInfo.defaultSeed

    @Option(name: .customLong("data"), help: ArgumentHelp(BuildCommand.help(.data, "a CSV with a header row of column names, then numbers"), valueName: "FILE.csv"))
    var dataPath: String?

    @Option(name: .customLong("labels"), help: ArgumentHelp(
        "With --data: the column that holds each row's class (names or integers). It colours the scatters and is left out of the numbers.",
        valueName: "COLUMN"))
    var labelColumn: String?

    @Flag(name: .customLong("standardize"), help: "With --data: centre each column and divide it by its standard deviation (1/N), as scikit-learn's StandardScaler. Constant columns are refused.")
    var standardize = false

    @Option(name: .customLong("latent-dim"), help: ArgumentHelp(BuildCommand.help(.latentDimension, "1 ≤ q < number of columns"), valueName: "Q"))
    var latentDimension: Int?

    @Flag(help: "Fewer iterations and grid points: for tests and drafts.")
    var quick = false

    @OptionGroup var location: LessonsLocation

    @Flag(help: "Print nothing but warnings and errors.")
    var quiet = false

    @Flag(help: "Replace --out even when it is a non-empty folder that this tool did not write.")
    var force = false

    @Flag(name: .customLong("single-file"), help: "Write OUT/index.html and one OUT/LESSON.html per lesson, each self-contained (styles, scripts, KaTeX and its fonts, every figure and frame inlined): one file per lesson to upload or mail. PNG figures only.")
    var singleFile = false

    /// The lessons chosen with --lesson, in the catalogue's order (all of them by default).
    var selectedLessons: [any Lesson] {
        let slugs = Set(lessonChoices.map(\.lesson.slug))
        return slugs.isEmpty ? LessonCatalog.all : LessonCatalog.all.filter { slugs.contains($0.slug) }
    }

    func validate() throws {
        guard !out.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("--out is empty. Give the folder to write the site into, e.g. --out output.")
        }
        if let q = latentDimension {
            guard q >= 1 else {
                throw ValidationError("--latent-dim \(q): the latent dimension must be at least 1 (and less than the number of data columns).")
            }
            try requireATaker(of: .latentDimension)
        }
        if let dataPath {
            let url = URL(fileURLWithPath: dataPath)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw ValidationError("--data \(dataPath): no such file. Pass a CSV file with a header row of column names, then one row of numbers per observation.")
            }
            guard FileManager.default.isReadableFile(atPath: url.path) else {
                throw ValidationError("--data \(dataPath): the file cannot be read. Check its permissions.")
            }
            try requireATaker(of: .data)
        }
        if dataPath == nil, labelColumn != nil || standardize {
            throw ValidationError("\(labelColumn != nil ? "--labels" : "--standardize") applies to your own data: add --data FILE.csv, or leave it out.")
        }
        if let labelColumn, labelColumn.isEmpty {
            throw ValidationError("--labels is empty. Give the name of the column that holds the classes, as the CSV header spells it.")
        }
        if singleFile && figureFiles.formats.contains(where: { $0 != .png }) {
            throw ValidationError("--single-file embeds the figures as PNG only; leave out --format (or build the SVG/PDF files without --single-file).")
        }
        _ = try location.resolve(holdingTextsOf: selectedLessons)
    }

    /// Throws unless one of the selected lessons declares `option` (`Lesson.acceptedOptions`); the message names the
    /// lessons that do.
    func requireATaker(of option: LessonOption) throws {
        guard option.takers(in: selectedLessons).isEmpty else { return }
        let takers = option.takers(in: LessonCatalog.all).map(\.slug)
        switch takers.count {
        case 0:
            throw ValidationError("\(option.flag) applies to none of the lessons; leave it out.")
        case 1:
            throw ValidationError("\(option.flag) applies only to the \(takers[0]) lesson; add --lesson \(takers[0]) or leave out \(option.flag).")
        default:
            throw ValidationError("\(option.flag) applies only to the \(Self.both(takers)) lessons; add one of them with --lesson or leave out \(option.flag).")
        }
    }

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var options = BuildOptions(
            lessons: selectedLessons,
            outputDirectory: URL(fileURLWithPath: out, relativeTo: cwd).standardizedFileURL,
            formats: figureFiles.formats, seed: seed,
            dataFile: dataPath.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL },
            latentDimension: latentDimension, quick: quick, lessonsDirectory: try location.resolve(), datasets: LessonData.entries,
            scale: figureFiles.scale,
            force: force, protectedPaths: [cwd])
        options.labelColumn = labelColumn
        options.standardize = standardize
        options.singleFile = singleFile
        // Test hook: LVM_LESSONS_CRASH_BEFORE=<stage> kills the process (SIGKILL, no clean-up) before that stage, so
        // the tests can check that an interrupted build leaves the previous report intact.
        if let stage = ProcessInfo.processInfo.environment["LVM_LESSONS_CRASH_BEFORE"] {
            options.stageHook = { current in
                if current.rawValue == stage { kill(getpid(), SIGKILL) }
            }
        }
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
