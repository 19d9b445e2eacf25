// PPCA+ModelSelection — the average log-likelihood of the ML PPCA models of many latent dimensions at once.
//
// For the closed-form ML fit (Tipping & Bishop 1999, eqs. 7–8) with latent dimension q, the covariance C = WWᵀ + σ²I
// is diagonal in the eigenbasis U of the training covariance S (1/N): C = U diag(c) Uᵀ with
//     c_i = σ²_q + max(λ_i − σ²_q, 0)  for i ≤ q,     c_i = σ²_q  for i > q,     σ²_q = (1/(D − q)) Σ_{i>q} λ_i.
// With y = Uᵀ(x − μ) (all D coordinates), the log-density is (natural log)
//     log p(x) = −½ [ D log 2π + Σ_{i≤q} log c_i + (D − q) log σ²_q + Σ_{i≤q} y_i²/c_i + (1/σ²_q) Σ_{i>q} y_i² ].
// Averaged over the rows, only the column means s_i = (1/N) Σₙ y_{n,i}² enter: ℓ_q = −½ [D log 2π + log|C| +
// Σ_{i≤q} s_i/c_i + (1/σ²_q) Σ_{i>q} s_i]. So one rotation Y = (X − μ) U, O(N D²), serves every q, and each q then
// costs O(D). Evaluating each model through `PPCA.logLikelihoods` instead costs O(N D q + N q²) per q, which
// dominated the PPCA lesson on large data (N = 10⁵, D = 64: 4.4 s of its 5.5 s).
// Same values as `fit.model(latentDimension: q).averageLogLikelihood(x)` up to rounding (tested).

import Foundation
import LinearAlgebra

extension PPCAMaximumLikelihood {
    /// (1/N) Σₙ log p(xₙ) under `model(latentDimension: q)` for each q in `latentDimensions` (natural log).
    /// Every q must have a model (1 ≤ q < D and σ²_q > 0); see `model(latentDimension:)` for the errors.
    public func averageLogLikelihoods(_ x: Matrix, latentDimensions qs: [Int]) throws(PPCAError) -> [Double] {
        let d = dimension
        guard x.columns == d else { throw .dimensionMismatch("X has \(x.columns) columns but the model has D = \(d)") }
        guard x.rows >= 1 else { return qs.map { _ in .nan } }
        for q in qs { _ = try model(latentDimension: q) }       // the same checks and errors as one model at a time
        let n = x.rows
        // Column sums of y_i² with Y = (X − 1μᵀ)U, block by block (`RowBlocks`): each block sums its rows in order, the
        // block sums are added in block order (the same bytes every run, on any number of cores).
        let columnSquares = RowBlocks.sum(x, mean: mean, times: eigenvectors, width: d) { block, partial in
            for r in 0..<block.rows.count {
                let y = block.productRow(r)
                for i in 0..<d { partial[i] += y[i] * y[i] }
            }
        }
        let log2pi = log(2 * Double.pi)
        return qs.map { q in
            let sigma2 = eigenvalues[q...].reduce(0, +) / Double(d - q)
            var head = 0.0, logDet = Double(d - q) * log(sigma2)
            for i in 0..<q {
                let c = sigma2 + max(eigenvalues[i] - sigma2, 0)
                head += columnSquares[i] / c
                logDet += log(c)
            }
            var tail = 0.0
            for i in q..<d { tail += columnSquares[i] }
            return -0.5 * (Double(d) * log2pi + logDet + (head + tail / sigma2) / Double(n))
        }
    }
}
