import LinearAlgebra
import Testing
import _TestSupport

@Suite("Cholesky")
struct CholeskyTests {
    /// ‖A − LLᵀ‖_F/‖A‖_F ≤ 10 n ε (the backward error of Cholesky is bounded by a small multiple of n ε ‖A‖).
    @Test(arguments: residualSizes)
    func residualOnRandomSPD(n: Int) throws {
        var g = generator(n)
        let a = TestMatrices.symmetricPositiveDefinite(n, using: &g)
        let c = try Cholesky(of: a)
        #expect(relativeResidual(a, c.recompose()) <= 10 * Double(n) * machineEpsilon)
        // L is lower triangular with a positive diagonal.
        for i in 0..<n {
            #expect(c.lower[i, i] > 0)
            for j in (i + 1)..<max(i + 1, n) { #expect(c.lower[i, j] == 0) }
        }
        // Solve, inverse and log-determinant against independent routes (LU, eigenvalues).
        let x = (0..<n).map { _ in g.nextStandardNormal() }
        let b = a.times(x)
        let solved = c.solve(b)
        #expect(Vector.norm(Vector.subtract(solved, x)) <= 1e-10 * max(1, Vector.norm(x)))
        #expect(relativeResidual(Matrix.identity(n), a * c.inverse()) <= 1e-12)
        let eigenvalues = try SymmetricEigen(of: a).eigenvalues
        let logDet = eigenvalues.reduce(0) { $0 + Foundation.log($1) }
        #expect(c.logDeterminant.isApproximatelyEqual(to: logDet, relativeTolerance: 1e-11, absoluteTolerance: 1e-11))
        // L⁻¹ b: ‖L⁻¹b‖² = bᵀA⁻¹b.
        let y = c.solveLower(b)
        #expect(Vector.dot(y, y).isApproximatelyEqual(to: Vector.dot(b, solved), relativeTolerance: 1e-10))
    }

    /// L⁻¹ against its definition and against forward substitution: ‖L·L⁻¹ − I‖_F ≤ 10 n ε ‖L‖_F ‖L⁻¹‖_F (the
    /// residual bound of a triangular inverse), exact zeros above the diagonal, and L⁻¹b equal to `solveLower(b)`
    /// within the forward-error bound of both, a small multiple of n ε κ(L) ‖L⁻¹‖ ‖b‖.
    @Test(arguments: residualSizes)
    func lowerInverse(n: Int) throws {
        var g = generator(3 * n + 1)
        let c = try Cholesky(of: TestMatrices.symmetricPositiveDefinite(n, using: &g))
        let t = c.lowerInverse
        let bound = 10 * Double(n) * machineEpsilon * c.lower.frobeniusNorm * t.frobeniusNorm
        #expect((c.lower * t - Matrix.identity(n)).frobeniusNorm <= bound)
        for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { #expect(t[i, j] == 0) } }
        let b = (0..<n).map { _ in g.nextStandardNormal() }
        let substituted = c.solveLower(b)
        #expect(Vector.norm(Vector.subtract(t.times(b), substituted)) <= bound * t.frobeniusNorm * Vector.norm(b))
        #expect(try Cholesky(of: Matrix(diagonal: [4, 0.25])).lowerInverse == Matrix(diagonal: [0.5, 2]))
    }

    @Test func oneByOneAndIdentity() throws {
        #expect(try Cholesky(of: Matrix([[4]])).lower == Matrix([[2]]))
        #expect(try Cholesky(of: Matrix.identity(5)).lower == Matrix.identity(5))
        #expect(try Cholesky(of: Matrix(diagonal: [4, 9])).logDeterminant.isApproximatelyEqual(to: Foundation.log(36.0)))
    }

    @Test func readsOnlyTheLowerTriangle() throws {
        let a = Matrix([[4, .nan], [2, 3]])
        let c = try Cholesky(of: a)
        #expect(c.lower.isApproximatelyEqual(to: Matrix([[2, 0], [1, 2.0.squareRoot()]]), relativeTolerance: 1e-15))
    }

    @Test(arguments: [
        (Matrix([[1, 2], [2, 1]]), 1),                       // indefinite: second pivot 1 − 4 < 0
        (Matrix(diagonal: [1, 2, -1, 4]), 2),                // negative diagonal entry
        (Matrix.zeros(3, 3), 0),                             // semidefinite
        (Matrix([[1, 1, 0], [1, 1, 0], [0, 0, 1]]), 1),      // singular: second pivot exactly 0
    ])
    func nonPositiveDefiniteReportsThePivot(a: Matrix, pivot: Int) {
        #expect(throws: LinearAlgebraError.notPositiveDefinite(pivot: pivot)) { try Cholesky(of: a) }
    }

    @Test func hilbertTen() throws {
        let h = TestMatrices.hilbert(10)
        let c = try Cholesky(of: h)
        #expect(relativeResidual(h, c.recompose()) <= 10 * 10 * machineEpsilon)
        // Backward stable solve: the residual is small even though κ(H₁₀) ≈ 1.6·10¹³.
        let b = [Double](repeating: 1, count: 10)
        let x = c.solve(b)
        #expect(Vector.norm(Vector.subtract(h.times(x), b)) / Vector.norm(b) <= 1e-6)
    }

    @Test func invalidInput() {
        #expect(throws: LinearAlgebraError.notSquare(rows: 2, columns: 3)) { try Cholesky(of: .zeros(2, 3)) }
        #expect(throws: LinearAlgebraError.self) { try Cholesky(of: Matrix([[1, 0], [.nan, 1]])) }
        #expect(throws: LinearAlgebraError.self) { try Cholesky(of: Matrix([[.infinity]])) }
        do {
            _ = try Cholesky(of: Matrix([[1, 0], [.nan, 1]]))
        } catch {
            guard case .nonFinite = error else { Issue.record("expected .nonFinite, got \(error)"); return }
        }
    }
}

import Foundation
