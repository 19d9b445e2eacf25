import Foundation

/// A horizontal or vertical line across the whole plot area (a threshold, a true value).
struct ReferenceLineMark: Mark {
    enum Orientation { case horizontal, vertical }
    var orientation: Orientation
    var value: Double
    var color: Color
    var dash: Dash
    var label: String?
    static let width = 1.0

    var problem: String? { value.isFinite ? nil : "reference line: value must be finite" }
    func extent(logX: Bool, logY: Bool) -> Extent {
        switch orientation {
        case .horizontal: return Extent(y: Extent.range([value], positive: logY))
        case .vertical: return Extent(x: Extent.range([value], positive: logX))
        }
    }
    var style: StrokeStyle { StrokeStyle(color: color, width: Self.width, dash: dash.pattern(width: Self.width)) }
    func endpoints(_ t: DataTransform, plot: Rect) -> [Point] {
        switch orientation {
        case .horizontal: let y = t.y.position(value); return [Point(plot.minX, y), Point(plot.maxX, y)]
        case .vertical: let x = t.x.position(value); return [Point(x, plot.minY), Point(x, plot.maxY)]
        }
    }
    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        r.stroke(.polyline(endpoints(t, plot: plot)), style: style)
    }
    var legendEntry: LegendEntry? { label.map { LegendEntry(label: $0, handle: .line(style)) } }
    func occupancy(_ t: DataTransform) -> [Point] {
        let a = t.point(orientation == .vertical ? value : t.x.lower, orientation == .horizontal ? value : t.y.lower)
        let b = t.point(orientation == .vertical ? value : t.x.upper, orientation == .horizontal ? value : t.y.upper)
        return densify([a, b])
    }
}
