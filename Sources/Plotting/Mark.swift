/// What every mark (scatter, line, contour, …) provides to its axes: validation, the data extent for automatic
/// limits, drawing in device space, a legend entry, points that the legend should avoid, and an optional colour bar.
/// Marks are immutable values (`Sendable`): a `FrozenFigure` carries them to the thread that renders it.
protocol Mark: Sendable {
    /// A description of invalid input, reported as `PlotError.invalidData` when the figure is rendered.
    var problem: String? { get }
    /// The data extent on each axis (nil if the mark does not constrain it). On a log axis only positive values count.
    func extent(logX: Bool, logY: Bool) -> Extent
    func draw(_ renderer: Renderer, _ transform: DataTransform, plot: Rect)
    var legendEntry: LegendEntry? { get }
    /// Device points covered by the mark, used to place a `.best` legend where it hides the least.
    func occupancy(_ transform: DataTransform) -> [Point]
    var colorBar: ColorBarSpec? { get }
    /// Marks that fill the whole axes with pictures (image grids) turn off ticks, grid and frame.
    var isImageMode: Bool { get }
}

extension Mark {
    var problem: String? { nil }
    var legendEntry: LegendEntry? { nil }
    func occupancy(_ transform: DataTransform) -> [Point] { [] }
    var colorBar: ColorBarSpec? { nil }
    var isImageMode: Bool { false }
}

/// Data limits a mark needs. `sticky` values are edges that automatic padding must not cross (the base of bars, the
/// border of a heatmap), as in matplotlib's sticky edges.
struct Extent {
    var x: ClosedRange<Double>? = nil
    var y: ClosedRange<Double>? = nil
    var stickyX: [Double] = []
    var stickyY: [Double] = []

    /// The range of the finite values (positive only when `positive`), or nil if there are none.
    static func range<S: Sequence>(_ values: S, positive: Bool) -> ClosedRange<Double>? where S.Element == Double {
        var lo = Double.infinity, hi = -Double.infinity
        for v in values where v.isFinite && (!positive || v > 0) {
            lo = min(lo, v); hi = max(hi, v)
        }
        return lo <= hi ? lo...hi : nil
    }
}

/// What the legend draws next to a label.
enum LegendHandle: Equatable {
    case marker(Marker, Color, size: Double)
    case line(StrokeStyle)
    case patch(fill: Color, edge: Color?)
    case arrow(Color, width: Double)
    case ellipse(edge: StrokeStyle, fill: Color?)
}

struct LegendEntry: Equatable {
    var label: String
    var handle: LegendHandle
}

/// A colour bar beside the axes: a continuous ramp (`levels == nil`) or discrete bands between `levels`.
struct ColorBarSpec: Equatable {
    var colorMap: ColorMap
    var lower: Double
    var upper: Double
    var levels: [Double]?
    var bandColors: [Color]?
    var label: String?
}

/// Checks that arrays that belong together have the same length and no NaN (unless `allowNaN`, for lines where NaN
/// marks a break).
func lengthProblem(_ mark: String, _ named: [(String, [Double])], allowNaN: Bool = false) -> String? {
    guard let first = named.first else { return nil }
    for (name, values) in named where values.count != first.1.count {
        return "\(mark): \(first.0) has \(first.1.count) values but \(name) has \(values.count)"
    }
    for (name, values) in named where !allowNaN {
        if let k = values.firstIndex(where: { $0.isNaN }) { return "\(mark): \(name)[\(k)] is NaN" }
    }
    return nil
}
