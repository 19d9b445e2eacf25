import Foundation
import Testing
@testable import Plotting

/// The notes style (`FigureStyle.notes`, `FrozenFigure.resized`): the size of the PDF page, embedded serif fonts, no
/// figure title, text sizes at the printed width, re-flowed panels, thinned image grids, math setting.
@Suite struct NotesStyleTests {
    /// 246 TeX points (a two-column journal's `\columnwidth`) in big points.
    static let column = try! Length(parsing: "246pt")

    static func twoPanels(title: String? = "A title the caption carries") -> Figure {
        let figure = Figure(width: 640, height: 300, title: title)
        let axes = figure.subplots(rows: 1, columns: 2)
        for (k, ax) in axes.enumerated() {
            ax.scatter(x: (0..<50).map { Double($0) / 7 }, y: (0..<50).map { sin(Double($0 + k) / 5) * 1000 }, label: "data")
            ax.xLabel = "z₁"; ax.yLabel = "fθ(z)"; ax.title = "panel \(k + 1)"
        }
        return figure
    }

    /// `/MediaBox [0 0 W H]` of a one-page PDF.
    static func mediaBox(_ pdf: [UInt8]) -> (Double, Double)? {
        let text = String(decoding: pdf, as: UTF8.self)
        guard let r = text.range(of: #"/MediaBox \[ ?0 0 ([0-9.]+) ([0-9.]+) ?\]"#, options: .regularExpression) else { return nil }
        let numbers = text[r].split(whereSeparator: { " []".contains($0) }).compactMap { Double($0) }
        return numbers.count == 4 ? (numbers[2], numbers[3]) : nil
    }

    @Test func lengthsReadTeXUnits() throws {
        #expect(abs(try Length(parsing: "246pt").points - 246 * 72 / 72.27) < 1e-9)
        #expect(try Length(parsing: "3.4in").points == 3.4 * 72)
        #expect(abs(try Length(parsing: "8.6cm").points - 8.6 / 2.54 * 72) < 1e-9)
        #expect(abs(try Length(parsing: "86 mm").points - 86 / 25.4 * 72) < 1e-9)
        #expect(try Length(parsing: "245bp").points == 245)
        #expect(throws: Length.ParseError.noUnit("3.4")) { try Length(parsing: "3.4") }
        #expect(throws: Length.ParseError.unknownUnit("3px", unit: "px")) { try Length(parsing: "3px") }
        #expect(throws: Length.ParseError.notPositive("-2in")) { try Length(parsing: "-2in") }
        #expect(throws: Length.ParseError.notANumber("wide")) { try Length(parsing: "wide") }
        #expect(Length.ParseError.noUnit("3.4").description.contains("246pt"))
    }

    @Test(arguments: ["246pt", "3.4in", "8.6cm", "390pt"])
    func pdfPageIsTheRequestedWidth(_ text: String) throws {
        let width = try Length(parsing: text).points
        let figure = Self.twoPanels().frozen().resized(width: width, style: .notes())
        let box = try #require(Self.mediaBox(try figure.render(.pdf)))
        #expect(abs(box.0 - width) <= 0.5, "page \(box.0) bp for \(text) = \(width) bp")
        #expect(box.1 > 0)
    }

    @Test func pdfFontsAreEmbeddedSubsetAndSerif() throws {
        let pdf = try Self.twoPanels().frozen().resized(width: Self.column.points, style: .notes()).render(.pdf)
        let text = String(decoding: pdf, as: UTF8.self)
        let descriptors = text.components(separatedBy: "/Type /FontDescriptor").count - 1
        let embedded = ["/FontFile ", "/FontFile2 ", "/FontFile3 "].map { text.components(separatedBy: $0).count - 1 }.reduce(0, +)
        #expect(descriptors > 0 && embedded == descriptors, "\(descriptors) fonts, \(embedded) embedded")
        let names = text.matches(of: /\/FontName \/([A-Z]{6})\+([A-Za-z0-9-]+)/).map { String($0.output.2) }
        #expect(!names.isEmpty, "subset fonts carry a six-letter tag")
        for name in names { #expect(name.hasPrefix("LMRoman") || name.hasPrefix("LatinModernMath"), "\(name)") }
        // The web style, for contrast, is DejaVu Sans.
        let web = String(decoding: try Self.twoPanels().render(.pdf), as: UTF8.self)
        #expect(web.contains("DejaVuSans"))
    }

    @Test func notesStyleDrawsNoFigureTitle() throws {
        let title = "A title the caption carries"
        let notes = Self.twoPanels(title: title).frozen().resized(width: Self.column.points, style: .notes())
        let recorder = try RecordingRenderer(style: notes.style)
        try notes.draw(on: recorder)
        #expect(!recorder.texts.contains { $0.text == title })
        #expect(recorder.texts.contains { $0.text == "panel 1" }, "panel titles stay")
        let web = try RecordingRenderer()
        try Self.twoPanels(title: title).frozen().draw(on: web)
        #expect(web.texts.contains { $0.text == title })
    }

    @Test func textIsAtLeast8ptAt246pt() throws {
        for (name, figure) in Gallery.figures() + [("two panels", Self.twoPanels())] {
            let notes = figure.frozen().resized(width: Self.column.points, style: .notes())
            let recorder = try RecordingRenderer(style: notes.style)
            try notes.draw(on: recorder)
            #expect(!recorder.texts.isEmpty, "\(name)")
            for t in recorder.texts { #expect(t.size >= 8, "\(name): '\(t.text)' at \(t.size) pt") }
            // Axis labels: the style's size, at least 9 pt.
            for t in recorder.texts where t.text == "z₁" || t.text == "fθ(z)" { #expect(t.size >= 9, "\(name): \(t.text)") }
        }
    }

    @Test func panelsStackAtNarrowWidths() {
        let narrow = Self.twoPanels().frozen().resized(width: Self.column.points, style: .notes())
        #expect(narrow.columns == 1 && narrow.rows == 2)
        // Each panel keeps its own aspect: 320 × 300 → 245 × 230, twice.
        #expect(abs(narrow.height - 2 * (Self.column.points * 300 / 320).rounded(.down)) <= 2)
        let wide = Self.twoPanels().frozen().resized(width: 400, style: .notes())
        #expect(wide.columns == 2 && wide.rows == 1)
        let fixed = Self.twoPanels().frozen().resized(width: 246, height: 500, style: .notes())
        #expect(fixed.height == 500)
    }

    @Test func imageGridsGetFewerLargerTiles() throws {
        let figure = Figure(width: 460, height: 200)
        let images = (0..<32).map { k in (0..<64).map { Double(($0 + k) % 7) } }
        figure.addAxes().imageGrid(images: images, imageRows: 8, imageColumns: 8, gridColumns: 16)
        let notes = figure.frozen().resized(width: Self.column.points, style: .notes())
        let grid = try #require(notes.axes[0].marks.first as? ImageGridMark)
        #expect(grid.gridColumns < 16 && grid.gridColumns >= 6)
        #expect(grid.images.count == 2 * grid.gridColumns, "the first images, as many rows as before")
        let recorder = try RecordingRenderer(style: notes.style)
        let tile = try #require(grid.layout(in: notes.layouts(renderer: recorder)[0].plot, renderer: recorder).first?.image)
        #expect(tile.width >= FrozenFigure.minimumTileWidth - 1e-9, "\(tile.width)")
        // A manifold grid with axes keeps evenly spaced cells, its first and last, and moves its ticks with them.
        let manifold = Figure(width: 460, height: 460)
        let cells = (0..<400).map { k in (0..<64).map { Double(($0 + k) % 5) } }
        let values = (0..<20).map { Double($0) }
        manifold.addAxes().imageGrid(images: cells, imageRows: 8, imageColumns: 8, gridColumns: 20,
                                     xAxis: ImageGridAxis(label: "z₁", cellValues: values, ticks: [0, 19]),
                                     yAxis: ImageGridAxis(label: "z₂", cellValues: values, ticks: [0, 19]))
        let thin = try #require(manifold.frozen().resized(width: Self.column.points, style: .notes()).axes[0].marks.first as? ImageGridMark)
        #expect(thin.gridColumns < 20 && thin.images.count == thin.gridColumns * thin.gridColumns)
        #expect(thin.images.first == cells.first && thin.images.last == cells.last)
        #expect(thin.xAxis?.positions == [0, Double(thin.gridColumns - 1)])
    }

    @Test func mathTextSetsVariablesItalicAndScriptsSmall() {
        typealias P = MathText.Piece
        #expect(MathText.pieces("z₁") == [P(text: "𝑧", level: 0), P(text: "1", level: -1)])
        #expect(MathText.pieces("fθ(z)") == [P(text: "𝑓", level: 0), P(text: "𝜃", level: -1), P(text: "(𝑧)", level: 0)])
        #expect(MathText.pieces("log p(xₙ)") == [P(text: "log 𝑝(𝑥", level: 0), P(text: "𝑛", level: -1), P(text: ")", level: 0)])
        #expect(MathText.pieces("WWᵀ + σ²I") == [P(text: "𝑊𝑊", level: 0), P(text: "T", level: 1), P(text: " + 𝜎", level: 0),
                                                   P(text: "2", level: 1), P(text: "𝐼", level: 0)])
        #expect(MathText.pieces("10⁻²") == [P(text: "10", level: 0), P(text: "−2", level: 1)])
        #expect(MathText.pieces("KL and ELBO") == [P(text: "KL and ELBO", level: 0)])
        #expect(MathText.pieces("uᵢⱼ") == [P(text: "𝑢", level: 0), P(text: "𝑖𝑗", level: -1)])
        #expect(MathText.pieces("h") == [P(text: "ℎ", level: 0)])
    }

    /// Regression: "each point's error" set the s after the apostrophe as a variable 𝑠.
    @Test func anApostropheJoinsAWord() {
        typealias P = MathText.Piece
        #expect(MathText.pieces("point's error") == [P(text: "point's error", level: 0)])
        #expect(MathText.pieces("Minka’s q") == [P(text: "Minka’s 𝑞", level: 0)])
        #expect(MathText.pieces("x'") == [P(text: "𝑥'", level: 0)])
    }

    /// `Wz + μ` is the product W z, as `WWᵀ` is; `In data` and `Of` stay words.
    @Test func aCapitalAndASmallLetterBeforeAnOperatorAreAProduct() {
        typealias P = MathText.Piece
        #expect(MathText.pieces("Wz + μ") == [P(text: "𝑊𝑧 + 𝜇", level: 0)])
        #expect(MathText.pieces("N(x; Wzₗ + μ)") == [P(text: "𝑁(𝑥; 𝑊𝑧", level: 0), P(text: "𝑙", level: -1), P(text: " + 𝜇)", level: 0)])
        #expect(MathText.pieces("In data space") == [P(text: "In data space", level: 0)])
    }

    @Test func notesFiguresAreByteReproducible() throws {
        let a = Self.twoPanels().frozen().resized(width: Self.column.points, style: .notes())
        let b = Self.twoPanels().frozen().resized(width: Self.column.points, style: .notes())
        for format in ImageFormat.allCases { #expect(try a.render(format, scale: 2) == b.render(format, scale: 2), "\(format)") }
    }

    @Test func latinModernIsInstalledHere() {
        // The Makefile installs fonts-lmodern; without it the command line falls back to DejaVu Serif and says so.
        #expect(FigureStyle.notesFamilyIsInstalled)
    }

    @Test func crowdedLegendOfANarrowPlotGoesBelowIt() throws {
        let figure = Figure(width: 460, height: 345)
        let ax = figure.addAxes()
        let xs = (0..<400).map { Double($0 % 20) }, ys = (0..<400).map { Double($0 / 20) }
        ax.scatter(x: xs, y: ys, label: "a scatter that fills the whole plot")
        ax.line(x: [0, 19], y: [0, 19], label: "and a long second label for the legend")
        ax.xLabel = "x₁"
        let notes = figure.frozen().resized(width: Self.column.points, style: .notes())
        let layout = try notes.layouts(renderer: RecordingRenderer(style: notes.style))[0]
        let box = try #require(layout.legend)
        #expect(layout.legendPosition == .below)
        #expect(box.rect.minY > layout.plot.maxY + 10 && box.rect.maxY <= notes.height, "\(box.rect) under \(layout.plot)")
        // The web style keeps its rule (inside or outside right), unchanged.
        let web = try figure.frozen().layouts(renderer: RecordingRenderer())[0]
        #expect(web.legendPosition != .below)
    }
}
