import Foundation

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
