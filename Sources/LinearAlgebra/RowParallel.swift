// RowParallel — work split by rows over the processors, with results that do not depend on the split.
//
// Everything here divides rows 0 ..< n into contiguous chunks and processes each chunk on its own thread
// (DispatchQueue.concurrentPerform). It is only used for work where every output row depends on its own input row
// alone and is computed by the same sequence of floating-point operations whatever chunk it falls in, so the result
// is bit-for-bit the serial one on any number of processors: same seed ⇒ same bytes still holds. Reductions across
// rows (sums over n) stay serial, in row order, with the callers.

import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#elseif canImport(Musl)
import Musl
#endif

public enum RowParallel {
    /// Processors online when the program started (at least 1).
    public static let processorCount: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    /// Below this many multiply–adds (or comparable scalar operations) a split costs more than it saves.
    public static let minimumWork = 1 << 20

    /// Chunks per processor: a few, so that `concurrentPerform` hands the next chunk to whichever thread is free —
    /// when another thread of the program (figures rendering beside the computation) holds a core, the others take
    /// up its share instead of waiting for it. The split never changes a result.
    public static let chunksPerProcessor = 4

    /// Calls `body` once per chunk of rows, concurrently; `work` is the total operation count (to skip small jobs).
    /// Chunk boundaries are multiples of `alignment` (e.g. the register tile of the product kernel).
    public static func forEachChunk(rows n: Int, work: Int, alignment: Int = 1, _ body: @Sendable (Range<Int>) -> Void) {
        let chunks = min(processorCount * chunksPerProcessor, max(1, n / max(alignment, 8)))
        guard processorCount > 1, chunks > 1, work >= minimumWork else { body(0..<n); return }
        let step = (n + chunks - 1) / chunks
        let size = (step + alignment - 1) / alignment * alignment
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            let lower = min(n, c * size), upper = min(n, (c + 1) * size)
            if lower < upper { body(lower..<upper) }
        }
    }
}

/// A raw pointer that may cross into the chunks of `RowParallel.forEachChunk`: each chunk writes only its own rows.
@usableFromInline
struct SendablePointer<T>: @unchecked Sendable {
    let base: UnsafeMutablePointer<T>
    @usableFromInline init(_ base: UnsafeMutablePointer<T>) { self.base = base }
}

/// A read-only raw pointer for the chunks of `RowParallel.forEachChunk`.
@usableFromInline
struct SendableConstPointer<T>: @unchecked Sendable {
    let base: UnsafePointer<T>
    @usableFromInline init(_ base: UnsafePointer<T>) { self.base = base }
}

extension Matrix {
    /// A B with the rows of the result split over the processors (`RowParallel`): bit-for-bit `a * b`.
    public static func rowParallelProduct(_ a: Matrix, _ b: Matrix) -> Matrix {
        precondition(a.columns == b.rows, "Matrix.rowParallelProduct: \(a.rows)×\(a.columns) times \(b.rows)×\(b.columns) — inner dimensions differ")
        return product(m: a.rows, n: b.columns, k: a.columns, a: a.elements, aRowStride: a.columns, aColumnStride: 1,
                       b: b.elements, bRowStride: b.columns, bColumnStride: 1, parallel: true)
    }

    /// Aᵀ B split by rows of the result over the processors: bit-for-bit `transposeTimes(b)`.
    public func rowParallelTransposeTimes(_ b: Matrix) -> Matrix {
        precondition(rows == b.rows, "Matrix.rowParallelTransposeTimes: (\(rows)×\(columns))ᵀ times \(b.rows)×\(b.columns) — row counts differ")
        return Matrix.product(m: columns, n: b.columns, k: rows, a: elements, aRowStride: 1, aColumnStride: columns,
                              b: b.elements, bRowStride: b.columns, bColumnStride: 1, parallel: true)
    }

    /// A Bᵀ split by rows of the result over the processors: bit-for-bit `timesTranspose(b)`.
    public func rowParallelTimesTranspose(_ b: Matrix) -> Matrix {
        precondition(columns == b.columns, "Matrix.rowParallelTimesTranspose: \(rows)×\(columns) times (\(b.rows)×\(b.columns))ᵀ — column counts differ")
        return Matrix.product(m: rows, n: b.rows, k: columns, a: elements, aRowStride: columns, aColumnStride: 1,
                              b: b.elements, bRowStride: 1, bColumnStride: b.columns, parallel: true)
    }
}
