// NonlinearLVM+Training — maximum likelihood for the decoder and σ² by Adam on the quadrature log-likelihood.
//
// Objective: L(θ, s) = (1/N) Σₙ log p(xₙ), p(xₙ) ≈ Σₘ wₘ N(xₙ; f_θ(zₘ), e^s I) (natural log, per sample).
// Each step computes L and ∂L/∂(θ, s) (NonlinearLVM.meanLogLikelihoodAndGradient) on the full data or on a
// minibatch drawn without replacement from a seeded permutation (reshuffled every epoch), then takes an Adam step on
// −L. The learning rate decays geometrically from `learningRate` to `finalLearningRate` over the run.
// Everything runs in a fixed order on one thread: the same seed gives the same parameters, bit for bit.

import Foundation
import LinearAlgebra

/// How to run the optimiser.
public struct TrainingSchedule: Sendable, Equatable {
    public var steps: Int
    public var learningRate: Double
    /// The learning rate at the last step (geometric decay); equal to `learningRate` for a constant rate.
    public var finalLearningRate: Double
    /// Rows per step; nil = all rows (full batch, then the trace is the exact objective at each step).
    public var batchSize: Int?

    public init(steps: Int, learningRate: Double, finalLearningRate: Double? = nil, batchSize: Int? = nil) {
        self.steps = steps
        self.learningRate = learningRate
        self.finalLearningRate = finalLearningRate ?? learningRate
        self.batchSize = batchSize
    }
}

extension NonlinearLVM {
    /// Runs the schedule; returns the objective (mean log-likelihood of the step's rows, before the step) per step.
    /// `observe(step, model)` is called before the first step (step 0) and after every step (1…steps).
    @discardableResult
    public mutating func train<G: RandomNumberGenerator>(
        _ x: Matrix, quadrature: LatentQuadrature, schedule: TrainingSchedule, using generator: inout G,
        observe: (Int, NonlinearLVM) -> Void = { _, _ in }
    ) throws(NonlinearModelError) -> [Double] {
        try check(x)
        try check(quadrature)
        guard schedule.steps >= 0, schedule.learningRate > 0, schedule.finalLearningRate > 0 else {
            throw .invalidArgument("training needs steps ≥ 0 and positive learning rates")
        }
        if let b = schedule.batchSize, b < 1 || b > x.rows {
            throw .invalidArgument("batch size \(b) must be in 1…\(x.rows)")
        }
        var adam = Adam(parameterCount: parameters.count, learningRate: schedule.learningRate)
        let decay = schedule.steps > 1 ? pow(schedule.finalLearningRate / schedule.learningRate, 1 / Double(schedule.steps - 1)) : 1
        var batches = Minibatches(rows: x.rows, batchSize: schedule.batchSize)
        var trace = [Double]()
        trace.reserveCapacity(schedule.steps)
        observe(0, self)
        for step in 1...max(schedule.steps, 1) where schedule.steps > 0 {
            let batch = batches.next(x, using: &generator)
            let (value, gradient) = try meanLogLikelihoodAndGradient(batch, quadrature: quadrature)
            trace.append(value)
            var theta = parameters
            adam.step(&theta, gradient: gradient.flattened.map { -$0 })
            parameters = theta
            adam.learningRate *= decay
            observe(step, self)
        }
        return trace
    }

    /// The rows of x at the given indices, in that order.
    static func gather(_ x: Matrix, rows: ArraySlice<Int>) -> Matrix {
        let c = x.columns
        var e = [Double]()
        e.reserveCapacity(rows.count * c)
        for i in rows { e += x.elements[(i * c)..<((i + 1) * c)] }
        return Matrix(rows: rows.count, columns: c, elements: e)
    }
}
