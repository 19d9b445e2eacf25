import Foundation
import LessonKit
import LinearAlgebra
import Models
import Testing
@testable import Lessons

/// Step 8 of the VAE lesson, recomputed from the inputs.
///
/// - `linear_vae.elbo_reaches_ml`: expected ℓ_ML = −½[D log 2π + Σⱼ≤2 log λⱼ + (D − 2) log σ²_ML + D] from the
///   eigenvalues (`SymmetricEigen`) of the test's own 1/N covariance (loops); computed: the linear VAE trained anew
///   through `LinearVAE.trained` from the test's own start (the `linearInit` stream in the lesson's order: W₀ row-major,
///   then V₀ row-major; σ₀² = tr S / D, τ₀² = 1) on `PPCAMaximumLikelihood`'s scatter, the training's input, and its
///   ELBO averaged over the digits by a loop over rows with the per-row closed form written here.
/// - `linear_vae.collapse_kl.P.j`: expected ½ log(max(λⱼ, σ²)/σ²) with the test's own eigenvalues and σ² probes;
///   computed: the fixed-σ² optimum built here (wⱼ = uⱼ (λⱼ − σ²)₊^{1/2}, V = M⁻¹Wᵀ, τⱼ² = σ²/Mⱼⱼ with the 2 × 2
///   inverse by hand) and its KLⱼ = ½(τⱼ² + (VSVᵀ)ⱼⱼ − 1 − log τⱼ²) by loops over the scatter.
extension VAEChecks {
    /// The checks of VAELesson+LinearVAE, recomputed independently.
    static func linearChecks(_ check: Check, _ setting: Setting) throws -> Recomputed? {
        guard check.name.hasPrefix("linear_vae.") else { return nil }
        let x = setting.digits
        let (n, dim) = (x.rows, x.columns)
        var mean = [Double](repeating: 0, count: dim)
        for i in 0..<n { for j in 0..<dim { mean[j] += x[i, j] / Double(n) } }
        var s = Matrix.zeros(dim, dim)
        for i in 0..<n { for j in 0..<dim {
            let a = x[i, j] - mean[j]
            for k in 0..<dim { s[j, k] += a * (x[i, k] - mean[k]) / Double(n) }
        } }
        let eigen = try SymmetricEigen(of: s)
        let lambda = eigen.eigenvalues                  // descending
        let d = 2
        let sigma2ML = lambda[d...].reduce(0, +) / Double(dim - d)
        switch check.name {
        case "linear_vae.elbo_reaches_ml":
            var ell = Double(dim) * log(2 * Double.pi) + Double(dim - d) * log(sigma2ML) + Double(dim)
            for j in 0..<d { ell += log(lambda[j]) }
            ell *= -0.5
            // the start, as the lesson draws it, and the training through Models on the lesson's scatter
            let fit = try PPCAMaximumLikelihood(x)
            var random = setting.stream(VAEStreams.linearInit)
            let scales = setting.settings.linearInitialScales
            let w0 = Matrix(rows: dim, columns: d, elements: (0..<(dim * d)).map { _ in scales.decoder * random.nextStandardNormal() })
            let v0 = Matrix(rows: d, columns: dim, elements: (0..<(dim * d)).map { _ in scales.encoder * random.nextStandardNormal() })
            let start = try LinearVAE(mean: fit.mean, decoderLoading: w0, noiseVariance: fit.covariance.trace / Double(dim),
                                      encoderLoading: v0, encoderVariances: [1, 1])
            let s8 = setting.settings
            let trained = try start.trained(scatter: fit.covariance, schedule: TrainingSchedule(
                steps: s8.linearSteps, learningRate: s8.linearLearningRate, finalLearningRate: s8.linearFinalLearningRate))
            // per-row ELBO: −(D/2) log 2πσ² − (‖c − Wu‖² + Σⱼ τⱼ²‖wⱼ‖²)/(2σ²) − Σⱼ ½(τⱼ² + uⱼ² − 1 − log τⱼ²), u = Vc
            let (w, v, tau2, sigma2) = (trained.decoderLoading, trained.encoderLoading, trained.encoderVariances, trained.noiseVariance)
            var spread = 0.0
            for j in 0..<d { for i in 0..<dim { spread += tau2[j] * w[i, j] * w[i, j] } }
            var total = 0.0
            for r in 0..<n {
                let c = (0..<dim).map { x[r, $0] - trained.mean[$0] }
                let u = (0..<d).map { j in (0..<dim).reduce(0) { $0 + v[j, $1] * c[$1] } }
                var r2 = 0.0
                for i in 0..<dim {
                    var e = c[i]
                    for j in 0..<d { e -= w[i, j] * u[j] }
                    r2 += e * e
                }
                var kl = 0.0
                for j in 0..<d { kl += 0.5 * (tau2[j] + u[j] * u[j] - 1 - log(tau2[j])) }
                total += -0.5 * Double(dim) * log(2 * Double.pi * sigma2) - (r2 + spread) / (2 * sigma2) - kl
            }
            return Recomputed(expected: ell, computed: total / Double(n), expectedAgreement: 1e-10, computedAgreement: 1e-9)
        case let name where name.hasPrefix("linear_vae.collapse_kl."):
            let parts = name.split(separator: ".")
            guard parts.count == 4, let j = Int(parts[3]), (1...d).contains(j) else { return nil }
            let sigma2: Double
            switch parts[2] {
            case "ml_noise": sigma2 = sigma2ML
            case "between_l1_l2": sigma2 = (lambda[0] * lambda[1]).squareRoot()
            case "above_l1": sigma2 = 2 * lambda[0]
            default: return nil
            }
            let expected = 0.5 * log(max(lambda[j - 1], sigma2) / sigma2)
            var w = Matrix.zeros(dim, d)
            for k in 0..<d { for i in 0..<dim { w[i, k] = eigen.eigenvectors[i, k] * max(lambda[k] - sigma2, 0).squareRoot() } }
            var m = [[0.0, 0.0], [0.0, 0.0]]
            for a in 0..<d { for b in 0..<d {
                for i in 0..<dim { m[a][b] += w[i, a] * w[i, b] }
                if a == b { m[a][b] += sigma2 }
            } }
            let det = m[0][0] * m[1][1] - m[0][1] * m[1][0]
            let inverse = [[m[1][1] / det, -m[0][1] / det], [-m[1][0] / det, m[0][0] / det]]
            let row = j - 1
            let vRow = (0..<dim).map { i in inverse[row][0] * w[i, 0] + inverse[row][1] * w[i, 1] }     // row j of M⁻¹Wᵀ
            var vsv = 0.0
            for a in 0..<dim { for b in 0..<dim { vsv += vRow[a] * s[a, b] * vRow[b] } }
            let tau2 = sigma2 / m[row][row]
            let kl = 0.5 * (tau2 + vsv - 1 - log(tau2))
            return Recomputed(expected: expected, computed: kl, scale: 1, expectedAgreement: 1e-12, computedAgreement: 1e-10)
        default: return nil
        }
    }
}
