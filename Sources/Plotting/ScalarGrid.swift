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
        let (xs, ys) = Self.nodes(x: x, y: y, nx: nx, ny: ny)
        var values: [Double] = []
        values.reserveCapacity(xs.count * ys.count)
        for yj in ys { for xi in xs { values.append(f(xi, yj)) } }
        self.init(xs: xs, ys: ys, values: values)
    }

    /// The node coordinates of `init(x:y:nx:ny:_:)` without sampling a function: `nx` (at least 2) equally spaced
    /// values xᵢ = x₀ + (x₁ − x₀)·i/(nx − 1), i = 0 … nx − 1, both ends included, and likewise `ny` values of y.
    /// Evaluate a field at all nodes at once (row j, then column i: the order of `values`), then build the grid
    /// with `ScalarGrid(xs:ys:values:)`:
    ///
    /// ```swift
    /// let (xs, ys) = ScalarGrid.nodes(x: -3...3, y: -2...2, nx: 160, ny: 160)
    /// let grid = ScalarGrid(xs: xs, ys: ys, values: density(ys.flatMap { y in xs.map { x in (x, y) } }))
    /// ```
    public static func nodes(x: ClosedRange<Double>, y: ClosedRange<Double>, nx: Int, ny: Int) -> (xs: [Double], ys: [Double]) {
        let nx = max(nx, 2), ny = max(ny, 2)
        let xs = (0..<nx).map { x.lowerBound + (x.upperBound - x.lowerBound) * Double($0) / Double(nx - 1) }
        let ys = (0..<ny).map { y.lowerBound + (y.upperBound - y.lowerBound) * Double($0) / Double(ny - 1) }
        return (xs, ys)
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
