import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing
@testable import Lessons

/// The checks of step 7 (VAELesson+ImportanceWeighted), recomputed from the lesson's inputs. The proposal q* at each
/// probe is an input: step 3's best ascent end, rerun by `PerPointRefit`.
/// - `iwae.elbo.P`: expected ELBO(q*) through `Models` (the lesson's fine rule); computed: L₁, the replicates of the
///   lesson's stream for (P, k = 1) replayed here, each log-weight log N(x; f(z), σ²I) + log φ(z) − log q*(z) by hand.
/// - `iwae.one_over_k.A`: expected ½ Var_q(w)/p(x)² through `relativeWeightVariance` on the lesson's window rule;
///   computed: k times the mean over the replayed replicates at the largest k of u − log(1 + u), u = p̂/p(x) − 1, with
///   log p̂ = log-mean-exp of the hand-made log-weights and log p(x) through the reference rule.
extension VAEChecks {
    /// The checks of VAELesson+ImportanceWeighted, recomputed independently.
    static func importanceChecks(_ check: Check, _ setting: Setting) throws -> Recomputed? {
        let parts = check.name.split(separator: ".").map(String.init)
        guard parts.count == 3, parts[0] == "iwae" else { return nil }
        let refit = try PerPointRefit.cached(setting)
        guard let i = refit.arc.probes.firstIndex(where: { $0.name == parts[2] }) else { return nil }
        let s = refit.settings
        let p = refit.arc.probes[i], model = refit.model
        // q*: the ascent end with the highest ELBO (the lesson's fine rule)
        let rule = try VAELesson.standardRule(s)
        let elbos = try refit.ends[i].map { try model.elbo(p.x, q: try $0.gaussian(), standardRule: rule).value }
        let best = elbos.indices.max { elbos[$0] < elbos[$1] }!
        let q = try refit.ends[i][best].gaussian()
        let (m, sd) = (q.mean[0], q.covariance[0, 0].squareRoot())
        /// The R replicates of the lesson's stream for K = k, replayed: z = m + sd·ξ in the order drawn.
        func replicates(_ k: Int) -> (values: [Double], agreement: Double) {
            var random = refit.streams.generator(VAEStreams.iwae(probe: p.name, samples: k))
            var values: [Double] = [], largest = 0.0
            for _ in 0..<s.iwaeReplicates {
                let xi = random.nextStandardNormals(count: k)
                let joint = refit.logJointByHand(p.x, xi.map { m + sd * $0 })
                let logW = xi.indices.map { joint[$0] - (-0.5 * xi[$0] * xi[$0] - log(sd) - 0.5 * log(2 * Double.pi)) }
                let top = logW.max()!
                values.append(top + log(logW.reduce(0) { $0 + exp($1 - top) } / Double(k)))
                largest = max(largest, logW.map(abs).max()!)
            }
            // z = m + L ξ with L = √(sd²) in the lesson: the same to an ulp, and sums of k terms: 64·k·ε·|log w|
            return (values, 64 * Double(k) * .ulpOfOne * max(largest, 1) * 4)
        }
        switch parts[1] {
        case "elbo":
            let (values, agreement) = replicates(1)
            return Recomputed(expected: elbos[best], computed: values.reduce(0, +) / Double(values.count), scale: abs(elbos[best]),
                              computedAgreement: agreement)
        case "one_over_k":
            let window = try VAELesson.windowRule(q, halfWidth: s.iwaeWindow)
            let expected = 0.5 * (try ImportanceWeightedBound.relativeWeightVariance(model, x: p.x, proposal: q, grid: window))
            let k = s.iwaeSampleCounts.last!
            let logPx = try model.logMarginals(Matrix([p.x]), quadrature: refit.arc.referenceRule)[0]
            let (values, agreement) = replicates(k)
            let terms = values.map { v -> Double in let d = v - logPx; return expm1(d) - d }
            let computed = Double(k) * terms.reduce(0, +) / Double(terms.count)
            // an error δ in one log p̂ moves its term by about u·δ, u ≈ √(2·term): relative to the mean, tiny
            return Recomputed(expected: expected, computed: computed, expectedAgreement: 64 * .ulpOfOne * abs(expected),
                              computedAgreement: Double(k) * agreement * (terms.map { (2 * $0).squareRoot() }.max() ?? 1) + 1e-6 * abs(computed))
        default: return nil
        }
    }
}
