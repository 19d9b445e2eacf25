/// A scalar field sampled on a rectilinear grid: `values[j * xs.count + i] = f(xs[i], ys[j])`, with `xs` and `ys`
/// strictly ascending. Used by filled contours and contour lines.
public struct ScalarGrid: Sendable, Equatable {
    public let xs: [Double]
    public let ys: [Double]
    public let values: [Double]

    /// A grid from its nodes and values (row j holds y = ys[j]). Inconsistent sizes are reported when the figure is
    /// rendered, as `PlotError.invalidData`.
    public init(xs: [Double], ys: [Double], values: [Double]) {
        self.xs = xs
        self.ys = ys
        self.values = values
    }

    /// Samples `f` on `nx` × `ny` equally spaced nodes spanning the closed ranges (both ends included).
    public init(x: ClosedRange<Double>, y: ClosedRange<Double>, nx: Int, ny: Int, _ f: (Double, Double) -> Double) {
        let nx = max(nx, 2), ny = max(ny, 2)
        let xs = (0..<nx).map { x.lowerBound + (x.upperBound - x.lowerBound) * Double($0) / Double(nx - 1) }
        let ys = (0..<ny).map { y.lowerBound + (y.upperBound - y.lowerBound) * Double($0) / Double(ny - 1) }
        var values: [Double] = []
        values.reserveCapacity(nx * ny)
        for yj in ys { for xi in xs { values.append(f(xi, yj)) } }
        self.init(xs: xs, ys: ys, values: values)
    }

    /// The value at node (i, j).
    @inline(__always) func value(_ i: Int, _ j: Int) -> Double { values[j * xs.count + i] }

    /// A description of what is wrong with the grid, or nil if it is usable.
    func problem() -> String? {
        if xs.count < 2 || ys.count < 2 { return "a scalar grid needs at least 2×2 nodes, got \(xs.count)×\(ys.count)" }
        if values.count != xs.count * ys.count {
            return "a \(xs.count)×\(ys.count) scalar grid needs \(xs.count * ys.count) values, got \(values.count)"
        }
        for k in 1..<xs.count where !(xs[k] > xs[k - 1]) { return "scalar grid xs must be strictly ascending (index \(k))" }
        for k in 1..<ys.count where !(ys[k] > ys[k - 1]) { return "scalar grid ys must be strictly ascending (index \(k))" }
        if !values.allSatisfy(\.isFinite) { return "scalar grid values must be finite" }
        return nil
    }

    /// The smallest and largest value.
    var valueRange: (Double, Double) {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values { lo = min(lo, v); hi = max(hi, v) }
        return (lo, hi)
    }
}
