import Foundation
import Testing
@testable import Plotting

/// Rendered PNGs compared with committed reference images by RMS difference over the RGBA channels (0–255), as
/// matplotlib's image tests do: small anti-aliasing or font-rasteriser changes pass, a moved or recoloured mark fails.
///
/// To regenerate after an intended change, look at the new images, then run
/// `PLOTTING_RECORD_REFERENCES=1 swift test --filter ReferenceImageTests` and commit Tests/PlottingTests/Reference/.
@Suite struct ReferenceImageTests {
    /// Tolerance on the RMS difference (0–255 scale).
    static let tolerance = 2.0

    static let cases: [String: @Sendable () -> Figure] = [
        "reference-scatter-lines": {
            let figure = Figure(width: 240, height: 180, title: "Scatter and line")
            let ax = figure.addAxes()
            ax.scatter(x: [0, 1, 2, 3, 4], y: [0.2, 1.1, 1.8, 3.2, 3.9], colors: (0..<5).map(Color.category), marker: .square,
                       label: "data")
            ax.line(x: [0, 4], y: [0, 4], dash: .dashed, label: "y = x")
            ax.xLabel = "z₁"
            ax.yLabel = "σ²"
            return figure
        },
        "reference-contours": {
            let figure = Figure(width: 240, height: 180)
            let ax = figure.addAxes()
            let grid = ScalarGrid(x: -2...2, y: -2...2, nx: 60, ny: 60) { exp(-($0 * $0 + 2 * $1 * $1) / 2) }
            ax.filledContour(grid, levelCount: 6, colorBarLabel: "p")
            ax.contour(grid, levels: [0.5], color: .white)
            ax.equalAspect = true
            return figure
        },
        "reference-images": {
            let figure = Figure(width: 200, height: 120)
            let ax = figure.addAxes()
            let images = (0..<6).map { k in (0..<16).map { Double(($0 + k) % 5) } }
            ax.imageGrid(images: images, imageRows: 4, imageColumns: 4, gridColumns: 3, captions: (0..<6).map { "c\($0)" })
            return figure
        },
    ]

    static var referenceDirectory: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    }

    func reference(_ name: String) throws -> RasterImage {
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "png", subdirectory: "Reference"))
        return try PNGDecoding.decode([UInt8](try Data(contentsOf: url)))
    }

    @Test(arguments: ["reference-scatter-lines", "reference-contours", "reference-images"])
    func matchesReference(name: String) throws {
        let make = try #require(Self.cases[name])
        let figure = make()
        let png = try figure.render(.png, scale: 1)
        if ProcessInfo.processInfo.environment["PLOTTING_RECORD_REFERENCES"] != nil {
            try Data(png).write(to: Self.referenceDirectory.appendingPathComponent("\(name).png"))
            return
        }
        let rendered = try PNGDecoding.decode(png), expected = try reference(name)
        let rms = try #require(PNGDecoding.rms(rendered, expected), "size changed")
        #expect(rms <= Self.tolerance, "\(name): RMS \(rms)")
    }

    /// The comparison is sensitive: the same figure with the line in another colour is rejected.
    @Test func comparisonDetectsAChangedMark() throws {
        guard ProcessInfo.processInfo.environment["PLOTTING_RECORD_REFERENCES"] == nil else { return }
        let figure = Figure(width: 240, height: 180, title: "Scatter and line")
        let ax = figure.addAxes()
        ax.scatter(x: [0, 1, 2, 3, 4], y: [0.2, 1.1, 1.8, 3.2, 3.9], colors: (0..<5).map(Color.category), marker: .square, label: "data")
        ax.line(x: [0, 4], y: [0, 4], color: .posterior, width: 3, dash: .solid, label: "y = x")
        ax.xLabel = "z₁"
        ax.yLabel = "σ²"
        let changed = try PNGDecoding.decode(try figure.render(.png))
        let expected = try reference("reference-scatter-lines")
        let rms = try #require(PNGDecoding.rms(changed, expected))
        #expect(rms > Self.tolerance)
    }
}

@Suite struct CrispnessTests {
    /// At 1× the plot frame (0.8 pt) is exactly one fully dark pixel column, not two half-grey ones.
    @Test func frameIsSnappedToWholePixels() throws {
        let figure = Figure(width: 200, height: 150)
        let ax = figure.addAxes()
        ax.showGrid = false
        ax.line(x: [0, 1], y: [0, 1], color: Color(red: 1, green: 1, blue: 1, alpha: 0))
        let image = try PNGDecoding.decode(try figure.render(.png, scale: 1))
        let r = try RecordingRenderer()
        let layout = figure.layouts(renderer: r)[0]
        let plot = layout.plot, ticks = layout.yTicks.values
        let row = Int(layout.transform.y.position((ticks[0] + ticks[1]) / 2))  // between two ticks
        let columns = (Int(plot.minX) - 2)...(Int(plot.minX) + 2)
        let values = columns.map { Int(image.rgba[4 * (row * image.width + $0)]) }
        #expect(values.filter { $0 < 0x60 }.count == 1, "\(values)")
        #expect(values.filter { $0 > 0xE0 }.count == 4, "\(values)")
    }
}
