import Foundation

/// The benchmark figure of `make bench`: 500 scatter points, filled contours of a 200 × 200 grid (with contour
/// lines) and 20 ellipses, at the default size. Build it once and time `render(.png)` and `render(.svg)`.
public enum PlottingBenchmark {
    public static func standardFigure() -> Figure {
        var rng = GallerySeededGenerator(seed: 500)
        let figure = Figure(title: "Benchmark: 500 points, 200 × 200 contours, 20 ellipses")
        let ax = figure.addAxes()
        let grid = ScalarGrid(x: -4...4, y: -3...3, nx: 200, ny: 200, Gallery.mixture)
        ax.filledContour(grid, levelCount: 10, colorBarLabel: "p(x)")
        ax.contour(grid, levelCount: 6, color: Color.white.withAlpha(0.7), width: 0.6)
        var xs: [Double] = [], ys: [Double] = []
        for _ in 0..<500 {
            xs.append(-4 + 8 * rng.uniform())
            ys.append(-3 + 6 * rng.uniform())
        }
        ax.scatter(x: xs, y: ys, color: .data, size: 2, alpha: 0.6, label: "points")
        for k in 0..<20 {
            let a = 0.2 + 0.05 * Double(k), t = Double(k) * 0.3
            let c = cos(t), s = sin(t)
            let cov = [[c * c * a + s * s * a / 4, c * s * (a - a / 4)], [c * s * (a - a / 4), s * s * a + c * c * a / 4]]
            ax.ellipse(mean: (-3 + 0.3 * Double(k), -2 + 0.2 * Double(k)), covariance: cov, k: 1, color: .posterior, width: 1)
        }
        ax.xLabel = "x₁"
        ax.yLabel = "x₂"
        return figure
    }
}
