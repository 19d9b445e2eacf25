import LessonKit
// VAEConventions+Amortised — what the numbers of steps 5, 6 and 9 stand for, each stated once.

extension Convention {
    // MARK: - Step 5: training

    static let vaeArcAverage: Convention = "natural log; average (1/N) Σₙ over the 200 points of the training arc"
    static let vaeArcHeldOutAverage: Convention = "natural log; average (1/N) Σₙ over the 200 points of the held-out arc"
    static let vaeArcExact = Convention(
        "log p(x) by the nonlinear lesson's reference rule (a dense trapezoid rule over z on ±10), each point summed over the nodes within 40 nats of its largest term; " + vaeArcAverage.text)
    static let vaeArcELBO = Convention(
        "ELBO(q_φ(z|xₙ)) by a trapezoid rule in ξ = (z − m)/s on ±8, prior and entropy terms in closed form; " + vaeArcAverage.text)
    static func vaeDigitsAverage(rows: Int, which: String) -> Convention {
        Convention("natural log, per image (64 pixels, raw 0–16 units), averaged over the \(rows) \(which) digits")
    }
    static func vaeDigitsExact(points: Int, halfWidth b: Double, rows: Int, which: String) -> Convention {
        Convention("log p(x) by the trapezoid rule on an even \(points) × \(points) grid over the prior on [−\(b), \(b)]², each digit summed over the nodes within 40 nats of its largest term; "
                   + vaeDigitsAverage(rows: rows, which: which).text)
    }
    static func vaeDigitsELBO(order: Int, rows: Int, which: String) -> Convention {
        Convention("ELBO(q_φ(z|x)) with E_q[log p(x|z)] by Gauss–Hermite \(order) × \(order) under q_φ, KL(q_φ ‖ p(z)) in closed form; "
                   + vaeDigitsAverage(rows: rows, which: which).text)
    }
    static let vaeGapIsLogPMinusELBO: Convention = "log p(x) − ELBO(q_φ) = KL(q_φ(z|x) ‖ p(z|x)) ≥ 0, nats per sample"
    static let vaePPCAClosedForm: Convention = "PPCA fitted in closed form (Tipping & Bishop 1999) to the same training rows, 1/N covariance"
    static let vaeFixedNoise: Convention = "the fixed-noise objective L = (1/N) Σₙ [log p(xₙ|mₙ + sₙ ⊙ εₙ) − KL(q_φ(z|xₙ) ‖ p(z))], ε drawn once"
    static let vaeAdaptiveRule: Convention = "Gauss–Hermite 20 × 20 mapped under q_φ(z|x) with s × 1.5 (adaptive), minus the even grid, per digit"

    // MARK: - Step 6: the gap decomposition

    static let vaeGapRules: Convention = "log p(x) by the reference rule; ELBOs by a 101-node trapezoid rule in ξ on ±8; q* the best of q_φ and of Adam ascents (on Gauss–Hermite 20 in ξ) from q_φ, the prior and the highest node of a z-grid; natural log"
    static let vaeGapMapRules: Convention = "log p(x) by the reference rule (pruned); ELBOs by a 101-node trapezoid rule in ξ on ±8; q* the best of q_φ and of Adam ascents (on Gauss–Hermite 8 in ξ) from q_φ and from the highest node of a z-grid; natural log"

    // MARK: - Step 9: ELBO- against likelihood-trained decoder

    static let vaeComparisonHeldOut: Convention = "exact log p(x) by the reference rule, natural log, averaged over the 200 points of the held-out arc"
    static let vaeComparisonGap: Convention = "log p(x) − ELBO(q*) = KL(q* ‖ p(z|x)), q* the best Gaussian found by Adam from the grid mode and from the prior, its ELBO by a 101-node trapezoid rule in ξ; natural log, averaged over the held-out points named"
}
