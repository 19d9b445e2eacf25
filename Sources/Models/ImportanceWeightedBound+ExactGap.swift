// ImportanceWeightedBound+ExactGap — the replicates behind an L_K estimate, and the gap log p(x) − L_K measured with
// the exact log p(x).
//
// Each replicate r gives ℓᵣ = log p̂ᵣ, p̂ᵣ = (1/K) Σₖ w_{rk}, and E[p̂ᵣ] = p(x) exactly (for any proposal q whose support
// covers the posterior's). With uᵣ = p̂ᵣ/p(x) − 1, so E[uᵣ] = 0 and ℓᵣ − log p(x) = log(1 + uᵣ):
//   log p(x) − L_K = −E[log(1 + u)] = E[u − log(1 + u)],
// a mean of terms that are each ≥ 0 (log(1 + u) ≤ u). When log p(x) is known (quadrature, a closed form), the mean
// of tᵣ = uᵣ − log(1 + uᵣ) = expm1(δᵣ) − δᵣ, δᵣ = ℓᵣ − log p(x), estimates the gap with the same draws as L_K: it is
// the plain estimate log p(x) − mean(ℓᵣ) plus the control variate mean(uᵣ), whose expectation is 0. For a small gap
// it is far more precise: tᵣ ≈ uᵣ²/2 has a standard deviation of the order of the gap itself (relative error
// ≈ √(2/R) when u is nearly Gaussian), while ℓᵣ scatters by ≈ √(2 · gap) around L_K. Natural logarithms throughout.

import Foundation
import LinearAlgebra

/// The gap log p(x) − L_K from R replicates and the exact log p(x): the mean of tᵣ = uᵣ − log(1 + uᵣ) ≥ 0 (nats).
public struct ImportanceWeightedGap: Sendable, Equatable {
    /// K, importance samples inside each replicate.
    public let sampleCount: Int
    /// R, replicates.
    public let replicateCount: Int
    /// (1/R) Σᵣ tᵣ: an unbiased estimate of log p(x) − L_K.
    public let value: Double
    /// s_t/√R with the 1/(R − 1) sample variance of the tᵣ.
    public let standardError: Double
    /// ū = (1/R) Σᵣ uᵣ, the sample mean of p̂/p(x) − 1, whose expectation is exactly 0: the premise of the estimate.
    /// When q reaches only part of the posterior (a missed mode) the draws never show the rare huge weights that make
    /// E[u] = 0, ū stays near (mass reached) − 1 < 0, and `value` then underestimates the gap: compare ū with
    /// `ratioDeviationStandardError` before trusting `value`.
    public let ratioDeviation: Double
    /// s_u/√R with the 1/(R − 1) sample variance of the uᵣ.
    public let ratioDeviationStandardError: Double
}

extension ImportanceWeightedBound {
    /// The R replicate values ℓᵣ = log (1/K) Σₖ w_{rk} at x for the proposal q (R · K draws from `generator`,
    /// replicate by replicate; `estimate` is their mean and standard error, from the same draws).
    public static func replicates<G: RandomNumberGenerator>(
        _ model: NonlinearLVM, x: [Double], proposal q: VariationalGaussian, samples k: Int, replicates r: Int,
        using generator: inout G
    ) throws(NonlinearModelError) -> [Double] {
        guard k >= 1, r >= 2 else {
            throw .invalidArgument("importance-weighted bound needs K ≥ 1 samples and R ≥ 2 replicates (got K = \(k), R = \(r))")
        }
        guard q.dimension == model.latentDimension else {
            throw .dimensionMismatch("proposal over \(q.dimension) dimensions; the model has q = \(model.latentDimension)")
        }
        guard x.count == model.dataDimension else {
            throw .dimensionMismatch("x has \(x.count) entries; the model has D = \(model.dataDimension)")
        }
        let row = Matrix(rows: 1, columns: x.count, elements: x)
        // Replicates in batches of about 4096 draws: one decoder pass per batch, the same draws whatever the batching.
        let perBatch = max(1, 4096 / k)
        var values = [Double]()
        values.reserveCapacity(r)
        var done = 0
        while done < r {
            let b = min(perBatch, r - done)
            let z = q.samples(count: b * k, using: &generator)
            let joint = try model.logJoint(row, latent: z).elements
            let logQ = q.logDensities(z)
            for i in 0..<b {
                let logW = (0..<k).map { joint[i * k + $0] - logQ[i * k + $0] }
                values.append(logMeanExp(logW))
            }
            done += b
        }
        guard values.allSatisfy(\.isFinite) else { throw .nonFinite("importance-weighted bound: a replicate is not finite (K = \(k))") }
        return values
    }

    /// log p(x) − L_K from the replicates ℓᵣ of `replicates` and the exact `logMarginal` = log p(x): the mean and
    /// standard error of tᵣ = expm1(δᵣ) − δᵣ, δᵣ = ℓᵣ − log p(x) (each tᵣ ≥ 0), and of uᵣ = expm1(δᵣ) (the premise
    /// E[u] = 0). Needs R ≥ 2 finite replicates.
    public static func exactGap(replicates values: [Double], sampleCount k: Int, logMarginal: Double)
        throws(NonlinearModelError) -> ImportanceWeightedGap {
        guard values.count >= 2, k >= 1 else {
            throw .invalidArgument("exact gap needs R ≥ 2 replicates and K ≥ 1 (got R = \(values.count), K = \(k))")
        }
        guard logMarginal.isFinite, values.allSatisfy(\.isFinite) else { throw .nonFinite("exact gap: log p(x) or a replicate not finite") }
        let u = values.map { expm1($0 - logMarginal) }                      // p̂ᵣ/p(x) − 1
        let terms = zip(u, values).map { u, v in max(u - (v - logMarginal), 0) }   // ≥ 0 exactly; max() absorbs rounding
        let r = Double(terms.count)
        func meanAndError(_ a: [Double]) -> (Double, Double) {
            let mean = a.reduce(0, +) / r
            return (mean, (a.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (r - 1) / r).squareRoot())
        }
        let (mean, error) = meanAndError(terms), (uMean, uError) = meanAndError(u)
        guard mean.isFinite, uMean.isFinite else { throw .nonFinite("exact gap: not finite (K = \(k)); a replicate far above log p(x)?") }
        return ImportanceWeightedGap(sampleCount: k, replicateCount: values.count, value: mean, standardError: error,
                                     ratioDeviation: uMean, ratioDeviationStandardError: uError)
    }
}
