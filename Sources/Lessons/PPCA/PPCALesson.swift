import Datasets
import Foundation
import LessonKit
import LinearAlgebra
import Models

/// Lesson 2 — probabilistic PCA explains (text: `Lessons/02-ppca.md`).
///
/// PPCA (Tipping & Bishop 1999, JRSS B 61(3); Bishop, PRML §12.2) turns PCA into a generative model,
///
///     z ~ N(0, I_q),   x | z ~ N(Wz + μ, σ²I_D)   ⇒   p(x) = N(x; μ, C),  C = WWᵀ + σ²I,
///
/// and every closed form is checked against an independent computation, both sides recorded (`page.check`): the
/// marginal by Monte Carlo, the Woodbury log-likelihood by a D × D Cholesky, the closed-form ML fit by EM, the
/// posterior by Bayes' rule on a grid, the rotational invariance, the change of units D log s, and q = D − 1 as the
/// full-covariance Gaussian.
///
/// `run` is the table of contents, one call per `## ` step of the text; the steps (`PPCALesson+….swift`) compute and
/// record, `PPCAFigures` draws the figures and `PPCATables` builds the tables.
public struct PPCALesson: Lesson {
    public init() {}
    public var slug: String { "ppca" }
    public var textFileName: String { "02-ppca.md" }
    public var acceptedOptions: [LessonOption] { [.data, .latentDimension] }

    /// Runs the nine steps in the order of the text (same seed ⇒ same bytes); throws what `PPCAInputs.init` throws.
    public func run(_ context: LessonContext) throws -> LessonResult {
        try context.userData?.requireComplete(for: slug, alternative: LinearFamilyLesson.slug)
        let inputs = try PPCAInputs(data: context.userData ?? context.data.dataset(.digits),
                                    isUserData: context.userData != nil, latentDimension: context.latentDimension,
                                    quick: context.quick, cloud: Toy2D.standardCloud(seed: context.seed))  // (200, 2)
        let streams = PPCARandomStreams(seed: context.seed)
        var page = LessonRecorder(observing: context)
        func step<T>(_ current: PPCAStep, _ body: () throws -> T) rethrows -> T {
            context.progress("ppca: " + current.rawValue, current.fractionDone)
            return try body()
        }
        let story = try step(.generativeStory) { try generativeStory(&page, streams) }
        try step(.marginal) { try marginalByIntegration(story, quick: inputs.quick, &page, streams) }
        let fits = try step(.maximumLikelihood) { try maximumLikelihood(inputs, &page, streams) }
        try step(.expectationMaximisation) { try expectationMaximisation(inputs, fits, &page, streams) }
        let latentPlane = try step(.posterior) { try posterior(inputs, fits, &page) }
        try step(.sigmaToZero) { try sigmaToZero(inputs, fits, latentPlane, &page) }
        try step(.rotationalAmbiguity) { try rotationalAmbiguity(inputs, fits, latentPlane, &page) }
        try step(.modelSelection) { try modelSelection(inputs, fits, &page, streams) }
        try step(.fullGaussian) { try fullGaussian(inputs, fits, &page, streams) }
        try step(.generation) { try generation(inputs, fits, &page, streams) }
        context.progress("ppca: done", 1)
        page.store(String(context.seed), at: "seed")
        page.store(context.quick, at: "quick")
        return page.result
    }
}

/// The `## ` steps of `Lessons/02-ppca.md` in order, by a fixed id; progress is the share of steps done.
enum PPCAStep: String, CaseIterable {
    case generativeStory = "generative-story"
    case marginal = "marginal-by-integration"
    case maximumLikelihood = "maximum-likelihood"
    case expectationMaximisation = "em"
    case posterior = "posterior"
    case sigmaToZero = "sigma-to-zero"
    case rotationalAmbiguity = "rotational-ambiguity"
    case modelSelection = "model-selection"
    case fullGaussian = "full-gaussian"
    case generation = "generation"

    /// The share of the lesson done when the step starts.
    var fractionDone: Double {
        Double(Self.allCases.firstIndex(of: self)!) / Double(Self.allCases.count)
    }
}

/// The lesson's random streams, one per fixed id: each draw comes from the stream of (seed, `ppca`, id)
/// (`StepRandom`), so a draw added in one step changes no number of another.
struct PPCARandomStreams {
    var seed: UInt64
    func generator(_ stream: PPCARandomStream) -> Xoshiro256StarStar {
        StepRandom.generator(seed: seed, lesson: "ppca", step: stream.rawValue)
    }
}

/// The ids of the lesson's random streams: part of its output (renaming one changes that stream's numbers).
struct PPCARandomStream: RawRepresentable {
    var rawValue: String
    /// Step 1: the draws of z, of x | ẑ and of x ~ p(x) in the story's figure.
    static let generativeStory = Self(rawValue: "generative-story")
    /// Step 2: the Monte Carlo draws of z, the three points one after another.
    static let monteCarlo = Self(rawValue: "marginal-by-integration/monte-carlo")
    /// Step 3: the D = 3 example where PPCA differs from the full Gaussian.
    static let sleeveCloud = Self(rawValue: "maximum-likelihood/sleeve-cloud")
    /// Step 4: the random start W₀ of EM on the main data.
    static let emStart = Self(rawValue: "em/start")
    /// Step 8: the shuffle of split k (1, 2, …) into training and held-out rows.
    static func modelSelectionSplit(_ k: Int) -> Self { Self(rawValue: "model-selection/split-\(k)") }
    /// Step 10: the shuffle that picks the real rows shown, and the samples from each model.
    static let realRows = Self(rawValue: "generation/real-rows")
    static let samples = Self(rawValue: "generation/samples")
}

/// What every step reads, decided once (the lesson text states the same decisions):
/// - The *main* data are the digits (1797 × 64) or, with `--data`, the user's data. Everything stored under the
///   top-level keys of `results.json` (`latent_dim`, `sigma2`, `W`, `log_likelihood_per_sample`, `em`,
///   `model_selection`) is about the main data with q = `--latent-dim` (default 2).
/// - The steps that picture the geometry (story, Monte Carlo marginal, EM frames, shrinkage, σ² → 0) use the PCA
///   lesson's 2-D cloud (`toy` in `results.json`) whatever the main data: these ideas need a plane to be seen.
/// - Steps that need images or labels (posterior scatter coloured by label, samples, the latent manifold) draw an
///   alternative figure for data without them, under the same figure names, so every reference of the text resolves.
/// - Figures that use a latent plane use q = 2 (q = 1 when D = 2), whatever `--latent-dim` is.
struct PPCAInputs {
    var data: Matrix                        // (N, D), the main data
    var dataName: String
    var columnNames: [String]
    var labels: [Int]?                      // class labels, when known (digits, or --labels)
    var classNames: [String]?               // the classes' names with --labels
    var labelColumn: String?
    var standardization: (means: [Double], standardDeviations: [Double])?
    var imageShape: Dataset.ImageShape?     // when each row is an image
    var isUserData: Bool
    var latentDimension: Int                // q of the main fit, 1 ≤ q ≤ D − 1
    var figureLatentDimension: Int          // q of the latent-plane figures: 2, or 1 when D = 2
    var cloud: Matrix                       // (200, 2), the 2-D cloud of the geometric steps
    var quick: Bool                         // fewer iterations, draws and grid points

    /// D, the number of columns of the main data.
    var dimension: Int { data.columns }

    /// q defaults to 2; the error for q outside 1…D−1 gives that range in its message.
    init(data main: Dataset, isUserData: Bool, latentDimension: Int?, quick: Bool, cloud: Matrix) throws {
        let d = main.values.columns
        let q = latentDimension ?? 2
        guard q >= 1, q < d else { throw PPCAError.invalidLatentDimension(q: q, dimension: d) }
        guard main.values.rows >= 4 else { throw PPCAError.tooFewSamples(count: main.values.rows) }
        data = main.values
        dataName = isUserData ? main.name : "digits"
        columnNames = main.columnNames
        labels = main.labels
        classNames = main.classNames
        labelColumn = main.labelColumn
        standardization = main.standardization
        if let shape = main.imageShape, shape.rows * shape.columns == d { imageShape = shape } else { imageShape = nil }
        self.isUserData = isUserData
        self.latentDimension = q
        figureLatentDimension = d >= 3 ? 2 : 1
        self.quick = quick
        self.cloud = cloud
    }

    /// The name of class `label`: from `--labels`, else the label itself (a digit).
    func className(_ label: Int) -> String {
        classNames.map { $0.indices.contains(label) ? $0[label] : String(label) } ?? String(label)
    }

    /// The name of column j from the data's header, or x₍ⱼ₊₁₎ written as `x1`, `x2`, … when there is none.
    func columnName(_ j: Int) -> String { columnNames.indices.contains(j) ? columnNames[j] : "x\(j + 1)" }
}

/// The closed-form ML fits of step 3 that later steps reuse. `dataFit` holds the main data's mean, 1/N covariance and
/// its eigendecomposition, from which EM and the full Gaussian start instead of scanning the rows again.
struct MaximumLikelihoodFits {
    var cloudFit: PPCAMaximumLikelihood     // the 2-D cloud's fit
    var cloudModel: PPCA                    // and its q = 1 model
    var dataFit: PPCAMaximumLikelihood      // the main data's fit
    var dataModel: PPCA                     // and its model with q = `PPCAInputs.latentDimension`
    /// ℓ = (1/N) Σ log p(xₙ) of `cloudModel` on the cloud and of `dataModel` on the main data (Woodbury, per row).
    var cloudLogLikelihood, dataLogLikelihood: Double
}
