import LessonKit
/// The conventions of the PPCA lesson, each stated once and shown beside the values; the first five are spelled out
/// in full in the `conventions` object of `results.json`.
extension Convention {
    static let covarianceOneOverN: Convention =
        "1/N (maximum likelihood): S = (1/N) Σ (xₙ − x̄)(xₙ − x̄)ᵀ; σ² and W use its eigenvalues"
    static let naturalLogPerSample: Convention =
        "natural log; log-likelihoods are averaged over the rows (per sample)"
    static let loadingRotationAndSigns: Convention =
        "W = U_q (Λ_q − σ²I)^{1/2} R with R = I; each eigenvector's entry of largest magnitude is positive (the PCA lesson's convention); W is only defined up to W → WR"
    static let posteriorFormula: Convention = "p(z|x) = N(M⁻¹Wᵀ(x − μ), σ²M⁻¹), M = WᵀW + σ²I"
    static let scikitLearnCovariance: Convention =
        "scikit-learn's PCA estimates the covariance with 1/(N−1): its explained_variance_ and noise_variance_ are N/(N−1) times ours, and PCA.score(X) evaluates that slightly different model; at the training data its average log-likelihood is lower than ours by sklearn_score_difference"

    static let naturalLogAveragedOverRows: Convention = "natural log, averaged over the rows"
    static let naturalLogPerRow: Convention = "natural log, per row"
    static let naturalLogPerHeldOutRow: Convention = "natural log, per held-out row"
    static let naturalLog: Convention = "natural log"
    static let eigenvaluesOfOneOverNCovariance: Convention = "eigenvalues of the 1/N covariance"
    static let noiseVarianceIsMeanDiscardedEigenvalue: Convention =
        "mean of the D − q discarded eigenvalues of the 1/N covariance"
    static let marginalCovariance: Convention = "C = WWᵀ + σ²I"
    static let monteCarloStandardError: Convention = "SE = s/√L with the 1/(L−1) sample variance of the summands"
    static let emStoppingRule: Convention = "stop when an iteration gains < 1e-14·|ℓ|"
    static let posteriorStandardDeviation: Convention = "√ of the diagonal of σ²M⁻¹"
    static let rowsCountedFromZero: Convention = "rows counted from 0"
    static let columnsCountedFromZero: Convention = "columns counted from 0"
    static let rowVectorsTurnClockwise: Convention = "row vectors wⱼR turn clockwise"
    static let maximumLikelihoodOneOverN: Convention = "ML fit, 1/N covariance"
    static let nearConstantColumn: Convention = "a column whose most frequent value fills ≥ 99 % of the rows"
    static let standardDeviationOverSplits: Convention = "1/(S − 1) over the S splits, at each q"
    static let bicHigherIsBetter: Convention =
        "BIC = N ℓ − (κ/2) log N on all N rows, natural log, higher is better; κ = D + Dq − q(q − 1)/2 + 1 (μ, W up to rotation, σ²)"
    static let minkaEvidence: Convention =
        "Minka (2000) Laplace approximation to log p(X | k), natural log, on the eigenvalues of the 1/(N − 1) covariance, as scikit-learn's PCA(n_components='mle'); without the constant −(ND/2)(1 + log 2π)"
    static let trainingSplit: Convention = "the 2/3 training split"
    static let noiseShareOfTotalVariance: Convention = "(D − q)σ²(ML) / tr S, 1/N covariance"
}
