import Foundation

/// A translucent polygon between a lower and an upper curve over the same x values.
struct BandMark: Mark {
    var x: [Double], lower: [Double], upper: [Double]
    var color: Color
    var alpha: Double
    var label: String?

    var problem: String? { lengthProblem("band", [("x", x), ("lower", lower), ("upper", upper)]) }
    func extent(logX: Bool, logY: Bool) -> Extent {
        Extent(x: Extent.range(x, positive: logX), y: Extent.range(lower + upper, positive: logY))
    }
    func polygon(_ t: DataTransform) -> [Point] {
        x.indices.map { t.point(x[$0], upper[$0]) } + x.indices.reversed().map { t.point(x[$0], lower[$0]) }
    }
    func draw(_ r: Renderer, _ t: DataTransform, plot: Rect) {
        r.fill(.polygon(polygon(t).filter(\.isFinite)), color: color.withAlpha(alpha), rule: .nonZero)
    }
    var legendEntry: LegendEntry? { label.map { LegendEntry(label: $0, handle: .patch(fill: color.withAlpha(alpha), edge: nil)) } }
    func occupancy(_ t: DataTransform) -> [Point] {
        // The band's interior: sample vertical segments between lower and upper.
        x.indices.flatMap { densify([t.point(x[$0], lower[$0]), t.point(x[$0], upper[$0])]) }
    }
}
