import Foundation
import LinearAlgebra
import Testing
import _TestSupport

@Suite("StandardNormal")
struct StandardNormalTests {
    /// Φ(Φ⁻¹(p)) = p to a relative 1e-13 across the whole range, including far tails.
    @Test(arguments: [1e-300, 1e-100, 1e-20, 1e-10, 1e-5, 0.001, 0.02425, 0.1, 0.3, 0.5, 0.7, 0.9, 0.97575, 0.999, 1 - 1e-10])
    func quantileThenCdfRoundTrip(p: Double) {
        let z = StandardNormal.quantile(p)
        #expect(z.isFinite)
        let back = p < 0.5 ? StandardNormal.cdf(z) : 1 - StandardNormal.cdf(-z)
        #expect(back.isApproximatelyEqual(to: p, relativeTolerance: 1e-13), "p = \(p), z = \(z), Φ(z) = \(back)")
    }

    @Test(arguments: stride(from: -30.0, through: 8.0, by: 0.5).map { $0 })
    func cdfThenQuantileRoundTrip(z: Double) {
        // Below 0, Φ(z) is held in relative precision and the round trip is tight. Above 0, Φ(z) = 1 − Φ(−z) is
        // rounded near 1 to an absolute ε/2, so Φ⁻¹(Φ(z)) can only be within about ε/φ(z) of z (conditioning, not
        // error); the lower tail, −Φ⁻¹(Φ(−z)), is tight again.
        let roundTrip = StandardNormal.quantile(StandardNormal.cdf(z))
        if z <= 0 {
            #expect(roundTrip.isApproximatelyEqual(to: z, relativeTolerance: 1e-12, absoluteTolerance: 1e-12))
        } else {
            #expect(abs(roundTrip - z) <= 4 * machineEpsilon / StandardNormal.density(z) + 1e-12)
            #expect((-StandardNormal.quantile(StandardNormal.cdf(-z))).isApproximatelyEqual(to: z, relativeTolerance: 1e-12))
        }
    }

    @Test func knownValuesAndSymmetry() {
        #expect(StandardNormal.quantile(0.5) == 0)
        #expect(StandardNormal.quantile(0) == -.infinity && StandardNormal.quantile(1) == .infinity)
        #expect(StandardNormal.quantile(1.5).isNaN)
        #expect(StandardNormal.cdf(0) == 0.5)
        // The 97.5 % point, 1.959963984540054 to 16 digits.
        #expect(StandardNormal.quantile(0.975).isApproximatelyEqual(to: 1.959963984540054, relativeTolerance: 1e-15))
        for p in [0.01, 0.2, 0.45] {
            #expect(StandardNormal.quantile(p) == -StandardNormal.quantile(1 - p) || StandardNormal.quantile(p).isApproximatelyEqual(to: -StandardNormal.quantile(1 - p), relativeTolerance: 1e-15))
        }
    }

    /// Φ(z) against an independent evaluation: composite Simpson's rule on the density over [−12, z] (2·10⁴ panels).
    @Test(arguments: [-3.0, -1.0, -0.2, 0.7, 2.5])
    func cdfAgainstQuadratureOfTheDensity(z: Double) {
        let a = -12.0, n = 20_000
        let h = (z - a) / Double(n)
        var s = StandardNormal.density(a) + StandardNormal.density(z)
        for i in 1..<n { s += (i % 2 == 1 ? 4 : 2) * StandardNormal.density(a + Double(i) * h) }
        #expect(StandardNormal.cdf(z).isApproximatelyEqual(to: s * h / 3, relativeTolerance: 1e-11))
    }

    @Test func logDensity() {
        #expect(StandardNormal.logDensity(0).isApproximatelyEqual(to: -0.5 * Foundation.log(2 * Double.pi), relativeTolerance: 1e-15))
        #expect(StandardNormal.logDensity(3).isApproximatelyEqual(to: -4.5 - 0.5 * Foundation.log(2 * Double.pi), relativeTolerance: 1e-15))
    }
}
