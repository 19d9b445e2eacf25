import Datasets
import Foundation
import LessonKit
import Plotting

/// Everything a build needs, already validated by the command line (`lvm-lessons build`).
public struct BuildOptions: Sendable {
    /// The lessons to build, in the order of the story.
    public var lessons: [any Lesson]
    /// `--out`: the site's folder.
    public var outputDirectory: URL
    /// `--format`: formats of the figure files; PNG is always made (the pages show PNG) and comes first, then SVG,
    /// then PDF, whatever order they were given in.
    public var formats: [ImageFormat] {
        didSet { formats = Self.normalized(formats) }
    }

    static func normalized(_ formats: [ImageFormat]) -> [ImageFormat] {
        [.png] + ImageFormat.allCases.filter { formats.contains($0) && $0 != .png }
    }
    public var seed: UInt64
    /// `--data FILE.csv`, for the lessons that declare `.data`.
    public var dataFile: URL?
    /// `--labels COLUMN`: the column of `dataFile` that holds class labels (left out of the numbers).
    public var labelColumn: String?
    /// `--standardize`: centre each column of `dataFile` and divide it by its 1/N standard deviation.
    public var standardize = false
    /// The slug of the lesson that fits `--data` with missing cells, named when another lesson refuses them (the
    /// command line gives the catalogue's; nil: the first of `lessons` that does).
    public var missingValuesLesson: String?
    /// `--latent-dim Q` (≥ 1; the lessons that take it check the upper bound).
    public var latentDimension: Int?
    public var quick: Bool
    /// `--lessons DIR`: the lesson texts and the files of `datasets`.
    public var lessonsDirectory: URL
    /// The data sets the lessons may ask for (files relative to `lessonsDirectory`): the command line gives the shipped
    /// ones, `LessonData.entries`.
    public var datasets: [DataCatalog.Entry]
    /// `--scale N`: PNG pixels per point.
    public var scale: Double
    /// `--force`: replace a non-empty `--out` that holds no manifest of this tool.
    public var force: Bool
    /// `--single-file`: `OUT/index.html` and `OUT/LESSON.html`, each self-contained (see `SingleFileAssets`); the
    /// figures are PNG only.
    public var singleFile: Bool = false
    /// Whether a lesson whose inputs have not changed since the last build into `--out` is taken from it instead of
    /// computed again (`IncrementalRebuild`); `--no-reuse` turns it off.
    public var reuse = true
    /// PNG pixels per point of the frames of a `--single-file` page (at most `scale`). At 1 a frame is shown at 1.25
    /// CSS px per pixel, slightly soft, and a lesson file stays a few MB (most of it is frames).
    public var singleFileFrameScale: Double = 1
    /// Where KaTeX is installed (`libjs-katex`); the build warns and keeps the TeX when it is missing.
    public var katexDirectory: URL
    /// Folders the build must never replace (the working directory, ...), besides the lessons folder and data file.
    public var protectedPaths: [URL]
    /// Removes the unfinished report when a signal stops the build (the command line installs one; nil: signals
    /// keep their default action).
    public var interruption: BuildInterruption?
    /// The free space and block size of a folder's file system (`statvfs` when nil); the tests give a small disk.
    public var freeSpace: (@Sendable (URL) -> (free: Int, block: Int)?)?
    /// Called before each stage; throwing stops the build there (the tests use it to simulate a crash).
    public var stageHook: (@Sendable (BuildStage) throws -> Void)?

    public init(
        lessons: [any Lesson], outputDirectory: URL, formats: [ImageFormat] = [.png], seed: UInt64 = ToolInfo.defaultSeed,
        dataFile: URL? = nil, latentDimension: Int? = nil, quick: Bool = false, lessonsDirectory: URL,
        datasets: [DataCatalog.Entry], scale: Double = 2, force: Bool = false, katexDirectory: URL = KaTeXAssets.defaultDirectory, protectedPaths: [URL] = [],
        stageHook: (@Sendable (BuildStage) throws -> Void)? = nil
    ) {
        self.lessons = lessons
        self.outputDirectory = outputDirectory
        self.formats = Self.normalized(formats)
        self.seed = seed
        self.dataFile = dataFile
        self.latentDimension = latentDimension
        self.quick = quick
        self.lessonsDirectory = lessonsDirectory
        self.datasets = datasets
        self.scale = scale
        self.force = force
        self.katexDirectory = katexDirectory
        self.protectedPaths = protectedPaths
        self.stageHook = stageHook
    }
}

/// The stages of a build, in order (with `--single-file`, `render` comes before `pages`, whose pages hold the
/// figures). Nothing is written before `.write`; `--out` changes only in `.swap`.
public enum BuildStage: String, Sendable, CaseIterable {
    /// Checks `--out`, reads the lesson texts and the data.
    case load
    /// Runs each lesson.
    case compute
    /// Resolves the texts' references and makes the pages, `results.json` and the assets (in memory).
    case pages
    /// Renders every figure and frame.
    case render
    /// Writes everything into the temporary folder.
    case write
    /// Writes `manifest.json` into the temporary folder.
    case manifest
    /// Swaps the temporary folder in as `--out`.
    case swap
}

/// What a successful build made.
public struct BuildSummary: Sendable {
    public var indexPage: URL
    public var fileCount: Int
    public var warnings: [String]
    public var duration: Duration
    /// The lessons taken from the previous build because their inputs had not changed (`IncrementalRebuild`).
    public var reusedLessons: [String] = []
}
