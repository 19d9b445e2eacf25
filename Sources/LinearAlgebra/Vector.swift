/// Operations on vectors stored as `[Double]`.
///
/// Length mismatches are programming errors and stop with a `precondition` message naming both lengths.
public enum Vector {
    /// The dot product Σ aᵢ bᵢ.
    public static func dot(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "Vector.dot: lengths \(a.count) and \(b.count) differ")
        return a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in dot(a.baseAddress, b.baseAddress, a.count) }
        }
    }

    /// Dot product of `count` entries from two pointers (four independent accumulators for throughput).
    @inlinable @inline(__always)
    static func dot(_ a: UnsafePointer<Double>?, _ b: UnsafePointer<Double>?, _ count: Int) -> Double {
        guard count > 0, let a, let b else { return 0 }
        var (s0, s1, s2, s3) = (0.0, 0.0, 0.0, 0.0)
        var k = 0
        while k + 4 <= count {
            s0 += a[k] * b[k]; s1 += a[k + 1] * b[k + 1]; s2 += a[k + 2] * b[k + 2]; s3 += a[k + 3] * b[k + 3]
            k += 4
        }
        while k < count { s0 += a[k] * b[k]; k += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// The Euclidean norm ‖a‖₂, scaled (as LAPACK's dnrm2) so that it neither overflows nor underflows.
    public static func norm(_ a: [Double]) -> Double {
        var scale = 0.0
        for x in a { scale = Swift.max(scale, Swift.abs(x)) }
        guard scale > 0, scale.isFinite else { return scale == 0 ? 0 : (a.contains { $0.isNaN } ? .nan : .infinity) }
        let inverse = 1 / scale
        var sum = 0.0
        for x in a { let y = x * inverse; sum += y * y }
        return scale * sum.squareRoot()
    }

    /// The sum a + b.
    public static func add(_ a: [Double], _ b: [Double]) -> [Double] {
        precondition(a.count == b.count, "Vector.add: lengths \(a.count) and \(b.count) differ")
        return zip(a, b).map { $0 + $1 }
    }

    /// The difference a − b.
    public static func subtract(_ a: [Double], _ b: [Double]) -> [Double] {
        precondition(a.count == b.count, "Vector.subtract: lengths \(a.count) and \(b.count) differ")
        return zip(a, b).map { $0 - $1 }
    }

    /// The multiple s·a.
    public static func scale(_ a: [Double], by s: Double) -> [Double] { a.map { s * $0 } }

    /// a + s·b (the BLAS axpy).
    public static func addScaled(_ a: [Double], _ s: Double, _ b: [Double]) -> [Double] {
        precondition(a.count == b.count, "Vector.addScaled: lengths \(a.count) and \(b.count) differ")
        return zip(a, b).map { $0 + s * $1 }
    }

    /// The squared Euclidean distance ‖a − b‖².
    public static func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
        precondition(a.count == b.count, "Vector.squaredDistance: lengths \(a.count) and \(b.count) differ")
        var s = 0.0
        for k in 0..<a.count { let d = a[k] - b[k]; s += d * d }
        return s
    }

    /// The outer product a bᵀ (a.count × b.count).
    public static func outer(_ a: [Double], _ b: [Double]) -> Matrix {
        var e = [Double]()
        e.reserveCapacity(a.count * b.count)
        for x in a { for y in b { e.append(x * y) } }
        return Matrix(rows: a.count, columns: b.count, elements: e)
    }
}
