import Foundation
import Testing
@testable import Plotting

/// Layout defects found by looking at every lesson figure at 246 pt, as tests through the recording renderer: a
/// legend under a narrow plot stays inside the figure and the plot keeps its height, image captions and annotations
/// do not run into each other, titles wrap rather than end in "…".
@Suite struct NotesLayoutTests {
    static let column = try! Length(parsing: "246pt").points

    /// Ten classes and two more entries over a cloud that fills the plot (`ppca/posterior-digits`).
    static func crowdedLegend() -> FrozenFigure {
        let figure = Figure(width: 460, height: 345)
        let ax = figure.addAxes()
        for c in 0..<10 {
            ax.scatter(x: (0..<60).map { cos(Double($0 * 7 + c)) * 3 }, y: (0..<60).map { sin(Double($0 * 5 + c)) * 3 },
                       color: Color.category(c), label: "\(c)")
        }
        ax.line(x: [-3, 3], y: [-3, 3], label: "posterior, Mahalanobis r = 2")
        ax.line(x: [-3, 3], y: [3, -3], dash: .dashed, label: "chosen rows")
        ax.xLabel = "E[z₁ | x]"; ax.yLabel = "E[z₂ | x]"
        return figure.frozen().resized(width: column, style: .notes())
    }

    @Test func aCrowdedLegendGoesUnderThePlotInColumnsAndTheRowGrows() throws {
        let figure = Self.crowdedLegend()
        let r = try RecordingRenderer(style: figure.style)
        let layout = try #require(figure.layouts(renderer: r).first)
        let legend = try #require(layout.legend)
        #expect(layout.legendPosition == .below)
        #expect(legend.columns >= 2, "twelve entries in one column would be taller than the plot")
        let box = legend.rect
        #expect(box.minX >= 0 && box.maxX <= figure.width && box.maxY <= figure.height, "legend inside the figure: \(box)")
        #expect(box.minY >= layout.plot.maxY, "under the plot")
        // The plot keeps at least the height it has at the panel's own aspect without a legend.
        let nominal = Self.column * 345 / 460
        #expect(layout.plot.height >= 0.6 * nominal, "plot \(layout.plot.height) pt of a \(nominal) pt panel")
        #expect(figure.height > nominal + box.height * 0.9)
    }

    @Test func aLongLegendLabelWrapsInsteadOfLeavingTheFigure() throws {
        let figure = Figure(width: 460, height: 345)
        let ax = figure.addAxes()
        ax.scatter(x: (0..<400).map { Double($0 % 20) }, y: (0..<400).map { Double($0 / 20) }, label: "data")
        ax.line(x: [0, 19], y: [0, 19], label: "nonlinear LVM, d = 2, training digits (Gauss–Hermite 20×20 nodes, per image)")
        let notes = figure.frozen().resized(width: Self.column, style: .notes())
        let r = try RecordingRenderer(style: notes.style)
        let legend = try #require(notes.layouts(renderer: r).first?.legend)
        #expect(legend.rect.maxX <= notes.width && legend.rect.minX >= 0, "\(legend.rect)")
        try notes.draw(on: r)
        #expect(r.texts.contains { $0.text.hasPrefix("nonlinear LVM") && !$0.text.hasSuffix("image)") }, "wrapped")
        #expect(r.texts.contains { $0.text.hasSuffix("image)") })
    }

    /// `pca/reconstructions`: a table whose first column is captioned "original 0" … wider than its tile.
    @Test func tableCaptionsDoNotRunIntoEachOther() throws {
        let figure = Figure(width: 460, height: 345)
        let ax = figure.addAxes()
        var captions: [String] = []
        for row in 0..<5 { captions += ["original \(row)"] + [1, 2, 5, 10, 20, 40].map { "q = \($0)" } }
        ax.imageGrid(images: [[Double]](repeating: (0..<64).map(Double.init), count: 35), imageRows: 8, imageColumns: 8,
                     gridColumns: 7, captions: captions)
        let notes = figure.frozen().resized(width: Self.column, style: .notes())
        let r = try RecordingRenderer(style: notes.style)
        try notes.draw(on: r)
        let boxes = r.texts.map { t -> Rect in
            let e = r.measure(t.text, size: t.size, weight: .regular)
            return Rect(x: t.origin.x, y: t.origin.y - e.ascent, width: e.width, height: e.lineHeight)
        }
        #expect(boxes.count > 35, "the wide captions are on two lines")
        for i in boxes.indices { for j in boxes.indices where j > i {
            #expect(!TextMark.overlap(boxes[i], boxes[j]), "\(r.texts[i].text) and \(r.texts[j].text) overlap")
        } }
        #expect(boxes.allSatisfy { $0.minX >= 0 && $0.maxX <= notes.width && $0.maxY <= notes.height })
    }

    @Test func aLongPanelTitleWrapsInTheNotes() throws {
        let figure = Figure(width: 460, height: 200)
        let ax = figure.addAxes()
        ax.title = "PPCA, q = 2: σ² = 13.9, 28.4 % of values outside 0–16 (clipped)"
        ax.imageGrid(images: [[Double]](repeating: (0..<64).map(Double.init), count: 7), imageRows: 8, imageColumns: 8, gridColumns: 7)
        let notes = figure.frozen().resized(width: Self.column, style: .notes())
        let r = try RecordingRenderer(style: notes.style)
        try notes.draw(on: r)
        #expect(!r.texts.contains { $0.text.contains("…") })
        #expect(r.texts.map(\.text).joined(separator: " ") == ax.title!)
    }

    /// `nonlinear/elbo-gap`: annotations a few data units apart collide at 246 pt; the later one moves down, and one
    /// past the right edge moves inside.
    @Test func annotationsDoNotOverlapOrLeaveThePlot() throws {
        let figure = Figure(width: 460, height: 345)
        let ax = figure.addAxes()
        ax.scatter(x: [1, 2, 3, 4], y: [-24, -24, -25, -55])
        for (k, text) in ["KL = 0.708", "KL = 0.789", "KL = 2.05", "KL = 31.2"].enumerated() {
            ax.text(text, x: Double(k + 1) + 0.1, y: k == 3 ? -40 : -26)
        }
        let notes = figure.frozen().resized(width: Self.column, style: .notes())
        let r = try RecordingRenderer(style: notes.style)
        let plot = try #require(notes.layouts(renderer: r).first?.plot)
        try notes.draw(on: r)
        let labels = r.texts.filter { $0.text.hasPrefix("KL") }
        let boxes = labels.map { t -> Rect in
            let e = r.measure(t.text, size: t.size, weight: .regular)
            return Rect(x: t.origin.x, y: t.origin.y - e.ascent, width: e.width, height: e.lineHeight)
        }
        #expect(boxes.count == 4)
        for i in boxes.indices { for j in boxes.indices where j > i { #expect(!TextMark.overlap(boxes[i], boxes[j])) } }
        #expect(boxes.allSatisfy { $0.maxX <= plot.maxX && $0.minX >= plot.minX })
    }
}
