import Plotting
import Testing
@testable import Report

/// Phone versions of wide figures: which figures get one, its size and style, its file names.
@Suite struct NarrowFigureTests {
    /// A figure needs one when its 9 pt ticks would be under 8 CSS px in a 360 px column.
    @Test(arguments: [(300.0, false), (405.0, false), (406.0, true), (460.0, true), (640.0, true)])
    func whichFiguresNeedOne(width: Double, needed: Bool) {
        #expect(NarrowFigure.isNeeded(width: width) == needed)
        let shown = min(width * LessonPage.cssPixelsPerPoint, NarrowFigure.phoneColumnPixels)
        #expect((9 * shown / width < 8) == needed)
    }

    /// Two panels side by side become one column at 288 pt; flat plots get at least 0.62 of the width per panel; the
    /// phone version has no figure title (the page sets it as text).
    @Test func panelsAreStackedAtTheirOwnTextSize() throws {
        let figure = Figure(width: 640, height: 300, title: "A long title that would end in an ellipsis at 288 points")
        for axes in figure.subplots(rows: 1, columns: 2) { axes.line(x: [0, 1, 2], y: [1, 0, 1]) }
        let narrow = try #require(NarrowFigure.variant(of: figure.frozen()))
        #expect(narrow.width == 288 && narrow.columns == 1 && narrow.rows == 2)
        #expect(narrow.height >= 2 * 288 * NarrowFigure.minimumPanelAspect)
        #expect(narrow.style.tickLabelSize == FigureStyle.web.tickLabelSize && !narrow.style.showsFigureTitle)
        let small = Figure(width: 400, height: 300)
        small.addAxes().line(x: [0, 1], y: [0, 1])
        #expect(NarrowFigure.variant(of: small.frozen()) == nil)
    }

    /// An image table (captioned columns) cannot re-flow: it pans on a phone instead.
    @Test func imageTablesPan() {
        let figure = Figure(width: 640, height: 300)
        let axes = figure.addAxes()
        let tile = [Double](repeating: 0.5, count: 4)
        axes.imageGrid(images: Array(repeating: tile, count: 6), imageRows: 2, imageColumns: 2, gridColumns: 3,
                       captions: ["original", "q = 1", "q = 2", "original", "q = 1", "q = 2"])
        #expect(NarrowFigure.layout(of: figure.frozen()) == .pans)
        #expect(NarrowFigure.variant(of: figure.frozen()) == nil)
    }

    @Test func fileNames() {
        #expect(NarrowFigure.figurePath("scree") == "figures/narrow/scree.png")
        #expect(NarrowFigure.framePath("frames/em/002.png") == "frames/em/narrow/002.png")
    }

    @Test func thePageServesThePhoneVersionThroughPicture() {
        var f = RenderedFigure(name: "scree", kind: .single, formats: [.png], width: 640, height: 300, lesson: "pca")
        f.narrow = (288, 400)
        f.title = "Scree <plot>"
        let html = LessonPage.figureHTML(f, captionHTML: "Scree", captionText: "Scree")
        #expect(html.contains(#"<picture><source media="(max-width: 600px)" srcset="figures/narrow/scree.png" width="360" height="500" data-width-pt="288" data-text-pt="9"><img src="figures/scree.png" alt="Scree" width="800" height="375" data-width-pt="640" data-text-pt="9"></picture>"#), "\(html)")
        #expect(html.contains(#"<p class="figure-title" aria-hidden="true">Scree &lt;plot&gt;</p>"#))
    }
}
