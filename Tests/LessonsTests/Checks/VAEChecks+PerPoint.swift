import Foundation
import LessonKit
import LinearAlgebra
import Models
import Synchronization
import Testing
@testable import Lessons

/// The checks of steps 3–4 (VAELesson+PerPoint), recomputed from the lesson's inputs (seed, quick).
///
/// Where a check is evaluated is an input, not one of its sides: the arc, its decoder and the probes (`ArcSetting`),
/// and the end of each ascent (step 3's `VAELesson.ascent`, rerun here from the settings). The sides:
/// - `per_point.gap_is_kl.P.k`: expected log p(x) − ELBO(q) through `Models` (reference rule; the lesson's fine rule
///   `standardRule`); computed KL(q ‖ p(z|x)) by a loop over the check's own z-grid (`PerPointRefit.klByHand`).
/// - `per_point.stationary.P.k`: expected 0; computed: central differences (h = 10⁻⁴) of an ELBO summed here by hand
///   over the ascent's rule at the end's s (log N(x; f(m + sξ), σ²I) by a loop, prior term and entropy in closed form).
/// - `per_point.missing_mode.B.k`: expected the gap as above; computed −log π + KL(q ‖ p_side) by a loop over the KL
///   grid, the posterior restricted to q's side of the split and renormalised there.
/// - `gradient_variance.unbiased.E.c`: expected the exact gradient through `elboGradient` (fine rule); computed: the
///   largest S's repeats replayed from the lesson's stream, each draw's gradient written here — ℓ' by central
///   differences (h = 10⁻⁵) of ℓ summed by hand — averaged over the S draws and the repeats.
/// - `gradient_variance.per_sample.E.c`: expected the per-sample variance E[g²] − (E g)² by a loop over the fine
///   rule (∇ℓ through `logJointGradient`, f by hand); computed: the same replay's within-repeat sample variances,
///   averaged over the repeats.
extension VAEChecks {
    /// The checks of VAELesson+PerPoint, recomputed independently.
    static func perPointChecks(_ check: Check, _ setting: Setting) throws -> Recomputed? {
        let parts = check.name.split(separator: ".").map(String.init)
        switch check.name {
        case let name where name.hasPrefix("per_point."):
            guard parts.count == 4, let k = Int(parts[3]) else { return nil }
            let refit = try PerPointRefit.cached(setting)
            guard let i = refit.arc.probes.firstIndex(where: { $0.name == parts[2] }) else { return nil }
            return try refit.perPoint(parts[1], probe: i, ascent: k - 1)
        case let name where name.hasPrefix("gradient_variance."):
            guard parts.count == 4, ["m", "log_s"].contains(parts[3]) else { return nil }
            return try PerPointRefit.cached(setting).gradient(parts[1], estimator: parts[2], component: parts[3] == "m" ? 0 : 1)
        default: return nil
        }
    }
}

/// Step 3's setting rebuilt from the inputs, once per (seed, quick): the arc and decoder, and every ascent's end.
final class PerPointRefit: Sendable {
    let settings: VAESettings
    let streams: VAEStreams
    let arc: ArcSetting
    let ends: [[PerPointStep]]          // per probe, per ascent: the last point

    init(_ setting: VAEChecks.Setting) throws {
        settings = setting.settings
        streams = setting.streams
        let arc = try setting.arc(), s = setting.settings
        let rules = try PerPointRules(s)
        ends = try arc.probes.map { p in
            try VAELesson.perPointStarts(p, split: arc.split).map { m0 in
                try VAELesson.ascent(arc.decoder, x: p.x, start: m0, rules: rules, s).last!
            }
        }
        self.arc = arc
    }

    var model: NonlinearLVM { arc.decoder }

    // MARK: - Step 3

    func perPoint(_ kind: String, probe i: Int, ascent k: Int) throws -> Recomputed? {
        guard ends[i].indices.contains(k) else { return nil }
        let x = arc.probes[i].x, end = ends[i][k]
        let (m, s) = (end.mean[0], end.standardDeviations[0])
        let logPx = try model.logMarginals(Matrix([x]), quadrature: arc.referenceRule)[0]
        let elbo = try model.elbo(x, q: try end.gaussian(), standardRule: try VAELesson.standardRule(settings)).value
        switch kind {
        case "gap_is_kl":
            let (kl, agreement) = klByHand(x, mean: m, sd: s)
            return Recomputed(expected: logPx - elbo, computed: kl, scale: abs(logPx) + abs(elbo), computedAgreement: agreement)
        case "missing_mode":
            let (parts, agreement) = klByHand(x, mean: m, sd: s, side: (split: arc.split, left: m < arc.split))
            return Recomputed(expected: logPx - elbo, computed: parts, scale: abs(logPx) + abs(elbo), computedAgreement: agreement)
        case "stationary":
            let rule = try PerPointRules(settings).rule(for: s)
            let h = 1e-4
            let logS = end.logStandardDeviations[0]
            let dm = (elboByHand(x, m + h, logS, rule) - elboByHand(x, m - h, logS, rule)) / (2 * h)
            let ds = (elboByHand(x, m, logS + h, rule) - elboByHand(x, m, logS - h, rule)) / (2 * h)
            // two summations of the same ELBO differ by rounding, ~n·ε·|terms|, divided by 2h
            return Recomputed(expected: 0, computed: max(abs(dm), abs(ds)), computedAgreement: 1e-7)
        default: return nil
        }
    }

    /// ELBO(N(m, e^{2 log s})) = Σᵢ wᵢ log N(x; f(m + s ξᵢ), σ²I) − ½ log 2π − ½(m² + s²) + ½(1 + log 2π) + log s, the
    /// sum over the rule's nodes by a loop, ‖x − f‖² summed directly.
    func elboByHand(_ x: [Double], _ m: Double, _ logS: Double, _ rule: LatentQuadrature) -> Double {
        let s = exp(logS)
        let n = rule.count
        let z = Matrix(rows: n, columns: 1, elements: (0..<n).map { m + s * rule.nodes[$0, 0] })
        let f = model.decoder(z)
        let sigma2 = model.noiseVariance
        var expected = 0.0
        for i in 0..<n {
            var square = 0.0
            for c in 0..<x.count { let e = x[c] - f[i, c]; square += e * e }
            expected += exp(rule.logWeights[i]) * (-0.5 * Double(x.count) * log(2 * Double.pi * sigma2) - square / (2 * sigma2))
        }
        return expected - 0.5 * log(2 * Double.pi) - 0.5 * (m * m + s * s) + 0.5 * (1 + log(2 * Double.pi)) + logS
    }

    /// KL(q ‖ p(z|x)) = Σᵢ wᵢ q(zᵢ)(log q(zᵢ) − log p(x, zᵢ) + log p̂(x)) on a trapezoid grid over ±max(8, |m| + 10s)
    /// with spacing ≤ 0.0025, p̂(x) = Σᵢ wᵢ p(x, zᵢ) on the same grid; with `side`, instead −log π + KL(q ‖ p_side),
    /// π = Σ_side wᵢ p(x, zᵢ)/p̂(x) and p_side the posterior renormalised on that side (the sum over that side only).
    /// And how closely another summation of the same terms can agree: 64·n·ε times the terms' magnitudes.
    func klByHand(_ x: [Double], mean m: Double, sd s: Double, side: (split: Double, left: Bool)? = nil) -> (kl: Double, agreement: Double) {
        let half = max(8, abs(m) + 10 * s)
        let n = Int((2 * half / 0.0025).rounded(.up)) + 1
        let h = 2 * half / Double(n - 1)
        let z = (0..<n).map { -half + Double($0) * h }
        let f = model.decoder(Matrix(rows: n, columns: 1, elements: z))              // (n, 2)
        let (sigma2, d) = (model.noiseVariance, Double(x.count))
        var logJoint = [Double](repeating: 0, count: n), logQ = [Double](repeating: 0, count: n)
        var largestSquare = 0.0
        for i in 0..<n {
            var square = 0.0
            for c in 0..<x.count { let e = x[c] - f[i, c]; square += e * e }
            largestSquare = max(largestSquare, square)
            logJoint[i] = -0.5 * d * log(2 * Double.pi * sigma2) - square / (2 * sigma2) - 0.5 * z[i] * z[i] - 0.5 * log(2 * Double.pi)
            logQ[i] = -0.5 * ((z[i] - m) / s) * ((z[i] - m) / s) - log(s) - 0.5 * log(2 * Double.pi)
        }
        let weight = { (i: Int) in h * (i == 0 || i == n - 1 ? 0.5 : 1) }
        let inSide = { (i: Int) -> Bool in
            guard let side else { return true }
            return side.left ? z[i] < side.split : z[i] > side.split
        }
        let peak = logJoint.max()!
        var evidence = 0.0, sideEvidence = 0.0
        for i in 0..<n {
            evidence += weight(i) * exp(logJoint[i] - peak)
            if inSide(i) { sideEvidence += weight(i) * exp(logJoint[i] - peak) }
        }
        let logNormaliser = peak + log(side == nil ? evidence : sideEvidence)
        var kl = side == nil ? 0 : log(evidence) - log(sideEvidence)                  // −log π
        var magnitude = abs(logNormaliser) + abs(kl)
        for i in 0..<n where inSide(i) {
            let w = weight(i) * exp(logQ[i])
            kl += w * (logQ[i] - logJoint[i] + logNormaliser)
            magnitude += w * (abs(logQ[i]) + abs(logJoint[i]))
        }
        return (kl, 64 * Double(n) * .ulpOfOne * (magnitude + largestSquare / (2 * sigma2)))
    }

    // MARK: - Step 4

    /// ℓ(z) = log N(x; f(z), σ²I) + log φ(z) for every z, by hand.
    func logJointByHand(_ x: [Double], _ z: [Double]) -> [Double] {
        let f = model.decoder(Matrix(rows: z.count, columns: 1, elements: z))
        let sigma2 = model.noiseVariance
        return z.indices.map { i in
            var square = 0.0
            for c in 0..<x.count { let e = x[c] - f[i, c]; square += e * e }
            return -0.5 * Double(x.count) * log(2 * Double.pi * sigma2) - square / (2 * sigma2) - 0.5 * z[i] * z[i] - 0.5 * log(2 * Double.pi)
        }
    }

    /// Per-sample gradients (g_m, g_log s) of one estimator for draws ε at q = N(m, s²): reparameterisation with ℓ' by
    /// central differences (h = 10⁻⁵), or the score function (f − 0)(ε/s, ε² − 1), f = ℓ − log q.
    func perSampleGradients(_ estimator: String, x: [Double], m: Double, logS: Double, epsilon: [Double]) -> [[Double]] {
        let s = exp(logS)
        let z = epsilon.map { m + s * $0 }
        if estimator == VAEStreams.reparameterisation {
            let h = 1e-5
            let (up, down) = (logJointByHand(x, z.map { $0 + h }), logJointByHand(x, z.map { $0 - h }))
            return epsilon.indices.map { i in
                let slope = (up[i] - down[i]) / (2 * h)
                return [slope, s * epsilon[i] * slope + 1]
            }
        }
        let joint = logJointByHand(x, z)
        return epsilon.indices.map { i in
            let f = joint[i] - (-0.5 * epsilon[i] * epsilon[i] - logS - 0.5 * log(2 * Double.pi))
            return [f * epsilon[i] / s, f * (epsilon[i] * epsilon[i] - 1)]
        }
    }

    func gradient(_ kind: String, estimator: String, component c: Int) throws -> Recomputed? {
        guard VAEStreams.gradientEstimators.contains(estimator), let a = arc.probes.first(where: { $0.name == VAELesson.gradientProbe })
        else { return nil }
        let (m, logS) = VAELesson.gradientQ
        let largest = settings.gradientSampleCounts.last!
        var random = streams.generator(VAEStreams.gradients(estimator, samples: largest))
        var means: [Double] = [], variances: [Double] = []
        for _ in 0..<settings.gradientRepeats {
            let g = perSampleGradients(estimator, x: a.x, m: m, logS: logS,
                                       epsilon: random.nextStandardNormals(count: largest)).map { $0[c] }
            let mean = g.reduce(0, +) / Double(largest)
            means.append(mean)
            variances.append(g.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(largest - 1))
        }
        let rule = try VAELesson.standardRule(settings)
        switch kind {
        case "unbiased":
            let exact = try model.elboGradient(a.x, mean: [m], logStandardDeviations: [logS], standardRule: rule)
            let value = (exact.mean + exact.logStandardDeviations)[c]
            let computed = means.reduce(0, +) / Double(means.count)
            // central differences of ℓ agree with backpropagation to ~10⁻⁷ relative per draw
            return Recomputed(expected: value, computed: computed, scale: abs(value), computedAgreement: 1e-5 * max(1, abs(computed)))
        case "per_sample":
            // E[g²] − (E g)² over the fine rule, by a loop (∇ℓ through Models, f by hand)
            let s = exp(logS)
            let xi = rule.nodes.elements
            let z = Matrix(rows: xi.count, columns: 1, elements: xi.map { m + s * $0 })
            let slope = model.logJointGradient(a.x, latent: z).elements
            let joint = logJointByHand(a.x, z.elements)
            var first = 0.0, second = 0.0
            for i in xi.indices {
                let w = exp(rule.logWeights[i])
                let g: Double
                if estimator == VAEStreams.reparameterisation {
                    g = c == 0 ? slope[i] : s * xi[i] * slope[i] + 1
                } else {
                    let f = joint[i] - (-0.5 * xi[i] * xi[i] - logS - 0.5 * log(2 * Double.pi))
                    g = c == 0 ? f * xi[i] / s : f * (xi[i] * xi[i] - 1)
                }
                first += w * g; second += w * g * g
            }
            let expected = second - first * first
            let computed = variances.reduce(0, +) / Double(variances.count)
            return Recomputed(expected: expected, computed: computed, expectedAgreement: 1e-9 * abs(expected),
                              computedAgreement: 1e-5 * abs(computed))
        default: return nil
        }
    }

    // MARK: - One refit per inputs

    private static let refits = Mutex<[String: PerPointRefit]>([:])

    static func cached(_ setting: VAEChecks.Setting) throws -> PerPointRefit {
        let key = "\(setting.seed)/\(setting.quick)"
        if let refit = refits.withLock({ $0[key] }) { return refit }
        let refit = try PerPointRefit(setting)
        refits.withLock { $0[key] = refit }
        return refit
    }
}
