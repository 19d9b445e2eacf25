/// The eigendecomposition A = V Λ Vᵀ of a real symmetric matrix (LAPACK's `dsyev`).
///
/// Only the **lower triangle** of A (a_ij, i ≥ j) is read.
///
/// ## Method (Golub & Van Loan, *Matrix Computations*, 4th ed., §8.3)
/// 1. Householder tridiagonalisation Qᵀ A Q = T (§8.3.1): for i = n−1 … 1, a reflector H = I − u uᵀ/h annihilates
///    row i left of the subdiagonal; the update A ← H A H is done as the symmetric rank-2 update
///    A ← A − u pᵀ − p uᵀ with p = (A u − K u)/h, K = uᵀA u/(2h). Then Q = H_{n−1} ⋯ H_1 is accumulated.
/// 2. Implicit QL with Wilkinson-type shifts on T (§8.3.5): each sweep chases a bulge with Givens rotations from
///    the bottom of an unreduced block up to its top, the shift being the eigenvalue of the leading 2×2 block nearer
///    to its (0,0) entry; an off-diagonal e_i is taken as zero when |e_i| ≤ ε·max_k(|d_k| + |e_k|). Every rotation is
///    applied to the accumulated Q, so V = Q · (product of rotations).
/// Numerical Recipes' `tred2`/`tqli` (§11.2–11.3) and the EISPACK routines they follow were read as a reference for
/// the order of operations; this implementation is our own.
///
/// ## Memory layout
/// The working matrix W holds the *transpose* of the textbook arrays: W = Aᵀ at the start and W = Vᵀ at the end,
/// so that every inner loop (the product A u, the rank-2 update, the accumulation of Q and every Givens rotation)
/// runs along a contiguous row of the row-major buffer.
///
/// ## Conventions
/// Eigenvalues are sorted **descending**. The eigenvectors are the columns of `eigenvectors` (orthonormal), each with
/// the sign that makes its entry of largest magnitude positive (the first such entry on a tie). Equal eigenvalues
/// keep the order QL produced them in (a stable sort), so the result is deterministic.
public struct SymmetricEigen: Sendable {
    /// λ₁ ≥ λ₂ ≥ … ≥ λₙ.
    public let eigenvalues: [Double]
    /// V: column k is the unit eigenvector of `eigenvalues[k]`.
    public let eigenvectors: Matrix

    /// Decomposes `a`. Throws `.notSquare`, `.nonFinite` (NaN/∞ in the lower triangle) or `.noConvergence`.
    public init(of a: Matrix) throws(LinearAlgebraError) {
        try a.checkSquare()
        let n = a.rows
        for i in 0..<n {
            for j in 0...i where !a.elements[i * n + j].isFinite {
                throw .nonFinite("SymmetricEigen input has \(a.elements[i * n + j]) at (\(i), \(j))")
            }
        }
        if n == 0 {
            eigenvalues = []; eigenvectors = Matrix(rows: 0, columns: 0, elements: []); return
        }
        // W[j][k] = a_{max(j,k), min(j,k)}: the lower triangle, transposed and mirrored.
        var w = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0...i {
                let v = a.elements[i * n + j]
                w[j * n + i] = v
                w[i * n + j] = v
            }
        }
        var d = [Double](repeating: 0, count: n)
        var e = [Double](repeating: 0, count: n)
        w.withUnsafeMutableBufferPointer { w in
            d.withUnsafeMutableBufferPointer { d in
                e.withUnsafeMutableBufferPointer { e in
                    tridiagonalise(n: n, w: w.baseAddress!, d: d.baseAddress!, e: e.baseAddress!)
                }
            }
        }
        try diagonaliseTridiagonal(n: n, w: &w, d: &d, e: &e)
        (eigenvalues, eigenvectors) = sortedEigenpairs(n: n, values: d, vectorRows: w)
    }

    /// V Λ Vᵀ (equal to the symmetric A up to rounding).
    public func recompose() -> Matrix {
        let n = eigenvalues.count
        var scaled = eigenvectors.elements
        for i in 0..<n { for k in 0..<n { scaled[i * n + k] *= eigenvalues[k] } }
        return Matrix(rows: n, columns: n, elements: scaled).timesTranspose(eigenvectors)
    }
}

/// Householder reduction to tridiagonal form, with Q accumulated.
/// On entry W[j][k] = a_kj (k ≥ j); on exit `d` holds the diagonal of T, `e[i]` the subdiagonal T[i][i−1]
/// (e[0] = 0), and row j of W holds column j of Q (W = Qᵀ).
private func tridiagonalise(n: Int, w: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>,
                            e: UnsafeMutablePointer<Double>) {
    // Textbook V[r][c] is w[c * n + r] throughout.
    for j in 0..<n { d[j] = w[j * n + n - 1] }
    var i = n - 1
    while i > 0 {
        var scale = 0.0, h = 0.0
        for k in 0..<i { scale += Swift.abs(d[k]) }
        if scale == 0 {
            e[i] = d[i - 1]
            for j in 0..<i {
                d[j] = w[j * n + i - 1]
                w[j * n + i] = 0
                w[i * n + j] = 0
            }
        } else {
            let inverseScale = 1 / scale
            for k in 0..<i { d[k] *= inverseScale; h += d[k] * d[k] }
            var f = d[i - 1]
            var g = h.squareRoot()
            if f > 0 { g = -g }
            e[i] = scale * g
            h -= f * g
            d[i - 1] = f - g
            for j in 0..<i { e[j] = 0 }
            // p = A u (using the lower triangle, stored in rows of W), accumulated in e.
            for j in 0..<i {
                let row = w + j * n
                f = d[j]
                w[i * n + j] = f             // store u in column i of V (row i of W)
                g = e[j] + row[j] * f
                var k = j + 1
                while k < i {
                    g += row[k] * d[k]
                    e[k] += row[k] * f
                    k += 1
                }
                e[j] = g
            }
            f = 0
            let inverseH = 1 / h
            for j in 0..<i { e[j] *= inverseH; f += e[j] * d[j] }
            let hh = f / (h + h)
            for j in 0..<i { e[j] -= hh * d[j] }
            // Rank-2 update A ← A − u qᵀ − q uᵀ on the lower triangle.
            for j in 0..<i {
                let row = w + j * n
                f = d[j]; g = e[j]
                var k = j
                while k < i {
                    row[k] -= f * e[k] + g * d[k]
                    k += 1
                }
                d[j] = row[i - 1]
                row[i] = 0
            }
        }
        d[i] = h
        i -= 1
    }
    // Accumulate Q.
    for i in 0..<(n - 1) {
        let rowI = w + i * n
        w[i * n + n - 1] = rowI[i]
        rowI[i] = 1
        let h = d[i + 1]
        let u = w + (i + 1) * n             // u_k = V[k][i+1], k ≤ i
        if h != 0 {
            let inverseH = 1 / h
            for k in 0...i { d[k] = u[k] * inverseH }
            for j in 0...i {
                let row = w + j * n
                let g = Vector.dot(UnsafePointer(u), UnsafePointer(row), i + 1)
                for k in 0...i { row[k] -= g * d[k] }
            }
        }
        for k in 0...i { u[k] = 0 }
    }
    for j in 0..<n { d[j] = w[j * n + n - 1]; w[j * n + n - 1] = 0 }
    w[(n - 1) * n + n - 1] = 1
    e[0] = 0
}

/// Implicit QL with shifts on the tridiagonal (d, e), applying every rotation to the rows of W.
/// `e[i]` is T[i][i−1] on entry; on exit `d` holds the eigenvalues and row k of W the eigenvector of d[k].
func diagonaliseTridiagonal(n: Int, w: inout [Double], d: inout [Double], e: inout [Double]) throws(LinearAlgebraError) {
    let maximumIterations = 30 * Swift.max(n, 1)
    var failed = false
    w.withUnsafeMutableBufferPointer { wb in
        d.withUnsafeMutableBufferPointer { d in
            e.withUnsafeMutableBufferPointer { e in
                let w = wb.baseAddress!
                let vectorLength = wb.count / Swift.max(n, 1)
                for i in 1..<Swift.max(n, 1) { e[i - 1] = e[i] }
                e[n - 1] = 0
                var f = 0.0, tst1 = 0.0
                let eps = Double.ulpOfOne
                var totalIterations = 0
                for l in 0..<n {
                    tst1 = Swift.max(tst1, Swift.abs(d[l]) + Swift.abs(e[l]))
                    var m = l
                    while m < n - 1 && Swift.abs(e[m]) > eps * tst1 { m += 1 }
                    if m > l {
                        repeat {
                            totalIterations += 1
                            if totalIterations > maximumIterations { failed = true; return }
                            var g = d[l]
                            var p = (d[l + 1] - g) / (2 * e[l])
                            var r = hypotenuse(p, 1)
                            if p < 0 { r = -r }
                            d[l] = e[l] / (p + r)
                            d[l + 1] = e[l] * (p + r)
                            let dl1 = d[l + 1]
                            var h = g - d[l]
                            for i in (l + 2)..<Swift.max(l + 2, n) { d[i] -= h }
                            f += h
                            p = d[m]
                            var c = 1.0, c2 = 1.0, c3 = 1.0
                            let el1 = e[l + 1]
                            var s = 0.0, s2 = 0.0
                            var i = m - 1
                            while i >= l {
                                c3 = c2; c2 = c; s2 = s
                                g = c * e[i]
                                h = c * p
                                r = hypotenuse(p, e[i])
                                e[i + 1] = s * r
                                s = e[i] / r
                                c = p / r
                                p = c * d[i] - s * g
                                d[i + 1] = h + s * (c * g + s * d[i])
                                rotateRows(w + i * vectorLength, w + (i + 1) * vectorLength, count: vectorLength, c: c, s: s)
                                i -= 1
                            }
                            p = -s * s2 * c3 * el1 * e[l] / dl1
                            e[l] = s * p
                            d[l] = c * p
                        } while Swift.abs(e[l]) > eps * tst1
                    }
                    d[l] += f
                    e[l] = 0
                }
            }
        }
    }
    if failed { throw .noConvergence(iterations: maximumIterations) }
}

/// (x, y) ← (c x − s y, s x + c y) for two rows x = row i, y = row i+1.
@inline(__always)
private func rotateRows(_ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, count: Int, c: Double, s: Double) {
    for k in 0..<count {
        let h = y[k]
        let xk = x[k]
        y[k] = s * xk + c * h
        x[k] = c * xk - s * h
    }
}

/// Sorts eigenpairs descending (stable) and fixes signs; `vectorRows` holds eigenvector k in row k.
func sortedEigenpairs(n: Int, values: [Double], vectorRows w: [Double]) -> ([Double], Matrix) {
    let order = (0..<n).sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
    var v = [Double](repeating: 0, count: n * n)
    for (column, source) in order.enumerated() {
        let base = source * n
        var largest = 0.0, at = 0
        for k in 0..<n where Swift.abs(w[base + k]) > largest { largest = Swift.abs(w[base + k]); at = k }
        let sign: Double = w[base + at] < 0 ? -1 : 1
        for k in 0..<n { v[k * n + column] = sign * w[base + k] }
    }
    return (order.map { values[$0] }, Matrix(rows: n, columns: n, elements: v))
}
