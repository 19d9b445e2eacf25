/// One plot: data limits and scales, decorations (title, axis labels, ticks, grid, legend) and the marks drawn in
/// it. Methods add marks; nothing is drawn until the figure renders. Invalid data (e.g. x and y of different
/// lengths) is reported then, as `PlotError.invalidData`.
///
/// An `Axes` is a builder: every setting and mark lives in a `FrozenAxes` value (`state`), which `Figure.frozen()`
/// copies into the figure's snapshot; layout and drawing read only that value.
public final class Axes {
    /// The settings and marks so far, as a value.
    private(set) var state = FrozenAxes()

    /// Titles and labels accept Unicode math, e.g. "z₁", "σ²", "log p(x)", "Wᵀx", "∫ p(x|z) p(z) dz".
    public var title: String? { get { state.title } set { state.title = newValue } }
    public var xLabel: String? { get { state.xLabel } set { state.xLabel = newValue } }
    public var yLabel: String? { get { state.yLabel } set { state.yLabel = newValue } }
    /// nil = automatic: the marks' extent padded by 5 % on each side (never past a sticky edge such as the base of
    /// bars or the border of a heatmap or contour grid).
    public var xLimits: ClosedRange<Double>? { get { state.xLimits } set { state.xLimits = newValue } }
    public var yLimits: ClosedRange<Double>? { get { state.yLimits } set { state.yLimits = newValue } }
    public var xScale: AxisScale { get { state.xScale } set { state.xScale = newValue } }
    public var yScale: AxisScale { get { state.yScale } set { state.yScale = newValue } }
    /// One data unit has the same length on both axes. The automatic limits widen to fill the plot area; when both
    /// limits are given, or a mark has hard edges (filled contours, contour grids, heatmaps), the plot area shrinks
    /// instead.
    public var equalAspect: Bool { get { state.equalAspect } set { state.equalAspect = newValue } }
    /// Ticks of the x axis only at integers (a count on the x axis: a component index, q, an iteration).
    public var xIntegerTicks: Bool { get { state.xIntegerTicks } set { state.xIntegerTicks = newValue } }
    /// Light grid lines at the major ticks, under the marks.
    public var showGrid: Bool { get { state.showGrid } set { state.showGrid = newValue } }
    public var legend: LegendPosition { get { state.legend } set { state.legend = newValue } }
    /// Draws the y axis top-down (larger values lower). Set automatically by `heatmap` so row 0 is at the top.
    public var yInverted: Bool { get { state.yInverted } set { state.yInverted = newValue } }

    init() {}

    /// Points with a marker of radius `size` points; `colors` (one per point) overrides `color`.
    public func scatter(x: [Double], y: [Double], color: Color = .data, colors: [Color]? = nil, size: Double = 3,
                        marker: Marker = .circle, alpha: Double = 0.8, label: String? = nil) {
        state.marks.append(ScatterMark(x: x, y: y, color: color, colors: colors, size: size, marker: marker, alpha: alpha, label: label))
    }

    /// A polyline through (x[k], y[k]); NaN values break it.
    public func line(x: [Double], y: [Double], color: Color = .model, width: Double = 1.5, dash: Dash = .solid, label: String? = nil) {
        state.marks.append(LineMark(x: x, y: y, color: color, width: width, dash: dash, label: label))
    }

    /// An arrow with a filled head at `to` (e.g. a principal axis).
    public func arrow(from: (Double, Double), to: (Double, Double), color: Color = .reference, width: Double = 1.8, label: String? = nil) {
        state.marks.append(ArrowMark(from: from, to: to, color: color, width: width, label: label))
    }

    /// The ellipse (x − μ)ᵀ Σ⁻¹ (x − μ) = k²: semi-axes k√λᵢ along the eigenvectors of the 2×2 covariance Σ.
    public func ellipse(mean: (Double, Double), covariance: [[Double]], k: Double = 2, color: Color = .model,
                        fill: Color? = nil, width: Double = 1.5, dash: Dash = .solid, label: String? = nil) {
        state.marks.append(EllipseMark(mean: mean, covariance: covariance, k: k, color: color, fill: fill, width: width, dash: dash, label: label))
    }

    /// Filled contours of a scalar field with a colour bar. Automatic levels are nice round values covering the
    /// field's range in about `levelCount` bands; given levels must ascend (values below the first are left unfilled,
    /// values above the last take the last band's colour).
    public func filledContour(_ grid: ScalarGrid, levels: [Double]? = nil, levelCount: Int = 10, colorMap: ColorMap = .viridis,
                              colorBarLabel: String? = nil) {
        state.marks.append(FilledContourMark(grid: grid, givenLevels: levels, levelCount: levelCount, colorMap: colorMap, colorBarLabel: colorBarLabel))
    }

    /// Contour lines of a scalar field; automatic levels are nice values strictly inside the field's range.
    public func contour(_ grid: ScalarGrid, levels: [Double]? = nil, levelCount: Int = 8, color: Color = .model, width: Double = 1,
                        label: String? = nil) {
        state.marks.append(ContourMark(grid: grid, givenLevels: levels, levelCount: levelCount, color: color, width: width, label: label))
    }

    /// A matrix (row-major `values`, `rows` × `columns`) as coloured cells with a colour bar; row 0 at the top. A
    /// diverging map gets a range symmetric about zero.
    public func heatmap(values: [Double], rows: Int, columns: Int, colorMap: ColorMap = .viridis, colorBarLabel: String? = nil) {
        state.marks.append(HeatmapMark(values: values, rows: rows, columns: columns, colorMap: colorMap, label: colorBarLabel))
        yInverted = true
        state.integerTicks = true
        showGrid = false
    }

    /// A grid of small images (each `imageRows` × `imageColumns`, row-major, top row first), `gridColumns` per row,
    /// with optional captions under each. `range` maps values to the colour map for the whole grid; nil uses each
    /// image's own min…max (symmetric about zero for `.diverging`). The axes show only the images: no frame and no
    /// ticks, unless `xAxis` / `yAxis` give ticks and a label along the grid's bottom / left edge (e.g. the latent
    /// coordinates z₁, z₂ of a manifold grid; see `ImageGridAxis`). `colorBar: true` draws a colour bar for the
    /// shared `range` right of the grid (it needs `range`; e.g. eigen-digits on one symmetric ±max scale).
    public func imageGrid(images: [[Double]], imageRows: Int, imageColumns: Int, gridColumns: Int,
                          captions: [String]? = nil, colorMap: ColorMap = .greys, range: ClosedRange<Double>? = nil,
                          xAxis: ImageGridAxis? = nil, yAxis: ImageGridAxis? = nil,
                          colorBar: Bool = false, colorBarLabel: String? = nil) {
        state.marks.append(ImageGridMark(images: images, imageRows: imageRows, imageColumns: imageColumns, gridColumns: gridColumns,
                                   captions: captions, colorMap: colorMap, range: range, xAxis: xAxis, yAxis: yAxis,
                                   showsColorBar: colorBar, colorBarLabel: colorBarLabel))
    }

    /// Vertical bars from 0 to `heights[k]` centred on `x[k]`, `width` data units wide (a scree plot).
    public func bars(x: [Double], heights: [Double], width: Double = 0.8, color: Color = .data, label: String? = nil) {
        state.marks.append(BarsMark(x: x, heights: heights, width: width, color: color, label: label))
    }

    /// A shaded region between `lower` and `upper` (a density's area or a ± error band).
    public func band(x: [Double], lower: [Double], upper: [Double], color: Color = .model, alpha: Double = 0.25, label: String? = nil) {
        state.marks.append(BandMark(x: x, lower: lower, upper: upper, color: color, alpha: alpha, label: label))
    }

    /// A horizontal line across the whole plot at `y`.
    public func horizontalLine(at y: Double, color: Color = .reference, dash: Dash = .dashed, label: String? = nil) {
        state.marks.append(ReferenceLineMark(orientation: .horizontal, value: y, color: color, dash: dash, label: label))
    }

    /// A vertical line across the whole plot at `x`.
    public func verticalLine(at x: Double, color: Color = .reference, dash: Dash = .dashed, label: String? = nil) {
        state.marks.append(ReferenceLineMark(orientation: .vertical, value: x, color: color, dash: dash, label: label))
    }

    /// Text at a data point, aligned horizontally by `anchor` and centred vertically on the point. `halo` draws a
    /// white outline (about 1.2 pt) under the letters, so a label stays readable where it crosses lines or points.
    public func text(_ s: String, x: Double, y: Double, color: Color = .reference, size: Double = 9, anchor: TextAnchor = .left,
                     halo: Bool = false) {
        state.marks.append(TextMark(text: s, x: x, y: y, color: color, size: size, anchor: anchor, halo: halo))
    }
}
