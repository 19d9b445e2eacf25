import Foundation
import LinearAlgebra

/// The toy data of the nonlinear lesson: points on three quarters of the unit circle — angles t uniform in
/// [−3π/4, 3π/4], so the gap faces −x₁ — each moved by isotropic Gaussian noise of standard deviation `noise`:
/// xₙ = (cos tₙ, sin tₙ) + noise·(g₁, g₂), drawing u (for t), g₁, g₂ in that order for each point.
enum NoisyArc {
    /// `rows` points, one per row: (rows, 2).
    static func sample<G: RandomNumberGenerator>(rows n: Int, noise: Double, using random: inout G) -> Matrix {
        var elements = [Double]()
        elements.reserveCapacity(2 * n)
        for _ in 0..<n {
            let t = -0.75 * Double.pi + 1.5 * Double.pi * random.nextUniform()
            let ex = noise * random.nextStandardNormal(), ey = noise * random.nextStandardNormal()
            elements += [cos(t) + ex, sin(t) + ey]
        }
        return Matrix(rows: n, columns: 2, elements: elements)
    }
}
