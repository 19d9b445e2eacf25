// Adam — the adaptive-moment gradient optimiser (Kingma & Ba 2015), on a flat parameter vector.
//
// For a loss ℓ(θ) with gradient gₜ at step t (t = 1, 2, ...):
//   mₜ = β₁ mₜ₋₁ + (1 − β₁) gₜ            first moment (running mean of gradients)
//   vₜ = β₂ vₜ₋₁ + (1 − β₂) gₜ²           second moment (running mean of squared gradients, elementwise)
//   m̂ₜ = mₜ / (1 − β₁ᵗ),  v̂ₜ = vₜ / (1 − β₂ᵗ)   bias corrections for the zero start
//   θₜ = θₜ₋₁ − α m̂ₜ / (√v̂ₜ + ε)
// The step is a descent step: to maximise a log-likelihood, pass the gradient of its negative.

import Foundation

/// Adam state for one parameter vector; `step` updates the parameters in place.
public struct Adam: Sendable, Equatable {
    public var learningRate: Double
    public let beta1: Double
    public let beta2: Double
    public let epsilon: Double
    public private(set) var iteration = 0
    private var m: [Double]
    private var v: [Double]

    public init(parameterCount: Int, learningRate: Double = 1e-2, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8) {
        precondition(parameterCount > 0 && learningRate > 0 && (0..<1).contains(beta1) && (0..<1).contains(beta2) && epsilon > 0,
                     "Adam: needs parameters, α > 0, β₁, β₂ ∈ [0, 1), ε > 0")
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        m = [Double](repeating: 0, count: parameterCount)
        v = m
    }

    /// One descent step θ ← θ − α m̂/(√v̂ + ε) for the loss whose gradient is `gradient`.
    public mutating func step(_ parameters: inout [Double], gradient: [Double]) {
        precondition(parameters.count == m.count && gradient.count == m.count, "Adam: \(gradient.count) gradients for \(m.count) parameters")
        iteration += 1
        let c1 = 1 - pow(beta1, Double(iteration))
        let c2 = 1 - pow(beta2, Double(iteration))
        for i in 0..<m.count {
            let g = gradient[i]
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * g * g
            parameters[i] -= learningRate * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
        }
    }
}
