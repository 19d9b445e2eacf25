import Datasets
import Foundation
import LessonKit
import _TestSupport
import Lessons
import Plotting
@testable import Report

/// A lesson for the report's end-to-end tests: values with conventions, math, a figure, frames and a table, and a
/// text in a temporary lessons folder (with the repository's digits, which it asks for unless given --data).
struct TestLesson: Lesson {
    var slug = "demo"
    var textFileName = "01-demo.md"
    var acceptedOptions: [LessonOption] { [.data] }
    /// When set, `run` throws this error (a lesson failing midway).
    var failure: String?

    struct Failure: Error, CustomStringConvertible { var description: String }

    func run(_ context: LessonContext) throws -> LessonResult {
        context.progress("fitting", 0.5)
        context.progress("drawing", nil)
        if let failure { throw Failure(description: failure) }
        var frames: [Figure] = []
        for i in 0..<3 {
            let frame = Figure(width: 300, height: 200, title: "iteration \(i + 1)")
            let axes = frame.addAxes()
            axes.xLabel = "t"
            axes.yLabel = "log p(x)"
            axes.line(x: [0, 1, 2, 3], y: [0, 1, 1.5, 1.75].map { $0 * Double(i + 1) / 3 }, label: "trace")
            frames.append(frame)
        }
        let scatter = Figure(width: 460, height: 345, title: "A scatter <plot> & more")
        let axes = scatter.addAxes()
        axes.xLabel = "x₁"
        axes.yLabel = "x₂"
        axes.scatter(x: [0, 1, 2, 3, 4], y: [1, 3, 2, 5, 4], label: "data")
        let rows = try context.userData?.values.rows ?? context.data.dataset(.digits).values.rows
        return LessonResult(
            results: [
                "sigma2": .number(0.012345678901234),
                "eigenvalues": .numbers([3.5, -1.25e-7, 1234567.0]),
                "em": ["iterations": 12, "logLikelihood": .number(-4521.123456)],
                "rows": .integer(rows),
                "seed": .string(String(context.seed)),
                "label": "a<b>&\"c\"",
            ],
            quantities: [
                "sigma2": Quantity("noise variance σ²", convention: "maximum likelihood, 1/N"),
                "eigenvalues": Quantity("eigenvalue λ", convention: "of the 1/N covariance, descending"),
                "em.iterations": Quantity("EM iterations"),
                "em.logLikelihood": Quantity("log-likelihood", convention: "natural log, summed over rows"),
            ],
            figures: [
                "scatter-plot": .single(scatter),
                "em-trace": .frames(frames, labels: ["iteration 1", "iteration 2", "iteration 3"]),
            ],
            tables: ["summary": Table(columns: ["k", "λ<sub>k</sub>"], rows: [["1", "3.5"], ["2", "−0.0000001"]], caption: "Eigen <values>")])
    }

    static let text = #"""
    ---
    title: A demo & its <numbers>
    summary: Values, $\sigma^2$ and figures, for the tests.
    ---
    Intro with *emphasis* and a formula $x_i$.

    ## Noise and $\sigma^2$

    The noise variance is {{sigma2}} (or {{sigma2|.2e}}, {{sigma2|%}}), and $\sigma^2 = {{sigma2}}$ with
    underscores $W_{ij} = \mathbf{w}_i^\top x_j$ intact. A dollar: \$5. Code `{{not_a_ref}} $x$` stays.

    $$
    \log p(\mathbf{x}) = -\tfrac{D}{2}\log(2\pi) - \tfrac12 \log|C|
    $$

    ![A scatter of the data, $x_1$ against $x_2$](figure:scatter-plot)

    ## EM frames

    It took {{em.iterations}} iterations; the log-likelihood is {{em.logLikelihood|.1f}} and {{eigenvalues.1}}.

    ![EM iterations](figure:em-trace)

    ## Table

    {{table:summary}}

    Label: {{label}}; rows: {{rows}}; <script>alert(1)</script> & [a link](https://example.org/a?b=1&c="d").
    """#

    static let indexText = #"""
    ---
    title: Demo lessons
    summary: The index of the tests.
    ---
    Intro of the index with $\mathbf{W}$.

    {{lessons}}

    | | PCA | LVM |
    | --- | --- | --- |
    | density | none | $p(\mathbf{x}) = \mathcal{N}(\boldsymbol\mu, C)$ |
    """#
}

/// Temporary folders for a test, deleted at the end.
final class Scratch {
    let root: URL
    init() {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("lvm-report-tests-\(UUID().uuidString)")
        try! FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(at: root) }

    /// The repository root (for Lessons/data and scripts/).
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// A lessons folder with the demo text, an index text and (unless `digits` is false) the repository's digits.
    func lessonsFolder(text: String = TestLesson.text, index: String? = TestLesson.indexText, digits: Bool = true) throws -> URL {
        let folder = root.appendingPathComponent("Lessons")
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try text.write(to: folder.appendingPathComponent("01-demo.md"), atomically: true, encoding: .utf8)
        if let index { try index.write(to: folder.appendingPathComponent("index.md"), atomically: true, encoding: .utf8) }
        guard digits else { return folder }
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        for name in ["digits.csv", "digits_labels.csv"] {
            try FileManager.default.copyItem(
                at: Scratch.repository.appendingPathComponent("Lessons/data/\(name)"), to: data.appendingPathComponent(name))
        }
        return folder
    }

    func options(lessons: [any Lesson] = [TestLesson()], out: String = "site", lessonsFolder: URL) -> BuildOptions {
        BuildOptions(
            lessons: lessons, outputDirectory: root.appendingPathComponent(out), formats: [.png], seed: 7, quick: true,
            lessonsDirectory: lessonsFolder, datasets: LessonData.entries, scale: 1)
    }

    /// Every file under `folder` with its bytes, by relative path.
    static func tree(_ folder: URL) -> [String: Data] { FileTree.contents(of: folder) }
}

/// A progress reporter that records instead of printing.
func silentProgress() -> ProgressReporter { ProgressReporter(mode: .quiet, sink: { _ in }) }
