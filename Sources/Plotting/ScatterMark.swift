import Foundation

/// Points drawn one by one (so overlaps darken, showing density) with a marker of radius `size` points.
struct ScatterMark: Mark {
    var x: [Double], y: [Double]
    var color: Color
    var colors: [Color]?
    /// Marker radius in points (half the marker's width).
    var size: Double
    var marker: Marker
    var alpha: Double
    var label: String?

    var problem: String? {
        if let colors, colors.count != x.count {
            return "scatter: \(x.count) points but \(colors.count) colours"
        }
        if !(size.isFinite && size > 0) { return "scatter: marker size must be positive, got \(size)" }
        return lengthProblem("scatter", [("x", x), ("y", y)])
    }

    func extent(logX: Bool, logY: Bool) -> Extent {
        Extent(x: Extent.range(x, positive: logX), y: Extent.range(y, positive: logY))
    }

    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        var centres: [Point] = []
        centres.reserveCapacity(x.count)
        var pointColors: [Color]? = colors == nil ? nil : []
        for k in x.indices {
            let p = t.point(x[k], y[k])
            guard p.isFinite else { continue }
            centres.append(p)
            if let colors { pointColors?.append(colors[k].withAlpha(alpha)) }
        }
        r.markers(centres, marker: marker, size: size, color: color.withAlpha(alpha), colors: pointColors)
    }

    /// The outline of a filled marker (circle, square, triangle, diamond) of radius `s` centred at `p`; nil for the
    /// stroked ones (cross, plus).
    static func markerPath(_ marker: Marker, at p: Point, size s: Double) -> Path? {
        switch marker {
        case .circle:
            return .circle(center: p, radius: s)
        case .square:
            let h = s * 0.886  // same area as the circle
            return .rectangle(Rect(x: p.x - h, y: p.y - h, width: 2 * h, height: 2 * h))
        case .triangle:
            let h = s * 1.3
            return .polygon([Point(p.x, p.y - h), Point(p.x + 0.866 * h, p.y + 0.5 * h), Point(p.x - 0.866 * h, p.y + 0.5 * h)])
        case .diamond:
            let h = s * 1.25
            return .polygon([Point(p.x, p.y - h), Point(p.x + 0.8 * h, p.y), Point(p.x, p.y + h), Point(p.x - 0.8 * h, p.y)])
        case .cross, .plus:
            return nil
        }
    }

    static func drawMarker(_ marker: Marker, at p: Point, size s: Double, color c: Color, renderer r: Renderer) {
        if let path = markerPath(marker, at: p, size: s) {
            r.fill(path, color: c, rule: .nonZero)
            return
        }
        var path = Path()
        let h = s * (marker == .cross ? 0.85 : 1.1)
        if marker == .cross {
            path.move(to: Point(p.x - h, p.y - h)); path.line(to: Point(p.x + h, p.y + h))
            path.move(to: Point(p.x - h, p.y + h)); path.line(to: Point(p.x + h, p.y - h))
        } else {
            path.move(to: Point(p.x - h, p.y)); path.line(to: Point(p.x + h, p.y))
            path.move(to: Point(p.x, p.y - h)); path.line(to: Point(p.x, p.y + h))
        }
        r.stroke(path, style: StrokeStyle(color: c, width: max(0.8, s * 0.45), cap: .butt))
    }

    var legendEntry: LegendEntry? {
        label.map { LegendEntry(label: $0, handle: .marker(marker, (colors?.first ?? color).withAlpha(max(alpha, 0.8)), size: min(size, 4))) }
    }

    func occupancy(_ t: DataTransform) -> [Point] { x.indices.map { t.point(x[$0], y[$0]) }.filter(\.isFinite) }
}
