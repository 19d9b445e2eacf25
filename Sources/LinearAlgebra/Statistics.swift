import Dispatch

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

    /// (X − 1μᵀ) B, (N × B.columns), without forming the centred X: the rows are centred and multiplied block by
    /// block (`RowBlocks`), on every core. Bit for bit the blocked product `centred(x, mean: mean) * b`.
    /// `mean.count` and `b.rows` must equal `x.columns` (preconditions).
    public static func centredProduct(_ x: Matrix, mean: [Double], _ b: Matrix) -> Matrix {
        let width = b.columns
        return RowBlocks.map(x, mean: mean, times: b, width: width) { block, out in
            out.update(from: block.product, count: block.rows.count * width)
        }
    }

    /// The sample covariance (d × d), S = (1/N) X̃ᵀX̃ or (1/(N−1)) X̃ᵀX̃ with X̃ the centred data: the scatter
    /// `scatter(x, mean: columnMeans(x))` divided by N or N − 1. Needs N ≥ 1 (N ≥ 2 for `.unbiased`).
    public static func covariance(_ x: Matrix, normalization: CovarianceNormalization) -> Matrix {
        covariance(x, mean: columnMeans(x), normalization: normalization)
    }

    /// The covariance about `mean` — give the column means of `x` (`columnMeans(x)`, when the caller already has them)
    /// for the sample covariance: the scatter about `mean` divided by N or N − 1.
    public static func covariance(_ x: Matrix, mean: [Double], normalization: CovarianceNormalization) -> Matrix {
        let n = x.rows
        switch normalization {
        case .maximumLikelihood: precondition(n >= 1, "Statistics.covariance: 1/N needs at least one row")
        case .unbiased: precondition(n >= 2, "Statistics.covariance: 1/(N−1) needs at least two rows, got \(n)")
        }
        let divisor = normalization == .maximumLikelihood ? Double(n) : Double(n - 1)
        var s = scatter(x, mean: mean)
        for k in 0..<s.elements.count { s.elements[k] /= divisor }
        return s
    }

    /// The scatter matrix X̃ᵀX̃ = Σₙ (xₙ − μ)(xₙ − μ)ᵀ (d × d, exactly symmetric) about `mean`, without forming X̃.
    ///
    /// Only the lower triangle is computed, and mirrored: about half the multiply–adds of the full X̃ᵀX̃. The rows are
    /// taken in blocks of 256 (`RowBlocks.blockRows`, also the product kernel's inner blocking); each block is centred
    /// and packed once and its contribution added tile by tile (4 × 4, the tiles on or below the diagonal) by the
    /// product's micro-kernel (`accumulateCentredScatter`). Every entry is the same sum in the same order as the full
    /// product `centred(x, mean:).transposeTimes(…)` — bit for bit — and does not depend on how the strips of C are
    /// split over the processors. Small problems (N·d² ≤ 32³) take that full product directly.
    public static func scatter(_ x: Matrix, mean: [Double]) -> Matrix {
        let (n, d) = (x.rows, x.columns)
        precondition(mean.count == d, "Statistics.scatter: mean of length \(mean.count) for \(d) columns")
        if n * d * d <= 32 * 32 * 32 {
            let centredX = centred(x, mean: mean)
            return centredX.transposeTimes(centredX)
        }
        var s = [Double](repeating: 0, count: d * d)
        let strips = (d + 3) / 4
        let tasks = n * d * d / 2 >= RowParallel.minimumWork ? min(RowParallel.processorCount, strips) : 1
        let elements = x.elements
        s.withUnsafeMutableBufferPointer { sb in
            let out = SendablePointer(sb.baseAddress!)
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                // Strip rows dealt back and forth (0, 1, 1, 0, 0, 1, …) so that the tasks get similar work: strip row I
                // has I + 1 tiles.
                let mine = (0..<strips).filter { i in
                    let (round, position) = (i / tasks, i % tasks)
                    return (round % 2 == 0 ? position : tasks - 1 - position) == task
                }
                guard let last = mine.last else { return }
                let rowsPerBlock = min(RowBlocks.blockRows, n)
                let packed = UnsafeMutablePointer<Double>.allocate(capacity: (last + 1) * 4 * rowsPerBlock)
                let edge = UnsafeMutablePointer<Double>.allocate(capacity: 16)
                defer { packed.deallocate(); edge.deallocate() }
                elements.withUnsafeBufferPointer { xe in
                    mean.withUnsafeBufferPointer { mu in
                        for first in stride(from: 0, to: n, by: RowBlocks.blockRows) {
                            accumulateCentredScatter(block: xe.baseAddress! + first * d,
                                                     rows: min(RowBlocks.blockRows, n - first), columns: d,
                                                     mean: mu.baseAddress!, tileRows: mine, packed: packed, edge: edge,
                                                     c: out.base)
                        }
                    }
                }
            }
        }
        for i in 0..<d {
            for j in (i + 1)..<max(i + 1, d) { s[i * d + j] = s[j * d + i] }
        }
        return Matrix(rows: d, columns: d, elements: s)
    }
}
