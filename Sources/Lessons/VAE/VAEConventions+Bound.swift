import LessonKit
// VAEConventions+Bound — what the numbers of steps 1–2 stand for, each stated once.

extension Convention {
    // MARK: - Step 1: the ELBO two ways

    static let vaeNats: Convention = "natural log (nats)"
    static let vaeArcUnits: Convention = "coordinates of the arc's plane (the nonlinear lesson's units)"
    static let vaeByReferenceRule: Convention = "by the nonlinear lesson's fine reference rule (trapezoid in z); natural log"
    static let vaeJensenRoute: Convention = "route 1: E_q[log p(x, z) − log q(z)] by an even trapezoid rule in ξ = (z − m)/s on ±10; natural log"
    static let vaeVAERoute: Convention = "route 2: E_q[log p(x|z)] by an even trapezoid rule in (z − m)/s on ±8, KL to the prior in closed form; natural log"
    static let vaeIdentityRoute: Convention = "route 3: log p(x) by the reference rule, KL(q ‖ p(z|x)) on a trapezoid z-grid (spacing ≤ 0.0025) with p(z|x) normalised on it; natural log"
    static let vaeMonteCarloDraws: Convention = "Monte Carlo over the draws z ~ q of the histogram; standard error √(s²/n), s² with 1/(n − 1)"
    static func vaeKLMonteCarlo(_ n: Int) -> Convention { Convention("mean of log q(z) − log p(z) over \(n) draws z ~ q; standard error √(s²/n)") }

    // MARK: - Step 2: EM on PPCA

    static let vaePPCAExact: Convention = "PPCA's closed form, (1/N) Σₙ log N(xₙ; μ, WWᵀ + σ²I) over all 1797 digits; natural log, nats per image"
    static let vaeNealHinton: Convention = "Neal & Hinton's ELBO(q, θ) averaged over all 1797 digits from the 1/N scatter; KL = ℓ − ELBO; natural log, nats per image"
}
