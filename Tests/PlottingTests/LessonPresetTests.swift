import Foundation
import Testing
@testable import Plotting

/// The presets that replace what the lessons wrote by hand draw exactly what the hand-written code draws: the same
/// recorded drawing commands, compared through the recording renderer.
@Suite struct LessonPresetTests {
    static func operations(_ figure: Figure) throws -> [RecordingRenderer.Operation] {
        let r = try RecordingRenderer()
        try figure.draw(on: r)
        return r.operations
    }

    /// A small correlated cloud (seeded) to draw on.
    static func cloud(_ n: Int = 60, seed: UInt64 = 7) -> (x: [Double], y: [Double]) {
        var g = GallerySeededGenerator(seed: seed)
        var xs: [Double] = [], ys: [Double] = []
        for _ in 0..<n {
            let a = g.normal(), b = g.normal()
            xs.append(1 + 1.5 * a); ys.append(-0.5 + 0.8 * a + 0.4 * b)
        }
        return (xs, ys)
    }

    // MARK: dataPlane

    @Test(arguments: [(nil, nil), (-4.0...5.0, -3.0...2.0), (-4.0...5.0, nil)] as [(ClosedRange<Double>?, ClosedRange<Double>?)])
    func dataPlaneDrawsWhatTheHandWrittenSettingsDraw(x: ClosedRange<Double>?, y: ClosedRange<Double>?) throws {
        let (xs, ys) = Self.cloud()
        func figure(_ configure: (Axes) -> Void) -> Figure {
            let f = Figure(title: "data plane")
            let ax = f.addAxes()
            ax.scatter(x: xs, y: ys, label: "data")
            configure(ax)
            return f
        }
        let preset = figure { $0.dataPlane(x: x, y: y) }
        let byHand = figure { ax in
            ax.xLabel = "x₁"; ax.yLabel = "x₂"; ax.equalAspect = true
            if let x { ax.xLimits = x }
            if let y { ax.yLimits = y }
        }
        #expect(try Self.operations(preset) == Self.operations(byHand))
        let ax = preset.axes[0]
        #expect(ax.xLabel == "x₁" && ax.yLabel == "x₂" && ax.equalAspect && ax.xLimits == x && ax.yLimits == y)
    }

    @Test func dataPlaneTakesOtherLabelsAndKeepsLimitsItIsNotGiven() {
        let ax = Figure().addAxes()
        ax.yLimits = 0...1
        ax.dataPlane(x: -1...1, xLabel: "z₁", yLabel: "z₂")
        #expect(ax.xLabel == "z₁" && ax.yLabel == "z₂" && ax.xLimits == -1...1 && ax.yLimits == 0...1)
    }

    // MARK: Covariance2

    @Test func covarianceValueDrawsTheSameEllipseAsNestedArrays() throws {
        let c = [[2.0, 0.7], [0.70000000000000007, 1.0]]  // a computed matrix: the off-diagonals differ in the last bit
        func figure(_ add: (Axes) -> Void) -> Figure {
            let f = Figure()
            add(f.addAxes())
            return f
        }
        let nested = try Self.operations(figure { $0.ellipse(mean: (1, 2), covariance: c, k: 2, color: .posterior, label: "2σ") })
        for value in [Covariance2(c), Covariance2(c[0][0], c[0][1], c[1][0], c[1][1]),
                      Covariance2(xx: 2, xy: (c[0][1] + c[1][0]) / 2, yy: 1)] {
            let drawn = try Self.operations(figure { $0.ellipse(mean: (1, 2), covariance: value, k: 2, color: .posterior, label: "2σ") })
            #expect(drawn == nested)
        }
        #expect(Covariance2(c).rows == [[2, (0.7 + 0.70000000000000007) / 2], [(0.7 + 0.70000000000000007) / 2, 1]])
    }

    @Test func covarianceOfTheWrongShapeIsReportedWhenTheFigureRenders() {
        #expect(Covariance2([[1, 0, 0], [0, 1, 0]]).xx.isNaN)
        let figure = Figure()
        figure.addAxes().ellipse(mean: (0, 0), covariance: Covariance2([[1.0]]))
        #expect(throws: PlotError.self) { try figure.render(.svg) }
    }

    // MARK: outlined markers

    /// The three hand-written patterns of the lessons: PPCA's black-edged highlight diamonds, the PPCA density
    /// figure's white-edged data dots, the nonlinear lesson's translucent white rims.
    @Test(arguments: [
        (Color.highlight, 4.5, 2.2, Marker.diamond, 1.0, 1.0, Color.black),
        (Color.data, 2.5, 1.5, Marker.circle, 1.0, 1.0, Color.white),
        (Color.data, 1.1, 0.7, Marker.circle, 0.9, 0.85, Color.white),
    ])
    func outlinedScatterDrawsTheUnderlayPattern(color: Color, size: Double, edge: Double, marker: Marker, alpha: Double,
                                                edgeAlpha: Double, edgeColor: Color) throws {
        let (xs, ys) = Self.cloud(40)
        func figure(_ add: (Axes) -> Void) -> Figure {
            let f = Figure(title: "outlined")
            let ax = f.addAxes()
            ax.filledContour(ScalarGrid(x: -4...6, y: -3...2, nx: 20, ny: 20) { x, y in -x * x - y * y })
            add(ax)
            ax.line(x: [-2, 4], y: [-1, 1], label: "a line")
            return f
        }
        let byHand = figure { ax in
            ax.scatter(x: xs, y: ys, color: edgeColor, size: size + edge, marker: marker, alpha: edgeAlpha)
            ax.scatter(x: xs, y: ys, color: color, size: size, marker: marker, alpha: alpha, label: "points")
        }
        let outlined = figure { ax in
            ax.outlinedScatter(x: xs, y: ys, color: color, size: size, marker: marker, alpha: alpha, edgeColor: edgeColor,
                               edgeWidth: edge, edgeAlpha: edgeAlpha, label: "points")
        }
        #expect(try Self.operations(outlined) == Self.operations(byHand))
        #expect(try outlined.render(.png) == byHand.render(.png))
    }

    /// The lessons' literal radii are what `size + edgeWidth` gives.
    @Test func outlinedRadiiMatchTheLessonsLiterals() {
        #expect(2.5 + 1.5 == 4.0 && 1.1 + 0.7 == 1.8)
    }

    // MARK: ScalarGrid.nodes

    @Test func nodesAreTheSampledGridsNodes() {
        let (xs, ys) = ScalarGrid.nodes(x: -1.3...2.9, y: 0...7.1, nx: 37, ny: 11)
        let grid = ScalarGrid(x: -1.3...2.9, y: 0...7.1, nx: 37, ny: 11) { x, y in x * y }
        #expect(xs == grid.xs && ys == grid.ys)
        #expect(xs.first == -1.3 && abs(xs.last! - 2.9) < 1e-15 && ys.count == 11 && ys.last == 7.1)
        let clamped = ScalarGrid.nodes(x: 0...1, y: 0...1, nx: 1, ny: 0)
        #expect(clamped.xs == [0, 1] && clamped.ys == [0, 1])
    }
}
