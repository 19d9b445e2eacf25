import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// The linear VAE (Lucas, Tucker, Grosse & Norouzi 2019): closed-form ELBO, equal to PPCA's log-likelihood at the ML
/// fit, and posterior collapse of the dimensions whose eigenvalue is below a fixed σ².
@Suite struct LinearVAETests {
    static func randomMatrix(_ r: Int, _ c: Int, scale: Double, _ g: inout Xoshiro256StarStar) -> Matrix {
        Matrix(rows: r, columns: c, elements: (0..<(r * c)).map { _ in scale * g.nextStandardNormal() })
    }

    /// Simulated PPCA data, D = 5, q = 2, N = 400 (a seeded W, μ and σ² = 0.3).
    static func simulated(seed: UInt64) throws -> Matrix {
        var g = Xoshiro256StarStar(seed: seed)
        let truth = try PPCA(mean: [1, -2, 0.5, 0, 3], loading: randomMatrix(5, 2, scale: 1.5, &g), noiseVariance: 0.3)
        return truth.sample(count: 400, using: &g).observed
    }

    /// For an arbitrary decoder and encoder (D = 4, q = 2), the closed-form ELBO of each of three rows equals a Monte
    /// Carlo average of log p(x|z) + log p(z) − log q(z|x) over 20000 draws z ~ q(z|x) within 4 SE (densities written
    /// out here, independently of the closed form); the row average equals the scatter form to 10⁻¹², and the
    /// per-dimension KLs add up to the KL term.
    @Test func closedFormELBOMatchesMonteCarlo() throws {
        var g = Xoshiro256StarStar(seed: 17)
        let (d, q) = (4, 2)
        let mu = [0.5, -1, 2, 0]
        let w = Self.randomMatrix(d, q, scale: 1, &g)
        let v = Self.randomMatrix(q, d, scale: 0.4, &g)
        let tau2 = [0.3, 0.7]
        let sigma2 = 0.4
        let vae = try LinearVAE(mean: mu, decoderLoading: w, noiseVariance: sigma2, encoderLoading: v, encoderVariances: tau2)
        let x = Self.randomMatrix(3, d, scale: 1.5, &g)
        let closed = try vae.elbos(x)
        let u = try vae.encoderMeans(x)
        let draws = 20000
        for n in 0..<x.rows {
            var values = [Double]()
            values.reserveCapacity(draws)
            for _ in 0..<draws {
                let eps = (0..<q).map { _ in g.nextStandardNormal() }
                let z = (0..<q).map { u[n, $0] + tau2[$0].squareRoot() * eps[$0] }
                var logLik = -0.5 * Double(d) * log(2 * Double.pi * sigma2)
                for i in 0..<d {
                    var mean = mu[i]
                    for j in 0..<q { mean += w[i, j] * z[j] }
                    logLik -= (x[n, i] - mean) * (x[n, i] - mean) / (2 * sigma2)
                }
                var logPrior = 0.0, logQ = 0.0
                for j in 0..<q {
                    logPrior += -0.5 * log(2 * Double.pi) - 0.5 * z[j] * z[j]
                    logQ += -0.5 * log(2 * Double.pi * tau2[j]) - 0.5 * eps[j] * eps[j]
                }
                values.append(logLik + logPrior - logQ)
            }
            let mean = values.reduce(0, +) / Double(draws)
            let se = (values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws - 1) / Double(draws)).squareRoot()
            #expect(abs(mean - closed[n]) <= 4 * se, "row \(n): closed form \(closed[n]), Monte Carlo \(mean) ± \(se)")
        }
        let terms = try vae.averageELBOTerms(scatter: try vae.scatter(x))
        let average = try vae.averageELBO(x)
        #expect(abs(terms.value - average) <= 1e-12 * max(1, abs(average)), "scatter \(terms.value) vs rows \(average)")
        let kl = try vae.averageKLPerDimension(scatter: try vae.scatter(x))
        #expect(kl.count == q && kl.allSatisfy { $0 > 0 })
        #expect(abs(kl.reduce(0, +) - terms.klToPrior) <= 1e-12 * max(1, terms.klToPrior))
    }

    /// At the PPCA ML fit (orthogonal columns, so M is diagonal and the posterior exactly diagonal Gaussian) the linear
    /// VAE's ELBO with V = M⁻¹Wᵀ, τ² = σ²/diag M is PPCA's average log-likelihood to 10⁻¹⁰ (relative), from the rows and
    /// from the scatter. Any other V or τ² is lower, and so is the rotated decoder WR (same likelihood, M not diagonal).
    @Test(arguments: [UInt64(3), 9])
    func atTheMaximumLikelihoodFitTheELBOIsTheLogLikelihood(seed: UInt64) throws {
        let x = try Self.simulated(seed: seed)
        let ml = try PPCA.fit(x, latentDimension: 2)
        let vae = try LinearVAE(ppca: ml)
        let ell = try ml.averageLogLikelihood(x)
        let elbo = try vae.averageELBO(x)
        #expect(abs(elbo - ell) <= 1e-10 * abs(ell), "ELBO \(elbo) vs ℓ \(ell)")
        #expect(abs((try vae.averageELBOTerms(scatter: try vae.scatter(x))).value - ell) <= 1e-10 * abs(ell))

        var g = Xoshiro256StarStar(seed: seed + 100)
        for _ in 0..<5 {
            let dv = Self.randomMatrix(2, 5, scale: 0.02, &g)
            let other = try LinearVAE(mean: vae.mean, decoderLoading: vae.decoderLoading, noiseVariance: vae.noiseVariance,
                                      encoderLoading: vae.encoderLoading + dv, encoderVariances: vae.encoderVariances)
            #expect(try other.averageELBO(x) < elbo)
        }
        for factors in [[1.1, 1.0], [1.0, 0.9], [0.95, 1.05]] {
            let other = try LinearVAE(mean: vae.mean, decoderLoading: vae.decoderLoading, noiseVariance: vae.noiseVariance,
                                      encoderLoading: vae.encoderLoading, encoderVariances: zip(vae.encoderVariances, factors).map(*))
            #expect(try other.averageELBO(x) < elbo)
        }
        let angle = 0.4
        let rotated = try ml.rotated(by: Matrix([[cos(angle), -sin(angle)], [sin(angle), cos(angle)]]))
        #expect(abs((try rotated.averageLogLikelihood(x)) - ell) <= 1e-10 * abs(ell))
        #expect(try LinearVAE(ppca: rotated).averageELBO(x) < elbo - 1e-6)
    }

    /// A σ² sweep on simulated data (q = 3 of D = 5): at each σ² the fixed-σ² optimum has KLⱼ = ½ log(max(λⱼ, σ²)/σ²)
    /// (to 10⁻¹⁰), exactly 0 — the encoder is the prior — for λⱼ ≤ σ² and positive otherwise; the number of collapsed
    /// dimensions grows with σ². Optimality by the ELBO itself: giving a collapsed column a small length along its
    /// eigenvector, or rescaling an active column, lowers the ELBO (each decoder with its best encoder).
    @Test func posteriorCollapseAboveTheEigenvalues() throws {
        let x = try Self.simulated(seed: 5)
        let fit = try PPCAMaximumLikelihood(x)
        let q = 3
        let lambda = Array(fit.eigenvalues[..<q])
        #expect(lambda[0] > lambda[1] && lambda[1] > lambda[2])
        var previousCollapsed = -1
        for sigma2 in [0.5 * lambda[2], 0.5 * (lambda[1] + lambda[2]), 0.5 * (lambda[0] + lambda[1]), 1.5 * lambda[0]] {
            let vae = try LinearVAE.optimum(fit, latentDimension: q, noiseVariance: sigma2)
            let s = try vae.scatter(x)
            let kl = try vae.averageKLPerDimension(scatter: s)
            let predicted = LinearVAE.collapseKL(eigenvalues: lambda, noiseVariance: sigma2)
            var collapsed = 0
            for j in 0..<q {
                #expect(abs(kl[j] - predicted[j]) <= 1e-10 * max(1, predicted[j]), "σ² = \(sigma2), j = \(j): \(kl[j]) vs \(predicted[j])")
                if lambda[j] <= sigma2 {
                    collapsed += 1
                    #expect(abs(kl[j]) <= 1e-12 && vae.encoderVariances[j] == 1, "collapsed j = \(j): KL \(kl[j]), τ² \(vae.encoderVariances[j])")
                } else {
                    #expect(kl[j] > 1e-3)
                }
            }
            #expect(collapsed > previousCollapsed)
            previousCollapsed = collapsed
            let best = try vae.averageELBOTerms(scatter: s).value
            for j in 0..<q {
                let scales: [Double] = lambda[j] <= sigma2 ? [0.1, 0.3] : [0, 0.5, 1.5]
                for c in scales {
                    var w = vae.decoderLoading
                    let length = lambda[j] <= sigma2 ? c * sigma2.squareRoot() : 0
                    for i in 0..<fit.dimension { w[i, j] = lambda[j] <= sigma2 ? length * fit.eigenvectors[i, j] : c * w[i, j] }
                    let other = try LinearVAE.withOptimalEncoder(mean: vae.mean, decoderLoading: w, noiseVariance: sigma2)
                    #expect(try other.averageELBOTerms(scatter: s).value < best, "σ² = \(sigma2), column \(j) × \(c)")
                }
            }
        }
    }

    @Test func refusesBadArguments() throws {
        let w = Matrix([[1.0], [0.5], [0]])
        #expect(throws: NonlinearModelError.self) {
            try LinearVAE(mean: [0, 0, 0], decoderLoading: w, noiseVariance: 0.1, encoderLoading: Matrix([[1.0, 0]]), encoderVariances: [1])
        }
        #expect(throws: NonlinearModelError.self) {
            try LinearVAE(mean: [0, 0, 0], decoderLoading: w, noiseVariance: 0, encoderLoading: Matrix([[1.0, 0, 0]]), encoderVariances: [1])
        }
        #expect(throws: NonlinearModelError.self) {
            try LinearVAE(mean: [0, 0, 0], decoderLoading: w, noiseVariance: 0.1, encoderLoading: Matrix([[1.0, 0, 0]]), encoderVariances: [-1])
        }
        let vae = try LinearVAE.withOptimalEncoder(mean: [0, 0, 0], decoderLoading: w, noiseVariance: 0.1)
        #expect(throws: NonlinearModelError.self) { try vae.elbos(Matrix([[1.0, 2]])) }
    }
}
