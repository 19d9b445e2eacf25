// NonlinearLesson — Lesson 3: a neural decoder, a marginal with no closed form, and the road to the ELBO.
//
// Steps (text in Lessons/03-nonlinear-lvm.md):
//   1. data on a curve, and PPCA's best fit         (NonlinearCurveSteps)
//   2. the decoder f_θ(z), untrained
//   3. the marginal p(x) by quadrature, its accuracy, the tube of density
//   4. learning θ and σ² by Adam on the quadrature log-likelihood
//   5. the posterior p(z|x): skewed, multimodal      (NonlinearInferenceSteps)
//   6. why it is intractable: Monte Carlo, K^d, importance sampling
//   7. the ELBO and its gap, the KL divergence
//   8. digits with a 2-D latent space                (NonlinearDigitsStep)
// References: Kingma & Welling (2014), Auto-Encoding Variational Bayes; Bishop (2006), PRML §12.2, §12.4, §4.4, §10.1;
// Tipping & Bishop (1999).
//
// One seeded generator, created here from the build's seed and passed through the steps in a fixed order; all
// computations are single-threaded, so the same seed gives the same bytes.

import Foundation
import LinearAlgebra
import Models

public struct NonlinearLesson: Lesson {
    public init() {}
    public var slug: String { "nonlinear" }
    public var textFileName: String { "03-nonlinear-lvm.md" }
    public var acceptedOptions: [LessonOption] { [] }

    public func run(_ context: LessonContext) throws -> LessonResult {
        let settings = context.quick ? NonlinearSettings.quick : NonlinearSettings.full
        var generator = Xoshiro256StarStar(seed: context.seed)
        var out = NonlinearLessonOutput()

        context.progress("nonlinear: toy curve (steps 1–4)", 0)
        let toy = try NonlinearCurveSteps.run(settings: settings, generator: &generator, output: &out)
        context.progress("nonlinear: posterior, Monte Carlo, ELBO (steps 5–7)", 0.2)
        try NonlinearInferenceSteps.run(toy: toy, settings: settings, generator: &generator, output: &out)
        context.progress("nonlinear: digits (step 8)", 0.3)
        try NonlinearDigitsStep.run(digits: try context.data.dataset(.digits), settings: settings, generator: &generator, output: &out) { label, fraction in
            context.progress(label, fraction.map { 0.3 + 0.7 * $0 })
        }

        out.set("conventions", "logarithm", .string("natural log (nats) everywhere"), "logarithms")
        out.set("conventions", "per_sample", .string("log-likelihood per sample = (1/N) Σₙ log p(xₙ) over the rows named"), "averages")
        out.set("conventions", "prior", .string("p(z) = N(0, I); decoder fθ: tanh hidden layer; p(x|z) = N(fθ(z), σ² I)"), "model")
        out.set("conventions", "quadrature", .string("toy: uniform (trapezoid) nodes with weights h·φ(z); digits: trained on a Gauss–Hermite (probabilists') tensor grid, evaluated also on even trapezoid grids (the quoted value); reference: dense trapezoid; training traces use the training rule"), "quadrature rules")
        out.set("conventions", "latent_dimension", .string("the latent dimension is written d in this lesson (q in lessons 1–2); q(z|x) is the variational density"), "notation")
        out.set("conventions", "ppca", .string("PPCA fitted in closed form (Tipping & Bishop 1999) with the 1/N covariance; σ² (ML) = mean of the discarded eigenvalues"), "PPCA baseline")
        out.set("conventions", "densities", .string("densities of continuous data can exceed 1, so a log-likelihood can have either sign and depends on the units of x; only differences between models on the same data are meaningful"), "sign of log-likelihoods")
        out.set("conventions", "seed", .integer(Int(truncatingIfNeeded: context.seed)), "seed of the lesson's generator")
        out.set("conventions", "quick", .bool(context.quick), "quick build (fewer steps and nodes)")
        return out.result
    }
}
