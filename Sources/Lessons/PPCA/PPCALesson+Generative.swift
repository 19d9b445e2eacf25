import Foundation
import LessonKit
import LinearAlgebra
import Models

/// Steps 1–2: the generative story of a hand-set 2-D PPCA (q = 1), and its marginal p(x) by Monte Carlo.
extension PPCALesson {
    /// The hand-set story model: μ = (1, 0.5), W = (1.8, 0.9)ᵀ, σ² = 0.3 — chosen so that the line, the noise circle
    /// and the marginal ellipse are all visible at once.
    static func storyModel() throws -> PPCA {
        try PPCA(mean: [1, 0.5], loading: Matrix([[1.8], [0.9]]), noiseVariance: 0.3)
    }

    /// ẑ, the latent value the story follows.
    static let storyLatentValue = 1.2

    /// The largest number of Monte Carlo draws L of step 2.
    static func monteCarloDraws(quick: Bool) -> Int { quick ? 10_000 : 100_000 }

    /// Step 1 — the generative story: z ~ N(0, 1); x | z ~ N(Wz + μ, σ²I); all z at once give p(x) = N(μ, WWᵀ + σ²I).
    func generativeStory(_ page: inout LessonRecorder, _ streams: PPCARandomStreams) throws -> PPCA {
        var random = streams.generator(.generativeStory)
        let model = try Self.storyModel()
        let zHat = Self.storyLatentValue
        let w = model.loading.column(0)                                              // (2,)
        let latentDraws = (0..<15).map { _ in random.nextStandardNormal() }          // (15,)    z ~ p(z)
        let centre = (w[0] * zHat + model.mean[0], w[1] * zHat + model.mean[1])      // Wẑ + μ
        let noiseSD = model.noiseVariance.squareRoot()
        let conditionalDraws = (0..<40).map { _ in                                   // (40, 2)  x ~ p(x | ẑ)
            (centre.0 + noiseSD * random.nextStandardNormal(), centre.1 + noiseSD * random.nextStandardNormal())
        }
        let marginalDraws = model.sample(count: 300, using: &random).observed       // (300, 2) x ~ p(x)
        page.figure("generative-story", PPCAFigures.generativeStory(
            model: model, zHat: zHat, latentDraws: latentDraws, conditionalDraws: conditionalDraws,
            marginalDraws: marginalDraws))
        page.group("story") { page in
            page.store(model.mean, at: "mu")
            page.store(w, at: "W")
            page.value("sigma2", model.noiseVariance, "σ² of the hand-set story model")
            page.value("z_hat", zHat, "the chosen latent value ẑ")
            page.store(model.marginalCovariance, at: "C")                           // C = WWᵀ + σ²I
            page.label("C.0.0", "C₁₁ of the story model", .marginalCovariance)
            page.label("C.0.1", "C₁₂ of the story model", .marginalCovariance)
            page.label("C.1.1", "C₂₂ of the story model", .marginalCovariance)
        }
        return model
    }

    /// Step 2 — the marginal by integration: p(x) = E_{z∼p(z)}[N(x; Wz + μ, σ²I)], estimated by
    /// p̂_L(x) = (1/L) Σₗ N(x; Wzₗ + μ, σ²I) with its standard error, against the closed form N(x; μ, C) at three points.
    func marginalByIntegration(_ model: PPCA, quick: Bool, _ page: inout LessonRecorder,
                               _ streams: PPCARandomStreams) throws {
        let w = model.loading.column(0)
        let mu = model.mean
        let norm = Vector.norm(w)
        let normal = [-w[1] / norm, w[0] / norm]                                     // n ⟂ W, unit
        let points: [(name: String, key: String, x: [Double])] = [
            ("centre: x = μ", "centre", mu),
            ("along the line: x = 2W + μ", "along_line", [mu[0] + 2 * w[0], mu[1] + 2 * w[1]]),
            ("off the line: x = μ + 1.5 n (n ⟂ W)", "off_line", [mu[0] + 1.5 * normal[0], mu[1] + 1.5 * normal[1]]),
        ]
        let largest = Self.monteCarloDraws(quick: quick)
        // L = 100, 200, 500, 1000, …: below 100 draws (most summands ≈ 0) the SE estimated from the draws is meaningless.
        var checkpoints: [Int] = []
        var decade = 100
        while decade <= largest {
            for m in [1, 2, 5] where m * decade <= largest { checkpoints.append(m * decade) }
            decade *= 10
        }
        var random = streams.generator(.monteCarlo)
        let estimates = try points.map { point in
            let estimate = PPCAFigures.MarginalEstimates(
                name: point.name, x: point.x, exact: exp(try model.logLikelihoods(Matrix([point.x]))[0]),  // N(x; μ, C)
                running: model.monteCarloMarginal(at: point.x, checkpoints: checkpoints, using: &random))
            let final = estimate.final
            page.check("marginal_mc.\(point.key)",
                       method: "expected: N(x; μ, WWᵀ + σ²I) in closed form; computed: (1/L) Σ N(x; Wzₗ + μ, σ²I) over L = \(largest) draws zₗ ~ N(0, 1); tolerance 4 standard errors",
                       expected: estimate.exact, computed: final.estimate, tolerance: 4 * final.standardError)
            return estimate
        }
        page.figure("mc-marginal", PPCAFigures.monteCarloMarginal(estimates))
        page.table("mc-check", PPCATables.monteCarloCheck(estimates, draws: largest))
        let entries: [JSONValue] = estimates.map { point in
            ["x": .numbers(point.x), "closed_form": .number(point.exact), "estimate": .number(point.final.estimate),
             "standard_error": .number(point.final.standardError), "z_score": .number(point.zScore),
             "relative_standard_error": .number(point.final.standardError / point.exact)]
        }
        page.group("marginal_mc") { page in
            page.value("samples", largest, "largest number of Monte Carlo draws L")
            page.value("smallest_samples", checkpoints.first ?? largest,
                       "first L plotted (smaller L: the SE estimate is unreliable)")
            page.store(JSONValue.array(entries), at: "points")
            for (i, name) in ["A (centre)", "B (along the line)", "C (off the line)"].enumerated() {
                page.label("points.\(i).standard_error", "standard error of p̂(x) at \(name), L = \(largest)")
                page.label("points.\(i).relative_standard_error", "SE / p(x) at \(name), L = \(largest)")
            }
            page.value("max_abs_z_score", estimates.map { abs($0.zScore) }.max() ?? .nan,
                       "largest |p̂ − p| / SE over the three points", .monteCarloStandardError)
        }
    }
}
