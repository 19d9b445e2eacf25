import Foundation
import LessonKit
import LinearAlgebra
import Models
import Synchronization
import Testing
@testable import Lessons

/// The checks of steps 5 and 6 (VAELesson+Amortised), and the plain-loop numerics step 9's checks share.
///
/// The trained VAEs and the settings are inputs of the checks, rebuilt from the seed through the lesson's training
/// functions (`VAEAmortisedRefit`); where a check is evaluated (the probes, q* of the ascents, the held-out digit) is
/// an input too. Each check's expected side is recomputed the way its method says, through `Models`, and its computed
/// side by code written here:
/// - `amortised.gradient.…`: expected ∂L/∂θᵢ by `VariationalAutoencoder.gradient`; computed: central differences of
///   the fixed-noise objective by this file's own forward pass (encoder, reparameterisation, decoder, Gaussian
///   log-density, closed-form KL, all plain loops).
/// - `amortised.arc.pruned_reference_rule`, `comparison.held_out.…`: expected the full reference rule through
///   `Models`; computed the same sum by the nonlinear checks' plain loop (`NonlinearRefit.meanLogMarginal`).
/// - `amortised.digits_grid.k`: expected the lesson's pruned even grid (`VAELesson.digitsLogMarginals`); computed the
///   finer grid's full trapezoid sum by the same plain loop.
/// - `gaps.sum.P`: expected log p(x) − ELBO(q_φ) through `Models`; computed (log p − ELBO(q*)) + (ELBO(q*) − ELBO(q_φ))
///   with log p and both ELBOs by this file's loops (the ELBO's E_q[log p(x|z)] by its own trapezoid in ξ).
/// - `gaps.inference_is_kl.P`, `gaps.approximation_is_kl.P`, `comparison.gap_is_kl.…`: expected log p − ELBO through
///   `Models`; computed KL(q ‖ p(z|x)) on this file's own z-grid (`ownKL`).
extension VAEChecks {
    /// The checks of VAELesson+Amortised, recomputed independently.
    static func amortisedChecks(_ check: Check, _ setting: Setting) throws -> Recomputed? {
        let name = check.name
        guard name.hasPrefix("amortised.") || name.hasPrefix("gaps.") else { return nil }
        let refit = try VAEAmortisedRefit.cached(setting)
        let parts = name.split(separator: ".").map(String.init)
        switch parts[1] {
        case "gradient": return try refit.gradient(parts)
        case "arc" where parts.count == 3 && parts[2] == "pruned_reference_rule": return try refit.prunedReferenceRule()
        case "digits_grid": return try refit.digitsGrid(parts)
        case "sum", "inference_is_kl", "approximation_is_kl": return try refit.gap(parts)
        default: return nil
        }
    }
}

/// The lesson's trained VAEs, rebuilt from the seed.
final class VAEAmortisedRefit: Sendable {
    let settings: VAESettings
    let streams: VAEStreams
    let arc: ArcSetting
    let arcVAE: VariationalAutoencoder
    let digits: DigitsVAEFit

    init(_ setting: VAEChecks.Setting) throws {
        settings = setting.settings
        streams = setting.streams
        arc = try setting.arc()
        arcVAE = try VAELesson.trainArcVAE(arc, settings, streams).trained
        digits = try VAELesson.trainDigitsVAE(setting.digits, settings, streams)
    }

    private static let refits = Mutex<[String: VAEAmortisedRefit]>([:])

    static func cached(_ setting: VAEChecks.Setting) throws -> VAEAmortisedRefit {
        let key = "\(setting.seed)/\(setting.quick)"
        if let refit = refits.withLock({ $0[key] }) { return refit }
        let refit = try VAEAmortisedRefit(setting)
        refits.withLock { $0[key] = refit }
        return refit
    }

    // MARK: - Step 5

    /// `amortised.gradient.MODEL.PART.k`.
    func gradient(_ parts: [String]) throws -> Recomputed? {
        guard parts.count == 5, let k = Int(parts[4]) else { return nil }
        let gradientRows = digits.training.rows(0..<min(settings.gradientCheckRows, digits.training.rows))
        // ε: the arc's N × 1 draws, then the digits' N × 2, from the gradient-check stream
        var random = streams.generator(VAEStreams.gradientCheck)
        let arcNoise = (0..<arc.x.rows).map { _ in random.nextStandardNormal() }
        let digitsNoise = (0..<(2 * gradientRows.rows)).map { _ in random.nextStandardNormal() }
        let (vae, x, noise): (VariationalAutoencoder, Matrix, [Double])
        switch parts[2] {
        case "arc": (vae, x, noise) = (arcVAE, arc.x, arcNoise)
        case "digits": (vae, x, noise) = (digits.trained, gradientRows, digitsNoise)
        default: return nil
        }
        let coordinates = VAELesson.gradientCoordinates(vae)
        let list = parts[3] == "encoder" ? coordinates.encoder : coordinates.decoder
        guard list.indices.contains(k - 1) else { return nil }
        let index = list[k - 1].index
        let analytic = try vae.gradient(x, noise: Matrix(rows: x.rows, columns: vae.latentDimension, elements: noise))
        let expected = parts[3] == "encoder" ? analytic.encoder[index] : analytic.decoder[index]
        var plus = vae, minus = vae
        let h: Double
        if parts[3] == "encoder" {
            var phi = vae.encoder.parameters
            h = 1e-5 * max(1, abs(phi[index]))
            phi[index] += h; plus.encoder.parameters = phi
            phi[index] -= 2 * h; minus.encoder.parameters = phi
        } else {
            var theta = vae.model.parameters
            h = 1e-5 * max(1, abs(theta[index]))
            theta[index] += h; plus.model.parameters = theta
            theta[index] -= 2 * h; minus.model.parameters = theta
        }
        let computed = (Self.ownObjective(plus, x, noise) - Self.ownObjective(minus, x, noise)) / (2 * h)
        return Recomputed(expected: expected, computed: computed)
    }

    /// L = (1/N) Σₙ [log N(xₙ; f(mₙ + sₙ ⊙ εₙ), σ²I) − ½ Σⱼ (mₙⱼ² + sₙⱼ² − 1 − 2 log sₙⱼ)], every layer by hand.
    static func ownObjective(_ vae: VariationalAutoencoder, _ x: Matrix, _ noise: [Double]) -> Double {
        let e = vae.encoder, f = vae.model.decoder
        let (dIn, h, d) = (e.inputDimension, e.hiddenUnits, e.latentDimension)
        let (hf, dOut) = (f.hiddenUnits, f.outputDimension)
        let sigma2 = vae.model.noiseVariance
        var total = 0.0
        for n in 0..<x.rows {
            var hidden = [Double](repeating: 0, count: h)
            for u in 0..<h {
                var a = e.b1[u]
                for i in 0..<dIn { a += x[n, i] * e.w1[i, u] }
                hidden[u] = tanh(a)
            }
            var out = [Double](repeating: 0, count: 2 * d)
            for k in 0..<(2 * d) {
                var p = e.b2[k]
                for u in 0..<h { p += hidden[u] * e.w2[u, k] }
                out[k] = p
            }
            var z = [Double](repeating: 0, count: d), kl = 0.0
            for j in 0..<d {
                let (m, l) = (out[j], out[d + j])
                z[j] = m + exp(l) * noise[n * d + j]
                kl += 0.5 * (m * m + exp(2 * l) - 1 - 2 * l)
            }
            var decoderHidden = [Double](repeating: 0, count: hf)
            for u in 0..<hf {
                var a = f.b1[u]
                for j in 0..<d { a += z[j] * f.w1[j, u] }
                decoderHidden[u] = tanh(a)
            }
            var squared = 0.0
            for k in 0..<dOut {
                var p = f.b2[k]
                for u in 0..<hf { p += decoderHidden[u] * f.w2[u, k] }
                let mean: Double
                switch f.output {
                case .linear: mean = p
                case .scaledSigmoid(let c): mean = c / (1 + exp(-p))
                }
                squared += (x[n, k] - mean) * (x[n, k] - mean)
            }
            total += -0.5 * Double(dOut) * log(2 * Double.pi * sigma2) - squared / (2 * sigma2) - kl
        }
        return total / Double(x.rows)
    }

    /// `amortised.arc.pruned_reference_rule`.
    func prunedReferenceRule() throws -> Recomputed {
        let checked = arc.x.rows(0..<min(settings.prunedCheckRows, arc.x.rows))
        let expected = try arcVAE.model.quadratureMarginal(checked, quadrature: arc.referenceRule).meanLogMarginal
        let own = NonlinearRefit.meanLogMarginal(arcVAE.model, checked, nodes: arc.referenceRule.nodes, logWeights: arc.referenceRule.logWeights)
        return Recomputed(expected: expected, computed: own.value, expectedAgreement: 64 * Double.ulpOfOne * max(1, abs(expected)),
                          computedAgreement: max(own.agreement, 1e-10))
    }

    /// `amortised.digits_grid.k`.
    func digitsGrid(_ parts: [String]) throws -> Recomputed? {
        guard parts.count == 3, let k = Int(parts[2]), (1...settings.digitsCheckRows).contains(k) else { return nil }
        let row = digits.heldOut.rows((k - 1)..<k)
        let expected = try VAELesson.digitsLogMarginals(digits.trained.model, row, settings).logMarginals[0]
        let fine = try LatentQuadrature.trapezoid(halfWidth: settings.digitsCheckGrid.halfWidth,
                                                  pointsPerDimension: settings.digitsCheckGrid.points, dimension: 2)
        let own = NonlinearRefit.meanLogMarginal(digits.trained.model, row, nodes: fine.nodes, logWeights: fine.logWeights)
        return Recomputed(expected: expected, computed: own.value, computedAgreement: max(own.agreement, 1e-9))
    }

    // MARK: - Step 6

    /// The lesson's decomposition at the probes (the ascents rerun through `Models`: inputs of the checks).
    func probeGaps() throws -> [AmortizationGapDecomposition] {
        let model = arcVAE.model
        let probes = Matrix(arc.probes.map(\.x))
        let (m, l) = arcVAE.encoder.forward(probes)
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: settings.gapRulePoints, dimension: 1)
        return try model.amortizationGaps(probes, amortizedMeans: m, amortizedLogStandardDeviations: l,
                                          logMarginals: try model.logMarginals(probes, quadrature: arc.referenceRule),
                                          starts: [try VAELesson.modeStarts(model, probes, settings)],
                                          standardRule: try .gaussHermite(order: settings.climbOrder, dimension: 1), evaluationRule: rule,
                                          steps: settings.gapSteps, learningRate: settings.gapLearningRate)
    }

    /// `gaps.sum.P`, `gaps.inference_is_kl.P`, `gaps.approximation_is_kl.P`.
    func gap(_ parts: [String]) throws -> Recomputed? {
        guard parts.count == 3, let i = arc.probes.firstIndex(where: { $0.name == parts[2] }) else { return nil }
        let model = arcVAE.model
        let x = arc.probes[i].x
        let g = try probeGaps()[i]
        let (m, l) = arcVAE.encoder.forward(Matrix([x]))
        let qPhi = try VariationalGaussian(mean: [m[0, 0]], standardDeviations: [exp(l[0, 0])])
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: settings.gapRulePoints, dimension: 1)
        let logPx = try model.logMarginals(Matrix([x]), quadrature: arc.referenceRule)[0]
        let elboPhi = try model.elbo(x, q: qPhi, standardRule: rule).value
        let elboStar = try model.elbo(x, q: g.optimal, standardRule: rule).value
        switch parts[1] {
        case "sum":
            let ownLogPx = NonlinearRefit.meanLogMarginal(model, Matrix([x]), nodes: arc.referenceRule.nodes,
                                                          logWeights: arc.referenceRule.logWeights).value
            let ownPhi = Self.ownELBO(model, x, mean: qPhi.mean[0], sd: qPhi.covariance[0, 0].squareRoot(), points: settings.gapRulePoints)
            let ownStar = Self.ownELBO(model, x, mean: g.optimal.mean[0], sd: g.optimal.covariance[0, 0].squareRoot(),
                                       points: settings.gapRulePoints)
            let scale = max(1, abs(ownPhi) + abs(ownLogPx))
            return Recomputed(expected: logPx - elboPhi, computed: (ownLogPx - ownStar) + (ownStar - ownPhi),
                              expectedAgreement: 1e-11 * scale, computedAgreement: 1e-9 * scale)
        case "inference_is_kl":
            let own = Self.ownKL(model, x, mean: qPhi.mean[0], sd: qPhi.covariance[0, 0].squareRoot())
            return Recomputed(expected: logPx - elboPhi, computed: own.kl, expectedAgreement: 1e-11 * max(1, abs(elboPhi)),
                              computedAgreement: own.agreement)
        case "approximation_is_kl":
            let own = Self.ownKL(model, x, mean: g.optimal.mean[0], sd: g.optimal.covariance[0, 0].squareRoot())
            return Recomputed(expected: logPx - elboStar, computed: own.kl, expectedAgreement: 1e-11 * max(1, abs(elboStar)),
                              computedAgreement: own.agreement)
        default: return nil
        }
    }

    /// ELBO(N(m, s²)) of a 1-D model at x: E_q[log p(x|z)] by a trapezoid rule of `points` nodes in ξ = (z − m)/s on
    /// ±8 (weights h φ(ξ), halved at the ends), plus −½(log 2π + m² + s²) and ½(1 + log 2π) + log s.
    static func ownELBO(_ model: NonlinearLVM, _ x: [Double], mean m: Double, sd s: Double, points n: Int) -> Double {
        let h = 16 / Double(n - 1)
        let xi = (0..<n).map { -8 + Double($0) * h }
        let f = model.decoder(Matrix(rows: n, columns: 1, elements: xi.map { m + s * $0 }))
        let sigma2 = model.noiseVariance
        var expected = 0.0
        for k in 0..<n {
            var sq = 0.0
            for j in 0..<x.count { sq += (x[j] - f[k, j]) * (x[j] - f[k, j]) }
            let w = h * (k == 0 || k == n - 1 ? 0.5 : 1) * exp(-0.5 * xi[k] * xi[k]) / (2 * Double.pi).squareRoot()
            expected += w * (-0.5 * Double(x.count) * log(2 * Double.pi * sigma2) - sq / (2 * sigma2))
        }
        return expected - 0.5 * (log(2 * Double.pi) + m * m + s * s) + 0.5 * (1 + log(2 * Double.pi)) + log(s)
    }

    /// KL(N(m, s²) ‖ p(z|x)) of a 1-D model on an own trapezoid z-grid (spacing ≤ 0.0025 on ±max(8, |m| + 10s)), the
    /// posterior normalised on it; and how closely another evaluation of the same sum can agree.
    static func ownKL(_ model: NonlinearLVM, _ x: [Double], mean m: Double, sd s: Double) -> (kl: Double, agreement: Double) {
        let half = max(8, abs(m) + 10 * s)
        let n = Int((2 * half / 0.0025).rounded(.up)) + 1
        let h = 2 * half / Double(n - 1)
        let z = (0..<n).map { -half + Double($0) * h }
        let f = model.decoder(Matrix(rows: n, columns: 1, elements: z))
        let sigma2 = model.noiseVariance
        var logJoint = [Double](repeating: 0, count: n), logQ = [Double](repeating: 0, count: n)
        var largestSquare = 0.0
        for i in 0..<n {
            var sq = 0.0, ff = 0.0
            for j in 0..<x.count { sq += (x[j] - f[i, j]) * (x[j] - f[i, j]); ff += f[i, j] * f[i, j] }
            largestSquare = max(largestSquare, ff)
            logJoint[i] = -0.5 * Double(x.count) * log(2 * Double.pi * sigma2) - sq / (2 * sigma2) - 0.5 * z[i] * z[i] - 0.5 * log(2 * Double.pi)
            logQ[i] = -0.5 * ((z[i] - m) / s) * ((z[i] - m) / s) - log(s) - 0.5 * log(2 * Double.pi)
        }
        let weight = { (i: Int) in h * (i == 0 || i == n - 1 ? 0.5 : 1) }
        let peak = logJoint.max()!
        var evidence = 0.0
        for i in 0..<n { evidence += weight(i) * exp(logJoint[i] - peak) }
        let logEvidence = peak + log(evidence)
        var kl = 0.0, magnitude = abs(logEvidence)
        for i in 0..<n {
            let w = weight(i) * exp(logQ[i])
            kl += w * (logQ[i] - logJoint[i] + logEvidence)
            magnitude += w * (abs(logQ[i]) + abs(logJoint[i]))
        }
        let squares = (x.reduce(0) { $0 + $1 * $1 } + largestSquare) / (2 * sigma2)
        return (kl, 64 * Double(n) * .ulpOfOne * (magnitude + squares))
    }
}
