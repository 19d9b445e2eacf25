import LinearAlgebra
import Plotting

/// Evenly spaced nodes, both ends included, for the lessons' 1-D grids over z and their grids over the plane.
///
/// One formula everywhere, Plotting's `ScalarGrid.nodes`: vᵢ = a + (b − a)·i/(n − 1), i = 0 … n − 1 (n ≥ 2). A field
/// evaluated at `planePoints(xs:ys:)` is in the order `ScalarGrid(xs:ys:values:)` draws, so a density computed in
/// one call over all the nodes is drawn as it is.
enum EvenGrid {
    static func values(_ range: ClosedRange<Double>, count n: Int) -> [Double] {
        precondition(n >= 2, "EvenGrid.values: at least 2 nodes")
        return (0..<n).map { range.lowerBound + (range.upperBound - range.lowerBound) * Double($0) / Double(n - 1) }
    }

    /// n ≥ 2 evenly spaced values as one column: (n, 1), the shape of a 1-D latent batch.
    static func column(_ range: ClosedRange<Double>, count n: Int) -> Matrix {
        Matrix(rows: n, columns: 1, elements: values(range, count: n))
    }

    static func plane(x: ClosedRange<Double>, y: ClosedRange<Double>, count n: Int) -> (xs: [Double], ys: [Double]) {
        ScalarGrid.nodes(x: x, y: y, nx: n, ny: n)
    }

    /// Every node (x, y) of the grid as a row, x varying fastest: (nx · ny, 2).
    static func planePoints(xs: [Double], ys: [Double]) -> Matrix {
        var elements = [Double]()
        elements.reserveCapacity(xs.count * ys.count * 2)
        for y in ys { for x in xs { elements += [x, y] } }
        return Matrix(rows: xs.count * ys.count, columns: 2, elements: elements)
    }
}
