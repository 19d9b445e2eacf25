import Foundation
import LinearAlgebra

/// Probabilistic PCA fitted by EM when some entries of X are missing (Tipping & Bishop 1999, JRSS B, §4 and
/// Appendix; Ilin & Raiko 2010, "Practical approaches to principal component analysis in the presence of missing
/// values", JMLR 11). A missing entry is marked by NaN and is assumed missing at random.
///
/// Observed-data likelihood. For row n with observed coordinates O (and missing M), x_O ~ N(μ_O, C_O) with
/// C_O = W_O W_Oᵀ + σ²I, W_O the rows of W in O. Through M_O = W_OᵀW_O + σ²I_q (q × q) as for complete rows:
/// log|C_O| = (|O| − q) log σ² + log|M_O| and e_OᵀC_O⁻¹e_O = σ⁻²(‖e_O‖² − ‖L⁻¹W_Oᵀe_O‖²), M_O = LLᵀ. The reported ℓ
/// is the average over rows (1/N) Σₙ log p(x_{n,O}), natural log.
///
/// Exact EM, with both z and the missing x_M latent. E-step (old parameters): z | x_O ~ N(mₙ, Σₙ) with
/// mₙ = M_O⁻¹W_Oᵀ(x_O − μ_O), Σₙ = σ²M_O⁻¹; and x_M | z ~ N(W_M z + μ_M, σ²I), so E[x_M | x_O] = μ_M + W_M mₙ.
/// M-step: with z̃ = (z, 1) and w̃ⱼ = (wⱼ, μⱼ) (row j of W and μⱼ), the expected complete-data log-likelihood is, for
/// every coordinate j, a least-squares problem in w̃ⱼ with design E[z̃z̃ᵀ] — the same for every j, since the
/// posterior of z does not depend on j. Writing Eₙ = E[z̃ₙz̃ₙᵀ] = [[Σₙ + mₙmₙᵀ, mₙ], [mₙᵀ, 1]]:
///
///     w̃ⱼ_new = A⁻¹ Bⱼ,    A = Σₙ Eₙ,    Bⱼ = Σ_{n: j∈Oₙ} xₙⱼ (mₙ, 1) + (Σ_{n: j∈Mₙ} Eₙ) w̃ⱼ,
///
/// (the second sum is E[z̃ xₙⱼ] = Eₙw̃ⱼ for a missing xₙⱼ), which updates W and μ jointly; then
///
///     σ²_new = (1/(ND)) [Σ_{observed} xₙⱼ² + Σ_{missing} (w̃ⱼᵀEₙw̃ⱼ + σ²) − Σⱼ w̃ⱼ_newᵀBⱼ].
///
/// Both are exact maximisers of the expected complete-data log-likelihood, so no iteration decreases the
/// observed-data ℓ. The sums are taken about the current μ (x − μ in place of x, w̃ⱼ = (wⱼ, 0)) for accuracy. With
/// nothing missing this is ordinary PPCA EM (`PPCA+EM.swift`) plus a μ update that leaves μ at the sample mean.
///
/// Cost: one pass over the rows per iteration, O(|O|q² + |M|q²) per row with q × q solves; no per-row allocation.
public struct PPCAMissingDataResult: Sendable {
    /// The model after the last iteration.
    public let model: PPCA
    /// The number of EM updates performed.
    public let iterations: Int
    /// Whether the stopping rule was met before `maxIterations`.
    public let converged: Bool
    /// Observed-data average log-likelihood per row (natural log) after k updates (entry 0 at the start).
    public let logLikelihoods: [Double]
    /// X with every missing entry replaced by E[x_M | x_O] = μ_M + W_M mₙ under the final model.
    public let imputed: Matrix
    /// The number of missing (NaN) entries of X.
    public let missingCount: Int
}

extension PPCA {
    /// Fits PPCA with latent dimension q to X (N, D) with missing entries marked by NaN, by the exact EM above.
    ///
    /// Start (deterministic): μ₀ = the column means of the observed entries; W₀ and σ²₀ = PPCA's closed form on the
    /// mean-imputed data (missing entries set to μ₀). Stopping rule as `PPCA.fitEM`: the gain and the estimated
    /// remaining gap gₖr/(1 − r) both below `tolerance` · max(1, |ℓ|).
    /// Throws `.tooFewSamples` (N < 2), `.invalidLatentDimension`, `.nonFinite` (an infinity),
    /// `.unobservedRow(index:)` / `.unobservedColumn(index:)` (the first row / column with every entry missing).
    public static func fitEMWithMissingValues(
        _ x: Matrix, latentDimension q: Int, maxIterations: Int, tolerance: Double = 1e-10
    ) throws(PPCAError) -> PPCAMissingDataResult {
        let (n, d) = (x.rows, x.columns)
        guard n >= 2 else { throw .tooFewSamples(count: n) }
        guard q >= 1, q < d else { throw .invalidLatentDimension(q: q, dimension: d) }
        var columnSums = [Double](repeating: 0, count: d)
        var columnCounts = [Int](repeating: 0, count: d)
        var missingCount = 0
        for r in 0..<n {
            var observed = 0
            for j in 0..<d {
                let v = x.elements[r * d + j]
                if v.isNaN { missingCount += 1; continue }
                guard v.isFinite else { throw .nonFinite("the data (row \(r), column \(j), from 0)") }
                observed += 1
                columnSums[j] += v
                columnCounts[j] += 1
            }
            guard observed > 0 else { throw .unobservedRow(index: r) }
        }
        if let j = columnCounts.firstIndex(of: 0) { throw .unobservedColumn(index: j) }
        let mean0 = (0..<d).map { columnSums[$0] / Double(columnCounts[$0]) }
        var filled = x
        for k in 0..<(n * d) where filled.elements[k].isNaN { filled.elements[k] = mean0[k % d] }
        let start = try PPCAMaximumLikelihood(filled).model(latentDimension: q)
        var model = try PPCA(mean: mean0, loading: start.loading, noiseVariance: start.noiseVariance)

        var statistics = MissingDataStatistics(model: model, x: x)
        var logLikelihoods = [statistics.averageLogLikelihood]
        var converged = false
        var iterations = 0
        while iterations < maxIterations {
            model = try statistics.maximise(model: model, missingCount: missingCount)
            iterations += 1
            statistics = MissingDataStatistics(model: model, x: x)
            let ll = statistics.averageLogLikelihood
            logLikelihoods.append(ll)
            if EMStoppingRule.isConverged(logLikelihoods, tolerance: tolerance) { converged = true; break }
        }
        return PPCAMissingDataResult(model: model, iterations: iterations, converged: converged,
                                     logLikelihoods: logLikelihoods, imputed: try model.imputed(x),
                                     missingCount: missingCount)
    }

    /// log p(x_{n,O}) for each row of X (N, D), NaN marking a missing entry: log N(x_O; μ_O, W_OW_Oᵀ + σ²I) through
    /// M_O = W_OᵀW_O + σ²I_q (Woodbury and the determinant lemma), natural log. A row with nothing observed gets 0
    /// (the density of the empty vector). With nothing missing, equal to `logLikelihoods(_:)`.
    public func observedLogLikelihoods(_ x: Matrix) throws(PPCAError) -> [Double] {
        guard x.columns == dimension else {
            throw .dimensionMismatch("X has \(x.columns) columns but the model has D = \(dimension)")
        }
        var result = [Double](repeating: 0, count: x.rows)
        withObservedRowPosteriors(x) { r, _, _, logLikelihood, _ in result[r] = logLikelihood }
        return result
    }

    /// X with each missing (NaN) entry replaced by its conditional mean E[x_M | x_O] = μ_M + W_M M_O⁻¹W_Oᵀ(x_O − μ_O);
    /// observed entries are kept. A row with nothing observed becomes μ.
    public func imputed(_ x: Matrix) throws(PPCAError) -> Matrix {
        guard x.columns == dimension else {
            throw .dimensionMismatch("X has \(x.columns) columns but the model has D = \(dimension)")
        }
        var result = x
        let (d, q) = (dimension, latentDimension)
        let w = loading.elements
        withObservedRowPosteriors(x) { r, m, _, _, _ in
            for j in 0..<d where result.elements[r * d + j].isNaN {
                var v = mean[j]
                for a in 0..<q { v += w[j * q + a] * m[a] }
                result.elements[r * d + j] = v
            }
        }
        return result
    }

    /// Calls `body(row, m, Σ, log p(x_O), ‖e_O‖²)` for every row of X, with the posterior z | x_O ~ N(m, Σ) of that
    /// row (pointers valid during the call: m has q entries, Σ = σ²M_O⁻¹ is q × q row-major) — the one kernel behind
    /// the likelihood, the imputation and EM's E-step. Scratch is allocated once, not per row.
    func withObservedRowPosteriors(
        _ x: Matrix,
        _ body: (Int, UnsafePointer<Double>, UnsafePointer<Double>, Double, Double) -> Void
    ) {
        let (n, d, q) = (x.rows, dimension, latentDimension)
        let sigma2 = noiseVariance
        let logSigma2 = log(sigma2)
        let logTwoPi = log(2 * Double.pi)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: 3 * q * q + 3 * q)
        defer { scratch.deallocate() }
        let l = scratch                        // q × q: M_O, then its Cholesky factor (lower)
        let linv = scratch + q * q             // q × q: L⁻¹
        let cov = scratch + 2 * q * q          // q × q: σ² M_O⁻¹ = σ² L⁻ᵀL⁻¹
        let b = scratch + 3 * q * q            // q: W_Oᵀe_O, then L⁻¹ W_Oᵀe_O
        let m = b + q                          // q: posterior mean
        x.elements.withUnsafeBufferPointer { xe in
            loading.elements.withUnsafeBufferPointer { w in
                mean.withUnsafeBufferPointer { mu in
                    for r in 0..<n {
                        let row = xe.baseAddress! + r * d
                        for k in 0..<(q * q) { l[k] = 0 }
                        for a in 0..<q { l[a * q + a] = sigma2; b[a] = 0 }
                        var observed = 0
                        var squaredNorm = 0.0
                        for j in 0..<d {
                            let v = row[j]
                            if v.isNaN { continue }
                            let e = v - mu[j]
                            observed += 1
                            squaredNorm += e * e
                            let wj = w.baseAddress! + j * q
                            for a in 0..<q {
                                b[a] += wj[a] * e
                                for c in 0...a { l[a * q + c] += wj[a] * wj[c] }
                            }
                        }
                        // In-place Cholesky of the (positive definite, as σ² > 0) q × q M_O.
                        var logDetM = 0.0
                        for c in 0..<q {
                            var pivot = l[c * q + c]
                            for k in 0..<c { pivot -= l[c * q + k] * l[c * q + k] }
                            let lcc = pivot.squareRoot()
                            l[c * q + c] = lcc
                            logDetM += 2 * log(lcc)
                            for a in (c + 1)..<max(c + 1, q) {
                                var s = l[a * q + c]
                                for k in 0..<c { s -= l[a * q + k] * l[c * q + k] }
                                l[a * q + c] = s / lcc
                            }
                        }
                        // y = L⁻¹b (into b), m = L⁻ᵀy.
                        var projected = 0.0
                        for a in 0..<q {
                            var s = b[a]
                            for k in 0..<a { s -= l[a * q + k] * b[k] }
                            b[a] = s / l[a * q + a]
                            projected += b[a] * b[a]
                        }
                        for a in stride(from: q - 1, through: 0, by: -1) {
                            var s = b[a]
                            for k in (a + 1)..<max(a + 1, q) { s -= l[k * q + a] * m[k] }
                            m[a] = s / l[a * q + a]
                        }
                        // L⁻¹ (lower), then Σ = σ² L⁻ᵀL⁻¹.
                        for a in 0..<q {
                            for c in 0..<q { linv[a * q + c] = 0 }
                            for c in 0...a {
                                var s = a == c ? 1.0 : 0.0
                                for k in c..<a { s -= l[a * q + k] * linv[k * q + c] }
                                linv[a * q + c] = s / l[a * q + a]
                            }
                        }
                        for a in 0..<q {
                            for c in 0...a {
                                var s = 0.0
                                for k in a..<q { s += linv[k * q + a] * linv[k * q + c] }
                                cov[a * q + c] = sigma2 * s
                                cov[c * q + a] = sigma2 * s
                            }
                        }
                        let logLikelihood = observed == 0 ? 0 : -0.5 * (Double(observed) * logTwoPi
                            + Double(observed - q) * logSigma2 + logDetM + (squaredNorm - projected) / sigma2)
                        body(r, UnsafePointer(m), UnsafePointer(cov), logLikelihood, squaredNorm)
                    }
                }
            }
        }
    }
}

/// The expected complete-data sufficient statistics of one E-step (see `PPCA+MissingData.swift`'s type
/// documentation), about the current μ, with the observed-data ℓ of the current model.
struct MissingDataStatistics {
    /// p = q + 1; A = Σₙ Eₙ (p × p).
    var a: [Double]
    /// Bⱼ (D × p), with the missing entries' Eₙw̃ⱼ already added.
    var b: [Double]
    /// Σ_observed (xₙⱼ − μⱼ)² + Σⱼ Σ_{n: j missing} w̃ⱼᵀEₙw̃ⱼ.
    var expectedSquares: Double
    /// (1/N) Σₙ log p(x_{n,O}).
    var averageLogLikelihood: Double

    init(model: PPCA, x: Matrix) {
        let (n, d, q) = (x.rows, model.dimension, model.latentDimension)
        let p = q + 1
        var a = [Double](repeating: 0, count: p * p)
        var b = [Double](repeating: 0, count: d * p)
        // Σ_{n: j missing} Eₙ per column j (D × p × p), A, B and Eₙ live in one scratch buffer during the pass.
        let buffer = UnsafeMutablePointer<Double>.allocate(capacity: d * p * p + d * p + 2 * p * p)
        defer { buffer.deallocate() }
        buffer.initialize(repeating: 0, count: d * p * p + d * p + 2 * p * p)
        let moments = buffer, bb = buffer + d * p * p, aa = bb + d * p, e = aa + p * p
        var squares = 0.0
        var total = 0.0
        x.elements.withUnsafeBufferPointer { xe in
            model.mean.withUnsafeBufferPointer { mu in
                model.withObservedRowPosteriors(x) { r, m, cov, logLikelihood, squaredNorm in
                    total += logLikelihood
                    squares += squaredNorm
                    for i in 0..<q {
                        for c in 0..<q { e[i * p + c] = cov[i * q + c] + m[i] * m[c] }
                        e[i * p + q] = m[i]
                        e[q * p + i] = m[i]
                    }
                    e[q * p + q] = 1
                    for k in 0..<(p * p) { aa[k] += e[k] }
                    let row = xe.baseAddress! + r * d
                    for j in 0..<d {
                        let v = row[j]
                        if v.isNaN {
                            let mj = moments + j * p * p
                            for k in 0..<(p * p) { mj[k] += e[k] }
                        } else {
                            let centred = v - mu[j]
                            let bj = bb + j * p
                            for i in 0..<q { bj[i] += centred * m[i] }
                            bj[q] += centred
                        }
                    }
                }
            }
        }
        for k in 0..<(p * p) { a[k] = aa[k] }
        for k in 0..<(d * p) { b[k] = bb[k] }
        let missingMoments = UnsafePointer(moments)
        // Missing entries: Bⱼ += Pⱼw̃ⱼ and the quadratic w̃ⱼᵀPⱼw̃ⱼ, with w̃ⱼ = (wⱼ, 0) about the current μ.
        let w = model.loading.elements
        for j in 0..<d {
            let pj = j * p * p
            for i in 0..<p {
                var s = 0.0
                for c in 0..<q { s += missingMoments[pj + i * p + c] * w[j * q + c] }
                b[j * p + i] += s
                if i < q { squares += w[j * q + i] * s }
            }
        }
        self.a = a
        self.b = b
        self.expectedSquares = squares
        self.averageLogLikelihood = total / Double(n)
    }

    /// The M-step: w̃ⱼ_new = A⁻¹Bⱼ for every j (W's row j and the shift of μⱼ), and σ²_new.
    func maximise(model: PPCA, missingCount: Int) throws(PPCAError) -> PPCA {
        let (d, q) = (model.dimension, model.latentDimension)
        let p = q + 1
        let factor: Cholesky
        do { factor = try Cholesky(of: Matrix(rows: p, columns: p, elements: a)) } catch { throw .linearAlgebra(error) }
        let solved = factor.solve(Matrix(rows: d, columns: p, elements: b).transposed)   // (p, D): column j is w̃ⱼ_new
        var loading = Matrix(rows: d, columns: q, repeating: 0)
        var mean = model.mean
        var explained = 0.0
        for j in 0..<d {
            for i in 0..<q { loading.elements[j * q + i] = solved.elements[i * d + j] }
            mean[j] += solved.elements[q * d + j]
            for i in 0..<p { explained += solved.elements[i * d + j] * b[j * p + i] }
        }
        let count = Double(a[p * p - 1]) * Double(d)                                       // N·D (A's corner is N)
        let sigma2 = (expectedSquares + Double(missingCount) * model.noiseVariance - explained) / count
        return try PPCA(mean: mean, loading: loading, noiseVariance: sigma2)
    }
}
