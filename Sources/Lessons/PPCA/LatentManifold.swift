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

    /// A figure of `decode(z)` at every point of `probitGrid(side:)`, each drawn as an image of `imageRows` ×
    /// `imageColumns` grey levels on the shared `range` (values outside are clipped by the colour map).
    public static func figure(side: Int, imageRows: Int, imageColumns: Int, range: ClosedRange<Double>?,
                              title: String, decode: ([Double]) -> [Double]) -> Figure {
        let images = probitGrid(side: side).map(decode)
        let figure = Figure(width: 460, height: 490, title: title)
        let axes = figure.addAxes()
        axes.imageGrid(images: images, imageRows: imageRows, imageColumns: imageColumns, gridColumns: side,
                       colorMap: .greys, range: range)
        axes.xLabel = "z₁ = Φ⁻¹(u₁), increasing to the right"
        axes.yLabel = "z₂ = Φ⁻¹(u₂), increasing upwards"
        axes.showGrid = false
        return figure
    }
}
