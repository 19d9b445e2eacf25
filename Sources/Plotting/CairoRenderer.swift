import CCairo
import Foundation

/// The Cairo back end: the same calls draw a PNG (image surface scaled by the pixel factor), an SVG or a PDF.
final class CairoRenderer: Renderer {
    private let context: CairoContext
    private let isVector: Bool
    private var cache: [String: TextExtents] = [:]

    /// `scale` converts points to device units (pixels for PNG, 1 for vector surfaces).
    private let scale: Double

    init(context: CairoContext, scale: Double, isVector: Bool) {
        self.context = context
        self.isVector = isVector
        self.scale = scale
        cairo_scale(context.handle, scale, scale)
        context.configureText()
        cairo_set_antialias(context.handle, CAIRO_ANTIALIAS_DEFAULT)
    }

    private var cr: OpaquePointer { context.handle }

    func measure(_ text: String, size: Double, weight: FontWeight) -> TextExtents {
        let key = "\(size)|\(weight == .bold ? 1 : 0)|\(text)"
        if let hit = cache[key] { return hit }
        let e = context.measure(text, size: size, weight: weight)
        cache[key] = e
        return e
    }

    private func setSource(_ c: Color) {
        cairo_set_source_rgba(cr, c.red, c.green, c.blue, c.alpha)
    }

    private func trace(_ path: Path) {
        cairo_new_path(cr)
        for element in path.elements {
            switch element {
            case let .move(p): cairo_move_to(cr, p.x, p.y)
            case let .line(p): cairo_line_to(cr, p.x, p.y)
            case let .curve(a, b, p): cairo_curve_to(cr, a.x, a.y, b.x, b.y, p.x, p.y)
            case .close: cairo_close_path(cr)
            }
        }
    }

    func fill(_ path: Path, color: Color, rule: FillRule) {
        guard !path.isEmpty, color.alpha > 0 else { return }
        trace(path)
        setSource(color)
        cairo_set_fill_rule(cr, rule == .evenOdd ? CAIRO_FILL_RULE_EVEN_ODD : CAIRO_FILL_RULE_WINDING)
        cairo_fill(cr)
    }

    /// `path` moved onto the pixel grid for a line `pixels` wide: centres on pixel centres for odd widths, on pixel
    /// edges for even ones.
    private func snapped(_ path: Path, pixels: Double) -> Path {
        let odd = Int(pixels) % 2 == 1
        func snap(_ v: Double) -> Double {
            let d = v * scale
            return (odd ? floor(d) + 0.5 : d.rounded()) / scale
        }
        func snap(_ p: Point) -> Point { Point(snap(p.x), snap(p.y)) }
        var out = Path()
        out.elements = path.elements.map {
            switch $0 {
            case let .move(p): return .move(snap(p))
            case let .line(p): return .line(snap(p))
            case let .curve(a, b, p): return .curve(snap(a), snap(b), snap(p))
            case .close: return .close
            }
        }
        return out
    }

    func stroke(_ path: Path, style: StrokeStyle) {
        guard !path.isEmpty, style.color.alpha > 0, style.width > 0 else { return }
        var width = style.width
        if style.snap && !isVector {
            let pixels = max(1, (style.width * scale).rounded())
            width = pixels / scale
            trace(snapped(path, pixels: pixels))
        } else {
            trace(path)
        }
        setSource(style.color)
        cairo_set_line_width(cr, width)
        switch style.cap {
        case .butt: cairo_set_line_cap(cr, CAIRO_LINE_CAP_BUTT)
        case .round: cairo_set_line_cap(cr, CAIRO_LINE_CAP_ROUND)
        case .square: cairo_set_line_cap(cr, CAIRO_LINE_CAP_SQUARE)
        }
        switch style.join {
        case .miter: cairo_set_line_join(cr, CAIRO_LINE_JOIN_MITER)
        case .round: cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND)
        case .bevel: cairo_set_line_join(cr, CAIRO_LINE_JOIN_BEVEL)
        }
        style.dash.withUnsafeBufferPointer { cairo_set_dash(cr, $0.baseAddress, Int32($0.count), 0) }
        cairo_stroke(cr)
    }

    func text(_ text: String, at origin: Point, size: Double, weight: FontWeight, color: Color, angle: Double) {
        guard !text.isEmpty else { return }
        cairo_save(cr)
        setSource(color)
        cairo_translate(cr, origin.x, origin.y)
        if angle != 0 { cairo_rotate(cr, angle) }
        cairo_new_path(cr)
        cairo_move_to(cr, 0, 0)
        context.show(text, size: size, weight: weight)
        cairo_restore(cr)
    }

    func image(_ image: RasterImage, in rect: Rect, nearest: Bool) {
        guard image.width > 0, image.height > 0, rect.width > 0, rect.height > 0 else { return }
        // Vector viewers may smooth embedded images whatever the filter says (Cairo 1.16's SVG has no
        // image-rendering attribute), so for crisp pixels embed a nearest-neighbour enlargement instead.
        var source = image
        if nearest && isVector {
            let factor = max(1, min(16, Int((64.0 / Double(max(image.width, image.height))).rounded(.up))))
            if factor > 1 { source = Self.enlarge(image, by: factor) }
        }
        guard let surface = try? CairoSurface(image: source) else { return }
        cairo_save(cr)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(cr)
        cairo_translate(cr, rect.x, rect.y)
        cairo_scale(cr, rect.width / Double(source.width), rect.height / Double(source.height))
        cairo_set_source_surface(cr, surface.handle, 0, 0)
        if let pattern = cairo_get_source(cr) {
            cairo_pattern_set_filter(pattern, nearest ? CAIRO_FILTER_NEAREST : CAIRO_FILTER_GOOD)
            cairo_pattern_set_extend(pattern, CAIRO_EXTEND_PAD)
        }
        cairo_paint(cr)
        cairo_restore(cr)
    }

    func pushClip(_ rect: Rect) {
        cairo_save(cr)
        cairo_new_path(cr)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(cr)
    }

    func popClip() { cairo_restore(cr) }

    /// Throws if any drawing call left the context in an error state.
    func check(_ operation: String) throws(PlotError) { try context.check(operation) }

    static func enlarge(_ image: RasterImage, by factor: Int) -> RasterImage {
        let w = image.width * factor, h = image.height * factor
        var out = [UInt8](repeating: 0, count: 4 * w * h)
        for y in 0..<h {
            let sy = y / factor
            for x in 0..<w {
                let s = 4 * (sy * image.width + x / factor), d = 4 * (y * w + x)
                out[d] = image.rgba[s]; out[d + 1] = image.rgba[s + 1]
                out[d + 2] = image.rgba[s + 2]; out[d + 3] = image.rgba[s + 3]
            }
        }
        return RasterImage(width: w, height: h, rgba: out)
    }
}
