import ArgumentParser
import Foundation
import Lessons
import Plotting
import Report
#if canImport(Glibc)
import Glibc
#endif

/// `lvm-lessons build`: computes every lesson and writes the site.
struct BuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Build the report: compute the lessons, draw the figures, write the pages into --out.",
        discussion: """
            The site is written into a temporary folder beside --out and swapped in only when everything succeeded, so \
            a failed or interrupted build leaves the previous report as it was. An existing --out is replaced only if it \
            holds a manifest.json written by this tool (or with --force).
            """)

    @Option(name: .customLong("lesson"),
            help: ArgumentHelp("A lesson to build: pca, ppca or nonlinear. Repeat for several; default: all.", valueName: "NAME"))
    var lessonNames: [String] = []

    @Option(name: .customLong("out"), help: ArgumentHelp("The folder of the site.", valueName: "DIR"))
    var out: String = "output"

    @Option(name: .customLong("format"),
            help: ArgumentHelp("Figure file formats, comma-separated: png, svg, pdf. PNG is always made (the pages show it).", valueName: "LIST"))
    var formatList: [String] = ["png"]

    @Option(help: ArgumentHelp("The seed of the random numbers (same seed, same bytes).", valueName: "N"))
    var seed: UInt64 = ToolInfo.defaultSeed

    @Option(name: .customLong("data"),
            help: ArgumentHelp("Your data for the PCA and PPCA lessons: a CSV with a header row of column names, then numbers.", valueName: "FILE.csv"))
    var dataPath: String?

    @Option(name: .customLong("latent-dim"),
            help: ArgumentHelp("The latent dimension q of probabilistic PCA (1 ≤ q < number of columns).", valueName: "Q"))
    var latentDimension: Int?

    @Flag(help: "Fewer iterations and grid points: for tests and drafts.")
    var quick = false

    @OptionGroup var location: LessonsLocation

    @Option(help: ArgumentHelp("PNG pixels per point of the figures (0 < N ≤ 8).", valueName: "N"))
    var scale: Double = 2

    @Flag(help: "Print nothing but warnings and errors.")
    var quiet = false

    @Flag(help: "Replace --out even when it is a non-empty folder that this tool did not write.")
    var force = false

    /// The lessons chosen with --lesson, in the catalog's order.
    var selectedLessons: [any Lesson] {
        lessonNames.isEmpty ? LessonCatalog.all : LessonCatalog.all.filter { lessonNames.contains($0.slug) }
    }

    var formats: [ImageFormat] {
        let names = formatList.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        return ImageFormat.allCases.filter { names.contains($0.rawValue) }
    }

    func validate() throws {
        let slugs = LessonCatalog.all.map(\.slug)
        for name in lessonNames where !slugs.contains(name) {
            throw ValidationError("unknown lesson '\(name)' in --lesson. Choose from \(slugs.joined(separator: ", ")) (see `lvm-lessons list`).")
        }
        for name in formatList.flatMap({ $0.split(separator: ",") }).map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }) {
            guard ImageFormat(rawValue: name) != nil else {
                throw ValidationError("unknown format '\(name)' in --format. Use a comma-separated list of png, svg, pdf (e.g. --format png,svg).")
            }
        }
        guard scale.isFinite, scale > 0, scale <= 8 else {
            throw ValidationError("--scale \(scale) is out of range. Give a PNG scale with 0 < N ≤ 8 (2 is sharp on most screens).")
        }
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
            let names = takers.dropLast().joined(separator: ", ") + " and " + takers.last!
            throw ValidationError("\(option.flag) applies only to the \(names) lessons; add one of them with --lesson or leave out \(option.flag).")
        }
    }

    func run() throws {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        var options = BuildOptions(
            lessons: selectedLessons,
            outputDirectory: URL(fileURLWithPath: out, relativeTo: cwd).standardizedFileURL,
            formats: formats, seed: seed,
            dataFile: dataPath.map { URL(fileURLWithPath: $0, relativeTo: cwd).standardizedFileURL },
            latentDimension: latentDimension, quick: quick, lessonsDirectory: try location.resolve(), scale: scale,
            force: force, protectedPaths: [cwd])
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
}
