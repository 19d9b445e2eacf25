/// One axes as an immutable value: its settings (see `Axes` for what each means) and its marks, in drawing order.
///
/// `Axes` builds it; `Figure.frozen()` copies every axes into a `FrozenFigure`. Layout (`AxesLayout.swift`) and
/// drawing read only this value, so a snapshot renders on any thread and draws what its `Axes` held when it was
/// frozen, whatever is done to the `Axes` afterwards.
public struct FrozenAxes: Sendable {
    public internal(set) var title: String?
    public internal(set) var xLabel: String?
    public internal(set) var yLabel: String?
    public internal(set) var xLimits: ClosedRange<Double>?
    public internal(set) var yLimits: ClosedRange<Double>?
    public internal(set) var xScale: AxisScale = .linear
    public internal(set) var yScale: AxisScale = .linear
    public internal(set) var equalAspect = false
    public internal(set) var showGrid = true
    public internal(set) var legend: LegendPosition = .best
    public internal(set) var yInverted = false

    /// The marks in the order they were added (later ones drawn over earlier ones).
    var marks: [any Mark] = []
    /// Heatmaps want ticks on whole rows and columns.
    var integerTicks = false
    var xIntegerTicks = false

    init() {}

    /// The first problem with the marks' data or the limits, if any.
    func validate() throws(PlotError) {
        for mark in marks { if let p = mark.problem { throw PlotError.invalidData(p) } }
        if let l = xLimits, !(l.lowerBound.isFinite && l.upperBound.isFinite && l.upperBound > l.lowerBound) {
            throw PlotError.invalidData("x limits must be finite with lower < upper, got \(l)")
        }
        if let l = yLimits, !(l.lowerBound.isFinite && l.upperBound.isFinite && l.upperBound > l.lowerBound) {
            throw PlotError.invalidData("y limits must be finite with lower < upper, got \(l)")
        }
        if xScale == .log10, let l = xLimits, l.lowerBound <= 0 { throw PlotError.invalidData("log x limits must be positive") }
        if yScale == .log10, let l = yLimits, l.lowerBound <= 0 { throw PlotError.invalidData("log y limits must be positive") }
    }
}

extension FrozenAxes {
    /// Whether these axes show images (an image grid or a heatmap drawn as images) rather than a plot: their height
    /// follows their tiles, not their width (a page that re-lays a figure out uses it).
    public var showsImages: Bool { marks.contains { $0.isImageMode } }

    /// Whether these axes show an image table: a grid whose captions label its columns (each digit's reconstructions
    /// at q = 1, 2, 5 …), which keeps all its columns when the figure is re-laid out narrower (`FrozenFigure.resized`).
    public var showsImageTable: Bool { marks.contains { ($0 as? ImageGridMark)?.isTable == true } }
}
