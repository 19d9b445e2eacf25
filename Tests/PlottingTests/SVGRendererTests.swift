import Foundation
import Testing
@testable import Plotting

/// `SVGRenderer`: text stays text, the layout is the one Cairo draws, the bytes are reproducible.
@Suite struct SVGRendererTests {
    /// A figure with plain and math labels, a legend, a clip and an image.
    static func figure() -> Figure {
        let figure = Figure(width: 300, height: 220, title: "Scree & <more>")
        let ax = figure.addAxes()
        ax.scatter(x: [0, 1, 2, 3], y: [1, 3, 2, 4], label: "data xₙ")
        ax.line(x: [0, 3], y: [1, 4], dash: .dashed, label: "fit")
        ax.xLabel = "component index"
        ax.yLabel = "σ² of x₁"
        return figure
    }

    /// Every `<text>` element of `svg`: its `aria-label` (if any) and its characters, tags removed.
    static func texts(_ svg: String) -> [(label: String?, content: String)] {
        svg.components(separatedBy: "<text").dropFirst().map { chunk in
            let element = chunk.components(separatedBy: "</text>")[0]
            var label: String? = nil
            if let r = element.range(of: "aria-label=\"") {
                label = String(element[r.upperBound...].prefix { $0 != "\"" })
            }
            var content = "", inTag = true  // the chunk starts inside the <text …> tag
            for c in element {
                if c == "<" { inTag = true } else if c == ">" { inTag = false } else if !inTag { content.append(c) }
            }
            return (label, content)
        }
    }

    @Test func axisLabelsAndTicksAreTextElementsNotOutlines() throws {
        let svg = String(decoding: try Self.figure().render(.svg), as: UTF8.self)
        let texts = Self.texts(svg)
        #expect(texts.contains { $0.content == "component index" })
        #expect(texts.contains { $0.content == "σ² of x₁" })
        #expect(texts.contains { $0.content == "fit" })
        #expect(texts.contains { $0.content == "2" }, "tick labels")
        #expect(svg.contains("<title>Scree &amp; &lt;more&gt;</title>"))
        #expect(!svg.contains("<symbol") && !svg.contains("glyph"), "no glyph outlines")
        #expect(svg.contains("font-family=\"'DejaVu Sans', sans-serif\""))
    }

    /// In the notes style the drawn characters are math (𝑥 and a lowered 1), the label keeps the lesson's text.
    @Test func notesStyleSetsMathAndKeepsTheTextAsALabel() throws {
        let notes = Self.figure().frozen().resized(width: 246, style: .notes())
        let svg = String(decoding: try notes.render(.svg), as: UTF8.self)
        let texts = Self.texts(svg)
        let y = try #require(texts.first { $0.label == "σ² of x₁" })
        #expect(y.content == "𝜎2 of 𝑥1")
        #expect(texts.contains { $0.content == "component index" && $0.label == nil })
        #expect(svg.contains("'LM Roman 8', 'Latin Modern Roman', serif"))
        #expect(svg.contains("'Latin Modern Math', serif"))
        #expect(!texts.contains { $0.content.contains("Scree") }, "the notes style draws no title")
    }

    /// Each run starts where Cairo starts its glyphs: the subscript of x₁ sits after 𝑥 and below the baseline.
    @Test func runsArePlacedAsCairoPlacesThem() throws {
        let measurer = try TextMeasurer(style: .notes())
        let runs = measurer.placedRuns("x₁", size: 9, weight: .regular)
        #expect(runs.map(\.text) == ["𝑥", "1"])
        #expect(runs[1].x > 3 && runs[1].rise < 0 && runs[1].size < 9)
        let whole = measurer.measure("x₁", size: 9, weight: .regular).width
        let single = measurer.measure("1", size: 9 * MathText.scriptScale, weight: .regular).width
        #expect(abs(runs[1].x + single - whole) < 1e-9)
    }

    @Test func numbersHaveAtMostThreeDecimalsAndNoNegativeZero() {
        #expect(SVGRenderer.number(1.23456) == "1.235")
        #expect(SVGRenderer.number(-0.0001) == "0")
        #expect(SVGRenderer.number(-2.5) == "-2.5")
        #expect(SVGRenderer.number(0.05) == "0.05")
        #expect(SVGRenderer.number(460) == "460")
        #expect(SVGRenderer.number(0.007) == "0.007")
    }

    @Test func sameFigureSameBytes() throws {
        let a = try Self.figure().render(.svg)
        _ = try Gallery.figures()[0].figure.render(.svg)
        #expect(try Self.figure().render(.svg) == a)
    }

    /// Rasterised by librsvg (`rsvg-convert`, when installed), the SVG looks like the PNG Cairo draws: RMS over the
    /// RGBA channels (0–255). The two differ where the PNG snaps frames and ticks to whole pixels and in text
    /// antialiasing: measured 9.9 (web) and 8.1 (notes, smaller text); every text run moved 4 pt gives 21.9 and 11.2.
    @Test(arguments: [false, true])
    func rasterisedItLooksLikeThePNG(notes: Bool) throws {
        guard let rsvg = ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert"].first(where: FileManager.default.isExecutableFile)
        else {
            print("skipped: rsvg-convert is not installed (Debian: librsvg2-bin)")
            return
        }
        var frozen = sampleFigure().frozen()
        if notes { frozen = frozen.resized(width: 246, style: .notes()) }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("svg-raster-\(getpid())-\(notes)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let svg = dir.appendingPathComponent("f.svg"), png = dir.appendingPathComponent("f.png")
        try Data(try frozen.render(.svg)).write(to: svg)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: rsvg)
        process.arguments = ["-d", "144", "-p", "144", "-b", "white", svg.path, "-o", png.path]
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let theirs = try PNGDecoding.decode([UInt8](try Data(contentsOf: png)))
        let ours = try PNGDecoding.decode(try frozen.render(.png, scale: 2))
        let rms = try #require(PNGDecoding.rms(theirs, ours), "sizes differ: \(theirs.width)×\(theirs.height) vs \(ours.width)×\(ours.height)")
        print("svg-vs-png RMS notes=\(notes): \(rms)")
        #expect(rms < (notes ? 9.5 : 12), "RMS \(rms)")
    }
}
