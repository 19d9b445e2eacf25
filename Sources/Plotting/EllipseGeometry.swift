import Foundation

/// The k-standard-deviation ellipse of a 2-D Gaussian N(μ, Σ): the set { x : (x − μ)ᵀ Σ⁻¹ (x − μ) = k² }.
///
/// With Σ = V Λ Vᵀ (eigenvalues λ₁ ≥ λ₂ ≥ 0), its semi-axes are k√λ₁ along v₁ and k√λ₂ along v₂. For a symmetric
/// 2×2 matrix [[a, b], [b, d]] the eigenvalues are (a+d)/2 ± √(((a−d)/2)² + b²) and v₁ makes the angle
/// θ = ½ atan2(2b, a − d) with the x axis. The off-diagonal entry is taken as the mean of Σ₀₁ and Σ₁₀.
struct EllipseGeometry: Equatable, Sendable {
    var centerX: Double
    var centerY: Double
    /// k√λ₁ and k√λ₂.
    var semiMajor: Double
    var semiMinor: Double
    /// Angle of the major axis from the +x axis, radians, in (−π/2, π/2].
    var angle: Double

    init(mean: (Double, Double), covariance: [[Double]], k: Double) throws(PlotError) {
        guard covariance.count == 2, covariance.allSatisfy({ $0.count == 2 }) else {
            throw PlotError.invalidData("ellipse covariance must be 2×2, got \(covariance.map(\.count))")
        }
        let a = covariance[0][0], d = covariance[1][1], b = (covariance[0][1] + covariance[1][0]) / 2
        guard [a, b, d, mean.0, mean.1, k].allSatisfy(\.isFinite), k >= 0 else {
            throw PlotError.invalidData("ellipse mean, covariance and k must be finite (k ≥ 0)")
        }
        let m = (a + d) / 2, r = hypot((a - d) / 2, b)
        let l1 = m + r, l2raw = m - r
        let tolerance = 64 * Double.ulpOfOne * max(abs(l1), 1e-300)
        guard l2raw >= -tolerance else {
            throw PlotError.invalidData("ellipse covariance is not positive semi-definite (eigenvalue \(l2raw))")
        }
        let l2 = max(l2raw, 0)
        centerX = mean.0
        centerY = mean.1
        semiMajor = k * l1.squareRoot()
        semiMinor = k * l2.squareRoot()
        angle = r == 0 ? 0 : 0.5 * atan2(2 * b, a - d)
    }

    /// `count` points around the ellipse (data coordinates), starting on the major axis, counter-clockwise.
    func points(count: Int = 180) -> [(Double, Double)] {
        let c = cos(angle), s = sin(angle)
        return (0..<count).map { n in
            let t = 2 * Double.pi * Double(n) / Double(count)
            let u = semiMajor * cos(t), v = semiMinor * sin(t)
            return (centerX + c * u - s * v, centerY + s * u + c * v)
        }
    }
}
