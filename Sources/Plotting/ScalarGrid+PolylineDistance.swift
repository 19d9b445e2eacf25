/// The distance field of a polyline, for a contour at a chosen distance from a curve (a "tube" of width 2r).
///
/// A true distance — to the nearest point of the segments, not an offset along the normal — so the contour cannot
/// loop or kink where the curve bends more tightly than the distance.
extension ScalarGrid {
    /// At every node (xs[i], ys[j]), the distance to the polyline through (x[k], y[k]), k = 0 … n − 1 (one point: the
    /// distance to that point). Values in the order of `values`, row j then column i.
    public static func distance(toPolylineX x: [Double], y: [Double], xs: [Double], ys: [Double]) -> ScalarGrid {
        let n = x.count
        var values = [Double]()
        values.reserveCapacity(xs.count * ys.count)
        for py in ys {
            for px in xs {
                var best = Double.infinity
                for i in 0..<max(n - 1, 1) {
                    let (ax, ay) = (x[i], y[i])
                    let (bx, by) = (x[min(i + 1, n - 1)], y[min(i + 1, n - 1)])
                    let (dx, dy) = (bx - ax, by - ay)
                    let length2 = dx * dx + dy * dy
                    let t = length2 > 0 ? min(max(((px - ax) * dx + (py - ay) * dy) / length2, 0), 1) : 0
                    let (ex, ey) = (ax + t * dx - px, ay + t * dy - py)
                    best = min(best, ex * ex + ey * ey)
                }
                values.append(best.squareRoot())
            }
        }
        return ScalarGrid(xs: xs, ys: ys, values: values)
    }
}
