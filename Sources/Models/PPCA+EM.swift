import Foundation
import LinearAlgebra

/// EM for probabilistic PCA (Tipping & Bishop 1999, §3.2 and eqs. 29–30; PRML §12.2.2, 12.54–12.57).
///
/// E-step: with M = WᵀW + σ²I, the posterior moments are E[zₙ] = M⁻¹Wᵀ(xₙ − μ) and
/// E[zₙzₙᵀ] = σ²M⁻¹ + E[zₙ]E[zₙ]ᵀ. M-step: W_new = [Σₙ (xₙ−μ)E[zₙ]ᵀ][Σₙ E[zₙzₙᵀ]]⁻¹ and
/// σ²_new = (1/(ND)) Σₙ {‖xₙ−μ‖² − 2E[zₙ]ᵀW_newᵀ(xₙ−μ) + tr(E[zₙzₙᵀ]W_newᵀW_new)}.
/// Substituting the moments, both sums collapse onto the 1/N scatter S (Tipping & Bishop eqs. 29–30):
///
///     W_new = S W (σ²I + M⁻¹WᵀSW)⁻¹,     σ²_new = (1/D) tr(S − S W M⁻¹ W_newᵀ),
///
/// which is what we iterate: O(D²q) per iteration after forming S once (O(ND²)). μ stays at the sample mean (its ML
/// value whatever W and σ²). Each iteration cannot decrease the likelihood; the fixed point is the closed form up to
/// a rotation R of W (compare WWᵀ, σ² and the log-likelihood, not W itself).
public struct PPCAEMResult: Sendable {
    /// The model after the last iteration.
    public let model: PPCA
    /// The number of EM updates performed.
    public let iterations: Int
    /// Whether the stopping rule was met before `maxIterations`.
    public let converged: Bool
    /// Average log-likelihood per row (natural log): entry k is after `updateCounts[k]` EM updates (entry 0 at the
    /// start); for plain EM `updateCounts[k]` = k, for SQUAREM one entry per cycle.
    public let logLikelihoods: [Double]
    /// The number of EM updates done at each entry of `logLikelihoods`.
    public let updateCounts: [Int]
    /// σ² after k updates (entry 0 at the start).
    public let noiseVariances: [Double]
    /// Snapshots of the model after the requested numbers of updates (for frames), in increasing order.
    public let snapshots: [(iteration: Int, model: PPCA)]
}

extension PPCA {
    /// Runs EM on X (N, D) from W₀ (D, q) and σ²₀ > 0 until converged, or `maxIterations` updates.
    ///
    /// Stopping rule: EM converges linearly, ℓ* − ℓₖ ≈ gₖ r/(1 − r) with gₖ the last gain and r = gₖ/gₖ₋₁ the
    /// observed contraction, so a small gain alone can stop far from the maximum when r is close to 1 (nearly equal
    /// eigenvalues around q). We stop when both the gain and that estimate of the remaining gap are below
    /// `tolerance` · max(1, |ℓ|).
    /// `snapshotIterations` lists the update counts whose models are kept (0 = the start).
    public static func fitEM(
        _ x: Matrix, initialLoading w0: Matrix, initialNoiseVariance sigma2_0: Double,
        maxIterations: Int, tolerance: Double = 1e-13, snapshotIterations: [Int] = []
    ) throws(PPCAError) -> PPCAEMResult {
        guard x.rows >= 2 else { throw .tooFewSamples(count: x.rows) }
        guard x.isFinite else { throw .nonFinite("the data") }
        return try fitEM(mean: Statistics.columnMeans(x), scatter: Statistics.covariance(x, normalization: .maximumLikelihood),
                         initialLoading: w0, initialNoiseVariance: sigma2_0, maxIterations: maxIterations,
                         tolerance: tolerance, snapshotIterations: snapshotIterations)
    }

    /// EM from the sufficient statistics alone: the sample mean and the 1/N scatter S about it (D, D) — what
    /// `fitEM(_:…)` computes from X first; pass them when they are at hand (e.g. `PPCAMaximumLikelihood.mean` and
    /// `.covariance` of the same rows), since the iterations never look at the rows again.
    public static func fitEM(
        mean: [Double], scatter s: Matrix, initialLoading w0: Matrix, initialNoiseVariance sigma2_0: Double,
        maxIterations: Int, tolerance: Double = 1e-13, snapshotIterations: [Int] = []
    ) throws(PPCAError) -> PPCAEMResult {
        let d = mean.count
        let q = w0.columns
        guard q >= 1, q < d else { throw .invalidLatentDimension(q: q, dimension: d) }
        guard s.rows == d, s.columns == d else { throw .dimensionMismatch("S is \(s.rows)×\(s.columns) but μ has \(d) entries") }
        guard s.elements.allSatisfy(\.isFinite) else { throw .nonFinite("S") }
        var model = try PPCA(mean: mean, loading: w0, noiseVariance: sigma2_0)
        let wanted = Set(snapshotIterations)
        var snapshots: [(iteration: Int, model: PPCA)] = wanted.contains(0) ? [(0, model)] : []
        var logLikelihoods = [model.averageLogLikelihood(scatter: s)]
        var noiseVariances = [sigma2_0]
        var converged = false
        var iterations = 0
        while iterations < maxIterations {
            model = try emStep(model, scatter: s)
            iterations += 1
            let ll = model.averageLogLikelihood(scatter: s)
            logLikelihoods.append(ll)
            noiseVariances.append(model.noiseVariance)
            if wanted.contains(iterations) { snapshots.append((iterations, model)) }
            if EMStoppingRule.isConverged(logLikelihoods, tolerance: tolerance) { converged = true; break }
        }
        return PPCAEMResult(model: model, iterations: iterations, converged: converged, logLikelihoods: logLikelihoods,
                            updateCounts: Array(logLikelihoods.indices), noiseVariances: noiseVariances, snapshots: snapshots)
    }

    /// One EM update (Tipping & Bishop eqs. 29–30) given the 1/N scatter S about `model.mean`.
    public static func emStep(_ model: PPCA, scatter s: Matrix) throws(PPCAError) -> PPCA {
        let d = model.dimension
        let q = model.latentDimension
        let w = model.loading
        let sigma2 = model.noiseVariance
        let sw = s * w                                           // (D, q)  SW
        let mInvWtSW = model.mFactor.solve(w.transposeTimes(sw)) // (q, q)  M⁻¹WᵀSW
        var inner = mInvWtSW                                     // σ²I + M⁻¹WᵀSW
        for i in 0..<q { inner[i, i] += sigma2 }
        let newW: Matrix                                          // SW inner⁻¹ = (inner⁻ᵀ (SW)ᵀ)ᵀ
        do {
            let lu = try LUDecomposition(of: inner.transposed)
            newW = lu.solve(sw.transposed).transposed
        } catch { throw .linearAlgebra(error) }
        // tr(S W M⁻¹ W_newᵀ) = Σᵢₖ (SW M⁻¹)ᵢₖ (W_new)ᵢₖ; SW M⁻¹ = (M⁻¹ (SW)ᵀ)ᵀ as M is symmetric.
        let swMInv = model.mFactor.solve(sw.transposed).transposed  // (D, q)
        var traceTerm = 0.0
        for i in 0..<(d * q) { traceTerm += swMInv.elements[i] * newW.elements[i] }
        let newSigma2 = (s.trace - traceTerm) / Double(d)
        return try PPCA(mean: model.mean, loading: newW, noiseVariance: newSigma2)
    }
}

/// SQUAREM (Varadhan & Roland 2008, scheme S3) around the EM map F of Tipping & Bishop's eqs. 29–30.
///
/// With θ = (W, σ²), r = F(θ) − θ and v = F(F(θ)) − 2F(θ) + θ, one cycle extrapolates along the two EM steps,
/// θ′ = θ − 2αr + α²v with α = −‖r‖/‖v‖ (capped at −1, where θ′ = F(F(θ))), then applies F once more to θ′. If θ′
/// is not a valid model (σ² ≤ 0) or the cycle ends below F(F(θ))'s likelihood, the cycle keeps EM's own two steps, so
/// ℓ never decreases. One cycle costs three EM maps; `iterations` counts EM maps, so it compares with plain EM's;
/// `logLikelihoods` has one entry per cycle (`updateCounts` says after how many maps).
extension PPCA {
    public static func fitSQUAREM(
        mean: [Double], scatter s: Matrix, initialLoading w0: Matrix, initialNoiseVariance sigma2_0: Double,
        maxIterations: Int, tolerance: Double = 1e-13
    ) throws(PPCAError) -> PPCAEMResult {
        let d = mean.count
        let q = w0.columns
        guard q >= 1, q < d else { throw .invalidLatentDimension(q: q, dimension: d) }
        guard s.rows == d, s.columns == d else { throw .dimensionMismatch("S is \(s.rows)×\(s.columns) but μ has \(d) entries") }
        guard s.elements.allSatisfy(\.isFinite) else { throw .nonFinite("S") }
        func parameters(_ m: PPCA) -> [Double] { m.loading.elements + [m.noiseVariance] }
        var model = try PPCA(mean: mean, loading: w0, noiseVariance: sigma2_0)
        var logLikelihoods = [model.averageLogLikelihood(scatter: s)]
        var noiseVariances = [sigma2_0]
        var updateCounts = [0]
        var iterations = 0
        var converged = false
        while iterations + 3 <= maxIterations {
            let f1 = try emStep(model, scatter: s)
            let f2 = try emStep(f1, scatter: s)
            let theta = parameters(model), t1 = parameters(f1), t2 = parameters(f2)
            let r = zip(t1, theta).map { $0 - $1 }
            let v = (0..<theta.count).map { t2[$0] - 2 * t1[$0] + theta[$0] }
            let rNorm = r.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let vNorm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            var next = f2
            var accepted = false
            iterations += 2
            if vNorm > 0 {
                let alpha = min(-rNorm / vNorm, -1)
                let extrapolated = (0..<theta.count).map { theta[$0] - 2 * alpha * r[$0] + alpha * alpha * v[$0] }
                let sigma2 = extrapolated[d * q]
                if sigma2.isFinite, sigma2 > 0,
                   let jump = try? PPCA(mean: mean, loading: Matrix(rows: d, columns: q, elements: Array(extrapolated[..<(d * q)])),
                                        noiseVariance: sigma2) {
                    let stabilised = try emStep(jump, scatter: s)
                    iterations += 1
                    if stabilised.averageLogLikelihood(scatter: s) >= f2.averageLogLikelihood(scatter: s) {
                        next = stabilised
                        accepted = true
                    }
                }
            }
            model = next
            let ll = model.averageLogLikelihood(scatter: s)
            let gain = ll - logLikelihoods[logLikelihoods.count - 1]
            logLikelihoods.append(ll)
            updateCounts.append(iterations)
            noiseVariances.append(model.noiseVariance)
            // A small gain after EM's own two steps may only mean that EM is slow (the trap of plain EM); stop when an
            // accepted extrapolation gains nothing either, or when EM's step itself is at the round-off of θ.
            let thetaNorm = theta.reduce(0) { $0 + $1 * $1 }.squareRoot()
            if gain <= tolerance * max(1, abs(ll)), accepted || rNorm <= 1e-12 * thetaNorm { converged = true; break }
        }
        return PPCAEMResult(model: model, iterations: iterations, converged: converged, logLikelihoods: logLikelihoods,
                            updateCounts: updateCounts, noiseVariances: noiseVariances, snapshots: [])
    }
}
