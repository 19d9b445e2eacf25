import LessonKit
// NonlinearConventions — what the nonlinear lesson's numbers stand for, each stated once; the story passes them to
// `page.value`, and results.json's `conventions` object is built from them.

extension Convention {
    // MARK: - Stated for the whole lesson (results.json `conventions`)

    static let natsEverywhere: Convention = "natural log (nats) everywhere"
    static let perSampleAverage: Convention = "log-likelihood per sample = (1/N) Σₙ log p(xₙ) over the rows named"
    static let decoderModel: Convention = "p(z) = N(0, I); decoder fθ: tanh hidden layer; p(x|z) = N(fθ(z), σ² I)"
    static let lessonQuadratureRules: Convention = "toy: uniform (trapezoid) nodes with weights h·φ(z); digits: trained on a Gauss–Hermite (probabilists') tensor grid, evaluated also on even trapezoid grids (the quoted value); reference: dense trapezoid; training traces use the training rule"
    static let latentDimensionIsD: Convention = "the latent dimension is written d in this lesson (q in lessons 1–2); q(z|x) is the variational density"
    static let closedFormPPCABaseline: Convention = "PPCA fitted in closed form (Tipping & Bishop 1999) with the 1/N covariance; σ² (ML) = mean of the discarded eigenvalues"
    static let densitiesCanExceedOne: Convention = "densities of continuous data can exceed 1, so a log-likelihood can have either sign and depends on the units of x; only differences between models on the same data are meaningful"

    // MARK: - The toy arc (steps 1–4)

    static let arcAverage: Convention = "natural log; average (1/N) Σₙ log p(xₙ) over the toy data"
    static let arcPPCAFit = Convention("closed-form ML fit (1/N covariance); " + arcAverage.text)
    static let arcPPCANoise: Convention = "smaller eigenvalue of the 1/N covariance"
    static let arcByReferenceRule = Convention("marginal by the fine reference rule; " + arcAverage.text)
    static let arcTrainingTrace = Convention("training rule, full batch; " + arcAverage.text)
    static let maximumLikelihoodUnderQuadrature: Convention = "maximum likelihood under the quadrature marginal"
    static let natsPerPoint: Convention = "nats per point; exp of it is the average density ratio (geometric mean)"
    static let geometricMeanDensityRatio: Convention = "exp of the difference in average log-likelihood"
    static let againstTheReferenceRule: Convention = "averaged over the toy data; reference = fine trapezoid rule"
    static let leftWhiteBelow: Convention = "values below it are left white"

    /// The training rule's nodes; "[−a, a]" in Swift's own `Double` text ("4.0").
    static func uniformNodes(halfWidth a: Double) -> Convention { Convention("uniform (trapezoid) nodes on [−\(a), \(a)], weights h·φ(z)") }
    static func trapezoidOn(halfWidth b: Double) -> Convention { Convention("trapezoid on [−\(b), \(b)]") }
    static func adamDecay(to final: Double) -> Convention { Convention("decays geometrically to \(final) at the last step; β₁ = 0.9, β₂ = 0.999") }

    // MARK: - The posterior, Monte Carlo, the ELBO (steps 5–7)

    static func griddedPosterior(nodes: Int, halfWidth: Double) -> Convention { Convention("moments of the posterior normalised on a grid of \(nodes) z-values in [−\(halfWidth), \(halfWidth)]; modes = local maxima above 1 % of the peak; B is placed so that both ends of the curve get equal posterior mass") }
    static func beyondTheTrainingNodes(halfWidth: Double) -> Convention { Convention("|z| > \(halfWidth), the half-width of the training rule; Riemann sum on the z-grid") }
    static let ppcaPosteriorSD: Convention = "√(σ² M⁻¹), M = WᵀW + σ²"
    static let logOfTheMarginal: Convention = "natural log"
    static let rootMeanSquareOverRepeats: Convention = "root mean square over the repeats"
    static let oneSampleOnTheGrid: Convention = "computed on the z-grid; the RMS relative error is this over √L"
    static let samplesForOnePercent: Convention = "L = (relative sd / 0.01)²"
    static let tensorGridCost: Convention = "K^d"
    static let unbiasedOverRepeats: Convention = "1/(R−1) over the repeats"
    static let proposalWidening: Convention = "proposal sd = (1 + this) × Laplace sd"
    static let threeELBORoutes: Convention = "log p(x) by the fine rule; ELBO with E_q by a trapezoid rule in (z − m)/s; KL on a separate z-grid (spacing 0.0025, covering the posterior and q ± 10 sd); natural log"
    static let threeRoutesAgree: Convention = "three separate numerical routes; should be ≈ 0"
    static let posteriorVolume: Convention = "ratio of the volumes of the posterior's and the prior's ellipsoids at any one Mahalanobis radius; √det(σ²M⁻¹) with W = W_ML, σ² = σ²_ML; 1/N covariance of all 1797 digits"
    static let variationalAscent: Convention = "q = N(m, s²); ELBO with E_q by an even trapezoid rule in (z − m)/s on ±8; log p(x) by the reference rule; natural log, nats"
    static let halfOfTwoModes: Convention = "≈ log 2 = 0.693 when q covers one of two equal modes"

    // MARK: - Digits (step 9)

    static func perDigitImage(pixels: Int, rows: Int) -> Convention { Convention("natural log, per image (\(pixels) pixels, raw 0–16 units), averaged over the \(rows) digits") }
    static let gaussHermiteTensorGrid: Convention = "Gauss–Hermite tensor grid"
    static func trapezoidSquare(points: Int, halfWidth b: Double) -> Convention { Convention("trapezoid \(points) × \(points) on [−\(b), \(b)]²") }
    static let decodedPixelRange: Convention = "decoded pixels lie in (0, 16) like the data"
    static let minibatchesWithoutReplacement: Convention = "sampled without replacement, reshuffled each epoch"
    static func decaysTo(_ final: Double) -> Convention { Convention("decays geometrically to \(final)") }
    static let natsPerDigit: Convention = "nats per image"
    static let ruleDifferenceInNats: Convention = "nats"
    static let digitsPPCAFit: Convention = "ML fit with the 1/N covariance"
    static let digitsTrainingTrace: Convention = "training rule"
    static func discardedEigenvalueMean(count: Int) -> Convention { Convention("mean of the \(count) discarded eigenvalues (1/N)") }
    static func evenGridWeights(halfWidth b: Double) -> Convention { Convention("trapezoid nodes on [−\(b), \(b)]², weights h²φ(z₁)φ(z₂)") }
    static let ppcaParametersWithoutRotation: Convention = "D d + D + 1 − d(d − 1)/2 (Tipping & Bishop 1999)"
    static func responsibilities(of rule: String) -> Convention { Convention("responsibilities rₙₘ of the \(rule) grid") }
    static let outermostManifoldNode: Convention = "Φ⁻¹(1 − 1/(2 · side))"
    static let posteriorMeanByFinerRule: Convention = "E[z|x] by the finer rule"
    static func manifoldProbitGrid(side: Int) -> Convention { Convention("z = (Φ⁻¹(uⱼ), Φ⁻¹(1 − uᵢ)), u = (k + ½)/\(side)") }
    static let clippedInTheFigure: Convention = "shown clipped to 0–16 in the figure"

    /// `convention` followed by "; " and `rest` — a convention that adds to another.
    func then(_ rest: Convention) -> Convention { Convention(text + "; " + rest.text) }
}
