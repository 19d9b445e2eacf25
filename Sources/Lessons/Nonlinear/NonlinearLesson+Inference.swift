// NonlinearLesson+Inference — steps 5–6 on the trained toy model: the shapes of p(z|x), and why p(x) is intractable.

import Foundation
import LessonKit
import LinearAlgebra
import Models

/// Step 5's posteriors at the probes A, B, C, for steps 6 and 7.
struct ProbePosteriors {
    let probes: [PosteriorProbe]
    let split: Double                  // between the two ends of the curve in z
    let halfWidth: Double              // the z-grid spans [−halfWidth, halfWidth]
    let z: [Double]                    // (G) the z-grid
    let posteriors: [GriddedPosterior] // one per probe
    let laplace: [VariationalGaussian] // N(ẑ, (−∇²ℓ(ẑ))⁻¹) at the highest mode, one per probe

    var zColumn: Matrix { Matrix(rows: z.count, columns: 1, elements: z) }                              // (G, 1)
}

extension NonlinearLesson {
    /// Step 5 — the posterior p(z|x) = p(x|z) p(z) / p(x) on a fine grid of z: narrow at A, two modes at B, skewed at
    /// C; against its Laplace approximation and PPCA's Gaussian posterior N(M⁻¹Wᵀ(x − μ), σ²M⁻¹).
    func posteriorIsNotGaussian(_ arc: ArcData, _ fit: ArcFit, _ s: NonlinearSettings,
                                _ page: inout LessonRecorder) throws -> ProbePosteriors {
        let model = fit.trained
        let halfWidth = 8.0                            // ±8 shows both of B's modes whole
        let z = EvenGrid.values(-halfWidth...halfWidth, count: 3201)                                      // (G)
        let zColumn = Matrix(rows: z.count, columns: 1, elements: z)                                      // (G, 1)
        let candidates = EvenGrid.column(-halfWidth...halfWidth, count: 321)                              // (321, 1)
        let (probes, split) = try PosteriorProbes.place(model: model, data: arc.x, rule: fit.trainingRule)
        let ppcaPosterior = try arc.ppca.posterior(Matrix(probes.map(\.x)))                               // means (3, 1)
        let ppcaSD = ppcaPosterior.covariance[0, 0].squareRoot()
        let posteriors = try probes.map { p in
            GriddedPosterior(logJoint: try model.logJoint(Matrix([p.x]), latent: zColumn).elements, grid: z)
        }
        let laplace = try probes.map { try model.laplaceApproximation($0.x, candidates: candidates) }
        let entries: [JSONValue] = probes.indices.map { i in
            let (p, g, l) = (probes[i], posteriors[i], laplace[i].meanAndSD)
            return ["name": .string(p.name), "x": .numbers(p.x), "where": .string(p.description),
                    "mean": .number(g.mean), "sd": .number(g.sd), "skewness": .number(g.skewness),
                    "modes": .integer(g.modes.count), "laplace_mean": .number(l.mean), "laplace_sd": .number(l.sd),
                    "ppca_mean": .number(ppcaPosterior.means[i, 0]), "ppca_sd": .number(ppcaSD)]
        }
        let outerMode = posteriors[1].modes.max { abs($0) < abs($1) } ?? .nan
        let h = z[1] - z[0]
        let massOutside = zip(z, posteriors[1].density).reduce(0) { $0 + (abs($1.0) > s.toyRuleHalfWidth ? $1.1 * h : 0) }
        page.group("posterior") { page in
            page.value("points", JSONValue.array(entries), "posterior p(z|x) at the probe points A, B, C",
                       .griddedPosterior(nodes: z.count, halfWidth: halfWidth))
            page.value("b_outer_mode", abs(outerMode), "|z| of B's outermost posterior mode")
            page.value("b_mass_outside_training_nodes", massOutside, "share of B's posterior at |z| beyond the training nodes",
                       .beyondTheTrainingNodes(halfWidth: s.toyRuleHalfWidth))
            page.value("ppca_sd", ppcaSD, "PPCA posterior standard deviation (the same for every x)", .ppcaPosteriorSD)
        }
        // fθ over the training nodes (solid), beyond them out to |z| = 6 (dashed), and the images of B's modes.
        let a = s.toyRuleHalfWidth
        let curves = (fitted: model.decodedCurve(at: EvenGrid.values(-a...a, count: 321)),
                      beyond: [EvenGrid.values(-6...(-a), count: 81), EvenGrid.values(a...6, count: 81)].map(model.decodedCurve(at:)),
                      modes: model.decodedCurve(at: posteriors[1].modes))
        page.figure("posterior-shapes", NonlinearFigures.posteriorShapes(
            arc.x, curves: curves, probes: probes, z: z, halfWidth: halfWidth,
            posteriors: posteriors.map(\.density), laplace: laplace.map(\.meanAndSD),
            ppca: probes.indices.map { (ppcaPosterior.means[$0, 0], ppcaSD) }, ruleHalfWidth: s.toyRuleHalfWidth))
        return ProbePosteriors(probes: probes, split: split, halfWidth: halfWidth, z: z, posteriors: posteriors, laplace: laplace)
    }

    /// Step 6 — why the integral is intractable: prior sampling p̂ = (1/S) Σₛ p(x|zₛ), zₛ ~ p(z), with relative
    /// error √(E_p(z)[p(x|z)²]/p(x)² − 1)/√S; a grid costs Kᵈ; importance sampling from r ≈ p(z|x) removes variance.
    func whyTheIntegralIsIntractable(_ fit: ArcFit, _ at: ProbePosteriors, digits: Matrix, _ s: NonlinearSettings,
                                     seed: UInt64, _ page: inout LessonRecorder) throws {
        let model = fit.trained
        let probe = at.probes[0]
        let logPx = try model.logMarginals(Matrix([probe.x]), quadrature: fit.referenceRule)[0]
        let laplace = at.laplace[0].meanAndSD
        let widening = 0.2                                          // proposal sd = (1 + widening) × Laplace sd
        let proposal = try VariationalGaussian(mean: [laplace.mean], standardDeviations: [(1 + widening) * laplace.sd])
        /// p̂(x)/p(x) from `samples` draws, from the prior and then from the proposal (importance sampling).
        func ratios(samples: Int, using random: inout Xoshiro256StarStar) throws
            -> (prior: Double, importance: Double) {
            let prior = try MonteCarloMarginal.priorSampling(model, x: probe.x, samples: samples, using: &random)
            let importance = try MonteCarloMarginal.importanceSampling(model, x: probe.x, proposal: proposal,
                                                                       samples: samples, using: &random)
            return (exp(prior - logPx), exp(importance - logPx))
        }
        func rmsRelativeError(_ ratios: [Double]) -> Double {
            max((ratios.reduce(0) { $0 + ($1 - 1) * ($1 - 1) } / Double(ratios.count)).squareRoot(), 1e-16)
        }
        var estimates = StepRandom.generator(seed: seed, lesson: slug, step: "monte-carlo")
        var priorError: [Double] = [], importanceError: [Double] = []
        for count in s.monteCarloSampleCounts {
            let repeats = try (0..<s.monteCarloRepeats).map { _ in try ratios(samples: count, using: &estimates) }
            priorError.append(rmsRelativeError(repeats.map(\.prior)))
            importanceError.append(rmsRelativeError(repeats.map(\.importance)))
        }
        // one prior-sampling term's relative sd, √(E[p(x|z)²]/p(x)² − 1), with E over p(z) on the z-grid
        let conditional = try model.conditionalLogDensities(Matrix([probe.x]), latent: at.zColumn).elements  // (G)
        let h = at.z[1] - at.z[0]
        var secondMoment = 0.0
        for (z, c) in zip(at.z, conditional) { secondMoment += exp(2 * (c - logPx) + StandardNormal.logDensity(z)) * h }
        let relativeSD = (secondMoment - 1).squareRoot()
        let target = 0.01
        page.group("monte_carlo") { page in
            page.value("probe", probe.name, "point where p(x) is estimated")
            page.value("log_px", logPx, "log p(x) at the probe (reference rule)", .logOfTheMarginal)
            page.value("sample_counts", s.monteCarloSampleCounts, "sample counts S")
            page.value("repeats", s.monteCarloRepeats, "independent repeats per S")
            page.value("prior_relative_error", priorError, "RMS of p̂/p − 1, samples from the prior", .rootMeanSquareOverRepeats)
            page.value("importance_relative_error", importanceError, "RMS of p̂/p − 1, importance sampling (Laplace proposal, sd × 1.2)")
            page.value("prior_relative_sd_one_sample", relativeSD,
                       "relative standard deviation of one prior-sampling term, √(E[p(x|z)²]/p(x)² − 1)", .oneSampleOnTheGrid)
            page.value("target_relative_error", target, "target relative error for the sample-count estimate")
            page.value("samples_for_one_percent", Int((relativeSD / target * relativeSD / target).rounded(.up)),
                       "prior samples S needed for a 1 % relative error at this point", .samplesForOnePercent)
        }
        page.figure("mc-relative-error", NonlinearFigures.monteCarloError(
            counts: s.monteCarloSampleCounts, prior: priorError, importance: importanceError, oneSampleSD: relativeSD))

        let dimensions = Array(1...12), nodesPerDimension = [5, 10, 20, 50]
        let example = (nodes: 20, dimension: 10)
        page.group("grid_cost") { page in
            page.value("dimensions", dimensions, "latent dimensions d")
            page.value("nodes_per_dimension", nodesPerDimension, "nodes per dimension K")
            page.value("example_nodes", example.nodes, "nodes per dimension K in the worked example")
            page.value("example_dimension", example.dimension, "latent dimension d in the worked example")
            page.value("evaluations_d10_k20", pow(Double(example.nodes), Double(example.dimension)),
                       "decoder evaluations per data point for K = 20, d = 10", .tensorGridCost)
        }
        // How much of the prior the posterior fills: PPCA (ML) on the digits with q = d latent dimensions, its
        // posterior N(·, σ²M⁻¹) against the prior N(0, I) — the ratio of volumes inside any Mahalanobis radius is
        // √det(σ²M⁻¹) = exp(½ log det), log det by Cholesky (in closed form Π (σ²/λᵢ)^½ for W_ML).
        let ppca = try PPCAMaximumLikelihood(digits)
        let volumeDimensions = Array(1...min(40, digits.columns - 1))
        let volumeRatios = try volumeDimensions.map { d in
            let posterior = try ppca.model(latentDimension: d).posterior(digits.rows(0..<1))
            return exp(0.5 * (try Cholesky(of: posterior.covariance)).logDeterminant)
        }
        let toyRatio = at.posteriors[0].sd                                              // d = 1: width ratio at A
        page.group("grid_cost") { page in
            page.value("volume_dimensions", volumeDimensions, "latent dimensions d of the volume comparison")
            page.value("volume_ratios", volumeRatios,
                       "posterior volume / prior volume, √det(σ²M⁻¹), PPCA (ML) on all the digits with q = d", .posteriorVolume)
            page.label("volume_ratios.9", "posterior volume / prior volume, PPCA on the digits, d = 10", .posteriorVolume)
            page.value("toy_width_ratio", toyRatio, "posterior s.d. at A / prior s.d. (the toy, d = 1)")
        }
        page.figure("grid-cost", NonlinearFigures.gridCost(
            dimensions: dimensions, nodesPerDimension: nodesPerDimension,
            lessonGrids: [Double(fit.trainingRule.count), Double(s.digitsOrder * s.digitsOrder)],
            volumeDimensions: volumeDimensions, volumeRatios: volumeRatios, toyRatio: toyRatio))

        // importance sampling: the spread of R estimates p̂/p at S = 100, prior against proposal
        let samples = 100
        var spread = StepRandom.generator(seed: seed, lesson: slug, step: "importance-sampling")
        let spreadRatios = try (0..<s.importanceRepeats).map { _ in try ratios(samples: samples, using: &spread) }
        let (priorEstimates, importanceEstimates) = (spreadRatios.map(\.prior), spreadRatios.map(\.importance))
        func sd(_ v: [Double]) -> Double {                          // 1/(R − 1)
            let m = v.reduce(0, +) / Double(v.count)
            return (v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)).squareRoot()
        }
        page.group("importance") { page in
            page.value("samples", samples, "samples per estimate S")
            page.value("repeats", s.importanceRepeats, "repeated estimates")
            page.value("prior_sd", sd(priorEstimates), "standard deviation of p̂/p, prior sampling", .unbiasedOverRepeats)
            page.value("importance_sd", sd(importanceEstimates), "standard deviation of p̂/p, importance sampling")
            page.value("variance_ratio", pow(sd(priorEstimates) / sd(importanceEstimates), 2),
                       "variance reduction factor Var_prior / Var_importance at equal S")
            page.value("proposal_widening", widening, "how much wider than the Laplace approximation the proposal is",
                       .proposalWidening)
            page.value("proposal_mean", proposal.meanAndSD.mean, "proposal mean (Laplace mode)")
            page.value("proposal_sd", proposal.meanAndSD.sd, "proposal standard deviation (Laplace × 1.2)")
        }
        page.figure("importance-sampling", NonlinearFigures.importanceSampling(
            z: at.z, posterior: at.posteriors[0].density, proposal: proposal.meanAndSD,
            priorEstimates: priorEstimates, importanceEstimates: importanceEstimates, samples: samples))
    }
}

extension VariationalGaussian {
    /// The mean and standard deviation of a q over a one-dimensional z.
    var meanAndSD: (mean: Double, sd: Double) { (mean[0], covariance[0, 0].squareRoot()) }
}
