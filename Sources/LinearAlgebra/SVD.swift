/// The thin singular value decomposition A = U Σ Vᵀ of an m × n matrix (LAPACK's `dgesvd` with `jobu = 'S'`).
///
/// With k = min(m, n): U is m × k with orthonormal columns, Σ = diag(σ₁ ≥ … ≥ σ_k ≥ 0), V is n × k with
/// orthonormal columns.
///
/// ## Method
/// For a tall matrix (m ≥ 2n) a blocked Householder QR, A = Q R, comes first (`HouseholderQR`; the R-SVD of
/// Golub & Van Loan, *Matrix Computations*, 4th ed., §8.6.3, as in LAPACK's `dgesvd` for m ≫ n); the rest works on
/// the n × n R and U = Q U_R at the end (both products through the blocked multiply kernel).
///
/// The small problem is solved by one-sided Jacobi (Hestenes 1958; Demmel & Veselić, "Jacobi's method is more
/// accurate than QR", SIAM J. Matrix Anal. Appl. 13, 1992; Golub & Van Loan §8.6.3), started from the
/// eigenvectors of the Gram matrix (see `preconditionedJacobiSVD`) so that it converges in a few sweeps. Pairs of columns
/// (g_p, g_q) of G = A are rotated until every pair is orthogonal to working precision,
/// |g_pᵀ g_q| ≤ ε ‖g_p‖ ‖g_q‖; the rotations accumulate into V, and then σ_j = ‖g_j‖, u_j = g_j / σ_j. Small
/// singular values come out with high *relative* accuracy and U is orthonormal to working precision even for
/// rank-deficient A (a column that is exactly zero gets a unit vector orthogonal to the others). The columns of G
/// are kept as contiguous rows of Gᵀ so the rotations stream through memory. For m < n the decomposition of Aᵀ is
/// computed and U and V are swapped.
///
/// ## Sign convention
/// Each pair (u_j, v_j) is flipped together so that the entry of v_j of largest magnitude is positive (the first
/// such entry on a tie).
public struct SVD: Sendable {
    /// m × k, orthonormal columns.
    public let u: Matrix
    /// σ₁ ≥ σ₂ ≥ … ≥ σ_k ≥ 0.
    public let singularValues: [Double]
    /// n × k, orthonormal columns.
    public let v: Matrix

    /// Decomposes `a`. Throws `.nonFinite` for NaN/∞ entries and `.noConvergence` if the sweeps do not converge.
    public init(of a: Matrix) throws(LinearAlgebraError) {
        try a.checkFinite("SVD input")
        // Scale by a power of two (exact) so that max |a_ij| ∈ [1, 2): squared column norms in the Jacobi
        // iteration then neither overflow nor underflow for any finite input.
        let largest = a.maxAbs
        let factor = largest > 0 ? Double(sign: .plus, exponent: -largest.exponent, significand: 1) : 1
        let scaled = factor == 1 ? a : factor * a
        let unscale = { (values: [Double]) in values.map { $0 / factor } }
        if a.rows >= a.columns {
            let (u, s, v) = try jacobiSVD(scaled)
            self.u = u; singularValues = unscale(s); self.v = v
        } else {
            let (u, s, v) = try jacobiSVD(scaled.transposed)
            // Aᵀ = U' Σ V'ᵀ ⇒ A = V' Σ U'ᵀ. Re-apply the sign convention on the new V.
            let (uu, vv) = fixSigns(u: v, v: u)
            self.u = uu; singularValues = unscale(s); self.v = vv
        }
    }

    /// U Σ Vᵀ (equal to A up to rounding).
    public func recompose() -> Matrix {
        var us = u.elements
        let k = singularValues.count
        for i in 0..<u.rows { for j in 0..<k { us[i * k + j] *= singularValues[j] } }
        return Matrix(rows: u.rows, columns: k, elements: us).timesTranspose(v)
    }
}

/// Thin SVD of a tall (m ≥ n) matrix: QR first when m ≥ 2n (then the Jacobi iteration runs on the n × n R and
/// U = Q U_R), otherwise preconditioned one-sided Jacobi on A itself.
func jacobiSVD(_ a: Matrix) throws(LinearAlgebraError) -> (Matrix, [Double], Matrix) {
    let m = a.rows, n = a.columns
    if n == 0 { return (Matrix.zeros(m, 0), [], Matrix.zeros(0, 0)) }
    if m >= 2 * n && n >= 2 {
        let qr = HouseholderQR(of: a)
        let (ur, s, v) = try preconditionedJacobiSVD(qr.r)
        return (qr.applyQ(toTop: ur), s, v)
    }
    return try preconditionedJacobiSVD(a)
}

/// One-sided Jacobi on G = A V₀, where V₀ holds the eigenvectors of AᵀA. V₀ already nearly diagonalises AᵀA, so
/// the columns of G start almost orthogonal and the sweeps converge in two or three rounds instead of seven or
/// more; the final accuracy is that of the Jacobi sweeps (the Gram matrix only chooses the starting basis, its
/// squared condition number never enters the result). If AᵀA is not finite (entries near the overflow threshold)
/// the iteration starts from V₀ = I.
func preconditionedJacobiSVD(_ a: Matrix) throws(LinearAlgebraError) -> (Matrix, [Double], Matrix) {
    let m = a.rows, n = a.columns
    let gram = a.transposeTimes(a)
    var start = Matrix.identity(n)
    if n > 1 && gram.isFinite, let eigen = try? SymmetricEigen(of: gram) { start = eigen.eigenvectors }
    let rotated = a * start
    var g = rotated.transposed.elements   // row j = column j of A V₀ (length m)
    var vt = start.transposed.elements    // row j = column j of V
    let maximumSweeps = 60
    var converged = false
    let eps = Double.ulpOfOne
    g.withUnsafeMutableBufferPointer { gb in
        vt.withUnsafeMutableBufferPointer { vb in
            let g = gb.baseAddress!, v = vb.baseAddress!
            var norms = (0..<n).map { j in Vector.dot(g + j * m, g + j * m, m) }
            for _ in 0..<maximumSweeps {
                var rotated = false
                for p in 0..<(n - 1) {
                    for q in (p + 1)..<n {
                        let gp = g + p * m, gq = g + q * m
                        let alpha = norms[p], beta = norms[q]
                        if alpha == 0 || beta == 0 { continue }
                        let gamma = Vector.dot(gp, gq, m)
                        if Swift.abs(gamma) <= eps * (alpha * beta).squareRoot() { continue }
                        rotated = true
                        let zeta = (beta - alpha) / (2 * gamma)
                        let t = (zeta >= 0 ? 1.0 : -1.0) / (Swift.abs(zeta) + (1 + zeta * zeta).squareRoot())
                        let c = 1 / (1 + t * t).squareRoot()
                        let s = c * t
                        rotatePair(gp, gq, count: m, c: c, s: s)
                        rotatePair(v + p * n, v + q * n, count: n, c: c, s: s)
                        norms[p] = Vector.dot(gp, gp, m)
                        norms[q] = Vector.dot(gq, gq, m)
                    }
                }
                if !rotated { converged = true; break }
            }
        }
    }
    if !converged { throw .noConvergence(iterations: maximumSweeps) }
    return assemble(m: m, n: n, columnsOfG: g, columnsOfV: vt)
}

/// (x, y) ← (c x − s y, s x + c y).
@inline(__always)
func rotatePair(_ x: UnsafeMutablePointer<Double>, _ y: UnsafeMutablePointer<Double>, count: Int, c: Double, s: Double) {
    for k in 0..<count {
        let xk = x[k], yk = y[k]
        x[k] = c * xk - s * yk
        y[k] = s * xk + c * yk
    }
}

/// From orthogonalised columns g_j (rows of `columnsOfG`, length m) and V (rows of `columnsOfV`, length n): sort by
/// σ_j = ‖g_j‖ descending, normalise, complete zero columns, fix signs.
func assemble(m: Int, n: Int, columnsOfG g: [Double], columnsOfV vt: [Double]) -> (Matrix, [Double], Matrix) {
    let sigma = (0..<n).map { j in Vector.norm(Array(g[(j * m)..<((j + 1) * m)])) }
    let order = (0..<n).sorted { sigma[$0] > sigma[$1] || (sigma[$0] == sigma[$1] && $0 < $1) }
    var uColumns: [[Double]] = []
    var vColumns: [[Double]] = []
    for j in order {
        let s = sigma[j]
        var u = Array(g[(j * m)..<((j + 1) * m)])
        if s > 0 && s.isFinite {
            let inverse = 1 / s
            for i in 0..<m { u[i] *= inverse }
        } else {
            u = orthogonalComplementVector(to: uColumns, length: m)
        }
        uColumns.append(u)
        vColumns.append(Array(vt[(j * n)..<((j + 1) * n)]))
    }
    var uElements = [Double](repeating: 0, count: m * n)
    var vElements = [Double](repeating: 0, count: n * n)
    for c in 0..<n {
        for i in 0..<m { uElements[i * n + c] = uColumns[c][i] }
        for i in 0..<n { vElements[i * n + c] = vColumns[c][i] }
    }
    let (u, v) = fixSigns(u: Matrix(rows: m, columns: n, elements: uElements), v: Matrix(rows: n, columns: n, elements: vElements))
    return (u, order.map { sigma[$0] }, v)
}

/// A unit vector orthogonal to the given orthonormal vectors: the standard basis vector with the largest residual
/// after two rounds of Gram–Schmidt.
func orthogonalComplementVector(to basis: [[Double]], length m: Int) -> [Double] {
    var best: [Double] = []
    var bestNorm = -1.0
    for i in 0..<m {
        var x = [Double](repeating: 0, count: m)
        x[i] = 1
        for _ in 0..<2 {
            for b in basis {
                let projection = Vector.dot(x, b)
                for r in 0..<m { x[r] -= projection * b[r] }
            }
        }
        let norm = Vector.norm(x)
        if norm > bestNorm { bestNorm = norm; best = x }
        if norm > 0.5 { break }
    }
    return best.map { $0 / bestNorm }
}

/// Flips (u_j, v_j) together so that the largest-magnitude entry of v_j is positive (first on a tie).
func fixSigns(u: Matrix, v: Matrix) -> (Matrix, Matrix) {
    var ue = u.elements, ve = v.elements
    let k = v.columns
    for j in 0..<k {
        var largest = 0.0, at = 0
        for i in 0..<v.rows where Swift.abs(ve[i * k + j]) > largest { largest = Swift.abs(ve[i * k + j]); at = i }
        if v.rows > 0 && ve[at * k + j] < 0 {
            for i in 0..<v.rows { ve[i * k + j] = -ve[i * k + j] }
            for i in 0..<u.rows { ue[i * k + j] = -ue[i * k + j] }
        }
    }
    return (Matrix(rows: u.rows, columns: k, elements: ue), Matrix(rows: v.rows, columns: k, elements: ve))
}
