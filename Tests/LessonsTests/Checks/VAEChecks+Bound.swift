import Foundation
import LessonKit
import LinearAlgebra
import Models
import Synchronization
import Testing
@testable import Lessons

/// Steps 1–2 of the VAE lesson, recomputed from the inputs (seed, quick, the digits) by code written here.
///
/// - `elbo_two_ways.jensen_vs_vae.k`: expected E_q[log p(x|z)] (`NonlinearLVM.elbo`, the lesson's trapezoid rule) minus
///   ½(m² + s² − 1 − 2 log s) by hand; computed E_q[log p(x, z) − log q(z)] by a loop over the test's own trapezoid
///   nodes ξ on ±10, with log N(x; f(z), σ²I), log φ(z) and log q(z) written out. Where it is evaluated — the probe C
///   of the refitted arc and q's mean and sd from the reference rule's responsibilities — are inputs of the check.
/// - `elbo_two_ways.identity.k`: the same expected side; computed log p(x) by a loop over the reference rule with the
///   test's own log-sum-exp, minus KL(q ‖ p(z|x)) by a loop over the test's own z-grid (spacing ≤ 0.0025).
/// - `elbo_two_ways.kl_monte_carlo.*`: expected the closed form with a 2 × 2 inverse and determinant by hand; computed
///   the mean of log q − log p over the same draws (the lesson's stream, the same order: z = m + Lξ with the test's
///   own 2 × 2 Cholesky factor), both densities by hand.
/// - `em.*`: the EM half-steps rerun through `PPCA.emHalfSteps` from the test's own start (W₀, σ₀² drawn from the
///   stream in the lesson's order) and the test's own 1/N scatter; ℓ by a plain Cholesky of the 64 × 64 covariance
///   written here, the ELBO by the test's own loops over Neal & Hinton's formula, the M-step maximum from q's moments
///   by loops.
extension VAEChecks {
    /// The checks of VAELesson+Bound, recomputed independently.
    static func boundChecks(_ check: Check, _ setting: Setting) throws -> Recomputed? {
        let name = check.name
        if name.hasPrefix("elbo_two_ways.kl_monte_carlo.") {
            return try BoundRefit.klMonteCarlo(String(name.dropFirst("elbo_two_ways.kl_monte_carlo.".count)), setting)
        }
        if name.hasPrefix("elbo_two_ways.") { return try BoundRefit.cached(setting).elboRoute(name) }
        if name.hasPrefix("em.") { return try BoundRefit.cached(setting).em(name) }
        return nil
    }
}

/// What steps 1–2 need, rebuilt once per (seed, quick).
final class BoundRefit: @unchecked Sendable {
    let setting: VAEChecks.Setting
    let arc: ArcSetting
    let scatter: Matrix                      // (64, 64) 1/N about the mean, by loops
    let mean: [Double]
    let halfSteps: [EMHalfStep]

    init(_ setting: VAEChecks.Setting) throws {
        self.setting = setting
        arc = try setting.arc()
        let x = setting.digits
        let (n, d) = (x.rows, x.columns)
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += x[i, j] } }
        mean = mean.map { $0 / Double(n) }
        var s = Matrix.zeros(d, d)
        for i in 0..<n {
            for j in 0..<d {
                let a = x[i, j] - mean[j]
                for k in 0..<d { s[j, k] += a * (x[i, k] - mean[k]) }
            }
        }
        scatter = (1 / Double(n)) * s
        self.mean = mean
        // the start, drawn as the lesson says: W₀ row-major with N(0, 1) · scale entries, then σ₀² = (1 + U) tr S / D
        var random = setting.stream(VAEStreams.emInit)
        let latent = 2
        let w0 = Matrix(rows: d, columns: latent, elements: (0..<(d * latent)).map { _ in setting.settings.emInitialScale * random.nextStandardNormal() })
        var trace = 0.0
        for j in 0..<d { trace += scatter[j, j] }
        let sigma2 = (1 + random.nextUniform()) * trace / Double(d)
        halfSteps = try PPCA.emHalfSteps(mean: mean, scatter: scatter, initialLoading: w0, initialNoiseVariance: sigma2,
                                         iterations: setting.settings.emIterations)
    }

    private static let refits = Mutex<[String: BoundRefit]>([:])

    static func cached(_ setting: VAEChecks.Setting) throws -> BoundRefit {
        let key = "\(setting.seed)/\(setting.quick)"
        if let refit = refits.withLock({ $0[key] }) { return refit }
        let refit = try BoundRefit(setting)
        refits.withLock { $0[key] = refit }
        return refit
    }

    // MARK: - Step 1

    func elboRoute(_ name: String) throws -> Recomputed? {
        let parts = name.split(separator: ".")
        guard parts.count == 3, let k = Int(parts[2]), k >= 1, k <= 2 else { return nil }
        let model = arc.decoder
        guard let probe = arc.probes.first(where: { $0.name == "C" }) else { return nil }
        let x = probe.x
        // q's mean and sd: the posterior moments on the reference rule (an input of the check)
        let r = try model.quadratureMarginal(Matrix([x]), quadrature: arc.referenceRule).responsibilities
        var (m, second) = (0.0, 0.0)
        for i in 0..<arc.referenceRule.count {
            m += r[0, i] * arc.referenceRule.nodes[i, 0]
            second += r[0, i] * arc.referenceRule.nodes[i, 0] * arc.referenceRule.nodes[i, 0]
        }
        let s = (k == 1 ? 1.0 : 2.0) * (second - m * m).squareRoot()
        // expected: E_q[log p(x|z)] by the lesson's rule through Models, minus the closed-form KL by hand
        let q = try VariationalGaussian(mean: [m], standardDeviations: [s])
        let reconstruction = try model.elbo(x, q: q, standardRule: try VAELesson.standardRule(setting.settings)).expectedLogLikelihood
        let expected = reconstruction - 0.5 * (m * m + s * s - 1 - 2 * log(s))

        let sigma2 = model.noiseVariance
        func logJoint(_ z: [Double]) -> [Double] {
            let f = model.decoder(Matrix(rows: z.count, columns: 1, elements: z))
            return z.indices.map { i in
                var r2 = 0.0
                for j in 0..<x.count { r2 += (x[j] - f[i, j]) * (x[j] - f[i, j]) }
                return -0.5 * Double(x.count) * log(2 * Double.pi * sigma2) - r2 / (2 * sigma2) - 0.5 * log(2 * Double.pi) - 0.5 * z[i] * z[i]
            }
        }
        func logQ(_ z: Double) -> Double { -0.5 * log(2 * Double.pi * s * s) - 0.5 * (z - m) * (z - m) / (s * s) }
        switch parts[1] {
        case "jensen_vs_vae":
            let points = setting.settings.jensenRulePoints
            let h = 20.0 / Double(points - 1)
            let xi = (0..<points).map { -10 + Double($0) * h }
            let z = xi.map { m + s * $0 }
            let joint = logJoint(z)
            var total = 0.0
            for i in 0..<points {
                let weight = h * (i == 0 || i == points - 1 ? 0.5 : 1) * exp(-0.5 * xi[i] * xi[i]) / (2 * Double.pi).squareRoot()
                total += weight * (joint[i] - logQ(z[i]))
            }
            return Recomputed(expected: expected, computed: total, scale: abs(expected) + 1, computedAgreement: 1e-11)
        case "identity":
            // log p(x) on the reference rule's nodes and weights, with the test's own log-sum-exp
            let rule = arc.referenceRule
            let joint = logJoint(rule.nodes.column(0))
            let terms = (0..<rule.count).map { i in rule.logWeights[i] + joint[i] + 0.5 * log(2 * Double.pi)
                + 0.5 * rule.nodes[i, 0] * rule.nodes[i, 0] }             // weights hold φ(z); log p(x|z) = joint − log φ
            let top = terms.max()!
            let logPx = top + log(terms.reduce(0) { $0 + exp($1 - top) })
            // KL(q ‖ p(z|x)) on the test's own grid: spacing ≤ 0.0025 on ±max(8, |m| + 10s), p(z|x) normalised on it
            let half = max(8, abs(m) + 10 * s)
            let count = Int((2 * half / 0.0025).rounded(.up)) + 1
            let h = 2 * half / Double(count - 1)
            let z = (0..<count).map { -half + Double($0) * h }
            let gridJoint = logJoint(z)
            let end = { (i: Int) in i == 0 || i == count - 1 ? 0.5 : 1.0 }
            let peak = gridJoint.max()!
            var evidence = 0.0
            for i in 0..<count { evidence += h * end(i) * exp(gridJoint[i] - peak) }
            let logEvidence = peak + log(evidence)
            var kl = 0.0
            for i in 0..<count {
                let lq = logQ(z[i])
                kl += h * end(i) * exp(lq) * (lq - (gridJoint[i] - logEvidence))
            }
            return Recomputed(expected: expected, computed: logPx - kl, scale: abs(expected) + 1, computedAgreement: 1e-10)
        default: return nil
        }
    }

    /// The Monte Carlo KL of `key`, both sides by hand, from the lesson's stream in its order (every pair draws
    /// `klSamples` × 2 normals before the next).
    static func klMonteCarlo(_ key: String, _ setting: VAEChecks.Setting) throws -> Recomputed? {
        guard let index = VAELesson.boundKLPairs.firstIndex(where: { $0.key == key }) else { return nil }
        let n = setting.settings.klSamples
        var random = setting.stream(VAEStreams.klMonteCarlo)
        func inverse(_ c: [[Double]]) -> (inverse: [[Double]], logDet: Double) {
            let det = c[0][0] * c[1][1] - c[0][1] * c[1][0]
            return ([[c[1][1] / det, -c[0][1] / det], [-c[1][0] / det, c[0][0] / det]], log(det))
        }
        func logDensity(_ z: [Double], _ mean: [Double], _ c: [[Double]]) -> Double {
            let (p, logDet) = inverse(c)
            let (a, b) = (z[0] - mean[0], z[1] - mean[1])
            return -log(2 * Double.pi) - 0.5 * logDet - 0.5 * (p[0][0] * a * a + 2 * p[0][1] * a * b + p[1][1] * b * b)
        }
        var result: Recomputed?
        for (k, pair) in VAELesson.boundKLPairs.enumerated() {
            let (m0, c0) = (pair.q.mean, pair.q.covariance)
            let (m1, c1) = (pair.p?.mean ?? [0, 0], pair.p?.covariance ?? [[1, 0], [0, 1]])
            // 2 × 2 Cholesky of S₀
            let l00 = c0[0][0].squareRoot(), l10 = c0[1][0] / l00, l11 = (c0[1][1] - l10 * l10).squareRoot()
            var total = 0.0
            for _ in 0..<n {
                let (e0, e1) = (random.nextStandardNormal(), random.nextStandardNormal())
                let z = [m0[0] + l00 * e0, m0[1] + l10 * e0 + l11 * e1]
                total += logDensity(z, m0, c0) - logDensity(z, m1, c1)
            }
            guard k == index else { continue }
            let (p1, logDet1) = inverse(c1)
            let logDet0 = inverse(c0).logDet
            let dm = [m1[0] - m0[0], m1[1] - m0[1]]
            var trace = 0.0
            for i in 0..<2 { for j in 0..<2 { trace += p1[i][j] * c0[j][i] } }
            let quadratic = p1[0][0] * dm[0] * dm[0] + 2 * p1[0][1] * dm[0] * dm[1] + p1[1][1] * dm[1] * dm[1]
            let closed = 0.5 * (trace + quadratic - 2 + logDet1 - logDet0)
            result = Recomputed(expected: closed, computed: total / Double(n), scale: 1, expectedAgreement: 1e-13,
                                computedAgreement: 1e-11)
            break
        }
        return result
    }

    // MARK: - Step 2

    /// ℓ(θ) = −½[D log 2π + log|C| + tr(C⁻¹S)] by a plain Cholesky of C = WWᵀ + σ²I written here.
    func choleskyLogLikelihood(_ model: PPCA) -> Double {
        let d = model.dimension, w = model.loading, k = model.latentDimension
        var l = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        var c = [[Double]](repeating: [Double](repeating: 0, count: d), count: d)
        for i in 0..<d { for j in 0..<d {
            var v = i == j ? model.noiseVariance : 0
            for a in 0..<k { v += w[i, a] * w[j, a] }
            c[i][j] = v
        } }
        for j in 0..<d {
            var diag = c[j][j]
            for a in 0..<j { diag -= l[j][a] * l[j][a] }
            l[j][j] = diag.squareRoot()
            for i in (j + 1)..<max(d, j + 1) {
                var v = c[i][j]
                for a in 0..<j { v -= l[i][a] * l[j][a] }
                l[i][j] = v / l[j][j]
            }
        }
        var logDet = 0.0
        for j in 0..<d { logDet += 2 * log(l[j][j]) }
        // tr(C⁻¹S) = Σₖ (C⁻¹S)ₖₖ: solve C y = sₖ for each column sₖ of S (L y' = sₖ, Lᵀ y = y') and take yₖ
        var trace = 0.0
        for col in 0..<d {
            var y = [Double](repeating: 0, count: d)
            for i in 0..<d {                                   // L y = s
                var v = scatter[i, col]
                for a in 0..<i { v -= l[i][a] * y[a] }
                y[i] = v / l[i][i]
            }
            var u = [Double](repeating: 0, count: d)
            for i in stride(from: d - 1, through: 0, by: -1) {   // Lᵀ u = y
                var v = y[i]
                for a in (i + 1)..<max(d, i + 1) { v -= l[a][i] * u[a] }
                u[i] = v / l[i][i]
            }
            trace += u[col]
        }
        return -0.5 * (Double(d) * log(2 * Double.pi) + logDet + trace)
    }

    /// q's moments for the posterior of θ_q (d = 2): A = M⁻¹Wᵀ (2, D) and Σ = σ²M⁻¹, with the 2 × 2 inverse by hand.
    func posteriorMoments(_ theta: PPCA) -> (a: [[Double]], sigma: [[Double]]) {
        let d = theta.dimension, w = theta.loading
        var m = [[0.0, 0.0], [0.0, 0.0]]
        for i in 0..<2 { for j in 0..<2 {
            for r in 0..<d { m[i][j] += w[r, i] * w[r, j] }
            if i == j { m[i][j] += theta.noiseVariance }
        } }
        let det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
        let inv = [[m[1][1] / det, -m[0][1] / det], [-m[1][0] / det, m[0][0] / det]]
        let a = (0..<2).map { i in (0..<d).map { r in inv[i][0] * w[r, 0] + inv[i][1] * w[r, 1] } }
        return (a, inv.map { $0.map { theta.noiseVariance * $0 } })
    }

    /// Neal & Hinton's average ELBO(q, θ), q the posterior of θ_q (same μ), by loops over the scatter:
    /// −(D/2) log 2πσ² − (tr S − 2 tr(ASW) + tr(WᵀW H))/(2σ²) − log 2π − ½ tr H + (1 + log 2π) + ½ log|Σ|, H = ASAᵀ + Σ.
    func elbo(_ theta: PPCA, posteriorOf thetaQ: PPCA) -> Double {
        let d = theta.dimension, w = theta.loading
        let (a, sigma) = posteriorMoments(thetaQ)
        var asm = [[Double]](repeating: [Double](repeating: 0, count: d), count: 2)     // A S
        for i in 0..<2 { for c in 0..<d { for r in 0..<d { asm[i][c] += a[i][r] * scatter[r, c] } } }
        var h = sigma
        for i in 0..<2 { for j in 0..<2 { for r in 0..<d { h[i][j] += asm[i][r] * a[j][r] } } }
        var trS = 0.0, trASW = 0.0, trWtWH = 0.0
        for r in 0..<d { trS += scatter[r, r] }
        for i in 0..<2 { for r in 0..<d { trASW += asm[i][r] * w[r, i] } }
        for i in 0..<2 { for j in 0..<2 {
            var wtw = 0.0
            for r in 0..<d { wtw += w[r, i] * w[r, j] }
            trWtWH += wtw * h[j][i]
        } }
        let logDetSigma = log(sigma[0][0] * sigma[1][1] - sigma[0][1] * sigma[1][0])
        let s2 = theta.noiseVariance
        return -0.5 * Double(d) * log(2 * Double.pi * s2) - (trS - 2 * trASW + trWtWH) / (2 * s2)
            - log(2 * Double.pi) - 0.5 * (h[0][0] + h[1][1]) + (1 + log(2 * Double.pi)) + 0.5 * logDetSigma
    }

    /// max_θ ELBO(q, θ) from q's moments: W* = S Aᵀ H⁻¹, σ*² = (tr S − tr(H⁻¹ A S² Aᵀ))/D,
    /// max = −(D/2)(1 + log 2πσ*²) + ½(2 − tr H + log|Σ|), by loops.
    func mStepMaximum(posteriorOf thetaQ: PPCA) -> Double {
        let d = thetaQ.dimension
        let (a, sigma) = posteriorMoments(thetaQ)
        var asm = [[Double]](repeating: [Double](repeating: 0, count: d), count: 2)
        for i in 0..<2 { for c in 0..<d { for r in 0..<d { asm[i][c] += a[i][r] * scatter[r, c] } } }
        var h = sigma
        for i in 0..<2 { for j in 0..<2 { for r in 0..<d { h[i][j] += asm[i][r] * a[j][r] } } }
        var g = [[0.0, 0.0], [0.0, 0.0]]                                                      // A S² Aᵀ
        for i in 0..<2 { for j in 0..<2 { for r in 0..<d { g[i][j] += asm[i][r] * asm[j][r] } } }
        let det = h[0][0] * h[1][1] - h[0][1] * h[1][0]
        let hi = [[h[1][1] / det, -h[0][1] / det], [-h[1][0] / det, h[0][0] / det]]
        var best = 0.0
        for i in 0..<2 { for j in 0..<2 { best += hi[i][j] * g[j][i] } }
        var trS = 0.0
        for r in 0..<d { trS += scatter[r, r] }
        let s2 = (trS - best) / Double(d)
        let logDetSigma = log(sigma[0][0] * sigma[1][1] - sigma[0][1] * sigma[1][0])
        return -0.5 * Double(d) * (1 + log(2 * Double.pi * s2)) + 0.5 * (2 - h[0][0] - h[1][1] + logDetSigma)
    }

    func em(_ name: String) throws -> Recomputed? {
        let parts = name.split(separator: ".")
        // every half-step's θ and the model q is the posterior of
        let states: [(model: PPCA, posteriorOf: PPCA)] = halfSteps.map { ($0.model, $0.posteriorOf) }
        let agreement = 1e-10
        switch parts[1] {
        case "e_step_touches":
            guard parts.count == 3, let k = Int(parts[2]), k >= 1, 2 * k - 1 <= states.count else { return nil }
            let e = states[2 * k - 2]
            return Recomputed(expected: choleskyLogLikelihood(e.model), computed: elbo(e.model, posteriorOf: e.posteriorOf),
                              expectedAgreement: agreement, computedAgreement: agreement)
        case "m_step_maximum":
            guard parts.count == 3, let k = Int(parts[2]), k >= 1, 2 * k <= states.count else { return nil }
            let m = states[2 * k - 1]
            return Recomputed(expected: mStepMaximum(posteriorOf: m.posteriorOf), computed: elbo(m.model, posteriorOf: m.posteriorOf),
                              expectedAgreement: agreement, computedAgreement: agreement)
        case "elbo_never_decreases", "log_likelihood_never_decreases":
            let values = parts[1] == "elbo_never_decreases"
                ? states.map { elbo($0.model, posteriorOf: $0.posteriorOf) } : states.map { choleskyLogLikelihood($0.model) }
            var largest = 0.0
            for i in 1..<values.count { largest = max(largest, values[i - 1] - values[i]) }
            return Recomputed(expected: 0, computed: largest, expectedAgreement: 0, computedAgreement: agreement)
        default: return nil
        }
    }
}
