import Foundation
import Testing
@testable import Plotting

@Suite struct MarchingSquaresTests {
    /// Levels of x² + y² are circles: every contour point lies within the interpolation error of radius r. Linear
    /// interpolation of f = x² + y² along an edge of length h errs by at most h²/4 in f, i.e. h²/(8r) in radius.
    @Test(arguments: [0.5, 1.0, 1.7])
    func circleContoursMatchTheAnalyticRadius(radius: Double) throws {
        let n = 81
        let grid = ScalarGrid(x: -2...2, y: -2...2, nx: n, ny: n) { $0 * $0 + $1 * $1 }
        let h = 4.0 / Double(n - 1)
        let lines = MarchingSquares.lines(grid, level: radius * radius)
        #expect(lines.count == 1)
        let loop = try #require(lines.first)
        #expect(loop.first! == loop.last!, "closed loop")
        for p in loop {
            #expect(abs(hypot(p.x, p.y) - radius) <= h * h / (8 * radius) + 1e-12)
        }
    }

    /// The filled superlevel set {f ≥ r²} of x² + y² on [−2, 2]² has area 16 − πr², up to O(h²).
    @Test func filledAreaMatchesTheAnalyticArea() {
        let n = 161
        let grid = ScalarGrid(x: -2...2, y: -2...2, nx: n, ny: n) { $0 * $0 + $1 * $1 }
        let area = MarchingSquares.superlevelArea(grid, level: 1)
        let h = 4.0 / Double(n - 1)
        #expect(abs(area - (16 - Double.pi)) < 2 * Double.pi * h * h)
        // Below the minimum, the polygons tile the whole grid.
        #expect(abs(MarchingSquares.superlevelArea(grid, level: -1) - 16) < 1e-12)
        #expect(MarchingSquares.superlevelArea(grid, level: 100) == 0)
    }

    /// A single saddle cell, high corners on one diagonal: f = [[1, 0], [0, 1]] (corner average 0.5).
    /// Level 0.4: the centre is inside, so the high corners join through it (one hexagon; the two segments cut off the
    /// low corners). Level 0.6: the centre is outside, so the high corners are separate triangles.
    @Test func saddlesAreResolvedByTheCellAverage() {
        let grid = ScalarGrid(xs: [0, 1], ys: [0, 1], values: [1, 0, 0, 1])
        var joined: [[MarchingSquares.DataPoint]] = []
        MarchingSquares.superlevelPolygons(grid, level: 0.4) { joined.append($0) }
        #expect(joined.count == 1 && joined[0].count == 6)
        var split: [[MarchingSquares.DataPoint]] = []
        MarchingSquares.superlevelPolygons(grid, level: 0.6) { split.append($0) }
        #expect(split.count == 2 && split.allSatisfy { $0.count == 3 })

        // Lines: at 0.4 each segment separates a low corner (1, 0) or (0, 1); at 0.6 a high corner (0, 0) or (1, 1).
        let low = MarchingSquares.lines(grid, level: 0.4)
        #expect(low.count == 2)
        for segment in low {
            let mid = ((segment[0].x + segment[1].x) / 2, (segment[0].y + segment[1].y) / 2)
            #expect(abs(mid.0 - mid.1) > 0.5, "segment cuts off an off-diagonal (low) corner")
        }
        let high = MarchingSquares.lines(grid, level: 0.6)
        #expect(high.count == 2)
        for segment in high {
            let mid = ((segment[0].x + segment[1].x) / 2, (segment[0].y + segment[1].y) / 2)
            #expect(abs(mid.0 - mid.1) < 1e-12, "segment cuts off a diagonal (high) corner")
        }
        // Areas: the crossings lie 0.4 from the corner they cut off, so the hexagon is 1 − 2·(½·0.4²) and each
        // triangle ½·0.4².
        #expect(abs(MarchingSquares.superlevelArea(grid, level: 0.4) - (1 - 0.16)) < 1e-12)
        #expect(abs(MarchingSquares.superlevelArea(grid, level: 0.6) - 2 * 0.08) < 1e-12)
    }

    /// On the saddle x² − y², the zero level passes through grid nodes; contour points still satisfy f = level.
    @Test func contourPointsSatisfyTheLevelOnAQuadratic() {
        let grid = ScalarGrid(x: -3...3, y: -3...3, nx: 41, ny: 41) { $0 * $0 - $1 * $1 }
        let h = 6.0 / 40
        for level in [-4.0, -1.0, 0.5, 2.0] {
            for line in MarchingSquares.lines(grid, level: level) {
                for p in line { #expect(abs(p.x * p.x - p.y * p.y - level) <= h * h / 4 + 1e-12) }
            }
        }
    }

    /// Every band of a filled contour is one fill (one path), so there are no seams between cells.
    @Test func eachBandIsOnePath() throws {
        let figure = Figure()
        let ax = figure.addAxes()
        let grid = ScalarGrid(x: -2...2, y: -2...2, nx: 50, ny: 50) { exp(-($0 * $0 + $1 * $1)) }
        ax.filledContour(grid, levels: [0, 0.2, 0.4, 0.6, 0.8, 1.0])
        let r = try RecordingRenderer()
        try figure.draw(on: r)
        let bandFills = r.operations.filter {
            if case let .fill(_, color, _) = $0 { return (0..<5).contains { color == ColorMap.viridis.color(at: Double($0) / 4) } }
            return false
        }
        // 5 band fills in the plot and 5 nested band rectangles in the colour bar.
        #expect(bandFills.count == 10)
    }
}
