/// Matrix products: C = A B, AᵀB and ABᵀ (neither transpose is ever formed), and matrix–vector products.
///
/// ## The kernel
/// The product follows the GotoBLAS/BLIS layering (Goto & van de Geijn, "Anatomy of high-performance matrix
/// multiplication", ACM TOMS 34(3), 2008; Golub & Van Loan, *Matrix Computations*, 4th ed., §1.5):
///
///     for each block of nc columns of C:
///       for each block of kc inner indices p:      pack B(p-block, column-block) into strips of NR columns
///         for each block of mc rows of C:          pack A(row-block, p-block) into strips of MR rows
///           for each NR-strip, for each MR-strip:  C(MR×NR tile) += Ã(MR×kc) · B̃(kc×NR)   ← micro-kernel
///
/// The micro-kernel keeps the MR × NR tile of C in registers (SIMD4 accumulators) and, for each p, multiplies a
/// broadcast entry of A with a 4-wide row of the packed B strip: there is no index arithmetic in the hot loop, only
/// two pointers moving forward through packed, contiguous, 64-byte-aligned buffers. The packed B strip (kc × NR)
/// stays in L1, the packed A block (mc × kc) in L2. Transposes are handled by the packing routines, which read the
/// operand through (row stride, column stride) — so AᵀB and ABᵀ cost the same as AB.
///
/// Small products (fewer than ~32³ multiply–adds) use a plain i-p-j loop, which avoids the packing overhead.
extension Matrix {
    /// The product A B; `a.columns` must equal `b.rows` (precondition).
    public static func * (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.columns == b.rows, "Matrix *: \(a.rows)×\(a.columns) times \(b.rows)×\(b.columns) — inner dimensions differ")
        return Matrix.product(m: a.rows, n: b.columns, k: a.columns,
                              a: a.elements, aRowStride: a.columns, aColumnStride: 1,
                              b: b.elements, bRowStride: b.columns, bColumnStride: 1)
    }

    /// The product Aᵀ B without forming Aᵀ; `rows` of both must agree (precondition). Result: columns(A) × columns(B).
    public func transposeTimes(_ b: Matrix) -> Matrix {
        precondition(rows == b.rows, "Matrix.transposeTimes: (\(rows)×\(columns))ᵀ times \(b.rows)×\(b.columns) — row counts differ")
        return Matrix.product(m: columns, n: b.columns, k: rows,
                              a: elements, aRowStride: 1, aColumnStride: columns,
                              b: b.elements, bRowStride: b.columns, bColumnStride: 1)
    }

    /// The product A Bᵀ without forming Bᵀ; `columns` of both must agree (precondition). Result: rows(A) × rows(B).
    public func timesTranspose(_ b: Matrix) -> Matrix {
        precondition(columns == b.columns, "Matrix.timesTranspose: \(rows)×\(columns) times (\(b.rows)×\(b.columns))ᵀ — column counts differ")
        return Matrix.product(m: rows, n: b.rows, k: columns,
                              a: elements, aRowStride: columns, aColumnStride: 1,
                              b: b.elements, bRowStride: 1, bColumnStride: b.columns)
    }

    /// The matrix–vector product A v (length `rows`); `v.count` must equal `columns` (precondition).
    public func times(_ v: [Double]) -> [Double] {
        var result = [Double](repeating: 0, count: rows)
        times(v, into: &result)
        return result
    }

    /// A v written into `result` (whose length must be `rows`), for loops that reuse one buffer instead of
    /// allocating a vector per product; the same operations as `times(_:)`. `v.count` must equal `columns`.
    public func times(_ v: [Double], into result: inout [Double]) {
        precondition(v.count == columns, "Matrix.times: \(rows)×\(columns) times a vector of length \(v.count)")
        precondition(result.count == rows, "Matrix.times: result of length \(result.count) for \(rows) rows")
        elements.withUnsafeBufferPointer { a in
            v.withUnsafeBufferPointer { v in
                result.withUnsafeMutableBufferPointer { r in
                    for i in 0..<rows {
                        r[i] = Vector.dot(a.baseAddress.map { $0 + i * columns }, v.baseAddress, columns)
                    }
                }
            }
        }
    }

    /// The product Aᵀ v (length `columns`) without forming Aᵀ; `v.count` must equal `rows` (precondition).
    public func transposeTimes(_ v: [Double]) -> [Double] {
        precondition(v.count == rows, "Matrix.transposeTimes: (\(rows)×\(columns))ᵀ times a vector of length \(v.count)")
        var result = [Double](repeating: 0, count: columns)
        let n = columns
        elements.withUnsafeBufferPointer { a in
            result.withUnsafeMutableBufferPointer { r in
                for i in 0..<rows {
                    let s = v[i]
                    if s == 0 { continue }
                    let row = a.baseAddress! + i * n
                    for j in 0..<n { r[j] += s * row[j] }
                }
            }
        }
        return result
    }

    // MARK: - Implementation

    /// C (m×n) = A (m×k) · B (k×n), where A(i, p) = a[i·aRowStride + p·aColumnStride] and likewise for B.
    /// With `parallel`, a blocked product's rows are split over the processors (`RowParallel`): each row of C is
    /// computed from its row of A by the same operations in the same order (the kc blocking does not depend on the
    /// rows), so C is bit-for-bit the serial result.
    static func product(m: Int, n: Int, k: Int,
                        a: [Double], aRowStride: Int, aColumnStride: Int,
                        b: [Double], bRowStride: Int, bColumnStride: Int, parallel: Bool = false) -> Matrix {
        var c = [Double](repeating: 0, count: m * n)
        if m == 0 || n == 0 || k == 0 { return Matrix(rows: m, columns: n, elements: c) }
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                c.withUnsafeMutableBufferPointer { c in
                    let operandA = StridedOperand(base: a.baseAddress!, rowStride: aRowStride, columnStride: aColumnStride)
                    let operandB = StridedOperand(base: b.baseAddress!, rowStride: bRowStride, columnStride: bColumnStride)
                    if m * n * k <= 32 * 32 * 32 {
                        smallProduct(m: m, n: n, k: k, a: operandA, b: operandB, c: c.baseAddress!)
                    } else if parallel && RowParallel.processorCount > 1 && m * n * k >= RowParallel.minimumWork {
                        parallelBlockedProduct(m: m, n: n, k: k, a: operandA, b: operandB, c: c.baseAddress!, ldc: n)
                    } else {
                        blockedProduct(m: m, n: n, k: k, a: operandA, b: operandB, c: c.baseAddress!, ldc: n)
                    }
                }
            }
        }
        return Matrix(rows: m, columns: n, elements: c)
    }
}

/// A read-only view of a matrix through strides: element (i, j) is `base[i * rowStride + j * columnStride]`.
@usableFromInline
struct StridedOperand {
    let base: UnsafePointer<Double>
    let rowStride: Int
    let columnStride: Int
    @inline(__always) subscript(i: Int, j: Int) -> Double { base[i * rowStride + j * columnStride] }
}

/// Plain i-p-j product for small sizes (C is zero on entry).
@inline(never)
func smallProduct(m: Int, n: Int, k: Int, a: StridedOperand, b: StridedOperand, c: UnsafeMutablePointer<Double>) {
    if b.columnStride == 1 {
        for i in 0..<m {
            let ci = c + i * n
            for p in 0..<k {
                let s = a[i, p]
                let bp = b.base + p * b.rowStride
                for j in 0..<n { ci[j] += s * bp[j] }
            }
        }
    } else {
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                for p in 0..<k { s += a[i, p] * b[p, j] }
                c[i * n + j] = s
            }
        }
    }
}

// Blocking parameters (in doubles). MR × NR is the register tile; kc × NR of packed B (8 KiB) stays in L1 and
// mc × kc of packed A (128 KiB) in L2.
private let microRows = 4      // MR
private let microColumns = 4   // NR
private let blockInner = 256   // kc
private let blockRows = 64     // mc
private let blockColumns = 1024 // nc

/// The packing buffers of `blockedProduct` (packed A, packed B, one edge tile), 64-byte aligned, sized for products
/// of at most `m × k` times `k × n`. One workspace serves any number of such products one after the other on one
/// thread, so a caller that multiplies many blocks (`RowBlocks`, `Statistics.covariance`) allocates them once.
final class PackingWorkspace {
    let packedA: UnsafeMutablePointer<Double>
    let packedB: UnsafeMutablePointer<Double>
    let edge: UnsafeMutablePointer<Double>
    let (maxRows, maxColumns, maxInner): (Int, Int, Int)

    init(m: Int, n: Int, k: Int) {
        (maxRows, maxColumns, maxInner) = (m, n, k)
        let kc = Swift.max(1, Swift.min(blockInner, k))
        let mc = Swift.min(blockRows, (m + microRows - 1) / microRows * microRows)
        let nc = Swift.min(blockColumns, (n + microColumns - 1) / microColumns * microColumns)
        let aCount = 2 * (mc + microRows) * kc, bCount = (nc + microColumns) * kc   // packed A: every entry twice
        packedA = UnsafeMutableRawPointer.allocate(byteCount: aCount * 8, alignment: 64).bindMemory(to: Double.self, capacity: aCount)
        packedB = UnsafeMutableRawPointer.allocate(byteCount: bCount * 8, alignment: 64).bindMemory(to: Double.self, capacity: bCount)
        edge = UnsafeMutableRawPointer.allocate(byteCount: microRows * microColumns * 8, alignment: 64)
            .bindMemory(to: Double.self, capacity: microRows * microColumns)
    }

    deinit {
        packedA.deallocate()
        packedB.deallocate()
        edge.deallocate()
    }
}

/// Blocked product C += A B (see the file header), packing into `workspace` when given (else into buffers sized for
/// this product).
///
/// `columnHeights`, when given, has one entry per column j of B: the rows p ≥ height(j) of that column are zero (e.g.
/// an upper-triangular B, height(j) = j + 1). The micro-kernel then stops each strip of columns at its tallest
/// column: the products it skips are exact zeros, so C gets the same values (up to the sign of a zero) with up to
/// half the multiply–adds for a triangular B.
@inline(never)
func blockedProduct(m: Int, n: Int, k: Int, a: StridedOperand, b: StridedOperand,
                    c: UnsafeMutablePointer<Double>, ldc: Int, workspace: PackingWorkspace? = nil,
                    columnHeights: UnsafePointer<Int>? = nil) {
    let mr = microRows, nr = microColumns
    let kcMax = Swift.min(blockInner, k)
    let mcMax = Swift.min(blockRows, (m + mr - 1) / mr * mr)
    let ncMax = Swift.min(blockColumns, (n + nr - 1) / nr * nr)
    let packedA: UnsafeMutablePointer<Double>, packedB: UnsafeMutablePointer<Double>, edge: UnsafeMutablePointer<Double>
    var owned: (UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>, UnsafeMutablePointer<Double>)? = nil
    if let workspace {
        precondition(m <= workspace.maxRows && n <= workspace.maxColumns && k <= workspace.maxInner,
                     "blockedProduct: \(m)×\(k) times \(k)×\(n) exceeds its workspace")
        (packedA, packedB, edge) = (workspace.packedA, workspace.packedB, workspace.edge)
    } else {
        packedA = UnsafeMutableRawPointer.allocate(byteCount: 2 * (mcMax + mr) * kcMax * 8, alignment: 64)
            .bindMemory(to: Double.self, capacity: 2 * (mcMax + mr) * kcMax)
        packedB = UnsafeMutableRawPointer.allocate(byteCount: (ncMax + nr) * kcMax * 8, alignment: 64)
            .bindMemory(to: Double.self, capacity: (ncMax + nr) * kcMax)
        edge = UnsafeMutablePointer<Double>.allocate(capacity: mr * nr)
        owned = (packedA, packedB, edge)
    }
    defer { if let owned { owned.0.deallocate(); owned.1.deallocate(); owned.2.deallocate() } }

    for jc in stride(from: 0, to: n, by: blockColumns) {
        let nc = Swift.min(blockColumns, n - jc)
        for pc in stride(from: 0, to: k, by: blockInner) {
            let kc = Swift.min(blockInner, k - pc)
            packB(b, rows: pc, kc: kc, columns: jc, nc: nc, nr: nr, into: packedB)
            multiplyPackedB(m: m, a: a, columns: jc, nc: nc, inner: pc, kc: kc, packedB: UnsafePointer(packedB),
                            packedA: packedA, edge: edge, c: c, ldc: ldc, columnHeights: columnHeights)
        }
    }
}

/// C(0..<m, jc..<jc+nc) += A(0..<m, pc..<pc+kc) · B̃ for one packed block B̃ of B (rows pc..<pc+kc, columns
/// jc..<jc+nc): the rows of A in blocks of mc, each packed into `packedA`, then the micro-kernel over the tiles.
@inline(__always)
private func multiplyPackedB(m: Int, a: StridedOperand, columns jc: Int, nc: Int, inner pc: Int, kc: Int,
                             packedB: UnsafePointer<Double>, packedA: UnsafeMutablePointer<Double>,
                             edge: UnsafeMutablePointer<Double>, c: UnsafeMutablePointer<Double>, ldc: Int,
                             columnHeights: UnsafePointer<Int>?) {
    let mr = microRows, nr = microColumns
    for ic in stride(from: 0, to: m, by: blockRows) {
        let mc = Swift.min(blockRows, m - ic)
        packA(a, rows: ic, mc: mc, columns: pc, kc: kc, mr: mr, into: packedA)
        for jr in stride(from: 0, to: nc, by: nr) {
            let nValid = Swift.min(nr, nc - jr)
            let bStrip = packedB + jr * kc
            // The rows of this block of B that can be non-zero in the strip's columns.
            var kEffective = kc
            if let columnHeights {
                var height = 0
                for q in 0..<nValid { height = Swift.max(height, columnHeights[jc + jr + q]) }
                kEffective = Swift.min(kc, height - pc)
                if kEffective <= 0 { continue }
            }
            for ir in stride(from: 0, to: mc, by: mr) {
                let mValid = Swift.min(mr, mc - ir)
                let aStrip = UnsafePointer(packedA + 2 * ir * kc)
                let cTile = c + (ic + ir) * ldc + jc + jr
                if mValid == mr && nValid == nr {
                    microKernel4x4Paired(kc: kEffective, a: aStrip, b: bStrip, c: cTile, ldc: ldc)
                } else {
                    let t = edge
                    for q in 0..<(mr * nr) { t[q] = 0 }
                    microKernel4x4Paired(kc: kEffective, a: aStrip, b: bStrip, c: t, ldc: nr)
                    for r in 0..<mValid {
                        for q in 0..<nValid { cTile[r * ldc + q] += t[r * nr + q] }
                    }
                }
            }
        }
    }
}

/// `blockedProduct` with the rows of C split over the processors (`RowParallel`): each block of B is packed once and
/// shared, read only, by the row chunks, each of which packs its own rows of A. Every entry of C is the same sums in
/// the same order as in `blockedProduct` (the blocks of B are taken in the same order, and a row's sums do not depend
/// on which chunk it falls in), so C is bit-for-bit the serial result.
func parallelBlockedProduct(m: Int, n: Int, k: Int, a: StridedOperand, b: StridedOperand,
                            c: UnsafeMutablePointer<Double>, ldc: Int) {
    let mr = microRows, nr = microColumns
    let kcMax = Swift.min(blockInner, k)
    let ncMax = Swift.min(blockColumns, (n + nr - 1) / nr * nr)
    let packedB = UnsafeMutableRawPointer.allocate(byteCount: (ncMax + nr) * kcMax * 8, alignment: 64)
        .bindMemory(to: Double.self, capacity: (ncMax + nr) * kcMax)
    defer { packedB.deallocate() }
    let (sharedB, pc0, pa) = (SendableConstPointer(UnsafePointer(packedB)), SendablePointer(c), SendableConstPointer(a.base))
    let (aRowStride, aColumnStride) = (a.rowStride, a.columnStride)
    for jc in stride(from: 0, to: n, by: blockColumns) {
        let nc = Swift.min(blockColumns, n - jc)
        for pc in stride(from: 0, to: k, by: blockInner) {
            let kc = Swift.min(blockInner, k - pc)
            packB(b, rows: pc, kc: kc, columns: jc, nc: nc, nr: nr, into: packedB)
            RowParallel.forEachChunk(rows: m, work: m * nc * kc, alignment: mr) { rows in
                let mcMax = Swift.min(blockRows, (rows.count + mr - 1) / mr * mr)
                let packedA = UnsafeMutableRawPointer.allocate(byteCount: 2 * (mcMax + mr) * kc * 8, alignment: 64)
                    .bindMemory(to: Double.self, capacity: 2 * (mcMax + mr) * kc)
                let edge = UnsafeMutablePointer<Double>.allocate(capacity: mr * nr)
                defer { packedA.deallocate(); edge.deallocate() }
                let part = StridedOperand(base: pa.base + rows.lowerBound * aRowStride, rowStride: aRowStride,
                                          columnStride: aColumnStride)
                multiplyPackedB(m: rows.count, a: part, columns: jc, nc: nc, inner: pc, kc: kc, packedB: sharedB.base,
                                packedA: packedA, edge: edge, c: pc0.base + rows.lowerBound * ldc, ldc: ldc,
                                columnHeights: nil)
            }
        }
    }
}

/// Packs A(rows ..< rows+mc, columns ..< columns+kc) into strips of `mr` rows, every entry written twice: strip s
/// holds, for each p, the pairs (A(rows + s·mr + r, columns + p), same), r = 0..<mr (zero-padded past the last row).
/// The pairs are the broadcasts of `microKernel4x4Paired`, read by one aligned load each instead of a load and a
/// shuffle (SSE2 has no broadcast load; the shuffles competed with the multiplies and adds for the FP pipes).
@inline(__always)
private func packA(_ a: StridedOperand, rows: Int, mc: Int, columns: Int, kc: Int, mr: Int,
                   into out: UnsafeMutablePointer<Double>) {
    var o = out
    for s in stride(from: 0, to: mc, by: mr) {
        let valid = Swift.min(mr, mc - s)
        if valid == mr && a.columnStride == 1 {
            let r0 = a.base + (rows + s) * a.rowStride + columns
            let r1 = r0 + a.rowStride, r2 = r1 + a.rowStride, r3 = r2 + a.rowStride
            for p in 0..<kc {
                o[0] = r0[p]; o[1] = r0[p]; o[2] = r1[p]; o[3] = r1[p]
                o[4] = r2[p]; o[5] = r2[p]; o[6] = r3[p]; o[7] = r3[p]
                o += 8
            }
        } else if valid == mr && a.rowStride == 1 {
            var src = a.base + (rows + s) + columns * a.columnStride
            for _ in 0..<kc {
                o[0] = src[0]; o[1] = src[0]; o[2] = src[1]; o[3] = src[1]
                o[4] = src[2]; o[5] = src[2]; o[6] = src[3]; o[7] = src[3]
                o += 8
                src += a.columnStride
            }
        } else {
            for p in 0..<kc {
                for r in 0..<mr {
                    let v = r < valid ? a[rows + s + r, columns + p] : 0
                    o[2 * r] = v; o[2 * r + 1] = v
                }
                o += 2 * mr
            }
        }
    }
}

/// Packs B(rows ..< rows+kc, columns ..< columns+nc) into strips of `nr` columns: strip s holds, for each p, the `nr`
/// entries B(rows + p, columns + s·nr + q), q = 0..<nr (zero-padded past the last column).
@inline(__always)
private func packB(_ b: StridedOperand, rows: Int, kc: Int, columns: Int, nc: Int, nr: Int,
                   into out: UnsafeMutablePointer<Double>) {
    var o = out
    for s in stride(from: 0, to: nc, by: nr) {
        let valid = Swift.min(nr, nc - s)
        if valid == nr && b.columnStride == 1 {
            var src = b.base + rows * b.rowStride + columns + s
            for _ in 0..<kc {
                o[0] = src[0]; o[1] = src[1]; o[2] = src[2]; o[3] = src[3]
                o += 4
                src += b.rowStride
            }
        } else if valid == nr && b.rowStride == 1 {                   // B read transposed (A Bᵀ): 4 contiguous columns
            let q0 = b.base + rows + (columns + s) * b.columnStride
            let q1 = q0 + b.columnStride, q2 = q1 + b.columnStride, q3 = q2 + b.columnStride
            for p in 0..<kc {
                o[0] = q0[p]; o[1] = q1[p]; o[2] = q2[p]; o[3] = q3[p]
                o += 4
            }
        } else {
            for p in 0..<kc {
                for q in 0..<nr { o[q] = q < valid ? b[rows + p, columns + s + q] : 0 }
                o += nr
            }
        }
    }
}

/// C(4×4 tile, leading dimension ldc) += Ã(4×kc, packed by columns) · B̃(kc×4, packed by rows).
///
/// Four SIMD4 accumulators: with the default x86-64 target (SSE2, 16 registers of two doubles) they take 8
/// registers and leave room for the B row, the broadcast A entry and a temporary, so nothing spills; a 4×8 tile
/// (16 registers of accumulators) spilled and ran slower.
@inline(__always)
func microKernel4x4(kc: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
                            c: UnsafeMutablePointer<Double>, ldc: Int) {
    typealias V = SIMD4<Double>
    var c0 = V(), c1 = V(), c2 = V(), c3 = V()
    var pa = UnsafeRawPointer(a)
    var pb = UnsafeRawPointer(b)
    for _ in 0..<kc {
        let bv = pb.load(as: V.self)
        c0 += V(repeating: pa.load(as: Double.self)) * bv
        c1 += V(repeating: pa.load(fromByteOffset: 8, as: Double.self)) * bv
        c2 += V(repeating: pa.load(fromByteOffset: 16, as: Double.self)) * bv
        c3 += V(repeating: pa.load(fromByteOffset: 24, as: Double.self)) * bv
        pa += 32
        pb += 32
    }
    let raw = UnsafeMutableRawPointer(c)
    func add(_ v: V, row: Int) {
        let p = raw + row * ldc * 8
        p.storeBytes(of: p.loadUnaligned(as: V.self) + v, as: V.self)
    }
    add(c0, row: 0); add(c1, row: 1); add(c2, row: 2); add(c3, row: 3)
}

/// `microKernel4x4` with the A strip packed in pairs (`packA`): C(4×4 tile) += Ã(4×kc) · B̃(kc×4), where for each p
/// the strip holds (a₀, a₀, a₁, a₁, a₂, a₂, a₃, a₃). The same multiplies and adds in the same order as
/// `microKernel4x4` (each entry of the tile is Σₚ aᵣₚ bₚ𝒸 summed from zero in p order, then added to C), so the same
/// bits; only the broadcasts are loads instead of shuffles. Eight SIMD2 accumulators (8 of the 16 SSE2 registers).
@inline(__always)
func microKernel4x4Paired(kc: Int, a: UnsafePointer<Double>, b: UnsafePointer<Double>,
                          c: UnsafeMutablePointer<Double>, ldc: Int) {
    typealias V = SIMD2<Double>
    var c00 = V(), c01 = V(), c10 = V(), c11 = V(), c20 = V(), c21 = V(), c30 = V(), c31 = V()
    var pa = UnsafeRawPointer(a)
    var pb = UnsafeRawPointer(b)
    for _ in 0..<kc {
        let b0 = pb.load(as: V.self), b1 = pb.load(fromByteOffset: 16, as: V.self)
        let a0 = pa.load(as: V.self), a1 = pa.load(fromByteOffset: 16, as: V.self)
        c00 += a0 * b0; c01 += a0 * b1
        c10 += a1 * b0; c11 += a1 * b1
        let a2 = pa.load(fromByteOffset: 32, as: V.self), a3 = pa.load(fromByteOffset: 48, as: V.self)
        c20 += a2 * b0; c21 += a2 * b1
        c30 += a3 * b0; c31 += a3 * b1
        pa += 64
        pb += 32
    }
    let raw = UnsafeMutableRawPointer(c)
    func add(_ left: V, _ right: V, row: Int) {
        let p = raw + row * ldc * 8
        p.storeBytes(of: p.loadUnaligned(as: V.self) + left, as: V.self)
        (p + 16).storeBytes(of: (p + 16).loadUnaligned(as: V.self) + right, as: V.self)
    }
    add(c00, c01, row: 0); add(c10, c11, row: 1); add(c20, c21, row: 2); add(c30, c31, row: 3)
}

/// The lower triangle of C (d × d, row-major) += X̃_bᵀX̃_b for one block of at most kc = 256 rows of X̃ = X − 1μᵀ —
/// the scatter kernel (a SYRK), restricted to the 4-row strips `tileRows` of C.
///
/// Since both operands are the same centred block, it is centred and packed **once** into strips of 4 columns
/// (strip s holds, for each row p, X̃(p, 4s + r), r = 0..<4, zero past column d): exactly the layout `packA` gives
/// X̃ᵀ and `packB` gives X̃. The 4 × 4 micro-kernel then runs over the tiles (I, J) with J ≤ I only. Every entry of
/// the lower triangle is the same sum in the same order as in the general blocked product X̃ᵀX̃ (the block is one kc
/// block of it), bit for bit; entries above the diagonal inside diagonal tiles are computed too and are to be
/// ignored (the caller mirrors the lower triangle). `packed` holds (max tile row + 1) · 4 · rows doubles.
func accumulateCentredScatter(block x: UnsafePointer<Double>, rows count: Int, columns d: Int,
                              mean: UnsafePointer<Double>, tileRows: [Int], packed: UnsafeMutablePointer<Double>,
                              edge: UnsafeMutablePointer<Double>, c: UnsafeMutablePointer<Double>) {
    precondition(count <= blockInner, "accumulateCentredScatter: \(count) rows exceed one kc block")
    guard let lastTileRow = tileRows.max(), count > 0 else { return }
    let strips = lastTileRow + 1
    let fullStrips = Swift.min(strips, d / 4)
    for p in 0..<count {
        let row = x + p * d
        for s in 0..<fullStrips {
            let o = packed + (s * count + p) * 4, j = 4 * s
            o[0] = row[j] - mean[j]; o[1] = row[j + 1] - mean[j + 1]
            o[2] = row[j + 2] - mean[j + 2]; o[3] = row[j + 3] - mean[j + 3]
        }
        for s in fullStrips..<strips {
            let o = packed + (s * count + p) * 4
            for r in 0..<4 { let j = 4 * s + r; o[r] = j < d ? row[j] - mean[j] : 0 }
        }
    }
    for tileRow in tileRows {
        let a = UnsafePointer(packed + tileRow * count * 4)
        let rowsValid = Swift.min(4, d - 4 * tileRow)
        for tileColumn in 0...tileRow {
            let b = UnsafePointer(packed + tileColumn * count * 4)
            let columnsValid = Swift.min(4, d - 4 * tileColumn)
            let tile = c + 4 * tileRow * d + 4 * tileColumn
            if rowsValid == 4 && columnsValid == 4 {
                microKernel4x4(kc: count, a: a, b: b, c: tile, ldc: d)
            } else {
                for q in 0..<16 { edge[q] = 0 }
                microKernel4x4(kc: count, a: a, b: b, c: edge, ldc: 4)
                for r in 0..<rowsValid { for q in 0..<columnsValid { tile[r * d + q] += edge[r * 4 + q] } }
            }
        }
    }
}

/// C (m×n, leading dimension ldc) += A B for strided operands — the blocked kernel, for use by the decompositions
/// on sub-blocks of their working arrays.
func accumulateProduct(m: Int, n: Int, k: Int, a: StridedOperand, b: StridedOperand,
                       c: UnsafeMutablePointer<Double>, ldc: Int, workspace: PackingWorkspace? = nil) {
    if m == 0 || n == 0 || k == 0 { return }
    blockedProduct(m: m, n: n, k: k, a: a, b: b, c: c, ldc: ldc, workspace: workspace)
}
