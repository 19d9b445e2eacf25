// VAELesson+PerPoint — steps 3–4: per-point variational inference at the probes, and the two gradient estimators.
//
// Step 3 (Blei, Kucukelbir & McAuliffe 2017, §2–4; Bishop PRML §10.1): for one observation x and q = N(m, s²),
//   ELBO(m, log s) = E_q[log p(x|z) + log p(z)] + H[q] = log p(x) − KL(q ‖ p(z|x)),
// a smooth function of two numbers. Its maximiser q* over Gaussians is found by Adam on the exact gradient
// (`fitGaussianVariational`, E over ξ = (z − m)/s by a trapezoid rule), at each probe of the nonlinear lesson: A
// (narrow posterior), B (two equal modes), C (skewed). The gap log p(x) − ELBO(q*) is KL(q* ‖ p(z|x)), computed
// again on its own z-grid. At B the ascent is mode seeking: KL(q ‖ p) is zero-forcing (q is charged log q/p wherever
// p is small), so q* sits on one mode, and of its gap −log π (π the posterior mass on q*'s side, ½ at B) is the
// missing mode, the rest the shape of the mode it covers: KL(q ‖ p) = −log π + KL(q ‖ p_side) when q has no mass
// across the split.
//
// Step 4 (Kingma & Welling 2014, §2.4; Williams 1992; Mohamed, Rosca, Figurnov & Mnih 2020, §4–5): at one probe and
// one q away from the optimum, the reparameterisation and the score-function (REINFORCE, no baseline) estimators of
// ∇ELBO in (m, log s) (`ELBOGradientEstimators.swift`): the variance of their S-sample means against S, with the
// 1/S law v/S (v the per-sample variance, by quadrature), and both means against the exact gradient (`elboGradient`).

import Foundation
import LessonKit
import LinearAlgebra
import Models

/// Step 3's result, for steps 4 and 7: the per-point optimal Gaussian q* at each probe (A, B, C) and log p(x) there.
struct PerPointFits {
    let optimal: [VariationalGaussian]     // one per probe, the best ELBO found
    let logMarginals: [Double]             // log p(x) at each probe, reference rule
    let optimalELBOs: [Double]             // ELBO(q*) at each probe, by `standardRule` (elboRulePoints; nats)
}

/// A point of step 3's ascent: q = N(m, s²) and ELBO(q) by the ascent's rule (nats).
struct PerPointStep {
    let mean: [Double]
    let logStandardDeviations: [Double]
    let elbo: Double
    var standardDeviations: [Double] { logStandardDeviations.map(exp) }
    func gaussian() throws -> VariationalGaussian { try VariationalGaussian(mean: mean, standardDeviations: standardDeviations) }
}

/// Step 3's rules for E_{N(0,1)}: trapezoid in ξ on ±8 with (n₀ − 1)·2ʲ + 1 nodes, j = 0…5 (n₀ =
/// `variationalRulePoints`); `rule(for: s)` is the coarsest whose spacing in z, 16 s/(n − 1), is at most
/// `variationalZSpacing` (the finest beyond). A fixed coarse rule would alias at large s — the ascents at B pass
/// through s ≈ 4 — and can make a spurious optimum there.
struct PerPointRules {
    let rules: [LatentQuadrature]
    let zSpacing: Double
    init(_ s: VAESettings) throws {
        rules = try (0...5).map { j in
            try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: (s.variationalRulePoints - 1) << j + 1, dimension: 1)
        }
        zSpacing = s.variationalZSpacing
    }
    func rule(for sd: Double) -> LatentQuadrature {
        rules.first { 16 * sd / Double($0.count - 1) <= zSpacing } ?? rules[rules.count - 1]
    }
}

/// One probe of step 3: its posterior on the z-grid, the ascents from its starts, and the ELBO surface around them.
struct PerPointProbe {
    let probe: PosteriorProbe
    let logPx: Double
    let posterior: GriddedPosterior
    let paths: [[PerPointStep]]    // one per start; the last point is where it ends
    let best: Int                          // the path whose end has the highest ELBO: q*
    let endELBOs: [Double]                 // ELBO at each path's end, by the lesson's fine rule (`standardRule`)
    let means: [Double]                    // (surface columns) m
    let log10SDs: [Double]                 // (surface rows) log₁₀ s
    let gaps: [Double]                     // (rows × columns, s-major) log p(x) − ELBO(N(m, s²))
}

extension VAELesson {
    /// The starts of step 3's ascents at a probe: s = 1 and m = 0 (the prior) at A and C; at B m = split ∓ 1, one on
    /// each side of the valley between the two modes.
    static func perPointStarts(_ probe: PosteriorProbe, split: Double) -> [Double] {
        probe.name == "B" ? [split - 1, split + 1] : [0]
    }

    /// Step 3's ascent from N(m₀, 1): Adam on ELBO(m, log s) with the exact gradient (`elboGradient`), E over ξ by
    /// the rule of `rules` for the current s; `variationalSteps` steps of size α, then `variationalPolishSteps` of
    /// size α/10 by a fresh Adam (its steps near the optimum shrink with α). The path holds every point, the start
    /// first.
    static func ascent(_ model: NonlinearLVM, x: [Double], start m0: Double, rules: PerPointRules, _ s: VAESettings) throws
        -> [PerPointStep] {
        var theta = [m0, 0.0]                                                                           // m, log s
        var adam = Adam(parameterCount: 2, learningRate: s.variationalLearningRate)
        let total = s.variationalSteps + s.variationalPolishSteps
        var path: [PerPointStep] = []
        path.reserveCapacity(total + 1)
        for step in 0...total {
            let g = try model.elboGradient(x, mean: [theta[0]], logStandardDeviations: [theta[1]],
                                           standardRule: rules.rule(for: exp(theta[1])))
            path.append(PerPointStep(mean: [theta[0]], logStandardDeviations: [theta[1]], elbo: g.elbo))
            if step == total { break }
            // the polish restarts Adam: its second moment still remembers the large early gradients
            if step == s.variationalSteps { adam = Adam(parameterCount: 2, learningRate: s.variationalLearningRate / 10) }
            adam.step(&theta, gradient: [-g.mean[0], -g.logStandardDeviations[0]])                     // descent on −ELBO
        }
        return path
    }

    /// The KL check's own z-grid for q = N(m, s²): trapezoid with spacing ≤ 0.0025 on ±max(8, |m| + 10s).
    static func klGrid(mean m: Double, sd s: Double) throws -> LatentQuadrature {
        let half = max(8, abs(m) + 10 * s)
        return try LatentQuadrature.trapezoid(halfWidth: half, pointsPerDimension: Int((2 * half / 0.0025).rounded(.up)) + 1,
                                              dimension: 1)
    }

    /// Step 3 — per-point VI: the ELBO surface over (m, log s), gradient ascent on it, mode seeking at B.
    func perPointInference(_ arc: ArcSetting, _ s: VAESettings, _ page: inout LessonRecorder) throws -> PerPointFits {
        let model = arc.decoder
        let rules = try PerPointRules(s)                    // the ascent's
        let fine = try Self.standardRule(s)                 // the ELBO of each end, for the gap
        let surfaceRule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: s.surfaceRulePoints, dimension: 1)
        let zValues = EvenGrid.values(-8...8, count: 3201)                                              // (G)
        let zColumn = Matrix(rows: zValues.count, columns: 1, elements: zValues)                        // (G, 1)
        var probes: [PerPointProbe] = []
        var entries: [JSONValue] = [], stationarity: [Double] = []
        for p in arc.probes {
            let row = Matrix([p.x])                                                                     // (1, 2)
            let logPx = try arc.logMarginal(model, at: p.x)
            let posterior = GriddedPosterior(logJoint: try model.logJoint(row, latent: zColumn).elements, grid: zValues)
            let starts = Self.perPointStarts(p, split: arc.split)
            let paths = try starts.map { m0 in try Self.ascent(model, x: p.x, start: m0, rules: rules, s) }
            var ascents: [JSONValue] = [], endELBOs: [Double] = []
            for (k, path) in paths.enumerated() {
                guard let end = path.last else { continue }
                let q = try end.gaussian()
                let (m, logS) = (end.mean[0], end.logStandardDeviations[0])
                let elboAtEnd = try model.elbo(p.x, q: q, standardRule: fine).value
                let grid = try Self.klGrid(mean: m, sd: exp(logS))
                let kl = try ELBO.klToPosterior(q: q, grid: grid, logJoint: try model.logJoint(row, latent: grid.nodes).elements)
                page.check("per_point.gap_is_kl.\(p.name).\(k + 1)",
                           method: "expected: log p(x) − ELBO(q) at \(p.name) for the end of ascent \(k + 1) (log p(x) by the reference rule, ELBO by the \(s.elboRulePoints)-node trapezoid rule in (z − m)/s on ±8); computed: KL(q ‖ p(z|x)) on its own trapezoid z-grid (spacing ≤ 0.0025 on ±max(8, |m| + 10s)), p(z|x) normalised on it; relative tolerance 10⁻⁴, a fifth of the half unit in the third significant digit the page shows the gap with",
                           expected: logPx - elboAtEnd, computed: kl, tolerance: 1e-4, relative: true)
                // Stationarity by central differences of the ELBO through `NonlinearLVM.elbo` (prior term in closed
                // form, the ascent's rule), not the gradient the ascent used.
                let h = 1e-4
                let rule = rules.rule(for: exp(logS))
                func elbo(_ m: Double, _ logS: Double) throws -> Double {
                    try model.elbo(p.x, q: try VariationalGaussian(mean: [m], standardDeviations: [exp(logS)]), standardRule: rule).value
                }
                let dm = (try elbo(m + h, logS) - elbo(m - h, logS)) / (2 * h)
                let ds = (try elbo(m, logS + h) - elbo(m, logS - h)) / (2 * h)
                page.check("per_point.stationary.\(p.name).\(k + 1)",
                           method: "expected: 0; computed: max(|∂ELBO/∂m|, |∂ELBO/∂log s|) at the end of ascent \(k + 1) at \(p.name), by central differences (h = 10⁻⁴) of the ELBO (prior term in closed form) with the ascent's rule at its final s; tolerance 10⁻³ nats per unit, the ascent's convergence criterion",
                           expected: 0, computed: max(abs(dm), abs(ds)), tolerance: 1e-3)
                stationarity.append(max(abs(dm), abs(ds)))
                ascents.append(["start_mean": .number(starts[k]), "start_sd": .number(1), "mean": .number(m),
                                "sd": .number(exp(logS)), "elbo": .number(elboAtEnd), "gap": .number(logPx - elboAtEnd),
                                "kl": .number(kl), "steps": .integer(path.count - 1)])
                endELBOs.append(elboAtEnd)
            }
            let best = endELBOs.indices.max { endELBOs[$0] < endELBOs[$1] }!
            let (means, log10SDs) = Self.surfaceAxes(paths: paths, posterior: posterior, s: s)
            var gaps: [Double] = []                                                                     // s-major
            gaps.reserveCapacity(means.count * log10SDs.count)
            for l in log10SDs { for m in means {
                let q = try VariationalGaussian(mean: [m], standardDeviations: [pow(10, l)])
                gaps.append(logPx - (try model.elbo(p.x, q: q, standardRule: surfaceRule).value))
            } }
            let end = paths[best].last!
            entries.append(["name": .string(p.name), "x": .numbers(p.x), "where": .string(p.description),
                            "log_px": .number(logPx), "q_mean": .number(end.mean[0]), "q_sd": .number(end.standardDeviations[0]),
                            "elbo": .number(endELBOs[best]), "gap": .number(logPx - endELBOs[best]),
                            "posterior_mean": .number(posterior.mean), "posterior_sd": .number(posterior.sd),
                            "posterior_modes": .integer(posterior.modes.count), "best_ascent": .integer(best + 1),
                            "ascents": .array(ascents)])
            probes.append(PerPointProbe(probe: p, logPx: logPx, posterior: posterior, paths: paths, best: best, endELBOs: endELBOs,
                                        means: means, log10SDs: log10SDs, gaps: gaps))
        }
        try recordPerPoint(probes, arc: arc, zValues: zValues, entries: entries, stationarity: stationarity, s, &page)
        return PerPointFits(optimal: try probes.map { try $0.paths[$0.best].last!.gaussian() },
                            logMarginals: probes.map(\.logPx),
                            optimalELBOs: probes.map { $0.endELBOs[$0.best] })
    }

    /// The axes of a probe's ELBO surface: m over every point of its ascents and the posterior's mean, log₁₀ s from
    /// below the narrowest q on them to above the widest and the posterior's sd, each padded.
    static func surfaceAxes(paths: [[PerPointStep]], posterior: GriddedPosterior, s: VAESettings)
        -> (means: [Double], log10SDs: [Double]) {
        let ms = paths.flatMap { $0.map { $0.mean[0] } } + [posterior.mean]
        let ls = paths.flatMap { $0.map { $0.logStandardDeviations[0] / log(10) } } + [log10(posterior.sd)]
        let (mLow, mHigh) = (ms.min()!, ms.max()!)
        let pad = 0.15 * (mHigh - mLow) + 0.1
        let (lLow, lHigh) = (ls.min()!, ls.max()!)
        return (EvenGrid.values((mLow - pad)...(mHigh + pad), count: s.elboSurface.means),
                EvenGrid.values((lLow - 0.4)...(lHigh + 0.25), count: s.elboSurface.logSDs))
    }

    /// Step 3's values, the missing-mode split at B, and its two figures.
    private func recordPerPoint(_ probes: [PerPointProbe], arc: ArcSetting, zValues: [Double], entries: [JSONValue],
                                stationarity: [Double], _ s: VAESettings, _ page: inout LessonRecorder) throws {
        let model = arc.decoder
        // At B: the gap of each end = −log π (the mass on its side it leaves out) + KL(q ‖ p restricted to its side).
        var bEnds: [JSONValue] = []
        if let b = probes.first(where: { $0.probe.name == "B" }) {
            let row = Matrix([b.probe.x])
            for (k, path) in b.paths.enumerated() {
                guard let end = path.last else { continue }
                let (m, sd) = (end.mean[0], end.standardDeviations[0])
                let left = m < arc.split                                                              // q's side
                let grid = try Self.klGrid(mean: m, sd: sd)
                let joint = try model.logJoint(row, latent: grid.nodes).elements
                let split = Self.splitKL(q: try end.gaussian(), grid: grid, logJoint: joint, split: arc.split, left: left)
                let gap = b.logPx - b.endELBOs[k]
                let beyond = 0.5 * erfc(abs(m - arc.split) / (sd * 2.0.squareRoot()))
                if beyond < 1e-9 {     // the split is exact only when q has (next to) no mass across it
                    page.check("per_point.missing_mode.B.\(k + 1)",
                               method: "expected: log p(x) − ELBO(q) at B for the end of ascent \(k + 1) (as in per_point.gap_is_kl.B.\(k + 1)); computed: −log π + KL(q ‖ p(z|x, z on q's side)) on the KL check's z-grid, π the posterior mass on q's side of the split, the restricted posterior renormalised there (the two parts of the gap, exact up to q's mass across the split, here below 10⁻⁹); relative tolerance 10⁻⁴",
                               expected: gap, computed: split.missing + split.shape, tolerance: 1e-4, relative: true)
                }
                bEnds.append(["side": .string(left ? "z < split" : "z > split"), "gap": .number(gap),
                              "side_mass": .number(split.sideMass), "missing_mode": .number(split.missing),
                              "shape": .number(split.shape), "missing_share": .number(split.missing / gap),
                              "q_mass_beyond_split": .number(beyond)])
            }
        }
        page.group("per_point") { page in
            page.value("points", JSONValue.array(entries),
                       "per-point variational inference at A, B, C: log p(x), the best Gaussian q* = N(m, s²), ELBO(q*) and its gap",
                       .vaeQuadratureELBO(points: s.elboRulePoints))
            for (i, p) in probes.enumerated() {
                let path = "points.\(i)", n = p.probe.name
                page.label(path + ".log_px", "log p(x) at \(n)", .vaeExactLogMarginal)
                page.label(path + ".q_mean", "mean m of q* at \(n)")
                page.label(path + ".q_sd", "standard deviation s of q* at \(n)")
                page.label(path + ".elbo", "ELBO(q*) at \(n)", .vaeQuadratureELBO(points: s.elboRulePoints))
                page.label(path + ".gap", "gap log p(x) − ELBO(q*) at \(n)", .vaeGapIsKL)
                page.label(path + ".posterior_mean", "posterior mean E[z|x] at \(n) (z-grid)")
                page.label(path + ".posterior_sd", "posterior standard deviation at \(n) (z-grid)")
                for (k, _) in p.paths.enumerated() {
                    let a = path + ".ascents.\(k)"
                    page.label(a + ".start_mean", "start m of ascent \(k + 1) at \(n)")
                    page.label(a + ".mean", "end m of ascent \(k + 1) at \(n)")
                    page.label(a + ".sd", "end s of ascent \(k + 1) at \(n)")
                    page.label(a + ".elbo", "ELBO at the end of ascent \(k + 1) at \(n)", .vaeQuadratureELBO(points: s.elboRulePoints))
                    page.label(a + ".gap", "gap log p(x) − ELBO at the end of ascent \(k + 1) at \(n)", .vaeGapIsKL)
                    page.label(a + ".kl", "KL(q ‖ p(z|x)) at the end of ascent \(k + 1) at \(n), own z-grid", .vaeKLOnItsOwnGrid)
                }
            }
            page.value("b_ends", JSONValue.array(bEnds), "at B: each end's gap split into the missing mode and the shape of its own mode",
                       .vaeMissingMode)
            for k in bEnds.indices {
                page.label("b_ends.\(k).gap", "gap log p(x) − ELBO of ascent \(k + 1)'s end at B", .vaeGapIsKL)
                page.label("b_ends.\(k).side_mass", "posterior mass on the side of ascent \(k + 1)'s end at B", .vaeSideOfTheSplit(split: arc.split))
                page.label("b_ends.\(k).missing_mode", "missing-mode part −log π of the gap of ascent \(k + 1) at B", .vaeMissingMode)
                page.label("b_ends.\(k).shape", "shape part KL(q ‖ p on its side) of the gap of ascent \(k + 1) at B", .vaeShapeOfOneMode)
                page.label("b_ends.\(k).missing_share", "share of the gap of ascent \(k + 1) at B that is the missing mode")
                page.label("b_ends.\(k).q_mass_beyond_split", "mass of ascent \(k + 1)'s q beyond the split at B")
            }
            page.value("log_two", log(2.0), "log 2: the gap of a q that covers one of two equal modes perfectly")
            page.value("steps", s.variationalSteps, "Adam steps of each ascent at step size α", .vaeAdamOnMeanAndLogSD)
            page.value("polish_steps", s.variationalPolishSteps, "further Adam steps at step size α/10", .vaeAdamOnMeanAndLogSD)
            page.value("learning_rate", s.variationalLearningRate, "Adam step size α on (m, log s)", .vaeAdamOnMeanAndLogSD)
            page.value("rule_points", s.variationalRulePoints, "fewest trapezoid nodes in ξ for the ascent's ELBO and gradient")
            page.value("z_spacing", s.variationalZSpacing, "largest spacing s·h in z of the ascent's nodes")
            page.value("fine_rule_points", s.elboRulePoints, "trapezoid nodes in ξ for the ELBO of each end")
            page.value("surface_rule_points", s.surfaceRulePoints, "trapezoid nodes in ξ for the ELBO surfaces")
            page.value("surface_size", s.elboSurface.means * s.elboSurface.logSDs, "Gaussians q on each ELBO surface")
            page.value("split", arc.split, "the split in z between the curve's two ends")
            page.value("max_derivative_at_ends", stationarity.max() ?? .nan,
                       "largest |∂ELBO/∂m|, |∂ELBO/∂log s| at the ends of the ascents", .vaeCentralDifferences)
        }
        page.figure("vi-surfaces", VAEFiguresPerPoint.surfaces(probes))
        page.figure("vi-fits", VAEFiguresPerPoint.fits(probes, z: zValues))
    }

    /// KL(q ‖ p(z|x)) split at B into the missing mode −log π and KL(q ‖ p_side), p_side the posterior on q's side
    /// of the split, renormalised — on `grid` (trapezoid weights with the prior density folded in, removed here).
    static func splitKL(q: VariationalGaussian, grid: LatentQuadrature, logJoint: [Double], split: Double, left: Bool)
        -> (sideMass: Double, missing: Double, shape: Double) {
        let area: [Double] = (0..<grid.count).map { grid.logWeights[$0] - StandardNormal.logDensity(grid.nodes[$0, 0]) }
        let onSide: [Bool] = (0..<grid.count).map { left ? grid.nodes[$0, 0] < split : grid.nodes[$0, 0] > split }
        let logEvidence = LatentQuadrature.logSumExp(zip(area, logJoint).map(+))
        let logSide = LatentQuadrature.logSumExp((0..<grid.count).filter { onSide[$0] }.map { area[$0] + logJoint[$0] })
        let logQ = q.logDensities(grid.nodes)
        var shape = 0.0
        for i in 0..<grid.count where onSide[i] {
            let w = exp(area[i] + logQ[i])
            if w > 0 { shape += w * (logQ[i] - (logJoint[i] - logSide)) }
        }
        return (exp(logSide - logEvidence), logEvidence - logSide, shape)
    }
}

// MARK: - Step 4

/// Step 4's measurements for one estimator: per S, the variance over the repeats of each component of ḡ.
struct GradientEstimatorRun {
    let name: String
    let variances: [[Double]]          // (S counts) × (2) variance over repeats of ḡ_m, ḡ_log s, 1/(R − 1)
    let perSampleVariance: [Double]    // (2) v by quadrature
    let largestMean: [Double]          // (2) mean over repeats of ḡ at the largest S
    let largestStandardError: [Double] // (2) its standard error over the repeats
    let pooledSampleVariance: [Double] // (2) mean over repeats of the within-repeat sample variance at the largest S
    let pooledStandardError: [Double]  // (2) its standard error over the repeats
}

extension VAELesson {
    /// The probe and q of step 4: A and the prior N(0, 1), the start of step 3's ascent there (its gradient is far
    /// from 0).
    static let gradientProbe = "A"
    static let gradientQ = (mean: 0.0, logSD: 0.0)

    /// Per-sample mean and variance of both estimators' gᵢ at q = N(m, s²), by `rule` in ξ: reparameterisation
    /// g = (ℓ'(z), sξℓ'(z) + 1); score function g = (f − b)(ξ/s, ξ² − 1), f = ℓ − log q; z = m + sξ.
    static func perSampleMoments(_ model: NonlinearLVM, x: [Double], mean m: Double, logSD: Double, baseline b: Double,
                                 rule: LatentQuadrature) throws
        -> (reparameterisation: (mean: [Double], variance: [Double]), scoreFunction: (mean: [Double], variance: [Double])) {
        let s = exp(logSD)
        let xi = rule.nodes.elements
        let z = Matrix(rows: xi.count, columns: 1, elements: xi.map { m + s * $0 })
        let joint = try model.logJoint(Matrix([x]), latent: z).elements
        let gradient = model.logJointGradient(x, latent: z).elements
        var rp = [[Double]](repeating: [0, 0], count: 2), sf = [[Double]](repeating: [0, 0], count: 2)   // [Σwg, Σwg²]
        for i in 0..<xi.count {
            let w = exp(rule.logWeights[i])
            let logQ = -0.5 * xi[i] * xi[i] - logSD - 0.5 * log(2 * Double.pi)
            let f = joint[i] - logQ - b
            let r = [gradient[i], s * xi[i] * gradient[i] + 1]
            let g = [f * xi[i] / s, f * (xi[i] * xi[i] - 1)]
            for c in 0..<2 {
                rp[c][0] += w * r[c]; rp[c][1] += w * r[c] * r[c]
                sf[c][0] += w * g[c]; sf[c][1] += w * g[c] * g[c]
            }
        }
        return ((rp.map { $0[0] }, rp.map { $0[1] - $0[0] * $0[0] }), (sf.map { $0[0] }, sf.map { $0[1] - $0[0] * $0[0] }))
    }

    /// Step 4 — reparameterisation against score-function gradients: variance against S, both unbiased.
    func gradientEstimators(_ arc: ArcSetting, _ perPoint: PerPointFits, _ s: VAESettings, _ streams: VAEStreams,
                            _ page: inout LessonRecorder) throws {
        let model = arc.decoder
        guard let i = arc.probes.firstIndex(where: { $0.name == Self.gradientProbe }) else { return }
        let x = arc.probes[i].x
        let (m, logSD) = Self.gradientQ
        let rule = try Self.standardRule(s)
        let exact = try model.elboGradient(x, mean: [m], logStandardDeviations: [logSD], standardRule: rule)
        let exactGradient = exact.mean + exact.logStandardDeviations
        let moments = try Self.perSampleMoments(model, x: x, mean: m, logSD: logSD, baseline: 0, rule: rule)
        let withBaseline = try Self.perSampleMoments(model, x: x, mean: m, logSD: logSD, baseline: exact.elbo, rule: rule)
        let counts = s.gradientSampleCounts, repeats = s.gradientRepeats
        var runs: [GradientEstimatorRun] = []
        for estimator in VAEStreams.gradientEstimators {
            var variances: [[Double]] = []
            var last: [ELBOGradientEstimate] = []
            for count in counts {
                var random = streams.generator(VAEStreams.gradients(estimator, samples: count))
                let estimates = try (0..<repeats).map { _ in
                    estimator == VAEStreams.reparameterisation
                        ? try model.reparameterisationGradientEstimate(x, mean: [m], logStandardDeviations: [logSD],
                                                                       samples: count, using: &random)
                        : try model.scoreFunctionGradientEstimate(x, mean: [m], logStandardDeviations: [logSD],
                                                                  samples: count, using: &random)
                }
                variances.append((0..<2).map { c in Self.meanAndVariance(estimates.map { $0.gradient[c] }).variance })
                last = estimates
            }
            let means = (0..<2).map { c in Self.meanAndVariance(last.map { $0.gradient[c] }) }
            let pooled = (0..<2).map { c in Self.meanAndVariance(last.map { $0.sampleVariance[c] }) }
            let r = Double(repeats)
            runs.append(GradientEstimatorRun(
                name: estimator, variances: variances,
                perSampleVariance: estimator == VAEStreams.reparameterisation ? moments.reparameterisation.variance
                                                                             : moments.scoreFunction.variance,
                largestMean: means.map(\.mean), largestStandardError: means.map { ($0.variance / r).squareRoot() },
                pooledSampleVariance: pooled.map(\.mean), pooledStandardError: pooled.map { ($0.variance / r).squareRoot() }))
        }
        let largest = counts.last!
        let components = ["m", "log_s"], symbols = ["∂/∂m", "∂/∂log s"]
        for run in runs {
            let title = run.name == VAEStreams.reparameterisation ? "reparameterisation" : "score-function"
            for c in 0..<2 {
                page.check("gradient_variance.unbiased.\(run.name).\(components[c])",
                           method: "expected: the exact \(symbols[c]) ELBO at \(Self.gradientProbe), q = N(0, 1), by the \(s.elboRulePoints)-node trapezoid rule in ξ (elboGradient); computed: the \(title) estimate, the mean over \(repeats) repeats of S = \(largest) draws; tolerance 4 standard errors over the repeats",
                           expected: exactGradient[c], computed: run.largestMean[c], tolerance: 4 * run.largestStandardError[c])
                page.check("gradient_variance.per_sample.\(run.name).\(components[c])",
                           method: "expected: the per-sample variance v of the \(title) estimator's \(symbols[c]) term at \(Self.gradientProbe), q = N(0, 1), E[g²] − (E g)² by the \(s.elboRulePoints)-node trapezoid rule in ξ; computed: the within-repeat sample variance (1/(S − 1)) at S = \(largest), averaged over \(repeats) repeats; tolerance 4 standard errors over the repeats",
                           expected: run.perSampleVariance[c], computed: run.pooledSampleVariance[c],
                           tolerance: 4 * run.pooledStandardError[c])
            }
        }
        // The quoted S: the variance of the S-sample mean, summed over the two components (the trace).
        let quoted = s.gradientQuotedSamples
        guard let q = counts.firstIndex(of: quoted) else { throw PerPointSettingError.setting("gradientQuotedSamples \(quoted) is not one of gradientSampleCounts") }
        let (rp, sf) = (runs[0], runs[1])
        let trace = { (run: GradientEstimatorRun) in run.variances[q].reduce(0, +) }
        let exactTrace = { (run: GradientEstimatorRun) in run.perSampleVariance.reduce(0, +) / Double(quoted) }
        page.group("gradient_variance") { page in
            let repeatsConvention = Convention.vaeVarianceOverRepeats(repeats: repeats)
            page.value("samples", quoted, "S, the number of draws in each estimate compared")
            page.value("reparameterization", trace(rp), "variance of the reparameterisation estimate of ∇ELBO at S draws", repeatsConvention)
            page.value("score_function", trace(sf), "variance of the score-function estimate of ∇ELBO at S draws", repeatsConvention)
            page.value("ratio", trace(sf) / trace(rp), "score-function variance / reparameterisation variance at S draws", repeatsConvention)
            page.value("reparameterization_exact", exactTrace(rp), "variance of the reparameterisation estimate at S draws, v/S by quadrature",
                       .vaePerSampleVariance)
            page.value("score_function_exact", exactTrace(sf), "variance of the score-function estimate at S draws, v/S by quadrature",
                       .vaePerSampleVariance)
            page.value("ratio_exact", exactTrace(sf) / exactTrace(rp), "score-function / reparameterisation variance, by quadrature",
                       .vaePerSampleVariance)
            page.value("convention", "variance of the S-sample mean ḡ over independent repeats (1/(R − 1)), summed over ∂/∂m and ∂/∂log s; natural log; probe A, q = N(0, 1)",
                       "what the variances stand for")
            page.value("probe", Self.gradientProbe, "probe point of step 4")
            page.value("q_mean", m, "mean of q in step 4")
            page.value("q_sd", exp(logSD), "standard deviation of q in step 4")
            page.value("sample_counts", counts, "sample counts S")
            page.value("repeats", repeats, "independent repeats per S")
            page.value("largest_samples", largest, "the largest S")
            page.value("exact_gradient", exactGradient, "exact gradient (∂/∂m, ∂/∂log s) of the ELBO", .vaeGradientComponents)
            page.label("exact_gradient.0", "exact ∂ELBO/∂m at q", .vaeGradientComponents)
            page.label("exact_gradient.1", "exact ∂ELBO/∂log s at q", .vaeGradientComponents)
            page.value("elbo", exact.elbo, "ELBO(q) at A for q = N(0, 1)", .vaeQuadratureELBO(points: s.elboRulePoints))
            for (run, key) in [(rp, "reparameterization_detail"), (sf, "score_function_detail")] {
                let title = run.name == VAEStreams.reparameterisation ? "reparameterisation" : "score-function"
                page.value(key, ["per_sample_variance": .numbers(run.perSampleVariance),
                                 "mean_at_largest": .numbers(run.largestMean),
                                 "standard_error_at_largest": .numbers(run.largestStandardError),
                                 "variance_m": .numbers(run.variances.map { $0[0] }),
                                 "variance_log_s": .numbers(run.variances.map { $0[1] })] as JSONValue,
                           "\(title) estimator: per-sample variances, means at the largest S, variances against S")
                for c in 0..<2 {
                    page.label("\(key).per_sample_variance.\(c)", "per-sample variance v of the \(title) \(symbols[c]) term", .vaePerSampleVariance)
                    page.label("\(key).mean_at_largest.\(c)", "\(title) estimate of \(symbols[c]) ELBO at the largest S, mean over the repeats")
                    page.label("\(key).standard_error_at_largest.\(c)", "its standard error over the repeats", .vaeFourStandardErrors)
                }
            }
            page.value("baseline", exact.elbo, "baseline b = ELBO(q), fixed before the draws (quadrature)")
            page.value("baseline_per_sample_variance", withBaseline.scoreFunction.variance.reduce(0, +),
                       "per-sample variance of the score-function estimator with baseline b, summed over both components",
                       .vaePerSampleVariance)
            page.value("baseline_ratio", withBaseline.scoreFunction.variance.reduce(0, +) / rp.perSampleVariance.reduce(0, +),
                       "score-function variance with baseline b / reparameterisation variance", .vaePerSampleVariance)
            page.value("baseline_reduction", sf.perSampleVariance.reduce(0, +) / withBaseline.scoreFunction.variance.reduce(0, +),
                       "score-function variance without / with the baseline b", .vaePerSampleVariance)
        }
        page.figure("gradient-variance", VAEFiguresPerPoint.gradientVariance(counts: counts, reparameterisation: rp, scoreFunction: sf,
                                                                            repeats: repeats))
    }

    /// Mean and 1/(n − 1) variance, two passes in order.
    static func meanAndVariance(_ v: [Double]) -> (mean: Double, variance: Double) {
        let n = Double(v.count)
        let mean = v.reduce(0, +) / n
        return (mean, v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1))
    }
}

/// A setting of the VAE lesson that cannot work.
enum PerPointSettingError: Error, CustomStringConvertible {
    case setting(String)
    var description: String {
        switch self { case .setting(let s): return "VAE lesson settings: " + s }
    }
}

extension VAEStreams {
    /// Step 4's estimators, in the order they run; each S of each has its own stream.
    static let reparameterisation = "reparameterisation"
    static let scoreFunction = "score_function"
    static let gradientEstimators = [reparameterisation, scoreFunction]
    static func gradients(_ estimator: String, samples: Int) -> String { "\(gradients)/\(estimator)/S=\(samples)" }
}
