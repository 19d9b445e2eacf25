import Foundation
import LinearAlgebra
import Plotting

/// The latent manifold of a model with a 2-D latent space, drawn as a grid of decoded images (in the spirit of
/// Kingma & Welling 2014, Fig. 4): the PPCA lesson draws PPCA's flat manifold Wz + μ with it and the nonlinear lesson
/// draws its decoder's curved one, so the two pictures are built the same way and can be compared.
///
/// The grid points are z = (Φ⁻¹(u₁), Φ⁻¹(u₂)) for u on an even grid of the open unit square,
/// uᵢ = (i + ½)/side, so equal areas of the picture carry equal prior mass under z ~ N(0, I).
public enum LatentManifold {
    /// The side × side latent points in reading order: row r (top to bottom) has z₂ = Φ⁻¹(1 − (r + ½)/side),
    /// column c (left to right) has z₁ = Φ⁻¹((c + ½)/side); so z₂ grows upwards as on a plot.
    public static func probitGrid(side: Int) -> [[Double]] {
        precondition(side >= 1, "LatentManifold.probitGrid: side must be ≥ 1")
        let values = (0..<side).map { StandardNormal.quantile((Double($0) + 0.5) / Double(side)) }
        var points: [[Double]] = []
        points.reserveCapacity(side * side)
        for r in 0..<side { for c in 0..<side { points.append([values[c], values[side - 1 - r]]) } }
        return points
    }

    /// The z values of the grid's columns, ascending; the rows' z₂ values (top row first) are the same reversed.
    public static func probitValues(side: Int) -> [Double] {
        (0..<side).map { StandardNormal.quantile((Double($0) + 0.5) / Double(side)) }
    }

    /// Edge axes for a manifold grid of `side` images: z₁ along the bottom, z₂ up the left, ticks at −1, 0, 1 and
    /// at the outermost nodes ±Φ⁻¹(1 − 1/(2 · side)) (±1.96 for side 20), labelled to 3 significant digits.
    public static func edgeAxes(side: Int) -> (x: ImageGridAxis, y: ImageGridAxis) {
        let zs = probitValues(side: side)
        let outer = zs.last ?? 0
        let ticks = outer > 1.2 ? [-outer, -1, 0, 1, outer] : [-outer, 0, outer]
        return (ImageGridAxis(label: "z₁", cellValues: zs, ticks: ticks),
                ImageGridAxis(label: "z₂", cellValues: zs.reversed(), ticks: ticks))
    }

    /// `decode(z)` at every point of `probitGrid(side:)` as an `imageRows` × `imageColumns` grey image on the shared
    /// `range` (values outside clipped), with `edgeAxes` ticks.
    public static func figure(side: Int, imageRows: Int, imageColumns: Int, range: ClosedRange<Double>?,
                              title: String, decode: ([Double]) -> [Double]) -> Figure {
        let images = probitGrid(side: side).map(decode)
        let figure = Figure(width: 460, height: 490, title: title)
        let axes = figure.addAxes()
        let edges = edgeAxes(side: side)
        axes.imageGrid(images: images, imageRows: imageRows, imageColumns: imageColumns, gridColumns: side,
                       colorMap: .greys, range: range, xAxis: edges.x, yAxis: edges.y)
        axes.showGrid = false
        return figure
    }
}
