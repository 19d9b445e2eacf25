import Foundation

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
