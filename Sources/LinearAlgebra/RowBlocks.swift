// RowBlocks — one pass over the rows of a data matrix in fixed blocks, each block centred and multiplied in cache.
//
// Many per-row quantities of the models are functions of the centred rows eₙ = xₙ − μ and of a product eₙᵀB (a
// projection onto W, a triangular inverse, the eigenbasis). Forming E = X − 1μᵀ (N × D) and EB in full costs two
// matrix-sized temporaries (for N = 10⁵, D = 64: 51 MB each, with their page faults); here the rows are taken
// `RowBlocks.blockRows` at a time: each block is centred into a small buffer that stays in cache, multiplied by B
// with the blocked product kernel, and handed to the caller, which reduces it to what it needs — a few values per row
// (`map`) or a partial sum per block (`sum`).
//
// Determinism: block boundaries are the multiples of `blockRows` from row 0, whatever the number of processors, and
// every block is computed by the same operations wherever it runs (each row of a product depends only on its own row
// of the left operand, through the same kc blocking). The blocks are split over the processors by `RowParallel`.
// So per-row results do not depend on the split, and `sum` adds the per-block partial sums in block order: same
// input ⇒ same bits, on any number of cores. The centred rows are exactly `Statistics.centred(x, mean:)`'s and the
// product rows exactly those of the blocked product `Statistics.centred(x, mean:) * b` — up to the sign of a zero
// when B's columns end in zeros (a triangular B): those exact-zero products are skipped.

/// One block of rows handed to the body of `RowBlocks.map` or `RowBlocks.sum`. The pointers are valid only during
/// the call.
public struct RowBlock {
    /// The block's number (0-based): rows `index * RowBlocks.blockRows ..< …`.
    public let index: Int
    /// The rows of X in this block.
    public let rows: Range<Int>
    /// E_b = X_b − 1μᵀ, `rows.count × dimension`, row-major.
    public let centred: UnsafePointer<Double>
    /// D, the columns of X.
    public let dimension: Int
    /// E_b B, `rows.count × productColumns`, row-major (nothing when no B was given).
    public let product: UnsafePointer<Double>
    /// The columns of B (0 without B).
    public let productColumns: Int

    /// Row r (0-based within the block) of E_b.
    @inlinable public func centredRow(_ r: Int) -> UnsafePointer<Double> { centred + r * dimension }
    /// Row r (0-based within the block) of E_b B.
    @inlinable public func productRow(_ r: Int) -> UnsafePointer<Double> { product + r * productColumns }

    /// ‖eᵣ‖² = ‖x − μ‖² for row r of the block (eight partial sums, added pairwise).
    public func centredSquaredNorm(_ r: Int) -> Double { VectorKernels.sumOfSquares(centredRow(r), dimension) }

    /// ‖eᵣᵀB‖² for row r of the block (eight partial sums, added pairwise).
    public func productSquaredNorm(_ r: Int) -> Double { VectorKernels.sumOfSquares(productRow(r), productColumns) }
}

public enum RowBlocks {
    /// Rows per block: a multiple of the product kernel's register tile; a 256 × 64 block is 128 KiB (fits in L2).
    public static let blockRows = 256

    /// An N × `width` matrix whose rows are written block by block: `body(block, out)` fills the block's rows of the
    /// result (`out` is `block.rows.count × width`, row-major, zero on entry) from E_b and E_b B.
    /// `mean.count` must equal `x.columns` and `b.rows` must equal `x.columns` (preconditions).
    public static func map(_ x: Matrix, mean: [Double], times b: Matrix? = nil, width: Int,
                           _ body: @Sendable (RowBlock, UnsafeMutablePointer<Double>) -> Void) -> Matrix {
        var result = [Double](repeating: 0, count: x.rows * width)
        result.withUnsafeMutableBufferPointer { r in
            guard let base = r.baseAddress else { return }
            let out = SendablePointer(base)
            forEachBlock(x, mean: mean, times: b) { block in body(block, out.base + block.rows.lowerBound * width) }
        }
        return Matrix(rows: x.rows, columns: width, elements: result)
    }

    /// Σ over the blocks of a `width`-vector: `body(block, partial)` adds the block's contribution into `partial`
    /// (zero on entry); the partial sums are then added in block order. Preconditions as for `map`.
    public static func sum(_ x: Matrix, mean: [Double], times b: Matrix? = nil, width: Int,
                           _ body: @Sendable (RowBlock, UnsafeMutablePointer<Double>) -> Void) -> [Double] {
        let blocks = (x.rows + blockRows - 1) / blockRows
        var partials = [Double](repeating: 0, count: blocks * width)
        partials.withUnsafeMutableBufferPointer { p in
            guard let base = p.baseAddress else { return }
            let out = SendablePointer(base)
            forEachBlock(x, mean: mean, times: b) { block in body(block, out.base + block.index * width) }
        }
        var total = [Double](repeating: 0, count: width)
        for block in 0..<blocks {
            for w in 0..<width { total[w] += partials[block * width + w] }
        }
        return total
    }

    /// Calls `body` once per block, the blocks split over the processors (not at all when X has no rows or columns).
    static func forEachBlock(_ x: Matrix, mean: [Double], times b: Matrix?, _ body: @Sendable (RowBlock) -> Void) {
        let (n, d) = (x.rows, x.columns)
        precondition(mean.count == d, "RowBlocks: mean of length \(mean.count) for \(d) columns")
        if let b { precondition(b.rows == d, "RowBlocks: X has \(d) columns, B is \(b.rows)×\(b.columns)") }
        guard n > 0, d > 0 else { return }
        let blocks = (n + blockRows - 1) / blockRows
        let width = b?.columns ?? 0
        let elements = x.elements, bElements = b?.elements ?? []
        // Trailing zeros in B's columns (a triangular B such as L⁻ᵀ) are skipped by the kernel: exact zeros.
        let heights = b.map(Self.columnHeights) ?? []
        let skipsZeros = heights.contains { $0 < d }
        RowParallel.forEachChunk(rows: blocks, work: n * d * max(width, 4)) { chunk in
            let capacity = min(blockRows, n - chunk.lowerBound * blockRows)
            let centred = UnsafeMutablePointer<Double>.allocate(capacity: capacity * d)
            let product = UnsafeMutablePointer<Double>.allocate(capacity: max(1, capacity * width))
            defer { centred.deallocate(); product.deallocate() }
            let workspace = width > 0 ? PackingWorkspace(m: capacity, n: width, k: d) : nil
            elements.withUnsafeBufferPointer { xe in mean.withUnsafeBufferPointer { mu in
                bElements.withUnsafeBufferPointer { be in heights.withUnsafeBufferPointer { hb in
                    for index in chunk {
                        let rows = (index * blockRows)..<min(n, (index + 1) * blockRows)
                        for r in 0..<rows.count {
                            let source = xe.baseAddress! + (rows.lowerBound + r) * d, target = centred + r * d
                            for j in 0..<d { target[j] = source[j] - mu[j] }
                        }
                        if let workspace {
                            product.initialize(repeating: 0, count: rows.count * width)
                            blockedProduct(m: rows.count, n: width, k: d,
                                           a: StridedOperand(base: centred, rowStride: d, columnStride: 1),
                                           b: StridedOperand(base: be.baseAddress!, rowStride: width, columnStride: 1),
                                           c: product, ldc: width, workspace: workspace,
                                           columnHeights: skipsZeros ? hb.baseAddress : nil)
                        }
                        body(RowBlock(index: index, rows: rows, centred: centred, dimension: d, product: product,
                                      productColumns: width))
                    }
                } }
            } }
        }
    }

    /// For each column j of B, 1 + the last row with a non-zero entry (0 for a zero column).
    static func columnHeights(_ b: Matrix) -> [Int] {
        (0..<b.columns).map { j in
            var height = b.rows
            while height > 0 && b.elements[(height - 1) * b.columns + j] == 0 { height -= 1 }
            return height
        }
    }
}
