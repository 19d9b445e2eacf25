// ImportanceWeightedBound — the importance-weighted bound L_K (Burda, Grosse & Salakhutdinov 2016, "Importance
// weighted autoencoders", ICLR), estimated by independent replicates, for one observation of a NonlinearLVM.
//
// With a proposal q(z) and the importance weights wₖ = p(x, zₖ)/q(zₖ), z₁…z_K ~ q independently,
//   L_K = E[log (1/K) Σₖ wₖ].
// Each (1/K) Σₖ wₖ is an unbiased estimate of p(x), so by Jensen's inequality L_K ≤ log p(x); K = 1 gives
//   L₁ = E_q[log p(x, z) − log q(z)] = ELBO(q),
// and the bound tightens monotonically, ELBO(q) = L₁ ≤ L₂ ≤ … ≤ L_K ≤ L_{K+1} ≤ … ≤ log p(x) (Burda et al., Thm 1:
// the mean of K weights is the average of the K means of K − 1 of them, then Jensen). If w is bounded, L_K → log p(x).
// The 1/K law (Maddison et al. 2017, "Filtering variational objectives", Prop. 1; Domke & Sheldon 2018): a second-order
// expansion of log around p(x) gives, for large K,
//   log p(x) − L_K ≈ Var_q(w) / (2K p(x)²),      Var_q(w)/p(x)² = E_q[w²]/p(x)² − 1 = ∫ p(x, z)²/q(z) dz / p(x)² − 1,
// so K · gap tends to half the relative variance of the weights (`relativeWeightVariance`, by quadrature).
//
// Estimation: R independent replicates, each the log-mean-exp of its own K log-weights (computed stably by factoring out
// the largest); the value is their mean and the standard error s/√R with the 1/(R − 1) sample variance s². The log of
// a mean is a biased estimate of log p(x) — that bias is exactly the gap log p(x) − L_K the bound measures.
// Natural logarithms throughout.

import Foundation
import LinearAlgebra

/// A Monte Carlo estimate of L_K from R replicates (natural log, nats).
public struct ImportanceWeightedEstimate: Sendable, Equatable {
    /// K, importance samples inside each log-mean-exp.
    public let sampleCount: Int
    /// R, independent replicates.
    public let replicateCount: Int
    /// (1/R) Σᵣ log (1/K) Σₖ w_{rk}: an unbiased estimate of L_K.
    public let value: Double
    /// s/√R, s² = (1/(R − 1)) Σᵣ (ℓᵣ − value)².
    public let standardError: Double
}

public enum ImportanceWeightedBound {
    /// log (1/K) Σₖ exp(aₖ), computed stably (log-sum-exp minus log K); −∞ for an empty or all −∞ input.
    public static func logMeanExp(_ a: [Double]) -> Double {
        guard !a.isEmpty else { return -Double.infinity }
        return LatentQuadrature.logSumExp(a) - log(Double(a.count))
    }

    /// L_K at x for the proposal q, from R replicates of K draws each (R · K draws from `generator`, replicate by
    /// replicate). Requires K ≥ 1 and R ≥ 2 (the standard error needs two replicates).
    public static func estimate<G: RandomNumberGenerator>(
        _ model: NonlinearLVM, x: [Double], proposal q: VariationalGaussian, samples k: Int, replicates r: Int,
        using generator: inout G
    ) throws(NonlinearModelError) -> ImportanceWeightedEstimate {
        guard k >= 1, r >= 2 else {
            throw .invalidArgument("importance-weighted bound needs K ≥ 1 samples and R ≥ 2 replicates (got K = \(k), R = \(r))")
        }
        guard q.dimension == model.latentDimension else {
            throw .dimensionMismatch("proposal over \(q.dimension) dimensions; the model has q = \(model.latentDimension)")
        }
        guard x.count == model.dataDimension else {
            throw .dimensionMismatch("x has \(x.count) entries; the model has D = \(model.dataDimension)")
        }
        let values = try replicates(model, x: x, proposal: q, samples: k, replicates: r, using: &generator)
        let mean = values.reduce(0, +) / Double(r)
        let variance = values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(r - 1)
        guard mean.isFinite else { throw .nonFinite("importance-weighted bound: L_K estimate not finite (K = \(k))") }
        return ImportanceWeightedEstimate(sampleCount: k, replicateCount: r, value: mean,
                                          standardError: (variance / Double(r)).squareRoot())
    }

    /// L_K for every K in `sampleCounts` (e.g. 1, 10, 100, 1000), R replicates each, in that order from one generator
    /// (so the whole list is reproducible from one seed; the estimates for different K are independent).
    public static func estimates<G: RandomNumberGenerator>(
        _ model: NonlinearLVM, x: [Double], proposal q: VariationalGaussian, sampleCounts: [Int], replicates r: Int,
        using generator: inout G
    ) throws(NonlinearModelError) -> [ImportanceWeightedEstimate] {
        guard !sampleCounts.isEmpty else { throw .invalidArgument("importance-weighted bound: no sample counts K given") }
        var out = [ImportanceWeightedEstimate]()
        for k in sampleCounts {
            out.append(try estimate(model, x: x, proposal: q, samples: k, replicates: r, using: &generator))
        }
        return out
    }

    /// Var_q(w)/p(x)² = ∫ p(x, z)²/q(z) dz / p(x)² − 1 for w = p(x, z)/q(z), by a trapezoid `grid` over z as built by
    /// `LatentQuadrature.trapezoid` (its weights include the prior density, which is removed here). K times the gap
    /// log p(x) − L_K tends to half this value (the 1/K law). Infinite when q's tails are lighter than the
    /// posterior's; on a finite grid that shows as a value that grows with the grid's half-width.
    public static func relativeWeightVariance(
        _ model: NonlinearLVM, x: [Double], proposal q: VariationalGaussian, grid: LatentQuadrature
    ) throws(NonlinearModelError) -> Double {
        guard q.dimension == model.latentDimension, grid.dimension == model.latentDimension else {
            throw .dimensionMismatch("grid in \(grid.dimension)-D, proposal in \(q.dimension)-D, model q = \(model.latentDimension)")
        }
        let joint = try model.logJoint(Matrix(rows: 1, columns: x.count, elements: x), latent: grid.nodes).elements
        let logQ = q.logDensities(grid.nodes)
        var logArea = [Double](repeating: 0, count: grid.count)     // trapezoid area weights (prior density removed)
        for m in 0..<grid.count {
            var lp = 0.0
            for j in 0..<grid.dimension { lp += StandardNormal.logDensity(grid.nodes[m, j]) }
            logArea[m] = grid.logWeights[m] - lp
        }
        let logEvidence = LatentQuadrature.logSumExp(zip(logArea, joint).map(+))                        // log p(x)
        let logSecond = LatentQuadrature.logSumExp((0..<grid.count).map { logArea[$0] + 2 * joint[$0] - logQ[$0] })
        return exp(logSecond - 2 * logEvidence) - 1
    }
}
