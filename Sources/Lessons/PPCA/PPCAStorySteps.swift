import Foundation
import LinearAlgebra
import Models
import Plotting

/// Steps 1–2: the generative story of a hand-set 2-D PPCA (q = 1) and its marginal by Monte Carlo integration.
enum PPCAStorySteps {
    /// The hand-set story model: μ = (1, 0.5), W = (1.8, 0.9)ᵀ, σ² = 0.3 — chosen so the line, the noise circle and
    /// the marginal ellipse are all visible at once.
    static func storyModel() throws -> PPCA {
        try PPCA(mean: [1, 0.5], loading: Matrix([[1.8], [0.9]]), noiseVariance: 0.3)
    }

    /// The chosen latent value ẑ of the story.
    static let zHat = 1.2

    static func run<G: RandomNumberGenerator>(_ setup: PPCALessonSetup, into out: inout PPCALessonOutput,
                                              using g: inout G) throws {
        let model = try storyModel()
        try generativeStory(model, into: &out, using: &g)
        try monteCarloMarginal(model, quick: setup.quick, into: &out, using: &g)
    }

    // MARK: Step 1

    static func generativeStory<G: RandomNumberGenerator>(_ model: PPCA, into out: inout PPCALessonOutput,
                                                           using g: inout G) throws {
        let w = model.loading.column(0)
        let mu = model.mean
        let sigma2 = model.noiseVariance
        let figure = Figure(width: 640, height: 560, title: "The generative story of PPCA (D = 2, q = 1)")
        let axes = figure.subplots(rows: 2, columns: 2)

        // (a) the prior on the latent line.
        let zs = stride(from: -3.5, through: 3.5, by: 0.02).map { $0 }
        axes[0].line(x: zs, y: zs.map { exp(StandardNormal.logDensity($0)) }, color: .model, label: "p(z) = N(0, 1)")
        let latentDraws = (0..<15).map { _ in g.nextStandardNormal() }
        axes[0].scatter(x: latentDraws, y: latentDraws.map { _ in 0.01 }, color: .samples, size: 4, marker: .plus,
                        label: "draws of z")
        axes[0].verticalLine(at: zHat, color: .highlight, dash: .dashed,
                             label: "ẑ = " + NumberFormat.significant(zHat, digits: 3))
        axes[0].title = "1. draw z ~ p(z)"
        axes[0].xLabel = "z"
        axes[0].yLabel = "p(z)"
        axes[0].yLimits = 0...0.62
        axes[0].legend = .upperLeft

        // (b) the conditional p(x | ẑ): a circle around Wẑ + μ.
        let centre = (w[0] * zHat + mu[0], w[1] * zHat + mu[1])
        let lineZ = [-3.0, 3.0]
        let noise = [[sigma2, 0], [0, sigma2]]
        axes[1].line(x: lineZ.map { w[0] * $0 + mu[0] }, y: lineZ.map { w[1] * $0 + mu[1] }, color: .reference,
                     width: 1, dash: .dotted, label: "Wz + μ")
        let conditional = (0..<40).map { _ in
            (centre.0 + sigma2.squareRoot() * g.nextStandardNormal(), centre.1 + sigma2.squareRoot() * g.nextStandardNormal())
        }
        axes[1].scatter(x: conditional.map(\.0), y: conditional.map(\.1), color: .samples, size: 2.5,
                        label: "x ~ p(x | ẑ)")
        axes[1].ellipse(mean: centre, covariance: noise, k: 2, color: .highlight, label: "2σ circle of p(x | ẑ)")
        axes[1].scatter(x: [centre.0], y: [centre.1], color: .highlight, size: 5, marker: .diamond, label: "Wẑ + μ")
        axes[1].title = "2. draw x ~ N(Wẑ + μ, σ²I)"

        // (c) the marginal p(x): an ellipse elongated along W.
        let c = model.marginalCovariance
        let data = model.sample(count: 300, using: &g).observed
        axes[2].line(x: lineZ.map { w[0] * $0 + mu[0] }, y: lineZ.map { w[1] * $0 + mu[1] }, color: .reference,
                     width: 1, dash: .dotted, label: "Wz + μ")
        axes[2].scatter(x: data.column(0), y: data.column(1), color: .samples, size: 2, alpha: 0.5, label: "x ~ p(x)")
        for k in [1.0, 2.0] {
            axes[2].ellipse(mean: (mu[0], mu[1]), covariance: [[c[0, 0], c[0, 1]], [c[1, 0], c[1, 1]]], k: k,
                            color: .model, label: k == 1 ? "1σ, 2σ of N(μ, WWᵀ + σ²I)" : nil)
        }
        axes[2].title = "3. p(x): all z at once"
        for a in axes[1...2] {
            a.xLabel = "x₁"
            a.yLabel = "x₂"
            a.equalAspect = true
            a.xLimits = -5...7
            a.yLimits = -4.5...5.5
            a.legend = .upperLeft
        }

        // (d) the marginal's spread along W and across it: variance ‖W‖² + σ² against σ².
        let wNorm2 = w[0] * w[0] + w[1] * w[1]
        let ts = stride(from: -5.0, through: 5.0, by: 0.02).map { $0 }
        let along = wNorm2 + sigma2
        axes[3].line(x: ts, y: ts.map { exp(StandardNormal.logDensity($0 / along.squareRoot())) / along.squareRoot() },
                     color: .model, label: "along W: var ‖W‖² + σ² = " + NumberFormat.significant(along, digits: 3))
        axes[3].line(x: ts, y: ts.map { exp(StandardNormal.logDensity($0 / sigma2.squareRoot())) / sigma2.squareRoot() },
                     color: .model, dash: .dashed, label: "across W: var σ² = " + NumberFormat.significant(sigma2, digits: 3))
        axes[3].title = "4. coordinate t of x − μ along / across W"
        axes[3].xLabel = "t"
        axes[3].yLabel = "p(t)"
        axes[3].yLimits = 0...1.0
        axes[3].legend = .upperRight
        out.figures["generative-story"] = .single(figure)
        out.results["story"] = [
            "mu": .numbers(mu), "W": .numbers(w), "sigma2": .number(sigma2), "z_hat": .number(zHat),
            "C": .rows(c.rowArrays),
        ]
        out.label("story.sigma2", "σ² of the hand-set story model")
        out.label("story.z_hat", "the chosen latent value ẑ")
        out.label("story.C.0.0", "C₁₁ of the story model", convention: "C = WWᵀ + σ²I")
        out.label("story.C.0.1", "C₁₂ of the story model", convention: "C = WWᵀ + σ²I")
        out.label("story.C.1.1", "C₂₂ of the story model", convention: "C = WWᵀ + σ²I")
    }

    // MARK: Step 2

    static func monteCarloMarginal<G: RandomNumberGenerator>(_ model: PPCA, quick: Bool,
                                                              into out: inout PPCALessonOutput,
                                                              using g: inout G) throws {
        let w = model.loading.column(0)
        let mu = model.mean
        let norm = Vector.norm(w)
        let normal = [-w[1] / norm, w[0] / norm]
        let points: [(name: String, x: [Double])] = [
            ("A: x = μ", mu),
            ("B: x = 2W + μ (along the line)", [mu[0] + 2 * w[0], mu[1] + 2 * w[1]]),
            ("C: x = μ + 1.5 n (off the line, n ⟂ W)", [mu[0] + 1.5 * normal[0], mu[1] + 1.5 * normal[1]]),
        ]
        let largest = quick ? 10_000 : 100_000
        var checkpoints: [Int] = []
        // From L = 100 on: the standard error is estimated from the draws themselves, and with a handful of draws
        // (where most summands are ≈ 0) that estimate is meaningless.
        var decade = 100
        while decade <= largest {
            for m in [1, 2, 5] where m * decade <= largest { checkpoints.append(m * decade) }
            decade *= 10
        }
        let figure = Figure(width: 640, height: 540,
                            title: "Monte Carlo p̂(x) = (1/L) Σₗ N(x; Wzₗ + μ, σ²I) vs the closed form N(x; μ, C)")
        let axes = figure.subplots(rows: 2, columns: 2)
        let relative = axes[3]
        let dashes: [Dash] = [.solid, .dashed, .dotted]
        var rows: [[String]] = []
        var entries: [JSONValue] = []
        for (index, point) in points.enumerated() {
            let exact = exp(try model.logLikelihoods(Matrix([point.x]))[0])
            let estimates = model.monteCarloMarginal(at: point.x, checkpoints: checkpoints, using: &g)
            let s = estimates.map { Double($0.sampleCount) }
            let a = axes[index]
            // A density is ≥ 0: the band is clipped at 0.
            a.band(x: s, lower: estimates.map { max(0, $0.estimate - 2 * $0.standardError) },
                   upper: estimates.map { $0.estimate + 2 * $0.standardError }, color: .samples, alpha: 0.25,
                   label: "±2 SE (clipped at 0)")
            a.line(x: s, y: estimates.map(\.estimate), color: .samples, label: "p̂(x) from L draws")
            a.horizontalLine(at: exact, color: .reference, dash: .dashed, label: "closed form")
            a.xScale = .log10
            a.title = point.name
            a.xLabel = "L (draws of z)"
            a.yLabel = "p̂(x)"
            let bandTop = estimates.map { $0.estimate + 2 * $0.standardError }.max() ?? exact
            a.yLimits = 0...(max(bandTop, exact) * 1.35)
            a.legend = index == 0 ? .upperRight : .none
            relative.line(x: s, y: estimates.map { 2 * $0.standardError / exact }, color: .samples, dash: dashes[index],
                          label: String(point.name.prefix(1)))
            relative.scatter(x: s, y: estimates.map { 2 * $0.standardError / exact }, color: .samples, size: 3.5,
                             marker: [Marker.circle, .square, .triangle][index], alpha: 1)
            let final = estimates[estimates.count - 1]
            let zScore = (final.estimate - exact) / final.standardError
            rows.append([point.name, "(\(Cell.number(point.x[0], digits: 3)), \(Cell.number(point.x[1], digits: 3)))",
                         Cell.number(exact, digits: 6), Cell.number(final.estimate, digits: 6),
                         Cell.number(final.standardError, digits: 3), Cell.signed(zScore)])
            entries.append([
                "x": .numbers(point.x), "closed_form": .number(exact), "estimate": .number(final.estimate),
                "standard_error": .number(final.standardError), "z_score": .number(zScore),
                "relative_standard_error": .number(final.standardError / exact),
            ])
        }
        relative.xScale = .log10
        relative.yScale = .log10
        relative.title = "band half-width relative to p(x)"
        relative.xLabel = "L (draws of z)"
        relative.yLabel = "2 SE / p(x)"
        relative.legend = .upperRight
        out.figures["mc-marginal"] = .single(figure)
        out.tables["mc-check"] = Table(
            columns: ["point", "x", "N(x; μ, C)", "p̂(x), L = \(largest)", "standard error", "(p̂ − p)/SE"],
            rows: rows, caption: "Monte Carlo against the closed form at L = \(largest) draws; |(p̂ − p)/SE| ≤ 2 is what ±2 SE covers about 95% of the time.")
        let maxZ = entries.compactMap { entry -> Double? in
            if case let .number(z)? = entry.value(at: "z_score") { return abs(z) }
            return nil
        }.max() ?? .nan
        out.results["marginal_mc"] = [
            "samples": .integer(largest), "smallest_samples": .integer(checkpoints.first ?? largest),
            "points": .array(entries), "max_abs_z_score": .number(maxZ),
        ]
        out.label("marginal_mc.samples", "largest number of Monte Carlo draws L")
        out.label("marginal_mc.smallest_samples", "first L plotted (smaller L: the SE estimate is unreliable)")
        for (i, name) in ["A (centre)", "B (along the line)", "C (off the line)"].enumerated() {
            out.label("marginal_mc.points.\(i).standard_error", "standard error of p̂(x) at \(name), L = \(largest)")
            out.label("marginal_mc.points.\(i).relative_standard_error", "SE / p(x) at \(name), L = \(largest)")
        }
        out.label("marginal_mc.max_abs_z_score", "largest |p̂ − p| / SE over the three points",
                  convention: "SE = s/√L with the 1/(L−1) sample variance of the summands")
    }
}
