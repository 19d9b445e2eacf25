import Foundation
import LessonKit
import LinearAlgebra
import Models
import Plotting

extension PCALesson {
    /// The directions of step 5: a grid over the half turn [0°, 180°) for the curves, and the frames of the turning
    /// line, which start on the x₁ axis (θ = 0°) and turn the short way onto u₁ (the line at θ + 180° is the line at
    /// θ), so the error segments shrink in every frame and the last frame, the page's still image, shows the best line.
    struct AngleSweep: Sendable, Equatable {
        /// Grid step of the curves V(θ), E(θ) (degrees), and the number of frames of the turning line.
        let gridStepDegrees: Double, frameCount: Int

        init(quick: Bool) { (gridStepDegrees, frameCount) = quick ? (1, 7) : (0.25, 25) }

        var gridAngles: [Double] { stride(from: 0.0, to: 180.0, by: gridStepDegrees).map { $0 } }

        /// θₖ = k·Δ/(frameCount − 1) for k = 0 … frameCount − 1, from 0° to u₁'s angle θ₁ the short way (Δ = θ₁, or
        /// θ₁ − 180° when θ₁ > 90°), each reported in [0°, 180°): the first is 0°, the last θ₁ itself.
        func frameAngles(endingAt eigenAngle: Double) -> [Double] {
            let span = eigenAngle <= 90 ? eigenAngle : eigenAngle - 180
            return (0..<frameCount).map { k in
                let theta = k == frameCount - 1 ? span : span * Double(k) / Double(frameCount - 1)
                return theta < 0 ? theta + 180 : theta
            }
        }
    }

    /// For the unit direction u(θ) = (cos θ, sin θ), V(θ) = (1/N) Σₙ (uᵀyₙ)² and E(θ) = (1/N) Σₙ ‖yₙ − u uᵀyₙ‖² on the
    /// centred points yₙ, summed over the points themselves; Pythagoras gives V(θ) + E(θ) = tr S for every θ, so V is
    /// largest (λ₁) where E is smallest (λ₂): at the angle of u₁.
    func maximumVarianceIsMinimumError(_ cloud: Matrix, _ centred: Matrix, _ pca: PCA, _ sweep: AngleSweep,
                                       _ page: inout LessonRecorder) {
        let angles = sweep.gridAngles
        let variances = angles.map { PCA.projectedVariance(centred, along: Self.direction($0)) }
        let errors = angles.map { PCA.reconstructionError(centred, along: Self.direction($0)) }
        let best = variances.indices.max { variances[$0] < variances[$1] }!
        let least = errors.indices.min { errors[$0] < errors[$1] }!
        let sums = zip(variances, errors).map { $0 + $1 }
        let (largestSum, smallestSum) = (sums.max() ?? 0, sums.min() ?? 0)
        page.group("toy") { page in
            page.group("sweep") { page in
                page.value("step_degrees", sweep.gridStepDegrees, "grid step of the angle θ", "degrees (1° in a quick draft build)")
                page.value("count", angles.count, "directions tried")
                page.value("argmax_variance_degrees", angles[best], "θ with the largest projected variance", .pcaAngleOnTheGrid)
                page.value("argmin_error_degrees", angles[least], "θ with the smallest reconstruction error", .pcaAngleOnTheGrid)
                page.value("max_variance", variances[best], "largest V(θ) on the grid", "1/N; compare λ₁")
                page.value("min_error", errors[least], "smallest E(θ) on the grid", "1/N; compare λ₂")
                page.value("sum_spread", largestSum - smallestSum, "max − min of V(θ) + E(θ) over the grid",
                           "zero up to rounding: V + E = tr S for every θ")
                page.value("variance_at_0", variances[0], "V(0°), the variance of x₁ alone", "1/N; equals S₁₁")
            }
        }
        // V and E each sum N squares of size ≤ ‖yₙ‖², so each rounds by about N·ε·tr S.
        let rounding = 4 * Double(cloud.rows) * .ulpOfOne * pca.totalVariance
        page.check("toy.sweep.largest_sum", method: "tr S against the largest V(θ) + E(θ) on the grid, each summed over the points",
                   expected: pca.totalVariance, computed: largestSum, tolerance: rounding)
        page.check("toy.sweep.smallest_sum", method: "tr S against the smallest V(θ) + E(θ) on the grid, each summed over the points",
                   expected: pca.totalVariance, computed: smallestSum, tolerance: rounding)
        // V(θ) = λ₁ cos²(θ − θ₁) + λ₂ sin²(θ − θ₁): the grid point nearest θ₁ is at most half a step away, which costs
        // at most (λ₁ − λ₂) sin²(step/2); E = tr S − V loses the same.
        let (l1, l2) = (pca.eigenvalues[0], pca.eigenvalues[1])
        let gridMiss = (l1 - l2) * pow(sin(sweep.gridStepDegrees / 2 * .pi / 180), 2)
        page.check("toy.sweep.max_variance", method: "λ₁ against the largest V(θ) on the grid, summed over the points",
                   expected: l1, computed: variances[best], tolerance: gridMiss + rounding)
        page.check("toy.sweep.min_error", method: "λ₂ against the smallest E(θ) on the grid, summed over the points",
                   expected: l2, computed: errors[least], tolerance: gridMiss + rounding)

        let eigenAngle = Self.lineAngleDegrees(pca.components.row(0))
        let curves = PCAFigures.Sweep(angles: angles, variances: variances, errors: errors, best: best, least: least,
                                      eigenAngle: eigenAngle, total: pca.totalVariance)
        page.figure("variance-vs-angle", PCAFigures.varianceAgainstAngle(curves))
        let frames = sweep.frameAngles(endingAt: eigenAngle).map { theta in
            let u = Self.direction(theta)
            let frame = PCAFigures.sweepFrame(theta, variance: PCA.projectedVariance(centred, along: u),
                                              error: PCA.reconstructionError(centred, along: u), curves,
                                              cloud: cloud, centred: centred, mean: pca.mean)
            return (label: "θ = " + NumberFormat.fixed(theta, decimals: 1) + "°", figure: frame)
        }
        let n = frames.count
        page.frames("angle-sweep", frames, steps: [0, n / 4, n / 2, n - 1], columns: 4,
                    title: "Turning the line from the x₁ axis onto u₁", cellAspect: 1.6)
    }

    /// The unit vector (cos θ, sin θ) for θ in degrees.
    static func direction(_ degrees: Double) -> [Double] {
        let t = degrees * .pi / 180
        return [cos(t), sin(t)]
    }

    /// The angle of the line along a 2-D direction in degrees, in [0, 180).
    static func lineAngleDegrees(_ u: [Double]) -> Double {
        var degrees = atan2(u[1], u[0]) * 180 / .pi
        while degrees < 0 { degrees += 180 }
        while degrees >= 180 { degrees -= 180 }
        return degrees
    }

    /// The angle between two lines given by their angles in degrees, in [0, 90].
    static func angleBetween(_ a: Double, _ b: Double) -> Double {
        let d = abs(a - b).truncatingRemainder(dividingBy: 180)
        return min(d, 180 - d)
    }
}
