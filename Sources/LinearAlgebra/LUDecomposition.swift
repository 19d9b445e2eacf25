/// LU factorisation with partial (row) pivoting, P A = L U (LAPACK's `dgetrf`; Golub & Van Loan, *Matrix
/// Computations*, 4th ed., Alg. 3.4.1).
///
/// At step k the row with the largest |a_ik| (i ≥ k; the first such row on a tie) is swapped into place, the
/// multipliers l_ik = a_ik / a_kk are stored below the diagonal, and the trailing rows are updated with whole-row
/// operations (row-major storage). L is unit lower triangular, U upper triangular; both share one matrix.
///
/// An exactly zero pivot column makes `init` throw `.singular`. A nearly singular matrix factorises; its
/// `determinant` is then tiny and solutions are inaccurate — check the condition yourself when it matters.
public struct LUDecomposition: Sendable {
    /// L (strictly below the diagonal, unit diagonal implied) and U (on and above the diagonal) in one matrix.
    public let factors: Matrix
    /// Row i of P A is row `permutation[i]` of A.
    public let permutation: [Int]
    /// +1 or −1: the sign of the permutation (det P).
    public let permutationSign: Double

    /// Factorises `a`. Throws `.notSquare`, `.nonFinite` or `.singular`.
    public init(of a: Matrix) throws(LinearAlgebraError) {
        try a.checkSquare()
        try a.checkFinite("LUDecomposition input")
        let n = a.rows
        var lu = a.elements
        var perm = Array(0..<n)
        var sign = 1.0
        var isSingular = false
        lu.withUnsafeMutableBufferPointer { buffer in
            let m = buffer.baseAddress!
            for k in 0..<n {
                var pivotRow = k
                var largest = Swift.abs(m[k * n + k])
                for i in (k + 1)..<Swift.max(k + 1, n) where Swift.abs(m[i * n + k]) > largest {
                    largest = Swift.abs(m[i * n + k]); pivotRow = i
                }
                if largest == 0 { isSingular = true; return }
                if pivotRow != k {
                    for j in 0..<n { let t = m[k * n + j]; m[k * n + j] = m[pivotRow * n + j]; m[pivotRow * n + j] = t }
                    perm.swapAt(k, pivotRow)
                    sign = -sign
                }
                let rowK = m + k * n
                let inverse = 1 / rowK[k]
                for i in (k + 1)..<Swift.max(k + 1, n) {
                    let rowI = m + i * n
                    let l = rowI[k] * inverse
                    rowI[k] = l
                    if l == 0 { continue }
                    for j in (k + 1)..<n { rowI[j] -= l * rowK[j] }
                }
            }
        }
        if isSingular { throw .singular }
        factors = Matrix(rows: n, columns: n, elements: lu)
        permutation = perm
        permutationSign = sign
    }

    /// The order n.
    public var dimension: Int { factors.rows }

    /// det A = det P · Π u_ii.
    public var determinant: Double {
        var d = permutationSign
        for i in 0..<dimension { d *= factors.elements[i * dimension + i] }
        return d
    }

    /// log |det A| = Σ log |u_ii| (natural log; finite even when det A itself would under- or overflow).
    public var logAbsDeterminant: Double {
        var s = 0.0
        for i in 0..<dimension { s += Swift.abs(factors.elements[i * dimension + i]).log() }
        return s
    }

    /// Solves A X = B (B is n × r): permute, then L Y = P B, then U X = Y, with whole-row updates.
    public func solve(_ b: Matrix) -> Matrix {
        let n = dimension
        precondition(b.rows == n, "LUDecomposition.solve: right-hand side has \(b.rows) rows, A is \(n)×\(n)")
        let r = b.columns
        var x = [Double](repeating: 0, count: n * r)
        for i in 0..<n {
            for c in 0..<r { x[i * r + c] = b.elements[permutation[i] * r + c] }
        }
        factors.elements.withUnsafeBufferPointer { f in
            x.withUnsafeMutableBufferPointer { x in
                let xb = x.baseAddress!
                for i in 0..<n {
                    let xi = xb + i * r
                    for k in 0..<i {
                        let l = f[i * n + k]
                        if l == 0 { continue }
                        let xk = xb + k * r
                        for c in 0..<r { xi[c] -= l * xk[c] }
                    }
                }
                for i in stride(from: n - 1, through: 0, by: -1) {
                    let xi = xb + i * r
                    for k in (i + 1)..<Swift.max(i + 1, n) {
                        let u = f[i * n + k]
                        if u == 0 { continue }
                        let xk = xb + k * r
                        for c in 0..<r { xi[c] -= u * xk[c] }
                    }
                    let inverse = 1 / f[i * n + i]
                    for c in 0..<r { xi[c] *= inverse }
                }
            }
        }
        return Matrix(rows: n, columns: r, elements: x)
    }

    /// Solves A x = b.
    public func solve(_ b: [Double]) -> [Double] {
        precondition(b.count == dimension, "LUDecomposition.solve: vector of length \(b.count), A is \(dimension)×\(dimension)")
        return solve(Matrix(rows: b.count, columns: 1, elements: b)).elements
    }

    /// A⁻¹, by solving A X = I.
    public func inverse() -> Matrix { solve(Matrix.identity(dimension)) }
}
