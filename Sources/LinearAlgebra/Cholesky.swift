/// The Cholesky factorisation A = L Lᵀ of a symmetric positive-definite matrix (LAPACK's `dpotrf`).
///
/// Only the **lower triangle** of A (entries a_ij with i ≥ j) is read; the upper triangle is ignored.
/// The factor is computed row by row (the Cholesky–Crout "dot-product" form, Golub & Van Loan, *Matrix
/// Computations*, 4th ed., Alg. 4.2.1):
///
///     l_jj = √(a_jj − Σ_{k<j} l_jk²),        l_ij = (a_ij − Σ_{k<j} l_ik l_jk) / l_jj   (i > j),
///
/// where every sum is a dot product of two contiguous row prefixes of L (L is stored row-major).
///
/// What it does **not** do: it is not rank-revealing and does not pivot. A semidefinite or indefinite matrix fails
/// with `.notPositiveDefinite(pivot: j)`, j being the 0-based row whose pivot a_jj − Σ l_jk² was ≤ 0 (or not
/// finite). For a semidefinite covariance, add a small multiple of the identity first, or use `SymmetricEigen`.
public struct Cholesky: Sendable {
    /// The lower-triangular factor L with positive diagonal (zeros above the diagonal).
    public let lower: Matrix

    /// Factorises `a`. Throws `.notSquare`, `.nonFinite` (NaN/∞ in the lower triangle) or `.notPositiveDefinite`.
    public init(of a: Matrix) throws(LinearAlgebraError) {
        try a.checkSquare()
        let n = a.rows
        for i in 0..<n {
            for j in 0...i where !a.elements[i * n + j].isFinite {
                throw .nonFinite("Cholesky input has \(a.elements[i * n + j]) at (\(i), \(j))")
            }
        }
        var l = [Double](repeating: 0, count: n * n)
        var failedPivot: Int? = nil
        a.elements.withUnsafeBufferPointer { a in
            l.withUnsafeMutableBufferPointer { l in
                let base = l.baseAddress!
                for j in 0..<n {
                    let rowJ = base + j * n
                    let pivot = a[j * n + j] - Vector.dot(rowJ, rowJ, j)
                    guard pivot > 0, pivot.isFinite else { failedPivot = j; return }
                    let ljj = pivot.squareRoot()
                    rowJ[j] = ljj
                    let inverse = 1 / ljj
                    for i in (j + 1)..<Swift.max(j + 1, n) {
                        let rowI = base + i * n
                        rowI[j] = (a[i * n + j] - Vector.dot(rowI, rowJ, j)) * inverse
                    }
                }
            }
        }
        if let failedPivot { throw .notPositiveDefinite(pivot: failedPivot) }
        lower = Matrix(rows: n, columns: n, elements: l)
    }

    /// The order n of A.
    public var dimension: Int { lower.rows }

    /// log det A = 2 Σ log l_ii (natural log).
    public var logDeterminant: Double {
        var s = 0.0
        for i in 0..<dimension { s += lower.elements[i * dimension + i].log() }
        return 2 * s
    }

    /// Solves A X = B for X (n × r) by a forward (L Y = B) and a backward (Lᵀ X = Y) substitution, both working on
    /// whole rows of B. `b.rows` must equal n (precondition).
    public func solve(_ b: Matrix) -> Matrix {
        let n = dimension
        precondition(b.rows == n, "Cholesky.solve: right-hand side has \(b.rows) rows, A is \(n)×\(n)")
        let r = b.columns
        var x = b.elements
        lower.elements.withUnsafeBufferPointer { l in
            x.withUnsafeMutableBufferPointer { x in
                let xb = x.baseAddress!
                // L Y = B
                for i in 0..<n {
                    let xi = xb + i * r
                    for k in 0..<i {
                        let lik = l[i * n + k]
                        if lik == 0 { continue }
                        let xk = xb + k * r
                        for c in 0..<r { xi[c] -= lik * xk[c] }
                    }
                    let inverse = 1 / l[i * n + i]
                    for c in 0..<r { xi[c] *= inverse }
                }
                // Lᵀ X = Y
                for i in stride(from: n - 1, through: 0, by: -1) {
                    let xi = xb + i * r
                    for k in (i + 1)..<Swift.max(i + 1, n) {
                        let lki = l[k * n + i]
                        if lki == 0 { continue }
                        let xk = xb + k * r
                        for c in 0..<r { xi[c] -= lki * xk[c] }
                    }
                    let inverse = 1 / l[i * n + i]
                    for c in 0..<r { xi[c] *= inverse }
                }
            }
        }
        return Matrix(rows: n, columns: r, elements: x)
    }

    /// Solves A x = b. `b.count` must equal n (precondition).
    public func solve(_ b: [Double]) -> [Double] {
        precondition(b.count == dimension, "Cholesky.solve: vector of length \(b.count), A is \(dimension)×\(dimension)")
        return solve(Matrix(rows: b.count, columns: 1, elements: b)).elements
    }

    /// L⁻¹ b by forward substitution. With b = x − μ, ‖L⁻¹ b‖² is the squared Mahalanobis distance (x−μ)ᵀA⁻¹(x−μ).
    public func solveLower(_ b: [Double]) -> [Double] {
        let n = dimension
        precondition(b.count == n, "Cholesky.solveLower: vector of length \(b.count), A is \(n)×\(n)")
        var y = b
        lower.elements.withUnsafeBufferPointer { l in
            for i in 0..<n {
                let s = y[i] - Vector.dot(l.baseAddress.map { $0 + i * n }, y, i)
                y[i] = s / l[i * n + i]
            }
        }
        return y
    }

    /// L⁻¹, lower triangular (zeros above the diagonal), row by row: row i of L⁻¹ is
    /// (eᵢᵀ − Σ_{k<i} l_ik · row k of L⁻¹) / l_ii. With it a whole block of right-hand sides is one matrix product:
    /// ‖L⁻¹(x − μ)‖² for every row of X is the row sums of squares of (X − 1μᵀ)(L⁻¹)ᵀ (see `RowBlocks`), the
    /// squared Mahalanobis distances — the same quantity as `solveLower`, rounded differently.
    public var lowerInverse: Matrix {
        let n = dimension
        var t = [Double](repeating: 0, count: n * n)
        lower.elements.withUnsafeBufferPointer { l in
            t.withUnsafeMutableBufferPointer { t in
                let tb = t.baseAddress!
                for i in 0..<n {
                    let ti = tb + i * n
                    for k in 0..<i {
                        let lik = l[i * n + k]
                        if lik == 0 { continue }
                        VectorKernels.axpy(-lik, tb + k * n, ti, k + 1)   // row k of L⁻¹ is zero past column k
                    }
                    ti[i] += 1
                    let inverse = 1 / l[i * n + i]
                    for j in 0...i { ti[j] *= inverse }
                }
            }
        }
        return Matrix(rows: n, columns: n, elements: t)
    }

    /// A⁻¹, by solving A X = I.
    public func inverse() -> Matrix { solve(Matrix.identity(dimension)) }

    /// L Lᵀ (equal to the symmetric A up to rounding).
    public func recompose() -> Matrix { lower.timesTranspose(lower) }
}
