import Foundation

/// Vertical bars from 0 (the bottom of a log axis) to each height, drawn as one filled path.
struct BarsMark: Mark {
    var x: [Double], heights: [Double]
    var width: Double
    var color: Color
    var label: String?

    var problem: String? {
        if !(width.isFinite && width > 0) { return "bars: width must be positive" }
        return lengthProblem("bars", [("x", x), ("heights", heights)])
    }
    func extent(logX: Bool, logY: Bool) -> Extent {
        let xs = x.flatMap { [$0 - width / 2, $0 + width / 2] }
        let ys = logY ? heights : heights + [0]
        return Extent(x: Extent.range(xs, positive: logX), y: Extent.range(ys, positive: logY), stickyY: logY ? [] : [0])
    }
    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        var path = Path()
        let base = t.y.scale == .log10 ? t.y.lower : 0
        for k in x.indices {
            let a = t.point(x[k] - width / 2, base), b = t.point(x[k] + width / 2, heights[k])
            guard a.isFinite, b.isFinite else { continue }
            path.append(.rectangle(Rect(x: min(a.x, b.x), y: min(a.y, b.y), width: abs(b.x - a.x), height: abs(b.y - a.y))))
        }
        r.fill(path, color: color, rule: .nonZero)
    }
    var legendEntry: LegendEntry? { label.map { LegendEntry(label: $0, handle: .patch(fill: color, edge: nil)) } }
    func occupancy(_ t: DataTransform) -> [Point] {
        x.indices.flatMap { k -> [Point] in
            let top = t.point(x[k], heights[k]), bottom = t.point(x[k], t.y.scale == .log10 ? t.y.lower : 0)
            return densify([bottom, top])
        }
    }
}
