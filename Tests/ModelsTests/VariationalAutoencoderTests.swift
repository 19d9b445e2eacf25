import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// The amortised Gaussian encoder and the reparameterised ELBO (Kingma & Welling 2014; Rezende, Mohamed & Wierstra
/// 2014): backpropagation against central differences, the closed-form KL and the two ELBO forms against Monte Carlo,
/// training on the 2-D arc against the exact quadrature log p(x), and reproducibility from a seed.
///
/// Gradient tolerance as in DecoderGradientTests: central differences with h = 1e-5·max(1, |θᵢ|) are accurate to
/// about 1e-9 here; we require |analytic − numeric| ≤ 1e-6·max(1, |numeric|).
/// Monte Carlo checks: a mean of K independent draws is compared with its target within 4 standard errors
/// (a false alarm about once in 16 000 comparisons for a Gaussian mean; the seeds are fixed, so the tests are
/// deterministic).
@Suite struct VariationalAutoencoderTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let latent: Int
        let output: MLPDecoder.Output
        let draws: Int
        let seed: UInt64
        var testDescription: String { "d = \(latent), \(output), S = \(draws), seed \(seed)" }
    }

    static let cases: [Case] = [
        Case(latent: 1, output: .linear, draws: 1, seed: 11), Case(latent: 2, output: .linear, draws: 2, seed: 12),
        Case(latent: 2, output: .scaledSigmoid(16), draws: 3, seed: 13),
    ]

    /// A small random VAE (D = 3, encoder H = 4, decoder H = 5), data (7, 3) and noise ((7·S), d).
    static func setUp(_ c: Case) throws -> (VariationalAutoencoder, Matrix, Matrix) {
        var g = Xoshiro256StarStar(seed: c.seed)
        let dx = 3, n = 7
        let scale: Double = c.output == .linear ? 1 : 16
        let encoder = GaussianEncoder(inputDimension: dx, hiddenUnits: 4, latentDimension: c.latent, gain: 1.5,
                                      initialLogStandardDeviation: -0.3, inputCentre: [Double](repeating: scale / 2, count: dx),
                                      inputScale: scale / 4, using: &g)
        let decoder = MLPDecoder(latentDimension: c.latent, hiddenUnits: 5, outputDimension: dx, output: c.output, gain: 1.5, using: &g)
        let model = try NonlinearLVM(decoder: decoder, noiseVariance: c.output == .linear ? 0.3 : 9)
        let x = Matrix(rows: n, columns: dx, elements: (0..<(n * dx)).map { _ in scale * (0.5 + 0.3 * g.nextStandardNormal()) })
        let noise = TestMatrices.gaussian(n * c.draws, c.latent, using: &g)
        return (try VariationalAutoencoder(encoder: encoder, model: model), x, noise)
    }

    // MARK: - Gradients

    /// L(φ) = Σ Cₘ ⊙ M + Σ C_ℓ ⊙ log S for fixed random C: backward with upstream (Cₘ, C_ℓ) against central
    /// differences of L, for every encoder parameter.
    @Test(arguments: [(1, UInt64(21)), (2, 22), (3, 23)])
    func encoderGradientMatchesCentralDifferences(latent d: Int, seed: UInt64) throws {
        var g = Xoshiro256StarStar(seed: seed)
        let encoder = GaussianEncoder(inputDimension: 3, hiddenUnits: 4, latentDimension: d, gain: 1.5, outputScale: 1.5, using: &g)
        let x = TestMatrices.gaussian(6, 3, using: &g)
        let cm = TestMatrices.gaussian(6, d, using: &g), cl = TestMatrices.gaussian(6, d, using: &g)
        func loss(_ e: GaussianEncoder) -> Double {
            let (m, l) = e.forward(x)
            return Vector.dot(cm.elements, m.elements) + Vector.dot(cl.elements, l.elements)
        }
        let analytic = encoder.backward(encoder.forwardPass(x), meanGradient: cm, logStandardDeviationGradient: cl).flattened
        let phi = encoder.parameters
        #expect(analytic.count == phi.count && phi.count == encoder.parameterCount)
        #expect(encoder.parameterCount == 3 * 4 + 4 + 4 * 2 * d + 2 * d)
        let groups = [("W₁", encoder.w1.elements.count), ("b₁", encoder.b1.count), ("W₂", encoder.w2.elements.count), ("b₂", encoder.b2.count)]
        var index = 0
        for (group, size) in groups {
            for _ in 0..<size {
                let h = 1e-5 * max(1, abs(phi[index]))
                var plus = encoder, minus = encoder
                var pp = phi, pm = phi
                pp[index] += h
                pm[index] -= h
                plus.parameters = pp
                minus.parameters = pm
                let numeric = (loss(plus) - loss(minus)) / (2 * h)
                #expect(abs(analytic[index] - numeric) <= 1e-6 * max(1, abs(numeric)),
                        "\(group) parameter \(index): backprop \(analytic[index]) vs central difference \(numeric)")
                index += 1
            }
        }
    }

    /// ∂/∂(φ, θ, log σ²) of the average closed-form-KL ELBO with ε held fixed, against central differences of
    /// `elbo(form: .closedFormKL)`, for every parameter of the encoder and of the model.
    @Test(arguments: cases)
    func elboGradientMatchesCentralDifferences(c: Case) throws {
        let (vae, x, noise) = try Self.setUp(c)
        func objective(_ v: VariationalAutoencoder) throws -> Double {
            let values = try v.elbo(x, noise: noise, form: .closedFormKL)
            return values.reduce(0, +) / Double(values.count)
        }
        let (gEncoder, gModel, value) = try vae.gradient(x, noise: noise)
        #expect(value.isApproximatelyEqual(to: try objective(vae), relativeTolerance: 1e-12))
        #expect(gEncoder.count == vae.encoder.parameterCount)
        #expect(gModel.count == vae.model.parameters.count)
        let phi = vae.encoder.parameters
        for i in phi.indices {
            let h = 1e-5 * max(1, abs(phi[i]))
            var plus = vae, minus = vae
            plus.encoder.parameters[i] += h
            minus.encoder.parameters[i] -= h
            let numeric = (try objective(plus) - objective(minus)) / (2 * h)
            #expect(abs(gEncoder[i] - numeric) <= 1e-6 * max(1, abs(numeric)),
                    "encoder parameter \(i): backprop \(gEncoder[i]) vs central difference \(numeric)")
        }
        let theta = vae.model.parameters
        for i in theta.indices {
            let h = 1e-5 * max(1, abs(theta[i]))
            var plus = vae, minus = vae
            plus.model.parameters[i] += h
            minus.model.parameters[i] -= h
            let numeric = (try objective(plus) - objective(minus)) / (2 * h)
            let name = i == theta.count - 1 ? "log σ²" : "decoder parameter \(i)"
            #expect(abs(gModel[i] - numeric) <= 1e-6 * max(1, abs(numeric)),
                    "\(name): backprop \(gModel[i]) vs central difference \(numeric)")
        }
    }

    // MARK: - KL and the two ELBO forms

    /// The closed-form KL(q(z|x) ‖ p(z)) against (1/K) Σ [log q(zₖ|x) − log p(zₖ)], zₖ = m + s ⊙ εₖ, K = 20 000 per
    /// row, the densities written out here independently of the implementation; within 4 standard errors.
    @Test func closedFormKLMatchesMonteCarlo() throws {
        let (vae, x, _) = try Self.setUp(Case(latent: 2, output: .linear, draws: 1, seed: 31))
        let kl = try vae.klToPrior(x)
        let (m, l) = vae.encoder.forward(x)
        var g = Xoshiro256StarStar(seed: 32)
        let k = 20_000
        for i in 0..<x.rows {
            var values = [Double]()
            values.reserveCapacity(k)
            for _ in 0..<k {
                var logRatio = 0.0
                for j in 0..<2 {
                    let s = exp(l[i, j]), e = g.nextStandardNormal(), z = m[i, j] + s * e
                    let logQ = -0.5 * log(2 * Double.pi) - log(s) - 0.5 * (z - m[i, j]) * (z - m[i, j]) / (s * s)
                    let logP = -0.5 * log(2 * Double.pi) - 0.5 * z * z
                    logRatio += logQ - logP
                }
                values.append(logRatio)
            }
            let (mean, se) = Self.meanAndStandardError(values)
            #expect(kl[i] >= 0)
            #expect(abs(mean - kl[i]) <= 4 * se, "row \(i): closed form \(kl[i]), Monte Carlo \(mean) ± \(se)")
        }
    }

    /// A(ε) − B(ε) = log p(z) − log q(z|x) + KL has mean zero: paired over K = 20 000 draws per row, within 4 SE.
    @Test(arguments: [Case(latent: 1, output: .linear, draws: 1, seed: 41), Case(latent: 2, output: .scaledSigmoid(16), draws: 1, seed: 42)])
    func theTwoELBOFormsAgreeInExpectation(c: Case) throws {
        let (vae, x, _) = try Self.setUp(c)
        let k = 20_000
        var g = Xoshiro256StarStar(seed: c.seed + 100)
        let tiled = Self.tile(x, times: k)                           // row s·N + n is observation n, as the noise layout
        let noise = TestMatrices.gaussian(k * x.rows, c.latent, using: &g)
        let a = try vae.elbo(tiled, noise: noise, form: .sampledDensities)
        let b = try vae.elbo(tiled, noise: noise, form: .closedFormKL)
        for i in 0..<x.rows {
            let differences = (0..<k).map { a[$0 * x.rows + i] - b[$0 * x.rows + i] }
            let (mean, se) = Self.meanAndStandardError(differences)
            #expect(se > 0)
            #expect(abs(mean) <= 4 * se, "row \(i): E[A − B] estimated as \(mean) ± \(se)")
        }
    }

    /// S draws in one (N·S) × d noise matrix give the average of the S single-draw estimates, for both forms.
    @Test func severalDrawsPerRowAverageTheSingleDrawEstimates() throws {
        let c = Case(latent: 2, output: .linear, draws: 3, seed: 51)
        let (vae, x, noise) = try Self.setUp(c)
        let n = x.rows
        for form in [VariationalAutoencoder.ELBOForm.sampledDensities, .closedFormKL] {
            let together = try vae.elbo(x, noise: noise, form: form)
            let separate = try (0..<3).map { s throws(NonlinearModelError) in try vae.elbo(x, noise: noise.rows((s * n)..<((s + 1) * n)), form: form) }
            for i in 0..<n {
                let average = (separate[0][i] + separate[1][i] + separate[2][i]) / 3
                #expect(together[i].isApproximatelyEqual(to: average, relativeTolerance: 1e-13, absoluteTolerance: 1e-13))
            }
        }
    }

    // MARK: - Training on the arc

    /// The lesson's arc (angles uniform in [−3π/4, 3π/4], radius 1, noise 0.08, N = 200), d = 1, H = 16: training
    /// raises the ELBO, and the trained ELBO (K = 4000 draws per row) is at most the exact log p(x) of the trained
    /// decoder (trapezoid rule, 2001 points on ±8) for every row, within 4 standard errors.
    @Test func trainingOnTheArcRaisesTheELBOBelowTheExactLogMarginal() throws {
        let x = noisyArc(rows: 200, noise: 0.08, seed: 61)
        var vae = try Self.arcVAE(seed: 62)
        var g = Xoshiro256StarStar(seed: 63)
        let before = try Self.averagedELBO(vae, x, draws: 200, seed: 64)
        let trace = try vae.train(x, schedule: TrainingSchedule(steps: 3000, learningRate: 0.02, finalLearningRate: 0.002, batchSize: 50),
                                  using: &g)
        #expect(trace.count == 3000)
        let k = 4000
        let noise = TestMatrices.gaussian(k * x.rows, 1, using: &g)
        let perDraw = try vae.elbo(Self.tile(x, times: k), noise: noise, form: .closedFormKL)
        let rule = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 2001, dimension: 1)
        let logp = try vae.model.logMarginals(x, quadrature: rule)
        var elbos = [Double]()
        for i in 0..<x.rows {
            let (mean, se) = Self.meanAndStandardError((0..<k).map { perDraw[$0 * x.rows + i] })
            elbos.append(mean)
            #expect(mean <= logp[i] + 4 * se, "row \(i): ELBO \(mean) ± \(se) above log p(x) = \(logp[i])")
        }
        let after = elbos.reduce(0, +) / Double(x.rows)
        let meanLogp = logp.reduce(0, +) / Double(x.rows)
        #expect(after > before + 1, "ELBO per row \(before) → \(after)")
        let lastSteps: Double = trace.suffix(100).reduce(0, +) / 100
        let firstSteps: Double = trace.prefix(10).reduce(0, +) / 10
        #expect(lastSteps > firstSteps + 1, "minibatch ELBO \(firstSteps) → \(lastSteps)")
        // amortised inference is close to exact on this curve: the average gap log p(x) − ELBO = E_x KL(q ‖ p(z|x))
        #expect(meanLogp - after >= 0 && meanLogp - after < 0.5, "gap \(meanLogp - after) nats (log p \(meanLogp), ELBO \(after))")
    }

    @Test func theSameSeedGivesTheSameParametersBitForBit() throws {
        let x = noisyArc(rows: 60, noise: 0.08, seed: 71)
        func run(_ seed: UInt64) throws -> (VariationalAutoencoder, [Double]) {
            var vae = try Self.arcVAE(seed: 72)
            var g = Xoshiro256StarStar(seed: seed)
            let trace = try vae.train(x, schedule: TrainingSchedule(steps: 120, learningRate: 0.02, batchSize: 16), using: &g)
            return (vae, trace)
        }
        let (first, traceFirst) = try run(73)
        let (second, traceSecond) = try run(73)
        let (other, _) = try run(74)
        #expect(first.encoder.parameters == second.encoder.parameters)
        #expect(first.model.parameters == second.model.parameters)
        #expect(traceFirst == traceSecond)
        #expect(first.encoder.parameters != other.encoder.parameters)
    }

    @Test func observeIsCalledAtTheStartEveryKStepsAndAtTheEnd() throws {
        let x = noisyArc(rows: 40, noise: 0.08, seed: 81)
        var vae = try Self.arcVAE(seed: 82)
        var g = Xoshiro256StarStar(seed: 83)
        var seen = [Int]()
        try vae.train(x, schedule: TrainingSchedule(steps: 25, learningRate: 0.01), using: &g, every: 10) { step, _ in seen.append(step) }
        #expect(seen == [0, 10, 20, 25])
    }

    @Test func mismatchedShapesAreTypedErrors() throws {
        let (vae, x, noise) = try Self.setUp(Case(latent: 2, output: .linear, draws: 1, seed: 91))
        var g = Xoshiro256StarStar(seed: 92)
        let wrongEncoder = GaussianEncoder(inputDimension: 4, hiddenUnits: 3, latentDimension: 2, using: &g)
        #expect(throws: NonlinearModelError.self) { try VariationalAutoencoder(encoder: wrongEncoder, model: vae.model) }
        #expect(throws: NonlinearModelError.self) { try vae.elbo(x, noise: Matrix.zeros(x.rows, 1)) }
        #expect(throws: NonlinearModelError.self) { try vae.elbo(x, noise: Matrix.zeros(x.rows + 1, 2)) }
        #expect(throws: NonlinearModelError.self) { try vae.gradient(Matrix.zeros(2, 5), noise: noise) }
        #expect(throws: NonlinearModelError.self) {
            try GaussianEncoder(w1: Matrix.zeros(2, 3), b1: [0, 0, 0], w2: Matrix.zeros(3, 3), b2: [0, 0, 0])
        }
        var copy = vae
        #expect(throws: NonlinearModelError.self) {
            try copy.train(x, schedule: TrainingSchedule(steps: 5, learningRate: 0.01, batchSize: x.rows + 1), using: &g)
        }
    }

    /// The input standardisation is folded into the first layer: W₁ᵀx + b₁ at x = centre is the unstandardised b̃₁.
    @Test func inputStandardisationIsFoldedIntoTheFirstLayer() {
        var g1 = Xoshiro256StarStar(seed: 95), g2 = Xoshiro256StarStar(seed: 95)
        let plain = GaussianEncoder(inputDimension: 3, hiddenUnits: 4, latentDimension: 1, using: &g1)
        let folded = GaussianEncoder(inputDimension: 3, hiddenUnits: 4, latentDimension: 1, inputCentre: [8, 8, 8], inputScale: 4, using: &g2)
        let x = Matrix([[0.3, -1.2, 2.0]])
        let xRaw = Matrix([[8 + 4 * 0.3, 8 - 4 * 1.2, 8 + 4 * 2.0]])
        let (m1, l1) = plain.forward(x), (m2, l2) = folded.forward(xRaw)
        #expect(m1.isApproximatelyEqual(to: m2, relativeTolerance: 1e-13) && l1.isApproximatelyEqual(to: l2, relativeTolerance: 1e-13))
    }

    // MARK: - Helpers

    /// Encoder 2 → 16 → 2·1 and decoder 1 → 16 → 2 for the arc, σ² = 0.25 at the start.
    static func arcVAE(seed: UInt64) throws -> VariationalAutoencoder {
        var g = Xoshiro256StarStar(seed: seed)
        let encoder = GaussianEncoder(inputDimension: 2, hiddenUnits: 16, latentDimension: 1, outputScale: 0.5,
                                      initialLogStandardDeviation: -1, using: &g)
        let decoder = MLPDecoder(latentDimension: 1, hiddenUnits: 16, outputDimension: 2, gain: 2, using: &g)
        return try VariationalAutoencoder(encoder: encoder, model: try NonlinearLVM(decoder: decoder, noiseVariance: 0.25))
    }

    /// (1/N) Σₙ ELBO(xₙ), each row's ELBO averaged over `draws` closed-form-KL draws.
    static func averagedELBO(_ vae: VariationalAutoencoder, _ x: Matrix, draws: Int, seed: UInt64) throws -> Double {
        var g = Xoshiro256StarStar(seed: seed)
        let values = try vae.elbo(x, noise: TestMatrices.gaussian(draws * x.rows, vae.latentDimension, using: &g), form: .closedFormKL)
        return values.reduce(0, +) / Double(values.count)
    }

    /// x stacked `times` times (row s·N + n is row n of x), matching the noise layout of single-draw estimates.
    static func tile(_ x: Matrix, times k: Int) -> Matrix {
        var e = [Double]()
        e.reserveCapacity(k * x.elements.count)
        for _ in 0..<k { e += x.elements }
        return Matrix(rows: k * x.rows, columns: x.columns, elements: e)
    }

    /// Sample mean and its standard error s/√K (s with K − 1).
    static func meanAndStandardError(_ v: [Double]) -> (Double, Double) {
        let k = Double(v.count)
        let mean = v.reduce(0, +) / k
        let variance = v.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (k - 1)
        return (mean, (variance / k).squareRoot())
    }
}
