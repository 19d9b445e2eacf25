import Testing
import _TestSupport

@testable import LinearAlgebra

/// The block-by-block kernels against the straightforward full-matrix versions: bit for bit where the operations are
/// the same (centring, products, the lower-triangle scatter), within a scaled tolerance where only the summation
/// order differs. Row counts cross the 256-row block and the kernel's 4-row tile; the large shapes are split over the
/// processors.
@Suite("Row blocks")
struct RowBlocksTests {
    static let shapes = [(1, 3, 2), (5, 1, 1), (255, 7, 3), (256, 64, 64), (1001, 64, 2), (3001, 37, 37), (700, 300, 5)]

    static func data(_ n: Int, _ d: Int, seed: Int) -> Matrix {
        var g = generator(seed)
        let noise = TestMatrices.gaussian(n, d, using: &g)
        // Column offsets much larger than the spread, so that centring matters.
        return Matrix(rows: n, columns: d, elements: noise.elements.enumerated().map { $0.element + 50 * Double($0.offset % d) })
    }

    @Test("map hands over exactly the centred rows and the rows of centred(x) · B", arguments: shapes)
    func mapMatchesFullProduct(_ shape: (Int, Int, Int)) {
        let (n, d, k) = shape
        let x = Self.data(n, d, seed: n + d), mean = Statistics.columnMeans(x)
        var g = generator(k)
        let b = TestMatrices.gaussian(d, k, using: &g)
        let centred = Statistics.centred(x, mean: mean)
        let product = Matrix.product(m: n, n: k, k: d, a: centred.elements, aRowStride: d, aColumnStride: 1,
                                     b: b.elements, bRowStride: k, bColumnStride: 1)
        let both = RowBlocks.map(x, mean: mean, times: b, width: d + k) { block, out in
            #expect(block.rows.lowerBound == block.index * RowBlocks.blockRows)
            for r in 0..<block.rows.count {
                for j in 0..<d { out[r * (d + k) + j] = block.centredRow(r)[j] }
                for j in 0..<k { out[r * (d + k) + d + j] = block.productRow(r)[j] }
            }
        }
        #expect(both.columns(0..<d).elements.map(\.bitPattern) == centred.elements.map(\.bitPattern))
        #expect(both.columns(d..<(d + k)).elements.map(\.bitPattern) == product.elements.map(\.bitPattern))
        #expect(Statistics.centredProduct(x, mean: mean, b).elements.map(\.bitPattern) == product.elements.map(\.bitPattern))
    }

    /// B with columns that end in zeros (upper triangular, and ragged heights including a zero column): the kernel
    /// skips the zero products, so the rows equal the dense product's (`==`, which does not see the sign of a zero).
    @Test("B whose columns end in zeros gives the dense product's values", arguments: [(1001, 64), (300, 7), (40, 300)])
    func zeroTailsAreSkippedExactly(_ shape: (Int, Int)) {
        let (n, d) = shape
        let x = Self.data(n, d, seed: 7 * n + d), mean = Statistics.columnMeans(x)
        var g = generator(d)
        let dense = TestMatrices.gaussian(d, d, using: &g)
        var upper = dense, ragged = dense
        for i in 0..<d { for j in 0..<d where i > j { upper[i, j] = 0 } }
        for j in 0..<d { for i in (j * 7 % (d + 1))..<d { ragged[i, j] = 0 } }   // heights 0, 7, 14, … (mod d + 1)
        #expect(RowBlocks.columnHeights(upper) == (0..<d).map { $0 + 1 })
        for b in [upper, ragged] {
            let centred = Statistics.centred(x, mean: mean)
            let reference = Matrix.product(m: n, n: d, k: d, a: centred.elements, aRowStride: d, aColumnStride: 1,
                                           b: b.elements, bRowStride: d, bColumnStride: 1)
            #expect(Statistics.centredProduct(x, mean: mean, b).elements == reference.elements)
        }
    }

    @Test("sum adds every row once; squared norms match the plain loop", arguments: shapes)
    func sumAndNorms(_ shape: (Int, Int, Int)) {
        let (n, d, k) = shape
        let x = Self.data(n, d, seed: 3 * n + d), mean = Statistics.columnMeans(x)
        var g = generator(n + k)
        let b = TestMatrices.gaussian(d, k, using: &g)
        let product = Statistics.centred(x, mean: mean) * b
        let centred = Statistics.centred(x, mean: mean)
        // [row count, Σ‖eₙ‖², Σ‖eₙᵀB‖²] by blocks, against the plain loops.
        let sums = RowBlocks.sum(x, mean: mean, times: b, width: 3) { block, partial in
            for r in 0..<block.rows.count {
                partial[0] += 1
                partial[1] += block.centredSquaredNorm(r)
                partial[2] += block.productSquaredNorm(r)
            }
        }
        var plain = (0.0, 0.0)
        for v in centred.elements { plain.0 += v * v }
        for v in product.elements { plain.1 += v * v }
        #expect(sums[0] == Double(n))
        #expect(sums[1].isApproximatelyEqual(to: plain.0, relativeTolerance: 4 * Double(d) * machineEpsilon * Double(n).squareRoot()))
        #expect(sums[2].isApproximatelyEqual(to: plain.1, relativeTolerance: 4 * Double(k) * machineEpsilon * Double(n).squareRoot()))
        // Without B the product is empty and the body still sees every row.
        let rows = RowBlocks.map(x, mean: mean, width: 1) { block, out in
            #expect(block.productColumns == 0)
            for r in 0..<block.rows.count { out[r] = Double(block.rows.lowerBound + r) }
        }
        #expect(rows.elements == (0..<n).map(Double.init))
    }

    @Test("the lower-triangle scatter equals the full centred product bit for bit", arguments: shapes + [(40000, 64, 0)])
    func scatterMatchesFullProduct(_ shape: (Int, Int, Int)) {
        let (n, d, _) = shape
        let x = Self.data(n, d, seed: 5 * n + d), mean = Statistics.columnMeans(x)
        let centred = Statistics.centred(x, mean: mean)
        let full = centred.transposeTimes(centred)
        let scatter = Statistics.scatter(x, mean: mean)
        #expect(scatter.elements.map(\.bitPattern) == full.elements.map(\.bitPattern))
        #expect(scatter == scatter.transposed)
    }

    @Test func gatheringRowsAndColumns() {
        let x = Self.data(9, 5, seed: 1)
        let rows = [4, 0, 8, 4]
        #expect(x.rows(at: rows) == Matrix(rows.map { x.row($0) }))
        #expect(x.rows(at: []).rows == 0)
        let columns = [3, 1, 3]
        #expect(x.columns(at: columns) == Matrix((0..<9).map { i in columns.map { x[i, $0] } }))
    }
}
