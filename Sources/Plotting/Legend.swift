import Foundation

/// The legend: a white, slightly transparent box listing each labelled mark with a handle drawn like the mark
/// (marker, line with its dash, patch, arrow or ellipse).
struct LegendBox {
    var entries: [LegendEntry]
    var size: (width: Double, height: Double)
    var origin = Point(0, 0)

    static let padding = 5.0
    static let handleLength = 22.0
    static let handleGap = 6.0
    static let rowGap = 3.0
    static let inset = 6.0

    private let rowHeight: Double
    private let capHeight: Double

    init(entries: [LegendEntry], renderer r: Renderer) {
        self.entries = entries
        let font = r.measure("0", size: r.style.legendSize, weight: .regular)
        rowHeight = font.lineHeight
        capHeight = font.inkTop
        let labelWidth = entries.map { r.measure($0.label, size: r.style.legendSize, weight: .regular).width }.max() ?? 0
        size = (2 * Self.padding + Self.handleLength + Self.handleGap + labelWidth,
                2 * Self.padding + Double(entries.count) * rowHeight + Double(max(entries.count - 1, 0)) * Self.rowGap)
    }

    var rect: Rect { Rect(x: origin.x, y: origin.y, width: size.width, height: size.height) }

    /// How many mark points (`Mark.occupancy`) a `.best` legend may cover before it moves outside the plot.
    static let freeAllowance = 2
    /// `.best` moves the legend outside only if the plot area keeps at least this fraction of its width.
    static let minimumPlotFraction = 0.5

    /// The inside position `place` chose for `.best` (`.upperRight` … or `.best` itself for an edge midpoint).
    private(set) var chosen: LegendPosition = .upperRight

    /// Places the box and returns how many occupancy points it covers. `.best` scores eight candidates — the four
    /// inside corners and the middles of the four sides — by the number of mark points inside the box (grown by
    /// 2 pt): scatter points, line/ellipse/arrow vertices densified every 4 pt, band and bar interiors, contour
    /// lines and filled-contour band boundaries, text boxes. It keeps the least-covered one (ties go to the earlier
    /// candidate: upper right first, as matplotlib). Moving it outside when all are covered is the caller's job
    /// (`Axes.layout`).
    @discardableResult
    mutating func place(position: LegendPosition, plot: Rect, rightOf: Double, cbLabelWidth: Double, occupancy: [Point]) -> Int {
        let w = size.width, h = size.height, i = Self.inset
        let upperRight = Point(plot.maxX - i - w, plot.minY + i), upperLeft = Point(plot.minX + i, plot.minY + i)
        let lowerLeft = Point(plot.minX + i, plot.maxY - i - h), lowerRight = Point(plot.maxX - i - w, plot.maxY - i - h)
        func covered(_ c: Point) -> Int {
            let r = Rect(x: c.x - 2, y: c.y - 2, width: w + 4, height: h + 4)
            return occupancy.reduce(0) { $0 + (r.contains($1) ? 1 : 0) }
        }
        switch position {
        case .upperRight, .none: origin = upperRight
        case .upperLeft: origin = upperLeft
        case .lowerLeft: origin = lowerLeft
        case .lowerRight: origin = lowerRight
        case .outsideRight: origin = Point(rightOf + cbLabelWidth + 8, plot.minY); return 0
        case .below: return 0  // placed by the layout, under the x-axis label
        case .best:
            let candidates: [(Point, LegendPosition)] = [
                (upperRight, .upperRight), (upperLeft, .upperLeft), (lowerLeft, .lowerLeft), (lowerRight, .lowerRight),
                (Point(plot.midX - w / 2, plot.minY + i), .best), (Point(plot.midX - w / 2, plot.maxY - i - h), .best),
                (Point(plot.minX + i, plot.midY - h / 2), .best), (Point(plot.maxX - i - w, plot.midY - h / 2), .best)]
            var best = upperRight, bestCount = Int.max
            for (c, name) in candidates {
                let n = covered(c)
                if n < bestCount { best = c; bestCount = n; chosen = name }
            }
            origin = best
            return bestCount
        }
        return covered(origin)
    }

    func draw(renderer r: Renderer) {
        r.fill(.rectangle(rect), color: Color.white.withAlpha(0.85), rule: .nonZero)
        r.stroke(.rectangle(rect), style: StrokeStyle(color: .grey(0.8), width: 0.6, join: .miter, snap: true))
        for (k, entry) in entries.enumerated() {
            let midY = origin.y + Self.padding + Double(k) * (rowHeight + Self.rowGap) + rowHeight / 2
            let x0 = origin.x + Self.padding, x1 = x0 + Self.handleLength
            Self.drawHandle(entry.handle, from: x0, to: x1, midY: midY, renderer: r)
            r.text(entry.label, at: Point(x1 + Self.handleGap, midY + capHeight / 2), size: r.style.legendSize, weight: .regular,
                   color: Theme.textColor, angle: 0)
        }
    }

    static func drawHandle(_ handle: LegendHandle, from x0: Double, to x1: Double, midY: Double, renderer r: Renderer) {
        let mid = Point((x0 + x1) / 2, midY)
        switch handle {
        case let .marker(marker, color, size):
            ScatterMark.drawMarker(marker, at: mid, size: size, color: color, renderer: r)
        case let .line(style):
            r.stroke(.polyline([Point(x0, midY), Point(x1, midY)]), style: style)
        case let .patch(fill, edge):
            let rect = Rect(x: x0, y: midY - 4.5, width: x1 - x0, height: 9)
            r.fill(.rectangle(rect), color: fill, rule: .nonZero)
            if let edge { r.stroke(.rectangle(rect), style: StrokeStyle(color: edge, width: 0.8)) }
        case let .arrow(color, width):
            if let (shaft, head) = ArrowMark.path(from: Point(x0, midY), to: Point(x1, midY), width: min(width, 1.6)) {
                r.stroke(shaft, style: StrokeStyle(color: color, width: min(width, 1.6)))
                r.fill(head, color: color, rule: .nonZero)
            }
        case let .ellipse(edge, fill):
            let path = Path.ellipse(center: mid, rx: (x1 - x0) / 2 - 1, ry: 4)
            if let fill { r.fill(path, color: fill, rule: .nonZero) }
            var style = edge
            style.width = min(style.width, 1.5)
            r.stroke(path, style: style)
        }
    }
}
