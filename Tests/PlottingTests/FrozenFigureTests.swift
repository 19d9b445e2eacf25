import Foundation
import Testing
@testable import Plotting

/// `FrozenFigure`: the value snapshot that crosses threads renders exactly what its figure renders, and does not see
/// later changes to the figure.
@Suite struct FrozenFigureTests {
    /// Compile-time: only `Sendable` types pass.
    static func requireSendable<T: Sendable>(_: T.Type) {}

    @Test func snapshotsAreSendable() {
        Self.requireSendable(FrozenFigure.self)
        Self.requireSendable(FrozenAxes.self)
        Self.requireSendable(Covariance2.self)
        Self.requireSendable([PlacedLabel].self)
    }

    static var gallery: [(name: String, figure: Figure)] { Gallery.figures() }

    /// Every gallery figure (one per mark, subplots, image grids with axes, log scales) in every format: the snapshot's
    /// bytes are the figure's.
    @Test(arguments: ImageFormat.allCases)
    func snapshotRendersTheFiguresBytes(format: ImageFormat) throws {
        for (name, figure) in Self.gallery {
            let frozen = figure.frozen()
            #expect(try frozen.render(format, scale: 2) == figure.render(format, scale: 2), "\(name).\(format)")
        }
        let bench = PlottingBenchmark.standardFigure()
        #expect(try bench.frozen().render(format) == bench.render(format))
    }

    /// The recorded drawing commands and the layout are the same too.
    @Test func snapshotDrawsAndLaysOutLikeTheFigure() throws {
        for (name, figure) in Self.gallery.prefix(8) {
            let a = try RecordingRenderer(), b = try RecordingRenderer()
            try figure.draw(on: a)
            try figure.frozen().draw(on: b)
            #expect(a.operations == b.operations, "\(name)")
            let la = figure.layouts(renderer: a), lb = figure.frozen().layouts(renderer: b)
            #expect(la.map(\.plot) == lb.map(\.plot) && la.map(\.cell) == lb.map(\.cell), "\(name)")
        }
    }

    /// Changes to the figure or its axes after freezing do not reach the snapshot.
    @Test func snapshotIsIndependentOfLaterChanges() throws {
        let figure = Figure(width: 300, height: 200, title: "before")
        let ax = figure.addAxes()
        ax.scatter(x: [0, 1, 2], y: [1, 0, 2], label: "points")
        ax.xLabel = "x₁"
        let frozen = figure.frozen()
        let before = try frozen.render(.svg)
        figure.title = "after"
        ax.xLabel = "changed"
        ax.equalAspect = true
        ax.line(x: [0, 2], y: [0, 2])
        _ = figure.subplots(rows: 1, columns: 2)
        #expect(try frozen.render(.svg) == before)
        #expect(frozen.title == "before" && frozen.axes.count == 1 && frozen.axes[0].xLabel == "x₁")
        #expect(frozen.axes[0].marks.count == 1 && !frozen.axes[0].equalAspect)
        #expect(try figure.render(.svg) != before)
    }

    /// The snapshot keeps the size, title and grid shape.
    @Test func snapshotHoldsTheShape() {
        let figure = Figure(size: .slide, title: "grid")
        let axes = figure.subplots(rows: 2, columns: 3)
        axes[4].heatmap(values: [1, 2, 3, 4], rows: 2, columns: 2)
        let frozen = figure.frozen()
        #expect(frozen.width == 640 && frozen.height == 360 && frozen.title == "grid")
        #expect(frozen.rows == 2 && frozen.columns == 3 && frozen.axes.count == 6)
        #expect(frozen.axes[4].yInverted && !frozen.axes[4].showGrid && frozen.axes[4].integerTicks)
    }

    /// `write(to:)` of the snapshot writes the rendered bytes; errors name the file.
    @Test func snapshotWritesFiles() throws {
        let frozen = Self.gallery[3].figure.frozen()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("frozen-\(UUID().uuidString).pdf").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try frozen.write(to: path, format: .pdf)
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == Data(frozen.render(.pdf)))
        let error = #expect(throws: PlotError.self) { try frozen.write(to: "/nonexistent-dir/x.png", format: .png) }
        guard case let .unwritable(failedPath, _)? = error else { Issue.record("not unwritable: \(String(describing: error))"); return }
        #expect(failedPath == "/nonexistent-dir/x.png")
    }
}
