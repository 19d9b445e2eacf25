import Testing

@testable import LinearAlgebra

/// The row-parallel products must equal the serial ones bit for bit (not just within a tolerance): the report's
/// promise "same seed ⇒ same bytes" must not depend on the number of processors. Shapes are large enough to be split
/// (≥ RowParallel.minimumWork multiply–adds), with row counts that are not multiples of the tile or the chunk.
@Suite("Row-parallel products")
struct RowParallelTests {
    static func gaussian(_ m: Int, _ n: Int, seed: UInt64) -> Matrix {
        var g = Xoshiro256StarStar(seed: seed)
        return Matrix(rows: m, columns: n, elements: (0..<(m * n)).map { _ in g.nextStandardNormal() })
    }

    @Test("A B, Aᵀ B and A Bᵀ equal the serial products bit for bit",
          arguments: [(203, 64, 400), (1797, 64, 64), (64, 1001, 64), (9, 300, 500), (400, 200, 64)])
    func bitIdentical(_ shape: (Int, Int, Int)) {
        let (m, k, n) = shape
        let a = Self.gaussian(m, k, seed: UInt64(m * 7 + k)), b = Self.gaussian(k, n, seed: UInt64(n * 11 + k))
        #expect(Matrix.rowParallelProduct(a, b).elements.map(\.bitPattern) == (a * b).elements.map(\.bitPattern))
        let at = a.transposed, bt = b.transposed
        #expect(at.rowParallelTransposeTimes(b).elements.map(\.bitPattern) == at.transposeTimes(b).elements.map(\.bitPattern))
        #expect(a.rowParallelTimesTranspose(bt).elements.map(\.bitPattern) == a.timesTranspose(bt).elements.map(\.bitPattern))
    }

    @Test("chunks cover every row exactly once")
    func chunksCoverRows() {
        for n in [1, 7, 8, 100, 1001] {
            let counts = UnsafeMutablePointer<Int>.allocate(capacity: n)
            counts.initialize(repeating: 0, count: n)
            defer { counts.deallocate() }
            let base = SendablePointer(counts)
            RowParallel.forEachChunk(rows: n, work: RowParallel.minimumWork, alignment: 4) { rows in
                for i in rows { base.base[i] += 1 }
            }
            #expect(Array(UnsafeBufferPointer(start: counts, count: n)) == Array(repeating: 1, count: n), "n = \(n)")
        }
    }
}
