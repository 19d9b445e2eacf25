/// The eigendecomposition A = V Λ Vᵀ of a real symmetric matrix (LAPACK's `dsyev`).
///
/// Only the **lower triangle** of A (a_ij, i ≥ j) is read.
///
/// ## Method (Golub & Van Loan, *Matrix Computations*, 4th ed., §8.3)
/// 1. Householder tridiagonalisation Qᵀ A Q = T (§8.3.1): for i = n−1 … 1, a reflector H = I − u uᵀ/h annihilates
///    row i left of the subdiagonal; the update A ← H A H is done as the symmetric rank-2 update
///    A ← A − u pᵀ − p uᵀ with p = (A u − K u)/h, K = uᵀA u/(2h). Then Q = H_{n−1} ⋯ H_1 is accumulated (for
///    n ≥ 96 in blocks of 32 reflectors in compact WY form, through the multiply kernel).
/// 2. Implicit QL with Wilkinson shifts on T (§8.3.5): each sweep chases a bulge with Givens rotations from
///    the bottom of an unreduced block up to its top, the shift being the eigenvalue of the leading 2×2 block nearer
///    to its (0,0) entry; an off-diagonal e_i is taken as zero when |e_i| ≤ ε‖T‖, ‖T‖ = max_k(|d_k| + |e_k| + |e_{k−1}|)
///    (16 ε‖T‖ in the perfect-shift pass, see `implicitQL`). Every rotation is
///    applied to the accumulated Q, so V = Q · (product of rotations). For n ≥ 128 the eigenvalues are computed
///    first and used as "perfect" shifts in the pass that applies the rotations (see `diagonaliseTridiagonal`).
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
                if i > j + 1 { g += VectorKernels.dotAndAxpy(row + j + 1, d + j + 1, e + j + 1, f, i - j - 1) }
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
                VectorKernels.rank2(row + j, e + j, d + j, f, g, i - j)
                d[j] = row[i - 1]
                row[i] = 0
            }
        }
        d[i] = h
        i -= 1
    }
    if n >= 96 {
        accumulateReflectorsBlocked(n: n, w: w, d: d, e: e)
    } else {
        accumulateReflectors(n: n, w: w, d: d, e: e)
    }
}

/// The same product as `accumulateReflectors`, V = H_{n−1} ⋯ H_1, but `blockSize` reflectors at a time in compact
/// WY form (Schreiber & Van Loan 1989; LAPACK's `dorgtr`): for the block P = H_{i₀+b−1} ⋯ H_{i₀} = I − Y T Yᵀ,
/// W ← W Pᵀ = W − (W Y) Tᵀ Yᵀ on the leading L × L corner (L = i₀ + b − 1, the support of the block), two
/// products through the blocked multiply kernel. Same flops (4n³/3), at matrix-multiply speed.
@inline(never)
private func accumulateReflectorsBlocked(n: Int, w: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>,
                                         e: UnsafeMutablePointer<Double>) {
    // The reduction left T's diagonal on W's diagonal, reflector i (1 ≤ i < n) in row i (entries 0 ..< i), h_i in d[i].
    let diagonal = (0..<n).map { w[$0 * n + $0] }
    var reflectors = [Double](repeating: 0, count: n * n)
    for i in 1..<n { for k in 0..<i { reflectors[i * n + k] = w[i * n + k] } }
    let h = (0..<n).map { d[$0] }
    for q in 0..<(n * n) { w[q] = 0 }
    for i in 0..<n { w[i * n + i] = 1 }
    let blockSize = 32
    var i0 = 1
    while i0 < n {
        let b = Swift.min(blockSize, n - i0)
        let support = i0 + b - 1
        // Yᵀ (b × support): row c is u of reflector i0 + b − 1 − c (the product's c-th factor).
        var yt = [Double](repeating: 0, count: b * support)
        var tau = [Double](repeating: 0, count: b)
        for c in 0..<b {
            let i = i0 + b - 1 - c
            tau[c] = h[i] != 0 ? 1 / h[i] : 0
            for k in 0..<i { yt[c * support + k] = reflectors[i * n + k] }
        }
        var t = [Double](repeating: 0, count: b * b)
        var x = [Double](repeating: 0, count: support * b)
        var z = [Double](repeating: 0, count: support * b)
        yt.withUnsafeBufferPointer { ytb in
            let y = ytb.baseAddress!
            // T: T_cc = τ_c, T(0..<c, c) = −τ_c T(0..<c, 0..<c) (Yᵀ y_c)(0..<c).
            var gram = [Double](repeating: 0, count: b)
            for c in 0..<b {
                let length = i0 + b - 1 - c          // support of y_c
                for p in 0..<c { gram[p] = VectorKernels.dot(y + p * support, y + c * support, length) }
                t[c * b + c] = tau[c]
                for r in 0..<c {
                    var sum = 0.0
                    for q in r..<c { sum += t[r * b + q] * gram[q] }
                    t[r * b + c] = -tau[c] * sum
                }
            }
            // X = W(0..<L, 0..<L) Y.
            x.withUnsafeMutableBufferPointer { xb in
                accumulateProduct(m: support, n: b, k: support,
                                  a: StridedOperand(base: UnsafePointer(w), rowStride: n, columnStride: 1),
                                  b: StridedOperand(base: y, rowStride: 1, columnStride: support),
                                  c: xb.baseAddress!, ldc: b)
            }
            // Z = −X Tᵀ.
            for r in 0..<support {
                for c in 0..<b {
                    var sum = 0.0
                    for q in c..<b { sum += x[r * b + q] * t[c * b + q] }
                    z[r * b + c] = -sum
                }
            }
            // W(0..<L, 0..<L) += Z Yᵀ.
            z.withUnsafeBufferPointer { zb in
                accumulateProduct(m: support, n: support, k: b,
                                  a: StridedOperand(base: zb.baseAddress!, rowStride: b, columnStride: 1),
                                  b: StridedOperand(base: y, rowStride: support, columnStride: 1),
                                  c: w, ldc: n)
            }
        }
        i0 += b
    }
    for j in 0..<n { d[j] = diagonal[j] }
    e[0] = 0
}

/// Forms Q = H_{n−1} ⋯ H_1 in W (row j of W = column j of Q) from the reflectors stored by `tridiagonalise`
/// (u_i in row i+1 of W, h_i in d[i+1]), and moves the diagonal of T into `d`.
@inline(never)
private func accumulateReflectors(n: Int, w: UnsafeMutablePointer<Double>, d: UnsafeMutablePointer<Double>,
                                  e: UnsafeMutablePointer<Double>) {
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
                let g = VectorKernels.dot(u, row, i + 1)
                VectorKernels.axpy(-g, d, row, i + 1)
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
///
/// Two passes when n ≥ 128 ("perfect shifts", Parlett, *The Symmetric Eigenvalue Problem*, §8.14): the first pass
/// computes the eigenvalues alone (O(n²), no rotation is applied to W); the second repeats the QL iteration with
/// the rotations applied, but starts each eigenvalue with the already-known eigenvalue nearest to the Wilkinson
/// shift, so that it deflates after one sweep instead of about two. That halves the O(n³) rotation work, which
/// dominates. Any shift keeps QL backward stable; if a perfect shift does not deflate, the iteration simply goes on
/// with Wilkinson shifts. (Measured: about 1.5 instead of 2 sweeps per eigenvalue; below n = 128 the extra pass
/// costs more than it saves.)
func diagonaliseTridiagonal(n: Int, w: inout [Double], d: inout [Double], e: inout [Double]) throws(LinearAlgebraError) {
    if n == 0 { return }
    for i in 1..<n { e[i - 1] = e[i] }
    e[n - 1] = 0
    var shifts: [Double]? = nil
    if n >= 128 {
        var values = d, off = e
        let ok = values.withUnsafeMutableBufferPointer { dv in
            off.withUnsafeMutableBufferPointer { ev in
                implicitQL(n: n, d: dv.baseAddress!, e: ev.baseAddress!, w: nil, vectorLength: 0, shifts: nil)
            }
        }
        if ok { shifts = values.sorted() }
    }
    let vectorLength = w.count / n
    let ok = w.withUnsafeMutableBufferPointer { wb in
        d.withUnsafeMutableBufferPointer { dv in
            e.withUnsafeMutableBufferPointer { ev in
                implicitQL(n: n, d: dv.baseAddress!, e: ev.baseAddress!, w: wb.baseAddress!, vectorLength: vectorLength,
                           shifts: shifts)
            }
        }
    }
    if !ok { throw .noConvergence(iterations: 30 * n) }
}

/// The QL iteration proper (the form of Numerical Recipes' `tqli`, §11.3, with the normwise deflation test of
/// EISPACK's `tql2`): e[i] couples d[i] and d[i+1], e[n−1] = 0. Returns false after 30 n iterations without
/// convergence. With `w`, rotation (i, i+1) is applied to rows i and i+1 of W (each `vectorLength` long).
private func implicitQL(n: Int, d: UnsafeMutablePointer<Double>, e: UnsafeMutablePointer<Double>,
                        w: UnsafeMutablePointer<Double>?, vectorLength: Int, shifts: [Double]?) -> Bool {
    let eps = Double.ulpOfOne
    // Deflation threshold ε‖T‖ with ‖T‖ ≥ max_i (|d_i| + |e_i|) taken over the whole matrix from the start (tql2
    // grows it as l advances, which is stricter than backward stability needs for the first eigenvalues).
    var tst1 = 0.0
    for i in 0..<n { tst1 = Swift.max(tst1, Swift.abs(d[i]) + Swift.abs(e[i]) + (i > 0 ? Swift.abs(e[i - 1]) : 0)) }
    // With perfect shifts the shift itself is only known to a few ε‖T‖, so after its sweep |e_l| typically lands at
    // 1–12 ε‖T‖ (measured, n = 512) instead of below ε‖T‖; accepting 16 ε‖T‖ in that pass saves the second sweep
    // for ~40 % of the eigenvalues. Zeroing such an e_l is a perturbation of at most 16 ε‖T‖ (Weyl: eigenvalues move
    // by no more), so the decomposition stays normwise backward stable.
    let threshold = (shifts == nil ? 1 : 16) * eps * tst1
    var totalIterations = 0
    let maximumIterations = 30 * n
    var used = [Bool](repeating: false, count: shifts?.count ?? 0)

    /// Index of the unused known eigenvalue nearest to x.
    func nearestUnused(_ x: Double, _ values: [Double]) -> Int? {
        var lo = 0, hi = values.count
        while lo < hi { let mid = (lo + hi) / 2; if values[mid] < x { lo = mid + 1 } else { hi = mid } }
        var left = lo - 1, right = lo
        while left >= 0 || right < values.count {
            while left >= 0 && used[left] { left -= 1 }
            while right < values.count && used[right] { right += 1 }
            let l = left >= 0 ? left : nil, r = right < values.count ? right : nil
            switch (l, r) {
            case let (l?, r?): return (x - values[l] <= values[r] - x) ? l : r
            case let (l?, nil): return l
            case let (nil, r?): return r
            default: return nil
            }
        }
        return nil
    }

    for l in 0..<n {
        var iteration = 0
        while true {
            var m = l
            while m < n - 1 && Swift.abs(e[m]) > threshold { m += 1 }
            if m == l { break }
            iteration += 1
            totalIterations += 1
            if totalIterations > maximumIterations { return false }
            // Wilkinson shift: the eigenvalue of the leading 2×2 block nearer to d[l].
            var g = (d[l + 1] - d[l]) / (2 * e[l])
            var r = hypotenuse(g, 1)
            var shift = d[l] - e[l] / (g + (g >= 0 ? r : -r))
            if iteration == 1, let shifts, let k = nearestUnused(shift, shifts) { shift = shifts[k] }
            g = d[m] - shift
            var s = 1.0, c = 1.0, p = 0.0
            var i = m - 1
            var underflow = false
            while i >= l {
                let f = s * e[i]
                let b = c * e[i]
                r = fastHypotenuse(f, g)
                e[i + 1] = r
                if r == 0 {
                    d[i + 1] -= p
                    e[m] = 0
                    underflow = true
                    break
                }
                let inverse = 1 / r
                s = f * inverse
                c = g * inverse
                g = d[i + 1] - p
                r = (d[i] - g) * s + 2 * c * b
                p = s * r
                d[i + 1] = g + p
                g = c * r - b
                if let w {
                    // Rows i, i+1 of W: (x, y) ← (c x − s y, s x + c y) with x = row i, y = row i+1.
                    VectorKernels.rotate(w + i * vectorLength, w + (i + 1) * vectorLength, vectorLength, c: c, s: s)
                }
                i -= 1
            }
            if underflow { continue }
            d[l] -= p
            e[l] = g
            e[m] = 0
        }
        if shifts != nil, let k = nearestUnused(d[l], shifts!) { used[k] = true }
    }
    return true
}

/// √(a² + b²): the plain formula when both squares are safely inside the exponent range (one square root, no
/// division — this sits on the latency-bound scalar path of every rotation), the scaled one otherwise.
@inline(__always)
func fastHypotenuse(_ a: Double, _ b: Double) -> Double {
    let big = Swift.max(Swift.abs(a), Swift.abs(b))
    if big < 0x1p500 && big > 0x1p-500 { return (a * a + b * b).squareRoot() }
    return hypotenuse(a, b)
}

/// Sorts eigenpairs descending (stable) and fixes signs; `vectorRows` holds eigenvector k in row k.
func sortedEigenpairs(n: Int, values: [Double], vectorRows w: [Double]) -> ([Double], Matrix) {
    let order = (0..<n).sorted { values[$0] > values[$1] || (values[$0] == values[$1] && $0 < $1) }
    // Sign of each eigenvector: its largest-magnitude entry (the first on a tie) becomes positive.
    let signs: [Double] = order.map { source in
        let base = source * n
        var largest = 0.0, at = 0
        for k in 0..<n where Swift.abs(w[base + k]) > largest { largest = Swift.abs(w[base + k]); at = k }
        return w[base + at] < 0 ? -1 : 1
    }
    // V(k, c) = sign_c · W(order_c, k): a permuted transpose, done in 32 × 32 tiles to stay in cache.
    var v = [Double](repeating: 0, count: n * n)
    let tile = 32
    w.withUnsafeBufferPointer { w in
        v.withUnsafeMutableBufferPointer { v in
            for c0 in stride(from: 0, to: n, by: tile) {
                for k0 in stride(from: 0, to: n, by: tile) {
                    for c in c0..<Swift.min(c0 + tile, n) {
                        let base = order[c] * n
                        let sign = signs[c]
                        for k in k0..<Swift.min(k0 + tile, n) { v[k * n + c] = sign * w[base + k] }
                    }
                }
            }
        }
    }
    return (order.map { values[$0] }, Matrix(rows: n, columns: n, elements: v))
}
