import Datasets
import Foundation
import Plotting

/// One lesson of the report: computes its numbers and figures; knows nothing of HTML.
/// Its text, `Lessons/<textFileName>` (Markdown with front matter; each `## ` heading is a step), refers to what `run`
/// returns by name: `{{path}}` for a value of `results`, `![caption](figure:name)`, `{{table:name}}`.
public protocol Lesson: Sendable {
    /// The slug used on the command line and as the output folder: `pca`, `ppca`, `nonlinear`.
    var slug: String { get }
    /// The lesson text's file name inside the lessons directory, e.g. `01-pca.md`.
    var textFileName: String { get }
    /// The command-line options this lesson takes (`[.data, .latentDimension]`); only their values reach `run`.
    var acceptedOptions: [LessonOption] { get }
    /// Whether the lesson fits `--data` with missing cells (`Dataset.missing`); false by default, and the report then
    /// refuses such a file before any lesson runs, naming the first missing cell and a lesson that takes it.
    var acceptsMissingValues: Bool { get }
    /// Roughly how long `run` takes with the default data, in seconds of one core (1 by default). When the report
    /// computes several lessons at once it starts the costliest first, so that a long lesson does not start last;
    /// only the order of computing depends on it, never a result.
    var computeCost: Double { get }
    func run(_ context: LessonContext) throws -> LessonResult
}

extension Lesson {
    public var acceptsMissingValues: Bool { false }
    public var computeCost: Double { 1 }
}

/// What a lesson is given to run: the build's settings, the data it may ask for, and its declared options' values.
public struct LessonContext: Sendable {
    /// The slug of the lesson being run (for streams of random numbers derived per lesson and step).
    public var lesson: String
    /// The seed of the build (same seed ⇒ same bytes).
    public var seed: UInt64
    /// Fewer iterations and grid points, for tests and drafts.
    public var quick: Bool
    /// The data sets the lesson may ask for by name, read on first request: `try context.data.dataset(.digits)`.
    public var data: DataCatalog
    /// `--data FILE.csv`, for a lesson that declares `.data`; nil otherwise (the lesson uses its default data).
    public var userData: Dataset?
    /// `--latent-dim Q`, for a lesson that declares `.latentDimension`; nil for the lesson's default.
    public var latentDimension: Int?
    /// Reports progress of a long sub-step: a short label and a fraction in 0...1 (nil when unknown).
    public var progress: @Sendable (_ label: String, _ fraction: Double?) -> Void
    /// Told of each figure as the lesson records it (`LessonRecorder(observing:)`), before the lesson has finished:
    /// `lvm-lessons figures` starts rendering it while the lesson computes on. Nil: nobody listens.
    public var figureRecorded: (@Sendable (_ name: String, _ figure: FigureOutput) -> Void)? = nil

    public init(
        lesson: String, seed: UInt64, quick: Bool, data: DataCatalog, userData: Dataset? = nil,
        latentDimension: Int? = nil, progress: @escaping @Sendable (String, Double?) -> Void = { _, _ in }
    ) {
        self.lesson = lesson
        self.seed = seed
        self.quick = quick
        self.data = data
        self.userData = userData
        self.latentDimension = latentDimension
        self.progress = progress
    }
}
