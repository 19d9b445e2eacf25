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
    /// Optional ticks and labels along the bottom (x: grid columns) and left (y: grid rows) edges of the grid.
    var xAxis: ImageGridAxis? = nil
    var yAxis: ImageGridAxis? = nil
    /// A continuous colour bar for the shared `range`, right of the grid.
    var showsColorBar = false
    var colorBarLabel: String? = nil

    /// Captions are set at the style's tick-label size (9 pt on the pages).
    var problem: String? {
        if imageRows < 1 || imageColumns < 1 || gridColumns < 1 { return "image grid: sizes must be positive" }
        for (k, image) in images.enumerated() where image.count != imageRows * imageColumns {
            return "image grid: image \(k) has \(image.count) values, expected \(imageRows)×\(imageColumns)"
        }
        if let captions, captions.count != images.count { return "image grid: \(images.count) images but \(captions.count) captions" }
        if let range, !(range.upperBound > range.lowerBound) { return "image grid: range must not be empty" }
        if showsColorBar && range == nil { return "image grid: a colour bar needs a shared range (range: lo...hi)" }
        for (name, axis) in [("xAxis", xAxis), ("yAxis", yAxis)] {
            guard let axis else { continue }
            if axis.positions.count != axis.tickLabels.count {
                return "image grid: \(name) has \(axis.positions.count) positions but \(axis.tickLabels.count) tick labels"
            }
            if axis.positions.contains(where: { !$0.isFinite }) { return "image grid: \(name) positions must be finite" }
        }
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
        // gap between images: 8 % of the image width.
        let gapFraction = 0.08
        let wFromWidth = plot.width / (Double(cols) + Double(cols - 1) * gapFraction)
        func tileWidth(captionHeight: Double) -> Double {
            let wFromHeight = (plot.height - Double(rowsCount) * captionHeight) / (Double(rowsCount) * aspect + Double(rowsCount - 1) * gapFraction)
            return max(1, min(wFromWidth, wFromHeight))
        }
        var captionHeight = captions == nil ? 0 : captionLineHeight(renderer: r)
        var w = tileWidth(captionHeight: captionHeight)
        let lineCount = captionLineCount(tileWidth: w, renderer: r)
        if lineCount > 1 {
            captionHeight = Double(lineCount) * captionLineHeight(renderer: r)
            w = tileWidth(captionHeight: captionHeight)
        }
        let h = w * aspect, gap = w * gapFraction
        let totalW = Double(cols) * w + Double(cols - 1) * gap
        // Centred across, top-aligned so that a title stays right above the images.
        let x0 = plot.midX - totalW / 2, y0 = plot.minY
        let ascent = r.measure("0", size: r.style.tickLabelSize, weight: .regular).ascent
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
                for (n, line) in captionLines(caption, tileWidth: slot.image.width, renderer: r).enumerated() {
                    let e = r.measure(line, size: r.style.tickLabelSize, weight: .regular)
                    r.text(line, at: Point(origin.x - e.width / 2, origin.y + Double(n) * captionLineHeight(renderer: r)),
                           size: r.style.tickLabelSize, weight: .regular, color: .reference, angle: 0)
                }
            }
        }
    }
}

extension ImageGridMark {
    var hasAxes: Bool { xAxis != nil || yAxis != nil }

    /// A caption's lines under a tile `tileWidth` wide: one, or — in a style that wraps titles (the notes), when it
    /// would run into its neighbours' (wider than the tile and its gap) — broken at spaces ("original" over "0").
    func captionLines(_ caption: String, tileWidth: Double, renderer r: Renderer) -> [String] {
        let room = tileWidth * 1.06
        guard r.style.wrapsTitles, r.measure(caption, size: r.style.tickLabelSize, weight: .regular).width > room else { return [caption] }
        return LegendBox.wrap(caption, width: room) { r.measure($0, size: r.style.tickLabelSize, weight: .regular).width }
    }

    /// The most lines any caption takes under tiles `tileWidth` wide.
    func captionLineCount(tileWidth: Double, renderer r: Renderer) -> Int {
        guard let captions, r.style.wrapsTitles else { return 1 }
        return captions.map { captionLines($0, tileWidth: tileWidth, renderer: r).count }.max() ?? 1
    }

    /// The height of the caption under each image (one line of tick-label text and a point).
    func captionLineHeight(renderer r: Renderer) -> Double {
        r.measure("0", size: r.style.tickLabelSize, weight: .regular).lineHeight + 1
    }

    /// The spec of the colour bar drawn beside the grid (image mode has no other colour bar).
    var gridColorBar: ColorBarSpec? {
        guard showsColorBar, let range else { return nil }
        return ColorBarSpec(colorMap: colorMap, lower: range.lowerBound, upper: range.upperBound, levels: nil, bandColors: nil,
                            label: colorBarLabel)
    }

    /// The rectangle covered by the images (without captions below the last row).
    func gridExtent(in plot: Rect, renderer r: Renderer) -> Rect? {
        let slots = layout(in: plot, renderer: r)
        guard !slots.isEmpty else { return nil }
        let x0 = slots.map(\.image.minX).min()!, x1 = slots.map(\.image.maxX).max()!
        let y0 = slots.map(\.image.minY).min()!, y1 = slots.map(\.image.maxY).max()!
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    /// Room the edge axes need outside the grid: (left, bottom) in points.
    func axesMargins(renderer r: Renderer) -> (left: Double, bottom: Double) {
        let tick = r.measure("0", size: r.style.tickLabelSize, weight: .regular)
        let label = r.measure("0", size: r.style.axisLabelSize, weight: .regular)
        var left = 0.0, bottom = 0.0
        if let y = yAxis {
            let w = y.tickLabels.map { r.measure($0, size: r.style.tickLabelSize, weight: .regular).width }.max() ?? 0
            left = Theme.tickLength + Theme.tickPad + w + (y.label == nil ? 0 : Theme.labelPad + label.lineHeight)
        }
        if let x = xAxis {
            bottom = Theme.tickLength + Theme.tickPad + (x.tickLabels.isEmpty ? 0 : tick.inkTop + max(tick.inkBottom, 0))
                + (x.label == nil ? 0 : Theme.labelPad + label.lineHeight)
        }
        return (left, bottom)
    }

    /// Ticks and labels along the grid's left and bottom edges, at positions in cell units (0 = centre of the first
    /// column / top row), drawn outside the images.
    func drawAxes(plot: Rect, renderer r: Renderer) {
        let slots = layout(in: plot, renderer: r)
        guard let first = slots.first else { return }
        let cols = min(gridColumns, images.count), rowsCount = (images.count + cols - 1) / cols
        let last = slots[min(cols, slots.count) - 1].image
        let pitchX = cols > 1 ? slots[1].image.minX - first.image.minX : first.image.width
        let lastRow = slots[(rowsCount - 1) * cols].image
        let pitchY = rowsCount > 1 ? slots[cols].image.minY - first.image.minY : first.image.height
        let gridLeft = first.image.minX, gridRight = last.maxX, gridTop = first.image.minY, gridBottom = lastRow.maxY
        let style = StrokeStyle(color: Theme.frameColor, width: Theme.frameWidth, snap: true)
        let tickFont = r.measure("0", size: r.style.tickLabelSize, weight: .regular)
        let labelFont = r.measure("0", size: r.style.axisLabelSize, weight: .regular)
        var ticks = Path()
        if let x = xAxis {
            let y0 = gridBottom + 1
            let centres = x.positions.map { first.image.midX + $0 * pitchX }
            let widths = x.tickLabels.map { r.measure($0, size: r.style.tickLabelSize, weight: .regular).width }
            let shown = Self.labelsThatFit(centres: centres, halfSizes: widths.map { $0 / 2 + 2 })
            for (k, text) in x.tickLabels.enumerated() where k < centres.count {
                let cx = centres[k]
                ticks.move(to: Point(cx, y0)); ticks.line(to: Point(cx, y0 + Theme.tickLength))
                guard shown.contains(k) else { continue }
                r.text(text, at: Point(cx - widths[k] / 2, y0 + Theme.tickLength + Theme.tickPad + tickFont.inkTop),
                       size: r.style.tickLabelSize, weight: .regular, color: Theme.textColor, angle: 0)
            }
            if let label = x.label {
                let e = r.measure(label, size: r.style.axisLabelSize, weight: .regular)
                let base = y0 + Theme.tickLength + Theme.tickPad + (x.tickLabels.isEmpty ? 0 : tickFont.inkTop + max(tickFont.inkBottom, 0))
                    + Theme.labelPad + labelFont.ascent
                r.text(label, at: Point((gridLeft + gridRight) / 2 - e.width / 2, base), size: r.style.axisLabelSize,
                       weight: .regular, color: Theme.textColor, angle: 0)
            }
        }
        if let y = yAxis {
            let x0 = gridLeft - 1
            var widest = 0.0
            let centres = y.positions.map { first.image.midY + $0 * pitchY }
            let shown = Self.labelsThatFit(centres: centres, halfSizes: centres.map { _ in tickFont.inkTop / 2 + 2 })
            for (k, text) in y.tickLabels.enumerated() where k < centres.count {
                let cy = centres[k]
                ticks.move(to: Point(x0, cy)); ticks.line(to: Point(x0 - Theme.tickLength, cy))
                guard shown.contains(k) else { continue }
                let e = r.measure(text, size: r.style.tickLabelSize, weight: .regular)
                widest = max(widest, e.width)
                r.text(text, at: Point(x0 - Theme.tickLength - Theme.tickPad - e.width, cy + tickFont.inkTop / 2),
                       size: r.style.tickLabelSize, weight: .regular, color: Theme.textColor, angle: 0)
            }
            if let label = y.label {
                let e = r.measure(label, size: r.style.axisLabelSize, weight: .regular)
                let x = x0 - Theme.tickLength - Theme.tickPad - widest - Theme.labelPad - labelFont.descent
                r.text(label, at: Point(x, (gridTop + gridBottom) / 2 + e.width / 2), size: r.style.axisLabelSize,
                       weight: .regular, color: Theme.textColor, angle: -Double.pi / 2)
            }
        }
        r.stroke(ticks, style: style)
    }
}

extension ImageGridMark {
    /// The tick labels to write when some would run into each other (a thinned manifold: −1.96 and −1 two tiles
    /// apart): the first and the last, then from the middle outwards, each only if it keeps clear of those kept. The
    /// ticks themselves are all drawn.
    static func labelsThatFit(centres: [Double], halfSizes: [Double]) -> Set<Int> {
        let n = centres.count
        guard n > 2 else { return Set(0..<n) }
        let middle = Double(n - 1) / 2
        let order = [0, n - 1] + (1..<(n - 1)).sorted { abs(Double($0) - middle) < abs(Double($1) - middle) }
        var kept: [Int] = []
        for k in order where kept.allSatisfy({ abs(centres[$0] - centres[k]) >= halfSizes[$0] + halfSizes[k] }) { kept.append(k) }
        return Set(kept)
    }
}

/// Ticks along one edge of an image grid (`Axes.imageGrid(…, xAxis:, yAxis:)`): the x axis runs along the bottom
/// under the grid columns, the y axis along the left beside the grid rows. A position is in cell units: 0 is the
/// centre of the first column (x) or of the top row (y), `gridColumns − 1` the centre of the last column; fractions
/// fall between cells (9.5 is midway between columns 9 and 10).
public struct ImageGridAxis: Sendable, Equatable {
    public var label: String?
    public var positions: [Double]
    public var tickLabels: [String]

    public init(label: String? = nil, positions: [Double] = [], tickLabels: [String] = []) {
        self.label = label; self.positions = positions; self.tickLabels = tickLabels
    }

    /// An axis whose cells sit at `cellValues` (one value per column or row, in grid order, monotone), with ticks at
    /// `ticks` placed by linear interpolation between the cells and labelled with `NumberFormat.significant(_, digits:)`
    /// (real minus). E.g. a 20 × 20 latent manifold at z = Φ⁻¹(…): `ImageGridAxis(label: "z₁", cellValues: zs,
    /// ticks: [-1.96, 0, 1.96])`; for z₂ upwards pass the row values top row first (descending).
    public init(label: String?, cellValues: [Double], ticks: [Double], digits: Int = 3) {
        self.label = label
        var positions: [Double] = [], labels: [String] = []
        for t in ticks {
            guard let p = Self.position(of: t, in: cellValues) else { continue }
            positions.append(p)
            labels.append(NumberFormat.significant(t, digits: digits))
        }
        self.positions = positions; self.tickLabels = labels
    }

    /// Where `value` falls among monotone `cells` (ascending or descending), in cell units; nil outside them.
    static func position(of value: Double, in cells: [Double]) -> Double? {
        guard cells.count > 1 else { return cells.first.flatMap { abs($0 - value) <= 1e-12 * max(1, abs(value)) ? 0 : nil } }
        for k in 0..<(cells.count - 1) {
            let a = cells[k], b = cells[k + 1]
            let lo = min(a, b), hi = max(a, b)
            let tol = 1e-9 * max(1, abs(lo), abs(hi))
            if value >= lo - tol && value <= hi + tol && b != a {
                return Double(k) + min(max((value - a) / (b - a), 0), 1)
            }
        }
        return nil
    }
}
