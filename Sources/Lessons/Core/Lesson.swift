import Datasets
import Foundation
import Plotting

/// One lesson of the report: computes its numbers and figures; knows nothing of HTML.
///
/// The lesson's text lives in `Lessons/<textFileName>` (Markdown with front matter; each `## ` heading is a step) and
/// refers to what `run` returns by name: `{{path}}` for a value of `LessonResult.results`,
/// `![caption](figure:name)` for a figure, `{{table:name}}` for a table.
public protocol Lesson: Sendable {
    /// The slug used on the command line and as the output folder: `pca`, `ppca`, `nonlinear`.
    var slug: String { get }
    /// The lesson text's file name inside the lessons directory, e.g. `01-pca.md`.
    var textFileName: String { get }
    /// Whether `--data FILE.csv` applies to this lesson.
    var acceptsUserData: Bool { get }
    /// Whether `--latent-dim Q` applies to this lesson. Defaults to false; the PPCA lesson's `true` is declared in
    /// `LessonCatalog.swift`.
    var acceptsLatentDimension: Bool { get }
    /// Computes every value, table and figure of the lesson.
    func run(_ context: LessonContext) throws -> LessonResult
}

extension Lesson {
    public var acceptsLatentDimension: Bool { false }
}

/// What a lesson is given to run: the options of the build, already validated.
public struct LessonContext: Sendable {
    /// The seed of the single generator each lesson creates for itself (same seed ⇒ same bytes).
    public var seed: UInt64
    /// Fewer iterations and grid points, for tests and drafts.
    public var quick: Bool
    /// The folder holding the lesson texts and `data/` (the digits).
    public var lessonsDirectory: URL
    /// The digits data set shipped in `lessonsDirectory/data` (1797 × 64, labels 0–9).
    public var digits: Dataset
    /// The user's data (`--data FILE.csv`), for the lessons that accept it; nil for the default data.
    public var userData: Dataset?
    /// `--latent-dim Q` (PPCA); nil for the lesson's default.
    public var latentDimension: Int?
    /// Reports progress of a long sub-step: a short label and a fraction in 0...1 (nil when unknown).
    public var progress: @Sendable (_ label: String, _ fraction: Double?) -> Void

    public init(
        seed: UInt64, quick: Bool, lessonsDirectory: URL, digits: Dataset, userData: Dataset? = nil,
        latentDimension: Int? = nil, progress: @escaping @Sendable (String, Double?) -> Void = { _, _ in }
    ) {
        self.seed = seed
        self.quick = quick
        self.lessonsDirectory = lessonsDirectory
        self.digits = digits
        self.userData = userData
        self.latentDimension = latentDimension
        self.progress = progress
    }
}
