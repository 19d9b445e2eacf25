import LinearAlgebra
import _TestSupport

/// Sizes from 1 to 200 used by the residual tests: small ones (where special cases hide), Fibonacci-ish middle ones,
/// and sizes that cross the multiply kernel's 4 × 4 register tile and 64-row block.
let residualSizes = [1, 2, 3, 5, 8, 13, 32, 64, 100, 200]

/// ‖VᵀV − I‖_F for a matrix with (supposedly) orthonormal columns.
func orthonormalityError(_ v: Matrix) -> Double {
    (v.transposeTimes(v) - Matrix.identity(v.columns)).frobeniusNorm
}

/// ‖A − B‖_F / ‖A‖_F (or ‖A − B‖_F when A = 0).
func relativeResidual(_ a: Matrix, _ b: Matrix) -> Double {
    let difference = (a - b).frobeniusNorm
    let scale = a.frobeniusNorm
    return scale > 0 ? difference / scale : difference
}

/// A generator built per test case, so cases are independent of each other and of their order.
func generator(_ seed: Int) -> Xoshiro256StarStar { Xoshiro256StarStar(seed: UInt64(seed) &* 0x9E37_79B9 &+ 17) }
