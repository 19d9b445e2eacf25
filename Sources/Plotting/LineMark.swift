import Foundation

/// A polyline in data coordinates, stroked with round joins; NaN breaks it.
struct LineMark: Mark {
    var x: [Double], y: [Double]
    var color: Color
    var width: Double
    var dash: Dash
    var label: String?

    var problem: String? { lengthProblem("line", [("x", x), ("y", y)], allowNaN: true) }
    func extent(logX: Bool, logY: Bool) -> Extent {
        Extent(x: Extent.range(x, positive: logX), y: Extent.range(y, positive: logY))
    }
    var style: StrokeStyle { StrokeStyle(color: color, width: width, dash: dash.pattern(width: width), cap: dash == .solid ? .round : .butt, join: .round) }

    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        r.stroke(.polyline(x.indices.map { t.point(x[$0], y[$0]) }), style: style)
    }
    var legendEntry: LegendEntry? { label.map { LegendEntry(label: $0, handle: .line(style)) } }
    func occupancy(_ t: DataTransform) -> [Point] { densify(x.indices.map { t.point(x[$0], y[$0]) }) }
}

/// Points along a polyline at most 4 pt apart, so a legend box crossing a long segment notices it.
func densify(_ points: [Point]) -> [Point] {
    var out: [Point] = []
    for k in points.indices {
        let p = points[k]
        guard p.isFinite else { continue }
        if k > 0, points[k - 1].isFinite {
            let q = points[k - 1]
            let n = Int(min(hypot(p.x - q.x, p.y - q.y) / 4, 200))
            if n > 1 { for s in 1..<n { let f = Double(s) / Double(n); out.append(Point(q.x + f * (p.x - q.x), q.y + f * (p.y - q.y))) } }
        }
        out.append(p)
    }
    return out
}
