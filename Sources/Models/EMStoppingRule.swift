/// The stopping rule of every EM in this module (PPCA, PPCA with missing values, factor analysis, mixtures of PPCA).
///
/// EM converges linearly: with gₖ = ℓₖ − ℓₖ₋₁ the last gain and r = gₖ/gₖ₋₁ the observed contraction, the gap left is
/// ℓ* − ℓₖ ≈ gₖ r/(1 − r). A small gain alone can stop far from the maximum when r is close to 1, so EM stops when both
/// the gain and that estimate of the remaining gap are at most `tolerance` · max(1, |ℓₖ|), or when ℓ stops rising.
enum EMStoppingRule {
    /// Whether EM may stop after the last entry of `logLikelihoods` (entry 0 the start, one entry per update).
    static func isConverged(_ logLikelihoods: [Double], tolerance: Double) -> Bool {
        guard logLikelihoods.count >= 2 else { return false }
        let ll = logLikelihoods[logLikelihoods.count - 1]
        let gain = ll - logLikelihoods[logLikelihoods.count - 2]
        let threshold = tolerance * max(1, abs(ll))
        guard gain <= threshold else { return false }
        let previousGain = logLikelihoods.count >= 3
            ? logLikelihoods[logLikelihoods.count - 2] - logLikelihoods[logLikelihoods.count - 3] : .infinity
        let rate = previousGain > 0 ? gain / previousGain : 0
        let remaining = rate > 0 && rate < 1 ? gain * rate / (1 - rate) : (rate >= 1 ? .infinity : 0)
        return gain <= 0 || remaining <= threshold
    }
}
