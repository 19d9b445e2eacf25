import Foundation

// MARK: - Scatter

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
        for k in x.indices {
            let p = t.point(x[k], y[k])
            guard p.isFinite else { continue }
            let c = (colors?[k] ?? color).withAlpha(alpha)
            Self.drawMarker(marker, at: p, size: size, color: c, renderer: r)
        }
    }

    static func drawMarker(_ marker: Marker, at p: Point, size s: Double, color c: Color, renderer r: Renderer) {
        switch marker {
        case .circle:
            r.fill(.circle(center: p, radius: s), color: c, rule: .nonZero)
        case .square:
            let h = s * 0.886  // same area as the circle
            r.fill(.rectangle(Rect(x: p.x - h, y: p.y - h, width: 2 * h, height: 2 * h)), color: c, rule: .nonZero)
        case .triangle:
            let h = s * 1.3
            r.fill(.polygon([Point(p.x, p.y - h), Point(p.x + 0.866 * h, p.y + 0.5 * h), Point(p.x - 0.866 * h, p.y + 0.5 * h)]),
                   color: c, rule: .nonZero)
        case .diamond:
            let h = s * 1.25
            r.fill(.polygon([Point(p.x, p.y - h), Point(p.x + 0.8 * h, p.y), Point(p.x, p.y + h), Point(p.x - 0.8 * h, p.y)]),
                   color: c, rule: .nonZero)
        case .cross, .plus:
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
    }

    var legendEntry: LegendEntry? {
        label.map { LegendEntry(label: $0, handle: .marker(marker, (colors?.first ?? color).withAlpha(max(alpha, 0.8)), size: min(size, 4))) }
    }

    func occupancy(_ t: DataTransform) -> [Point] { x.indices.map { t.point(x[$0], y[$0]) }.filter(\.isFinite) }
}

// MARK: - Line

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

// MARK: - Arrow

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

// MARK: - Ellipse

struct EllipseMark: Mark {
    var mean: (Double, Double)
    var covariance: [[Double]]
    var k: Double
    var color: Color
    var fill: Color?
    var width: Double
    var dash: Dash
    var label: String?

    var geometry: Result<EllipseGeometry, PlotError> {
        Result { () throws(PlotError) -> EllipseGeometry in try EllipseGeometry(mean: mean, covariance: covariance, k: k) }
    }
    var problem: String? {
        if case let .failure(e) = geometry { if case let .invalidData(m) = e { return m }; return "\(e)" }
        return nil
    }
    func dataPoints() -> [(Double, Double)] { (try? geometry.get())?.points(count: 180) ?? [] }
    func extent(logX: Bool, logY: Bool) -> Extent {
        let pts = dataPoints()
        return Extent(x: Extent.range(pts.map(\.0), positive: logX), y: Extent.range(pts.map(\.1), positive: logY))
    }
    var style: StrokeStyle { StrokeStyle(color: color, width: width, dash: dash.pattern(width: width), join: .round) }
    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        let path = Path.polygon(dataPoints().map { t.point($0.0, $0.1) })
        if let fill { r.fill(path, color: fill, rule: .nonZero) }
        r.stroke(path, style: style)
    }
    var legendEntry: LegendEntry? { label.map { LegendEntry(label: $0, handle: .ellipse(edge: style, fill: fill)) } }
    func occupancy(_ t: DataTransform) -> [Point] { densify(dataPoints().map { t.point($0.0, $0.1) }) }
}

// MARK: - Contours

/// Contour levels.
enum ContourLevels {
    /// Nice levels covering [lo, hi] (first ≤ lo, last ≥ hi) with about `count` bands, for filled contours.
    static func covering(lo: Double, hi: Double, count: Int) -> [Double] {
        guard hi > lo else { return [lo - 0.5, lo + 0.5] }
        let step = Ticks.niceStep(span: hi - lo, maxCount: max(count, 1))
        let first = floor(lo / step + 1e-9), last = ceil(hi / step - 1e-9)
        return stride(from: first, through: last, by: 1).map { $0 == 0 ? 0 : $0 * step }
    }

    /// Nice levels strictly inside (lo, hi), for contour lines.
    static func inside(lo: Double, hi: Double, count: Int) -> [Double] {
        guard hi > lo else { return [] }
        return Ticks.linear(lower: lo, upper: hi, maxCount: max(count, 1)).values.filter { $0 > lo && $0 < hi }
    }
}

struct FilledContourMark: Mark {
    var grid: ScalarGrid
    var givenLevels: [Double]?
    var levelCount: Int
    var colorMap: ColorMap
    var colorBarLabel: String?

    var problem: String? {
        if let p = grid.problem() { return "filled contour: " + p }
        if let l = givenLevels, l.count < 2 || zip(l, l.dropFirst()).contains(where: { $0 >= $1 }) {
            return "filled contour: levels must be at least two strictly ascending values"
        }
        return nil
    }
    var levels: [Double] {
        if let givenLevels { return givenLevels }
        let (lo, hi) = grid.valueRange
        return ContourLevels.covering(lo: lo, hi: hi, count: levelCount)
    }
    /// Colour of band k (between levels k and k+1), spreading the map over all bands.
    func bandColors(_ levels: [Double]) -> [Color] {
        let n = levels.count - 1
        return (0..<n).map { colorMap.color(at: n == 1 ? 0.5 : Double($0) / Double(n - 1)) }
    }
    func extent(logX: Bool, logY: Bool) -> Extent {
        let x = Extent.range([grid.xs.first!, grid.xs.last!], positive: logX)
        let y = Extent.range([grid.ys.first!, grid.ys.last!], positive: logY)
        return Extent(x: x, y: y, stickyX: [grid.xs.first!, grid.xs.last!], stickyY: [grid.ys.first!, grid.ys.last!])
    }

    /// Bands are painted as nested superlevel sets {f ≥ levelₖ} in increasing order, each as one path. Every
    /// boundary therefore has the lower band fully painted beneath it, so there are no seams between cells or
    /// between bands. Values above the last level take the last band's colour; values below the first are unfilled.
    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        let levels = self.levels, colors = bandColors(levels)
        for k in 0..<(levels.count - 1) {
            var path = Path()
            path.elements.reserveCapacity(1024)
            MarchingSquares.superlevelPolygons(grid, level: levels[k]) { poly in
                path.move(to: t.point(poly[0].x, poly[0].y))
                for p in poly.dropFirst() { path.line(to: t.point(p.x, p.y)) }
                path.close()
            }
            r.fill(path, color: colors[k], rule: .nonZero)
        }
    }
    var colorBar: ColorBarSpec? {
        let l = levels
        return ColorBarSpec(colorMap: colorMap, lower: l.first!, upper: l.last!, levels: l, bandColors: bandColors(l), label: colorBarLabel)
    }
}

struct ContourMark: Mark {
    var grid: ScalarGrid
    var givenLevels: [Double]?
    var levelCount: Int
    var color: Color
    var width: Double
    var label: String?

    var problem: String? { grid.problem().map { "contour: " + $0 } }
    var levels: [Double] {
        if let givenLevels { return givenLevels.sorted() }
        let (lo, hi) = grid.valueRange
        return ContourLevels.inside(lo: lo, hi: hi, count: levelCount)
    }
    func extent(logX: Bool, logY: Bool) -> Extent {
        Extent(x: Extent.range([grid.xs.first!, grid.xs.last!], positive: logX),
               y: Extent.range([grid.ys.first!, grid.ys.last!], positive: logY),
               stickyX: [grid.xs.first!, grid.xs.last!], stickyY: [grid.ys.first!, grid.ys.last!])
    }
    var style: StrokeStyle { StrokeStyle(color: color, width: width, join: .round) }
    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        var path = Path()
        for level in levels {
            for line in MarchingSquares.lines(grid, level: level) {
                path.append(.polyline(line.map { t.point($0.x, $0.y) }))
            }
        }
        r.stroke(path, style: style)
    }
    var legendEntry: LegendEntry? { label.map { LegendEntry(label: $0, handle: .line(style)) } }
}

// MARK: - Heatmap

/// A matrix drawn as coloured cells: entry (r, c) covers x ∈ [c − ½, c + ½], y ∈ [r − ½, r + ½], with row 0 at the
/// top (the axes' y axis is inverted, as for an image).
struct HeatmapMark: Mark {
    var values: [Double]
    var rows: Int, columns: Int
    var colorMap: ColorMap

    var problem: String? {
        if rows < 1 || columns < 1 { return "heatmap: needs at least one row and one column" }
        if values.count != rows * columns { return "heatmap: \(rows)×\(columns) needs \(rows * columns) values, got \(values.count)" }
        if !values.allSatisfy(\.isFinite) { return "heatmap: values must be finite" }
        return nil
    }
    var range: (Double, Double) { valueRange(values, colorMap: colorMap) }
    func extent(logX: Bool, logY: Bool) -> Extent {
        let x = -0.5...(Double(columns) - 0.5), y = -0.5...(Double(rows) - 0.5)
        return Extent(x: x, y: y, stickyX: [x.lowerBound, x.upperBound], stickyY: [y.lowerBound, y.upperBound])
    }
    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        let image = rasterImage(values, width: columns, height: rows, colorMap: colorMap, range: range)
        let a = t.point(-0.5, -0.5), b = t.point(Double(columns) - 0.5, Double(rows) - 0.5)
        r.image(image, in: Rect(x: min(a.x, b.x), y: min(a.y, b.y), width: abs(b.x - a.x), height: abs(b.y - a.y)), nearest: true)
    }
    var colorBar: ColorBarSpec? {
        let (lo, hi) = range
        return ColorBarSpec(colorMap: colorMap, lower: lo, upper: hi, levels: nil, bandColors: nil, label: label)
    }
    var label: String?
}

/// The colour range of values: min…max, or symmetric about zero for a diverging map; widened if degenerate.
func valueRange(_ values: [Double], colorMap: ColorMap) -> (Double, Double) {
    var lo = values.min() ?? 0, hi = values.max() ?? 1
    if colorMap.isDiverging { let m = max(abs(lo), abs(hi)); lo = -m; hi = m }
    if !(hi > lo) { lo -= 0.5; hi += 0.5 }
    return (lo, hi)
}

/// Values (row-major, top row first) through a colour map into an RGBA image.
func rasterImage(_ values: [Double], width: Int, height: Int, colorMap: ColorMap, range: (Double, Double)) -> RasterImage {
    var rgba = [UInt8](repeating: 0, count: 4 * width * height)
    let (lo, hi) = range
    for k in 0..<(width * height) {
        let c = colorMap.bytes(at: (values[k] - lo) / (hi - lo))
        rgba[4 * k] = c.0; rgba[4 * k + 1] = c.1; rgba[4 * k + 2] = c.2; rgba[4 * k + 3] = c.3
    }
    return RasterImage(width: width, height: height, rgba: rgba)
}

// MARK: - Image grid

/// Small images (e.g. 8×8 digits) in a grid filling the axes, with optional captions under each image. Pixels are
/// drawn nearest-neighbour so they stay crisp.
struct ImageGridMark: Mark {
    var images: [[Double]]
    var imageRows: Int, imageColumns: Int
    var gridColumns: Int
    var captions: [String]?
    var colorMap: ColorMap
    var range: ClosedRange<Double>?

    static let captionSize = 9.0
    var problem: String? {
        if imageRows < 1 || imageColumns < 1 || gridColumns < 1 { return "image grid: sizes must be positive" }
        for (k, image) in images.enumerated() where image.count != imageRows * imageColumns {
            return "image grid: image \(k) has \(image.count) values, expected \(imageRows)×\(imageColumns)"
        }
        if let captions, captions.count != images.count { return "image grid: \(images.count) images but \(captions.count) captions" }
        if let range, !(range.upperBound > range.lowerBound) { return "image grid: range must not be empty" }
        return nil
    }
    var isImageMode: Bool { true }
    func extent(logX: Bool, logY: Bool) -> Extent { Extent() }

    /// Rects of each image and the caption baseline under it, centred horizontally in `plot` and aligned to its top.
    func layout(in plot: Rect, renderer r: Renderer) -> [(image: Rect, caption: Point?)] {
        let n = images.count
        guard n > 0 else { return [] }
        let cols = min(gridColumns, n), rowsCount = (n + cols - 1) / cols
        let aspect = Double(imageRows) / Double(imageColumns)  // height / width
        let captionHeight = captions == nil ? 0 : r.measure("0", size: Self.captionSize, weight: .regular).lineHeight + 1
        // gap between images: 8 % of the image width.
        let gapFraction = 0.08
        let wFromWidth = plot.width / (Double(cols) + Double(cols - 1) * gapFraction)
        let wFromHeight = (plot.height - Double(rowsCount) * captionHeight) / (Double(rowsCount) * aspect + Double(rowsCount - 1) * gapFraction)
        let w = max(1, min(wFromWidth, wFromHeight)), h = w * aspect, gap = w * gapFraction
        let totalW = Double(cols) * w + Double(cols - 1) * gap
        let totalH = Double(rowsCount) * (h + captionHeight) + Double(rowsCount - 1) * gap
        // Centred across, top-aligned so that a title stays right above the images.
        let x0 = plot.midX - totalW / 2, y0 = plot.minY
        let ascent = r.measure("0", size: Self.captionSize, weight: .regular).ascent
        return (0..<n).map { k in
            let row = k / cols, col = k % cols
            let rect = Rect(x: x0 + Double(col) * (w + gap), y: y0 + Double(row) * (h + captionHeight + gap), width: w, height: h)
            return (rect, captions == nil ? nil : Point(rect.midX, rect.maxY + ascent + 0.5))
        }
    }

    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        for (k, slot) in layout(in: plot, renderer: r).enumerated() {
            let values = images[k]
            let rng = range.map { ($0.lowerBound, $0.upperBound) } ?? valueRange(values, colorMap: colorMap)
            r.image(rasterImage(values, width: imageColumns, height: imageRows, colorMap: colorMap, range: rng), in: slot.image, nearest: true)
            r.stroke(.rectangle(slot.image), style: StrokeStyle(color: .grey(0.75), width: 0.5, join: .miter))
            if let origin = slot.caption, let caption = captions?[k] {
                let e = r.measure(caption, size: Self.captionSize, weight: .regular)
                r.text(caption, at: Point(origin.x - e.width / 2, origin.y), size: Self.captionSize, weight: .regular,
                       color: .reference, angle: 0)
            }
        }
    }
}

// MARK: - Bars, bands, reference lines, text

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

struct BandMark: Mark {
    var x: [Double], lower: [Double], upper: [Double]
    var color: Color
    var alpha: Double
    var label: String?

    var problem: String? { lengthProblem("band", [("x", x), ("lower", lower), ("upper", upper)]) }
    func extent(logX: Bool, logY: Bool) -> Extent {
        Extent(x: Extent.range(x, positive: logX), y: Extent.range(lower + upper, positive: logY))
    }
    func polygon(_ t: DataTransform) -> [Point] {
        x.indices.map { t.point(x[$0], upper[$0]) } + x.indices.reversed().map { t.point(x[$0], lower[$0]) }
    }
    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        r.fill(.polygon(polygon(t).filter(\.isFinite)), color: color.withAlpha(alpha), rule: .nonZero)
    }
    var legendEntry: LegendEntry? { label.map { LegendEntry(label: $0, handle: .patch(fill: color.withAlpha(alpha), edge: nil)) } }
    func occupancy(_ t: DataTransform) -> [Point] {
        // The band's interior: sample vertical segments between lower and upper.
        x.indices.flatMap { densify([t.point(x[$0], lower[$0]), t.point(x[$0], upper[$0])]) }
    }
}

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

/// A text annotation at a data point, aligned by `anchor` horizontally and centred vertically on the point.
struct TextMark: Mark {
    var text: String
    var x: Double, y: Double
    var color: Color
    var size: Double
    var anchor: TextAnchor

    var problem: String? {
        if !(x.isFinite && y.isFinite) { return "text: position must be finite" }
        if !(size.isFinite && size > 0) { return "text: size must be positive" }
        return nil
    }
    func extent(logX: Bool, logY: Bool) -> Extent {
        Extent(x: Extent.range([x], positive: logX), y: Extent.range([y], positive: logY))
    }
    func origin(_ r: Renderer, _ t: DataTransform) -> (Point, TextExtents) {
        let p = t.point(x, y)
        let e = r.measure(text, size: size, weight: .regular)
        let capHeight = r.measure("0", size: size, weight: .regular).inkTop
        let dx: Double
        switch anchor {
        case .left: dx = 0
        case .center: dx = -e.width / 2
        case .right: dx = -e.width
        }
        return (Point(p.x + dx, p.y + capHeight / 2), e)
    }
    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        let (o, _) = origin(r, t)
        guard o.isFinite else { return }
        r.text(text, at: o, size: size, weight: .regular, color: color, angle: 0)
    }
}
