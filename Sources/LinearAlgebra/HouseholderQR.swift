/// Blocked Householder QR of a tall matrix, A = Q R (m ≥ n), used by `SVD` to reduce a tall matrix to its n × n
/// triangular factor before the Jacobi iteration (LAPACK's `dgeqrf` + `dormqr`).
///
/// ## Method (Golub & Van Loan, *Matrix Computations*, 4th ed., §5.1–5.2; Schreiber & Van Loan 1989)
/// Column j gets a reflector H_j = I − τ_j v_j v_jᵀ (v_j(j) = 1, zeros above) with H_j x = β e_j, β = −sign(x_j)‖x‖
/// (`dlarfg`). Reflectors are made in panels of `panelWidth` columns, on a transposed copy of the panel so that each
/// reflector and its application to the panel's other columns are contiguous dot products and axpys;
/// the panel's product is written in compact WY form H_1 ⋯ H_b = I − V T Vᵀ (T upper triangular, `dlarft`:
/// T_ii = τ_i, T(0..<i, i) = −τ_i T(0..<i, 0..<i) V(:, 0..<i)ᵀ v_i), and the rest of the matrix is updated with two
/// products through the blocked multiply kernel: A₂ ← A₂ − V Tᵀ (Vᵀ A₂). Q is never formed; `applyQ` multiplies
/// by it block by block in reverse, again through the multiply kernel.
struct HouseholderQR {
    /// One panel: its first row/column `start`, Vᵀ (b × (m − start), row-major; V is unit lower trapezoidal) and
    /// T (b × b, upper triangular).
    struct Block {
        let start: Int
        let width: Int
        let v: [Double]
        let t: [Double]
    }

    let rows: Int
    let columns: Int
    /// The n × n upper-triangular factor R (row-major).
    let r: Matrix
    let blocks: [Block]

    static let panelWidth = 16

    init(of a: Matrix) {
        let m = a.rows, n = a.columns
        precondition(m >= n, "HouseholderQR needs rows ≥ columns")
        rows = m; columns = n
        var work = a.elements
        var blocks: [Block] = []
        work.withUnsafeMutableBufferPointer { wb in
            let w = wb.baseAddress!
            var tau = [Double](repeating: 0, count: HouseholderQR.panelWidth)
            for k in stride(from: 0, to: n, by: HouseholderQR.panelWidth) {
                let b = Swift.min(HouseholderQR.panelWidth, n - k)
                let height = m - k
                // The panel, transposed: row c of `vt` is column k + c of A from row k down, so that every
                // reflector and its application to the other panel columns run along contiguous rows.
                var vt = [Double](repeating: 0, count: b * height)
                for i in 0..<height {
                    let source = w + (k + i) * n + k
                    for c in 0..<b { vt[c * height + i] = source[c] }
                }
                vt.withUnsafeMutableBufferPointer { pb in
                    let panel = pb.baseAddress!
                    for j in 0..<b {
                        let column = panel + j * height
                        let tail = column + j + 1
                        let length = height - j - 1
                        // dlarfg: nothing below the diagonal ⇒ H_j = I (τ = 0).
                        var scale = 0.0
                        for i in 0..<length { scale = Swift.max(scale, Swift.abs(tail[i])) }
                        var t = 0.0
                        if scale > 0 {
                            let x0 = column[j]
                            scale = Swift.max(scale, Swift.abs(x0))
                            let inverse = 1 / scale
                            var sum = 0.0
                            for i in j..<height { let y = column[i] * inverse; sum += y * y }
                            let norm = scale * sum.squareRoot()
                            let beta = x0 >= 0 ? -norm : norm
                            t = (beta - x0) / beta
                            let factor = 1 / (x0 - beta)
                            for i in 0..<length { tail[i] *= factor }
                            column[j] = beta
                        }
                        tau[j] = t
                        // Apply H_j to the later panel columns: a ← a − τ v (vᵀ a), v = (1, tail).
                        if t != 0 {
                            for c in (j + 1)..<Swift.max(j + 1, b) {
                                let other = panel + c * height
                                let product = t * (other[j] + VectorKernels.dot(tail, other + j + 1, length))
                                other[j] -= product
                                VectorKernels.axpy(-product, tail, other + j + 1, length)
                            }
                        }
                    }
                    // R's rows k ..< k+b in this panel's columns, then turn the panel into Vᵀ (unit diagonal).
                    for c in 0..<b {
                        let column = panel + c * height
                        for i in 0...c { w[(k + i) * n + k + c] = column[i] }
                        for i in 0..<c { column[i] = 0 }
                        column[c] = 1
                    }
                }
                // G = VᵀV (b × b, symmetric), then T column by column.
                var gram = [Double](repeating: 0, count: b * b)
                vt.withUnsafeBufferPointer { pb in
                    let panel = pb.baseAddress!
                    for p in 0..<b {
                        for q in p..<b {
                            let g = VectorKernels.dot(panel + p * height + q, panel + q * height + q, height - q)
                            gram[p * b + q] = g; gram[q * b + p] = g
                        }
                    }
                }
                var tm = [Double](repeating: 0, count: b * b)
                for i in 0..<b {
                    tm[i * b + i] = tau[i]
                    for r in 0..<i {
                        var s = 0.0
                        for q in r..<i { s += tm[r * b + q] * gram[q * b + i] }
                        tm[r * b + i] = -tau[i] * s
                    }
                }
                let v = vt
                // Trailing update A₂ ← A₂ − V Tᵀ (Vᵀ A₂).
                let n2 = n - k - b
                if n2 > 0 {
                    HouseholderQR.applyBlockTransposed(v: v, t: tm, height: height, width: b,
                                                       target: w + k * n + k + b, columns: n2, ldc: n)
                }
                blocks.append(Block(start: k, width: b, v: v, t: tm))
            }
        }
        var rElements = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in i..<n { rElements[i * n + j] = work[i * n + j] } }
        r = Matrix(rows: n, columns: n, elements: rElements)
        self.blocks = blocks
    }

    /// C ← (I − V T Vᵀ)ᵀ C = C − V Tᵀ (Vᵀ C) for C = `height` × `columns` at `target` (leading dimension ldc).
    static func applyBlockTransposed(v: [Double], t: [Double], height: Int, width b: Int,
                                     target: UnsafeMutablePointer<Double>, columns: Int, ldc: Int) {
        applyBlock(v: v, t: t, transposeT: true, height: height, width: b, target: target, columns: columns, ldc: ldc)
    }

    /// C ← C − V op(T) (Vᵀ C), op(T) = Tᵀ or T.
    static func applyBlock(v: [Double], t: [Double], transposeT: Bool, height: Int, width b: Int,
                           target: UnsafeMutablePointer<Double>, columns: Int, ldc: Int) {
        var product = [Double](repeating: 0, count: b * columns)       // Vᵀ C
        var scaled = [Double](repeating: 0, count: b * columns)        // −op(T) Vᵀ C
        v.withUnsafeBufferPointer { vb in
            product.withUnsafeMutableBufferPointer { pb in
                accumulateProduct(m: b, n: columns, k: height,
                                  a: StridedOperand(base: vb.baseAddress!, rowStride: height, columnStride: 1),
                                  b: StridedOperand(base: UnsafePointer(target), rowStride: ldc, columnStride: 1),
                                  c: pb.baseAddress!, ldc: columns)
            }
            for i in 0..<b {
                for q in 0..<b {
                    let tiq = transposeT ? t[q * b + i] : t[i * b + q]
                    if tiq == 0 { continue }
                    for c in 0..<columns { scaled[i * columns + c] -= tiq * product[q * columns + c] }
                }
            }
            scaled.withUnsafeBufferPointer { sb in
                accumulateProduct(m: height, n: columns, k: b,
                                  a: StridedOperand(base: vb.baseAddress!, rowStride: 1, columnStride: height),
                                  b: StridedOperand(base: sb.baseAddress!, rowStride: columns, columnStride: 1),
                                  c: target, ldc: ldc)
            }
        }
    }

    /// Q [X; 0] for X (n × c): the m × c product, applying the blocks in reverse order.
    func applyQ(toTop x: Matrix) -> Matrix {
        precondition(x.rows == columns)
        let m = rows, c = x.columns
        var result = [Double](repeating: 0, count: m * c)
        for i in 0..<x.rows { for j in 0..<c { result[i * c + j] = x.elements[i * c + j] } }
        result.withUnsafeMutableBufferPointer { rb in
            for block in blocks.reversed() {
                HouseholderQR.applyBlock(v: block.v, t: block.t, transposeT: false, height: m - block.start,
                                         width: block.width, target: rb.baseAddress! + block.start * c,
                                         columns: c, ldc: c)
            }
        }
        return Matrix(rows: m, columns: c, elements: result)
    }
}
