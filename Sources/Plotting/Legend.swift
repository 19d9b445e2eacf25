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
    /// Space between the columns of a legend set in several columns.
    static let columnGap = 10.0

    private let rowHeight: Double
    private let capHeight: Double
    /// Each entry's label as drawn: one line, or several when `maxWidth` made it wrap.
    private let lines: [[String]]
    /// Entries fill the columns top to bottom (as matplotlib's `ncol`), `rows` per column; column `j` starts at
    /// `columnLefts[j]` from the box's left edge (padding included).
    private(set) var columns = 1
    private let rows: Int
    private let columnLefts: [Double]
    /// The top of each row, from the box's top (padding included).
    private let rowTops: [Double]

    /// A legend of `entries`. Without `maxWidth`, one column of one-line labels (the pages' legend). With it (a
    /// legend under the plot), as many columns as fit in `maxWidth`, each as wide as its widest entry — ten digit
    /// classes and two long entries become two columns of six — and, in one column, labels wider than the room
    /// wrapped at spaces onto more lines.
    init(entries: [LegendEntry], renderer r: Renderer, maxWidth: Double? = nil) {
        self.entries = entries
        let font = r.measure("0", size: r.style.legendSize, weight: .regular)
        rowHeight = font.lineHeight
        capHeight = font.inkTop
        func width(_ s: String) -> Double { r.measure(s, size: r.style.legendSize, weight: .regular).width }
        let n = entries.count
        let items = entries.map { Self.handleLength + Self.handleGap + width($0.label) }
        /// The widths of the columns when `c` columns of `ceil(n / c)` rows hold the entries.
        func columnWidths(_ c: Int) -> [Double] {
            let perColumn = (n + c - 1) / c
            return stride(from: 0, to: n, by: perColumn).map { items[$0..<min(n, $0 + perColumn)].max() ?? 0 }
        }
        func total(_ widths: [Double]) -> Double { widths.reduce(0, +) + Double(max(widths.count - 1, 0)) * Self.columnGap }
        var columns = 1
        var wrapped = entries.map { [$0.label] }
        if let maxWidth, n > 1 {
            let room = maxWidth - 2 * Self.padding
            columns = (1...n).last { total(columnWidths($0)) <= room } ?? 1
            if columns == 1, (items.max() ?? 0) > room {
                let labelRoom = max(room - Self.handleLength - Self.handleGap, 40)
                wrapped = entries.map { Self.wrap($0.label, width: labelRoom, measure: width) }
            }
        } else if let maxWidth, n == 1, items[0] > maxWidth - 2 * Self.padding {
            wrapped = [Self.wrap(entries[0].label, width: max(maxWidth - 2 * Self.padding - Self.handleLength - Self.handleGap, 40),
                                 measure: width)]
        }
        let rows = n == 0 ? 0 : (n + columns - 1) / columns
        // Columns that hold entries (ceil can leave the last one empty: 12 entries in 5 columns of 3 rows → 4 used).
        columns = rows == 0 ? 1 : (n + rows - 1) / rows
        self.columns = columns
        self.rows = rows
        lines = wrapped
        let itemWidths = wrapped.map { Self.handleLength + Self.handleGap + ($0.map(width).max() ?? 0) }
        var lefts: [Double] = [], x = Self.padding
        for c in 0..<columns {
            lefts.append(x)
            x += (itemWidths[(c * rows)..<min(n, (c + 1) * rows)].max() ?? 0) + Self.columnGap
        }
        columnLefts = lefts
        var tops: [Double] = [], y = Self.padding
        for row in 0..<rows {
            let inRow = stride(from: row, to: n, by: rows).map { wrapped[$0].count }
            let k = Double(inRow.max() ?? 1)
            tops.append(y)
            y += k * font.lineHeight + (k - 1) * Self.rowGap / 2 + Self.rowGap
        }
        rowTops = tops
        size = (n == 0 ? 2 * Self.padding : x - Self.columnGap + Self.padding,
                rows == 0 ? 2 * Self.padding : y - Self.rowGap + Self.padding)
    }

    /// `text` broken at spaces into lines no wider than `width` (a word longer than that gets a line of its own).
    static func wrap(_ text: String, width: Double, measure: (String) -> Double) -> [String] {
        var lines: [String] = [], line = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: false).map(String.init) {
            let candidate = line.isEmpty ? word : line + " " + word
            if !line.isEmpty && measure(candidate) > width { lines.append(line); line = word } else { line = candidate }
        }
        if !line.isEmpty || lines.isEmpty { lines.append(line) }
        return lines
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
            let row = k % rows, column = k / rows
            // The handle sits beside the first line of its label.
            let midY = origin.y + rowTops[row] + rowHeight / 2
            let x0 = origin.x + columnLefts[column], x1 = x0 + Self.handleLength
            Self.drawHandle(entry.handle, from: x0, to: x1, midY: midY, renderer: r)
            for (n, line) in lines[k].enumerated() {
                r.text(line, at: Point(x1 + Self.handleGap, midY + capHeight / 2 + Double(n) * (rowHeight + Self.rowGap / 2)),
                       size: r.style.legendSize, weight: .regular, color: Theme.textColor, angle: 0)
            }
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
