import Testing
@testable import Report
import Plotting

/// The figure markup: nominal size × `cssPixelsPerPoint`, a link to the full-size PNG, frame links that follow the slider.
@Suite struct FigureHTMLTests {
    @Test func singleFigureIsShownAtItsScaledNominalSizeAndLinksToThePNG() {
        let f = RenderedFigure(name: "scree", kind: .single, formats: [.png, .svg], width: 640, height: 300)
        let html = LessonPage.figureHTML(f, captionHTML: "Scree", captionText: "Scree")
        #expect(LessonPage.cssPixelsPerPoint >= 1 && LessonPage.cssPixelsPerPoint * 640 <= 832)   // a slide fits the column
        #expect(html.contains("width=\"\(Int(640 * LessonPage.cssPixelsPerPoint))\" height=\"\(Int(300 * LessonPage.cssPixelsPerPoint))\""))
        #expect(html.contains("<a class=\"figure-image\" href=\"figures/scree.png\""))
        #expect(html.contains("<img src=\"figures/scree.png\""))
    }

    @Test func framesLinkTheFirstFrame() {
        let f = RenderedFigure(name: "em", kind: .frames(paths: ["frames/em/001.png", "frames/em/002.png"], labels: ["1", "2"]),
                               formats: [.png], width: 460, height: 345)
        let html = LessonPage.figureHTML(f, captionHTML: "EM", captionText: "EM")
        #expect(html.contains("<a class=\"figure-image\" href=\"frames/em/001.png\""))
        #expect(SiteScript.js.contains("imageLink.setAttribute(\"href\", src)"))
    }

    @Test func formatsNotBuiltAreOfferedOnDemand() {
        let f = RenderedFigure(name: "scree", kind: .single, formats: [.png, .svg], width: 640, height: 300, lesson: "pca")
        let html = LessonPage.figureHTML(f, captionHTML: "Scree", captionText: "Scree")
        #expect(html.contains("<a href=\"figures/scree.svg\">SVG</a>"))
        #expect(html.contains("PDF: <code>lvm-lessons figures pca/scree --format pdf</code>"), "\(html)")
        let all = RenderedFigure(name: "scree", kind: .single, formats: [.png, .svg, .pdf], width: 640, height: 300, lesson: "pca")
        #expect(!LessonPage.figureHTML(all, captionHTML: "Scree", captionText: "Scree").contains("on-demand"))
    }
}
