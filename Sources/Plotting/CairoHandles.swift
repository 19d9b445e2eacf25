import CCairo
import Foundation

/// Owned Cairo objects. One `final class` per handle, destroyed in `deinit`; every creation is followed by a status
/// check because Cairo never returns NULL — it returns an object in an error state ("nil object") instead.

/// Collects the bytes a Cairo stream surface (SVG, PDF) or the PNG writer emits.
final class ByteSink {
    var bytes: [UInt8] = []

    /// A C callback for `cairo_write_func_t`; `closure` is an unretained `ByteSink`.
    static let write: cairo_write_func_t = { closure, data, length in
        guard let closure, let data else { return CAIRO_STATUS_WRITE_ERROR }
        let sink = Unmanaged<ByteSink>.fromOpaque(closure).takeUnretainedValue()
        sink.bytes.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
        return CAIRO_STATUS_SUCCESS
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }
}

func cairoStatusText(_ status: cairo_status_t) -> String {
    String(cString: cairo_status_to_string(status))
}

/// A `cairo_surface_t`. Keeps the byte sink of a stream surface alive as long as the surface.
final class CairoSurface {
    let handle: OpaquePointer
    private let sink: ByteSink?

    private init(handle: OpaquePointer, sink: ByteSink?, operation: String) throws(PlotError) {
        self.handle = handle
        self.sink = sink
        try check(operation)
    }

    /// An ARGB32 raster surface of `width` × `height` pixels.
    convenience init(imageWidth width: Int, height: Int) throws(PlotError) {
        guard let h = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, Int32(width), Int32(height)) else {
            throw PlotError.cairo(operation: "image_surface_create", status: "NULL surface", path: nil)
        }
        try self.init(handle: h, sink: nil, operation: "image_surface_create")
    }

    /// An ARGB32 image surface holding `pixels` (premultiplied native-endian `A R G B` words, row-major).
    convenience init(argbWidth width: Int, height: Int, pixels: [UInt32]) throws(PlotError) {
        guard pixels.count == width * height else {
            throw PlotError.invalidData("\(pixels.count) pixels for a \(width)×\(height) image")
        }
        try self.init(imageWidth: width, height: height)
        cairo_surface_flush(handle)
        guard let data = cairo_image_surface_get_data(handle) else {
            throw PlotError.cairo(operation: "image_surface_get_data", status: "NULL data", path: nil)
        }
        let stride = Int(cairo_image_surface_get_stride(handle))
        pixels.withUnsafeBufferPointer { src in
            for y in 0..<height {
                let line = UnsafeMutableRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
                for x in 0..<width { line[x] = src[y * width + x] }
            }
        }
        cairo_surface_mark_dirty(handle)
    }

    /// Takes ownership of a surface made elsewhere (e.g. decoded from a PNG); throws if it is in an error state.
    convenience init(adopting handle: OpaquePointer, operation: String) throws(PlotError) {
        try self.init(handle: handle, sink: nil, operation: operation)
    }

    /// The pixels of an ARGB32 image surface as Cairo holds them: premultiplied, native-endian `A R G B` words, row
    /// by row (the stride's padding dropped).
    func argbPixels() throws(PlotError) -> (width: Int, height: Int, pixels: [UInt32]) {
        cairo_surface_flush(handle)
        guard let data = cairo_image_surface_get_data(handle) else {
            throw PlotError.cairo(operation: "image_surface_get_data", status: "NULL data", path: nil)
        }
        let w = Int(cairo_image_surface_get_width(handle)), h = Int(cairo_image_surface_get_height(handle))
        let stride = Int(cairo_image_surface_get_stride(handle))
        var pixels: [UInt32] = []
        pixels.reserveCapacity(w * h)
        for y in 0..<h {
            let line = UnsafeRawPointer(data + y * stride).assumingMemoryBound(to: UInt32.self)
            pixels.append(contentsOf: UnsafeBufferPointer(start: line, count: w))
        }
        return (w, h, pixels)
    }

    /// A PDF surface of `width` × `height` points writing into `sink`.
    convenience init(pdfInto sink: ByteSink, width: Double, height: Double) throws(PlotError) {
        guard let h = cairo_pdf_surface_create_for_stream(ByteSink.write, sink.opaque, width, height) else {
            throw PlotError.cairo(operation: "pdf_surface_create_for_stream", status: "NULL surface", path: nil)
        }
        try self.init(handle: h, sink: sink, operation: "pdf_surface_create_for_stream")
    }

    /// An image surface holding `image` (premultiplied ARGB32, as Cairo requires).
    convenience init(image: RasterImage) throws(PlotError) {
        try self.init(imageWidth: image.width, height: image.height)
        cairo_surface_flush(handle)
        guard let data = cairo_image_surface_get_data(handle) else {
            throw PlotError.cairo(operation: "image_surface_get_data", status: "NULL data", path: nil)
        }
        let stride = Int(cairo_image_surface_get_stride(handle))
        image.rgba.withUnsafeBufferPointer { src in
            for row in 0..<image.height {
                let line = (data + row * stride).withMemoryRebound(to: UInt32.self, capacity: image.width) { $0 }
                for col in 0..<image.width {
                    let k = 4 * (row * image.width + col)
                    let a = UInt32(src[k + 3])
                    func pm(_ c: UInt8) -> UInt32 { (UInt32(c) * a + 127) / 255 }
                    line[col] = (a << 24) | (pm(src[k]) << 16) | (pm(src[k + 1]) << 8) | pm(src[k + 2])
                }
            }
        }
        cairo_surface_mark_dirty(handle)
    }

    /// Throws if the surface is in an error state.
    func check(_ operation: String) throws(PlotError) {
        let status = cairo_surface_status(handle)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.cairo(operation: operation, status: cairoStatusText(status), path: nil)
        }
    }

    /// Finishes the surface (vector surfaces write their document now) and checks the outcome.
    func finish() throws(PlotError) {
        cairo_surface_finish(handle)
        try check("surface_finish")
    }

    /// Encodes the raster (ARGB32 image) surface as PNG with our `PNGEncoder`: RGB when opaque, else RGBA.
    func encodePNG(settings: PNGEncoder.Settings = .standard) throws(PlotError) -> [UInt8] {
        cairo_surface_flush(handle)
        guard cairo_image_surface_get_format(handle) == CAIRO_FORMAT_ARGB32 else {
            throw PlotError.encoding(operation: "PNG encoder", status: "not an ARGB32 image surface", path: nil)
        }
        guard let data = cairo_image_surface_get_data(handle) else {
            throw PlotError.cairo(operation: "image_surface_get_data", status: "NULL data", path: nil)
        }
        return try PNGEncoder.encode(argb: UnsafeRawPointer(data), width: Int(cairo_image_surface_get_width(handle)),
                                     height: Int(cairo_image_surface_get_height(handle)),
                                     stride: Int(cairo_image_surface_get_stride(handle)), settings: settings)
    }

    /// Encodes the raster surface as PNG into `sink` with Cairo's own writer (libpng defaults, always RGBA): what
    /// `encodePNG` replaced, kept for comparisons in the tests.
    func writeCairoPNG(into sink: ByteSink) throws(PlotError) {
        cairo_surface_flush(handle)
        let status = cairo_surface_write_to_png_stream(handle, ByteSink.write, sink.opaque)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.cairo(operation: "surface_write_to_png_stream", status: cairoStatusText(status), path: nil)
        }
    }

    deinit { cairo_surface_destroy(handle) }
}

/// A `cairo_t` drawing on a `CairoSurface` (which it keeps alive), with the text of one `FigureStyle`.
final class CairoContext {
    let handle: OpaquePointer
    let surface: CairoSurface
    let style: FigureStyle

    init(surface: CairoSurface, style: FigureStyle = .web) throws(PlotError) {
        guard let h = cairo_create(surface.handle) else {
            throw PlotError.cairo(operation: "cairo_create", status: "NULL context", path: nil)
        }
        handle = h
        self.surface = surface
        self.style = style
        try check("cairo_create")
    }

    func check(_ operation: String) throws(PlotError) {
        let status = cairo_status(handle)
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.cairo(operation: operation, status: cairoStatusText(status), path: nil)
        }
    }

    /// The style's font through Cairo's "toy" text API, with hinting off so that measured extents do not depend on
    /// the pixel scale or the output format (the same layout in PNG, SVG and PDF).
    func configureText() {
        guard let options = cairo_font_options_create() else { return }
        cairo_font_options_set_hint_style(options, CAIRO_HINT_STYLE_NONE)
        cairo_font_options_set_hint_metrics(options, CAIRO_HINT_METRICS_OFF)
        cairo_font_options_set_antialias(options, CAIRO_ANTIALIAS_GRAY)
        cairo_set_font_options(handle, options)
        cairo_font_options_destroy(options)
    }

    /// The web style's primary face and fallbacks (kept for the font tests).
    static let primaryFace = FigureStyle.web.family
    static let fallbackFaces = FigureStyle.web.fallbackFamilies
    /// Look-alikes in DejaVu Sans for characters it lacks (tried before other faces, to keep one typeface).
    static let substitutes: [Character: String] = ["⟂": "⊥", "∣": "|", "ϵ": "ε"]

    /// Per-context memo of glyph coverage: "face|weight|character" → present.
    private var coverage: [String: Bool] = [:]

    /// The face that draws text of the style's family at `size` points. Latin Modern Roman comes in optical sizes
    /// (the 5 … 12 pt designs LaTeX's `lmodern` picks by size: smaller sizes are wider and sturdier), so it is asked
    /// for as `LM Roman N` with N the nearest design size.
    func primaryFace(size: Double) -> String {
        guard style.family == FigureStyle.notesFamily else { return style.family }
        let designs: [Double] = [5, 6, 7, 8, 9, 10, 12]
        let nearest = designs.min { abs($0 - size) < abs($1 - size) } ?? 10
        return "LM Roman \(Int(nearest))"
    }

    func selectFont(size: Double, weight: FontWeight, face: String) {
        cairo_select_font_face(handle, face, CAIRO_FONT_SLANT_NORMAL,
                               weight == .bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL)
        cairo_set_font_size(handle, size)
    }

    /// Whether `face` has a glyph (not .notdef) for every scalar of `text`.
    func hasGlyphs(_ text: String, face: String, weight: FontWeight) -> Bool {
        let key = "\(face)|\(weight == .bold ? 1 : 0)|\(text)"
        if let known = coverage[key] { return known }
        selectFont(size: 10, weight: weight, face: face)
        var present = false
        if let font = cairo_get_scaled_font(handle) {
            var glyphs: UnsafeMutablePointer<cairo_glyph_t>? = nil
            var count: Int32 = 0
            let status = cairo_scaled_font_text_to_glyphs(font, 0, 0, text, -1, &glyphs, &count, nil, nil, nil)
            if status == CAIRO_STATUS_SUCCESS, let glyphs, count > 0 {
                present = !(0..<Int(count)).contains { glyphs[$0].index == 0 }
            }
            if let glyphs { cairo_glyph_free(glyphs) }
        }
        coverage[key] = present
        return present
    }

    /// `text` split into runs, each with a face that can draw it. A character missing from the primary face is
    /// replaced by a look-alike (a small table, then its Unicode compatibility form, e.g. 𝒩 → N) when the primary
    /// face has that, else drawn in the first fallback face that has it; failing all, it stays in the primary face
    /// (a box). In the notes style a math italic letter (𝑥) goes to Latin Modern Math first, and only then to the
    /// compatibility form.
    func runs(_ text: String, weight: FontWeight, size: Double = 10) -> [(text: String, face: String)] {
        let primary = primaryFace(size: size)
        if hasGlyphs(text, face: primary, weight: weight) { return [(text, primary)] }
        var result: [(text: String, face: String)] = []
        for ch in text {
            var piece = String(ch), face = primary
            if !hasGlyphs(piece, face: primary, weight: weight) {
                let compatibility = piece.precomposedStringWithCompatibilityMapping
                let fallback = style.fallbackFamilies.first { hasGlyphs(piece, face: $0, weight: weight) }
                if let s = Self.substitutes[ch], hasGlyphs(s, face: primary, weight: weight) {
                    piece = s
                } else if style.setsMath, let f = fallback {
                    face = f
                } else if compatibility != piece, hasGlyphs(compatibility, face: primary, weight: weight) {
                    piece = compatibility
                } else if let f = fallback {
                    face = f
                }
            }
            if let last = result.last, last.face == face {
                result[result.count - 1].text += piece
            } else {
                result.append((piece, face))
            }
        }
        return result
    }

    /// The pieces of `text` with their size and baseline shift (up is positive): the text itself in the web style,
    /// `MathText` pieces in the notes style.
    private func pieces(_ text: String, size: Double) -> [(text: String, size: Double, rise: Double)] {
        guard style.setsMath else { return [(text, size, 0)] }
        return MathText.pieces(text).map { p in
            switch p.level {
            case 0: return (p.text, size, 0)
            case ..<0: return (p.text, size * MathText.scriptScale, -MathText.subscriptDrop * size)
            default: return (p.text, size * MathText.scriptScale, MathText.superscriptRise * size)
            }
        }
    }

    func measure(_ text: String, size: Double, weight: FontWeight) -> TextExtents {
        var fe = cairo_font_extents_t()
        selectFont(size: size, weight: weight, face: primaryFace(size: size))
        cairo_font_extents(handle, &fe)
        var width = 0.0, inkTop = -Double.infinity, inkBottom = -Double.infinity
        for piece in pieces(text, size: size) {
            for run in runs(piece.text, weight: weight, size: piece.size) {
                selectFont(size: piece.size, weight: weight, face: run.face)
                var te = cairo_text_extents_t()
                cairo_text_extents(handle, run.text, &te)
                width += te.x_advance
                if te.width > 0 || te.height > 0 {
                    inkTop = max(inkTop, -te.y_bearing + piece.rise)
                    inkBottom = max(inkBottom, te.height + te.y_bearing - piece.rise)
                }
            }
        }
        return TextExtents(width: width, ascent: fe.ascent, descent: fe.descent,
                           inkTop: inkTop.isFinite ? inkTop : 0, inkBottom: inkBottom.isFinite ? inkBottom : 0)
    }

    /// Draws `text` at the current point (which it advances), run by run; script pieces are drawn on a shifted
    /// baseline and the point comes back to the baseline after them.
    func show(_ text: String, size: Double, weight: FontWeight) {
        for piece in pieces(text, size: size) {
            if piece.rise != 0 { cairo_rel_move_to(handle, 0, -piece.rise) }
            for run in runs(piece.text, weight: weight, size: piece.size) {
                selectFont(size: piece.size, weight: weight, face: run.face)
                cairo_show_text(handle, run.text)
            }
            if piece.rise != 0 { cairo_rel_move_to(handle, 0, piece.rise) }
        }
    }

    /// One run of drawn text: its characters, the face and size they are drawn in, where it starts (the advance of
    /// the runs before it, from the text's origin) and how far its baseline is raised (negative: lowered).
    struct PlacedRun: Equatable {
        var text: String
        var face: String
        var size: Double
        var x: Double
        var rise: Double
    }

    /// The runs `show` draws for `text`, with their positions: what a writer of text-as-text (`SVGRenderer`) needs
    /// to put each piece where Cairo puts its glyphs.
    func placedRuns(_ text: String, size: Double, weight: FontWeight) -> [PlacedRun] {
        var out: [PlacedRun] = []
        var x = 0.0
        for piece in pieces(text, size: size) {
            for run in runs(piece.text, weight: weight, size: piece.size) {
                selectFont(size: piece.size, weight: weight, face: run.face)
                var te = cairo_text_extents_t()
                cairo_text_extents(handle, run.text, &te)
                out.append(PlacedRun(text: run.text, face: run.face, size: piece.size, x: x, rise: piece.rise))
                x += te.x_advance
            }
        }
        return out
    }

    /// Characters of `text` that no route above can draw (they would print as boxes).
    func missingCharacters(_ text: String, weight: FontWeight) -> [Character] {
        text.filter { ch in
            let pieces = runs(String(ch), weight: weight)
            return !pieces.allSatisfy { hasGlyphs($0.text, face: $0.face, weight: weight) }
        }
    }

    /// Whether fontconfig has `family` itself rather than a substitute: text measured in it differs from text measured
    /// in a family that certainly does not exist (which fontconfig replaces by its default face).
    func hasFamily(_ family: String) -> Bool {
        let probe = "Hamburgefonstiv 0123"
        func width(_ face: String) -> Double {
            selectFont(size: 10, weight: .regular, face: face)
            var te = cairo_text_extents_t()
            cairo_text_extents(handle, probe, &te)
            return te.x_advance
        }
        return width(family) != width("lvm-lessons-no-such-family")
    }

    deinit { cairo_destroy(handle) }
}

/// Measures text on a private 1×1 image surface (for layout without a drawing surface, e.g. in tests).
final class TextMeasurer {
    let context: CairoContext
    private var cache: [String: TextExtents] = [:]

    init(style: FigureStyle = .web) throws(PlotError) {
        context = try CairoContext(surface: try CairoSurface(imageWidth: 1, height: 1), style: style)
        context.configureText()
    }

    var style: FigureStyle { context.style }

    /// Whether the notes style's serif family (Latin Modern Roman, Debian's `fonts-lmodern`) is installed; without
    /// it the command line falls back to `FigureStyle.notesFallbackFamily` and says so.
    static func notesFamilyIsInstalled() -> Bool {
        guard let m = try? TextMeasurer() else { return false }
        return m.context.hasFamily("LM Roman 10")
    }

    func measure(_ text: String, size: Double, weight: FontWeight) -> TextExtents {
        let key = "\(size)|\(weight == .bold ? 1 : 0)|\(text)"
        if let hit = cache[key] { return hit }
        let e = context.measure(text, size: size, weight: weight)
        cache[key] = e
        return e
    }

    func missingCharacters(_ text: String, weight: FontWeight = .regular) -> [Character] {
        context.missingCharacters(text, weight: weight)
    }

    func placedRuns(_ text: String, size: Double, weight: FontWeight) -> [CairoContext.PlacedRun] {
        context.placedRuns(text, size: size, weight: weight)
    }
}
