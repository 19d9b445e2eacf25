import Datasets
import Foundation
import LinearAlgebra
import Models

/// The inputs every step of the PPCA lesson shares, decided once.
///
/// Decisions (documented in the lesson text too):
/// - The *main* data set is the digits (1797 × 64) or, with `--data`, the user's data. Everything stored under the
///   top-level keys of `results.json` (`latent_dim`, `sigma2`, `W`, `log_likelihood_per_sample`, `em`,
///   `model_selection`) is about the main data with q = `--latent-dim` (default 2).
/// - The steps that need a picture of the geometry (the generative story, the Monte Carlo marginal, EM frames,
///   shrinkage, σ² → 0) use a 2-D example (`toy`), whatever the main data are: these ideas need a plane to be seen.
/// - Steps that need images or labels (posterior scatter coloured by label, samples, the latent manifold) draw an
///   alternative figure for data without them (unlabelled scatter, samples in the first two coordinates, the decoded
///   grid drawn in the first two coordinates), under the same figure names, so every reference of the text resolves.
/// - Figures that use a latent plane use q = 2 (q = 1 when D = 2), whatever `--latent-dim` is.
struct PPCALessonSetup {
    /// The main data (N, D).
    var data: Matrix
    var dataName: String
    var columnNames: [String]
    /// Digit labels, when known.
    var labels: [Int]?
    /// Image shape when each row is an image.
    var imageShape: Dataset.ImageShape?
    /// q for the main fit (validated: 1 ≤ q ≤ D − 1).
    var latentDimension: Int
    /// q used by the latent-plane figures: 2, or 1 when D = 2.
    var figureLatentDimension: Int
    /// The 2-D example (N, 2) of the geometric steps.
    var toy: Matrix
    var quick: Bool
    var isUserData: Bool

    var dimension: Int { data.columns }
    var hasImages: Bool { imageShape != nil }

    /// Validates the user's q and picks the data. Throws `PPCAError.invalidLatentDimension` (whose message gives the
    /// valid range 1…D−1) for q < 1 or q ≥ D.
    init<G: RandomNumberGenerator>(context: LessonContext, using g: inout G) throws {
        let main = try context.userData ?? context.data.dataset(.digits)
        data = main.values
        dataName = context.userData == nil ? "digits" : main.name
        columnNames = main.columnNames
        labels = main.labels
        if let shape = main.imageShape, shape.rows * shape.columns == main.values.columns {
            imageShape = shape
        } else {
            imageShape = nil
        }
        isUserData = context.userData != nil
        quick = context.quick
        let d = main.values.columns
        let q = context.latentDimension ?? 2
        guard d >= 2 else { throw PPCAError.invalidLatentDimension(q: q, dimension: d) }
        guard q >= 1, q < d else { throw PPCAError.invalidLatentDimension(q: q, dimension: d) }
        guard main.values.rows >= 4 else { throw PPCAError.tooFewSamples(count: main.values.rows) }
        latentDimension = q
        figureLatentDimension = d >= 3 ? 2 : 1
        // The PCA lesson's cloud: same generator seed, drawn first, same count ⇒ the same 200 points.
        toy = Toy2D.standard.sample(count: PCALesson.cloudSize, using: &g)
    }
}
