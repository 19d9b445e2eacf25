/// A renderer that records what is drawn instead of producing pixels, so tests can check layout (where ticks, labels
/// and marks land) exactly. Text is measured with the same Cairo font machinery as the real back end, so the layout
/// it records is the layout of the PNG/SVG/PDF.
final class RecordingRenderer: Renderer {
    enum Operation: Equatable {
        case fill(Path, Color, FillRule)
        case stroke(Path, StrokeStyle)
        case text(String, Point, size: Double, weight: FontWeight, color: Color, angle: Double)
        case image(width: Int, height: Int, rect: Rect, nearest: Bool)
        case pushClip(Rect)
        case popClip
    }

    private(set) var operations: [Operation] = []
    private let measurer: TextMeasurer

    /// Measures (and so lays out) text as `CairoRenderer` does in `style`.
    init(style: FigureStyle = .web) throws(PlotError) {
        measurer = try TextMeasurer(style: style)
    }

    var style: FigureStyle { measurer.style }

    func measure(_ text: String, size: Double, weight: FontWeight) -> TextExtents {
        measurer.measure(text, size: size, weight: weight)
    }
    func fill(_ path: Path, color: Color, rule: FillRule) { operations.append(.fill(path, color, rule)) }
    func stroke(_ path: Path, style: StrokeStyle) { operations.append(.stroke(path, style)) }
    func text(_ text: String, at origin: Point, size: Double, weight: FontWeight, color: Color, angle: Double) {
        operations.append(.text(text, origin, size: size, weight: weight, color: color, angle: angle))
    }
    func image(_ image: RasterImage, in rect: Rect, nearest: Bool) {
        operations.append(.image(width: image.width, height: image.height, rect: rect, nearest: nearest))
    }
    func pushClip(_ rect: Rect) { operations.append(.pushClip(rect)) }
    func popClip() { operations.append(.popClip) }

    /// All text runs drawn, in order.
    var texts: [(text: String, origin: Point, size: Double, angle: Double)] {
        operations.compactMap {
            if case let .text(s, p, size, _, _, angle) = $0 { return (s, p, size, angle) }
            return nil
        }
    }
}
