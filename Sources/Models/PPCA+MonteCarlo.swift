import Foundation
import LinearAlgebra

/// A Monte Carlo estimate with its standard error after a given number of draws.
public struct MonteCarloEstimate: Sendable, Equatable {
    public let sampleCount: Int
    public let estimate: Double
    /// s/√S with s² the 1/(S−1) sample variance of the summands.
    public let standardError: Double
}

extension PPCA {
    /// log N(x; Wz + μ, σ²I), natural log: the conditional density of the generative model.
    public func conditionalLogDensity(x: [Double], z: [Double]) -> Double {
        var wz = [Double](repeating: 0, count: dimension)
        return conditionalLogDensity(x: x, z: z, logNormaliser: Double(dimension) * log(2 * Double.pi * noiseVariance),
                                     buffer: &wz)
    }

    /// The same number with D log(2πσ²) given and Wz written into `buffer` (length D): for loops over many z.
    func conditionalLogDensity(x: [Double], z: [Double], logNormaliser: Double, buffer wz: inout [Double]) -> Double {
        precondition(x.count == dimension && z.count == latentDimension, "conditionalLogDensity: shapes")
        loading.times(z, into: &wz)
        var squared = 0.0
        for j in 0..<dimension { let e = x[j] - wz[j] - mean[j]; squared += e * e }
        return -0.5 * (logNormaliser + squared / noiseVariance)
    }

    /// The marginal density by simple Monte Carlo, an evaluation independent of the closed form:
    /// p̂_S(x) = (1/S) Σₛ N(x; Wzₛ + μ, σ²I), zₛ ~ N(0, I). One stream of draws from `g`; the running estimate and its
    /// standard error are reported after each count in `checkpoints` (ascending). Works in density space, so it is
    /// meant for low D (the lesson's 2-D example); in high D the summands' relative variance explodes.
    public func monteCarloMarginal<G: RandomNumberGenerator>(
        at x: [Double], checkpoints: [Int], using g: inout G
    ) -> [MonteCarloEstimate] {
        let sorted = checkpoints.sorted()
        guard let last = sorted.last else { return [] }
        var result: [MonteCarloEstimate] = []
        var next = 0
        // Welford's running mean and sum of squared deviations.
        var mean = 0.0
        var m2 = 0.0
        var z = [Double](repeating: 0, count: latentDimension)
        var wz = [Double](repeating: 0, count: dimension)                       // reused by every draw
        let logNormaliser = Double(dimension) * log(2 * Double.pi * noiseVariance)
        for s in 1...last {
            for k in 0..<latentDimension { z[k] = g.nextStandardNormal() }
            let f = exp(conditionalLogDensity(x: x, z: z, logNormaliser: logNormaliser, buffer: &wz))
            let delta = f - mean
            mean += delta / Double(s)
            m2 += delta * (f - mean)
            while next < sorted.count, sorted[next] == s {
                let variance = s > 1 ? m2 / Double(s - 1) : .nan
                result.append(MonteCarloEstimate(sampleCount: s, estimate: mean,
                                                 standardError: (variance / Double(s)).squareRoot()))
                next += 1
            }
        }
        return result
    }
}
