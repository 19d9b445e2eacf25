import Foundation
import LinearAlgebra

/// The nonlinear lesson's toy data: three quarters of the unit circle, angles t uniform in [−3π/4, 3π/4] (the gap
/// faces −x₁), plus isotropic Gaussian noise: xₙ = (cos tₙ, sin tₙ) + noise·(g₁, g₂), g₁, g₂ ~ N(0, 1).
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
