import LinearAlgebra
import Testing
import _TestSupport

@Suite("Matrix storage and elementwise operations")
struct MatrixTests {
    @Test func rowMajorStorageAndAccessors() {
        let m = Matrix([[1, 2, 3], [4, 5, 6]])
        #expect(m.rows == 2 && m.columns == 3)
        #expect(m.elements == [1, 2, 3, 4, 5, 6])
        #expect(m[1, 2] == 6 && m.elements[1 * 3 + 2] == 6)
        #expect(m.row(1) == [4, 5, 6])
        #expect(m.column(2) == [3, 6])
        #expect(m.rowArrays == [[1, 2, 3], [4, 5, 6]])
        #expect(m.transposed == Matrix([[1, 4], [2, 5], [3, 6]]))
        #expect(m.columns(1..<3) == Matrix([[2, 3], [5, 6]]))
        #expect(m.rows(1..<2) == Matrix([[4, 5, 6]]))
        #expect(m.trace == 6)
    }

    @Test func constructors() {
        #expect(Matrix.identity(3) == Matrix(diagonal: [1, 1, 1]))
        #expect(Matrix.zeros(2, 3) == Matrix(rows: 2, columns: 3, repeating: 0))
        #expect(Matrix([]).rows == 0)
        var m = Matrix.zeros(2, 2)
        m[0, 1] = 7
        #expect(m.elements == [0, 7, 0, 0])
    }

    @Test(arguments: [(1, 1), (3, 70), (33, 35), (100, 7)])
    func transposeIsAnInvolutionAndMovesEntries(rows: Int, columns: Int) {
        var g = generator(rows * 1000 + columns)
        let a = TestMatrices.gaussian(rows, columns, using: &g)
        let t = a.transposed
        #expect(t.transposed == a)
        for i in 0..<rows { for j in 0..<columns { #expect(t[j, i] == a[i, j]) } }
    }

    @Test func arithmeticAndNorms() {
        let a = Matrix([[1, -2], [3, 4]])
        let b = Matrix([[0.5, 1], [1, -1]])
        #expect(a + b == Matrix([[1.5, -1], [4, 3]]))
        #expect(a - b == Matrix([[0.5, -3], [2, 5]]))
        #expect(2 * a == Matrix([[2, -4], [6, 8]]))
        let expected: Double = 30.0.squareRoot()
        #expect(a.frobeniusNorm.isApproximatelyEqual(to: expected, relativeTolerance: 1e-15))
        #expect(a.isFinite)
        var c = a
        c[0, 0] = .nan
        #expect(!c.isFinite)
        // The vectorised check against the entrywise one, with one bad value at every position (the 8-wide body and
        // the scalar tail), extreme finite values, and empty matrices.
        for count in [0, 1, 7, 8, 9, 23] {
            let clean = Matrix(rows: 1, columns: count, elements: (0..<count).map { $0 % 2 == 0 ? Double.greatestFiniteMagnitude : -Double.leastNonzeroMagnitude })
            #expect(clean.isFinite)
            for position in 0..<count {
                for bad in [Double.nan, .infinity, -.infinity] {
                    var m = clean
                    m.elements[position] = bad
                    #expect(!m.isFinite, "\(bad) at \(position) of \(count)")
                }
            }
        }
        #expect(Matrix([[-3, 2], [1, -0.0]]).maxAbs == 3)
        // The scaled norm neither overflows nor underflows.
        #expect(Matrix([[1e200, 1e200]]).frobeniusNorm.isApproximatelyEqual(to: 1e200 * 2.0.squareRoot(), relativeTolerance: 1e-15))
        #expect(Matrix([[1e-200, 1e-200]]).frobeniusNorm.isApproximatelyEqual(to: 1e-200 * 2.0.squareRoot(), relativeTolerance: 1e-15))
    }

    @Test func mapAndDiagonalShift() {
        let a = Matrix([[1, -2], [3, 4]])
        #expect(a.map { $0 * $0 } == Matrix([[1, 4], [9, 16]]))
        #expect(a.addingToDiagonal(0.5) == Matrix([[1.5, -2], [3, 4.5]]))
        #expect(a.diagonal == [1, 4])
        #expect(a.maxAbs == 4)
    }

    @Test func vectorOperations() {
        #expect(Vector.dot([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]) == 35)
        #expect(Vector.norm([3, 4]) == 5)
        #expect(Vector.norm([]) == 0)
        #expect(Vector.norm([1, .nan]).isNaN)
        #expect(Vector.squaredDistance([1, 1], [4, 5]) == 25)
        #expect(Vector.outer([1, 2], [3, 4, 5]) == Matrix([[3, 4, 5], [6, 8, 10]]))
    }
}
