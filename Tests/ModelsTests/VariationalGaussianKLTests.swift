import Foundation
import LinearAlgebra
import Testing
@testable import Models

/// The Gaussian KL in closed form (VariationalGaussian+KL.swift): against the diagonal formula, against a 1-D
/// quadrature of q log(q/p), against Monte Carlo in 2-D, and its basic properties.
@Suite struct VariationalGaussianKLTests {
    /// The general formula with p = N(0, I) and a diagonal q is ½ Σ (m² + s² − 1 − 2 log s), to 10⁻¹⁴.
    @Test func generalFormulaMatchesTheDiagonalOne() throws {
        let (m, s) = ([0.3, -1.1, 2.0], [0.5, 1.7, 0.9])
        let q = try VariationalGaussian(mean: m, standardDeviations: s)
        let prior = try VariationalGaussian(mean: [0, 0, 0], covariance: Matrix.identity(3))
        var direct = 0.0
        for j in 0..<3 { direct += 0.5 * (m[j] * m[j] + s[j] * s[j] - 1 - 2 * log(s[j])) }
        #expect(abs(try q.klDivergence(to: prior) - direct) <= 1e-14 * max(1, direct))
        #expect(abs(VariationalGaussian.klToStandardNormal(mean: m, standardDeviations: s) - direct) <= 1e-14 * max(1, direct))
    }

    /// 1-D: the closed form against a trapezoid sum of q log(q/p) on ±12 sd of q (h = 10⁻³ sd), to 10⁻¹⁰.
    @Test(arguments: [(0.0, 1.0, 0.0, 1.0), (0.7, 0.4, -0.2, 1.5), (-2.0, 2.5, 1.0, 0.8)])
    func oneDimensionalQuadrature(m0: Double, s0: Double, m1: Double, s1: Double) throws {
        let q = try VariationalGaussian(mean: [m0], standardDeviations: [s0])
        let p = try VariationalGaussian(mean: [m1], standardDeviations: [s1])
        let h = 1e-3 * s0
        var total = 0.0
        for k in -12_000...12_000 {
            let z = m0 + Double(k) * h
            let lq = -0.5 * log(2 * Double.pi * s0 * s0) - 0.5 * (z - m0) * (z - m0) / (s0 * s0)
            let lp = -0.5 * log(2 * Double.pi * s1 * s1) - 0.5 * (z - m1) * (z - m1) / (s1 * s1)
            total += h * exp(lq) * (lq - lp)
        }
        let closed = try q.klDivergence(to: p)
        #expect(abs(closed - total) <= 1e-10 * max(1, closed), "closed \(closed), quadrature \(total)")
        #expect(closed >= 0)
        #expect(abs(try q.klDivergence(to: q)) <= 1e-14)
    }

    /// 2-D with correlations: the closed form against the mean of log q − log p over 200,000 draws z ~ q, within 4 SE;
    /// and KL is not symmetric.
    @Test func correlatedPairAgainstMonteCarlo() throws {
        let q = try VariationalGaussian(mean: [0.5, -0.3], covariance: Matrix([[1.0, 0.6], [0.6, 0.8]]))
        let p = try VariationalGaussian(mean: [-0.4, 0.7], covariance: Matrix([[2.0, -0.5], [-0.5, 1.2]]))
        var g = Xoshiro256StarStar(seed: 31)
        let z = q.samples(count: 200_000, using: &g)
        let ratios = zip(q.logDensities(z), p.logDensities(z)).map { $0 - $1 }
        let n = Double(ratios.count)
        let mean = ratios.reduce(0, +) / n
        let se = (ratios.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1) / n).squareRoot()
        let closed = try q.klDivergence(to: p)
        #expect(abs(mean - closed) <= 4 * se, "closed \(closed), Monte Carlo \(mean) ± \(se)")
        #expect(abs(try p.klDivergence(to: q) - closed) > 0.01)
        #expect(throws: NonlinearModelError.self) { try q.klDivergence(to: try VariationalGaussian(mean: [0], standardDeviations: [1])) }
    }
}
