import LinearAlgebra
import Testing
import _TestSupport

/// The blocked multiply against the textbook triple loop. Shapes cross every blocking boundary of the kernel:
/// the 4 × 4 register tile, the 64-row block (mc), the 256-deep inner block (kc) and the 1024-column block (nc).
@Suite("Matrix products")
struct MultiplicationTests {
    static let shapes: [(Int, Int, Int)] = [
        (1, 1, 1), (1, 7, 1), (2, 3, 4), (4, 8, 8), (5, 9, 3), (31, 33, 35), (64, 64, 64), (65, 257, 9),
        (70, 300, 130), (3, 1030, 600), (130, 5, 1100),
    ]

    /// Σ_p a_ip b_pj in the plain order, the reference.
    static func naive(_ a: Matrix, _ b: Matrix) -> Matrix {
        var c = Matrix.zeros(a.rows, b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var s = 0.0
                for p in 0..<a.columns { s += a[i, p] * b[p, j] }
                c[i, j] = s
            }
        }
        return c
    }

    /// Entrywise bound for the error of a dot product of length k: |fl(aᵀb) − aᵀb| ≤ k ε |a|ᵀ|b| (Higham, Accuracy and
    /// Stability of Numerical Algorithms, §3.1); both results are within it of the exact one, so their difference
    /// is within 2 k ε (|A||B|)_ij.
    static func expectClose(_ c: Matrix, _ reference: Matrix, _ a: Matrix, _ b: Matrix) {
        let absoluteProduct = naive(Matrix(rows: a.rows, columns: a.columns, elements: a.elements.map(abs)),
                                    Matrix(rows: b.rows, columns: b.columns, elements: b.elements.map(abs)))
        let k = Double(a.columns)
        var worst = 0.0
        for q in 0..<c.elements.count {
            let bound = 2 * k * machineEpsilon * absoluteProduct.elements[q]
            worst = max(worst, abs(c.elements[q] - reference.elements[q]) / max(bound, .leastNormalMagnitude))
        }
        #expect(worst <= 1, "error is \(worst) times the 2kε|A||B| bound")
    }

    @Test(arguments: shapes)
    func productMatchesTripleLoop(m: Int, k: Int, n: Int) {
        var g = generator(m * 7 + k * 11 + n)
        let a = TestMatrices.gaussian(m, k, using: &g)
        let b = TestMatrices.gaussian(k, n, using: &g)
        let reference = Self.naive(a, b)
        let c = a * b
        #expect(c.rows == m && c.columns == n)
        Self.expectClose(c, reference, a, b)
        // Aᵀ B and A Bᵀ without forming the transposes.
        Self.expectClose(a.transposed.transposeTimes(b), reference, a, b)
        Self.expectClose(a.timesTranspose(b.transposed), reference, a, b)
    }

    /// The sums the product computes, in its order: above 32³ multiply–adds each entry is a sum over blocks of
    /// kc = 256 inner indices, each block summed from zero in p order by the micro-kernel and added to C (which starts
    /// at zero); below, the plain sum in p order. No fused multiply–add on the default target.
    static func inKernelOrder(_ a: Matrix, _ b: Matrix) -> Matrix {
        let k = a.columns
        guard a.rows * b.columns * k > 32 * 32 * 32 else { return naive(a, b) }
        var c = Matrix.zeros(a.rows, b.columns)
        for i in 0..<a.rows {
            for j in 0..<b.columns {
                var total = 0.0
                for start in stride(from: 0, to: k, by: 256) {
                    var s = 0.0
                    for p in start..<min(k, start + 256) { s += a[i, p] * b[p, j] }
                    total += s
                }
                c[i, j] = total
            }
        }
        return c
    }

    /// The kernel's results bit for bit (what the lessons' quoted numbers rest on, so a faster kernel must keep them):
    /// A B, AᵀB, A Bᵀ and their row-parallel forms against the sums in the kernel's order, on shapes that cross every
    /// blocking boundary and the edge tiles (100 × 300 × 1100: two blocks of columns and two of inner indices split
    /// over the cores), and on the nonlinear lesson's quadrature shapes (200 × 64 × 400).
    @Test(arguments: shapes + [(200, 64, 400), (400, 200, 64), (400, 64, 2), (2, 400, 64), (100, 300, 1100)])
    func productIsTheKernelOrderSum(m: Int, k: Int, n: Int) {
        var g = generator(m * 13 + k * 5 + n)
        let a = TestMatrices.gaussian(m, k, using: &g)
        let b = TestMatrices.gaussian(k, n, using: &g)
        let expected = Self.inKernelOrder(a, b).elements
        /// How many entries differ from the kernel-order sums in at least one bit.
        func differing(_ c: Matrix) -> Int { zip(c.elements, expected).filter { $0.bitPattern != $1.bitPattern }.count }
        let at = a.transposed, bt = b.transposed
        #expect(differing(a * b) == 0)
        #expect(differing(at.transposeTimes(b)) == 0)
        #expect(differing(a.timesTranspose(bt)) == 0)
        #expect(differing(Matrix.rowParallelProduct(a, b)) == 0)
        #expect(differing(at.rowParallelTransposeTimes(b)) == 0)
        #expect(differing(a.rowParallelTimesTranspose(bt)) == 0)
    }

    @Test func matrixVectorProducts() {
        var g = generator(3)
        let a = TestMatrices.gaussian(37, 19, using: &g)
        let x = (0..<19).map { _ in g.nextStandardNormal() }
        let y = (0..<37).map { _ in g.nextStandardNormal() }
        let ax = Self.naive(a, Matrix(rows: 19, columns: 1, elements: x)).elements
        let aty = Self.naive(a.transposed, Matrix(rows: 37, columns: 1, elements: y)).elements
        for (u, v) in zip(a.times(x), ax) { #expect(u.isApproximatelyEqual(to: v, relativeTolerance: 1e-12, absoluteTolerance: 1e-13)) }
        for (u, v) in zip(a.transposeTimes(y), aty) { #expect(u.isApproximatelyEqual(to: v, relativeTolerance: 1e-12, absoluteTolerance: 1e-13)) }
        // Into a reused buffer: the same bits as the allocating product, whatever the buffer held before.
        var buffer = [Double](repeating: .nan, count: 37)
        a.times(x, into: &buffer)
        #expect(buffer.map(\.bitPattern) == a.times(x).map(\.bitPattern))
    }

    @Test func emptyAndIdentityProducts() {
        #expect(Matrix.zeros(3, 0) * Matrix.zeros(0, 4) == Matrix.zeros(3, 4))
        var g = generator(5)
        let a = TestMatrices.gaussian(40, 40, using: &g)
        #expect(a * Matrix.identity(40) == a)
        #expect(Matrix.identity(40) * a == a)
    }
}
