import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// A seeded noisy arc (three quarters of the unit circle) like the lesson's toy data.
func noisyArc(rows n: Int, noise: Double, seed: UInt64) -> Matrix {
    var g = Xoshiro256StarStar(seed: seed)
    var e = [Double]()
    for _ in 0..<n {
        let t = -0.75 * Double.pi + 1.5 * Double.pi * g.nextUniform()
        e += [cos(t) + noise * g.nextStandardNormal(), sin(t) + noise * g.nextStandardNormal()]
    }
    return Matrix(rows: n, columns: 2, elements: e)
}

/// A seeded random 1 → H → 2 model with noise variance σ².
func toyModel(hidden: Int = 8, noiseVariance: Double, seed: UInt64) throws -> NonlinearLVM {
    var g = Xoshiro256StarStar(seed: seed)
    return try NonlinearLVM(decoder: MLPDecoder(latentDimension: 1, hiddenUnits: hidden, outputDimension: 2, gain: 2, using: &g),
                            noiseVariance: noiseVariance)
}

@Suite struct LatentQuadratureTests {
    @Test(arguments: [(1, 1), (7, 1), (12, 2), (5, 3)])
    func gaussHermiteTensorWeightsSumToOneAndIntegrateLowMoments(order: Int, dimension: Int) throws {
        let rule = try LatentQuadrature.gaussHermite(order: order, dimension: dimension)
        var count = 1
        for _ in 0..<dimension { count *= order }
        #expect(rule.count == count)
        let w = rule.logWeights.map(exp)
        let n = Double(count)
        #expect(abs(w.reduce(0, +) - 1) <= 10 * n * Double.ulpOfOne)
        // E[z_j²] = 1 needs order ≥ 2 (exact for degree ≤ 2K − 1); E[z₀ z_last] = 0 for dimension ≥ 2.
        if order >= 2 {
            for j in 0..<dimension {
                let second = zip(w, (0..<count).map { rule.nodes[$0, j] }).reduce(0) { $0 + $1.0 * $1.1 * $1.1 }
                #expect(abs(second - 1) <= 100 * n * Double.ulpOfOne, "E[z\(j)²] = \(second)")
            }
        }
        if dimension >= 2 {
            let cross = (0..<count).reduce(0.0) { $0 + w[$1] * rule.nodes[$1, 0] * rule.nodes[$1, dimension - 1] }
            #expect(abs(cross) <= 100 * n * Double.ulpOfOne)
        }
    }

    @Test func trapezoidWithPriorWeightsIntegratesTheNormalMoments() throws {
        let rule = try LatentQuadrature.trapezoid(halfWidth: 10, pointsPerDimension: 401, dimension: 1)
        let w = rule.logWeights.map(exp)
        let z = rule.nodes.elements
        // Trapezoid on a smooth, rapidly decaying integrand: error far below 1e-12 at h = 0.05.
        #expect(abs(w.reduce(0, +) - 1) < 1e-12)
        #expect(abs(zip(w, z).reduce(0) { $0 + $1.0 * $1.1 * $1.1 * $1.1 * $1.1 } - 3) < 1e-11)   // E[z⁴] = 3
    }

    @Test func logSumExpIsStableAndHandlesEdgeCases() {
        #expect(LatentQuadrature.logSumExp([1000, 1000]).isApproximatelyEqual(to: 1000 + log(2.0), relativeTolerance: 1e-15))
        #expect(LatentQuadrature.logSumExp([-1000, -1000 - log(3.0)]).isApproximatelyEqual(to: -1000 + log(4.0 / 3.0), relativeTolerance: 1e-15))
        #expect(LatentQuadrature.logSumExp([]) == -.infinity)
        #expect(LatentQuadrature.logSumExp([-.infinity, -.infinity]) == -.infinity)
        #expect(LatentQuadrature.logSumExp([-.infinity, 0]) == 0)
    }

    @Test func invalidRulesAreTypedErrors() {
        #expect(throws: NonlinearModelError.self) { try LatentQuadrature.gaussHermite(order: 0, dimension: 1) }
        #expect(throws: NonlinearModelError.self) { try LatentQuadrature.trapezoid(halfWidth: 1, pointsPerDimension: 1, dimension: 1) }
    }
}

@Suite struct QuadratureMarginalTests {
    /// ∫ p(x) dx over ℝ² for the quadrature density of a fixed random decoder. Each node contributes a normalised
    /// Gaussian of weight wₘ, so the integral is Σ wₘ = 1: this checks the normalising constants and log-sum-exp.
    /// The x-integral is a 241 × 241 trapezoid grid over a box extending 8σ beyond every decoded node (h ≈ 0.04 for
    /// σ = 0.3, where the trapezoid error on a Gaussian is far below 1e-9); tolerance 1e-6.
    @Test(arguments: [UInt64(1), 2, 3])
    func quadratureDensityIntegratesToOneOverAGridOfX(seed: UInt64) throws {
        let model = try toyModel(noiseVariance: 0.09, seed: seed)
        let rule = try LatentQuadrature.gaussHermite(order: 30, dimension: 1)
        let f = model.decoder(rule.nodes)
        let sigma = model.noiseVariance.squareRoot()
        var lo = [Double.infinity, .infinity], hi = [-Double.infinity, -.infinity]
        for m in 0..<f.rows where rule.logWeights[m] > -60 {
            for j in 0..<2 { lo[j] = min(lo[j], f[m, j]); hi[j] = max(hi[j], f[m, j]) }
        }
        let n = 241
        let axes = (0..<2).map { j in (0..<n).map { lo[j] - 8 * sigma + (hi[j] - lo[j] + 16 * sigma) * Double($0) / Double(n - 1) } }
        let h = (0..<2).map { axes[$0][1] - axes[$0][0] }
        var points = [Double]()
        for a in axes[0] { for b in axes[1] { points += [a, b] } }
        let logp = try model.logMarginals(Matrix(rows: n * n, columns: 2, elements: points), quadrature: rule)
        var integral = 0.0
        for i in 0..<n {
            for j in 0..<n {
                let wi = (i == 0 || i == n - 1) ? 0.5 : 1, wj = (j == 0 || j == n - 1) ? 0.5 : 1
                integral += wi * wj * exp(logp[i * n + j])
            }
        }
        integral *= h[0] * h[1]
        #expect(abs(integral - 1) < 1e-6, "∫ p(x) dx = \(integral)")
    }

    /// Gauss–Hermite against a much finer rule (trapezoid, 4001 points on ±10, h = 0.005) for a fixed smooth decoder
    /// (gain 0.7) with a wide noise (σ = 0.7, so the posterior spans many Gauss–Hermite nodes). Tolerance 1e-8 in
    /// log p(x). (With sharp tanh transitions or small σ, Gauss–Hermite converges slowly — the lesson shows this.)
    @Test func gaussHermiteAgreesWithAMuchFinerRule() throws {
        var g = Xoshiro256StarStar(seed: 4)
        let model = try NonlinearLVM(decoder: MLPDecoder(latentDimension: 1, hiddenUnits: 8, outputDimension: 2, gain: 0.7, using: &g),
                                     noiseVariance: 0.5)
        let x = noisyArc(rows: 20, noise: 0.3, seed: 5)
        let coarse = try model.logMarginals(x, quadrature: try LatentQuadrature.gaussHermite(order: 80, dimension: 1))
        let fine = try model.logMarginals(x, quadrature: try LatentQuadrature.trapezoid(halfWidth: 10, pointsPerDimension: 4001, dimension: 1))
        for (a, b) in zip(coarse, fine) { #expect(abs(a - b) < 1e-8, "Gauss–Hermite \(a) vs fine \(b)") }
        // and a coarse rule is measurably worse: the check can fail
        let poor = try model.logMarginals(x, quadrature: try LatentQuadrature.gaussHermite(order: 3, dimension: 1))
        #expect(zip(poor, fine).map { abs($0 - $1) }.max()! > 1e-4)
    }

    /// The responsibilities are a distribution over the nodes for every row.
    @Test func responsibilitiesSumToOne() throws {
        let model = try toyModel(noiseVariance: 0.04, seed: 6)
        let x = noisyArc(rows: 15, noise: 0.1, seed: 7)
        let r = try model.quadratureMarginal(x, quadrature: try LatentQuadrature.gaussHermite(order: 40, dimension: 1)).responsibilities
        for n in 0..<r.rows { #expect(abs(r.row(n).reduce(0, +) - 1) < 1e-13) }
    }

    /// log p(x) of one point equals log of the direct sum Σ wₘ N(x; fₘ, σ²I) written without the product trick.
    @Test func productTrickMatchesDirectDistances() throws {
        let model = try toyModel(noiseVariance: 0.5, seed: 8)
        let rule = try LatentQuadrature.gaussHermite(order: 11, dimension: 1)
        let x = [0.3, -1.2]
        let f = model.decoder(rule.nodes)
        var direct = 0.0
        for m in 0..<rule.count {
            let d2 = pow(x[0] - f[m, 0], 2) + pow(x[1] - f[m, 1], 2)
            direct += exp(rule.logWeights[m]) * exp(-d2 / (2 * 0.5)) / (2 * Double.pi * 0.5)
        }
        let lp = try model.logMarginals(Matrix([x]), quadrature: rule)[0]
        #expect(lp.isApproximatelyEqual(to: log(direct), relativeTolerance: 1e-12))
    }
}

@Suite struct NonlinearTrainingTests {
    /// Adam on the quadrature log-likelihood of the arc: the objective rises well above its start, and the last
    /// stretch of the trace (full batch, so it is the exact objective) is higher than the first.
    @Test func trainingIncreasesTheLogLikelihood() throws {
        var model = try toyModel(hidden: 12, noiseVariance: 0.25, seed: 9)
        let x = noisyArc(rows: 100, noise: 0.08, seed: 10)
        let rule = try LatentQuadrature.trapezoid(halfWidth: 4, pointsPerDimension: 121, dimension: 1)
        let before = try model.quadratureMarginal(x, quadrature: rule).meanLogMarginal
        var g = Xoshiro256StarStar(seed: 11)
        let trace = try model.train(x, quadrature: rule, schedule: TrainingSchedule(steps: 300, learningRate: 0.03), using: &g)
        let after = try model.quadratureMarginal(x, quadrature: rule).meanLogMarginal
        #expect(trace.count == 300)
        #expect(trace[0] == before)
        #expect(after > before + 1, "before \(before), after \(after)")
        #expect(trace.suffix(20).reduce(0, +) > trace.prefix(20).reduce(0, +))
        #expect(model.noiseVariance < 0.25)
    }

    @Test func minibatchTrainingIsDeterministicForASeed() throws {
        let x = noisyArc(rows: 60, noise: 0.1, seed: 12)
        let rule = try LatentQuadrature.gaussHermite(order: 20, dimension: 1)
        func run() throws -> NonlinearLVM {
            var model = try toyModel(noiseVariance: 0.3, seed: 13)
            var g = Xoshiro256StarStar(seed: 14)
            try model.train(x, quadrature: rule, schedule: TrainingSchedule(steps: 25, learningRate: 0.01, batchSize: 16), using: &g)
            return model
        }
        let a = try run(), b = try run()
        #expect(a == b)
        #expect(a != (try toyModel(noiseVariance: 0.3, seed: 13)))
    }

    @Test func adamMinimisesAQuadratic() {
        // ℓ(θ) = Σ cᵢ (θᵢ − tᵢ)², minimum at t.
        let c = [1.0, 10.0, 0.1], t = [3.0, -2.0, 0.5]
        var theta = [0.0, 0.0, 0.0]
        var adam = Adam(parameterCount: 3, learningRate: 0.05)
        for _ in 0..<3000 {
            let g = (0..<3).map { 2 * c[$0] * (theta[$0] - t[$0]) }
            adam.step(&theta, gradient: g)
        }
        for i in 0..<3 { #expect(abs(theta[i] - t[i]) < 1e-3, "θ\(i) = \(theta[i])") }
        #expect(adam.iteration == 3000)
    }
}

@Suite struct MonteCarloMarginalTests {
    /// p̂ from prior sampling is unbiased: the mean of R independent estimates lies within 4 standard errors of the
    /// quadrature value of p(x). Importance sampling from the Laplace approximation has a much smaller spread.
    @Test func priorSamplingIsUnbiasedAndImportanceSamplingHasLowerVariance() throws {
        let model = try toyModel(noiseVariance: 0.04, seed: 15)
        let x = model.decoder(Matrix([[0.4]])).row(0).map { $0 + 0.05 }
        let exact = try model.logMarginals(Matrix([x]), quadrature: try LatentQuadrature.trapezoid(halfWidth: 9, pointsPerDimension: 3001, dimension: 1))[0]
        var g = Xoshiro256StarStar(seed: 16)
        let repeats = 400, samples = 100
        let naive = try (0..<repeats).map { _ in exp(try MonteCarloMarginal.priorSampling(model, x: x, samples: samples, using: &g) - exact) }
        let candidates = Matrix(rows: 81, columns: 1, elements: (0..<81).map { -4 + 0.1 * Double($0) })
        let laplace = try model.laplaceApproximation(x, candidates: candidates)
        let weighted = try (0..<repeats).map { _ in
            exp(try MonteCarloMarginal.importanceSampling(model, x: x, proposal: laplace, samples: samples, using: &g) - exact)
        }
        func meanAndSE(_ v: [Double]) -> (Double, Double) {
            let m = v.reduce(0, +) / Double(v.count)
            let s2 = v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(v.count - 1)
            return (m, (s2 / Double(v.count)).squareRoot())
        }
        let (mn, sen) = meanAndSE(naive), (mi, sei) = meanAndSE(weighted)
        #expect(abs(mn - 1) < 4 * sen, "prior sampling: mean p̂/p = \(mn) ± \(sen)")
        #expect(abs(mi - 1) < 4 * sei + 1e-3, "importance sampling: mean p̂/p = \(mi) ± \(sei)")
        #expect(sei < sen / 3, "importance sampling SE \(sei) vs prior sampling SE \(sen)")
    }

    @Test func laplaceModeIsAStationaryPointWithPositiveCurvature() throws {
        let model = try toyModel(noiseVariance: 0.05, seed: 17)
        let x = [0.2, 0.9]
        let candidates = Matrix(rows: 81, columns: 1, elements: (0..<81).map { -4 + 0.1 * Double($0) })
        let q = try model.laplaceApproximation(x, candidates: candidates)
        let grad = model.logJointGradient(x, latent: Matrix([q.mean]))
        #expect(abs(grad[0, 0]) < 1e-6)
        #expect(q.covariance[0, 0] > 0)
        // the mode beats every candidate
        let joint = try model.logJoint(Matrix([x]), latent: candidates).elements
        let atMode = try model.logJoint(Matrix([x]), latent: Matrix([q.mean]))[0, 0]
        #expect(atMode >= joint.max()! - 1e-12)
    }
}
