import Foundation
import LessonKit
import LinearAlgebra

/// A seeded 2-D correlated Gaussian point cloud: the small picture in which the lessons show geometry (principal
/// axes, projections, ellipses) before moving to real data. Shared by the PCA and PPCA lessons.
///
/// The cloud is drawn from N(μ, Σ) with Σ = R(θ) diag(σ₁², σ₂²) R(θ)ᵀ, R(θ) the rotation by `angleDegrees`: an
/// ellipse whose long axis (standard deviation σ₁) points at θ from the x₁ axis. Each point is
/// xₙ = μ + R(θ) (σ₁ g₁, σ₂ g₂)ᵀ with g₁, g₂ drawn by `nextStandardNormal()` from the generator passed in, in that
/// order, so the same seed gives the same points on every machine.
public struct Toy2D: Sendable, Equatable {
    /// μ, the centre of the cloud.
    public var mean: [Double]
    /// σ₁ ≥ σ₂, the standard deviations along the long and short axes.
    public var majorStandardDeviation: Double
    public var minorStandardDeviation: Double
    /// θ, the angle of the long axis from the x₁ axis, in degrees (counter-clockwise).
    public var angleDegrees: Double

    public init(mean: [Double], majorStandardDeviation: Double, minorStandardDeviation: Double, angleDegrees: Double) {
        precondition(mean.count == 2, "Toy2D: the mean has two coordinates")
        self.mean = mean
        self.majorStandardDeviation = majorStandardDeviation
        self.minorStandardDeviation = minorStandardDeviation
        self.angleDegrees = angleDegrees
    }

    /// The lessons' cloud: centred at (3, 2), σ₁ = 2, σ₂ = 0.6, long axis at 30°.
    public static let standard = Toy2D(mean: [3, 2], majorStandardDeviation: 2, minorStandardDeviation: 0.6, angleDegrees: 30)

    /// The unit vector of the long axis, (cos θ, sin θ).
    public var majorAxis: [Double] {
        let t = angleDegrees * .pi / 180
        return [cos(t), sin(t)]
    }

    /// Σ = R(θ) diag(σ₁², σ₂²) R(θ)ᵀ, the true covariance (2 × 2).
    public var covariance: Matrix {
        let t = angleDegrees * .pi / 180
        let (c, s) = (cos(t), sin(t))
        let (a, b) = (majorStandardDeviation * majorStandardDeviation, minorStandardDeviation * minorStandardDeviation)
        return Matrix(rows: 2, columns: 2, elements: [a * c * c + b * s * s, (a - b) * c * s,
                                                      (a - b) * c * s, a * s * s + b * c * c])
    }

    /// `count` points, one per row: (count, 2).
    public func sample<G: RandomNumberGenerator>(count: Int, using generator: inout G) -> Matrix {
        let t = angleDegrees * .pi / 180
        let (c, s) = (cos(t), sin(t))
        var elements: [Double] = []
        elements.reserveCapacity(2 * count)
        for _ in 0..<count {
            let g1 = majorStandardDeviation * generator.nextStandardNormal()
            let g2 = minorStandardDeviation * generator.nextStandardNormal()
            elements.append(mean[0] + c * g1 - s * g2)
            elements.append(mean[1] + s * g1 + c * g2)
        }
        return Matrix(rows: count, columns: 2, elements: elements)
    }
}

extension Toy2D {
    /// Points in the lessons' 2-D cloud.
    public static let standardCloudSize = 200

    /// The 2-D cloud the PCA and PPCA lessons share, (200, 2): the same stream whichever lesson asks.
    public static func standardCloud(seed: UInt64) -> Matrix {
        var generator = StepRandom.generator(seed: seed, lesson: "shared", step: "toy-cloud")
        return standard.sample(count: standardCloudSize, using: &generator)
    }
}
