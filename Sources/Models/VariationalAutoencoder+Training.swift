// VariationalAutoencoder+Training — encoder and decoder trained together by Adam on the reparameterised ELBO
// (Kingma & Welling 2014, algorithm 1, the "AEVB" algorithm; Kingma & Ba 2015 for Adam).
//
// Each step: draw a minibatch of rows without replacement from a seeded permutation (reshuffled every epoch; the full
// data when `schedule.batchSize` is nil), draw ε ~ N(0, I) for each of its rows (S = `samplesPerRow` draws each), form
// the closed-form-KL estimate L = (1/B) Σₙ (1/S) Σₛ [log p(xₙ|zₙₛ) − KL(q(z|xₙ) ‖ p(z))] with zₙₛ = mₙ + sₙ ⊙ εₙₛ and its
// gradient (VariationalAutoencoder.gradient), and take one Adam step on −L for the encoder's parameters φ and one for
// the model's (θ and log σ²), each with its own moment estimates. The learning rate decays geometrically from
// `learningRate` to `finalLearningRate`. The minibatch and the noise come from the one generator passed in, in a fixed
// order on one thread: the same seed gives the same parameters, bit for bit.

import Foundation
import LinearAlgebra

extension VariationalAutoencoder {
    /// Runs the schedule; returns the minibatch ELBO estimate L (nats per row, before the step) of every step.
    /// `observe(step, vae)` is called before the first step (step 0), after every `every`-th step, and after the last.
    @discardableResult
    public mutating func train<G: RandomNumberGenerator>(
        _ x: Matrix, schedule: TrainingSchedule, samplesPerRow: Int = 1, using generator: inout G,
        every: Int = 1, observe: (Int, VariationalAutoencoder) -> Void = { _, _ in }
    ) throws(NonlinearModelError) -> [Double] {
        try model.check(x)
        guard schedule.steps >= 0, schedule.learningRate > 0, schedule.finalLearningRate > 0 else {
            throw .invalidArgument("training needs steps ≥ 0 and positive learning rates")
        }
        guard samplesPerRow >= 1, every >= 1 else {
            throw .invalidArgument("training needs samplesPerRow ≥ 1 and every ≥ 1 (got \(samplesPerRow), \(every))")
        }
        if let b = schedule.batchSize, b < 1 || b > x.rows {
            throw .invalidArgument("batch size \(b) must be in 1…\(x.rows)")
        }
        var encoderAdam = Adam(parameterCount: encoder.parameterCount, learningRate: schedule.learningRate)
        var modelAdam = Adam(parameterCount: model.parameters.count, learningRate: schedule.learningRate)
        let decay = schedule.steps > 1 ? pow(schedule.finalLearningRate / schedule.learningRate, 1 / Double(schedule.steps - 1)) : 1
        let d = latentDimension
        var batches = Minibatches(rows: x.rows, batchSize: schedule.batchSize)
        var trace = [Double]()
        trace.reserveCapacity(schedule.steps)
        var phi = encoder.parameters
        var theta = model.parameters
        observe(0, self)
        for step in 1...max(schedule.steps, 1) where schedule.steps > 0 {
            let batch = batches.next(x, using: &generator)
            let count = batch.rows * samplesPerRow * d
            let noise = Matrix(rows: batch.rows * samplesPerRow, columns: d,
                               elements: (0..<count).map { _ in generator.nextStandardNormal() })
            let (gEncoder, gModel, value) = try gradient(batch, noise: noise)
            trace.append(value)
            encoderAdam.step(&phi, gradient: gEncoder.map { -$0 })
            modelAdam.step(&theta, gradient: gModel.map { -$0 })
            encoder.parameters = phi
            model.parameters = theta
            encoderAdam.learningRate *= decay
            modelAdam.learningRate *= decay
            if step % every == 0 || step == schedule.steps { observe(step, self) }
        }
        return trace
    }
}
