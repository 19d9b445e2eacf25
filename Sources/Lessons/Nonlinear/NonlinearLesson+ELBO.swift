// NonlinearLesson+ELBO — step 7: for any density q(z) (Kingma & Welling 2014, eq. 1–3; Bishop PRML §10.1),
//   log p(x) = ELBO(q) + KL(q ‖ p(z|x)),   ELBO(q) = E_q[log p(x|z) + log p(z) − log q(z)] ≤ log p(x),
// with equality exactly when q is the posterior. Three routes on three grids — log p(x) by the reference rule, the
// ELBO by a rule under q, the KL on a dense grid of z — so the identity checks them against each other.

import Foundation
import LessonKit
import LinearAlgebra
import Models

extension NonlinearLesson {
    /// Step 7 — the ELBO and its gap for each Gaussian q of `gaussians(at:)` at A, B, C; log p(x) − ELBO(q) =
    /// KL(q ‖ p(z|x)) is checked for every one.
    func elboInOnePicture(_ fit: ArcFit, _ at: ProbePosteriors, _ page: inout LessonRecorder) throws {
        let model = fit.trained
        let standard = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 801, dimension: 1)   // E_N(0,1)
        var examples: [JSONValue] = [], mismatches: [Double] = []
        var shownAtB: [ELBOExample] = []
        var logPxAtB = 0.0
        for (i, p) in at.probes.enumerated() {
            let row = Matrix([p.x])                                                                           // (1, 2)
            let logPx = try model.logMarginals(row, quadrature: fit.referenceRule)[0]
            for (k, (label, q)) in try Self.gaussians(at: i, at, model: model).enumerated() {
                let elbo = try model.elbo(p.x, q: q, standardRule: standard).value
                // the KL grid covers both the posterior (inside ±8) and q (mean ± 10 sd), with spacing ≤ 0.0025
                let (mean, sd) = q.meanAndSD
                let half = max(8, abs(mean) + 10 * sd)
                let klGrid = try LatentQuadrature.trapezoid(halfWidth: half, pointsPerDimension: Int((2 * half / 0.0025).rounded(.up)) + 1,
                                                            dimension: 1)
                let kl = try ELBO.klToPosterior(q: q, grid: klGrid, logJoint: try model.logJoint(row, latent: klGrid.nodes).elements)
                page.check("elbo.gap_is_kl.\(p.name).\(k + 1)",
                           method: "expected: log p(x) − ELBO(q) at \(p.name) for q\(k + 1) = \(label) (log p(x) by the reference rule, ELBO by an 801-node trapezoid rule in (z − m)/s on ±8); computed: KL(q ‖ p(z|x)) on its own trapezoid z-grid (spacing ≤ 0.0025 on ±max(8, |m| + 10s)), p(z|x) normalised on it; relative tolerance 10⁻⁴, a fifth of the half unit in the third significant digit the page shows KL with",
                           expected: logPx - elbo, computed: kl, tolerance: 1e-4, relative: true)
                let path = "elbo_gap_examples.\(examples.count)"
                page.label(path + ".log_px", "log p(x) at \(p.name)", .threeELBORoutes)
                page.label(path + ".elbo", "ELBO(q) at \(p.name), q = \(label)", .threeELBORoutes)
                page.label(path + ".kl", "KL(q ‖ p(z|x)) at \(p.name), q = \(label)", .threeELBORoutes)
                examples.append(["point": .string(p.name), "x": .numbers(p.x), "q": .string(label),
                                 "q_mean": .number(mean), "q_sd": .number(sd), "log_px": .number(logPx),
                                 "elbo": .number(elbo), "kl": .number(kl), "gap_minus_kl": .number(logPx - elbo - kl)])
                mismatches.append(abs(logPx - elbo - kl))
                if p.name == "B" && !label.hasSuffix("shifted") {
                    shownAtB.append(ELBOExample(label: label, mean: mean, sd: sd, elbo: elbo, kl: kl))
                }
            }
            if p.name == "B" { logPxAtB = logPx }
        }
        page.value("elbo_gap_examples", JSONValue.array(examples),
                   "ELBO examples: log p(x), ELBO(q), KL(q ‖ p(z|x)) for Gaussian q at A, B, C", .threeELBORoutes)
        page.group("elbo") { page in
            page.value("max_gap_minus_kl", mismatches.max() ?? .nan, "largest |log p(x) − ELBO − KL| over the examples",
                       .threeRoutesAgree)
            page.value("log_two", log(2.0), "log 2: the gap of a q that covers one of two equal modes exactly")
            page.value("figure_q_count", shownAtB.count, "Gaussian q drawn at B in the figure")
            if let laplace = shownAtB.first {
                page.value("bimodal_laplace_gap", logPxAtB - laplace.elbo, "gap log p(x) − ELBO for the Laplace q at B (two modes)",
                           .halfOfTwoModes)
            }
        }
        page.figure("elbo-gap", NonlinearFigures.elboGap(z: at.z, posterior: at.posteriors[1].density, halfWidth: at.halfWidth,
                                                         examples: shownAtB, logPx: logPxAtB))
    }

    /// The Gaussian q compared at probe i, with their labels: with ẑ, s the Laplace mode and standard deviation,
    /// N(ẑ, s²), N(ẑ, (2s)²), N(ẑ + 2s, s²) and N(E[z|x], Var[z|x]); at B also the Laplace q of the other mode (the
    /// best of 161 even candidates on the other side of the split), second.
    static func gaussians(at i: Int, _ at: ProbePosteriors, model: NonlinearLVM) throws -> [(String, VariationalGaussian)] {
        let (p, laplace, posterior) = (at.probes[i], at.laplace[i], at.posteriors[i])
        let s = laplace.covariance[0, 0].squareRoot()
        var gaussians: [(String, VariationalGaussian)] = [
            ("Laplace at ẑ", laplace),
            ("N(ẑ, (2s)²), too wide", try VariationalGaussian(mean: laplace.mean, standardDeviations: [2 * s])),
            ("N(ẑ + 2s, s²), shifted", try VariationalGaussian(mean: [laplace.mean[0] + 2 * s], standardDeviations: [s])),
            ("moment-matched N(E[z|x], Var[z|x])", try VariationalGaussian(mean: [posterior.mean], standardDeviations: [posterior.sd])),
        ]
        if p.name == "B" {
            let otherSide = laplace.mean[0] > at.split ? -at.halfWidth...at.split : at.split...at.halfWidth
            let other = try model.laplaceApproximation(p.x, candidates: EvenGrid.column(otherSide, count: 161))
            gaussians.insert(("Laplace at the other mode", other), at: 1)
        }
        return gaussians
    }
}

extension NonlinearLesson {
    /// Step 8 — maximising the ELBO at B: the gap log p(x) − ELBO(q) = KL(q ‖ p(z|x)) over a grid of q = N(m, s²),
    /// and gradient ascent (Adam on (m, log s), the exact reparameterised gradient of `elboGradient`) from two starts
    /// at s = 1 on either side of the split between the posterior's modes; each lands on the mode on its side.
    func maximisingTheELBO(_ fit: ArcFit, _ at: ProbePosteriors, _ s: NonlinearSettings, _ page: inout LessonRecorder) throws {
        let model = fit.trained
        guard let b = at.probes.firstIndex(where: { $0.name == "B" }) else { return }
        let x = at.probes[b].x
        let row = Matrix([x])                                                                             // (1, 2)
        let logPx = try model.logMarginals(row, quadrature: fit.referenceRule)[0]
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: s.variationalRulePoints, dimension: 1)
        // The map: means over the plotted z-range, log₁₀ s from 0.05 to 5 (the moment-matched s is ≈ 3).
        let means = EvenGrid.values(-6...6, count: s.elboSurface.means)
        let log10SDs = EvenGrid.values(log10(0.05)...log10(5), count: s.elboSurface.logSDs)
        var gaps: [Double] = []                                                                           // s-major
        gaps.reserveCapacity(means.count * log10SDs.count)
        for l in log10SDs { for m in means {
            let q = try VariationalGaussian(mean: [m], standardDeviations: [pow(10, l)])
            gaps.append(logPx - (try model.elbo(x, q: q, standardRule: rule).value))
        } }
        // Two ascents, from N(split − 1, 1) and N(split + 1, 1).
        let starts = [at.split - 1, at.split + 1]
        let paths = try starts.map { m0 in
            try model.fitGaussianVariational(x, mean: [m0], logStandardDeviations: [0], steps: s.variationalSteps,
                                             learningRate: s.variationalLearningRate, standardRule: rule)
        }
        var ends: [JSONValue] = [], stationarity: [Double] = []
        for (k, path) in paths.enumerated() {
            guard let end = path.last else { continue }
            let q = try end.gaussian()
            // the KL grid of step 7: spacing ≤ 0.0025 on ±max(8, |m| + 10s)
            let half = max(8, abs(end.mean[0]) + 10 * end.standardDeviations[0])
            let klGrid = try LatentQuadrature.trapezoid(halfWidth: half, pointsPerDimension: Int((2 * half / 0.0025).rounded(.up)) + 1,
                                                        dimension: 1)
            let kl = try ELBO.klToPosterior(q: q, grid: klGrid, logJoint: try model.logJoint(row, latent: klGrid.nodes).elements)
            page.check("variational.gap_is_kl.\(k + 1)",
                       method: "expected: log p(x) − ELBO(q) at B for the end of ascent \(k + 1) (log p(x) by the reference rule, ELBO by a \(s.variationalRulePoints)-node trapezoid rule in (z − m)/s on ±8); computed: KL(q ‖ p(z|x)) on a trapezoid z-grid of spacing ≤ 0.0025 on ±max(8, |m| + 10s), p(z|x) normalised on it; relative tolerance 10⁻⁴",
                       expected: logPx - end.elbo, computed: kl, tolerance: 1e-4, relative: true)
            // Stationarity, by central differences of the ELBO route of step 7 (closed-form prior term), not the
            // gradient the ascent used: |∂ELBO/∂m| and |∂ELBO/∂log s| ≤ 10⁻³ nats per unit.
            let h = 1e-4
            func elbo(_ m: Double, _ logS: Double) throws -> Double {
                try model.elbo(x, q: try VariationalGaussian(mean: [m], standardDeviations: [exp(logS)]), standardRule: rule).value
            }
            let (m, logS) = (end.mean[0], end.logStandardDeviations[0])
            let dm = (try elbo(m + h, logS) - elbo(m - h, logS)) / (2 * h)
            let ds = (try elbo(m, logS + h) - elbo(m, logS - h)) / (2 * h)
            page.check("variational.stationary.\(k + 1)",
                       method: "expected: 0; computed: max(|∂ELBO/∂m|, |∂ELBO/∂log s|) at the end of ascent \(k + 1), by central differences (h = 10⁻⁴) of step 7's ELBO (prior term in closed form); tolerance 10⁻³ nats per unit, the ascent's convergence criterion",
                       expected: 0, computed: max(abs(dm), abs(ds)), tolerance: 1e-3)
            stationarity.append(max(abs(dm), abs(ds)))
            ends.append(["start_mean": .number(starts[k]), "start_sd": .number(1), "mean": .number(m),
                         "sd": .number(exp(logS)), "elbo": .number(end.elbo), "gap": .number(logPx - end.elbo),
                         "steps": .integer(path.count - 1)])
        }
        let laplace = try Self.gaussians(at: b, at, model: model).prefix(2).map { label, q in
            (label: label, mean: q.meanAndSD.mean, sd: q.meanAndSD.sd, gap: logPx - (try model.elbo(x, q: q, standardRule: rule).value))
        }
        page.value("variational_ascents", JSONValue.array(ends),
                   "gradient ascent on ELBO(m, log s) at B from two starts: where it ends, ELBO and gap", .variationalAscent)
        page.group("variational") { page in
            page.value("log_px", logPx, "log p(x) at B (reference rule)", .naturalLog)
            page.value("steps", s.variationalSteps, "Adam steps of each ascent")
            page.value("learning_rate", s.variationalLearningRate, "Adam step size α on (m, log s)")
            page.value("max_derivative_at_ends", stationarity.max() ?? .nan,
                       "largest |∂ELBO/∂m|, |∂ELBO/∂log s| at the two ends (central differences, h = 10⁻⁴)", .variationalAscent)
            page.value("surface_min_gap", gaps.min() ?? .nan, "smallest gap log p(x) − ELBO on the map's grid", .variationalAscent)
            page.value("laplace_gap", laplace[0].gap, "gap of the Laplace q at the highest mode", .variationalAscent)
            page.value("other_laplace_gap", laplace[1].gap, "gap of the Laplace q at the other mode", .variationalAscent)
            page.value("gain_over_laplace", (paths.compactMap { $0.last?.elbo }.max() ?? .nan) - (logPx - laplace[0].gap),
                       "ELBO(best ascent end) − ELBO(Laplace q at the highest mode)", .variationalAscent)
        }
        page.figure("elbo-surface", NonlinearFigures.elboSurface(
            means: means, log10SDs: log10SDs, gaps: gaps, paths: paths,
            marked: laplace.map { ($0.label, $0.mean, $0.sd) } + [("moment-matched", at.posteriors[b].mean, at.posteriors[b].sd)]))
    }
}
