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
        let oldCellWidth = width / Double(columns), oldCellHeight = height / Double(rows)
        let fitting = max(1, Int(newWidth / Self.minimumPanelWidth))
        let newColumns = min(columns, fitting)
        let newRows = (axes.count + newColumns - 1) / newColumns
        let cellWidth = newWidth / Double(newColumns)
        let h = newHeight ?? (Double(newRows) * cellWidth * oldCellHeight / oldCellWidth).rounded()
        let thinned = axes.map { Self.thinningImageGrids($0, cellWidth: cellWidth) }
        return FrozenFigure(width: newWidth, height: h, title: title, rows: max(newRows, 1), columns: newColumns,
                            axes: thinned, style: newStyle)
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
            return grid.gridColumns > fit ? grid.thinned(toColumns: fit) : grid
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
