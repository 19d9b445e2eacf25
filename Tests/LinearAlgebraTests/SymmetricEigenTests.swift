import Foundation
import LinearAlgebra
import Testing
import _TestSupport

@Suite("SymmetricEigen")
struct SymmetricEigenTests {
    /// Checks the properties every result must have: ‖A − VΛVᵀ‖/‖A‖ ≤ 20 n ε, ‖VᵀV − I‖ ≤ 20 n ε, eigenvalues
    /// descending, and the sign convention (largest-magnitude entry positive, first on a tie).
    static func checkDecomposition(_ a: Matrix, _ e: SymmetricEigen, sourceLocation: SourceLocation = #_sourceLocation) {
        let n = a.rows
        let tolerance = 20 * Double(max(n, 1)) * machineEpsilon
        #expect(relativeResidual(a, e.recompose()) <= tolerance, sourceLocation: sourceLocation)
        #expect(orthonormalityError(e.eigenvectors) <= tolerance, sourceLocation: sourceLocation)
        #expect(zip(e.eigenvalues, e.eigenvalues.dropFirst()).allSatisfy { $0 >= $1 }, sourceLocation: sourceLocation)
        for k in 0..<n {
            let column = e.eigenvectors.column(k)
            let largest = column.map(abs).max()!
            let first = column.firstIndex { abs($0) == largest }!
            #expect(column[first] > 0, "eigenvector \(k) has the wrong sign", sourceLocation: sourceLocation)
        }
    }

    @Test(arguments: residualSizes)
    func residualsOnRandomSymmetric(n: Int) throws {
        var g = generator(n + 500)
        let a = TestMatrices.symmetric(n, using: &g)
        let e = try SymmetricEigen(of: a)
        Self.checkDecomposition(a, e)
        // Trace = Σλ (an independent invariant).
        #expect(abs(a.trace - e.eigenvalues.reduce(0, +)) <= 20 * Double(n) * machineEpsilon * a.frobeniusNorm)
    }

    @Test func readsOnlyTheLowerTriangle() throws {
        var g = generator(42)
        let a = TestMatrices.symmetric(6, using: &g)
        var garbage = a
        for i in 0..<6 { for j in (i + 1)..<6 { garbage[i, j] = 1e300 } }
        #expect(try SymmetricEigen(of: garbage).eigenvalues == SymmetricEigen(of: a).eigenvalues)
    }

    @Test func oneByOne() throws {
        let e = try SymmetricEigen(of: Matrix([[-3]]))
        #expect(e.eigenvalues == [-3])
        #expect(e.eigenvectors == Matrix([[1]]))
    }

    @Test func identityHasAllEigenvaluesEqual() throws {
        let e = try SymmetricEigen(of: .identity(7))
        #expect(e.eigenvalues == [Double](repeating: 1, count: 7))
        Self.checkDecomposition(.identity(7), e)
        #expect(e.eigenvectors == .identity(7))
    }

    @Test func diagonalGivesSortedDiagonalAndUnitVectors() throws {
        let d = [0.5, -2, 7, 3, 3.5]
        let e = try SymmetricEigen(of: Matrix(diagonal: d))
        #expect(e.eigenvalues == [7, 3.5, 3, 0.5, -2])
        for (k, value) in e.eigenvalues.enumerated() {
            let i = d.firstIndex(of: value)!
            #expect(e.eigenvectors[i, k] == 1)
        }
    }

    @Test func zeroMatrix() throws {
        let e = try SymmetricEigen(of: .zeros(4, 4))
        #expect(e.eigenvalues == [0, 0, 0, 0])
        #expect(orthonormalityError(e.eigenvectors) == 0)
    }

    @Test func zeroRowAndColumn() throws {
        var g = generator(9)
        var a = TestMatrices.symmetric(8, using: &g)
        for j in 0..<8 { a[3, j] = 0; a[j, 3] = 0 }
        let e = try SymmetricEigen(of: a)
        Self.checkDecomposition(a, e)
        // e₃ is an eigenvector with eigenvalue 0.
        let k = e.eigenvalues.indices.min { abs(e.eigenvalues[$0]) < abs(e.eigenvalues[$1]) }!
        #expect(abs(e.eigenvalues[k]) <= 20 * 8 * machineEpsilon * a.frobeniusNorm)
        #expect(abs(e.eigenvectors[3, k]).isApproximatelyEqual(to: 1, relativeTolerance: 1e-13))
    }

    @Test func rankDeficient() throws {
        var g = generator(10)
        let b = TestMatrices.gaussian(30, 4, using: &g)
        let a = b.timesTranspose(b)          // 30 × 30 of rank 4
        let e = try SymmetricEigen(of: a)
        Self.checkDecomposition(a, e)
        for value in e.eigenvalues[4...] { #expect(abs(value) <= 20 * 30 * machineEpsilon * e.eigenvalues[0]) }
        #expect(e.eigenvalues[3] > 1e-3 * e.eigenvalues[0])
    }

    @Test func hilbertTen() throws {
        let h = TestMatrices.hilbert(10)
        let e = try SymmetricEigen(of: h)
        Self.checkDecomposition(h, e)
        // SPD: eigenvalues equal the singular values (an independent algorithm, one-sided Jacobi).
        let s = try SVD(of: h).singularValues
        for (lambda, sigma) in zip(e.eigenvalues, s) {
            #expect(abs(lambda - sigma) <= 20 * 10 * machineEpsilon * s[0])
        }
        #expect(e.eigenvalues.last! > 0)
    }

    @Test func clusteredEigenvalues() throws {
        // Q diag(1, 1, 1, 1+1e-12, 2) Qᵀ with Q from a QR-like orthogonalisation: near-equal eigenvalues must still
        // give an orthonormal basis.
        var g = generator(11)
        let q = try SymmetricEigen(of: TestMatrices.symmetric(5, using: &g)).eigenvectors
        let lambda = Matrix(diagonal: [1, 1, 1, 1 + 1e-12, 2])
        let a = (q * lambda).timesTranspose(q)
        let e = try SymmetricEigen(of: a)
        Self.checkDecomposition(a, e)
    }

    @Test func invalidInput() {
        #expect(throws: LinearAlgebraError.notSquare(rows: 3, columns: 2)) { try SymmetricEigen(of: .zeros(3, 2)) }
        var a = Matrix.identity(3)
        a[2, 1] = .nan
        #expect(throws: LinearAlgebraError.self) { try SymmetricEigen(of: a) }
        do { _ = try SymmetricEigen(of: a) } catch {
            guard case .nonFinite = error else { Issue.record("expected .nonFinite, got \(error)"); return }
        }
    }
}

/// Sizes ≥ 128 take the two-pass ("perfect shift") route; these cases stress it where it is most fragile.
@Suite("SymmetricEigen, perfect-shift path")
struct SymmetricEigenPerfectShiftTests {
    /// Q diag(λ) Qᵀ with three tight clusters (1, 1 + 1e-13 k; 2, …; −3, …) and a repeated eigenvalue.
    @Test func clusteredSpectrum() throws {
        var g = generator(130)
        let n = 150
        let q = try SymmetricEigen(of: TestMatrices.symmetric(n, using: &g)).eigenvectors
        let centres = [1.0, 2.0, -3.0]
        let lambda: [Double] = (0..<n).map { (k: Int) -> Double in
            let offset: Double = k % 2 == 0 ? 0 : 1e-13 * Double(k)
            return centres[k % 3] + offset
        }
        let a = (q * Matrix(diagonal: lambda)).timesTranspose(q)
        let symmetricA = 0.5 * (a + a.transposed)
        let e = try SymmetricEigen(of: symmetricA)
        SymmetricEigenTests.checkDecomposition(symmetricA, e)
        let expected = lambda.sorted(by: >)
        for (ours, reference) in zip(e.eigenvalues, expected) { #expect(abs(ours - reference) <= 20 * Double(n) * machineEpsilon * 3) }
    }

    /// A graded matrix (entries scaled by 10^(−i/10) on both sides) — eigenvalues spread over 30 orders of magnitude.
    @Test func gradedMatrix() throws {
        var g = generator(131)
        let n = 140
        var a = TestMatrices.symmetric(n, using: &g)
        for i in 0..<n {
            for j in 0..<n {
                let scale: Double = Foundation.pow(10.0, -Double(i + j) / 20.0)
                a[i, j] *= scale
            }
        }
        SymmetricEigenTests.checkDecomposition(a, try SymmetricEigen(of: a))
    }

    /// The tridiagonal −1, 2, −1 matrix has the closed-form eigenvalues 2 − 2 cos(kπ/(n + 1)), k = 1 … n.
    @Test func secondDifferenceMatrixClosedForm() throws {
        let n = 160
        var a = Matrix.zeros(n, n)
        for i in 0..<n { a[i, i] = 2; if i > 0 { a[i, i - 1] = -1; a[i - 1, i] = -1 } }
        let e = try SymmetricEigen(of: a)
        SymmetricEigenTests.checkDecomposition(a, e)
        let exact: [Double] = (1...n).map { (k: Int) -> Double in
            let angle: Double = Double(k) * Double.pi / Double(n + 1)
            return 2 - 2 * Foundation.cos(angle)
        }.sorted(by: >)
        for (ours, reference) in zip(e.eigenvalues, exact) { #expect(abs(ours - reference) <= 20 * Double(n) * machineEpsilon * 4) }
    }
}
