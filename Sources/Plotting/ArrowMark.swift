import Foundation

/// A straight arrow whose filled, slightly swept-back head scales with the shaft width (in points, not data units).
struct ArrowMark: Mark {
    var from: (Double, Double), to: (Double, Double)
    var color: Color
    var width: Double
    var label: String?

    var problem: String? {
        [from.0, from.1, to.0, to.1].allSatisfy(\.isFinite) ? nil : "arrow: end points must be finite"
    }
    func extent(logX: Bool, logY: Bool) -> Extent {
        Extent(x: Extent.range([from.0, to.0], positive: logX), y: Extent.range([from.1, to.1], positive: logY))
    }

    /// Head length and half-width in points for a shaft of width `w`.
    static func headSize(width w: Double) -> (length: Double, halfWidth: Double) { (3.2 * w + 5, 1.3 * w + 2.2) }

    static func path(from p0: Point, to p1: Point, width: Double) -> (shaft: Path, head: Path)? {
        let dx = p1.x - p0.x, dy = p1.y - p0.y, length = hypot(dx, dy)
        guard length > 1e-9, p0.isFinite, p1.isFinite else { return nil }
        let ux = dx / length, uy = dy / length, nx = -uy, ny = ux
        let (hl0, hw0) = headSize(width: width)
        let hl = min(hl0, 0.5 * length), hw = hw0 * hl / hl0
        let base = Point(p1.x - ux * hl, p1.y - uy * hl)
        let notch = Point(p1.x - ux * hl * 0.8, p1.y - uy * hl * 0.8)
        var shaft = Path()
        shaft.move(to: p0)
        shaft.line(to: Point(notch.x + ux * 0.5, notch.y + uy * 0.5))
        let head = Path.polygon([p1, Point(base.x + nx * hw, base.y + ny * hw), notch, Point(base.x - nx * hw, base.y - ny * hw)])
        return (shaft, head)
    }

    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        guard let (shaft, head) = Self.path(from: t.point(from.0, from.1), to: t.point(to.0, to.1), width: width) else { return }
        r.stroke(shaft, style: StrokeStyle(color: color, width: width, cap: .butt))
        r.fill(head, color: color, rule: .nonZero)
    }
    var legendEntry: LegendEntry? { label.map { LegendEntry(label: $0, handle: .arrow(color, width: width)) } }
    func occupancy(_ t: DataTransform) -> [Point] { densify([t.point(from.0, from.1), t.point(to.0, to.1)]) }
}
