import Foundation

/// A figure re-laid out for another page: another width (and height), another style, panels re-flowed and image grids
/// thinned so that nothing is shrunk below what reads in print.
extension FrozenFigure {
    /// The narrowest panel the notes style lays out side by side: at 8 pt ticks a panel narrower than this keeps too
    /// little plot for its labels, so the panels of a grid stack instead (a 2 × 2 or a pair side by side in a 246 pt
    /// column becomes one column of panels).
    public static let minimumPanelWidth = 180.0
    /// The smallest tile of an image grid in the notes style (≈ 3.5 pt per pixel of an 8 × 8 digit, a stroke still
    /// visible in print): a grid with more columns than fit at this size shows fewer, larger tiles.
    public static let minimumTileWidth = 28.0

    /// This figure at `width` points (and `height`, or the height that keeps each panel's own aspect when nil), in
    /// `style`. Text is laid out at its own size at the new width, so a 246 pt figure included at 246 pt has 8 pt
    /// ticks on paper. When a panel would be narrower than `minimumPanelWidth`, the grid keeps as many columns as fit
    /// (at least one) and the panels flow into more rows, in reading order. Image grids keep tiles of at least
    /// `minimumTileWidth`: one without axes shows its first images in fewer columns (the same number of rows); one
    /// with axes (a latent manifold) keeps evenly spaced rows and columns, its ticks moved with them.
    public func resized(width newWidth: Double, height newHeight: Double? = nil, style newStyle: FigureStyle) -> FrozenFigure {
        let fitting = max(1, Int(newWidth / Self.minimumPanelWidth))
        return laidOut(width: newWidth, height: newHeight, style: newStyle, columns: min(columns, fitting))
    }

    /// `resized` with `newColumns` columns of panels.
    func laidOut(width newWidth: Double, height newHeight: Double?, style newStyle: FigureStyle, columns newColumns: Int) -> FrozenFigure {
        let oldCellWidth = width / Double(columns), oldCellHeight = height / Double(rows)
        let newRows = (axes.count + newColumns - 1) / newColumns
        let cellWidth = newWidth / Double(newColumns)
        let nominal = cellWidth * oldCellHeight / oldCellWidth
        let thinned = axes.map { Self.thinningImageGrids($0, cellWidth: cellWidth) }
        let rows = max(newRows, 1)
        // Each row as tall as its panels need at this width (`neededHeight`); a given height is shared in the same
        // proportions.
        var rowHeights = [Double](repeating: 0, count: rows)
        if let measurer = try? RecordingRenderer(style: newStyle) {
            for (k, a) in thinned.enumerated() {
                let cell = Rect(x: 0, y: 0, width: cellWidth, height: nominal)
                rowHeights[k / newColumns] = max(rowHeights[k / newColumns], a.neededHeight(in: cell, renderer: measurer))
            }
        }
        if rowHeights.contains(where: { $0 <= 0 }) { rowHeights = [Double](repeating: nominal, count: rows) }
        let h = newHeight ?? rowHeights.reduce(0, +).rounded()
        return FrozenFigure(width: newWidth, height: h, title: title, rows: rows, columns: newColumns,
                            axes: thinned, style: newStyle, rowHeights: rowHeights)
    }

    /// `axes` with every image grid cut to the columns that fit in `cellWidth` at `minimumTileWidth`.
    static func thinningImageGrids(_ axes: FrozenAxes, cellWidth: Double) -> FrozenAxes {
        var out = axes
        out.marks = axes.marks.map { mark in
            guard let grid = mark as? ImageGridMark, !grid.isTable else { return mark }
            // Room for the grid: the cell less its pads, the y axis, and a colour bar (≈ 50 pt with its labels).
            var room = cellWidth - 2 * Theme.outerPad
            if grid.yAxis != nil { room -= 30 }
            if grid.showsColorBar { room -= 50 }
            let fit = max(1, Int((room + 0.08 * minimumTileWidth) / (1.08 * minimumTileWidth)))
            var out = grid.gridColumns > fit ? grid.thinned(toColumns: fit) : grid
            // A list of images (no axes) at full width keeps the rows that fit in a square: the first images.
            if !out.hasAxes {
                let columns = min(out.gridColumns, out.images.count)
                let tile = room / (Double(columns) + Double(columns - 1) * 0.08)
                let pitch = tile * (Double(out.imageRows) / Double(out.imageColumns) + 0.08) + (out.captions == nil ? 0 : 12)
                let rows = max(2, Int(cellWidth / pitch))
                if out.images.count > rows * columns {
                    out.images = Array(out.images.prefix(rows * columns))
                    out.captions = out.captions.map { Array($0.prefix(rows * columns)) }
                }
            }
            return out
        }
        return out
    }
}

extension ImageGridMark {
    /// Whether the grid is a table: captions that repeat row after row label its columns (the reconstructions of
    /// each digit at q = 1, 2, 5 …), so its columns cannot be re-wrapped or dropped.
    var isTable: Bool {
        guard let captions, !hasAxes, gridColumns > 1, captions.count > gridColumns else { return false }
        return captions.indices.allSatisfy { captions[$0] == captions[$0 % gridColumns] || $0 % gridColumns == 0 }
    }

    /// The grid with `columns` columns. Without axes: the first images, as many rows as before. With axes (the cells
    /// sample a plane): evenly spaced columns and rows that keep the first and the last, ticks moved to the same
    /// values.
    func thinned(toColumns columns: Int) -> ImageGridMark {
        let oldColumns = min(gridColumns, images.count)
        let oldRows = (images.count + oldColumns - 1) / oldColumns
        guard columns < oldColumns, columns >= 1 else { return self }
        var out = self
        if !hasAxes {
            let count = min(images.count, oldRows * columns)
            out.images = Array(images.prefix(count))
            out.captions = captions.map { Array($0.prefix(count)) }
            out.gridColumns = columns
            return out
        }
        let rows = max(1, Int((Double(oldRows) * Double(columns) / Double(oldColumns)).rounded()))
        func picks(_ new: Int, of old: Int) -> [Int] {
            new <= 1 ? [0] : (0..<new).map { Int((Double($0) * Double(old - 1) / Double(new - 1)).rounded()) }
        }
        let keptColumns = picks(columns, of: oldColumns), keptRows = picks(rows, of: oldRows)
        var images: [[Double]] = [], captions: [String] = []
        for r in keptRows {
            for c in keptColumns {
                let k = r * oldColumns + c
                guard k < self.images.count else { continue }
                images.append(self.images[k])
                if let all = self.captions { captions.append(all[k]) }
            }
        }
        out.images = images
        out.captions = self.captions == nil ? nil : captions
        out.gridColumns = columns
        func moved(_ axis: ImageGridAxis?, old: Int, new: Int) -> ImageGridAxis? {
            guard var a = axis else { return nil }
            let factor = old > 1 && new > 1 ? Double(new - 1) / Double(old - 1) : 0
            a.positions = a.positions.map { $0 * factor }
            return a
        }
        out.xAxis = moved(xAxis, old: oldColumns, new: columns)
        out.yAxis = moved(yAxis, old: oldRows, new: rows)
        return out
    }
}

extension FrozenAxes {
    /// The height these axes need in a cell `cell.width` wide whose height would otherwise be `cell.height` (the
    /// panel's own aspect): an image grid the height of its tiles at the full width (captions, edge axes and title
    /// included), so that tiles are as large as the width allows and no blank band is left under them; a plot its
    /// cell plus the legend when the layout puts the legend under the plot.
    func neededHeight(in cell: Rect, renderer r: Renderer) -> Double {
        if marks.contains(where: \.isImageMode) {
            let tall = Rect(x: cell.x, y: cell.y, width: cell.width, height: 20_000)
            let l = layout(in: tall, renderer: r)
            guard let grid = marks.lazy.compactMap({ $0 as? ImageGridMark }).first,
                  let extent = grid.gridExtent(in: l.plot, renderer: r) else { return cell.height }
            var bottom = extent.maxY
            if grid.captions != nil {
                let tile = grid.gridExtent(in: l.plot, renderer: r).map { _ in grid.layout(in: l.plot, renderer: r)[0].image.width } ?? 0
                bottom += Double(grid.captionLineCount(tileWidth: tile, renderer: r)) * grid.captionLineHeight(renderer: r)
            }
            if grid.hasAxes { bottom += grid.axesMargins(renderer: r).bottom }
            return (bottom + Theme.outerPad - cell.minY).rounded(.up)
        }
        var l = layout(in: cell, renderer: r)
        var needed = cell.height
        if l.legendPosition == .below, let box = l.legend {
            needed += 8 + box.size.height
            var taller = cell
            taller.height = needed
            l = layout(in: taller, renderer: r)
        }
        // An equal-aspect box shorter than its cell leaves bands above and below it: the row need not hold them. One
        // narrower than its cell (a tall box in a wide cell) gets the height that lets it take the width, up to a
        // square-ish panel (1.2 × the width).
        let slack = (needed - l.margins.top - l.margins.bottom) - l.plot.height
        if slack > 1 { return (needed - slack).rounded(.up) }
        let sideSlack = (cell.width - l.margins.left - l.margins.right) - l.plot.width
        if sideSlack > 1, l.plot.width > 0 {
            let grown = needed + sideSlack * l.plot.height / l.plot.width
            return min(grown, max(needed, 1.2 * cell.width)).rounded(.up)
        }
        // Equal aspect that widens the limits (a round cloud in a wide cell gets empty bands at its sides): the
        // height at which the data's own extent fills the width, up to 1.2 × the width.
        if equalAspect, xScale == .linear, yScale == .linear, l.plot.width > 0 {
            let x = limits(horizontal: true), y = limits(horizontal: false)
            let wanted = l.plot.width * (y.upperBound - y.lowerBound) / (x.upperBound - x.lowerBound)
            if wanted > l.plot.height + 1 {
                return min(needed + wanted - l.plot.height, max(needed, 1.2 * cell.width)).rounded(.up)
            }
        }
        return needed
    }
}
