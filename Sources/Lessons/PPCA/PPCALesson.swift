import Foundation
import LinearAlgebra
import Models

/// Lesson 2 — probabilistic PCA explains (Tipping & Bishop 1999; Bishop PRML §12.2): the generative story, the
/// marginal by integration (checked by Monte Carlo), the closed-form ML fit (checked against a direct Cholesky
/// evaluation), EM (checked against the closed form), the posterior (checked by Bayes' rule on a grid), σ² → 0, the
/// rotational ambiguity, model selection (with the q = D − 1 ≡ full Gaussian check) and generation.
///
/// The steps live in `Sources/Lessons/PPCA/`; `PPCALessonSetup` documents which data each step uses.
public struct PPCALesson: Lesson {
    public init() {}
    public var slug: String { "ppca" }
    public var textFileName: String { "02-ppca.md" }
    public var acceptedOptions: [LessonOption] { [.data, .latentDimension] }

    /// Runs the nine steps with one generator seeded from `context.seed`, in a fixed order (same seed ⇒ same bytes).
    /// Throws `PPCAError.invalidLatentDimension` (its message states the valid range) for q < 1 or q ≥ D.
    public func run(_ context: LessonContext) throws -> LessonResult {
        var g = Xoshiro256StarStar(seed: context.seed)
        let setup = try PPCALessonSetup(context: context, using: &g)
        var out = PPCALessonOutput()
        let steps = 9.0
        context.progress("ppca: generative story and Monte Carlo marginal", 0 / steps)
        try PPCAStorySteps.run(setup, into: &out, using: &g)
        context.progress("ppca: maximum likelihood", 2 / steps)
        let fits = try PPCAFittingSteps.maximumLikelihood(setup, into: &out)
        context.progress("ppca: EM", 3 / steps)
        try PPCAFittingSteps.expectationMaximisation(setup, fits: fits, into: &out, using: &g)
        context.progress("ppca: posterior", 4 / steps)
        let figure = try PPCAPosteriorSteps.posterior(setup, fits: fits, into: &out)
        context.progress("ppca: σ² → 0", 5 / steps)
        try PPCAPosteriorSteps.sigmaToZero(setup, fits: fits, figure: figure, into: &out)
        context.progress("ppca: rotational ambiguity", 6 / steps)
        try PPCAPosteriorSteps.rotationalAmbiguity(setup, figure: figure, into: &out)
        context.progress("ppca: model selection", 7 / steps)
        try PPCAModelSelectionStep.run(setup, fits: fits, into: &out, using: &g)
        context.progress("ppca: generation", 8 / steps)
        try PPCAGenerationStep.run(setup, fits: fits, into: &out, using: &g)
        context.progress("ppca: done", 1)
        out.results["seed"] = .string(String(context.seed))
        out.results["quick"] = .bool(context.quick)
        return out.lessonResult
    }
}
