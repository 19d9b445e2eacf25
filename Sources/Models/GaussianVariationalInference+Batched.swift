// GaussianVariationalInference+Batched — per-point variational inference for many observations at once: one
// diagonal Gaussian qₙ = N(mₙ, diag sₙ²) per row xₙ, every ELBO(qₙ) ascended together.
//
// The objective and its gradient are those of `NonlinearLVM.elboGradient` (file GaussianVariationalInference), row
// by row: with ℓₙ(z) = log p(xₙ|z) + log p(z), z = mₙ + sₙ ⊙ ξ and a rule Σᵣ wᵣ g(ξᵣ) ≈ E_{N(0,I)}[g],
//   ELBO(mₙ, log sₙ) = Σᵣ wᵣ ℓₙ(mₙ + sₙ ⊙ ξᵣ) + (d/2)(1 + log 2π) + Σⱼ log sₙⱼ
//   ∂/∂mₙ = Σᵣ wᵣ ∇ℓₙ(zₙᵣ),   ∂/∂log sₙⱼ = sₙⱼ Σᵣ wᵣ ξᵣⱼ ∂ⱼℓₙ(zₙᵣ) + 1.
// All N·R latent points go through the decoder in one forward and one backward pass (MLPDecoder.backward gives
// ∂/∂z of Σ (x − f)ᵀ(x − f)/(2σ²)-type upstream gradients), instead of N small passes. The rows do not interact, and
// Adam is coordinate-wise, so one Adam on the stacked parameters [m₁, log s₁, m₂, …] takes exactly the steps N
// separate Adams would: the ascent of each row is `fitGaussianVariational`'s for that row (up to the summation order
// of the decoder's products, ~1e-13). `elbos(_:means:logStandardDeviations:standardRule:)` evaluates the ELBO with
// the prior term in closed form, as `NonlinearLVM.elbo(_:q:standardRule:)` does, so that values compared with
// it (e.g. ELBO(q*) against ELBO(q_φ)) come from one formula.

import Dispatch
import Foundation
import LinearAlgebra
import Synchronization

/// One diagonal Gaussian per row: means and log standard deviations (N, d) each, and the ELBO of each (nats).
public struct BatchedGaussians: Sendable, Equatable {
    public var means: Matrix
    public var logStandardDeviations: Matrix
    public var elbos: [Double]

    /// qₙ as a distribution.
    public func gaussian(_ n: Int) throws(NonlinearModelError) -> VariationalGaussian {
        try VariationalGaussian(mean: means.row(n), standardDeviations: logStandardDeviations.row(n).map(exp))
    }
}

extension NonlinearLVM {
    /// ELBO(qₙ) of every row of x (N, D) for qₙ = N(row n of `means`, diag exp(row n of `logStandardDeviations`)²),
    /// E_q[log p(x|z)] by `standardRule` mapped under each qₙ, E_q[log p(z)] and H[q] in closed form (natural log).
    public func elbos(_ x: Matrix, means m: Matrix, logStandardDeviations l: Matrix,
                      standardRule rule: LatentQuadrature) throws(NonlinearModelError) -> [Double] {
        let (z, _) = try batchedNodes(x, m, l, rule)
        let logLikelihood = pairedConditionalLogDensities(x, decoder(z), nodes: rule.count)      // (N·R)
        let d = latentDimension, r = rule.count
        let weights = rule.logWeights.map(exp)
        return (0..<x.rows).map { n in
            var expected = 0.0
            for k in 0..<r { expected += weights[k] * logLikelihood[n * r + k] }
            var prior = -0.5 * Double(d) * log(2 * Double.pi), entropy = 0.5 * Double(d) * (1 + log(2 * Double.pi))
            for j in 0..<d {
                let (mj, lj) = (m[n, j], l[n, j])
                prior -= 0.5 * (mj * mj + exp(2 * lj))
                entropy += lj
            }
            return expected + prior + entropy
        }
    }

    /// Rows per block of `fitGaussianVariational`: blocks are fixed by the row count alone, never by the processors.
    static let variationalBlockRows = 32

    /// Adam on every row's ELBO(mₙ, log sₙ) at once from the given starts (N, d each), `steps` steps of size
    /// `learningRate`; returns the end points and their ELBOs by `elbos` (closed-form prior term). The rows go in fixed
    /// blocks of `variationalBlockRows`, each block's ascent on its own thread (`concurrentPerform`); a block's result
    /// does not depend on the others or on the scheduling, so the same input gives the same bits on any machine.
    public func fitGaussianVariational(_ x: Matrix, means: Matrix, logStandardDeviations: Matrix, steps: Int,
                                       learningRate: Double, standardRule rule: LatentQuadrature)
        throws(NonlinearModelError) -> BatchedGaussians {
        let block = Self.variationalBlockRows
        guard x.rows > block else {
            return try fitGaussianVariationalBlock(x, means: means, logStandardDeviations: logStandardDeviations, steps: steps,
                                                   learningRate: learningRate, standardRule: rule)
        }
        _ = try batchedNodes(x, means, logStandardDeviations, rule)                // shapes, before splitting
        let blocks = (x.rows + block - 1) / block
        let results = Mutex<[Int: Result<BatchedGaussians, NonlinearModelError>]>([:])
        DispatchQueue.concurrentPerform(iterations: blocks) { b in
            let rows = (b * block)..<min(x.rows, (b + 1) * block)
            let result = Result { () throws(NonlinearModelError) -> BatchedGaussians in
                try fitGaussianVariationalBlock(x.rows(rows), means: means.rows(rows), logStandardDeviations: logStandardDeviations.rows(rows),
                                                steps: steps, learningRate: learningRate, standardRule: rule)
            }
            results.withLock { $0[b] = result }
        }
        var m: [Double] = [], l: [Double] = [], e: [Double] = []
        for b in 0..<blocks {
            let part = try results.withLock { $0[b]! }.get()
            m += part.means.elements
            l += part.logStandardDeviations.elements
            e += part.elbos
        }
        let d = latentDimension
        return BatchedGaussians(means: Matrix(rows: x.rows, columns: d, elements: m),
                                logStandardDeviations: Matrix(rows: x.rows, columns: d, elements: l), elbos: e)
    }

    /// `fitGaussianVariational` for one block of rows, on the calling thread.
    func fitGaussianVariationalBlock(_ x: Matrix, means: Matrix, logStandardDeviations: Matrix, steps: Int,
                                     learningRate: Double, standardRule rule: LatentQuadrature)
        throws(NonlinearModelError) -> BatchedGaussians {
        guard steps >= 0, learningRate > 0 else {
            throw .invalidArgument("variational ascent needs steps ≥ 0 and a learning rate > 0 (got \(steps), \(learningRate))")
        }
        let n = x.rows, d = latentDimension, r = rule.count, dx = dataDimension
        var m = means, l = logStandardDeviations
        _ = try batchedNodes(x, m, l, rule)                                          // shapes and finiteness
        var parameters = [Double](repeating: 0, count: 2 * d * n)                  // row n: [mₙ, log sₙ]
        for i in 0..<n { for j in 0..<d { parameters[2 * d * i + j] = m[i, j]; parameters[2 * d * i + d + j] = l[i, j] } }
        var adam = Adam(parameterCount: parameters.count, learningRate: learningRate)
        let weights = rule.logWeights.map(exp)
        let xi = rule.nodes                                                        // (R, d)
        let inv = 1 / noiseVariance
        for _ in 0..<steps {
            let (z, _) = try batchedNodes(x, m, l, rule)                           // (N·R, d), row n·R + k
            let pass = decoder.forward(z)
            var g = pass.output                                                    // (N·R, D) → (x − f)/σ²
            for row in 0..<(n * r) {
                let i = row / r
                for j in 0..<dx { g.elements[row * dx + j] = inv * (x.elements[i * dx + j] - g.elements[row * dx + j]) }
            }
            var dz = decoder.backward(pass, outputGradient: g).latent              // J_fᵀ (x − f)/σ²
            for e in 0..<dz.elements.count { dz.elements[e] -= z.elements[e] }     // − z from the prior: ∇ℓ
            var gradient = [Double](repeating: 0, count: parameters.count)        // of −ELBO, for descent
            for i in 0..<n {
                for k in 0..<r {
                    let w = weights[k], row = i * r + k
                    for j in 0..<d {
                        let gz = dz.elements[row * d + j]
                        gradient[2 * d * i + j] -= w * gz
                        gradient[2 * d * i + d + j] -= w * xi[k, j] * gz
                    }
                }
                for j in 0..<d { gradient[2 * d * i + d + j] = gradient[2 * d * i + d + j] * exp(l[i, j]) - 1 }
            }
            adam.step(&parameters, gradient: gradient)
            for i in 0..<n { for j in 0..<d { m[i, j] = parameters[2 * d * i + j]; l[i, j] = parameters[2 * d * i + d + j] } }
        }
        return BatchedGaussians(means: m, logStandardDeviations: l,
                                elbos: try elbos(x, means: m, logStandardDeviations: l, standardRule: rule))
    }

    /// zₙᵣ = mₙ + sₙ ⊙ ξᵣ for every row and node: (N·R, d), row n·R + r; checks shapes and finiteness.
    func batchedNodes(_ x: Matrix, _ m: Matrix, _ l: Matrix, _ rule: LatentQuadrature) throws(NonlinearModelError) -> (Matrix, Int) {
        try check(x)
        let d = latentDimension
        guard m.rows == x.rows, l.rows == x.rows, m.columns == d, l.columns == d, rule.dimension == d else {
            throw .dimensionMismatch("batched q: means \(m.rows)×\(m.columns), log s \(l.rows)×\(l.columns), rule in \(rule.dimension)-D; need (N, d) with N = \(x.rows), d = \(d)")
        }
        guard m.isFinite, l.isFinite else { throw .nonFinite("batched q: a mean or log s is not finite") }
        let r = rule.count
        var z = Matrix.zeros(x.rows * r, d)
        for i in 0..<x.rows {
            for k in 0..<r {
                for j in 0..<d { z.elements[(i * r + k) * d + j] = m[i, j] + exp(l[i, j]) * rule.nodes[k, j] }
            }
        }
        return (z, r)
    }

    /// log N(xₙ; f_row, σ²I) for the rows of f in blocks of `nodes` per observation (row n·R + k belongs to xₙ).
    func pairedConditionalLogDensities(_ x: Matrix, _ f: Matrix, nodes r: Int) -> [Double] {
        let dx = dataDimension
        let c0 = -0.5 * Double(dx) * (log(2 * Double.pi) + logNoiseVariance)
        let half = 0.5 / noiseVariance
        return (0..<f.rows).map { row in
            let i = row / r
            var sq = 0.0
            for j in 0..<dx {
                let e = x.elements[i * dx + j] - f.elements[row * dx + j]
                sq += e * e
            }
            return c0 - half * sq
        }
    }
}

extension NonlinearLVM {
    /// The gap decomposition of `AmortizationGap` for every row of x at once (Cremer, Li & Duvenaud 2018):
    /// q_φ(z|xₙ) = N(row n of `amortizedMeans`, diag exp(row n of `amortizedLogStandardDeviations`)²), log p(xₙ) given
    /// (`logMarginals`, e.g. by `evenGridLogMarginals`), and q* the best, by `elbos` under `standardRule`, of q_φ itself
    /// and the ends of batched ascents (`steps` Adam steps of size `learningRate`) started from q_φ, from the prior
    /// N(0, I) (unless `fromPrior` is false) and from each of `starts` (means and log s, (N, d) each). The ascents
    /// use `standardRule`; every candidate, q_φ included, is judged and reported by `evaluationRule` (default: the
    /// same rule) — a cheap rule to climb, an accurate one to compare. So ELBO(q*) ≥ ELBO(q_φ) holds exactly.
    public func amortizationGaps(_ x: Matrix, amortizedMeans: Matrix, amortizedLogStandardDeviations: Matrix,
                                 logMarginals: [Double], starts: [(means: Matrix, logStandardDeviations: Matrix)] = [],
                                 fromPrior: Bool = true, standardRule: LatentQuadrature, evaluationRule: LatentQuadrature? = nil,
                                 steps: Int, learningRate: Double)
        throws(NonlinearModelError) -> [AmortizationGapDecomposition] {
        guard logMarginals.count == x.rows else {
            throw .dimensionMismatch("\(logMarginals.count) values of log p(x) for \(x.rows) rows")
        }
        let judge = evaluationRule ?? standardRule
        let amortized = BatchedGaussians(
            means: amortizedMeans, logStandardDeviations: amortizedLogStandardDeviations,
            elbos: try elbos(x, means: amortizedMeans, logStandardDeviations: amortizedLogStandardDeviations, standardRule: judge))
        var best = amortized
        let prior = (means: Matrix.zeros(x.rows, latentDimension), logStandardDeviations: Matrix.zeros(x.rows, latentDimension))
        let own = (means: amortizedMeans, logStandardDeviations: amortizedLogStandardDeviations)
        for start in [own] + (fromPrior ? [prior] : []) + starts {
            var end = try fitGaussianVariational(x, means: start.means, logStandardDeviations: start.logStandardDeviations, steps: steps,
                                                 learningRate: learningRate, standardRule: standardRule)
            if evaluationRule != nil {
                end.elbos = try elbos(x, means: end.means, logStandardDeviations: end.logStandardDeviations, standardRule: judge)
            }
            for i in 0..<x.rows where end.elbos[i] > best.elbos[i] {
                best.elbos[i] = end.elbos[i]
                for j in 0..<latentDimension {
                    best.means[i, j] = end.means[i, j]
                    best.logStandardDeviations[i, j] = end.logStandardDeviations[i, j]
                }
            }
        }
        return try (0..<x.rows).map { i throws(NonlinearModelError) in
            AmortizationGapDecomposition(logMarginal: logMarginals[i], elboOptimal: best.elbos[i],
                                         elboAmortized: amortized.elbos[i], optimal: try best.gaussian(i))
        }
    }
}
