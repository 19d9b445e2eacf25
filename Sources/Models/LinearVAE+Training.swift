// LinearVAE+Training — gradient ascent (Adam) on the linear VAE's closed-form average ELBO (Lucas, Tucker, Grosse &
// Norouzi 2019, §4; the formulas of `LinearVAE.swift`).
//
// The mean μ is fixed (the sample mean of the rows the 1/N scatter S is about, μ's ML value whatever the rest). The
// parameters moved are θ = (W (D, d), s = log σ², V (d, D), t = log τ² (d)); working in log σ² and log τⱼ² keeps both
// variances positive without constraints. Write T = diag τ², A = I_D − WV (D, D), wⱼ the columns of W and
//
//   R(W, V, T) = tr(A S Aᵀ) + Σⱼ τⱼ² ‖wⱼ‖²
//              = tr S − 2 tr(W V S) + tr(Wᵀ W (V S Vᵀ + T))       (the expected squared residual, averaged over rows)
//   K(V, T)    = ½ Σⱼ (τⱼ² + (V S Vᵀ)ⱼⱼ − 1 − log τⱼ²)              (the average KL(q(z|x) ‖ p(z)))
//   F(θ)       = −(D/2) log 2π − (D/2) s − R e^{−s}/2 − K            (the average ELBO, nats per row).
//
// Its gradient, term by term (S symmetric; ∂ tr(W B)/∂W = Bᵀ, ∂ tr(W B Wᵀ)/∂W = 2 W B for symmetric B):
//   ∂R/∂W = −2 S Vᵀ + 2 W (V S Vᵀ + T)        ∂R/∂V = −2 Wᵀ S + 2 WᵀW V S = −2 Wᵀ A S        ∂R/∂τⱼ² = ‖wⱼ‖²
//   ∂K/∂V = V S                               ∂K/∂τⱼ² = ½ (1 − 1/τⱼ²)
// so that
//   ∂F/∂W  = (S Vᵀ − W (V S Vᵀ + T)) / σ²                       (D, d)   the decoder's normal equations
//   ∂F/∂s  = −D/2 + R/(2σ²)                                      zero at σ² = R/D, the mean squared residual per pixel
//   ∂F/∂V  = (Wᵀ A / σ² − V) S                                   (d, D)   zero at V = M⁻¹Wᵀ, M = WᵀW + σ²I (given T)
//   ∂F/∂tⱼ = τⱼ² ∂F/∂τⱼ² = ½ − ½ τⱼ² (1 + ‖wⱼ‖²/σ²)              zero at τⱼ² = σ²/(σ² + ‖wⱼ‖²)
// (the chain rule through s and tⱼ multiplies by σ² and τⱼ²). Every term costs O(D² d) from S: the rows are never
// looked at again. Adam (`Adam.swift`) takes descent steps on −F; the learning rate decays geometrically from
// `learningRate` to `finalLearningRate` at the last step, as in `NonlinearLVM.train`. Deterministic: full batch, no
// sampling, a fixed order of operations — the same start gives the same trained model, bit for bit.
//
// The gradient is tested against central differences of `averageELBOTerms(scatter:)` in
// Tests/ModelsTests/LinearVAETrainingTests.swift.

import Foundation
import LinearAlgebra

extension LinearVAE {
    /// ∂F/∂θ of the average ELBO F in the coordinates the training moves: W, log σ², V, log τ².
    public struct Gradient: Sendable, Equatable {
        /// ∂F/∂W, (D, d).
        public var decoderLoading: Matrix
        /// ∂F/∂ log σ².
        public var logNoiseVariance: Double
        /// ∂F/∂V, (d, D).
        public var encoderLoading: Matrix
        /// ∂F/∂ log τⱼ², length d.
        public var logEncoderVariances: [Double]

        /// W row-major, log σ², V row-major, log τ² — the order of `LinearVAE.trainableParameters`.
        public var flattened: [Double] { decoderLoading.elements + [logNoiseVariance] + encoderLoading.elements + logEncoderVariances }
    }

    /// The average ELBO F (nats per row) from the 1/N scatter S (D, D) about this model's μ, and its gradient in
    /// (W, log σ², V, log τ²) — the formulas of the file header. O(D² d).
    public func averageELBOAndGradient(scatter s: Matrix) throws(NonlinearModelError) -> (value: Double, gradient: Gradient) {
        let (d, q) = (dimension, latentDimension)
        guard s.rows == d, s.columns == d else { throw .dimensionMismatch("scatter is \(s.rows)×\(s.columns); D = \(d)") }
        let w = decoderLoading, v = encoderLoading, sigma2 = noiseVariance, tau2 = encoderVariances
        let vs = v * s                                                             // (d, D)  V S
        let vsvt = vs.timesTranspose(v)                                            // (d, d)  V S Vᵀ
        let wtw = w.transposeTimes(w)                                              // (d, d)  WᵀW
        // R = tr S − 2 tr(W V S) + tr(WᵀW (V S Vᵀ + T)); tr(W V S) = Σ (V S)ⱼᵢ Wᵢⱼ
        var crossTrace = 0.0
        for j in 0..<q { for i in 0..<d { crossTrace += vs[j, i] * w[i, j] } }
        var b = vsvt                                                               // (d, d)  V S Vᵀ + T
        for j in 0..<q { b[j, j] += tau2[j] }
        var quadratic = 0.0
        for i in 0..<(q * q) { quadratic += wtw.elements[i] * b.elements[i] }     // both symmetric
        let r = s.trace - 2 * crossTrace + quadratic
        var kl = 0.0
        for j in 0..<q { kl += 0.5 * (tau2[j] + vsvt[j, j] - 1 - log(tau2[j])) }
        let value = -0.5 * Double(d) * log(2 * Double.pi * sigma2) - r / (2 * sigma2) - kl

        // ∂F/∂W = (S Vᵀ − W (V S Vᵀ + T)) / σ²;  S Vᵀ = (V S)ᵀ
        let wb = w * b                                                             // (D, d)
        var gw = Matrix.zeros(d, q)
        for i in 0..<d { for j in 0..<q { gw[i, j] = (vs[j, i] - wb[i, j]) / sigma2 } }
        // ∂F/∂V = (Wᵀ A / σ² − V) S = (Wᵀ S − WᵀW V S) / σ² − V S
        let wts = w.transposeTimes(s)                                              // (d, D)  Wᵀ S
        let wtwvs = wtw * vs                                                       // (d, D)
        var gv = Matrix.zeros(q, d)
        for j in 0..<q { for i in 0..<d { gv[j, i] = (wts[j, i] - wtwvs[j, i]) / sigma2 - vs[j, i] } }
        let gt = (0..<q).map { j in 0.5 - 0.5 * tau2[j] * (1 + wtw[j, j] / sigma2) }
        let gs = -0.5 * Double(d) + r / (2 * sigma2)
        return (value, Gradient(decoderLoading: gw, logNoiseVariance: gs, encoderLoading: gv, logEncoderVariances: gt))
    }

    /// θ = (W row-major, log σ², V row-major, log τ²): D d + 1 + d D + d numbers.
    public var trainableParameters: [Double] {
        decoderLoading.elements + [log(noiseVariance)] + encoderLoading.elements + encoderVariances.map { log($0) }
    }

    /// The model with the same μ and θ = `parameters` (the layout of `trainableParameters`).
    public func withTrainableParameters(_ parameters: [Double]) throws(NonlinearModelError) -> LinearVAE {
        let (d, q) = (dimension, latentDimension)
        guard parameters.count == 2 * d * q + 1 + q else {
            throw .dimensionMismatch("linear VAE: \(parameters.count) parameters, need 2·D·d + 1 + d = \(2 * d * q + 1 + q)")
        }
        let w = Matrix(rows: d, columns: q, elements: Array(parameters[0..<(d * q)]))
        let sigma2 = exp(parameters[d * q])
        let v = Matrix(rows: q, columns: d, elements: Array(parameters[(d * q + 1)..<(2 * d * q + 1)]))
        let tau2 = parameters[(2 * d * q + 1)...].map { exp($0) }
        return try LinearVAE(mean: mean, decoderLoading: w, noiseVariance: sigma2, encoderLoading: v, encoderVariances: tau2)
    }

    /// Adam on −F, full batch, from this model: `schedule.steps` steps with the learning rate decaying geometrically
    /// from `schedule.learningRate` to `schedule.finalLearningRate` (`batchSize` is ignored: F is exact from S).
    /// `fixedNoiseVariance: true` keeps σ² where it is (the fixed-σ² ELBO of a posterior-collapse experiment).
    /// `observe(step, model, F)` is called before the first step (step 0) and after every step, with F of that model.
    /// Returns the trained model.
    public func trained(scatter s: Matrix, schedule: TrainingSchedule, fixedNoiseVariance: Bool = false,
                        observe: (Int, LinearVAE, Double) -> Void = { _, _, _ in }) throws(NonlinearModelError) -> LinearVAE {
        guard schedule.steps >= 0, schedule.learningRate > 0, schedule.finalLearningRate > 0 else {
            throw .invalidArgument("training needs steps ≥ 0 and positive learning rates")
        }
        guard s.isFinite else { throw .nonFinite("scatter not finite") }
        let noiseIndex = dimension * latentDimension
        var model = self
        var theta = trainableParameters
        var adam = Adam(parameterCount: theta.count, learningRate: schedule.learningRate)
        let decay = schedule.steps > 1 ? pow(schedule.finalLearningRate / schedule.learningRate, 1 / Double(schedule.steps - 1)) : 1
        var (value, gradient) = try model.averageELBOAndGradient(scatter: s)
        observe(0, model, value)
        for step in stride(from: 1, through: schedule.steps, by: 1) {
            var descent = gradient.flattened.map { -$0 }
            if fixedNoiseVariance { descent[noiseIndex] = 0 }
            adam.step(&theta, gradient: descent)
            if fixedNoiseVariance { theta[noiseIndex] = log(noiseVariance) }
            model = try withTrainableParameters(theta)
            adam.learningRate *= decay
            (value, gradient) = try model.averageELBOAndGradient(scatter: s)
            observe(step, model, value)
        }
        return model
    }
}
