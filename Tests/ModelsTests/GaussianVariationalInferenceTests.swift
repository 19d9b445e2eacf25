import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// Per-point variational inference: the ELBO's gradient in (m, log s), and gradient ascent to the best Gaussian.
@Suite struct GaussianVariationalInferenceTests {
    /// The ELBO of `elboGradient` (prior term by the rule) equals `elbo` (prior term in closed form), and its gradient
    /// equals central differences (h = 10⁻⁵) of that independent ELBO: 1-D and 2-D latent spaces.
    @Test(arguments: [1, 2])
    func gradientIsTheDerivativeOfTheELBO(latentDimension d: Int) throws {
        var g = Xoshiro256StarStar(seed: 31)
        let model = try NonlinearLVM(decoder: MLPDecoder(latentDimension: d, hiddenUnits: 6, outputDimension: 3, gain: 2, using: &g),
                                     noiseVariance: 0.1)
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: d == 1 ? 801 : 121, dimension: d)
        let x = [0.3, -0.4, 0.8]
        func reference(_ m: [Double], _ logS: [Double]) throws -> Double {
            try model.elbo(x, q: try VariationalGaussian(mean: m, standardDeviations: logS.map(exp)), standardRule: rule).value
        }
        for (m, logS) in [([0.2, -0.5], [-1.0, -0.3]), ([-1.1, 0.4], [0.1, -2.0]), ([0.0, 0.0], [0.0, 0.0])] {
            let (m, logS) = (Array(m[..<d]), Array(logS[..<d]))
            let result = try model.elboGradient(x, mean: m, logStandardDeviations: logS, standardRule: rule)
            let expected = try reference(m, logS)
            #expect(abs(result.elbo - expected) <= 1e-9 * max(1, abs(expected)), "ELBO \(result.elbo) vs \(expected)")
            let h = 1e-5
            for j in 0..<d {
                var (mp, mm, sp, sm) = (m, m, logS, logS)
                mp[j] += h; mm[j] -= h; sp[j] += h; sm[j] -= h
                let dm = (try reference(mp, logS) - reference(mm, logS)) / (2 * h)
                let ds = (try reference(m, sp) - reference(m, sm)) / (2 * h)
                #expect(abs(result.mean[j] - dm) <= 1e-5 * max(1, abs(dm)), "∂/∂m\(j): \(result.mean[j]) vs \(dm)")
                #expect(abs(result.logStandardDeviations[j] - ds) <= 1e-5 * max(1, abs(ds)),
                        "∂/∂log s\(j): \(result.logStandardDeviations[j]) vs \(ds)")
            }
        }
    }

    /// Ascent from the prior ends where no nearby Gaussian does better: a brute-force search over a 41 × 41 grid of
    /// (m, log s) around the end point (independent of the gradient) finds no ELBO higher by more than 10⁻⁹; the end
    /// point's gap log p(x) − ELBO is the KL to the posterior on a dense grid, and it is no worse than the Laplace q.
    @Test func ascentEndsAtTheBestNearbyGaussian() throws {
        let model = try toyModel(noiseVariance: 0.05, seed: 21)
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 801, dimension: 1)
        let grid = try LatentQuadrature.trapezoid(halfWidth: 9, pointsPerDimension: 7201, dimension: 1)
        for x in [[0.1, 0.8], [-0.6, -0.3]] {
            let path = try model.fitGaussianVariational(x, mean: [0], logStandardDeviations: [0], steps: 3000,
                                                        learningRate: 0.02, standardRule: rule)
            #expect(path.count == 3001)
            let end = try #require(path.last)
            #expect(end.elbo > path[0].elbo)
            var best = -Double.infinity
            for i in 0...40 { for k in 0...40 {
                let q = try VariationalGaussian(mean: [end.mean[0] + 0.05 * Double(i - 20) / 20],
                                                standardDeviations: [exp(end.logStandardDeviations[0] + 0.05 * Double(k - 20) / 20)])
                best = max(best, try model.elbo(x, q: q, standardRule: rule).value)
            } }
            #expect(best <= end.elbo + 1e-9, "a grid point beats the ascent: \(best) vs \(end.elbo)")
            let logp = try model.logMarginals(Matrix([x]), quadrature: grid)[0]
            let kl = try ELBO.klToPosterior(q: try end.gaussian(), grid: grid,
                                            logJoint: try model.logJoint(Matrix([x]), latent: grid.nodes).elements)
            #expect(abs((logp - end.elbo) - kl) < 1e-6, "gap \(logp - end.elbo) vs KL \(kl)")
            let laplace = try model.laplaceApproximation(x, candidates: Matrix(rows: 161, columns: 1,
                                                                                elements: (0...160).map { -4 + 0.05 * Double($0) }))
            #expect(end.elbo >= (try model.elbo(x, q: laplace, standardRule: rule).value) - 1e-9)
        }
    }

    @Test func refusesBadArguments() throws {
        let model = try toyModel(noiseVariance: 0.05, seed: 21)
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 11, dimension: 1)
        #expect(throws: NonlinearModelError.self) {
            try model.fitGaussianVariational([0, 0], mean: [0], logStandardDeviations: [0], steps: 5, learningRate: 0, standardRule: rule)
        }
        #expect(throws: NonlinearModelError.self) {
            try model.elboGradient([0, 0], mean: [0, 1], logStandardDeviations: [0], standardRule: rule)
        }
        #expect(throws: NonlinearModelError.self) {
            try model.elboGradient([0, 0], mean: [.nan], logStandardDeviations: [0], standardRule: rule)
        }
    }
}
