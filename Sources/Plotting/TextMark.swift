import Foundation

/// A text annotation at a data point, aligned by `anchor` horizontally and centred vertically on the point.
struct TextMark: Mark {
    var text: String
    var x: Double, y: Double
    var color: Color
    var size: Double
    var anchor: TextAnchor
    var halo = false

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
    /// The text's box, estimated without a renderer (0.6 em per character, one line high), sampled every 4 pt.
    func occupancy(_ t: DataTransform) -> [Point] {
        let p = t.point(x, y)
        guard p.isFinite else { return [] }
        let width = 0.6 * size * Double(text.count), half = 0.5 * size
        let x0: Double
        switch anchor {
        case .left: x0 = p.x
        case .center: x0 = p.x - width / 2
        case .right: x0 = p.x - width
        }
        let n = max(1, Int(width / 4))
        return (0...n).flatMap { k -> [Point] in
            let x = x0 + width * Double(k) / Double(n)
            return [Point(x, p.y - half), Point(x, p.y), Point(x, p.y + half)]
        }
    }
    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        var taken: [Rect] = []
        draw(r, t, plot: plot, avoiding: &taken)
    }

    /// Draws the text; in a style that wraps titles (the notes, where a 246 pt plot has less room per data unit than
    /// the page's 460 pt): smaller (down to 8 pt), then broken at spaces onto more lines, when wider than the plot;
    /// kept inside the plot horizontally; moved down or up (by at most two lines, nearest first) to where it overlaps
    /// no text of the same axes drawn before (`taken`, to which its box is added).
    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect, avoiding taken: inout [Rect]) {
        var (o, e) = origin(r, t)
        guard o.isFinite else { return }
        var size = self.size
        var lines = [text]
        if r.style.wrapsTitles, e.width > plot.width - 4 {
            // Wider than a narrow plot: smaller, down to the notes' smallest text, then on more lines.
            let smaller = max(FigureStyle.minimumTickLabelSize, size * (plot.width - 4) / e.width)
            var copy = self
            if smaller < size {
                copy.size = smaller
                (o, e) = copy.origin(r, t)
                size = smaller
            }
            if e.width > plot.width - 4 {
                let small = size
                lines = LegendBox.wrap(text, width: plot.width - 4) { r.measure($0, size: small, weight: .regular).width }
                copy.text = lines.max { r.measure($0, size: small, weight: .regular).width < r.measure($1, size: small, weight: .regular).width } ?? text
                let anchorX = o.x
                (o, e) = copy.origin(r, t)
                if anchor == .left { o.x = anchorX }
            }
        }
        let lineHeight = e.lineHeight
        if r.style.wrapsTitles {
            // Past the right edge, a label written to the right of its point goes to the left of it (mirrored across
            // the few points it was offset by), else it is pushed inside.
            if o.x + e.width > plot.maxX - 2, anchor == .left, o.x - e.width - 10 >= plot.minX + 2 { o.x -= e.width + 10 }
            o.x = max(plot.minX + 2, min(o.x, plot.maxX - 2 - e.width))
            let height = Double(lines.count) * lineHeight
            func box(_ o: Point) -> Rect { Rect(x: o.x - 1, y: o.y - e.ascent, width: e.width + 2, height: height) }
            // Half a line to two lines down or up, nearest first; none free: where the lesson put it.
            let steps = [0, 0.6, -0.6, 1.1, -1.1, 1.6, -1.6, 2.1, -2.1].map { Point(o.x, o.y + $0 * lineHeight) }
            if let free = steps.first(where: { p in !taken.contains { Self.overlap($0, box(p)) } }) { o = free }
            taken.append(box(o))
        }
        for (k, line) in lines.enumerated() {
            let at = Point(o.x, o.y + Double(k) * lineHeight)
            if halo {
                // White copies offset in 16 directions: an outline that works the same in PNG, SVG and PDF.
                let radius = 1.2
                for j in 0..<16 {
                    let a = Double(j) * Double.pi / 8
                    r.text(line, at: Point(at.x + radius * cos(a), at.y + radius * sin(a)), size: size, weight: .regular,
                           color: .white, angle: 0)
                }
            }
            r.text(line, at: at, size: size, weight: .regular, color: color, angle: 0)
        }
    }

    static func overlap(_ a: Rect, _ b: Rect) -> Bool {
        a.minX < b.maxX && b.minX < a.maxX && a.minY < b.maxY && b.minY < a.maxY
    }
}
