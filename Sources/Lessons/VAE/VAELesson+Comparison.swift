// VAELesson+Comparison — step 9: the ELBO-trained decoder against the likelihood-trained one, on held-out data.
//
// The arc VAE's decoder was trained on the ELBO, E_q[log p(x|z)] − KL(q ‖ p(z)) = log p(x) − KL(q_φ ‖ p(z|x)); the
// nonlinear lesson's decoder (`arc.decoder`) on log p(x) itself, by quadrature. Both are judged by the exact held-out
// log p(x) (the reference rule), and by how Gaussian their posteriors are: the approximation gap
// log p(x) − ELBO(q*) = KL(q* ‖ p(z|x)), q* the best diagonal Gaussian for each point, which is 0 exactly when the
// posterior is Gaussian. ELBO training pays the KL to the posterior, so it favours decoders whose posteriors the
// Gaussian family fits (Cremer, Li & Duvenaud 2018, §5.3; Kingma & Welling 2014).

import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting

extension VAELesson {
    /// For each row of x, the best diagonal Gaussian found by Adam (on `rule`) from the grid mode (`modeStarts`) and
    /// from the prior; both ends judged, and their ELBO reported, by the accurate `evaluationRule` (natural log).
    static func bestGaussians(_ model: NonlinearLVM, _ x: Matrix, _ s: VAESettings, rule: LatentQuadrature,
                              evaluationRule: LatentQuadrature) throws -> BatchedGaussians {
        let (means, logSDs) = try modeStarts(model, x, s)
        var best = try model.fitGaussianVariational(x, means: means, logStandardDeviations: logSDs, steps: s.comparisonSteps,
                                                    learningRate: s.gapLearningRate, standardRule: rule)
        var prior = try model.fitGaussianVariational(x, means: Matrix.zeros(x.rows, 1), logStandardDeviations: Matrix.zeros(x.rows, 1),
                                                     steps: s.comparisonSteps, learningRate: s.gapLearningRate, standardRule: rule)
        best.elbos = try model.elbos(x, means: best.means, logStandardDeviations: best.logStandardDeviations, standardRule: evaluationRule)
        prior.elbos = try model.elbos(x, means: prior.means, logStandardDeviations: prior.logStandardDeviations, standardRule: evaluationRule)
        for n in 0..<x.rows where prior.elbos[n] > best.elbos[n] {
            best.elbos[n] = prior.elbos[n]
            best.means[n, 0] = prior.means[n, 0]
            best.logStandardDeviations[n, 0] = prior.logStandardDeviations[n, 0]
        }
        return best
    }

    /// Step 9 — exact held-out log p(x) of both decoders, and how Gaussian their posteriors are.
    func elboVersusLikelihood(_ arc: ArcSetting, _ trained: AmortisedFits, _ s: VAESettings, _ streams: VAEStreams,
                              _ page: inout LessonRecorder) throws {
        let decoders = [("elbo_trained", "ELBO-trained (VAE)", trained.arc.trained.model), ("likelihood_trained", "likelihood-trained", arc.decoder)]
        let rule = try LatentQuadrature.gaussHermite(order: s.climbOrder, dimension: 1)
        let evaluationRule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: s.gapRulePoints, dimension: 1)
        let points = arc.heldOut.rows(0..<min(s.comparisonPoints, arc.heldOut.rows))
        let probes = Matrix(arc.probes.map(\.x))
        var panels: [VAEAmortisedPosteriorPanel] = []
        var rows: [[TableCell]] = []
        var heldOutMeans: [Double] = [], gapMeans: [Double] = []
        for (key, name, model) in decoders {
            let heldOut = try Self.arcLogMarginals(model, arc.heldOut, arc, s)
            let logPx = Array(heldOut.logMarginals[0..<points.rows])
            let checked = min(s.prunedCheckRows, points.rows)
            let full = try model.quadratureMarginal(arc.heldOut.rows(0..<checked), quadrature: arc.referenceRule).meanLogMarginal
            page.check("comparison.held_out.\(key)",
                       method: "expected: the \(name) decoder's (1/n) Σₙ log p(xₙ) over the first \(checked) held-out points by the full reference rule (\(arc.referenceRule.count) nodes); computed: the same rule pruned per point at \(NumberFormat.significant(s.gridCutoff)) nats below its largest coarse term (every \(s.arcGridStride)th node), as for every held-out value; tolerance 10⁻¹⁰ nats",
                       expected: full, computed: Self.mean(Array(logPx[0..<checked])), tolerance: 1e-10)
            let training = try Self.arcLogMarginals(model, arc.x, arc, s).meanLogMarginal
            let best = try Self.bestGaussians(model, points, s, rule: rule, evaluationRule: evaluationRule)
            let gaps = (0..<points.rows).map { logPx[$0] - best.elbos[$0] }
            // the point with the largest gap, checked against KL(q* ‖ p(z|x)) on a z-grid
            let worst = gaps.indices.max { gaps[$0] < gaps[$1] } ?? 0
            let q = try best.gaussian(worst)
            let (mean, sd) = q.meanAndSD
            let half = max(8, abs(mean) + 10 * sd)
            let grid = try LatentQuadrature.trapezoid(halfWidth: half, pointsPerDimension: Int((2 * half / 0.0025).rounded(.up)) + 1, dimension: 1)
            let kl = try ELBO.klToPosterior(q: q, grid: grid, logJoint: try model.logJoint(points.rows(worst..<(worst + 1)), latent: grid.nodes).elements)
            page.check("comparison.gap_is_kl.\(key)",
                       method: "expected: log p(x) − ELBO(q*) at the held-out point with the largest gap under the \(name) decoder (log p(x) by the reference rule; q* found by Adam on a Gauss–Hermite \(s.climbOrder) rule in ξ, its ELBO by a \(s.gapRulePoints)-node trapezoid rule in ξ on ±8); computed: KL(q* ‖ p(z|x)) on a trapezoid z-grid (spacing ≤ 0.0025 on ±max(8, |m| + 10s)), p(z|x) normalised on it; tolerance max(10⁻⁶, 10⁻⁴ × expected)",
                       expected: gaps[worst], computed: kl, tolerance: max(1e-6, 1e-4 * abs(gaps[worst])))
            heldOutMeans.append(heldOut.meanLogMarginal)
            gapMeans.append(Self.mean(gaps))
            // the probes under this decoder
            let probeLogPx = try model.logMarginals(probes, quadrature: arc.referenceRule)
            let probeBest = try Self.bestGaussians(model, probes, s, rule: rule, evaluationRule: evaluationRule)
            let zAll = EvenGrid.values(-8...8, count: 3201)
            var probeGaps: [JSONValue] = []
            for (i, p) in arc.probes.enumerated() {
                let posterior = GriddedPosterior(logJoint: try model.logJoint(Matrix([p.x]), latent: Matrix(rows: zAll.count, columns: 1, elements: zAll)).elements, grid: zAll)
                let (m, sdev) = try probeBest.gaussian(i).meanAndSD
                let gap = probeLogPx[i] - probeBest.elbos[i]
                panels.append(VAEAmortisedPosteriorPanel(
                    title: "\(p.name), \(key == "elbo_trained" ? "ELBO" : "likelihood")-trained: KL \(NumberFormat.fixedSignificant(gap, digits: 2))",
                    z: zAll, posterior: posterior.density, gaussians: [("q*, the best Gaussian", m, sdev, .model, .solid)]))
                probeGaps.append(["name": .string(p.name), "log_px": .number(probeLogPx[i]), "elbo_optimal": .number(probeBest.elbos[i]),
                                  "approximation_gap": .number(gap)])
            }
            page.group("comparison.\(key)") { page in
                page.value("held_out_log_likelihood_per_sample", heldOut.meanLogMarginal, "\(name) decoder: exact log-likelihood per held-out point",
                           .vaeComparisonHeldOut)
                page.value("log_likelihood_per_sample", training, "\(name) decoder: exact log-likelihood per training point", .vaeArcExact)
                page.value("noise_variance", model.noiseVariance, "\(name) decoder: noise variance σ²")
                page.value("mean_approximation_gap", Self.mean(gaps), "\(name) decoder: mean KL(q* ‖ p(z|x)) over the held-out points",
                           .vaeComparisonGap)
                page.value("max_approximation_gap", gaps[worst], "\(name) decoder: largest KL(q* ‖ p(z|x)) over the held-out points",
                           .vaeComparisonGap)
                page.value("share_above_0_01", Double(gaps.filter { $0 > 0.01 }.count) / Double(gaps.count),
                           "\(name) decoder: share of held-out points with KL(q* ‖ p(z|x)) > 0.01 nats")
                page.store(logPx, at: "held_out_log_px")                                      // the compared points
                page.store(best.elbos, at: "held_out_elbo_optimal")
                page.value("probes", JSONValue.array(probeGaps), "\(name) decoder: log p(x), ELBO(q*) and their gap at A, B, C", .vaeComparisonGap)
                for (i, p) in arc.probes.enumerated() {
                    page.label("probes.\(i).approximation_gap", "\(name) decoder: KL(q* ‖ p(z|x)) at \(p.name)", .vaeComparisonGap)
                    page.label("probes.\(i).log_px", "\(name) decoder: log p(x) at \(p.name)")
                }
            }
            rows.append([.text(name), .number(training, .fixed(3)), .number(heldOut.meanLogMarginal, .fixed(3)),
                         .number(model.noiseVariance, .scientific(2)), .number(Self.mean(gaps), .scientific(2))])
        }
        page.group("comparison") { page in
            page.value("held_out_difference", heldOutMeans[0] - heldOutMeans[1],
                       "ELBO-trained − likelihood-trained: exact log-likelihood per held-out point", .vaeComparisonHeldOut)
            page.value("gap_ratio", gapMeans[1] / gapMeans[0], "mean approximation gap: likelihood-trained / ELBO-trained")
            page.value("points", points.rows, "held-out points of the approximation-gap comparison")
            page.value("steps", s.comparisonSteps, "Adam steps of each ascent to q* (comparison)")
            page.value("order", s.climbOrder, "Gauss–Hermite nodes in ξ (comparison)")
            page.value("likelihood_steps", arc.nonlinear.toySteps, "full-batch Adam steps of the likelihood-trained decoder")
            page.value("likelihood_rule_points", arc.nonlinear.toyRulePoints, "quadrature nodes of the likelihood-trained decoder's training rule")
            page.value("likelihood_rule_spacing", 2 * arc.nonlinear.toyRuleHalfWidth / Double(arc.nonlinear.toyRulePoints - 1),
                       "node spacing of that training rule")
        }
        page.table("vae-comparison", Table(
            columns: ["decoder", "log p(x), training arc", "log p(x), held-out arc", "σ²", "mean KL(q* ‖ p(z|x)), held-out"],
            rows: rows, caption: "The two decoders of the arc, exact values by the reference rule (nats per point)"))
        // top row: ELBO-trained, bottom row: likelihood-trained
        page.figure("vae-comparison-posteriors", VAEFiguresAmortised.posteriorPanels(
            Self.zoomed(panels), rows: 2, title: "Posteriors at A, B, C under the ELBO-trained (top) and the likelihood-trained decoder (bottom)",
            height: 440))
    }
}
