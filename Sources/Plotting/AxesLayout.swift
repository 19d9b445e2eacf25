import Foundation

/// Ticks of one axis: labelled majors and unlabelled minors.
struct AxisTicks: Equatable {
    var values: [Double] = []
    var labels: [String] = []
    var minor: [Double] = []
}

/// Where everything of one axes goes on the page, computed from the measured text so that nothing is clipped or
/// overlaps: the plot area shrinks until the tick labels, axis labels, title, colour bar and outside legend fit
/// into the axes' cell.
struct AxesLayout {
    var cell: Rect
    var plot: Rect
    var transform: DataTransform
    var xTicks: AxisTicks
    var yTicks: AxisTicks
    var imageMode: Bool
    var colorBar: ColorBarSpec?
    var colorBarRect: Rect?
    var colorBarTicks: AxisTicks
    var legend: LegendBox?
    /// Where the legend went: `.best` is resolved to the inside position chosen or to `.outsideRight`.
    var legendPosition: LegendPosition = .none
    /// Space between the cell and the plot area that the decorations need (before an equal-aspect shrink).
    var margins = Margins()
}

/// Distances from a cell's edges to its plot area, in points.
struct Margins: Equatable {
    var left = 0.0, right = 0.0, top = 0.0, bottom = 0.0
}

extension FrozenAxes {
    // MARK: - Limits

    /// Automatic or explicit limits of one axis.
    func limits(horizontal: Bool) -> ClosedRange<Double> {
        let scale = horizontal ? xScale : yScale
        if let given = horizontal ? xLimits : yLimits { return given }
        let log = scale == .log10
        var lo = Double.infinity, hi = -Double.infinity
        var sticky: [Double] = []
        for mark in marks {
            let e = mark.extent(logX: xScale == .log10, logY: yScale == .log10)
            if let r = horizontal ? e.x : e.y { lo = min(lo, r.lowerBound); hi = max(hi, r.upperBound) }
            sticky += horizontal ? e.stickyX : e.stickyY
        }
        guard lo <= hi else { return log ? 1...10 : 0...1 }
        return Self.padded(lo...hi, log: log, sticky: sticky)
    }

    /// `range` widened by `Theme.margin` of its span on each side (in log₁₀ space on a log axis), without crossing a
    /// sticky edge that lies within the padding. A single value gets a unit-sized (or ±10 %) neighbourhood.
    static func padded(_ range: ClosedRange<Double>, log: Bool, sticky: [Double]) -> ClosedRange<Double> {
        var lo = log ? Foundation.log10(range.lowerBound) : range.lowerBound
        var hi = log ? Foundation.log10(range.upperBound) : range.upperBound
        let st = log ? sticky.filter { $0 > 0 }.map { Foundation.log10($0) } : sticky
        if hi - lo <= 1e-12 * max(abs(lo), abs(hi), 1e-300) {
            let d = log ? 0.5 : (lo == 0 ? 0.5 : 0.1 * abs(lo))
            lo -= d; hi += d
        } else {
            let pad = Theme.margin * (hi - lo)
            var newLo = lo - pad, newHi = hi + pad
            for s in st {
                if s <= lo + 1e-12 * abs(lo) && s > newLo { newLo = max(newLo, s) }
                if s >= hi - 1e-12 * abs(hi) && s < newHi { newHi = min(newHi, s) }
            }
            lo = newLo; hi = newHi
        }
        return log ? pow(10, lo)...pow(10, hi) : lo...hi
    }

    // MARK: - Ticks

    /// Ticks for one axis of device length `length`. Linear axes start from a fine nice step and coarsen it
    /// (1 → 2 → 5 → 10) until neighbouring labels have room: horizontal labels need their mean width plus 12 pt and
    /// at least 40 pt between centres, vertical ones twice the line height and at least 28 pt.
    func ticks(_ range: ClosedRange<Double>, scale: AxisScale, length: Double, horizontal: Bool, renderer r: Renderer) -> AxisTicks {
        let lineHeight = r.measure("0", size: r.style.tickLabelSize, weight: .regular).lineHeight
        let mapping = AxisMapping(scale: scale, lower: range.lowerBound, upper: range.upperBound, start: 0, end: length)
        func crowded(_ t: AxisTicks) -> Bool {
            for k in t.values.indices.dropFirst() {
                let gap = abs(mapping.position(t.values[k]) - mapping.position(t.values[k - 1]))
                let need: Double
                if horizontal {
                    let w = (r.measure(t.labels[k], size: r.style.tickLabelSize, weight: .regular).width
                        + r.measure(t.labels[k - 1], size: r.style.tickLabelSize, weight: .regular).width) / 2
                    need = max(w + 12, 40)
                } else {
                    need = max(2 * lineHeight, 28)
                }
                if gap < need { return true }
            }
            return false
        }
        switch scale {
        case .linear:
            let span = range.upperBound - range.lowerBound
            var step = Ticks.niceStep(span: span, maxCount: max(2, Int(length / 15)), minimumStep: integerTicks || (horizontal && xIntegerTicks) ? 1 : 0)
            while true {
                let v = Ticks.values(lower: range.lowerBound, upper: range.upperBound, step: step)
                let t = AxisTicks(values: v, labels: Ticks.labels(v, step: step), minor: [])
                if !crowded(t) || v.count <= 1 { return t }
                step = Ticks.nextStep(after: step)
            }
        case .log10:
            var maxCount = max(2, Int(length / 20))
            while true {
                let (v, l, m) = Ticks.log10(lower: range.lowerBound, upper: range.upperBound, maxCount: maxCount)
                let t = AxisTicks(values: v, labels: l, minor: m)
                if !crowded(t) || maxCount <= 2 { return t }
                maxCount -= 1
            }
        }
    }

    // MARK: - Layout

    /// Lays the axes out in `cell`. `minimum` margins let a figure align the plot areas of a subplot grid.
    ///
    /// `legendPosition` overrides `legend` (the second pass of a subplot grid keeps the first pass's decision).
    /// `.best` scores the eight inside candidates by the mark points they would cover (`LegendBox.place`); when even
    /// the least-covered one hides more than `LegendBox.freeAllowance` points, the legend moves to `.outsideRight`,
    /// provided the plot keeps at least `LegendBox.minimumPlotFraction` of its width.
    func layout(in cell: Rect, renderer r: Renderer, minimum: Margins = Margins(), legendPosition: LegendPosition? = nil) -> AxesLayout {
        let legend = legendPosition ?? self.legend
        let imageMode = marks.contains { $0.isImageMode }
        let titleLines = self.titleLines(width: cell.width - 2 * Theme.outerPad, renderer: r)
        let titleBlock = titleLines.isEmpty ? 0
            : Double(titleLines.count) * r.measure(titleLines[0], size: r.style.axesTitleSize, weight: .regular).lineHeight + Theme.titlePad
        let colorBar = imageMode ? nil : marks.lazy.compactMap(\.colorBar).first
        let entries = marks.compactMap(\.legendEntry)
        // Under the plot the legend may take the cell's width: columns, and labels wrapped when one column is too wide.
        let legendBox = (legend == .none || entries.isEmpty) ? nil
            : LegendBox(entries: entries, renderer: r, maxWidth: legend == .below ? cell.width - 2 * Theme.outerPad : nil)

        var plot = cell.insetBy(dx: Theme.outerPad, dy: Theme.outerPad)
        if imageMode {
            plot.y += titleBlock; plot.height -= titleBlock
            if let grid = marks.lazy.compactMap({ $0 as? ImageGridMark }).first(where: \.hasAxes) {
                let room = grid.axesMargins(renderer: r)
                plot.x += room.left; plot.width = max(plot.width - room.left, 10)
                plot.height = max(plot.height - room.bottom, 10)
            }
            // A colour bar for an image grid's shared range: room on the right, then the bar beside the images.
            var gridBar: ColorBarSpec? = nil, gridBarRect: Rect? = nil, gridBarTicks = AxisTicks()
            if let grid = marks.lazy.compactMap({ $0 as? ImageGridMark }).first(where: { $0.gridColorBar != nil }),
               let cb = grid.gridColorBar {
                let labelFont = r.measure("0", size: r.style.axisLabelSize, weight: .regular)
                var ticks = colorBarTicks(cb, length: plot.height, renderer: r)
                let w = ticks.labels.map { r.measure($0, size: r.style.tickLabelSize, weight: .regular).width }.max() ?? 0
                var need = Theme.colorBarGap + Theme.colorBarWidth + Theme.tickLength + Theme.tickPad + w
                if cb.label != nil { need += Theme.labelPad + labelFont.lineHeight }
                plot.width = max(plot.width - need, 10)
                if let extent = grid.gridExtent(in: plot, renderer: r) {
                    let rect = Rect(x: extent.maxX + Theme.colorBarGap, y: extent.minY, width: Theme.colorBarWidth, height: extent.height)
                    ticks = colorBarTicks(cb, length: rect.height, renderer: r)
                    gridBar = cb; gridBarRect = rect; gridBarTicks = ticks
                }
            }
            let identity = DataTransform(x: AxisMapping(scale: .linear, lower: 0, upper: 1, start: plot.minX, end: plot.maxX),
                                         y: AxisMapping(scale: .linear, lower: 0, upper: 1, start: plot.maxY, end: plot.minY))
            return AxesLayout(cell: cell, plot: plot, transform: identity, xTicks: AxisTicks(), yTicks: AxisTicks(),
                              imageMode: true, colorBar: gridBar, colorBarRect: gridBarRect, colorBarTicks: gridBarTicks, legend: nil)
        }

        let baseX = limits(horizontal: true), baseY = limits(horizontal: false)
        var xl = baseX, yl = baseY
        // Equal aspect: widen the data limits to fill the plot area (scatter-like marks), or shrink the plot box when
        // limits are fixed or marks have hard edges (fields, heatmaps), which must not get blank strips.
        let equal = equalAspect && xScale == .linear && yScale == .linear
        let boxMode = equal && ((xLimits != nil && yLimits != nil) || marks.contains {
            let e = $0.extent(logX: false, logY: false)
            return !e.stickyX.isEmpty || !e.stickyY.isEmpty
        })
        var xt = AxisTicks(), yt = AxisTicks(), cbt = AxisTicks()
        var margins = Margins()
        let tickFont = r.measure("0", size: r.style.tickLabelSize, weight: .regular)
        let labelFont = r.measure("0", size: r.style.axisLabelSize, weight: .regular)
        for _ in 0..<4 {
            if equal && !boxMode {
                (xl, yl) = Self.equalAspectLimits(x: baseX, y: baseY, width: plot.width, height: plot.height)
            }
            xt = ticks(xl, scale: xScale, length: plot.width, horizontal: true, renderer: r)
            yt = ticks(yl, scale: yScale, length: plot.height, horizontal: false, renderer: r)
            let xLabelInk = xt.labels.map { r.measure($0, size: r.style.tickLabelSize, weight: .regular) }
            let xTickBlock = (xLabelInk.map(\.inkTop).max() ?? 0) + max(xLabelInk.map(\.inkBottom).max() ?? 0, 0)
            let yTickWidth = yt.labels.map { r.measure($0, size: r.style.tickLabelSize, weight: .regular).width }.max() ?? 0

            var left = Theme.outerPad + Theme.tickLength + Theme.tickPad + yTickWidth
            if yLabel != nil {
                left += Theme.labelPad + Double(yLabelLines(length: plot.height, renderer: r).count) * labelFont.lineHeight
            }
            var bottom = Theme.outerPad + Theme.tickLength + Theme.tickPad + xTickBlock
            if xLabel != nil { bottom += Theme.labelPad + labelFont.lineHeight }
            var top = Theme.outerPad + max(titleBlock, tickFont.inkTop / 2)
            var right = Theme.outerPad

            // x tick labels centred on the first/last tick may hang past the plot's sides.
            let xm = AxisMapping(scale: xScale, lower: xl.lowerBound, upper: xl.upperBound, start: 0, end: plot.width)
            for (k, v) in xt.values.enumerated() {
                let half = xLabelInk[k].width / 2, p = xm.position(v)
                left = max(left, Theme.outerPad + half - p)
                right = max(right, Theme.outerPad + half - (plot.width - p))
            }
            if let cb = colorBar {
                cbt = colorBarTicks(cb, length: plot.height, renderer: r)
                let w = cbt.labels.map { r.measure($0, size: r.style.tickLabelSize, weight: .regular).width }.max() ?? 0
                var need = Theme.colorBarGap + Theme.colorBarWidth + Theme.tickLength + Theme.tickPad + w + Theme.outerPad
                if cb.label != nil { need += Theme.labelPad + labelFont.lineHeight }
                right = max(right, need)
            }
            if legend == .below, let box = legendBox {
                bottom += 8 + box.size.height
            }
            if legend == .outsideRight, let box = legendBox {
                right += 8 + box.size.width
                top = max(top, Theme.outerPad)
            }
            top = max(top, Theme.outerPad, minimum.top)
            left = max(left, minimum.left); right = max(right, minimum.right); bottom = max(bottom, minimum.bottom)
            margins = Margins(left: left, right: right, top: top, bottom: bottom)
            plot = Rect(x: cell.minX + left, y: cell.minY + top,
                        width: max(cell.width - left - right, 10), height: max(cell.height - top - bottom, 10))
            if equal && boxMode {
                plot = Self.equalAspectBox(plot, x: xl, y: yl)
            }
        }
        if equal && !boxMode {
            // The last pass moved the plot area: fit the limits to it exactly (the labels barely change).
            (xl, yl) = Self.equalAspectLimits(x: baseX, y: baseY, width: plot.width, height: plot.height)
            xt = ticks(xl, scale: xScale, length: plot.width, horizontal: true, renderer: r)
            yt = ticks(yl, scale: yScale, length: plot.height, horizontal: false, renderer: r)
        }
        let yStart = yInverted ? plot.minY : plot.maxY, yEnd = yInverted ? plot.maxY : plot.minY
        let transform = DataTransform(
            x: AxisMapping(scale: xScale, lower: xl.lowerBound, upper: xl.upperBound, start: plot.minX, end: plot.maxX),
            y: AxisMapping(scale: yScale, lower: yl.lowerBound, upper: yl.upperBound, start: yStart, end: yEnd))
        var cbRect: Rect? = nil
        if colorBar != nil {
            cbRect = Rect(x: plot.maxX + Theme.colorBarGap, y: plot.minY, width: Theme.colorBarWidth, height: plot.height)
        }
        var placed = legendBox
        var resolved = legendBox == nil ? LegendPosition.none : legend
        if var box = legendBox {
            let occupancy = marks.flatMap { $0.occupancy(transform) }
            let covered = box.place(position: legend, plot: plot, rightOf: cbRect?.maxX ?? plot.maxX,
                                    cbLabelWidth: colorBar == nil ? 0 : cellRightExtra(cbt, colorBar!, r), occupancy: occupancy)
            if legend == .best {
                if covered > LegendBox.freeAllowance, !r.style.legendBelowWhenCrowded,
                   plot.width - box.size.width - 8 >= LegendBox.minimumPlotFraction * plot.width {
                    return layout(in: cell, renderer: r, minimum: minimum, legendPosition: .outsideRight)
                }
                resolved = box.chosen
            }
            // The notes style: a legend that covers the data or takes most of a narrow plot's width (a position the
            // lesson chose for the page's 460 pt may not suit 246 pt), or an outside one that leaves the plot less
            // than half the cell, goes under the plot, in columns when they fit (`FrozenFigure.resized` makes the
            // row taller by what it takes, so the plot keeps its height).
            if r.style.legendBelowWhenCrowded, legend != .below {
                let crowded = legend == .outsideRight
                    ? plot.width < LegendBox.minimumPlotFraction * cell.width
                    : covered > LegendBox.freeAllowance || box.size.width > 0.6 * plot.width
                if crowded {
                    return layout(in: cell, renderer: r, minimum: minimum, legendPosition: .below)
                }
            }
            if legend == .below {
                let x = min(plot.midX - box.size.width / 2, cell.maxX - Theme.outerPad - box.size.width)
                box.origin = Point(max(cell.minX + Theme.outerPad, x), cell.maxY - Theme.outerPad - box.size.height)
            }
            placed = box
        }
        return AxesLayout(cell: cell, plot: plot, transform: transform, xTicks: xt, yTicks: yt, imageMode: false,
                          colorBar: colorBar, colorBarRect: cbRect, colorBarTicks: cbt, legend: placed,
                          legendPosition: resolved, margins: margins)
    }

    /// The title's lines: one (shrunk or ended in "…" by `fitText` when too wide), or, in a style that wraps titles
    /// (`FigureStyle.wrapsTitles`, the notes), as many as it takes at `width`, broken at spaces.
    func titleLines(width: Double, renderer r: Renderer) -> [String] {
        guard let title else { return [] }
        guard r.style.wrapsTitles, r.measure(title, size: r.style.axesTitleSize, weight: .regular).width > width else { return [title] }
        return LegendBox.wrap(title, width: width) { r.measure($0, size: r.style.axesTitleSize, weight: .regular).width }
    }

    /// The y label's lines: one, or in a style that wraps titles, two (broken at a space) when it is longer than the
    /// plot is tall (`length`) — a long label beside a short panel would run into the panel above.
    func yLabelLines(length: Double, renderer r: Renderer) -> [String] {
        guard let yLabel else { return [] }
        let size = r.style.axisLabelSize
        let full = r.measure(yLabel, size: size, weight: .regular).width
        guard r.style.wrapsTitles, full > length + 4 else { return [yLabel] }
        // Two lines at most: more would take the plot's width.
        return LegendBox.wrap(yLabel, width: max(length, 0.55 * full, 40)) { r.measure($0, size: size, weight: .regular).width }
    }

    /// Width of the colour bar's tick labels and label to the right of the bar.
    private func cellRightExtra(_ t: AxisTicks, _ cb: ColorBarSpec, _ r: Renderer) -> Double {
        let w = t.labels.map { r.measure($0, size: r.style.tickLabelSize, weight: .regular).width }.max() ?? 0
        return Theme.tickLength + Theme.tickPad + w + (cb.label == nil ? 0 : Theme.labelPad + r.measure("0", size: r.style.axisLabelSize, weight: .regular).lineHeight)
    }

    /// The largest rectangle centred in `available` in which one data unit has the same length on both axes (the
    /// plot box shrinks, like matplotlib's `adjustable='box'`, so fields and images fill it without blank strips).
    static func equalAspectBox(_ available: Rect, x: ClosedRange<Double>, y: ClosedRange<Double>) -> Rect {
        let ratio = (y.upperBound - y.lowerBound) / (x.upperBound - x.lowerBound)  // height / width
        var r = available
        if available.height > available.width * ratio {
            r.height = available.width * ratio
            r.y = available.midY - r.height / 2
        } else {
            r.width = available.height / ratio
            r.x = available.midX - r.width / 2
        }
        return r
    }

    /// Limits containing `x` and `y` with the same data-per-point on both axes, widening the tighter one about its
    /// centre (matplotlib's `adjustable='datalim'`).
    static func equalAspectLimits(x: ClosedRange<Double>, y: ClosedRange<Double>, width: Double, height: Double)
        -> (ClosedRange<Double>, ClosedRange<Double>) {
        let sx = (x.upperBound - x.lowerBound) / width, sy = (y.upperBound - y.lowerBound) / height
        if sx > sy {
            let half = sx * height / 2, c = (y.lowerBound + y.upperBound) / 2
            return (x, (c - half)...(c + half))
        } else {
            let half = sy * width / 2, c = (x.lowerBound + x.upperBound) / 2
            return ((c - half)...(c + half), y)
        }
    }

    func colorBarTicks(_ cb: ColorBarSpec, length: Double, renderer r: Renderer) -> AxisTicks {
        let maxCount = max(2, Int(length / 24))
        if let levels = cb.levels {
            // Discrete bars: band boundaries sit at the level values (a proportional, linear scale, so uneven levels
            // such as −20, −8, −6, −4, −3 … do not read as equal steps). Ticks at levels, every `stride`-th for even
            // levels; for uneven ones, from the top down, a level is labelled only if it is at least a label height
            // away from the previous labelled one (the first and last level are always labelled).
            let evenly = Ticks.isEvenlySpaced(levels)
            var values: [Double]
            if evenly {
                var stride = 1
                while (levels.count - 1) / stride + 1 > maxCount { stride += 1 }
                values = Swift.stride(from: 0, to: levels.count, by: stride).map { levels[$0] }
            } else {
                let span = levels.last! - levels.first!
                let minGap = 1.15 * r.measure("0", size: r.style.tickLabelSize, weight: .regular).lineHeight * span / max(length, 1)
                values = [levels.last!]
                for v in levels.dropLast().reversed() where values.last! - v >= minGap { values.append(v) }
                if values.last! != levels.first! {
                    if values.count > 1 && values.last! - levels.first! < minGap { values.removeLast() }
                    values.append(levels.first!)
                }
                values.reverse()
            }
            let labels = evenly
                ? Ticks.labels(values, step: values.count > 1 ? values[1] - values[0] : (levels.count > 1 ? levels[1] - levels[0] : 1))
                : Ticks.significantLabels(values)
            return AxisTicks(values: values, labels: labels, minor: [])
        }
        let (v, s) = Ticks.linear(lower: cb.lower, upper: cb.upper, maxCount: maxCount)
        return AxisTicks(values: v, labels: Ticks.labels(v, step: s), minor: [])
    }

    // MARK: - Drawing

    func draw(_ l: AxesLayout, renderer r: Renderer) {
        let t = l.transform, plot = l.plot
        if !l.imageMode {
            r.fill(.rectangle(plot), color: .white, rule: .nonZero)
            if showGrid {
                var grid = Path()
                for v in l.xTicks.values { let x = t.x.position(v); grid.move(to: Point(x, plot.minY)); grid.line(to: Point(x, plot.maxY)) }
                for v in l.yTicks.values { let y = t.y.position(v); grid.move(to: Point(plot.minX, y)); grid.line(to: Point(plot.maxX, y)) }
                r.stroke(grid, style: StrokeStyle(color: Theme.gridColor, width: Theme.gridWidth, snap: true))
            }
        }
        r.pushClip(plot)
        var texts: [Rect] = []
        for mark in marks {
            if let text = mark as? TextMark { text.draw(r, t, plot: plot, avoiding: &texts) } else { mark.draw(r, t, plot: plot) }
        }
        r.popClip()
        if !l.imageMode { drawFrameAndTicks(l, renderer: r) }
        for case let grid as ImageGridMark in marks where grid.hasAxes { grid.drawAxes(plot: plot, renderer: r) }
        let lines = titleLines(width: l.cell.width - 2 * Theme.outerPad, renderer: r)
        if lines.count > 1 {
            // Wrapped (notes style): the last line where a single one would be, the others above it.
            for (k, line) in lines.enumerated() {
                let e = r.measure(line, size: r.style.axesTitleSize, weight: .regular)
                let x = clamp(plot.midX - e.width / 2, l.cell.minX + Theme.outerPad, l.cell.maxX - Theme.outerPad - e.width)
                let baseline = plot.minY - Theme.titlePad - e.descent - Double(lines.count - 1 - k) * e.lineHeight
                r.text(line, at: Point(x, baseline), size: r.style.axesTitleSize, weight: .regular, color: Theme.textColor, angle: 0)
            }
        } else if let title {
            let e0 = r.measure(title, size: r.style.axesTitleSize, weight: .regular)
            let (text, size) = fitText(title, size: r.style.axesTitleSize, weight: .regular, maxWidth: l.cell.width - 2 * Theme.outerPad, renderer: r)
            let e = r.measure(text, size: size, weight: .regular)
            let x = clamp(plot.midX - e.width / 2, l.cell.minX + Theme.outerPad, l.cell.maxX - Theme.outerPad - e.width)
            r.text(text, at: Point(x, plot.minY - Theme.titlePad - e0.descent), size: size, weight: .regular, color: Theme.textColor, angle: 0)
        }
        if let cb = l.colorBar, let rect = l.colorBarRect { drawColorBar(cb, rect: rect, cell: l.cell, ticks: l.colorBarTicks, renderer: r) }
        if let box = l.legend { box.draw(renderer: r) }
    }

    private func drawFrameAndTicks(_ l: AxesLayout, renderer r: Renderer) {
        let t = l.transform, plot = l.plot
        r.stroke(.rectangle(plot), style: StrokeStyle(color: Theme.frameColor, width: Theme.frameWidth, join: .miter, snap: true))
        var ticks = Path()
        for v in l.xTicks.values { let x = t.x.position(v); ticks.move(to: Point(x, plot.maxY)); ticks.line(to: Point(x, plot.maxY + Theme.tickLength)) }
        for v in l.yTicks.values { let y = t.y.position(v); ticks.move(to: Point(plot.minX, y)); ticks.line(to: Point(plot.minX - Theme.tickLength, y)) }
        for v in l.xTicks.minor { let x = t.x.position(v); ticks.move(to: Point(x, plot.maxY)); ticks.line(to: Point(x, plot.maxY + Theme.minorTickLength)) }
        for v in l.yTicks.minor { let y = t.y.position(v); ticks.move(to: Point(plot.minX, y)); ticks.line(to: Point(plot.minX - Theme.minorTickLength, y)) }
        r.stroke(ticks, style: StrokeStyle(color: Theme.frameColor, width: Theme.frameWidth, snap: true))

        let size = r.style.tickLabelSize
        let capHeight = r.measure("0", size: size, weight: .regular).inkTop
        let xInk = l.xTicks.labels.map { r.measure($0, size: size, weight: .regular) }
        let xBaseline = plot.maxY + Theme.tickLength + Theme.tickPad + (xInk.map(\.inkTop).max() ?? 0)
        for (k, v) in l.xTicks.values.enumerated() {
            r.text(l.xTicks.labels[k], at: Point(t.x.position(v) - xInk[k].width / 2, xBaseline), size: size, weight: .regular,
                   color: Theme.textColor, angle: 0)
        }
        var yWidth = 0.0
        for (k, v) in l.yTicks.values.enumerated() {
            let e = r.measure(l.yTicks.labels[k], size: size, weight: .regular)
            yWidth = max(yWidth, e.width)
            r.text(l.yTicks.labels[k], at: Point(plot.minX - Theme.tickLength - Theme.tickPad - e.width, t.y.position(v) + capHeight / 2),
                   size: size, weight: .regular, color: Theme.textColor, angle: 0)
        }
        let lsize = r.style.axisLabelSize
        let cell = l.cell, pad = Theme.outerPad
        if let xLabel {
            let e0 = r.measure(xLabel, size: lsize, weight: .regular)
            let (text, size) = fitText(xLabel, size: lsize, weight: .regular, maxWidth: cell.width - 2 * pad, renderer: r)
            let e = r.measure(text, size: size, weight: .regular)
            let xBlock = (xInk.map(\.inkTop).max() ?? 0) + max(xInk.map(\.inkBottom).max() ?? 0, 0)
            let baseline = plot.maxY + Theme.tickLength + Theme.tickPad + xBlock + Theme.labelPad + e0.ascent
            let x = clamp(plot.midX - e.width / 2, cell.minX + pad, cell.maxX - pad - e.width)
            r.text(text, at: Point(x, baseline), size: size, weight: .regular, color: Theme.textColor, angle: 0)
        }
        let yLines = yLabelLines(length: plot.height, renderer: r)
        if yLines.count > 1 {
            // Wrapped (notes style): the last line beside the tick labels, the others further out, each centred.
            let rightEdge = plot.minX - Theme.tickLength - Theme.tickPad - yWidth - Theme.labelPad
            for (k, line) in yLines.enumerated() {
                let e = r.measure(line, size: lsize, weight: .regular)
                let x = rightEdge - e.descent - Double(yLines.count - 1 - k) * e.lineHeight
                let y = clamp(plot.midY + e.width / 2, cell.minY + pad + e.width, cell.maxY - pad)
                r.text(line, at: Point(x, y), size: lsize, weight: .regular, color: Theme.textColor, angle: -Double.pi / 2)
            }
        } else if let yLabel {
            let e0 = r.measure(yLabel, size: lsize, weight: .regular)
            let (text, size) = fitText(yLabel, size: lsize, weight: .regular, maxWidth: cell.height - 2 * pad, renderer: r)
            let e = r.measure(text, size: size, weight: .regular)
            let rightEdge = plot.minX - Theme.tickLength - Theme.tickPad - yWidth - Theme.labelPad
            let y = clamp(plot.midY + e.width / 2, cell.minY + pad + e.width, cell.maxY - pad)
            r.text(text, at: Point(rightEdge - e0.descent, y), size: size, weight: .regular, color: Theme.textColor, angle: -Double.pi / 2)
        }
    }

    private func drawColorBar(_ cb: ColorBarSpec, rect: Rect, cell: Rect, ticks: AxisTicks, renderer r: Renderer) {
        let discrete = cb.levels != nil
        let m = discrete
            ? AxisMapping(scale: .linear, lower: cb.levels!.first!, upper: cb.levels!.last!, start: rect.maxY, end: rect.minY)
            : AxisMapping(scale: .linear, lower: cb.lower, upper: cb.upper, start: rect.maxY, end: rect.minY)
        if let levels = cb.levels, let colors = cb.bandColors {
            // Nested rectangles from each level to the top, lowest first: no seams between bands.
            for k in 0..<(levels.count - 1) {
                let y = m.position(levels[k])
                r.fill(.rectangle(Rect(x: rect.minX, y: rect.minY, width: rect.width, height: y - rect.minY)), color: colors[k], rule: .nonZero)
            }
        } else {
            var rgba: [UInt8] = []
            for k in 0..<256 {
                let c = cb.colorMap.bytes(at: 1 - Double(k) / 255)
                rgba += [c.0, c.1, c.2, c.3]
            }
            r.image(RasterImage(width: 1, height: 256, rgba: rgba), in: rect, nearest: false)
        }
        r.stroke(.rectangle(rect), style: StrokeStyle(color: Theme.frameColor, width: Theme.frameWidth, join: .miter, snap: true))
        var tickPath = Path()
        let size = r.style.tickLabelSize
        let capHeight = r.measure("0", size: size, weight: .regular).inkTop
        var width = 0.0
        for (k, v) in ticks.values.enumerated() {
            let y = m.position(v)
            tickPath.move(to: Point(rect.maxX, y)); tickPath.line(to: Point(rect.maxX + Theme.tickLength, y))
            let e = r.measure(ticks.labels[k], size: size, weight: .regular)
            width = max(width, e.width)
            r.text(ticks.labels[k], at: Point(rect.maxX + Theme.tickLength + Theme.tickPad, y + capHeight / 2), size: size,
                   weight: .regular, color: Theme.textColor, angle: 0)
        }
        r.stroke(tickPath, style: StrokeStyle(color: Theme.frameColor, width: Theme.frameWidth, snap: true))
        if let label = cb.label {
            let e0 = r.measure(label, size: r.style.axisLabelSize, weight: .regular)
            let (text, size) = fitText(label, size: r.style.axisLabelSize, weight: .regular, maxWidth: cell.height - 2 * Theme.outerPad, renderer: r)
            let e = r.measure(text, size: size, weight: .regular)
            let x = rect.maxX + Theme.tickLength + Theme.tickPad + width + Theme.labelPad + e0.ascent
            let y = clamp(rect.midY + e.width / 2, cell.minY + Theme.outerPad + e.width, cell.maxY - Theme.outerPad)
            r.text(text, at: Point(x, y), size: size, weight: .regular, color: Theme.textColor, angle: -Double.pi / 2)
        }
    }
}
