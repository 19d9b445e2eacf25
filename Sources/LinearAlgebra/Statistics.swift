/// How a covariance is normalised: say which one at every call site, since libraries silently differ
/// (numpy's `np.cov` defaults to 1/(N−1), scikit-learn's PCA `explained_variance_` uses 1/(N−1), the maximum-likelihood
/// Gaussian and probabilistic PCA (Tipping & Bishop 1999) use 1/N).
public enum CovarianceNormalization: Sendable {
    /// S = (1/N) Σ (xₙ − x̄)(xₙ − x̄)ᵀ — the maximum-likelihood estimate.
    case maximumLikelihood
    /// S = (1/(N−1)) Σ (xₙ − x̄)(xₙ − x̄)ᵀ — the unbiased estimate.
    case unbiased
}

/// Column statistics of a data matrix X (N × d), one observation per **row**.
public enum Statistics {
    /// The column means x̄_j = (1/N) Σₙ x_nj (length d). An empty matrix (N = 0) is a precondition failure.
    public static func columnMeans(_ x: Matrix) -> [Double] {
        precondition(x.rows > 0, "Statistics.columnMeans: the data matrix has no rows")
        var sums = [Double](repeating: 0, count: x.columns)
        let d = x.columns
        x.elements.withUnsafeBufferPointer { e in
            sums.withUnsafeMutableBufferPointer { s in
                for n in 0..<x.rows {
                    let row = e.baseAddress! + n * d
                    for j in 0..<d { s[j] += row[j] }
                }
            }
        }
        let inverse = 1 / Double(x.rows)
        return sums.map { $0 * inverse }
    }

    /// X with `mean` subtracted from every row; `mean.count` must equal d (precondition).
    public static func centred(_ x: Matrix, mean: [Double]) -> Matrix {
        precondition(mean.count == x.columns, "Statistics.centred: mean of length \(mean.count) for \(x.columns) columns")
        var e = x.elements
        let d = x.columns
        e.withUnsafeMutableBufferPointer { e in
            for n in 0..<x.rows {
                let row = e.baseAddress! + n * d
                for j in 0..<d { row[j] -= mean[j] }
            }
        }
        return Matrix(rows: x.rows, columns: d, elements: e)
    }

    /// The sample covariance (d × d), S = (1/N) X̃ᵀX̃ or (1/(N−1)) X̃ᵀX̃ with X̃ the centred data, computed as a
    /// product X̃ᵀX̃ without forming X̃ᵀ and then symmetrised exactly. Needs N ≥ 1 (N ≥ 2 for `.unbiased`).
    public static func covariance(_ x: Matrix, normalization: CovarianceNormalization) -> Matrix {
        let n = x.rows
        switch normalization {
        case .maximumLikelihood: precondition(n >= 1, "Statistics.covariance: 1/N needs at least one row")
        case .unbiased: precondition(n >= 2, "Statistics.covariance: 1/(N−1) needs at least two rows, got \(n)")
        }
        let centredX = centred(x, mean: columnMeans(x))
        let scatter = centredX.rowParallelTransposeTimes(centredX)   // bit-for-bit transposeTimes, rows over the cores
        let divisor = normalization == .maximumLikelihood ? Double(n) : Double(n - 1)
        let d = x.columns
        var s = scatter.elements
        for i in 0..<d {
            for j in 0..<i {
                let v = (s[i * d + j] + s[j * d + i]) * 0.5 / divisor
                s[i * d + j] = v; s[j * d + i] = v
            }
            s[i * d + i] /= divisor
        }
        return Matrix(rows: d, columns: d, elements: s)
    }
}
