import CCairo
import Foundation

/// The Cairo back end: the same calls draw a PNG (image surface scaled by the pixel factor), an SVG or a PDF.
final class CairoRenderer: Renderer {
    private let context: CairoContext
    private let isVector: Bool
    private var cache: [String: TextExtents] = [:]
    /// The clip rectangles pushed so far (points), each already intersected with the one before.
    private var clips: [Rect] = []

    /// `scale` converts points to device units (pixels for PNG, 1 for vector surfaces).
    private let scale: Double

    /// Whether large scatters on raster surfaces take the mask path (`markers`); off only to compare with Cairo.
    private let rasterMarkersEnabled: Bool

    init(context: CairoContext, scale: Double, isVector: Bool, rasterMarkers: Bool = true) {
        self.context = context
        self.isVector = isVector
        self.rasterMarkersEnabled = rasterMarkers
        self.scale = scale
        cairo_scale(context.handle, scale, scale)
        context.configureText()
        cairo_set_antialias(context.handle, CAIRO_ANTIALIAS_DEFAULT)
    }

    private var cr: OpaquePointer { context.handle }

    var style: FigureStyle { context.style }

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

    /// Scatters with at least this many points are blended from coverage masks on raster surfaces. Below it Cairo
    /// fills each marker: building the 64 phase masks costs about as much as Cairo drawing a few hundred markers, and
    /// small scatters (legends, highlights, the reference images) then stay exactly as Cairo draws them.
    static let rasterMarkerThreshold = 2_000

    func markers(_ centres: [Point], marker: Marker, size: Double, color: Color, colors: [Color]?) {
        if isVector || !rasterMarkersEnabled || centres.count < Self.rasterMarkerThreshold || !rasterMarkers(centres, marker: marker, size: size,
                                                                                   color: color, colors: colors) {
            drawMarkersOneByOne(centres, marker: marker, size: size, color: color, colors: colors)
        }
    }

    /// The fast path of `markers`; false (nothing drawn) when it does not apply: a transform other than the pixel
    /// scale, a marker Cairo must stroke, or one too large for masks.
    private func rasterMarkers(_ centres: [Point], marker: Marker, size: Double, color: Color, colors: [Color]?) -> Bool {
        var m = cairo_matrix_t()
        cairo_get_matrix(cr, &m)
        guard m.xy == 0, m.yx == 0, m.x0 == 0, m.y0 == 0, m.xx == scale, m.yy == scale,
              let path = ScatterMark.markerPath(marker, at: Point(0, 0), size: size),
              let masks = MarkerMasks(outline: flattened(path).map { Point($0.x * scale, $0.y * scale) })
        else { return false }
        let surface = context.surface.handle
        guard cairo_image_surface_get_format(surface) == CAIRO_FORMAT_ARGB32 else { return false }
        cairo_surface_flush(surface)
        guard let data = cairo_image_surface_get_data(surface) else { return false }
        let width = Int(cairo_image_surface_get_width(surface)), height = Int(cairo_image_surface_get_height(surface))
        let clip = clips.last ?? Rect(x: 0, y: 0, width: Double(width) / scale, height: Double(height) / scale)
        let device = centres.map { Point($0.x * scale, $0.y * scale) }
        MarkerRaster.blend(device, masks: masks, color: color, colors: colors, into: data, width: width, height: height,
                           stride: Int(cairo_image_surface_get_stride(surface)),
                           clip: (max(0, clip.x * scale), max(0, clip.y * scale),
                                  min(Double(width), (clip.x + clip.width) * scale),
                                  min(Double(height), (clip.y + clip.height) * scale)))
        cairo_surface_mark_dirty(surface)
        return true
    }

    /// The vertices of `path` as Cairo flattens it for filling (curves become chords within the context's tolerance,
    /// 0.1 device pixel), in points; one closed subpath expected.
    private func flattened(_ path: Path) -> [Point] {
        trace(path)
        defer { cairo_new_path(cr) }
        guard let flat = cairo_copy_path_flat(cr) else { return [] }
        defer { cairo_path_destroy(flat) }
        guard flat.pointee.status == CAIRO_STATUS_SUCCESS, let data = flat.pointee.data else { return [] }
        var points: [Point] = []
        var k = 0
        while k < Int(flat.pointee.num_data) {
            let header = data[k].header
            if header.type == CAIRO_PATH_MOVE_TO || header.type == CAIRO_PATH_LINE_TO {
                points.append(Point(data[k + 1].point.x, data[k + 1].point.y))
            }
            k += Int(header.length)
        }
        return points
    }

    func pushClip(_ rect: Rect) {
        if let outer = clips.last {
            let x0 = max(rect.x, outer.x), y0 = max(rect.y, outer.y)
            let x1 = min(rect.x + rect.width, outer.x + outer.width), y1 = min(rect.y + rect.height, outer.y + outer.height)
            clips.append(Rect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0)))
        } else {
            clips.append(rect)
        }
        cairo_save(cr)
        cairo_new_path(cr)
        cairo_rectangle(cr, rect.x, rect.y, rect.width, rect.height)
        cairo_clip(cr)
    }

    func popClip() {
        if !clips.isEmpty { clips.removeLast() }
        cairo_restore(cr)
    }

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
