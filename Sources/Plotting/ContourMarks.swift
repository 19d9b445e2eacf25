import Foundation

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

/// Filled contours: bands between successive levels coloured from a colour map, with a discrete colour bar.
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
    /// The band boundaries (the level lines), so a `.best` legend avoids the structure of the field.
    func occupancy(_ t: DataTransform) -> [Point] {
        levels.flatMap { level in MarchingSquares.lines(grid, level: level).flatMap { densify($0.map { t.point($0.x, $0.y) }) } }
    }
    var colorBar: ColorBarSpec? {
        let l = levels
        return ColorBarSpec(colorMap: colorMap, lower: l.first!, upper: l.last!, levels: l, bandColors: bandColors(l), label: colorBarLabel)
    }
}

/// Contour lines of a scalar grid at the given or automatic levels, all in one stroked path.
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
    func occupancy(_ t: DataTransform) -> [Point] {
        levels.flatMap { level in MarchingSquares.lines(grid, level: level).flatMap { densify($0.map { t.point($0.x, $0.y) }) } }
    }
}
