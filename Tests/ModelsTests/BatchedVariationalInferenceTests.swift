import Foundation
import LinearAlgebra
import Testing
@testable import Models
import _TestSupport

/// Per-point variational inference for many rows at once (GaussianVariationalInference+Batched) against the one-row
/// code it stacks: the batched ELBO is `NonlinearLVM.elbo`, the batched ascent takes the steps of
/// `fitGaussianVariational` row by row, and the batched gap decomposition keeps ELBO(q_φ) ≤ ELBO(q*) ≤ log p(x).
@Suite struct BatchedVariationalInferenceTests {
    static func setUp(latent d: Int) throws -> (NonlinearLVM, Matrix, Matrix, Matrix) {
        var g = Xoshiro256StarStar(seed: 30 + UInt64(d))
        let model = d == 1 ? try toyModel(noiseVariance: 0.02, seed: 21)
            : try NonlinearLVM(decoder: MLPDecoder(latentDimension: 2, hiddenUnits: 6, outputDimension: 3, gain: 1.5, using: &g),
                               noiseVariance: 0.1)
        let x = model.sample(count: 5, using: &g).x
        let means = TestMatrices.gaussian(5, d, using: &g)
        let logSDs = Matrix(rows: 5, columns: d, elements: (0..<(5 * d)).map { _ in -1 + 0.3 * g.nextStandardNormal() })
        return (model, x, means, logSDs)
    }

    @Test(arguments: [1, 2])
    func elbosEqualTheOneRowELBO(latent d: Int) throws {
        let (model, x, means, logSDs) = try Self.setUp(latent: d)
        let rule = try LatentQuadrature.gaussHermite(order: 12, dimension: d)
        let batched = try model.elbos(x, means: means, logStandardDeviations: logSDs, standardRule: rule)
        for n in 0..<x.rows {
            let q = try VariationalGaussian(mean: means.row(n), standardDeviations: logSDs.row(n).map(exp))
            let one = try model.elbo(x.row(n), q: q, standardRule: rule).value
            #expect(abs(batched[n] - one) <= 1e-11 * max(1, abs(one)), "row \(n): \(batched[n]) vs \(one)")
        }
    }

    /// 200 Adam steps of the batch end where 200 steps of each row alone end (Adam is coordinate-wise).
    @Test(arguments: [1, 2])
    func ascentTakesEachRowsOwnSteps(latent d: Int) throws {
        let (model, x, means, logSDs) = try Self.setUp(latent: d)
        let rule = try LatentQuadrature.gaussHermite(order: 10, dimension: d)
        let batched = try model.fitGaussianVariational(x, means: means, logStandardDeviations: logSDs, steps: 200, learningRate: 0.03,
                                                       standardRule: rule)
        for n in 0..<x.rows {
            let path = try model.fitGaussianVariational(x.row(n), mean: means.row(n), logStandardDeviations: logSDs.row(n), steps: 200,
                                                        learningRate: 0.03, standardRule: rule)
            let end = try #require(path.last)
            for j in 0..<d {
                #expect(abs(batched.means[n, j] - end.mean[j]) < 1e-9, "row \(n): m \(batched.means[n, j]) vs \(end.mean[j])")
                #expect(abs(batched.logStandardDeviations[n, j] - end.logStandardDeviations[j]) < 1e-9)
            }
            #expect(abs(batched.elbos[n] - end.elbo) < 1e-8 * max(1, abs(end.elbo)))
            #expect(batched.elbos[n] >= (try model.elbos(x.rows(n..<(n + 1)), means: means.rows(n..<(n + 1)),
                                                          logStandardDeviations: logSDs.rows(n..<(n + 1)), standardRule: rule))[0])
        }
    }

    /// The gaps of every row: both ≥ 0, summing to log p(x) − ELBO(q_φ) to rounding; the approximation gap equals
    /// KL(q* ‖ p(z|x)) on a dense z-grid; the serial AmortizationGap (from q_φ and the prior, climbing on the judging
    /// rule itself) ends no more than 10⁻⁵ higher than the batched one, which climbs on a Gauss–Hermite rule and has a
    /// start at the posterior's highest grid node.
    @Test func gapsAreOrderedAndAreKLs() throws {
        let (model, x, means, logSDs) = try Self.setUp(latent: 1)
        let marginal = try LatentQuadrature.trapezoid(halfWidth: 9, pointsPerDimension: 7201, dimension: 1)
        let logPx = try model.logMarginals(x, quadrature: marginal)
        let climb = try LatentQuadrature.gaussHermite(order: 20, dimension: 1)
        let judge = try LatentQuadrature.trapezoid(halfWidth: 8, pointsPerDimension: 401, dimension: 1)
        // the highest node of the dense grid as an extra start
        let joint = try model.logJoint(x, latent: marginal.nodes)
        let modes = Matrix(rows: x.rows, columns: 1, elements: (0..<x.rows).map { n in
            let row = joint.row(n)
            return marginal.nodes[row.indices.max { row[$0] < row[$1] }!, 0]
        })
        let gaps = try model.amortizationGaps(x, amortizedMeans: means, amortizedLogStandardDeviations: logSDs, logMarginals: logPx,
                                              starts: [(modes, Matrix(rows: x.rows, columns: 1, elements: [Double](repeating: log(0.1), count: x.rows)))],
                                              standardRule: climb, evaluationRule: judge, steps: 400, learningRate: 0.03)
        for (n, g) in gaps.enumerated() {
            #expect(g.approximationGap >= 0 && g.amortizationGap >= 0, "row \(n): \(g.approximationGap), \(g.amortizationGap)")
            #expect(abs(g.approximationGap + g.amortizationGap - g.inferenceGap) <= 1e-12 * max(1, abs(g.elboAmortized)))
            let kl = try ELBO.klToPosterior(q: g.optimal, grid: marginal, logJoint: joint.row(n))
            #expect(abs(g.approximationGap - kl) < 1e-6, "row \(n): approximation gap \(g.approximationGap) vs KL \(kl)")
            let qPhi = try VariationalGaussian(mean: means.row(n), standardDeviations: logSDs.row(n).map(exp))
            #expect(abs(g.elboAmortized - (try model.elbo(x.row(n), q: qPhi, standardRule: judge).value)) < 1e-10)
            let serial = try model.amortizationGap(x.row(n), amortized: qPhi, marginalRule: marginal, standardRule: judge, steps: 400,
                                                   learningRate: 0.03)
            #expect(serial.elboOptimal <= g.elboOptimal + 1e-5, "row \(n): serial \(serial.elboOptimal) above batched \(g.elboOptimal)")
        }
    }

    @Test func refusesMismatchedShapes() throws {
        let (model, x, means, logSDs) = try Self.setUp(latent: 1)
        let rule = try LatentQuadrature.gaussHermite(order: 5, dimension: 1)
        #expect(throws: NonlinearModelError.self) {
            try model.elbos(x, means: means.rows(0..<3), logStandardDeviations: logSDs, standardRule: rule)
        }
        #expect(throws: NonlinearModelError.self) {
            try model.fitGaussianVariational(x, means: means, logStandardDeviations: logSDs, steps: -1, learningRate: 0.1, standardRule: rule)
        }
        #expect(throws: NonlinearModelError.self) {
            try model.amortizationGaps(x, amortizedMeans: means, amortizedLogStandardDeviations: logSDs, logMarginals: [0],
                                       standardRule: rule, steps: 1, learningRate: 0.1)
        }
    }
}
