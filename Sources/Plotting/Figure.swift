import Foundation

/// A figure: a page of `width` × `height` points holding one axes or a grid of subplots, and an optional title.
///
/// Rendering lays out every axes from measured text (nothing clipped, nothing overlapping), then draws through a
/// `Renderer`; PNG, SVG and PDF come from the same drawing code. The output is deterministic: the same figure gives
/// byte-identical files, within a process and across processes (SVG ids are renumbered per document, PDF dates are
/// pinned).
///
/// `Figure` and `Axes` are builders, used on one thread (not `Sendable`). To hand a figure to another thread, freeze
/// it: `frozen()` is a `Sendable` value snapshot that renders to the same bytes.
public final class Figure {
    /// Size in points (1/72 in).
    public let width: Double
    public let height: Double
    public var title: String?

    /// Common sizes in points: the default (6.4 × 4.8 in, matplotlib's), a course-notes column (4.8 × 3.6 in), a
    /// 16:9 slide figure and a square.
    public enum Size: Sendable {
        case standard, column, slide, square
        public var points: (width: Double, height: Double) {
            switch self {
            case .standard: return (460, 345)
            case .column: return (345, 259)
            case .slide: return (640, 360)
            case .square: return (400, 400)
            }
        }
    }

    /// The PDF creation and modification date written into every PDF, fixed so that files are reproducible.
    public static let pinnedPDFDate = "2000-01-01T00:00:00Z"

    private var axesList: [Axes] = []
    private var gridShape = (rows: 1, columns: 1)

    public init(width: Double = 460, height: Double = 345, title: String? = nil) {
        self.width = width
        self.height = height
        self.title = title
    }

    public convenience init(size: Size, title: String? = nil) {
        self.init(width: size.points.width, height: size.points.height, title: title)
    }

    /// One plot filling the figure (below the title). Replaces any axes added before.
    public func addAxes() -> Axes {
        let a = Axes()
        axesList = [a]
        gridShape = (1, 1)
        return a
    }

    /// A `rows` × `columns` grid of plots in row-major order. Replaces any axes added before.
    public func subplots(rows: Int, columns: Int) -> [Axes] {
        let r = max(rows, 1), c = max(columns, 1)
        axesList = (0..<(r * c)).map { _ in Axes() }
        gridShape = (r, c)
        return axesList
    }

    /// The axes in row-major order.
    public var axes: [Axes] { axesList }

    /// A value snapshot of the figure as it is now (size, title, grid, every axes' settings and marks), to render on
    /// any thread. Later changes to this figure or its axes do not change the snapshot.
    public func frozen() -> FrozenFigure {
        FrozenFigure(width: width, height: height, title: title, rows: gridShape.rows, columns: gridShape.columns,
                     axes: axesList.map(\.state))
    }

    // MARK: - Output (of the snapshot)

    /// Renders the figure and returns the file's bytes (see `FrozenFigure.render`): `frozen().render(format, scale:)`.
    public func render(_ format: ImageFormat, scale: Double = 1) throws(PlotError) -> [UInt8] {
        try frozen().render(format, scale: scale)
    }

    /// Renders the figure into the file at `path` (replacing it). Errors name the file.
    public func write(to path: String, format: ImageFormat, scale: Double = 1) throws(PlotError) {
        try frozen().write(to: path, format: format, scale: scale)
    }

    /// The layout of every axes (used by the tests through a recording renderer).
    func layouts(renderer r: Renderer) -> [AxesLayout] { frozen().layouts(renderer: r) }

    /// Draws the whole figure.
    func draw(on r: Renderer) throws(PlotError) { try frozen().draw(on: r) }

    /// The figure drawn on an ARGB32 image surface (see `FrozenFigure.rasterSurface`).
    func rasterSurface(scale: Double, rasterMarkers: Bool = true) throws(PlotError) -> CairoSurface {
        try frozen().rasterSurface(scale: scale, rasterMarkers: rasterMarkers)
    }
}
