import LessonKit
/// The conventions of the PCA lesson, each stated once: the panels of numbers show them beside the values they apply
/// to, and `results.json` repeats them under `conventions`.
extension Convention {
    static let pcaCovariance: Convention =
        "S = (1/N) Σₙ (xₙ − μ)(xₙ − μ)ᵀ: normalised by 1/N (maximum likelihood), not 1/(N−1)"
    static let pcaEigenvalues: Convention = "eigenvalues of the 1/N covariance S, in descending order"
    static let pcaComponent: Convention = "unit eigenvector of S; sign chosen so its entry of largest magnitude is positive"
    static let pcaReconstructionMSE: Convention =
        "mean over the N rows of ‖x − x̂‖², computed from the data and their reconstructions"
    static let pcaAngle: Convention =
        "degrees, counter-clockwise from the x₁ axis, in [0°, 180°) (a direction and its opposite are the same line)"
    static let pcaAngleOnTheGrid = Convention(pcaAngle.text + "; on the grid")
    static let pcaUnbiasedForComparison: Convention = "unbiased normalisation 1/(N−1), for comparison only"
    static let pcaShareOfVariance: Convention = "λᵢ / Σⱼ λⱼ"
}

extension PCALesson {
    static let conventions: JSONValue = [
        "covariance": .string(Convention.pcaCovariance.text + "; multiply by N/(N−1) for the unbiased estimate"),
        "eigenvalues": .string(Convention.pcaEigenvalues.text + "; values below zero by rounding are reported as 0"),
        "components": .string("rows, the first min(d, 100): " + Convention.pcaComponent.text),
        "explained_variance_ratio": .string(Convention.pcaShareOfVariance.text + " (sums to 1)"),
        "reconstruction_mse": .string(
            "entry q = 0 … d: " + Convention.pcaReconstructionMSE.text
                + ", with x̂ = μ + U_q U_qᵀ (x − μ), U_q the first q components as columns"),
        "discarded_eigenvalue_sum": "entry q = 0 … d: the sum of the eigenvalues λᵢ with i > q",
        "angles": .string(Convention.pcaAngle.text),
        "log": "natural logarithm: step 8 shows log N(x | μ, S), the Gaussian with the 1/N covariance, for comparison; PCA itself has no density",
    ]
}
