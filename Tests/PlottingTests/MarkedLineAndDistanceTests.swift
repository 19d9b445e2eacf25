import Foundation
import Testing
@testable import Plotting

/// `Axes.markedLine` draws what a line and a scatter of the same points draw; `ScalarGrid.distance(toPolylineX:…)`
/// is the distance to the segments.
@Suite struct MarkedLineAndDistanceTests {
    @Test func aMarkedLineDrawsTheLineThenTheMarkers() throws {
        let (x, y) = ([1.0, 2, 3, 4], [2.0, 1, 3, 2.5])
        let marked = Figure(), byHand = Figure()
        marked.addAxes().markedLine(x: x, y: y, color: .samples, width: 1.8, dash: .dashed, marker: .square, size: 2.5,
                                    label: "series")
        let ax = byHand.addAxes()
        ax.line(x: x, y: y, color: .samples, width: 1.8, dash: .dashed, label: "series")
        ax.scatter(x: x, y: y, color: .samples, size: 2.5, marker: .square)
        #expect(try LessonPresetTests.operations(marked) == LessonPresetTests.operations(byHand))
    }

    @Test func theDistanceFieldIsTheDistanceToThePolyline() {
        // a horizontal segment from (−1, 0) to (1, 0): inside its span the distance is |y|, beyond an end it is the
        // distance to that end
        let (xs, ys) = ScalarGrid.nodes(x: -2...2, y: -1...1, nx: 9, ny: 9)
        let d = ScalarGrid.distance(toPolylineX: [-1, 0, 1], y: [0, 0, 0], xs: xs, ys: ys)
        for (j, y) in ys.enumerated() {
            for (i, x) in xs.enumerated() {
                let expected = abs(x) <= 1 ? abs(y) : hypot(abs(x) - 1, y)
                #expect(abs(d.values[j * xs.count + i] - expected) < 1e-12, "(\(x), \(y))")
            }
        }
    }

    @Test func oneVertexGivesTheDistanceToThatPoint() {
        let d = ScalarGrid.distance(toPolylineX: [0.5], y: [-0.5], xs: [0, 1], ys: [0, 1])
        for (value, expected) in zip(d.values, [hypot(0.5, 0.5), hypot(0.5, 0.5), hypot(0.5, 1.5), hypot(0.5, 1.5)]) {
            #expect(abs(value - expected) < 1e-12)
        }
    }
}
