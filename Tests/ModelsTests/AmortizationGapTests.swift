import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// log p(x) − ELBO(q_φ) = [log p(x) − ELBO(q*)] + [ELBO(q*) − ELBO(q_φ)] (Cremer, Li & Duvenaud 2018), all by quadrature.
@Suite struct AmortizationGapTests {
    /// A linear amortised encoder for the toy model: PPCA (q = 1) fitted to 500 seeded draws from the model, whose
    /// posterior N(M⁻¹Wᵀ(x − μ), σ²M⁻¹) serves as q_φ(z|x) — one linear map shared by every x.
    static func linearEncoder(_ model: NonlinearLVM, seed: UInt64) throws -> (([Double]) throws -> VariationalGaussian) {
        var g = Xoshiro256StarStar(seed: seed)
        let ppca = try PPCA.fit(model.sample(count: 500, using: &g).x, latentDimension: 1)
        return { x in
            let post = try ppca.posterior(Matrix([x]))
            return try VariationalGaussian(mean: post.means.row(0), covariance: post.covariance)
        }
    }

    /// For a few x on a seeded 1 → 8 → 2 decoder (σ² = 0.05): both gaps are ≥ 0 and sum to log p(x) − ELBO(q_φ);
    /// independently, the inference gap is KL(q_φ ‖ p(z|x)) and the approximation gap KL(q* ‖ p(z|x)), each on a dense
    /// trapezoid grid in z (7201 points on ±9; ELBOs by 401 points in ξ, 2000 Adam steps), within 10⁻⁶; q* does at
    /// least as well as the ascent from the prior alone, and handing q* back as the "encoder" leaves no amortization
    /// gap (≤ 10⁻⁹).
    @Test func gapsAreNonNegativeSumToTheInferenceGapAndAreKLs() throws {
        let model = try toyModel(noiseVariance: 0.05, seed: 21)
        let encoder = try Self.linearEncoder(model, seed: 4)
        let marginal = try LatentQuadrature.trapezoid(halfWidth: 9, pointsPerDimension: 7201, dimension: 1)
        let standard = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 401, dimension: 1)
        for x in [[0.1, 0.8], [-0.6, -0.3], [1.2, 0.4]] {
            let qPhi = try encoder(x)
            let r = try model.amortizationGap(x, amortized: qPhi, marginalRule: marginal, standardRule: standard, steps: 2000)
            #expect(r.approximationGap >= 0 && r.amortizationGap >= 0, "x = \(x): \(r.approximationGap), \(r.amortizationGap)")
            #expect(abs(r.approximationGap + r.amortizationGap - (r.logMarginal - r.elboAmortized)) <= 1e-12 * max(1, abs(r.logMarginal)))
            #expect(r.amortizationGap > 1e-3, "a linear encoder should leave a visible amortization gap at x = \(x)")
            let joint = try model.logJoint(Matrix([x]), latent: marginal.nodes).elements
            let klPhi = try ELBO.klToPosterior(q: qPhi, grid: marginal, logJoint: joint)
            let klStar = try ELBO.klToPosterior(q: r.optimal, grid: marginal, logJoint: joint)
            #expect(abs(r.inferenceGap - klPhi) < 1e-6, "inference gap \(r.inferenceGap) vs KL(q_φ ‖ p) \(klPhi)")
            #expect(abs(r.approximationGap - klStar) < 1e-6, "approximation gap \(r.approximationGap) vs KL(q* ‖ p) \(klStar)")
            let fromPrior = try #require(try model.fitGaussianVariational(x, mean: [0], logStandardDeviations: [0], steps: 2000,
                                                                          learningRate: 0.02, standardRule: standard).last)
            #expect(r.elboOptimal >= (try model.elbo(x, q: try fromPrior.gaussian(), standardRule: standard).value))
            let again = try model.amortizationGap(x, amortized: r.optimal, marginalRule: marginal, standardRule: standard, steps: 500)
            #expect(again.amortizationGap >= 0 && again.amortizationGap <= 1e-9, "q* as q_φ: gap \(again.amortizationGap)")
        }
    }

    /// Two latent dimensions (diagonal q*, Gauss–Hermite rules): the gaps are ≥ 0 and add up; a q_φ far off (the prior)
    /// has a larger amortization gap than one near q*.
    @Test func twoLatentDimensions() throws {
        var g = Xoshiro256StarStar(seed: 12)
        let model = try NonlinearLVM(decoder: MLPDecoder(latentDimension: 2, hiddenUnits: 6, outputDimension: 3, gain: 1.5, using: &g),
                                     noiseVariance: 0.2)
        let marginal = try LatentQuadrature.gaussHermite(order: 60, dimension: 2)
        let standard = try LatentQuadrature.gaussHermite(order: 16, dimension: 2)
        let x = model.sample(count: 1, using: &g).x.row(0)
        let prior = try VariationalGaussian(mean: [0, 0], standardDeviations: [1, 1])
        let far = try model.amortizationGap(x, amortized: prior, marginalRule: marginal, standardRule: standard, steps: 1500)
        #expect(far.approximationGap >= 0 && far.amortizationGap > 0)
        #expect(abs(far.approximationGap + far.amortizationGap - far.inferenceGap) <= 1e-12 * max(1, abs(far.logMarginal)))
        let nearMean = far.optimal.mean.map { $0 + 0.1 }
        let near = try VariationalGaussian(mean: nearMean, standardDeviations: far.optimal.covariance.diagonal.map { $0.squareRoot() })
        let close = try model.amortizationGap(x, amortized: near, marginalRule: marginal, standardRule: standard, steps: 1500)
        #expect(close.amortizationGap >= 0 && close.amortizationGap < far.amortizationGap)
        #expect(abs(close.elboOptimal - far.elboOptimal) < 1e-6, "the same q* from both starts: \(close.elboOptimal) vs \(far.elboOptimal)")
    }

    @Test func refusesAFullCovarianceOrAWrongDimension() throws {
        let model = try toyModel(noiseVariance: 0.05, seed: 21)
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 101, dimension: 1)
        let q2 = try VariationalGaussian(mean: [0, 0], standardDeviations: [1, 1])
        #expect(throws: NonlinearModelError.self) { try model.amortizationGap([0, 0], amortized: q2, marginalRule: rule, standardRule: rule) }
        var g = Xoshiro256StarStar(seed: 1)
        let model2 = try NonlinearLVM(decoder: MLPDecoder(latentDimension: 2, hiddenUnits: 4, outputDimension: 2, using: &g), noiseVariance: 0.1)
        let full = try VariationalGaussian(mean: [0, 0], covariance: Matrix([[1, 0.3], [0.3, 1]]))
        let gh = try LatentQuadrature.gaussHermite(order: 5, dimension: 2)
        #expect(throws: NonlinearModelError.self) { try model2.amortizationGap([0, 0], amortized: full, marginalRule: gh, standardRule: gh) }
    }
}
