import Foundation
import Testing
@testable import Plotting

@Suite struct EllipseTests {
    /// Points satisfy (x − μ)ᵀ Σ⁻¹ (x − μ) = k²; semi-axes are k√λ; the major axis is an eigenvector of Σ.
    @Test(arguments: [([[4.0, 1.2], [1.2, 1.0]], 2.0), ([[1.0, 0.0], [0.0, 9.0]], 1.0), ([[2.0, -1.9], [-1.9, 2.0]], 3.0),
                      ([[1.0, 0.0], [0.0, 1.0]], 1.5)])
    func geometryMatchesTheCovariance(covariance: [[Double]], k: Double) throws {
        let g = try EllipseGeometry(mean: (1, -2), covariance: covariance, k: k)
        let a = covariance[0][0], b = covariance[0][1], d = covariance[1][1]
        let det = a * d - b * b
        for (x, y) in g.points(count: 72) {
            let dx = x - 1, dy = y + 2
            let q = (d * dx * dx - 2 * b * dx * dy + a * dy * dy) / det
            #expect(abs(q - k * k) < 1e-10 * k * k)
        }
        // Eigenvalues from the characteristic polynomial, independently.
        let tr = a + d, disc = (tr * tr / 4 - det).squareRoot()
        #expect(abs(g.semiMajor - k * (tr / 2 + disc).squareRoot()) < 1e-12 * max(g.semiMajor, 1))
        #expect(abs(g.semiMinor - k * (tr / 2 - disc).squareRoot()) < 1e-12 * max(g.semiMajor, 1))
        // Σ v₁ = λ₁ v₁ for v₁ = (cos θ, sin θ).
        let v = (cos(g.angle), sin(g.angle)), l1 = tr / 2 + disc
        #expect(abs(a * v.0 + b * v.1 - l1 * v.0) < 1e-10 * l1 && abs(b * v.0 + d * v.1 - l1 * v.1) < 1e-10 * l1)
    }

    @Test func invalidCovarianceIsATypedError() {
        #expect(throws: PlotError.self) { try EllipseGeometry(mean: (0, 0), covariance: [[1, 2], [2, 1]], k: 1) }
        #expect(throws: PlotError.self) { try EllipseGeometry(mean: (0, 0), covariance: [[1, 0, 0], [0, 1, 0]], k: 1) }
        let figure = Figure()
        figure.addAxes().ellipse(mean: (0, 0), covariance: [[1, 2], [2, 1]])
        #expect(throws: PlotError.self) { try figure.render(.png) }
    }
}
