import LinearAlgebra

// Principal component analysis as a value that holds what it fitted.
//
// Reference: C. M. Bishop, Pattern Recognition and Machine Learning (2006), §12.1 — the maximum-variance derivation
// (§12.1.1) and the minimum-error derivation (§12.1.2), which give the same subspace.
//
// Given observations x₁ … x_N ∈ ℝᴰ (the rows of an (N, D) matrix X):
//
//   mean              μ = (1/N) Σₙ xₙ
//   covariance        S = (1/N) Σₙ (xₙ − μ)(xₙ − μ)ᵀ                 (1/N: the maximum-likelihood normalisation,
//                                                                     as in PRML (12.3); not 1/(N−1))
//   eigendecomposition S = U Λ Uᵀ,  λ₁ ≥ λ₂ ≥ … ≥ λ_D ≥ 0,  U orthonormal (columns uᵢ)
//   scores (q ≤ D)    z = U_qᵀ (x − μ) ∈ ℝ^q                         (U_q: the first q columns of U)
//   reconstruction    x̂ = μ + U_q z = μ + U_q U_qᵀ (x − μ)
//
// Maximum variance: the variance of the scores along a unit direction u is uᵀ S u, largest at u = u₁ (value λ₁).
// Minimum error: the mean squared reconstruction error J(q) = (1/N) Σₙ ‖xₙ − x̂ₙ‖² of the best q-dimensional
// subspace is PRML (12.18):
//
//   J(q) = Σ_{i>q} λᵢ                                                  (the discarded eigenvalues)
//
// and J(q) + Σ_{i≤q} λᵢ = tr S: what the projection keeps plus what it loses is the total variance.
// `reconstructionMSE(_:dimensions:)` computes J(q) from the data, row by row, not from the eigenvalues, so that the
// identity can be checked rather than assumed.

/// Why PCA could not be fitted.
public enum PCAError: Error, Equatable, Sendable {
    /// At least two observations are needed for a covariance; at least one variable.
    case tooFewObservations(rows: Int, columns: Int)
    /// A value of the data is NaN or ±∞ (the row and column are 0-based).
    case nonFinite(row: Int, column: Int)
    /// The eigendecomposition of the covariance failed.
    case linearAlgebra(LinearAlgebraError)
}

/// Principal component analysis of an (N, D) data matrix (PRML §12.1), fitted once and kept as a value.
///
/// Conventions, stated once and used throughout:
/// - the covariance is normalised by **1/N** (maximum likelihood), not 1/(N−1); `covariance(normalization:)` of
///   `Statistics` gives the other one when wanted — the eigenvectors are the same, the eigenvalues scale by N/(N−1);
/// - eigenvalues are sorted **descending**; values that come out below zero by rounding (|λ| of order D·ε·λ₁ — a
///   constant column gives an exact zero in exact arithmetic) are reported as 0, because S is positive semidefinite;
/// - each component (eigenvector) is stored as a **row** of `components`, with its **entry of largest magnitude
///   positive** (the first such entry on a tie); eigenvectors are only defined up to sign, and this makes the choice
///   reproducible.
public struct PCA: Sendable {
    /// N, the number of observations.
    public let count: Int
    /// D, the number of variables.
    public let dimension: Int
    /// μ, the column means (length D).
    public let mean: [Double]
    /// S = (1/N) Σ (xₙ − μ)(xₙ − μ)ᵀ, (D, D).
    public let covariance: Matrix
    /// λ₁ ≥ … ≥ λ_D ≥ 0, the eigenvalues of S.
    public let eigenvalues: [Double]
    /// (D, D): row i is uᵢᵀ, the i-th principal direction (unit length, entry of largest |·| positive).
    public let components: Matrix

    /// Fits PCA to the rows of `x` (N, D), N ≥ 2, D ≥ 1, all values finite.
    public init(fitting x: Matrix) throws(PCAError) {
        guard x.rows >= 2, x.columns >= 1 else { throw .tooFewObservations(rows: x.rows, columns: x.columns) }
        if !x.isFinite, let bad = x.elements.firstIndex(where: { !$0.isFinite }) {
            throw .nonFinite(row: bad / x.columns, column: bad % x.columns)
        }
        let mean = Statistics.columnMeans(x)
        let covariance = Statistics.covariance(x, mean: mean, normalization: .maximumLikelihood)
        let eigen: SymmetricEigen
        do { eigen = try SymmetricEigen(of: covariance) } catch { throw .linearAlgebra(error) }
        let d = x.columns
        var components = eigen.eigenvectors.transposed  // rows = eigenvectors
        for i in 0..<d {
            let row = components.row(i)
            var largest = 0
            for j in 1..<d where abs(row[j]) > abs(row[largest]) { largest = j }
            if row[largest] < 0 { for j in 0..<d { components[i, j] = -row[j] } }
        }
        self.count = x.rows
        self.dimension = d
        self.mean = mean
        self.covariance = covariance
        self.eigenvalues = eigen.eigenvalues.map { max($0, 0) }
        self.components = components
    }

    /// tr S = Σᵢ λᵢ, the total variance (1/N).
    public var totalVariance: Double { covariance.trace }

    /// λᵢ / Σⱼ λⱼ for each component: the share of the total variance along uᵢ. Sums to 1 (all zeros when the data
    /// are constant).
    public var explainedVarianceRatio: [Double] {
        let total = eigenvalues.reduce(0, +)
        guard total > 0 else { return eigenvalues.map { _ in 0 } }
        return eigenvalues.map { $0 / total }
    }

    /// The running sums of `explainedVarianceRatio`: entry q − 1 is the share kept by the first q components.
    public var cumulativeExplainedVariance: [Double] {
        var sum = 0.0
        return explainedVarianceRatio.map { sum += $0; return sum }
    }

    /// The smallest q whose first q components keep at least `fraction` of the total variance.
    public func componentsNeeded(toExplain fraction: Double) -> Int {
        let cumulative = cumulativeExplainedVariance
        return (cumulative.firstIndex { $0 >= fraction - 1e-12 } ?? (dimension - 1)) + 1
    }

    /// U_qᵀ as a (q, D) matrix: the first q components as rows.
    public func leadingComponents(_ q: Int) -> Matrix {
        precondition((0...dimension).contains(q), "PCA: q = \(q) outside 0...\(dimension)")
        return components.rows(0..<q)
    }

    /// The scores Z = (X − 1μᵀ) U_q, (N, q): row n is zₙ = U_qᵀ (xₙ − μ).
    public func transform(_ x: Matrix, dimensions q: Int) -> Matrix {
        precondition(x.columns == dimension, "PCA.transform: \(x.columns) columns for a PCA of dimension \(dimension)")
        return Statistics.centredProduct(x, mean: mean, leadingComponents(q).transposed)  // (N, D)(q, D)ᵀ = (N, q)
    }

    /// X̂ = 1μᵀ + Z U_qᵀ, (N, D), for scores Z (N, q).
    public func reconstruct(scores z: Matrix) -> Matrix {
        let q = z.columns
        var xHat = q == 0 ? Matrix.zeros(z.rows, dimension) : z * leadingComponents(q)  // (N, q)(q, D) = (N, D)
        for n in 0..<xHat.rows { for j in 0..<dimension { xHat[n, j] += mean[j] } }
        return xHat
    }

    /// x̂ₙ = μ + U_q U_qᵀ (xₙ − μ) for every row of `x`: the closest point of the q-dimensional principal subspace
    /// through μ.
    public func reconstruct(_ x: Matrix, dimensions q: Int) -> Matrix {
        reconstruct(scores: transform(x, dimensions: q))
    }

    /// J(q) = (1/N) Σₙ ‖xₙ − x̂ₙ‖², computed from the data and their reconstructions (not from the eigenvalues).
    public func reconstructionMSE(_ x: Matrix, dimensions q: Int) -> Double {
        let xHat = reconstruct(x, dimensions: q)
        var sum = 0.0
        for k in 0..<x.elements.count {
            let e = x.elements[k] - xHat.elements[k]
            sum += e * e
        }
        return sum / Double(x.rows)
    }

    /// J(q) for every q = 0 … D (entry q), computed from the data: the reconstruction is built up one component at a
    /// time, x̂⁽ᵠ⁾ = x̂⁽ᵠ⁻¹⁾ + u_q z_q with z_q = u_qᵀ(x − μ), and each J(q) is the mean of ‖x − x̂⁽ᵠ⁾‖² over the rows —
    /// the same numbers as `reconstructionMSE(_:dimensions:)` in O(N·D²) instead of O(N·D³) for all q. Each residual
    /// x − x̂⁽ᵠ⁾ is formed explicitly (orthonormality of the uᵢ is not assumed, so the identity J(q) = Σ_{i>q} λᵢ is a
    /// check, not a rewriting).
    ///
    /// The rows go through `RowBlocks` (fixed blocks of 256 rows on every core; the scores of a block are one product
    /// with Uᵀ): each block sums its rows' ‖x − x̂⁽ᵠ⁾‖² in row order and the block sums are added in block order, so
    /// the result does not depend on the number of cores.
    public func reconstructionMSEs(_ x: Matrix) -> [Double] {
        precondition(x.columns == dimension, "PCA.reconstructionMSEs: \(x.columns) columns for a PCA of dimension \(dimension)")
        let d = dimension, n = x.rows
        let u = components.elements                                      // row q is u_qᵀ
        let sums = RowBlocks.sum(x, mean: mean, times: components.transposed, width: d + 1) { block, sums in
            // block.product row r holds the scores z₁ … z_D of row r.
            // Two rows at a time share each load of u_q; each row's arithmetic is the one-row kernel's.
            let residuals = UnsafeMutablePointer<Double>.allocate(capacity: 2 * d)
            defer { residuals.deallocate() }
            let (r0, r1) = (residuals, residuals + d)
            u.withUnsafeBufferPointer { u in
                var r = 0
                while r < block.rows.count {
                    let pair = r + 1 < block.rows.count
                    r0.update(from: block.centredRow(r), count: d)                  // x − x̂⁽⁰⁾, with x̂⁽⁰⁾ = μ
                    sums[0] += block.centredSquaredNorm(r)
                    let z0 = block.productRow(r)
                    if pair {
                        r1.update(from: block.centredRow(r + 1), count: d)
                        let z1 = block.productRow(r + 1)
                        for q in 0..<d {
                            let (a, b) = subtractScaledAndSumSquares(r0, z0[q], r1, z1[q], u.baseAddress! + q * d, d)
                            sums[q + 1] += a
                            sums[q + 1] += b
                        }
                        sums[0] += block.centredSquaredNorm(r + 1)
                    } else {
                        for q in 0..<d {
                            sums[q + 1] += subtractScaledAndSumSquares(r0, z0[q], u.baseAddress! + q * d, d)
                        }
                    }
                    r += 2
                }
            }
        }
        return sums.map { $0 / Double(n) }
    }

    /// Σ_{i>q} λᵢ, the variance the first q components leave out; equal to J(q) on the fitted data (PRML 12.18).
    public func discardedVariance(dimensions q: Int) -> Double {
        precondition((0...dimension).contains(q), "PCA: q = \(q) outside 0...\(dimension)")
        return eigenvalues[q...].reduce(0, +)
    }
}

/// The one-row step for two rows (r, z) and (s, y) at once, sharing the loads of u: the same operations per row.
@inline(__always)
private func subtractScaledAndSumSquares(_ r: UnsafeMutablePointer<Double>, _ z: Double,
                                         _ s: UnsafeMutablePointer<Double>, _ y: Double,
                                         _ u: UnsafePointer<Double>, _ count: Int) -> (Double, Double) {
    typealias V = SIMD4<Double>
    let zv = V(repeating: z), yv = V(repeating: y)
    var r0 = V(), r1 = V(), s0 = V(), s1 = V()
    var k = 0
    let rr = UnsafeMutableRawPointer(r), sr = UnsafeMutableRawPointer(s), ur = UnsafeRawPointer(u)
    while k + 8 <= count {
        let u0 = ur.loadUnaligned(fromByteOffset: k * 8, as: V.self)
        let u1 = ur.loadUnaligned(fromByteOffset: k * 8 + 32, as: V.self)
        let a = rr.loadUnaligned(fromByteOffset: k * 8, as: V.self) - zv * u0
        let b = rr.loadUnaligned(fromByteOffset: k * 8 + 32, as: V.self) - zv * u1
        let c = sr.loadUnaligned(fromByteOffset: k * 8, as: V.self) - yv * u0
        let e = sr.loadUnaligned(fromByteOffset: k * 8 + 32, as: V.self) - yv * u1
        rr.storeBytes(of: a, toByteOffset: k * 8, as: V.self)
        rr.storeBytes(of: b, toByteOffset: k * 8 + 32, as: V.self)
        sr.storeBytes(of: c, toByteOffset: k * 8, as: V.self)
        sr.storeBytes(of: e, toByteOffset: k * 8 + 32, as: V.self)
        r0 += a * a
        r1 += b * b
        s0 += c * c
        s1 += e * e
        k += 8
    }
    var (first, second) = ((r0 + r1).sum(), (s0 + s1).sum())
    while k < count {
        r[k] -= z * u[k]
        first += r[k] * r[k]
        s[k] -= y * u[k]
        second += s[k] * s[k]
        k += 1
    }
    return (first, second)
}

/// r_k −= z u_k for k < count, and returns the new Σ r_k² (two SIMD4 accumulators over the even and odd groups of
/// four, added at the end): one step of the residual of `PCA.reconstructionMSEs`.
@inline(__always)
private func subtractScaledAndSumSquares(_ r: UnsafeMutablePointer<Double>, _ z: Double, _ u: UnsafePointer<Double>,
                                         _ count: Int) -> Double {
    typealias V = SIMD4<Double>
    let zv = V(repeating: z)
    var s0 = V(), s1 = V()
    var k = 0
    let rr = UnsafeMutableRawPointer(r), ur = UnsafeRawPointer(u)
    while k + 8 <= count {
        let a = rr.loadUnaligned(fromByteOffset: k * 8, as: V.self) - zv * ur.loadUnaligned(fromByteOffset: k * 8, as: V.self)
        let b = rr.loadUnaligned(fromByteOffset: k * 8 + 32, as: V.self) - zv * ur.loadUnaligned(fromByteOffset: k * 8 + 32, as: V.self)
        rr.storeBytes(of: a, toByteOffset: k * 8, as: V.self)
        rr.storeBytes(of: b, toByteOffset: k * 8 + 32, as: V.self)
        s0 += a * a
        s1 += b * b
        k += 8
    }
    var s = (s0 + s1).sum()
    while k < count {
        r[k] -= z * u[k]
        s += r[k] * r[k]
        k += 1
    }
    return s
}
