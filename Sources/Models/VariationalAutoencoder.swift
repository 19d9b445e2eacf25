// VariationalAutoencoder — a GaussianEncoder q_φ(z|x) and a NonlinearLVM p_θ(x, z) together: the reparameterised
// ELBO, in its two estimator forms, and its gradient with respect to φ and θ (including the decoder's log σ²).
//
// The bound (Kingma & Welling 2014, eq. 3 and 7–10; Rezende, Mohamed & Wierstra 2014, §3–4), per observation x:
//   ELBO(x) = E_{q(z|x)}[log p(x|z) + log p(z) − log q(z|x)]                     (A: every density sampled)
//           = E_{q(z|x)}[log p(x|z)] − KL(q(z|x) ‖ p(z))                          (B: the KL in closed form)
// with p(z) = N(0, I_d), p(x|z) = N(x; f_θ(z), σ²I_D), q(z|x) = N(m, diag s²), [m, log s] = encoder(x), and
//   KL(q ‖ p(z)) = ½ Σⱼ (mⱼ² + sⱼ² − 1 − 2 log sⱼ)                              (Kingma & Welling 2014, appendix B).
// Both are estimated with the reparameterisation z = m + s ⊙ ε, ε ~ N(0, I_d), which moves the randomness out of
// the parameters so that the estimate is a differentiable function of φ:
//   A(ε) = log p(x|z) − ½‖z‖² + Σⱼ log sⱼ + ½‖ε‖²        (the (2π) constants of log p(z) and log q cancel)
//   B(ε) = log p(x|z) − KL(q ‖ p(z)).
// E_ε[A] − E_ε[B] = E_q[log p(z) − log q(z|x)] + KL = 0: the two have the same expectation (the ELBO) for any φ, θ;
// B usually has the smaller variance, since the prior and entropy terms are exact. Both are ≤ log p(x) in
// expectation, with equality exactly when q(z|x) = p(z|x).
//
// Noise layout: S draws for each of the N rows of x come as one (N·S) × d matrix ε of S blocks of N rows; row
// s·N + n is draw s for observation n. Per-row results average their S draws.
//
// Gradient of the per-sample average L = (1/N) Σₙ (1/S) Σₛ B(εₙₛ) (natural log):
//   decoder:   ∂L/∂F at the rows zₙₛ is (xₙ − f(zₙₛ))/(σ² N S); MLPDecoder.backward gives ∂L/∂θ and ∂L/∂Z,
//              ∂L/∂ log σ² = (1/NS) Σₙₛ (−D/2 + ‖xₙ − f(zₙₛ)‖²/(2σ²))
//   through z: ∂L/∂mₙ     = Σₛ ∂L/∂zₙₛ                      − mₙ/N              (z = m + s ⊙ ε; −KL/N)
//              ∂L/∂log sₙ = Σₛ ∂L/∂zₙₛ ⊙ sₙ ⊙ εₙₛ           − (sₙ² − 1)/N       (∂z/∂log s = s ⊙ ε)
//   encoder:   GaussianEncoder.backward with those two upstream gradients gives ∂L/∂φ.

import Foundation
import LinearAlgebra

/// An amortised Gaussian encoder and the nonlinear latent variable model it approximates the posterior of.
public struct VariationalAutoencoder: Sendable, Equatable {
    public var encoder: GaussianEncoder
    public var model: NonlinearLVM

    /// The encoder must read D-dimensional data and give q over the model's d latent dimensions.
    public init(encoder: GaussianEncoder, model: NonlinearLVM) throws(NonlinearModelError) {
        guard encoder.inputDimension == model.dataDimension, encoder.latentDimension == model.latentDimension else {
            throw .dimensionMismatch(
                "encoder maps \(encoder.inputDimension) → \(encoder.latentDimension); the model has D = \(model.dataDimension), d = \(model.latentDimension)")
        }
        self.encoder = encoder
        self.model = model
    }

    public var latentDimension: Int { model.latentDimension }
    public var dataDimension: Int { model.dataDimension }

    /// The two single-draw estimators of the ELBO (see the file header); they agree in expectation.
    public enum ELBOForm: Sendable, Equatable {
        /// A(ε) = log p(x|z) + log p(z) − log q(z|x): every density evaluated at the sampled z.
        case sampledDensities
        /// B(ε) = log p(x|z) − KL(q(z|x) ‖ p(z)), the KL in closed form (the form `gradient` differentiates).
        case closedFormKL
    }

    // MARK: - KL and the ELBO

    /// KL(N(m, diag s²) ‖ N(0, I)) = ½ Σⱼ (mⱼ² + sⱼ² − 1 − 2 log sⱼ) for every row of m and log s (n, d each), in nats.
    public static func klToPrior(mean m: Matrix, logStandardDeviation l: Matrix) -> [Double] {
        precondition(m.rows == l.rows && m.columns == l.columns, "klToPrior: mean and log s shapes differ")
        let d = m.columns
        return (0..<m.rows).map { i in
            var kl = 0.0
            for j in 0..<d {
                let mj = m.elements[i * d + j], lj = l.elements[i * d + j]
                kl += mj * mj + exp(2 * lj) - 1 - 2 * lj
            }
            return 0.5 * kl
        }
    }

    /// KL(q(z|xₙ) ‖ p(z)) for every row of x (N, D), in nats.
    public func klToPrior(_ x: Matrix) throws(NonlinearModelError) -> [Double] {
        try model.check(x)
        let (m, l) = encoder.forward(x)
        return Self.klToPrior(mean: m, logStandardDeviation: l)
    }

    /// z = m + s ⊙ ε for every draw: (N·S, d), row s·N + n from observation n (ε as in the file header).
    public func latentSamples(_ x: Matrix, noise: Matrix) throws(NonlinearModelError) -> Matrix {
        let draws = try checkNoise(x, noise)
        let (m, l) = encoder.forward(x)
        return Self.reparameterise(mean: m, logStandardDeviation: l, noise: noise, draws: draws)
    }

    /// The reparameterised ELBO estimate of every row of x (N, D), averaged over the S draws in `noise` ((N·S) × d),
    /// natural log. Both forms have expectation ELBO(xₙ) ≤ log p(xₙ); their average over many draws converges to it.
    public func elbo(_ x: Matrix, noise: Matrix, form: ELBOForm = .sampledDensities) throws(NonlinearModelError) -> [Double] {
        let draws = try checkNoise(x, noise)
        let n = x.rows, d = latentDimension
        let (m, l) = encoder.forward(x)
        let z = Self.reparameterise(mean: m, logStandardDeviation: l, noise: noise, draws: draws)
        let f = model.decoder(z)
        let logLikelihood = pairedLogLikelihoods(x, f, draws: draws)
        var out = [Double](repeating: 0, count: n)
        switch form {
        case .closedFormKL:
            let kl = Self.klToPrior(mean: m, logStandardDeviation: l)
            for r in 0..<(n * draws) { out[r % n] += logLikelihood[r] }
            for i in 0..<n { out[i] = out[i] / Double(draws) - kl[i] }
        case .sampledDensities:
            for r in 0..<(n * draws) {
                let i = r % n
                var value = logLikelihood[r]
                for j in 0..<d {
                    let zj = z.elements[r * d + j], ej = noise.elements[r * d + j]
                    value += -0.5 * zj * zj + l.elements[i * d + j] + 0.5 * ej * ej   // log p(z) − log q(z|x)
                }
                out[i] += value
            }
            for i in 0..<n { out[i] /= Double(draws) }
        }
        return out
    }

    // MARK: - Gradient

    /// The average closed-form-KL ELBO (1/N) Σₙ (1/S) Σₛ B(εₙₛ) and its gradient: w.r.t. the encoder's parameters (the
    /// order of `GaussianEncoder.parameters`) and the model's (the order of `NonlinearLVM.parameters`: θ, then log σ²).
    public func gradient(_ x: Matrix, noise: Matrix) throws(NonlinearModelError) -> (encoder: [Double], decoder: [Double], value: Double) {
        let draws = try checkNoise(x, noise)
        let n = x.rows, d = latentDimension, dx = dataDimension, rows = n * draws
        let encoderPass = encoder.forwardPass(x)                                 // M, log S (n, d)
        let m = encoderPass.mean, l = encoderPass.logStandardDeviation
        let z = Self.reparameterise(mean: m, logStandardDeviation: l, noise: noise, draws: draws)   // Z = M + S ⊙ ε
        let decoderPass = model.decoder.forward(z)                               // F (n·S, D)
        let f = decoderPass.output
        let sigma2 = model.noiseVariance
        let c0 = -0.5 * Double(dx) * (log(2 * Double.pi) + model.logNoiseVariance)
        // log p(x|z) and ∂L/∂F = (xₙ − f)/(σ² N S), ∂L/∂log σ² = (1/NS) Σ (−D/2 + ‖xₙ − f‖²/(2σ²))
        var gf = Matrix.zeros(rows, dx)
        var sumLogLikelihood = 0.0, dLogVariance = 0.0
        let scale = 1 / (sigma2 * Double(rows))
        for r in 0..<rows {
            let i = r % n
            var sq = 0.0
            for k in 0..<dx {
                let residual = x.elements[i * dx + k] - f.elements[r * dx + k]
                sq += residual * residual
                gf.elements[r * dx + k] = scale * residual
            }
            sumLogLikelihood += c0 - 0.5 * sq / sigma2
            dLogVariance += sq / (2 * sigma2) - 0.5 * Double(dx)
        }
        dLogVariance /= Double(rows)
        let decoderBack = model.decoder.backward(decoderPass, outputGradient: gf)   // ∂L/∂θ, ∂L/∂Z
        let gz = decoderBack.latent
        // through z = m + s ⊙ ε, then the closed-form −KL/N
        let kl = Self.klToPrior(mean: m, logStandardDeviation: l)
        var gm = Matrix.zeros(n, d), gl = Matrix.zeros(n, d)
        for r in 0..<rows {
            let i = r % n
            for j in 0..<d {
                let g = gz.elements[r * d + j]
                gm.elements[i * d + j] += g                                                       // ∂z/∂m = 1
                gl.elements[i * d + j] += g * exp(l.elements[i * d + j]) * noise.elements[r * d + j]   // ∂z/∂log s = s ε
            }
        }
        let invN = 1 / Double(n)
        for e in 0..<(n * d) {
            gm.elements[e] -= m.elements[e] * invN                                // −∂KL/∂m / N = −m/N
            gl.elements[e] -= (exp(2 * l.elements[e]) - 1) * invN                 // −∂KL/∂log s / N = −(s² − 1)/N
        }
        let encoderBack = encoder.backward(encoderPass, meanGradient: gm, logStandardDeviationGradient: gl)
        let value = sumLogLikelihood / Double(rows) - kl.reduce(0, +) * invN
        let decoderGradient = NonlinearLVM.Gradient(decoder: decoderBack.parameters, logNoiseVariance: dLogVariance)
        return (encoderBack.flattened, decoderGradient.flattened, value)
    }

    // MARK: - Kernels

    /// Z = M + exp(log S) ⊙ ε with M, log S (n, d) repeated over the S blocks of ε ((n·S), d).
    static func reparameterise(mean m: Matrix, logStandardDeviation l: Matrix, noise: Matrix, draws: Int) -> Matrix {
        let n = m.rows, d = m.columns
        var z = noise
        for r in 0..<(n * draws) {
            let i = r % n
            for j in 0..<d {
                z.elements[r * d + j] = m.elements[i * d + j] + exp(l.elements[i * d + j]) * noise.elements[r * d + j]
            }
        }
        return z
    }

    /// log N(xₙ; f_r, σ²I) for every decoded row r = s·N + n (length N·S): each decoded row against its own observation.
    func pairedLogLikelihoods(_ x: Matrix, _ f: Matrix, draws: Int) -> [Double] {
        let n = x.rows, dx = x.columns
        let c0 = -0.5 * Double(dx) * (log(2 * Double.pi) + model.logNoiseVariance)
        let half = 0.5 / model.noiseVariance
        return (0..<(n * draws)).map { r in
            let i = r % n
            var sq = 0.0
            for k in 0..<dx {
                let residual = x.elements[i * dx + k] - f.elements[r * dx + k]
                sq += residual * residual
            }
            return c0 - half * sq
        }
    }

    /// Checks x and ε; returns the number of draws S per row.
    func checkNoise(_ x: Matrix, _ noise: Matrix) throws(NonlinearModelError) -> Int {
        try model.check(x)
        guard noise.columns == latentDimension, noise.rows > 0, noise.rows % x.rows == 0 else {
            throw .dimensionMismatch(
                "noise ε is \(noise.rows)×\(noise.columns); expected (N·S) × d with N = \(x.rows), d = \(latentDimension), S ≥ 1")
        }
        guard noise.isFinite else { throw .nonFinite("noise ε contains NaN or ±∞") }
        return noise.rows / x.rows
    }
}
