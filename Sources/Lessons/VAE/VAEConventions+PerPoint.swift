import LessonKit
import Plotting
// VAEConventions+PerPoint — what the numbers of steps 3–4 (per-point variational inference, the two gradient
// estimators) stand for, each stated once.

extension Convention {
    static let vaeExactLogMarginal: Convention = "log p(x) by the nonlinear lesson's reference rule (trapezoid, h = 0.0025 on ±10): \"exact\"; natural log, nats"
    static func vaeQuadratureELBO(points: Int) -> Convention { Convention("q = N(m, s²); E_q by a \(points)-node trapezoid rule in ξ = (z − m)/s on ±8; prior term and entropy in closed form; natural log, nats") }
    static let vaeGapIsKL: Convention = "log p(x) − ELBO(q) = KL(q ‖ p(z|x)) ≥ 0; nats"
    static let vaeKLOnItsOwnGrid: Convention = "KL(q ‖ p(z|x)) on a trapezoid z-grid of spacing ≤ 0.0025 on ±max(8, |m| + 10s), p(z|x) normalised on it; nats"
    static let vaeAdamOnMeanAndLogSD: Convention = "Adam on (m, log s), exact gradient by the trapezoid rule in ξ; β₁ = 0.9, β₂ = 0.999"
    static let vaeCentralDifferences: Convention = "central differences, h = 10⁻⁴, of the ELBO by the trapezoid rule in ξ; nats per unit of m or log s"
    static func vaeSideOfTheSplit(split: Double) -> Convention { Convention("posterior mass on q*'s side of z = \(NumberFormat.fixed(split, decimals: 3)) (the midpoint between the curve's two ends in z), on the z-grid") }
    static let vaeMissingMode: Convention = "−log π, π the posterior mass on q*'s side of the split; = log 2 = 0.693 for two equal modes; nats"
    static let vaeShapeOfOneMode: Convention = "KL(q* ‖ p(z|x, z on q*'s side)), the posterior restricted to q*'s side and renormalised; nats"
    static let vaeGradientComponents: Convention = "gradient of ELBO(m, log s) in nats per unit of m and of log s; exact by a trapezoid rule in ξ"
    static func vaeVarianceOverRepeats(repeats: Int) -> Convention { Convention("variance of the S-sample mean ḡ over \(repeats) independent repeats, 1/(R − 1); summed over ∂/∂m and ∂/∂log s (the trace)") }
    static let vaePerSampleVariance: Convention = "per-sample variance v = E[g²] − (E g)² by the trapezoid rule in ξ; the S-sample mean has variance v/S"
    static let vaeFourStandardErrors: Convention = "standard error over the repeats, 1/(R − 1) sample variance / R"
}
