import Foundation
import LinearAlgebra

/// The posterior p(z | x) evaluated numerically by Bayes' rule on a regular grid, an evaluation independent of the
/// closed form N(M⁻¹Wᵀ(x−μ), σ²M⁻¹): p(z | x) ∝ N(x; Wz + μ, σ²I) N(z; 0, I), normalised by the grid sum
/// (midpoint rule; the cell area cancels). Its mean and covariance are the grid moments.
public struct GridPosterior: Sendable {
    /// The grid of each latent axis (ascending), q axes.
    public let axes: [[Double]]
    /// Normalised posterior *density* at every grid point (axis 0 fastest), Σ values · cell volume = 1.
    public let density: [Double]
    /// Grid estimate of E[z | x], length q.
    public let mean: [Double]
    /// Grid estimate of cov[z | x], (q, q).
    public let covariance: Matrix
}

extension PPCA {
    /// Bayes' rule on the grid `centre ± halfWidth` (per axis) with `pointsPerAxis` points per axis
    /// (pointsPerAxis^q evaluations, so meant for q ≤ 3). Use a half-width of ≥ 6 posterior standard deviations so
    /// the truncated tails are negligible.
    public func gridPosterior(x: [Double], centre: [Double], halfWidth: [Double], pointsPerAxis: Int) -> GridPosterior {
        let q = latentDimension
        precondition(centre.count == q && halfWidth.count == q && pointsPerAxis >= 2, "gridPosterior: shapes")
        let axes: [[Double]] = (0..<q).map { k in
            let start = centre[k] - halfWidth[k]
            let step = 2 * halfWidth[k] / Double(pointsPerAxis - 1)
            return (0..<pointsPerAxis).map { i in start + step * Double(i) }
        }
        var total = 1
        for _ in 0..<q { total *= pointsPerAxis }
        var logJoint = [Double](repeating: 0, count: total)
        var z = [Double](repeating: 0, count: q)
        for index in 0..<total {
            var rest = index
            for k in 0..<q { z[k] = axes[k][rest % pointsPerAxis]; rest /= pointsPerAxis }
            var logPrior = 0.0
            for k in 0..<q { logPrior += StandardNormal.logDensity(z[k]) }
            logJoint[index] = conditionalLogDensity(x: x, z: z) + logPrior
        }
        let peak = logJoint.max() ?? 0
        let weights = logJoint.map { exp($0 - peak) }
        let sum = weights.reduce(0, +)
        var cellVolume = 1.0
        for k in 0..<q { cellVolume *= axes[k][1] - axes[k][0] }
        var mean = [Double](repeating: 0, count: q)
        var second = Matrix(rows: q, columns: q, repeating: 0)
        for index in 0..<total {
            var rest = index
            for k in 0..<q { z[k] = axes[k][rest % pointsPerAxis]; rest /= pointsPerAxis }
            let p = weights[index] / sum
            for k in 0..<q {
                mean[k] += p * z[k]
                for l in 0..<q { second[k, l] += p * z[k] * z[l] }
            }
        }
        var covariance = second
        for k in 0..<q { for l in 0..<q { covariance[k, l] -= mean[k] * mean[l] } }
        return GridPosterior(axes: axes, density: weights.map { $0 / sum / cellVolume }, mean: mean,
                             covariance: covariance)
    }
}
