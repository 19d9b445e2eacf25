import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// EM as coordinate ascent on the ELBO (Neal & Hinton 1998; PRML §9.4) for PPCA: the closed-form ELBO(q, θ) with q the
/// exact posterior of another PPCA model, the KL it misses, and EM's half-steps.
@Suite struct PPCAEMAsELBOTests {
    static let (d, k, n) = (4, 2, 300)

    static func randomMatrix(_ r: Int, _ c: Int, scale: Double, _ g: inout Xoshiro256StarStar) -> Matrix {
        Matrix(rows: r, columns: c, elements: (0..<(r * c)).map { _ in scale * g.nextStandardNormal() })
    }

    /// Simulated PPCA data (N = 300, D = 4, q = 2), its sample mean μ and 1/N scatter S about μ.
    static func simulated(seed: UInt64) throws -> (x: Matrix, mean: [Double], scatter: Matrix) {
        var g = Xoshiro256StarStar(seed: seed)
        let truth = try PPCA(mean: [1, -2, 0.5, 3], loading: randomMatrix(d, k, scale: 1.5, &g), noiseVariance: 0.3)
        let x = truth.sample(count: n, using: &g).observed
        return (x, Statistics.columnMeans(x), Statistics.covariance(x, normalization: .maximumLikelihood))
    }

    /// A PPCA model with a random W and σ², at `mean` shifted by `shift` · N(0, I).
    static func randomModel(mean: [Double], shift: Double, _ g: inout Xoshiro256StarStar) throws -> PPCA {
        try PPCA(mean: mean.map { $0 + shift * g.nextStandardNormal() }, loading: randomMatrix(d, k, scale: 1.2, &g),
                 noiseVariance: 0.2 + g.nextUniform())
    }

    // MARK: - Independent pieces written out here

    /// log N(x; μ, σ²I) in D dimensions.
    static func logIsotropicNormal(_ x: [Double], mean: [Double], variance: Double) -> Double {
        var r2 = 0.0
        for i in x.indices { r2 += (x[i] - mean[i]) * (x[i] - mean[i]) }
        return -0.5 * Double(x.count) * log(2 * Double.pi * variance) - r2 / (2 * variance)
    }

    /// log N(z; m, Σ) by a Cholesky factor of Σ.
    static func logNormal(_ z: [Double], mean m: [Double], factor: Cholesky) -> Double {
        let u = factor.solveLower(zip(z, m).map { $0 - $1 })
        return -0.5 * (Double(z.count) * log(2 * Double.pi) + factor.logDeterminant + Vector.dot(u, u))
    }

    /// KL(N(m₀, Σ₀) ‖ N(m₁, Σ₁)) = ½ [tr(Σ₁⁻¹Σ₀) + (m₁ − m₀)ᵀΣ₁⁻¹(m₁ − m₀) − k + log|Σ₁| − log|Σ₀|].
    static func gaussianKL(_ m0: [Double], _ s0: Matrix, _ m1: [Double], _ s1: Matrix) throws -> Double {
        let f0 = try Cholesky(of: s0), f1 = try Cholesky(of: s1)
        let dm = zip(m1, m0).map { $0 - $1 }
        let trace = f1.solve(s0).trace
        let quadratic = Vector.dot(dm, f1.solve(dm))
        return 0.5 * (trace + quadratic - Double(m0.count) + f1.logDeterminant - f0.logDeterminant)
    }

    // MARK: - The closed form

    /// q from a model with a different μ, W and σ² than θ: for each row, 100 draws z ~ q(z|xₙ) = N(mₙ, Σ) (mₙ, Σ from
    /// `posterior`, the definition of q), and the Monte Carlo means of log p(xₙ|z; θ), log p(z), −log q(z|xₙ) and their
    /// sum (densities written out here) agree with the closed-form terms from the scatter within 4 standard errors.
    @Test func closedFormELBOMatchesMonteCarlo() throws {
        let data = try Self.simulated(seed: 21)
        var g = Xoshiro256StarStar(seed: 22)
        let theta = try Self.randomModel(mean: data.mean, shift: 0, &g)
        let qModel = try Self.randomModel(mean: data.mean, shift: 0.5, &g)
        let closed = theta.elbo(scatter: data.scatter, posteriorOf: qModel)
        let post = try qModel.posterior(data.x)
        let factor = try Cholesky(of: post.covariance)
        let l = factor.lower
        let draws = 100
        // per term: Σₙ (row mean) and Σₙ (row variance / R), so the estimate is total/N and its SE √(Σ var/R)/N
        var totals = [Double](repeating: 0, count: 4), variances = [Double](repeating: 0, count: 4)
        for row in 0..<Self.n {
            let x = data.x.row(row)
            let m = post.means.row(row)
            var values = [[Double]](repeating: [], count: 4)
            for _ in 0..<draws {
                let eps = [g.nextStandardNormal(), g.nextStandardNormal()]
                let z = (0..<Self.k).map { i in m[i] + (0...i).reduce(0) { $0 + l[i, $1] * eps[$1] } }
                let decoded = (0..<Self.d).map { i in theta.mean[i] + (0..<Self.k).reduce(0) { $0 + theta.loading[i, $1] * z[$1] } }
                let logLik = Self.logIsotropicNormal(x, mean: decoded, variance: theta.noiseVariance)
                let logPrior = Self.logIsotropicNormal(z, mean: [0, 0], variance: 1)
                let negLogQ = -Self.logNormal(z, mean: m, factor: factor)
                for (t, v) in [logLik, logPrior, negLogQ, logLik + logPrior + negLogQ].enumerated() { values[t].append(v) }
            }
            for t in 0..<4 {
                let mean = values[t].reduce(0, +) / Double(draws)
                totals[t] += mean
                variances[t] += values[t].reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(draws - 1) / Double(draws)
            }
        }
        let expected = [closed.expectedLogLikelihood, closed.expectedLogPrior, closed.entropy, closed.value]
        for t in 0..<4 {
            let estimate = totals[t] / Double(Self.n)
            let se = variances[t].squareRoot() / Double(Self.n)
            #expect(abs(estimate - expected[t]) <= 4 * se, "term \(t): closed form \(expected[t]), Monte Carlo \(estimate) ± \(se)")
        }
        // the closed form is not trivially inside the band: moving q's mean changes the ELBO by far more than 4 SE
        let shifted = try PPCA(mean: qModel.mean.map { $0 + 1.0 }, loading: qModel.loading, noiseVariance: qModel.noiseVariance)
        let se = variances[3].squareRoot() / Double(Self.n)
        #expect(abs(theta.elbo(scatter: data.scatter, posteriorOf: shifted).value - closed.value) > 10 * se)
    }

    /// With q the posterior of θ itself the bound is tight: ELBO(θ, θ) = ℓ(θ) to 10⁻¹⁰ relative (random θ and the ML
    /// fit), ℓ from the scatter and from the rows.
    @Test func theELBOAtTheModelsOwnPosteriorIsTheLogLikelihood() throws {
        let data = try Self.simulated(seed: 31)
        var g = Xoshiro256StarStar(seed: 32)
        var models = [try PPCA.fit(data.x, latentDimension: Self.k)]
        for _ in 0..<4 { models.append(try Self.randomModel(mean: data.mean, shift: 0, &g)) }
        for theta in models {
            let ell = try theta.averageLogLikelihood(data.x)
            let elbo = theta.elbo(scatter: data.scatter, posteriorOf: theta).value
            #expect(abs(elbo - ell) <= 1e-10 * abs(ell), "ELBO \(elbo) vs ℓ \(ell)")
            #expect(abs(theta.averageKLToPosterior(scatter: data.scatter, posteriorOf: theta)) <= 1e-10 * abs(ell))
        }
    }

    /// For q from another model (same or different μ) the ELBO is strictly below ℓ(θ), and the KL = ℓ − ELBO equals an
    /// independent Gaussian KL between N(mₙ, Σ_q) and the exact posterior N(mₙ^θ, Σ_θ) of θ, averaged over rows
    /// (10⁻⁹ relative).
    @Test func theGapIsTheKLToTheExactPosterior() throws {
        let data = try Self.simulated(seed: 41)
        var g = Xoshiro256StarStar(seed: 42)
        for shift in [0.0, 0.0, 0.7, 0.7] {
            let theta = try Self.randomModel(mean: data.mean, shift: 0, &g)
            let qModel = try Self.randomModel(mean: data.mean, shift: shift, &g)
            let ell = theta.averageLogLikelihood(scatter: data.scatter)
            let elbo = theta.elbo(scatter: data.scatter, posteriorOf: qModel).value
            #expect(elbo < ell, "ELBO \(elbo) vs ℓ \(ell)")
            let pq = try qModel.posterior(data.x), pt = try theta.posterior(data.x)
            var kl = 0.0
            for row in 0..<Self.n {
                kl += try Self.gaussianKL(pq.means.row(row), pq.covariance, pt.means.row(row), pt.covariance)
            }
            kl /= Double(Self.n)
            let closed = theta.averageKLToPosterior(scatter: data.scatter, posteriorOf: qModel)
            #expect(kl > 0.01)
            #expect(abs(closed - kl) <= 1e-9 * max(1, kl), "shift \(shift): closed \(closed), Gaussian KL \(kl)")
        }
    }

    // MARK: - EM's half-steps

    /// 40 iterations from a random start: half-steps alternate E, M; the ELBO never decreases across either kind, nor
    /// does ℓ; KL = 0 (10⁻¹⁰) after each E-step, where the ELBO touches ℓ, and ≥ 0 after each M-step (> 0 early on);
    /// the M-step's model is `emStep` of the previous, its q the previous model's posterior, and its ELBO is
    /// ELBO(q_old, θ_new) computed directly; ℓ follows `fitEM`'s trace. The M-step is the maximiser of ELBO(q_old, ·):
    /// perturbing W or σ² of θ_new lowers it.
    @Test func emHalfStepsClimbTheELBO() throws {
        let data = try Self.simulated(seed: 51)
        var g = Xoshiro256StarStar(seed: 52)
        let w0 = Self.randomMatrix(Self.d, Self.k, scale: 0.5, &g)
        let iterations = 40
        let steps = try PPCA.emHalfSteps(mean: data.mean, scatter: data.scatter, initialLoading: w0,
                                         initialNoiseVariance: 2, iterations: iterations)
        #expect(steps.count == 2 * iterations)
        let reference = try PPCA.fitEM(mean: data.mean, scatter: data.scatter, initialLoading: w0, initialNoiseVariance: 2,
                                       maxIterations: iterations, tolerance: 0)
        var previous: EMHalfStep? = nil
        for (i, step) in steps.enumerated() {
            let scale = max(1, abs(step.logLikelihood))
            #expect(step.iteration == i / 2 + 1)
            #expect(step.kind == (i % 2 == 0 ? .expectation : .maximisation))
            #expect(abs(step.logLikelihood - step.model.averageLogLikelihood(scatter: data.scatter)) == 0)
            #expect(abs(step.kl - (step.logLikelihood - step.elbo)) <= 1e-14 * scale)
            switch step.kind {
            case .expectation:
                #expect(step.posteriorOf == step.model)
                #expect(abs(step.kl) <= 1e-10 * scale, "E-step \(step.iteration): KL \(step.kl)")
                #expect(abs(step.elbo - step.logLikelihood) <= 1e-10 * scale)
                if let previous { #expect(step.model == previous.model) }
            case .maximisation:
                let before = try #require(previous)
                #expect(step.posteriorOf == before.model)
                #expect(step.model == (try PPCA.emStep(before.model, scatter: data.scatter)))
                #expect(step.elbo == step.model.elbo(scatter: data.scatter, posteriorOf: before.model).value)
                #expect(step.kl >= -1e-12 * scale, "M-step \(step.iteration): KL \(step.kl)")
                if step.iteration <= 3 { #expect(step.kl > 1e-4, "M-step \(step.iteration): KL \(step.kl)") }
                if step.iteration - 1 < reference.logLikelihoods.count - 1 {
                    #expect(step.logLikelihood.isApproximatelyEqual(to: reference.logLikelihoods[step.iteration], relativeTolerance: 1e-12))
                }
            }
            if let previous {
                #expect(step.elbo >= previous.elbo - 1e-12 * scale, "half-step \(i): ELBO \(previous.elbo) → \(step.elbo)")
                #expect(step.logLikelihood >= previous.logLikelihood - 1e-12 * scale,
                        "half-step \(i): ℓ \(previous.logLikelihood) → \(step.logLikelihood)")
            }
            previous = step
        }
        // the first iterations climb visibly: the ELBO after the first M-step is above the start
        #expect(steps[1].elbo > steps[0].elbo + 1e-3)

        // the M-step maximises ELBO(q_old, ·) (μ held at the sample mean)
        for step in steps.prefix(6) where step.kind == .maximisation {
            let best = step.elbo
            for _ in 0..<4 {
                let w = step.model.loading + Self.randomMatrix(Self.d, Self.k, scale: 0.05, &g)
                let other = try PPCA(mean: step.model.mean, loading: w, noiseVariance: step.model.noiseVariance)
                #expect(other.elbo(scatter: data.scatter, posteriorOf: step.posteriorOf).value < best)
            }
            for factor in [0.9, 1.1] {
                let other = try PPCA(mean: step.model.mean, loading: step.model.loading, noiseVariance: factor * step.model.noiseVariance)
                #expect(other.elbo(scatter: data.scatter, posteriorOf: step.posteriorOf).value < best)
            }
        }
    }

    @Test func refusesBadArguments() throws {
        let s = Matrix.identity(Self.d)
        let w0 = Matrix(rows: Self.d, columns: Self.k, repeating: 0.5)
        #expect(throws: PPCAError.self) {
            try PPCA.emHalfSteps(mean: [0, 0, 0], scatter: s, initialLoading: w0, initialNoiseVariance: 1, iterations: 2)
        }
        #expect(throws: PPCAError.self) {
            try PPCA.emHalfSteps(mean: [0, 0, 0, 0], scatter: s, initialLoading: w0, initialNoiseVariance: 0, iterations: 2)
        }
        #expect(throws: PPCAError.self) {
            try PPCA.emHalfSteps(mean: [0, 0, 0, 0], scatter: s, initialLoading: w0, initialNoiseVariance: 1, iterations: -1)
        }
        #expect(try PPCA.emHalfSteps(mean: [0, 0, 0, 0], scatter: s, initialLoading: w0, initialNoiseVariance: 1, iterations: 0).isEmpty)
    }
}
