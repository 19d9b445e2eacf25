import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing
@testable import Lessons

extension VAEChecks {
    /// The checks of VAELesson+Comparison, recomputed independently (the plain loops of VAEChecks+Amortised):
    /// - `comparison.held_out.KEY`: expected (1/n) Σ log p(xₙ) over the first `prunedCheckRows` held-out points by the full reference rule
    ///   through `Models`; computed the same sum by a plain loop.
    /// - `comparison.gap_is_kl.KEY`: q* of every compared point rerun through the lesson's ascent (an input), the point
    ///   with the largest log p(x) − ELBO(q*) found again; expected that gap through `Models`, computed KL(q* ‖ p(z|x))
    ///   on the test's own z-grid.
    static func comparisonChecks(_ check: Check, _ setting: Setting) throws -> Recomputed? {
        let parts = check.name.split(separator: ".").map(String.init)
        guard parts.count == 3, parts[0] == "comparison" else { return nil }
        let refit = try VAEAmortisedRefit.cached(setting)
        let s = refit.settings
        let model: NonlinearLVM
        switch parts[2] {
        case "elbo_trained": model = refit.arcVAE.model
        case "likelihood_trained": model = refit.arc.decoder
        default: return nil
        }
        let points = refit.arc.heldOut.rows(0..<min(s.comparisonPoints, refit.arc.heldOut.rows))
        let rule = refit.arc.referenceRule
        switch parts[1] {
        case "held_out":
            let checked = points.rows(0..<min(s.prunedCheckRows, points.rows))
            let expected = try model.quadratureMarginal(checked, quadrature: rule).meanLogMarginal
            let own = NonlinearRefit.meanLogMarginal(model, checked, nodes: rule.nodes, logWeights: rule.logWeights)
            return Recomputed(expected: expected, computed: own.value, expectedAgreement: 64 * Double.ulpOfOne * max(1, abs(expected)),
                              computedAgreement: max(own.agreement, 1e-10))
        case "gap_is_kl":
            let evaluation = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: s.gapRulePoints, dimension: 1)
            let best = try VAELesson.bestGaussians(model, points, s, rule: try .gaussHermite(order: s.climbOrder, dimension: 1),
                                                   evaluationRule: evaluation)
            let logPx = try VAELesson.arcLogMarginals(model, points, refit.arc, s).logMarginals
            let gaps = (0..<points.rows).map { logPx[$0] - best.elbos[$0] }
            let worst = gaps.indices.max { gaps[$0] < gaps[$1] } ?? 0
            let x = points.row(worst)
            let q = try best.gaussian(worst)
            let (mean, sd) = (q.mean[0], q.covariance[0, 0].squareRoot())
            let expected = try model.logMarginals(Matrix([x]), quadrature: rule)[0] - (try model.elbo(x, q: q, standardRule: evaluation).value)
            let own = VAEAmortisedRefit.ownKL(model, x, mean: mean, sd: sd)
            return Recomputed(expected: expected, computed: own.kl, expectedAgreement: 1e-11 * max(1, abs(logPx[worst])),
                              computedAgreement: own.agreement)
        default: return nil
        }
    }
}
