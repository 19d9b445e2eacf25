import LinearAlgebra
import Testing
import _TestSupport

@Suite("LUDecomposition")
struct LUDecompositionTests {
    /// ‖A x − b‖/(‖A‖‖x‖) ≤ 20 n ε for random A (partial pivoting is backward stable in practice).
    @Test(arguments: residualSizes)
    func solveResidual(n: Int) throws {
        var g = generator(n + 300)
        let a = TestMatrices.gaussian(n, n, using: &g)
        let b = (0..<n).map { _ in g.nextStandardNormal() }
        let lu = try LUDecomposition(of: a)
        let x = lu.solve(b)
        let residual = Vector.norm(Vector.subtract(a.times(x), b))
        #expect(residual <= 20 * Double(n) * machineEpsilon * a.frobeniusNorm * Vector.norm(x))
        // |det A| = Π σᵢ (independent route: the SVD).
        let logSigma = try SVD(of: a).singularValues.reduce(0) { $0 + Foundation.log($1) }
        #expect(lu.logAbsDeterminant.isApproximatelyEqual(to: logSigma, relativeTolerance: 1e-9, absoluteTolerance: 1e-9))
    }

    @Test func determinantOfKnownMatrices() throws {
        #expect(try LUDecomposition(of: Matrix([[0, 1], [1, 0]])).determinant == -1)
        // Pivoting puts 5 on the diagonal first, so the product is rounded: compare to 4 ε.
        #expect(try LUDecomposition(of: Matrix([[2, 0, 0], [5, 3, 0], [1, 1, 4]])).determinant.isApproximatelyEqual(to: 24, relativeTolerance: 4 * machineEpsilon))
        #expect(try LUDecomposition(of: .identity(4)).determinant == 1)
    }

    @Test func multipleRightHandSides() throws {
        var g = generator(4)
        let a = TestMatrices.gaussian(12, 12, using: &g)
        let x = TestMatrices.gaussian(12, 3, using: &g)
        let solved = try LUDecomposition(of: a).solve(a * x)
        #expect(solved.isApproximatelyEqual(to: x, relativeTolerance: 1e-10))
    }

    @Test func invalidInput() {
        #expect(throws: LinearAlgebraError.singular) { try LUDecomposition(of: Matrix([[1, 2], [2, 4]])) }
        #expect(throws: LinearAlgebraError.singular) { try LUDecomposition(of: .zeros(3, 3)) }
        #expect(throws: LinearAlgebraError.notSquare(rows: 1, columns: 2)) { try LUDecomposition(of: .zeros(1, 2)) }
        #expect(throws: LinearAlgebraError.self) { try LUDecomposition(of: Matrix([[.nan]])) }
    }
}

import Foundation
