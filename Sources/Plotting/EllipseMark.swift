import Foundation

/// The k-σ ellipse of a 2×2 covariance (see `EllipseGeometry`), as a 180-gon in data space so it stays exact on
/// unequal axes; optionally filled.
struct EllipseMark: Mark {
    var mean: (Double, Double)
    var covariance: [[Double]]
    var k: Double
    var color: Color
    var fill: Color?
    var width: Double
    var dash: Dash
    var label: String?

    var geometry: Result<EllipseGeometry, PlotError> {
        Result { () throws(PlotError) -> EllipseGeometry in try EllipseGeometry(mean: mean, covariance: covariance, k: k) }
    }
    var problem: String? {
        if case let .failure(e) = geometry { if case let .invalidData(m) = e { return m }; return "\(e)" }
        return nil
    }
    func dataPoints() -> [(Double, Double)] { (try? geometry.get())?.points(count: 180) ?? [] }
    func extent(logX: Bool, logY: Bool) -> Extent {
        let pts = dataPoints()
        return Extent(x: Extent.range(pts.map(\.0), positive: logX), y: Extent.range(pts.map(\.1), positive: logY))
    }
    var style: StrokeStyle { StrokeStyle(color: color, width: width, dash: dash.pattern(width: width), join: .round) }
    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        let path = Path.polygon(dataPoints().map { t.point($0.0, $0.1) })
        if let fill { r.fill(path, color: fill, rule: .nonZero) }
        r.stroke(path, style: style)
    }
    var legendEntry: LegendEntry? { label.map { LegendEntry(label: $0, handle: .ellipse(edge: style, fill: fill)) } }
    func occupancy(_ t: DataTransform) -> [Point] { densify(dataPoints().map { t.point($0.0, $0.1) }) }
}
