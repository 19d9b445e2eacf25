import Foundation
import LinearAlgebra

/// EM for factor analysis (Rubin & Thayer 1982; Ghahramani & Hinton 1996; PRML §12.2.4, 12.66–12.70).
///
/// E-step: with G = M⁻¹ = (I + ΛᵀΨ⁻¹Λ)⁻¹, the posterior of the factors is p(z | x) = N(β(x − μ), G) with
/// β = Λᵀ(ΛΛᵀ + Ψ)⁻¹ = G ΛᵀΨ⁻¹ (q × D; Woodbury). M-step (PRML 12.69–12.70): Λ_new = [Σₙ eₙE[zₙ]ᵀ][Σₙ E[zₙzₙᵀ]]⁻¹ and
/// Ψ_new = diag(S − Λ_new (1/N)Σₙ E[zₙ]eₙᵀ). Substituting the moments, both sums collapse onto the 1/N scatter S
/// about μ (Rubin & Thayer's form):
///
///     Λ_new = S βᵀ K⁻¹,   K = I − βΛ + βSβᵀ = G + βSβᵀ,     ψ_new = diag(S − Λ_new β S),
///
/// O(D²q) per iteration after S is formed once. μ stays at the sample mean (its ML value whatever Λ and Ψ).
///
/// Heywood cases: the likelihood can increase without bound as some ψᵢ → 0 (a coordinate explained entirely by the
/// factors; e.g. a column that is an exact function of another), so each ψᵢ is held at or above a floor
/// ψᵢ ≥ f·Sᵢᵢ (f = `uniquenessFloor`, default 10⁻⁶). The floor is relative to each column's own variance, so the fit
/// stays equivariant under rescaling a column. The constrained update max(ψ_new,ᵢ, f·Sᵢᵢ) is still the exact
/// M-step maximiser (the expected complete-data log-likelihood is −½Σᵢ(log ψᵢ + aᵢ/ψᵢ), unimodal in each ψᵢ), so
/// every iteration still cannot decrease ℓ. Coordinates that end at the floor are reported as `heywoodColumns`.
public struct FactorAnalysisEMResult: Sendable {
    /// The model after the last iteration.
    public let model: FactorAnalysis
    /// The number of EM updates performed.
    public let iterations: Int
    /// Whether the stopping rule was met before `maxIterations`.
    public let converged: Bool
    /// Average log-likelihood per row (natural log) after k updates (entry 0 at the start).
    public let logLikelihoods: [Double]
    /// The coordinates (0-based) whose ψᵢ sits at its floor f·Sᵢᵢ at the end: Heywood cases.
    public let heywoodColumns: [Int]
    /// The floors f·Sᵢᵢ used, length D.
    public let uniquenessFloors: [Double]
    /// Snapshots of the model after the requested numbers of updates (for frames), in increasing order.
    public let snapshots: [(iteration: Int, model: FactorAnalysis)]

    /// ℓ after the last update.
    public var finalLogLikelihood: Double { logLikelihoods[logLikelihoods.count - 1] }
}

/// Several EM runs of the same data from different starts (`FactorAnalysis.fitEM(_:latentDimension:starts:…)`).
public struct FactorAnalysisMultiStartResult: Sendable {
    /// One result per start, in the order they were run (start 0 from PPCA's closed form).
    public let runs: [FactorAnalysisEMResult]
    /// The index in `runs` of the highest final log-likelihood (the first on a tie).
    public let bestIndex: Int
    /// `runs[bestIndex]`.
    public var best: FactorAnalysisEMResult { runs[bestIndex] }
}

extension FactorAnalysis {
    /// EM from the sufficient statistics: the sample mean and the 1/N scatter S about it (D, D), from Λ₀ (D, q) and
    /// ψ₀ (D entries > 0), until converged or `maxIterations` updates.
    ///
    /// Stopping rule (as `PPCA.fitEM`): EM converges linearly, ℓ* − ℓₖ ≈ gₖ r/(1 − r) with gₖ the last gain and
    /// r = gₖ/gₖ₋₁, so we stop when both the gain and that estimate of the remaining gap are below
    /// `tolerance` · max(1, |ℓ|). ψ is floored at `uniquenessFloor` · Sᵢᵢ, or at `columnFloors[i]` when given (absolute,
    /// one per column: e.g. a Heywood column held near 0 while the rest converge; see the type's documentation; ψ₀ is
    /// raised to the floor too). `snapshotIterations` lists the update counts whose models are kept (0 = the start).
    /// Throws `.constantColumn` when some Sᵢᵢ = 0.
    public static func fitEM(
        mean: [Double], scatter s: Matrix, latentDimension q: Int, initialLoading lambda0: Matrix,
        initialUniquenesses psi0: [Double], maxIterations: Int, tolerance: Double = 1e-12,
        uniquenessFloor: Double = 1e-6, columnFloors: [Double]? = nil, snapshotIterations: [Int] = []
    ) throws(FactorAnalysisError) -> FactorAnalysisEMResult {
        let d = mean.count
        guard q >= 1, q < d else { throw .invalidLatentDimension(q: q, dimension: d) }
        guard lambda0.rows == d, lambda0.columns == q else {
            throw .dimensionMismatch("Λ₀ is \(lambda0.rows)×\(lambda0.columns), expected \(d)×\(q)")
        }
        guard s.rows == d, s.columns == d else { throw .dimensionMismatch("S is \(s.rows)×\(s.columns) but μ has \(d) entries") }
        guard s.isFinite else { throw .nonFinite("S") }
        for i in 0..<d where !(s[i, i] > 0) { throw .constantColumn(index: i) }
        if let columnFloors, columnFloors.count != d || !columnFloors.allSatisfy({ $0 > 0 }) {
            throw .dimensionMismatch("columnFloors has \(columnFloors.count) entries (each > 0 needed), D = \(d)")
        }
        let floors = columnFloors ?? (0..<d).map { uniquenessFloor * s[$0, $0] }
        guard psi0.count == d else { throw .dimensionMismatch("ψ₀ has \(psi0.count) entries, D = \(d)") }
        var model = try FactorAnalysis(mean: mean, loading: lambda0,
                                       uniquenesses: (0..<d).map { max(psi0[$0], floors[$0]) })
        let wanted = Set(snapshotIterations)
        var snapshots: [(iteration: Int, model: FactorAnalysis)] = wanted.contains(0) ? [(0, model)] : []
        var logLikelihoods = [model.averageLogLikelihood(scatter: s)]
        var converged = false
        var iterations = 0
        while iterations < maxIterations {
            model = try emStep(model, scatter: s, uniquenessFloors: floors)
            iterations += 1
            let ll = model.averageLogLikelihood(scatter: s)
            logLikelihoods.append(ll)
            if wanted.contains(iterations) { snapshots.append((iterations, model)) }
            if EMStoppingRule.isConverged(logLikelihoods, tolerance: tolerance) { converged = true; break }
        }
        let heywood = (0..<d).filter { model.uniquenesses[$0] <= floors[$0] }
        return FactorAnalysisEMResult(model: model, iterations: iterations, converged: converged,
                                      logLikelihoods: logLikelihoods, heywoodColumns: heywood,
                                      uniquenessFloors: floors, snapshots: snapshots)
    }

    /// One EM update (Rubin & Thayer 1982) given the 1/N scatter S about `model.mean`, with ψᵢ floored at
    /// `uniquenessFloors[i]` (pass zeros for the unconstrained update; ψ must stay > 0).
    public static func emStep(_ model: FactorAnalysis, scatter s: Matrix,
                              uniquenessFloors floors: [Double]) throws(FactorAnalysisError) -> FactorAnalysis {
        let d = model.dimension
        let q = model.latentDimension
        let a = model.scaledLoading                               // (D, q)  Ψ⁻¹Λ
        let beta = model.mFactor.solve(a.transposed)              // (q, D)  β = G Aᵀ
        let sBetaT = s * beta.transposed                          // (D, q)  Sβᵀ
        var k = model.mFactor.inverse()                           // G = I − βΛ
        k = k + beta * sBetaT                                     // K = G + βSβᵀ
        let newLoading: Matrix                                    // Sβᵀ K⁻¹ = (K⁻¹ (Sβᵀ)ᵀ)ᵀ, K symmetric
        do { newLoading = try Cholesky(of: k).solve(sBetaT.transposed).transposed } catch { throw .linearAlgebra(error) }
        // diag(Λ_new β S)ᵢ = Σₖ (Λ_new)ᵢₖ (Sβᵀ)ᵢₖ.
        var psi = [Double](repeating: 0, count: d)
        for i in 0..<d {
            var explained = 0.0
            for c in 0..<q { explained += newLoading.elements[i * q + c] * sBetaT.elements[i * q + c] }
            psi[i] = max(s[i, i] - explained, floors[i])
        }
        return try FactorAnalysis(mean: model.mean, loading: newLoading, uniquenesses: psi)
    }

    /// Fits q factors to X (N, D) by EM from `starts` starts and keeps every run. Start 0 is PPCA's closed form on
    /// the 1/N scatter (Λ₀ = W_ML = U_q(Λ_q − σ²I)^{1/2}, ψ₀ = σ²_ML in every coordinate); the others draw
    /// Λ₀ᵢₖ = 0.3·√Sᵢᵢ·ξ with ξ ~ N(0, 1) from `g` (in order: start 1's entries row by row, then start 2's…) and start
    /// from ψ₀ = diag S. Deterministic given the generator's state.
    public static func fitEM<G: RandomNumberGenerator>(
        _ x: Matrix, latentDimension q: Int, starts: Int, using g: inout G, maxIterations: Int,
        tolerance: Double = 1e-12, uniquenessFloor: Double = 1e-6
    ) throws(FactorAnalysisError) -> FactorAnalysisMultiStartResult {
        guard x.rows >= 2 else { throw .tooFewSamples(count: x.rows) }
        guard x.isFinite else { throw .nonFinite("the data") }
        let d = x.columns
        guard q >= 1, q < d else { throw .invalidLatentDimension(q: q, dimension: d) }
        guard starts >= 1 else { throw .invalidStartCount(starts) }
        let mean = Statistics.columnMeans(x)
        let s = Statistics.covariance(x, mean: mean, normalization: .maximumLikelihood)
        for i in 0..<d where !(s[i, i] > 0) { throw .constantColumn(index: i) }
        let eigen: SymmetricEigen
        do { eigen = try SymmetricEigen(of: s) } catch { throw .linearAlgebra(error) }
        let sigma2 = eigen.eigenvalues[q...].reduce(0, +) / Double(d - q)
        var ppcaLoading = Matrix(rows: d, columns: q, repeating: 0)
        for c in 0..<q {
            let scale = max(eigen.eigenvalues[c] - sigma2, 0).squareRoot()
            for i in 0..<d { ppcaLoading[i, c] = eigen.eigenvectors[i, c] * scale }
        }
        var runs: [FactorAnalysisEMResult] = []
        for start in 0..<starts {
            let lambda0: Matrix
            let psi0: [Double]
            if start == 0 {
                lambda0 = ppcaLoading
                psi0 = [Double](repeating: max(sigma2, 0), count: d)   // raised to the floor by fitEM
            } else {
                var l = Matrix(rows: d, columns: q, repeating: 0)
                for i in 0..<d {
                    let scale = 0.3 * s[i, i].squareRoot()
                    for c in 0..<q { l[i, c] = scale * g.nextStandardNormal() }
                }
                lambda0 = l
                psi0 = s.diagonal
            }
            runs.append(try fitEM(mean: mean, scatter: s, latentDimension: q, initialLoading: lambda0,
                                  initialUniquenesses: psi0, maxIterations: maxIterations, tolerance: tolerance,
                                  uniquenessFloor: uniquenessFloor))
        }
        var bestIndex = 0
        for (i, run) in runs.enumerated() where run.finalLogLikelihood > runs[bestIndex].finalLogLikelihood { bestIndex = i }
        return FactorAnalysisMultiStartResult(runs: runs, bestIndex: bestIndex)
    }
}
