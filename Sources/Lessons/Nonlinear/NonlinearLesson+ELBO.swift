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
