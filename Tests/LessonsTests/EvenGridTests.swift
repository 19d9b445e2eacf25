import LinearAlgebra
import Plotting
import Testing
@testable import Lessons

/// `EvenGrid`, the lessons' one even-grid builder: Plotting's `ScalarGrid.nodes` formula, and plane points in the
/// order `ScalarGrid(xs:ys:values:)` reads its values.
@Suite struct EvenGridTests {
    @Test(arguments: [(-3.0, 3.0, 301), (-7.0, 7.0, 2801), (-8.0, 8.0, 3201), (-1.75, 1.75, 140), (0.25, 0.5, 2)])
    func theValuesAreScalarGridsNodes(a: Double, b: Double, n: Int) {
        let values = EvenGrid.values(a...b, count: n)
        #expect(values == ScalarGrid.nodes(x: a...b, y: a...b, nx: n, ny: 2).xs)
        #expect(values.count == n && values.first == a && values.last == b)
        #expect(EvenGrid.column(a...b, count: n) == Matrix(rows: n, columns: 1, elements: values))
    }

    @Test func planePointsRunAlongXFirst() {
        let (xs, ys) = EvenGrid.plane(x: -1...1, y: 0...2, count: 3)
        let points = EvenGrid.planePoints(xs: xs, ys: ys)
        #expect(points.rows == xs.count * ys.count && points.columns == 2)
        for (j, y) in ys.enumerated() {
            for (i, x) in xs.enumerated() { #expect(points.row(j * xs.count + i) == [x, y]) }
        }
    }
}
