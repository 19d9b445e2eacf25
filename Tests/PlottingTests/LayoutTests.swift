import Foundation
import Testing
@testable import Plotting

/// Layout and data → device transforms, checked through the recording renderer (no pixels).
@Suite struct LayoutTests {
    func record(_ figure: Figure) throws -> (RecordingRenderer, [AxesLayout]) {
        let r = try RecordingRenderer()
        try figure.draw(on: r)
        return (r, figure.layouts(renderer: r))
    }

    @Test func limitsMapToThePlotEdgesAndPointsLandWhereExpected() throws {
        let figure = Figure(width: 400, height: 300)
        let ax = figure.addAxes()
        ax.xLimits = 0...10
        ax.yLimits = -1...1
        ax.scatter(x: [2.5], y: [0.5], size: 3)
        let (r, layouts) = try record(figure)
        let l = try #require(layouts.first)
        let t = l.transform
        #expect(abs(t.x.position(0) - l.plot.minX) < 1e-9 && abs(t.x.position(10) - l.plot.maxX) < 1e-9)
        #expect(abs(t.y.position(-1) - l.plot.maxY) < 1e-9 && abs(t.y.position(1) - l.plot.minY) < 1e-9)
        // The circle marker: its right-most point is the first vertex, radius 3 to the right of the centre.
        let expected = Point(l.plot.minX + 0.25 * l.plot.width + 3, l.plot.minY + 0.25 * l.plot.height)
        let circles = r.operations.compactMap { op -> Point? in
            if case let .fill(path, color, _) = op, color == Color.data.withAlpha(0.8), case let .move(p)? = path.elements.first { return p }
            return nil
        }
        #expect(circles.count == 1)
        #expect(abs(circles[0].x - expected.x) < 1e-9 && abs(circles[0].y - expected.y) < 1e-9)
        // Data ↔ device round trip.
        #expect(abs(t.x.value(at: t.x.position(7.3)) - 7.3) < 1e-12)
    }

    @Test func logAxisIsLinearInLog10() throws {
        let figure = Figure()
        let ax = figure.addAxes()
        ax.yScale = .log10
        ax.yLimits = 1e-2...1e2
        ax.line(x: [0, 1], y: [1, 10])
        let (_, layouts) = try record(figure)
        let m = layouts[0].transform.y
        #expect(abs(m.position(1) - layouts[0].plot.midY) < 1e-9)
        #expect(m.position(-1).isNaN)
        #expect(layouts[0].yTicks.labels == ["10⁻²", "10⁻¹", "10⁰", "10¹", "10²"])
    }

    /// Tick labels, axis labels and titles stay inside the figure and do not overlap one another.
    @Test(arguments: [(460.0, 345.0), (345.0, 259.0), (640.0, 360.0), (300.0, 220.0)])
    func textIsNeitherClippedNorOverlapping(width: Double, height: Double) throws {
        let figure = Figure(width: width, height: height,
                            title: "A figure title that is rather long, as titles written in a hurry tend to be")
        let axes = figure.subplots(rows: 1, columns: 2)
        for (k, ax) in axes.enumerated() {
            ax.title = "Panel \(k)"
            ax.xLabel = "latent z₁ (the first coordinate of the latent space, in units of its prior standard deviation)"
            ax.yLabel = "log p(x) − const"
            ax.line(x: [-12345, 23456], y: [-0.0042, 0.0173], label: "curve")
        }
        axes[1].filledContour(ScalarGrid(x: -1...1, y: -1...1, nx: 5, ny: 5) { $0 * $1 }, colorBarLabel: "σ²")
        let (r, _) = try record(figure)
        var boxes: [(String, Rect)] = []
        for t in r.texts {
            let e = r.measure(t.text, size: t.size, weight: t.text.hasPrefix("A figure") ? .bold : .regular)
            #expect(t.size >= 9, "\(t.text) at \(t.size) pt")
            let box: Rect
            if t.angle == 0 {
                box = Rect(x: t.origin.x, y: t.origin.y - e.inkTop, width: e.width, height: e.inkTop + max(e.inkBottom, 0))
            } else {
                box = Rect(x: t.origin.x - e.inkTop, y: t.origin.y - e.width, width: e.inkTop + max(e.inkBottom, 0), height: e.width)
            }
            #expect(box.minX >= 0 && box.maxX <= width && box.minY >= 0 && box.maxY <= height, "\(t.text) clipped: \(box)")
            boxes.append((t.text, box))
        }
        for i in boxes.indices {
            for j in boxes.indices where j > i {
                #expect(!boxes[i].1.insetBy(dx: 0.5, dy: 0.5).intersects(boxes[j].1), "\(boxes[i].0) at \(boxes[i].1) overlaps \(boxes[j].0) at \(boxes[j].1)")
            }
        }
    }

    @Test func equalAspectGivesTheSameScaleOnBothAxes() throws {
        let figure = Figure()
        let ax = figure.addAxes()
        ax.equalAspect = true
        ax.scatter(x: [0, 10], y: [0, 2])
        let (_, layouts) = try record(figure)
        let t = layouts[0].transform
        #expect(abs(t.x.pointsPerUnit - t.y.pointsPerUnit) < 1e-9 * t.x.pointsPerUnit)
        // Scatter data: the limits widen, the plot keeps the cell's full width and height.
        #expect(t.y.lower < -1 && t.y.upper > 3)

        // A field has hard edges: the box shrinks and the limits stay on the grid.
        let field = Figure()
        let fa = field.addAxes()
        fa.equalAspect = true
        fa.filledContour(ScalarGrid(x: 0...4, y: 0...1, nx: 5, ny: 5) { $0 + $1 })
        let (_, fl) = try record(field)
        let ft = fl[0].transform
        #expect(ft.x.lower == 0 && ft.x.upper == 4 && ft.y.lower == 0 && ft.y.upper == 1)
        #expect(abs(ft.x.pointsPerUnit - ft.y.pointsPerUnit) < 1e-9 * ft.x.pointsPerUnit)
    }

    @Test func bestLegendAvoidsTheData() throws {
        let figure = Figure()
        let ax = figure.addAxes()
        // A dense cloud in the upper right corner, where the legend would go first.
        var xs: [Double] = [], ys: [Double] = []
        for i in 0..<20 { for j in 0..<20 { xs.append(6 + 0.2 * Double(i)); ys.append(6 + 0.2 * Double(j)) } }
        xs += [0, 10]; ys += [0, 10]
        ax.scatter(x: xs, y: ys, label: "cloud")
        let (_, layouts) = try record(figure)
        let legend = try #require(layouts[0].legend)
        let plot = layouts[0].plot
        #expect(legend.rect.midX < plot.midX || legend.rect.midY > plot.midY)
        let t = layouts[0].transform
        let covered = zip(xs, ys).filter { legend.rect.contains(t.point($0, $1)) }.count
        #expect(covered == 0)
    }

    /// Mark points (in device space) that a legend rect covers, for the tests below.
    func covered(_ points: [(Double, Double)], by rect: Rect, _ t: DataTransform) -> Int {
        points.filter { rect.contains(t.point($0.0, $0.1)) }.count
    }

    @Test func bestLegendPicksAFreeEdgeMiddleWhenEveryCornerIsTaken() throws {
        // Points in all four corners and on the left/right/top side middles; only the bottom middle is free.
        let figure = Figure()
        let ax = figure.addAxes()
        ax.xLimits = 0...10; ax.yLimits = 0...10
        var pts: [(Double, Double)] = []
        for (cx, cy) in [(0.8, 0.8), (9.2, 0.8), (0.8, 9.2), (9.2, 9.2), (0.8, 5), (9.2, 5), (5, 9.2)] {
            for i in -3...3 { for j in -3...3 { pts.append((cx + 0.25 * Double(i), cy + 0.25 * Double(j))) } }
        }
        ax.scatter(x: pts.map(\.0), y: pts.map(\.1), label: "data")
        let (_, layouts) = try record(figure)
        let l = layouts[0]
        let legend = try #require(l.legend)
        #expect(covered(pts, by: legend.rect, l.transform) == 0)
        #expect(abs(legend.rect.midX - l.plot.midX) < 1 && legend.rect.midY > l.plot.midY)
        #expect(l.legendPosition == .best)   // an edge middle, still inside
    }

    @Test func bestLegendAvoidsLinesEllipsesAndContourLines() throws {
        // A line through the upper-right, an ellipse at the upper-left, contour lines at the lower-left: only the
        // lower-right corner is free of marks.
        let figure = Figure()
        let ax = figure.addAxes()
        ax.xLimits = 0...10; ax.yLimits = 0...10
        ax.line(x: [7, 10], y: [10, 7], label: "line")
        ax.ellipse(mean: (1.5, 8.5), covariance: [[1, 0], [0, 1]], k: 1.2, label: "ellipse")
        ax.contour(ScalarGrid(x: 0...4, y: 0...4, nx: 30, ny: 30) { x, y in x * x + y * y }, levels: [1, 4, 9], label: "contours")
        ax.line(x: [0, 10], y: [5, 5], color: .reference)        // through the left and right side middles
        ax.line(x: [5, 5], y: [0, 10], color: .reference)        // through the top and bottom side middles
        let (_, layouts) = try record(figure)
        let l = layouts[0]
        let legend = try #require(l.legend)
        #expect(l.legendPosition == .lowerRight)
        #expect(legend.rect.minX > l.plot.midX && legend.rect.minY > l.plot.midY)
    }

    @Test func bestLegendMovesOutsideWhenEveryCandidateCoversData() throws {
        // A uniform 25 × 25 lattice fills the plot: every inside candidate covers points.
        let figure = Figure()
        let ax = figure.addAxes()
        var pts: [(Double, Double)] = []
        for i in 0..<25 { for j in 0..<25 { pts.append((Double(i), Double(j))) } }
        ax.scatter(x: pts.map(\.0), y: pts.map(\.1), label: "lattice")
        let (r, layouts) = try record(figure)
        let l = layouts[0]
        let legend = try #require(l.legend)
        #expect(l.legendPosition == .outsideRight)
        #expect(legend.rect.minX >= l.plot.maxX)                         // beside the plot, not over it
        #expect(legend.rect.maxX <= figure.width + 1e-9)                 // and inside the figure
        #expect(covered(pts, by: legend.rect, l.transform) == 0)
        // The legend's label was drawn where the layout put it.
        let labelOrigins = r.operations.compactMap { op -> Point? in
            if case let .text("lattice", p, _, _, _, _) = op { return p } else { return nil }
        }
        #expect(labelOrigins.count == 1 && labelOrigins[0].x > l.plot.maxX)
    }

    @Test func bestLegendStaysInsideWhenTheOutsideLegendWouldCrushThePlot() throws {
        // A narrow figure with a long label: outside would leave the plot under half its width.
        let figure = Figure(width: 200, height: 200)
        let ax = figure.addAxes()
        var pts: [(Double, Double)] = []
        for i in 0..<15 { for j in 0..<15 { pts.append((Double(i), Double(j))) } }
        ax.scatter(x: pts.map(\.0), y: pts.map(\.1), label: "a rather long legend label here")
        let (_, layouts) = try record(figure)
        #expect(layouts[0].legendPosition != .outsideRight)
        #expect(layouts[0].legend.map { $0.rect.maxX <= layouts[0].plot.maxX + 1e-9 } == true)
    }

    @Test func subplotsKeepTheOutsideDecisionInTheAlignedPass() throws {
        let figure = Figure(width: 640, height: 300)
        let axes = figure.subplots(rows: 1, columns: 2)
        var pts: [(Double, Double)] = []
        for i in 0..<20 { for j in 0..<20 { pts.append((Double(i), Double(j))) } }
        axes[0].scatter(x: pts.map(\.0), y: pts.map(\.1), label: "dense")
        axes[1].line(x: [0, 1], y: [0, 1], label: "sparse")
        let (_, layouts) = try record(figure)
        #expect(layouts[0].legendPosition == .outsideRight)
        #expect(layouts[1].legendPosition != .outsideRight)
        #expect(layouts[0].legend.map { $0.rect.minX >= layouts[0].plot.maxX } == true)
    }

    @Test func explicitLegendPositionsAreKept() throws {
        let figure = Figure()
        let ax = figure.addAxes()
        var pts: [(Double, Double)] = []
        for i in 0..<25 { for j in 0..<25 { pts.append((Double(i), Double(j))) } }
        ax.scatter(x: pts.map(\.0), y: pts.map(\.1), label: "lattice")
        ax.legend = .upperLeft
        let (_, layouts) = try record(figure)
        let l = layouts[0]
        #expect(l.legendPosition == .upperLeft)
        #expect(abs(try #require(l.legend).rect.minX - (l.plot.minX + LegendBox.inset)) < 1e-9)
    }

    @Test func imageGridAxesDrawTicksAndLabelsOutsideTheImages() throws {
        let figure = Figure(width: 300, height: 320)
        let ax = figure.addAxes()
        let zs = (0..<5).map { -2 + Double($0) }                       // −2 … 2, one per column
        let image = [Double](repeating: 0.5, count: 4)
        ax.imageGrid(images: Array(repeating: image, count: 25), imageRows: 2, imageColumns: 2, gridColumns: 5,
                     xAxis: ImageGridAxis(label: "z₁", cellValues: zs, ticks: [-2, 0, 2]),
                     yAxis: ImageGridAxis(label: "z₂", cellValues: zs.reversed(), ticks: [-1.5, 2]))
        let (r, layouts) = try record(figure)
        let rects = r.operations.compactMap { op -> Rect? in if case let .image(_, _, rect, _) = op { return rect } else { return nil } }
        #expect(rects.count == 25)
        let texts = r.operations.compactMap { op -> (String, Point, Double)? in
            if case let .text(s, p, _, _, _, angle) = op { return (s, p, angle) } else { return nil }
        }
        let labels = texts.map(\.0)
        #expect(labels.contains("z₁") && labels.contains("z₂"))
        #expect(labels.contains("\u{2212}2") && labels.contains("0") && labels.contains("2") && labels.contains("\u{2212}1.5"))
        let gridBottom = rects.map(\.maxY).max()!, gridLeft = rects.map(\.minX).min()!
        // x tick "0" is centred under the middle column, below the grid; y tick "−1.5" is left of the grid, between
        // rows 3 and 4 (values 2, 1, 0, −1, −2 from the top).
        let zero = try #require(texts.first { $0.0 == "0" })
        let zeroWidth = r.measure("0", size: Theme.tickLabelSize, weight: .regular).width
        #expect(abs(zero.1.x + zeroWidth / 2 - rects[2].midX) < 1e-6 && zero.1.y > gridBottom)
        let y15 = try #require(texts.first { $0.0 == "\u{2212}1.5" })
        #expect(y15.1.x < gridLeft && y15.1.y > rects[15].midY && y15.1.y < rects[20].midY + 10)
        #expect(texts.first { $0.0 == "z₂" }?.2 == -Double.pi / 2)
        // Everything stays inside the figure.
        #expect(texts.allSatisfy { $0.1.x >= 0 && $0.1.y <= figure.height })
        #expect(layouts[0].imageMode)
    }

    @Test func imageGridColourBarSitsBesideTheImages() throws {
        let figure = Figure(width: 400, height: 300)
        let ax = figure.addAxes()
        let images = (0..<8).map { k in (0..<16).map { Double(($0 + k) % 5) - 2 } }
        ax.imageGrid(images: images, imageRows: 4, imageColumns: 4, gridColumns: 4, colorMap: .diverging, range: -2...2,
                     colorBar: true, colorBarLabel: "weight")
        let (r, layouts) = try record(figure)
        let l = layouts[0]
        let bar = try #require(l.colorBarRect)
        let rects = r.operations.compactMap { op -> Rect? in if case let .image(w, _, rect, _) = op, w > 1 { return rect } else { return nil } }
        #expect(rects.count == 8)
        let gridRight = rects.map(\.maxX).max()!
        #expect(abs(bar.minX - gridRight - Theme.colorBarGap) < 1e-9)
        #expect(abs(bar.minY - rects.map(\.minY).min()!) < 1e-9 && abs(bar.maxY - rects.map(\.maxY).max()!) < 1e-9)
        #expect(l.colorBarTicks.labels.contains("\u{2212}2") && l.colorBarTicks.labels.contains("2"))
        let texts = r.operations.compactMap { op -> (String, Point)? in if case let .text(s, p, _, _, _, _) = op { return (s, p) } else { return nil } }
        #expect(texts.contains { $0.0 == "weight" && $0.1.x > bar.maxX && $0.1.x <= figure.width })
        // Without a shared range a colour bar is refused.
        let bad = Figure()
        bad.addAxes().imageGrid(images: images, imageRows: 4, imageColumns: 4, gridColumns: 4, colorBar: true)
        #expect(throws: PlotError.self) { _ = try bad.render(.svg) }
    }

    @Test func textHaloIsDrawnUnderTheText() throws {
        let figure = Figure()
        let ax = figure.addAxes()
        ax.line(x: [0, 1], y: [0, 1])
        ax.text("z = 1", x: 0.5, y: 0.5, halo: true)
        ax.text("plain", x: 0.2, y: 0.8)
        let (r, _) = try record(figure)
        let drawn = r.operations.compactMap { op -> (String, Color)? in if case let .text(s, _, _, _, c, _) = op { return (s, c) } else { return nil } }
        let haloCopies = drawn.filter { $0.0 == "z = 1" }
        #expect(haloCopies.count == 17 && haloCopies.dropLast().allSatisfy { $0.1 == .white } && haloCopies.last!.1 == .reference)
        #expect(drawn.filter { $0.0 == "plain" }.count == 1)
    }

    @Test func imageGridAxisPositionsInterpolateBetweenCells() {
        #expect(ImageGridAxis.position(of: 0, in: [-1, 1]) == 0.5)
        #expect(ImageGridAxis.position(of: 1.96, in: [1.96, 0.98, 0, -0.98, -1.96]) == 0)
        #expect(ImageGridAxis.position(of: -1.96, in: [1.96, 0.98, 0, -0.98, -1.96]) == 4)
        #expect(ImageGridAxis.position(of: 3, in: [0, 1, 2]) == nil)
        let axis = ImageGridAxis(label: "z", cellValues: [0, 1, 2], ticks: [0.5, 5])
        #expect(axis.positions == [0.5] && axis.tickLabels == ["0.5"])
    }

    static func bounds(_ path: Path) -> Rect? {
        var pts: [Point] = []
        for e in path.elements {
            switch e {
            case let .move(p), let .line(p): pts.append(p)
            case let .curve(a, b, c): pts += [a, b, c]
            case .close: break
            }
        }
        guard let x0 = pts.map(\.x).min(), let x1 = pts.map(\.x).max(), let y0 = pts.map(\.y).min(), let y1 = pts.map(\.y).max() else { return nil }
        return Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)
    }

    @Test func colourBarOfUnevenLevelsIsProportional() throws {
        let figure = Figure()
        let ax = figure.addAxes()
        let levels: [Double] = [-20, -8, -6, -4, -3, -2, -1]
        ax.filledContour(ScalarGrid(x: -3...3, y: -3...3, nx: 40, ny: 40) { -($0 * $0 + $1 * $1) - 1 }, levels: levels)
        let (r, layouts) = try record(figure)
        let l = layouts[0]
        let bar = try #require(l.colorBarRect)
        // The bands are nested rectangles from each level up to the top of the bar.
        let heights = r.operations.compactMap { op -> Double? in
            if case let .fill(path, _, _) = op, let b = Self.bounds(path), abs(b.minX - bar.minX) < 1e-9, abs(b.width - bar.width) < 1e-9,
               abs(b.minY - bar.minY) < 1e-9 { return b.height } else { return nil }
        }
        #expect(heights.count == levels.count - 1)
        for (k, h) in heights.enumerated() {
            let expected = bar.height * (levels.last! - levels[k]) / (levels.last! - levels.first!)
            #expect(abs(h - expected) < 1e-9 * bar.height, "band \(k)")
        }
        #expect(l.colorBarTicks.values.first == -20 && l.colorBarTicks.values.last == -1)
        #expect(l.colorBarTicks.values.allSatisfy { levels.contains($0) })
        #expect(l.colorBarTicks.labels.first == "\u{2212}20")
    }

    @Test func marksAreClippedToThePlotArea() throws {
        let figure = Figure()
        let ax = figure.addAxes()
        ax.line(x: [0, 1], y: [0, 1])
        let (r, layouts) = try record(figure)
        let ops = r.operations
        let push = try #require(ops.firstIndex(of: .pushClip(layouts[0].plot)))
        let line = try #require(ops.firstIndex { if case let .stroke(_, s) = $0 { return s.color == .model }; return false })
        let pop = try #require(ops[push...].firstIndex(of: .popClip))
        #expect(push < line && line < pop)
    }

    /// Image grids: crisp (nearest-neighbour) images inside the axes, in reading order, not overlapping, each caption
    /// centred under its image; no ticks or frame.
    @Test func imageGridLaysOutImagesAndCaptions() throws {
        let figure = Figure(width: 300, height: 200, title: "Digits")
        let ax = figure.addAxes()
        let images = (0..<7).map { k in (0..<64).map { Double(($0 * (k + 1)) % 17) } }
        ax.imageGrid(images: images, imageRows: 8, imageColumns: 8, gridColumns: 4, captions: (0..<7).map { "#\($0)" })
        let (r, layouts) = try record(figure)
        let rects = r.operations.compactMap { op -> Rect? in
            if case let .image(w, h, rect, nearest) = op, w == 8, h == 8, nearest { return rect }
            return nil
        }
        #expect(rects.count == 7)
        let plot = layouts[0].plot
        for (k, rect) in rects.enumerated() {
            #expect(plot.contains(Point(rect.minX, rect.minY)) && plot.contains(Point(rect.maxX, rect.maxY)))
            #expect(abs(rect.width - rect.height) < 1e-9)
            for other in rects[(k + 1)...] { #expect(!rect.intersects(other)) }
        }
        #expect(rects[1].minX > rects[0].maxX && rects[4].minY > rects[0].maxY)  // row-major
        let captions = r.texts.filter { $0.text.hasPrefix("#") }
        #expect(captions.count == 7)
        for (k, c) in captions.enumerated() {
            let w = r.measure(c.text, size: c.size, weight: .regular).width
            #expect(abs(c.origin.x + w / 2 - rects[k].midX) < 1e-9 && c.origin.y > rects[k].maxY)
            #expect(c.origin.y < (k + 4 < rects.count ? rects[k + 4].minY : figure.height))
        }
        #expect(!r.texts.contains { $0.text == "0" })  // no tick labels
    }

    @Test func nanBreaksAPolyline() {
        let path = Path.polyline([Point(0, 0), Point(1, 1), Point(.nan, 2), Point(3, 3), Point(4, 4)])
        #expect(path.elements == [.move(Point(0, 0)), .line(Point(1, 1)), .move(Point(3, 3)), .line(Point(4, 4))])
    }
}
