import LessonKit
// VAEConventions+ImportanceWeighted — what the numbers of step 7 (importance-weighted bounds) stand for.

extension Convention {
    static func vaeIWAEBound(replicates: Int) -> Convention { Convention("L_k = E[log (1/k) Σⱼ p(x, zⱼ)/q*(zⱼ)], zⱼ ~ q*; mean of \(replicates) independent replicates, standard error s/√R with the 1/(R − 1) variance; natural log, nats") }
    static func vaeExactGap(replicates: Int) -> Convention { Convention("log p(x) − L_k = mean over \(replicates) replicates of u − log(1 + u) ≥ 0, u = p̂/p(x) − 1 (E[u] = 0 exactly), with the exact log p(x); standard error s/√R; nats") }
    static func vaeWindowVariance(window: Double) -> Convention { Convention("Var_q(w)/p² with w = p(x, z)/q*(z), by a trapezoid rule over |z − m| ≤ \(window)s (2001 nodes), relative to the mean of w there") }
    static let vaeOneOverKLaw: Convention = "k (log p(x) − L_k) → ½ Var_q(w)/p(x)² as k grows (Maddison et al. 2017; Domke & Sheldon 2018); nats"
    static let vaeDrawsOutsideWindow: Convention = "expected number of the probe's R Σk draws from q* beyond the window, R Σk · P(|ξ| > c)"
}
