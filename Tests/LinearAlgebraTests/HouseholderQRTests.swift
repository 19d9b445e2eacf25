@testable import LinearAlgebra
import Testing
import _TestSupport

/// The QR step of the SVD (internal): A = Q R with R upper triangular and Q's thin part orthonormal, shapes crossing
/// the 16-column panel width.
@Suite("HouseholderQR")
struct HouseholderQRTests {
    @Test(arguments: [(1, 1), (5, 1), (40, 7), (33, 16), (300, 33), (1797, 64)])
    func factorisation(m: Int, n: Int) {
        var g = generator(m + 31 * n)
        let a = TestMatrices.gaussian(m, n, using: &g)
        let qr = HouseholderQR(of: a)
        for i in 0..<n { for j in 0..<i { #expect(qr.r[i, j] == 0) } }
        let tolerance = 20 * Double(m) * machineEpsilon
        #expect(relativeResidual(a, qr.applyQ(toTop: qr.r)) <= tolerance)
        #expect(orthonormalityError(qr.applyQ(toTop: .identity(n))) <= tolerance)
    }

    @Test func zeroAndRankDeficientColumns() {
        var a = Matrix.zeros(20, 4)
        for i in 0..<20 { a[i, 1] = Double(i); a[i, 3] = 2 * Double(i) }   // column 3 = 2 × column 1, 0 and 2 zero
        let qr = HouseholderQR(of: a)
        #expect(relativeResidual(a, qr.applyQ(toTop: qr.r)) <= 20 * 20 * machineEpsilon)
        #expect(orthonormalityError(qr.applyQ(toTop: .identity(4))) <= 20 * 20 * machineEpsilon)
    }
}
