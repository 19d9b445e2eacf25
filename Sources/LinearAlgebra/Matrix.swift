/// A dense matrix of `Double`, stored **row-major**: element (i, j) is `elements[i * columns + j]`.
///
/// Row-major storage means a row is contiguous in memory; the kernels in this module are written so that their inner
/// loops walk along rows (see `Matrix+Multiplication.swift`, `SymmetricEigen.swift`). Matrices with zero rows or zero
/// columns are allowed.
///
/// Shape mismatches in plain arithmetic (`+`, `-`, `*`, `times`) are programming errors and stop the program with a
/// `precondition` message that names both shapes; the decompositions (`Cholesky`, `SymmetricEigen`, `SVD`,
/// `LUDecomposition`) instead throw a typed `LinearAlgebraError`.
public struct Matrix: Sendable, Equatable {
    public let rows: Int
    public let columns: Int
    /// Row-major storage: element (i, j) is `elements[i * columns + j]`.
    public var elements: [Double]

    /// A matrix from its row-major elements; `elements.count` must be `rows * columns`.
    public init(rows: Int, columns: Int, elements: [Double]) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative shape \(rows)×\(columns)")
        precondition(elements.count == rows * columns, "Matrix: \(elements.count) elements for \(rows)×\(columns)")
        self.rows = rows
        self.columns = columns
        self.elements = elements
    }

    /// A `rows × columns` matrix with every entry equal to `value`.
    public init(rows: Int, columns: Int, repeating value: Double) {
        precondition(rows >= 0 && columns >= 0, "Matrix: negative shape \(rows)×\(columns)")
        self.init(rows: rows, columns: columns, elements: Array(repeating: value, count: rows * columns))
    }

    /// A matrix from an array of rows, which must all have the same length (`[]` gives a 0×0 matrix).
    public init(_ rowArrays: [[Double]]) {
        let columns = rowArrays.first?.count ?? 0
        for (i, row) in rowArrays.enumerated() {
            precondition(row.count == columns, "Matrix: row \(i) has \(row.count) entries, row 0 has \(columns)")
        }
        self.init(rows: rowArrays.count, columns: columns, elements: rowArrays.flatMap { $0 })
    }

    /// The square matrix with `diagonal` on its diagonal and zeros elsewhere.
    public init(diagonal: [Double]) {
        let n = diagonal.count
        var elements = [Double](repeating: 0, count: n * n)
        for i in 0..<n { elements[i * n + i] = diagonal[i] }
        self.init(rows: n, columns: n, elements: elements)
    }

    /// The n × n identity.
    public static func identity(_ n: Int) -> Matrix { Matrix(diagonal: [Double](repeating: 1, count: n)) }

    /// The rows × columns zero matrix.
    public static func zeros(_ rows: Int, _ columns: Int) -> Matrix { Matrix(rows: rows, columns: columns, repeating: 0) }

    /// Element (i, j), 0-based.
    @inlinable
    public subscript(i: Int, j: Int) -> Double {
        get {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix: index (\(i), \(j)) outside \(rows)×\(columns)")
            return elements[i * columns + j]
        }
        set {
            precondition(i >= 0 && i < rows && j >= 0 && j < columns, "Matrix: index (\(i), \(j)) outside \(rows)×\(columns)")
            elements[i * columns + j] = newValue
        }
    }

    /// Row i as an array.
    public func row(_ i: Int) -> [Double] {
        precondition(i >= 0 && i < rows, "Matrix: row \(i) outside 0..<\(rows)")
        return Array(elements[(i * columns)..<((i + 1) * columns)])
    }

    /// Column j as an array.
    public func column(_ j: Int) -> [Double] {
        precondition(j >= 0 && j < columns, "Matrix: column \(j) outside 0..<\(columns)")
        return (0..<rows).map { elements[$0 * columns + j] }
    }

    /// The rows as arrays (`rowArrays[i][j]` is element (i, j)).
    public var rowArrays: [[Double]] { (0..<rows).map(row) }

    /// The transpose Aᵀ, computed in 32 × 32 tiles so both reads and writes stay in cache.
    public var transposed: Matrix {
        var result = [Double](repeating: 0, count: rows * columns)
        let (m, n) = (rows, columns)
        let tile = 32
        elements.withUnsafeBufferPointer { a in
            result.withUnsafeMutableBufferPointer { t in
                for i0 in stride(from: 0, to: m, by: tile) {
                    let i1 = Swift.min(i0 + tile, m)
                    for j0 in stride(from: 0, to: n, by: tile) {
                        let j1 = Swift.min(j0 + tile, n)
                        for i in i0..<i1 {
                            for j in j0..<j1 { t[j * m + i] = a[i * n + j] }
                        }
                    }
                }
            }
        }
        return Matrix(rows: columns, columns: rows, elements: result)
    }

    /// The columns in `range` (all rows).
    public func columns(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= columns, "Matrix: columns \(range) outside 0..<\(columns)")
        var result = [Double]()
        result.reserveCapacity(rows * range.count)
        for i in 0..<rows {
            result.append(contentsOf: elements[(i * columns + range.lowerBound)..<(i * columns + range.upperBound)])
        }
        return Matrix(rows: rows, columns: range.count, elements: result)
    }

    /// The rows in `range` (all columns).
    public func rows(_ range: Range<Int>) -> Matrix {
        precondition(range.lowerBound >= 0 && range.upperBound <= rows, "Matrix: rows \(range) outside 0..<\(rows)")
        return Matrix(rows: range.count, columns: columns,
                      elements: Array(elements[(range.lowerBound * columns)..<(range.upperBound * columns)]))
    }

    /// The rows at `indices`, in that order (repeats allowed), gathered into one contiguous matrix (indices.count × columns).
    public func rows(at indices: [Int]) -> Matrix {
        let d = columns
        var result = [Double](repeating: 0, count: indices.count * d)
        elements.withUnsafeBufferPointer { e in
            result.withUnsafeMutableBufferPointer { r in
                for (k, i) in indices.enumerated() {
                    precondition(i >= 0 && i < rows, "Matrix: row \(i) outside 0..<\(rows)")
                    (r.baseAddress! + k * d).update(from: e.baseAddress! + i * d, count: d)
                }
            }
        }
        return Matrix(rows: indices.count, columns: d, elements: result)
    }

    /// The columns at `indices`, in that order (repeats allowed): a rows × indices.count matrix.
    public func columns(at indices: [Int]) -> Matrix {
        for j in indices { precondition(j >= 0 && j < columns, "Matrix: column \(j) outside 0..<\(columns)") }
        let (d, k) = (columns, indices.count)
        var result = [Double](repeating: 0, count: rows * k)
        elements.withUnsafeBufferPointer { e in
            result.withUnsafeMutableBufferPointer { r in
                for i in 0..<rows {
                    for (c, j) in indices.enumerated() { r[i * k + c] = e[i * d + j] }
                }
            }
        }
        return Matrix(rows: rows, columns: k, elements: result)
    }

    /// The diagonal entries (min(rows, columns) of them).
    public var diagonal: [Double] { (0..<Swift.min(rows, columns)).map { elements[$0 * columns + $0] } }

    /// Entrywise sum; shapes must match (precondition).
    public static func + (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "Matrix +: shapes \(a.rows)×\(a.columns) and \(b.rows)×\(b.columns) differ")
        var r = a.elements
        r.withUnsafeMutableBufferPointer { r in
            b.elements.withUnsafeBufferPointer { b in
                for k in 0..<r.count { r[k] += b[k] }
            }
        }
        return Matrix(rows: a.rows, columns: a.columns, elements: r)
    }

    /// Entrywise difference; shapes must match (precondition).
    public static func - (a: Matrix, b: Matrix) -> Matrix {
        precondition(a.rows == b.rows && a.columns == b.columns, "Matrix -: shapes \(a.rows)×\(a.columns) and \(b.rows)×\(b.columns) differ")
        var r = a.elements
        r.withUnsafeMutableBufferPointer { r in
            b.elements.withUnsafeBufferPointer { b in
                for k in 0..<r.count { r[k] -= b[k] }
            }
        }
        return Matrix(rows: a.rows, columns: a.columns, elements: r)
    }

    /// Negation −A.
    public static prefix func - (a: Matrix) -> Matrix { Matrix(rows: a.rows, columns: a.columns, elements: a.elements.map { -$0 }) }

    /// The scalar multiple s·A.
    public static func * (s: Double, a: Matrix) -> Matrix {
        Matrix(rows: a.rows, columns: a.columns, elements: a.elements.map { s * $0 })
    }

    /// The scalar multiple A·s.
    public static func * (a: Matrix, s: Double) -> Matrix { s * a }

    /// The Frobenius norm ‖A‖_F = √(Σ a_ij²), computed with scaling so that it neither overflows nor underflows.
    public var frobeniusNorm: Double { Vector.norm(elements) }

    /// The matrix with `transform` applied to every entry.
    public func map(_ transform: (Double) throws -> Double) rethrows -> Matrix {
        Matrix(rows: rows, columns: columns, elements: try elements.map(transform))
    }

    /// A + s I (square A; precondition) — e.g. the PPCA covariance W Wᵀ + σ² I.
    public func addingToDiagonal(_ s: Double) -> Matrix {
        precondition(rows == columns, "Matrix.addingToDiagonal: \(rows)×\(columns) is not square")
        var e = elements
        for i in 0..<rows { e[i * columns + i] += s }
        return Matrix(rows: rows, columns: columns, elements: e)
    }

    /// The largest absolute entry max |a_ij| (0 for an empty matrix).
    public var maxAbs: Double {
        elements.withUnsafeBufferPointer { e in
            var largest = 0.0
            for v in e { largest = Swift.max(largest, Swift.abs(v)) }
            return largest
        }
    }

    /// The trace Σ a_ii (of the leading min(rows, columns) diagonal).
    public var trace: Double { diagonal.reduce(0, +) }

    /// True when every entry is finite (no NaN, no ±∞).
    ///
    /// One vectorised pass: Σ 0·aᵢⱼ is 0 when every entry is finite and NaN as soon as one is NaN or ±∞.
    public var isFinite: Bool {
        elements.withUnsafeBufferPointer { e in
            guard let base = e.baseAddress else { return true }
            var s0 = SIMD4<Double>(), s1 = SIMD4<Double>()
            var k = 0
            while k + 8 <= e.count {
                s0 += 0 * VectorKernels.load(base, k)
                s1 += 0 * VectorKernels.load(base, k + 4)
                k += 8
            }
            var s = (s0 + s1).sum()
            while k < e.count { s += 0 * base[k]; k += 1 }
            return s == 0
        }
    }

    /// True for a square matrix.
    public var isSquare: Bool { rows == columns }
}

extension Matrix: CustomStringConvertible {
    public var description: String {
        "Matrix \(rows)×\(columns)\n" + rowArrays.map { $0.map { "\($0)" }.joined(separator: "\t") }.joined(separator: "\n")
    }
}
