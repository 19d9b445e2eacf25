// VAELesson+Bound — steps 1–2: the ELBO derived two ways, and EM as coordinate ascent on it (PPCA).
//
// Step 1 (Kingma & Welling 2014; Bishop PRML §10.1). For any q(z) and log weight log w = log p(x, z) − log q(z):
//   log p(x) = log E_q[w] ≥ E_q[log w] = ELBO(q)                        (Jensen: log is concave)
//   log p(x) = ELBO(q) + KL(q ‖ p(z|x))                                 (Bayes' rule averaged under q)
//   ELBO(q)  = E_q[log p(x|z)] − KL(q ‖ p(z))                           (the form a VAE optimises).
// At a probe point of the arc, for two Gaussian q, the ELBO is computed by three routes that share no numerical
// step: (J) E_q[log w] by a trapezoid rule in (z − m)/s on ±10; (V) E_q[log p(x|z)] by a trapezoid rule in (z − m)/s minus the
// closed-form KL to the prior; (I) log p(x) by the reference rule minus KL(q ‖ p(z|x)) on a dense z-grid. The
// Gaussian KL's closed form is checked by Monte Carlo.
//
// Step 2 (Neal & Hinton 1998; PRML §9.4; Tipping & Bishop 1999 §3.2). EM on PPCA (all digits, d = 2, 1/N scatter)
// from a seeded random θ₀, recorded half-step by half-step (`PPCA.emHalfSteps`): E-step q := p(z|x, θ), KL = 0 and the
// ELBO touches ℓ; M-step θ := argmax_θ ELBO(q, θ), and ℓ rises by at least as much as the ELBO did.

import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting

/// One Gaussian q at the probe point, with the ELBO by the three routes.
struct VAEBoundELBOExample {
    let label: String
    let q: VariationalGaussian
    let jensen: Double                 // (J) E_q[log p(x, z) − log q(z)], trapezoid in (z − m)/s on ±10
    let reconstruction: Double         // E_q[log p(x|z)], trapezoid in (z − m)/s
    let klToPrior: Double              // closed form
    let klToPosterior: Double          // on the dense z-grid
    let logWeights: [Double]           // log w of the Monte Carlo draws z ~ q
    var vae: Double { reconstruction - klToPrior }   // (V)
}

/// A Gaussian KL checked by Monte Carlo: the running estimate of E_q[log q − log p].
struct VAEBoundKLExample {
    let key: String
    let label: String
    let closedForm: Double
    let estimate: Double
    let standardError: Double
    let running: [(samples: Int, mean: Double, standardError: Double)]
}

extension VAELesson {
    /// The probe point of step 1 (the nonlinear lesson's C: beyond the lower end of the curve, a skewed posterior).
    static let boundProbe = "C"

    /// The two Gaussians of the Monte Carlo KL check: (q, p) with p = nil for the prior N(0, I).
    static let boundKLPairs: [(key: String, label: String, q: (mean: [Double], covariance: [[Double]]), p: (mean: [Double], covariance: [[Double]])?)] = [
        ("diagonal", "KL(N(m, diag s²) ‖ N(0, I))", ([0.8, -1.2], [[0.25, 0], [0, 2.56]]), nil),
        ("general", "KL(N(m₀, S₀) ‖ N(m₁, S₁))", ([0.5, -0.3], [[1.0, 0.6], [0.6, 0.8]]), ([-0.4, 0.7], [[2.0, -0.5], [-0.5, 1.2]])),
    ]

    /// Step 1 — the ELBO by Jensen and by the KL identity; the VAE form E_q[log p(x|z)] − KL(q ‖ p(z)); the Gaussian
    /// KL in closed form checked by Monte Carlo.
    func elboTwoWays(_ arc: ArcSetting, _ s: VAESettings, _ streams: VAEStreams, _ page: inout LessonRecorder) throws {
        guard let probe = arc.probes.first(where: { $0.name == Self.boundProbe }) else { return }
        let (logPx, examples) = try Self.boundELBOExamples(arc, probe, s, streams)
        let rulePoints = s.elboRulePoints
        for (k, e) in examples.enumerated() {
            page.check("elbo_two_ways.jensen_vs_vae.\(k + 1)",
                       method: "at \(probe.name), q\(k + 1) = \(e.label); expected: E_q[log p(x|z)] by a \(rulePoints)-node trapezoid rule in (z − m)/s on ±8, minus KL(q ‖ N(0, 1)) = ½(m² + s² − 1 − 2 log s); computed: E_q[log p(x, z) − log q(z)] by a separate \(s.jensenRulePoints)-node trapezoid rule in (z − m)/s on ±10; tolerance 10⁻⁹ nats",
                       expected: e.vae, computed: e.jensen, tolerance: 1e-9)
            page.check("elbo_two_ways.identity.\(k + 1)",
                       method: "at \(probe.name), q\(k + 1) = \(e.label); expected: the ELBO as E_q[log p(x|z)] − KL(q ‖ N(0, 1)) (as above); computed: log p(x) by the reference rule minus KL(q ‖ p(z|x)) on a trapezoid z-grid of spacing ≤ 0.0025 on ±max(8, |m| + 10s), p(z|x) normalised on it; tolerance 10⁻⁹ nats",
                       expected: e.vae, computed: logPx - e.klToPosterior, tolerance: 1e-9)
        }
        let kls = try Self.boundKLExamples(s, streams)
        for e in kls {
            page.check("elbo_two_ways.kl_monte_carlo.\(e.key)",
                       method: "expected: \(e.label) in closed form; computed: the mean of log q(z) − log p(z) over \(s.klSamples) draws z ~ q (stream \(VAEStreams.klMonteCarlo)); tolerance 4 standard errors of that mean (\(NumberFormat.scientific(4 * e.standardError)))",
                       expected: e.closedForm, computed: e.estimate, tolerance: 4 * e.standardError)
        }

        page.group("elbo_two_ways") { page in
            page.value("probe", probe.name, "the probe point")
            page.value("x", probe.x, "the probe point x", .vaeArcUnits)
            page.value("log_px", logPx, "log p(x) at the probe point", .vaeByReferenceRule)
            page.value("samples", s.jensenSamples, "draws z ~ q for the histograms of log w")
            page.value("jensen_rule_points", s.jensenRulePoints, "trapezoid nodes in (z − m)/s on ±10 (route 1)")
            page.value("rule_points", rulePoints, "trapezoid nodes in (z − m)/s (route 2)")
            var items: [JSONValue] = []
            var largest = 0.0
            for (k, e) in examples.enumerated() {
                let (mc, se) = Self.meanAndStandardError(e.logWeights)
                let logMeanWeight = LatentQuadrature.logSumExp(e.logWeights) - log(Double(e.logWeights.count))
                let path = "examples.\(k)"
                let name = "q\(NumberFormat.subscript(k + 1))"
                page.label(path + ".mean", "mean m of \(name)")
                page.label(path + ".sd", "standard deviation s of \(name)")
                page.label(path + ".elbo_jensen", "ELBO(\(name)) as E_q[log p(x, z) − log q(z)]", .vaeJensenRoute)
                page.label(path + ".elbo_vae", "ELBO(\(name)) as E_q[log p(x|z)] − KL(q ‖ p(z))", .vaeVAERoute)
                page.label(path + ".elbo_identity", "ELBO(\(name)) as log p(x) − KL(q ‖ p(z|x))", .vaeIdentityRoute)
                page.label(path + ".reconstruction", "E_q[log p(x|z)] for \(name)", .vaeVAERoute)
                page.label(path + ".kl_prior", "KL(\(name) ‖ p(z)), closed form", .vaeNats)
                page.label(path + ".kl_posterior", "KL(\(name) ‖ p(z|x)), on the z-grid", .vaeIdentityRoute)
                page.label(path + ".mc_elbo", "mean of log w over the draws z ~ \(name)", .vaeMonteCarloDraws)
                page.label(path + ".mc_elbo_se", "its standard error", .vaeMonteCarloDraws)
                page.label(path + ".mc_log_px", "log of the mean of w over the draws z ~ \(name)", .vaeMonteCarloDraws)
                let (m, sd) = e.q.meanAndSD
                items.append(["label": .string(e.label), "mean": .number(m), "sd": .number(sd),
                              "elbo_jensen": .number(e.jensen), "elbo_vae": .number(e.vae), "elbo_identity": .number(logPx - e.klToPosterior),
                              "reconstruction": .number(e.reconstruction), "kl_prior": .number(e.klToPrior),
                              "kl_posterior": .number(e.klToPosterior), "mc_elbo": .number(mc), "mc_elbo_se": .number(se),
                              "mc_log_px": .number(logMeanWeight)])
                largest = max(largest, abs(e.jensen - e.vae), abs(e.vae - (logPx - e.klToPosterior)))
            }
            page.store(JSONValue.array(items), at: "examples")
            page.value("largest_route_difference", largest, "largest difference between two routes to one ELBO", .vaeNats)
            var klItems: [String: JSONValue] = [:]
            for e in kls {
                let pair = Self.boundKLPairs.first { $0.key == e.key }!
                var item: [String: JSONValue] = ["closed_form": .number(e.closedForm), "monte_carlo": .number(e.estimate),
                                                 "standard_error": .number(e.standardError), "q_mean": .numbers(pair.q.mean),
                                                 "q_covariance": .array(pair.q.covariance.map { .numbers($0) })]
                if let p = pair.p {
                    item["p_mean"] = .numbers(p.mean)
                    item["p_covariance"] = .array(p.covariance.map { .numbers($0) })
                }
                klItems[e.key] = .object(item)
                page.label("kl.\(e.key).closed_form", e.label + ", closed form", .vaeNats)
                page.label("kl.\(e.key).monte_carlo", e.label + ", Monte Carlo", .vaeKLMonteCarlo(s.klSamples))
                page.label("kl.\(e.key).standard_error", "standard error of that Monte Carlo mean", .vaeKLMonteCarlo(s.klSamples))
            }
            page.store(JSONValue.object(klItems), at: "kl")
            page.value("kl_samples", s.klSamples, "draws per Monte Carlo KL")
        }
        page.figure("jensen-log-weights", VAEBoundFigures.logWeights(examples: examples, logPx: logPx, probe: probe.name))
        page.figure("kl-monte-carlo", VAEBoundFigures.klMonteCarlo(kls))
    }

    /// log p(x) at the probe and the two Gaussian q: the moment-matched N(E[z|x], Var[z|x]) (moments on the
    /// reference rule) and one twice as wide, each with the ELBO by the three routes and `jensenSamples` log weights.
    static func boundELBOExamples(_ arc: ArcSetting, _ probe: PosteriorProbe, _ s: VAESettings, _ streams: VAEStreams)
        throws -> (logPx: Double, examples: [VAEBoundELBOExample]) {
        let model = arc.decoder
        let row = Matrix([probe.x])                                                            // (1, 2)
        let marginal = try model.quadratureMarginal(row, quadrature: arc.referenceRule)
        let logPx = marginal.logMarginals[0]
        var (mean, second) = (0.0, 0.0)
        for k in 0..<arc.referenceRule.count {
            let (r, z) = (marginal.responsibilities[0, k], arc.referenceRule.nodes[k, 0])
            mean += r * z
            second += r * z * z
        }
        let sd = (second - mean * mean).squareRoot()
        let gaussians = [("moment-matched N(E[z|x], Var[z|x])", sd), ("twice as wide, N(E[z|x], 4 Var[z|x])", 2 * sd)]
        let trapezoid = try standardRule(s)
        let jensenRule = try LatentQuadrature.trapezoid(halfWidth: 10, pointsPerDimension: s.jensenRulePoints, dimension: 1)
        var random = streams.generator(VAEStreams.elboMonteCarlo)
        let examples = try gaussians.map { label, sd -> VAEBoundELBOExample in
            let q = try VariationalGaussian(mean: [mean], standardDeviations: [sd])
            // (J): E_q[log p(x, z) − log q(z)] on the trapezoid nodes m + sξ, ξ on ±10
            let nodes = try q.mapped(jensenRule)
            let joint = try model.logJoint(row, latent: nodes.nodes).elements
            let logQ = q.logDensities(nodes.nodes)
            var jensen = 0.0
            for k in 0..<nodes.count { jensen += exp(nodes.logWeights[k]) * (joint[k] - logQ[k]) }
            // (V): E_q[log p(x|z)] by the trapezoid rule in (z − m)/s, and the closed-form KL to the prior
            let reconstruction = try model.elbo(probe.x, q: q, standardRule: trapezoid).expectedLogLikelihood
            let klPrior = VariationalGaussian.klToStandardNormal(mean: [mean], standardDeviations: [sd])
            // (I): KL(q ‖ p(z|x)) on its own grid, spacing ≤ 0.0025 on ±max(8, |m| + 10s)
            let half = max(8, abs(mean) + 10 * sd)
            let grid = try LatentQuadrature.trapezoid(halfWidth: half, pointsPerDimension: Int((2 * half / 0.0025).rounded(.up)) + 1,
                                                      dimension: 1)
            let klPosterior = try ELBO.klToPosterior(q: q, grid: grid, logJoint: try model.logJoint(row, latent: grid.nodes).elements)
            // log w of draws z ~ q
            let draws = q.samples(count: s.jensenSamples, using: &random)
            let drawJoint = try model.logJoint(row, latent: draws).elements
            let drawQ = q.logDensities(draws)
            return VAEBoundELBOExample(label: label, q: q, jensen: jensen, reconstruction: reconstruction, klToPrior: klPrior,
                                       klToPosterior: klPosterior, logWeights: zip(drawJoint, drawQ).map { $0 - $1 })
        }
        return (logPx, examples)
    }

    /// The Monte Carlo KLs: `klSamples` draws from each q in turn (one stream), the running mean and standard error at
    /// about 20 sample counts per decade.
    static func boundKLExamples(_ s: VAESettings, _ streams: VAEStreams) throws -> [VAEBoundKLExample] {
        var random = streams.generator(VAEStreams.klMonteCarlo)
        return try boundKLPairs.map { pair in
            let q = try VariationalGaussian(mean: pair.q.mean, covariance: Matrix(pair.q.covariance))
            let p = try pair.p.map { try VariationalGaussian(mean: $0.mean, covariance: Matrix($0.covariance)) }
            let closed: Double
            if let p { closed = try q.klDivergence(to: p) } else {
                closed = VariationalGaussian.klToStandardNormal(mean: q.mean, standardDeviations: q.covariance.diagonal.map { $0.squareRoot() })
            }
            let z = q.samples(count: s.klSamples, using: &random)
            let logQ = q.logDensities(z)
            let logP: [Double]
            if let p { logP = p.logDensities(z) } else {
                logP = (0..<z.rows).map { n in (0..<z.columns).reduce(0) { $0 + StandardNormal.logDensity(z[n, $1]) } }
            }
            let ratios = zip(logQ, logP).map { $0 - $1 }
            let marks = Set((0...100).map { k in Int((10 * pow(Double(s.klSamples) / 10, Double(k) / 100)).rounded()) })
            var running: [(samples: Int, mean: Double, standardError: Double)] = []
            var (sum, sumSquares) = (0.0, 0.0)
            for (n, r) in ratios.enumerated() {
                sum += r
                sumSquares += r * r
                let count = n + 1
                if marks.contains(count) {
                    let mean = sum / Double(count)
                    let variance = max(sumSquares / Double(count) - mean * mean, 0) * Double(count) / Double(count - 1)
                    running.append((count, mean, (variance / Double(count)).squareRoot()))
                }
            }
            let (estimate, se) = meanAndStandardError(ratios)
            return VAEBoundKLExample(key: pair.key, label: pair.label, closedForm: closed, estimate: estimate, standardError: se,
                                     running: running)
        }
    }

    /// The sample mean and its standard error √(s²/n), s² with 1/(n − 1).
    static func meanAndStandardError(_ values: [Double]) -> (mean: Double, standardError: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
        return (mean, (variance / n).squareRoot())
    }
}

// MARK: - Step 2

/// EM on PPCA, half-step by half-step, and what the frames show.
struct VAEBoundEMRun {
    let mean: [Double]
    let scatter: Matrix                        // (D, D) 1/N about the mean
    let initial: PPCA
    let halfSteps: [EMHalfStep]                // E₁, M₁, E₂, M₂, …
    let maximumLikelihood: Double              // ℓ_ML of PPCA d = 2, closed form
    /// Per iteration k: θ(t) from θₖ₋₁ (t = 0) to θₖ (t = 1), ℓ(θ(t)) and ELBO(qₖ, θ(t)), qₖ = p(z|x, θₖ₋₁).
    let slices: [(t: [Double], logLikelihood: [Double], elbo: [Double])]
}

extension VAELesson {
    /// Step 2 — EM on PPCA as coordinate ascent on the ELBO, half-step by half-step.
    func emAsCoordinateAscent(_ digits: Matrix, _ s: VAESettings, _ streams: VAEStreams, _ page: inout LessonRecorder) throws {
        let run = try Self.boundEM(digits, s, streams)
        let steps = run.halfSteps
        let d = run.initial.latentDimension
        for (k, step) in steps.enumerated() {
            switch step.kind {
            case .expectation:
                page.check("em.e_step_touches.\(step.iteration)",
                           method: "after E-step \(step.iteration): expected ℓ(θ) = −½[D log 2π + log|C| + tr(C⁻¹S)] with the Cholesky factor of the 64 × 64 C = WWᵀ + σ²I; computed: ELBO(q, θ) with q = p(z|x, θ), Neal & Hinton's average over the rows from the 1/N scatter S (PPCA.elbo); tolerance 10⁻⁹ nats (rounding): the KL is 0",
                           expected: try Self.choleskyLogLikelihood(step.model, scatter: run.scatter), computed: step.elbo, tolerance: 1e-9)
            case .maximisation:
                page.check("em.m_step_maximum.\(step.iteration)",
                           method: "after M-step \(step.iteration): expected max over θ of ELBO(q, θ) for the q of E-step \(step.iteration), in closed form from q's moments alone: W* = S Aᵀ H⁻¹, σ*² = (tr S − tr(H⁻¹ A S² Aᵀ))/D, max = −(D/2)(1 + log 2πσ*²) + ½(d − tr H + log|Σ|), with A = M⁻¹Wᵀ, Σ = σ²M⁻¹ of the previous θ and H = ASAᵀ + Σ; computed: ELBO(q, θ) at θ = PPCA.emStep's update (PPCA.elbo); tolerance 10⁻⁹ nats",
                           expected: try Self.mStepMaximum(posteriorOf: steps[k - 1].model, scatter: run.scatter),
                           computed: step.elbo, tolerance: 1e-9)
            }
        }
        func largestDecrease(_ v: [Double]) -> Double { max(0, zip(v, v.dropFirst()).map { $0 - $1 }.max() ?? 0) }
        let elbos = steps.map(\.elbo), ells = steps.map(\.logLikelihood)
        page.check("em.elbo_never_decreases",
                   method: "expected: 0; computed: the largest decrease of ELBO(q, θ) from one half-step to the next over the \(steps.count) half-steps (0 if none); tolerance 10⁻⁹ nats (rounding)",
                   expected: 0, computed: largestDecrease(elbos), tolerance: 1e-9)
        page.check("em.log_likelihood_never_decreases",
                   method: "expected: 0; computed: the largest decrease of ℓ(θ) from one half-step to the next (0 if none); tolerance 10⁻⁹ nats (rounding)",
                   expected: 0, computed: largestDecrease(ells), tolerance: 1e-9)

        page.group("em") { page in
            page.value("iterations", s.emIterations, "EM iterations (each an E-step and an M-step)")
            page.value("latent_dim", d, "latent dimension d of PPCA")
            page.value("rows", digits.rows, "digits")
            page.value("initial_noise_variance", run.initial.noiseVariance, "σ₀² of the random start", .vaeRawPixelUnits)
            page.value("initial_log_likelihood", run.initial.averageLogLikelihood(scatter: run.scatter), "ℓ(θ₀) at the random start",
                       .vaePPCAExact)
            page.value("ml_log_likelihood", run.maximumLikelihood, "PPCA's closed-form maximum ℓ_ML, d = 2", .vaeLinearMLOptimum)
            page.value("final_log_likelihood", ells.last ?? .nan, "ℓ after the last M-step", .vaePPCAExact)
            page.value("final_elbo", elbos.last ?? .nan, "ELBO after the last M-step", .vaeNealHinton)
            let mKL = steps.filter { $0.kind == .maximisation }.map(\.kl)
            page.value("first_m_kl", mKL.first ?? .nan, "KL after the first M-step", .vaeNealHinton)
            page.value("last_m_kl", mKL.last ?? .nan, "KL after the last M-step", .vaeNealHinton)
            page.value("largest_e_kl", steps.filter { $0.kind == .expectation }.map { abs($0.kl) }.max() ?? .nan,
                       "largest |KL| after an E-step", .vaeNealHinton)
            page.store(JSONValue.array(steps.map { h in
                ["iteration": .integer(h.iteration), "kind": .string(h.kind == .expectation ? "E" : "M"),
                 "elbo": .number(h.elbo), "kl": .number(h.kl), "log_likelihood": .number(h.logLikelihood),
                 "noise_variance": .number(h.model.noiseVariance)]
            }), at: "half_steps")
        }
        page.table("em-half-steps", VAEBoundTables.halfSteps(steps, maximumLikelihood: run.maximumLikelihood))
        page.figure("em-staircase", VAEBoundFigures.emStaircase(steps, maximumLikelihood: run.maximumLikelihood))
        var frames: [(label: String, figure: Figure)] = []
        for (k, step) in steps.enumerated() {
            let slice = run.slices[step.iteration - 1]
            let label = step.kind == .expectation ? "E-step \(step.iteration)" : "M-step \(step.iteration)"
            frames.append((label, VAEBoundFigures.emFrame(slice: slice, step: step, previous: k > 0 ? steps[k - 1] : nil)))
        }
        let shown = [0, 1, 2, 3, steps.count - 2, steps.count - 1]
        page.frames("em-half-steps", frames, steps: Array(Set(shown)).sorted(), columns: 2,
                    title: "EM on PPCA (digits, d = 2): the bound ELBO(q, θ) and ℓ(θ) along each M-step's move", cellAspect: 0.62)
    }

    /// Step 2's computation: the random start, the half-steps, ℓ_ML and each iteration's slice.
    static func boundEM(_ digits: Matrix, _ s: VAESettings, _ streams: VAEStreams) throws -> VAEBoundEMRun {
        let fit = try PPCAMaximumLikelihood(digits)
        let (mean, scatter) = (fit.mean, fit.covariance)
        let d = 2
        let dim = fit.dimension
        var random = streams.generator(VAEStreams.emInit)
        let w0 = Matrix(rows: dim, columns: d, elements: (0..<(dim * d)).map { _ in s.emInitialScale * random.nextStandardNormal() })
        let sigma2 = (1 + random.nextUniform()) * scatter.trace / Double(dim)
        let initial = try PPCA(mean: mean, loading: w0, noiseVariance: sigma2)
        let steps = try PPCA.emHalfSteps(mean: mean, scatter: scatter, initialLoading: w0, initialNoiseVariance: sigma2,
                                         iterations: s.emIterations)
        let ml = try fit.model(latentDimension: d).averageLogLikelihood(scatter: scatter)
        // t from −0.5 to 1.5 with 0 and 1 among the nodes (emSlice = 4m + 1 points; snapped against rounding)
        let t = (0..<s.emSlice).map { k -> Double in
            let v = -0.5 + 2 * Double(k) / Double(s.emSlice - 1)
            return abs(v) < 1e-12 ? 0 : abs(v - 1) < 1e-12 ? 1 : v
        }
        var slices: [(t: [Double], logLikelihood: [Double], elbo: [Double])] = []
        for k in stride(from: 0, to: steps.count, by: 2) {
            let (before, after) = (steps[k].model, steps[k + 1].model)
            var ell: [Double] = [], elbo: [Double] = []
            for tk in t {
                let theta = try interpolate(before, after, tk)
                ell.append(theta.averageLogLikelihood(scatter: scatter))
                elbo.append(theta.elbo(scatter: scatter, posteriorOf: before).value)
            }
            slices.append((t, ell, elbo))
        }
        return VAEBoundEMRun(mean: mean, scatter: scatter, initial: initial, halfSteps: steps, maximumLikelihood: ml, slices: slices)
    }

    /// θ(t) = (W_a + t(W_b − W_a), σ_a² (σ_b²/σ_a²)ᵗ): the straight line in (W, log σ²) through a (t = 0) and b (t = 1).
    static func interpolate(_ a: PPCA, _ b: PPCA, _ t: Double) throws -> PPCA {
        let w = Matrix(rows: a.loading.rows, columns: a.loading.columns,
                       elements: zip(a.loading.elements, b.loading.elements).map { $0 + t * ($1 - $0) })
        return try PPCA(mean: a.mean, loading: w, noiseVariance: a.noiseVariance * pow(b.noiseVariance / a.noiseVariance, t))
    }

    /// ℓ(θ) = −½[D log 2π + log|C| + tr(C⁻¹S)] from the Cholesky factor of C = WWᵀ + σ²I (D × D), not through M.
    static func choleskyLogLikelihood(_ model: PPCA, scatter s: Matrix) throws -> Double {
        let factor = try Cholesky(of: model.marginalCovariance)
        let d = Double(model.dimension)
        return -0.5 * (d * log(2 * Double.pi) + factor.logDeterminant + factor.solve(s).trace)
    }

    /// max_θ ELBO(q, θ) for q = p(z|x, θ_q), μ the sample mean, from q's moments and S alone (no EM update):
    /// A = M⁻¹Wᵀ, Σ = σ²M⁻¹, H = A S Aᵀ + Σ (the average E_q[zzᵀ]); the best W is S Aᵀ H⁻¹, the best σ² the mean squared
    /// expected residual (tr S − tr(H⁻¹ A S² Aᵀ))/D, and there E_q[log p(x|z)] = −(D/2)(1 + log 2πσ²), so
    /// max = −(D/2)(1 + log 2πσ²) + ½(d − tr H + log|Σ|).
    static func mStepMaximum(posteriorOf theta: PPCA, scatter s: Matrix) throws -> Double {
        let (dim, d) = (Double(theta.dimension), theta.latentDimension)
        let m = try Cholesky(of: theta.mMatrix)
        let a = m.solve(theta.loading.transposed)                                     // (d, D) M⁻¹Wᵀ
        let sigma = theta.noiseVariance * m.inverse()                                 // (d, d)
        let asm = a * s                                                               // (d, D) A S
        let h = asm.timesTranspose(a) + sigma                                         // (d, d)
        let hFactor = try Cholesky(of: h)
        let best = hFactor.solve(asm.timesTranspose(asm))                             // H⁻¹ A S² Aᵀ
        let sigma2 = (s.trace - best.trace) / dim
        let logDetSigma = try Cholesky(of: sigma).logDeterminant
        return -0.5 * dim * (1 + log(2 * Double.pi * sigma2)) + 0.5 * (Double(d) - h.trace + logDetSigma)
    }
}
