import Foundation

/// The SVG back end: the drawing calls of `Renderer` written as SVG 1.1 elements, with text kept as text.
///
/// Cairo's SVG surface (1.16, and 1.18 alike) has no text mode: it writes every glyph as an outline in a `<symbol>`
/// and places copies of it, so the words of a figure cannot be selected, searched, read aloud or edited. This writer
/// is driven by the same calls `CairoRenderer` and `RecordingRenderer` receive, so it draws the same layout:
/// - text is one `<text>` element per call, one `<tspan>` per run, each run placed at the `x` Cairo would place its
///   first glyph (`CairoContext.placedRuns`: the notes style's math italic letters in Latin Modern Math, scripts at
///   0.7 × the size on a raised or lowered baseline, fallback faces for missing characters). The face is named as
///   fontconfig names it (`LM Roman 8`, `DejaVu Sans`), then the family and a generic one, so a viewer without the
///   font draws serif (notes) or sans-serif (web) text at the same places. `xml:space="preserve"` keeps the spaces;
///   when the drawn characters differ from the figure's text (math italic 𝑥 for x, `1` for `₁`), `aria-label` holds
///   the text as the lesson wrote it.
/// - paths are `<path d="M … L … C … Z">` with fill or stroke attributes; a clip is a `<clipPath>` and a `<g>`
///   around what it clips; an image is a PNG `data:` URL (`PNGEncoder`), enlarged by whole pixels and marked
///   `image-rendering: pixelated` when its pixels are to stay crisp.
///
/// Bytes are reproducible: numbers are written with at most three decimals by integer arithmetic, ids are numbered
/// per document, and nothing depends on time, process or thread.
final class SVGRenderer: Renderer {
    private let measurer: TextMeasurer
    private var body = ""
    private var clipCount = 0
    private let width: Double, height: Double

    init(width: Double, height: Double, style: FigureStyle) throws(PlotError) {
        self.width = width
        self.height = height
        measurer = try TextMeasurer(style: style)
        body.reserveCapacity(1 << 16)
    }

    var style: FigureStyle { measurer.style }

    func measure(_ text: String, size: Double, weight: FontWeight) -> TextExtents {
        measurer.measure(text, size: size, weight: weight)
    }

    // MARK: - Numbers and colours

    /// `x` with at most three decimals, no trailing zeros, no "-0" (integer arithmetic: the same bytes everywhere).
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        let scaled = (x * 1000).rounded()
        guard abs(scaled) < 9e15 else { return String(Int(x.rounded())) }
        var m = Int(scaled)
        if m == 0 { return "0" }
        let negative = m < 0
        m = abs(m)
        var s = String(m / 1000)
        var fraction = m % 1000
        if fraction != 0 {
            var digits = 3
            while fraction % 10 == 0 { fraction /= 10; digits -= 1 }
            let f = String(fraction)
            s += "." + String(repeating: "0", count: digits - f.count) + f
        }
        return negative ? "-" + s : s
    }

    /// `#rrggbb` of a colour (alpha apart).
    static func hex(_ c: Color) -> String {
        func byte(_ v: Double) -> String {
            let b = Int((v * 255).rounded())
            let h = String(b, radix: 16)
            return h.count == 1 ? "0" + h : h
        }
        return "#" + byte(c.red) + byte(c.green) + byte(c.blue)
    }

    /// Escapes `&`, `<`, `>` and `"` for element content and attribute values.
    static func escaped(_ s: String) -> String {
        guard s.contains(where: { $0 == "&" || $0 == "<" || $0 == ">" || $0 == "\"" }) else { return s }
        var out = ""
        for c in s {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(c)
            }
        }
        return out
    }

    private func pathData(_ path: Path) -> String {
        var d = ""
        for element in path.elements {
            if !d.isEmpty { d += " " }
            switch element {
            case let .move(p): d += "M" + Self.number(p.x) + " " + Self.number(p.y)
            case let .line(p): d += "L" + Self.number(p.x) + " " + Self.number(p.y)
            case let .curve(a, b, p):
                d += "C" + Self.number(a.x) + " " + Self.number(a.y) + " " + Self.number(b.x) + " " + Self.number(b.y)
                    + " " + Self.number(p.x) + " " + Self.number(p.y)
            case .close: d += "Z"
            }
        }
        return d
    }

    // MARK: - Drawing

    func fill(_ path: Path, color: Color, rule: FillRule) {
        guard !path.isEmpty, color.alpha > 0 else { return }
        body += "<path d=\"" + pathData(path) + "\" fill=\"" + Self.hex(color) + "\""
        if color.alpha < 1 { body += " fill-opacity=\"" + Self.number(color.alpha) + "\"" }
        if rule == .evenOdd { body += " fill-rule=\"evenodd\"" }
        body += "/>\n"
    }

    func stroke(_ path: Path, style s: StrokeStyle) {
        guard !path.isEmpty, s.color.alpha > 0, s.width > 0 else { return }
        body += "<path d=\"" + pathData(path) + "\" fill=\"none\" stroke=\"" + Self.hex(s.color) + "\" stroke-width=\""
            + Self.number(s.width) + "\""
        if s.color.alpha < 1 { body += " stroke-opacity=\"" + Self.number(s.color.alpha) + "\"" }
        switch s.cap {
        case .butt: break
        case .round: body += " stroke-linecap=\"round\""
        case .square: body += " stroke-linecap=\"square\""
        }
        switch s.join {
        case .miter: body += " stroke-miterlimit=\"10\""  // Cairo's default limit; SVG's is 4
        case .round: body += " stroke-linejoin=\"round\""
        case .bevel: body += " stroke-linejoin=\"bevel\""
        }
        if !s.dash.isEmpty { body += " stroke-dasharray=\"" + s.dash.map(Self.number).joined(separator: " ") + "\"" }
        body += "/>\n"
    }

    /// The `font-family` list of a face: the face, the style's family when it is another, then a generic family.
    private func families(_ face: String) -> String {
        var names = [face]
        if face.hasPrefix("LM Roman") { names.append(FigureStyle.notesFamily) }
        names.append(style.family.contains("Sans") ? "sans-serif" : "serif")
        return names.map { $0.contains(" ") ? "'" + $0 + "'" : $0 }.joined(separator: ", ")
    }

    func text(_ text: String, at origin: Point, size: Double, weight: FontWeight, color: Color, angle: Double) {
        guard !text.isEmpty else { return }
        let runs = measurer.placedRuns(text, size: size, weight: weight)
        guard !runs.isEmpty else { return }
        let rotated = angle != 0
        // Unrotated text is placed in page coordinates; rotated text in its own, from its origin.
        let ox = rotated ? 0 : origin.x, oy = rotated ? 0 : origin.y
        body += "<text"
        if rotated {
            body += " transform=\"translate(" + Self.number(origin.x) + " " + Self.number(origin.y) + ") rotate("
                + Self.number(angle * 180 / .pi) + ")\""
        }
        body += " fill=\"" + Self.hex(color) + "\""
        if color.alpha < 1 { body += " fill-opacity=\"" + Self.number(color.alpha) + "\"" }
        if weight == .bold { body += " font-weight=\"bold\"" }
        let drawn = runs.map(\.text).joined()
        if drawn != text { body += " aria-label=\"" + Self.escaped(text) + "\"" }
        body += ">"
        for run in runs {
            body += "<tspan x=\"" + Self.number(ox + run.x) + "\" y=\"" + Self.number(oy - run.rise) + "\" font-family=\""
                + families(run.face) + "\" font-size=\"" + Self.number(run.size) + "\">" + Self.escaped(run.text) + "</tspan>"
        }
        body += "</text>\n"
    }

    func image(_ image: RasterImage, in rect: Rect, nearest: Bool) {
        guard image.width > 0, image.height > 0, rect.width > 0, rect.height > 0 else { return }
        // Viewers that ignore image-rendering (librsvg) smooth across pixel edges: enlarged to about 4 pixels per
        // point of its drawn size (at most 2048 pixels a side), a heatmap's cells keep sharp edges at print zoom.
        var source = image
        if nearest {
            let wanted = max(64.0 / Double(max(image.width, image.height)), 4 * rect.width / Double(image.width),
                             4 * rect.height / Double(image.height))
            let cap = 2048.0 / Double(max(image.width, image.height))
            let factor = max(1, Int(min(wanted, cap).rounded(.up)))
            if factor > 1 { source = CairoRenderer.enlarge(image, by: factor) }
        }
        guard let png = Self.png(source) else { return }
        body += "<image x=\"" + Self.number(rect.x) + "\" y=\"" + Self.number(rect.y) + "\" width=\"" + Self.number(rect.width)
            + "\" height=\"" + Self.number(rect.height) + "\" preserveAspectRatio=\"none\""
        if nearest { body += " image-rendering=\"optimizeSpeed\" style=\"image-rendering:pixelated\"" }
        body += " xlink:href=\"data:image/png;base64," + Data(png).base64EncodedString() + "\"/>\n"
    }

    /// The straight-alpha RGBA image as PNG bytes (premultiplied ARGB words for `PNGEncoder`, as Cairo holds them).
    static func png(_ image: RasterImage) -> [UInt8]? {
        var words = [UInt32](repeating: 0, count: image.width * image.height)
        for k in words.indices {
            let a = UInt32(image.rgba[4 * k + 3])
            func pm(_ c: UInt8) -> UInt32 { (UInt32(c) * a + 127) / 255 }
            words[k] = (a << 24) | (pm(image.rgba[4 * k]) << 16) | (pm(image.rgba[4 * k + 1]) << 8) | pm(image.rgba[4 * k + 2])
        }
        return words.withUnsafeBytes { raw in
            try? PNGEncoder.encode(argb: raw.baseAddress!, width: image.width, height: image.height, stride: 4 * image.width)
        }
    }

    func pushClip(_ rect: Rect) {
        clipCount += 1
        let id = "clip\(clipCount)"
        body += "<clipPath id=\"" + id + "\"><rect x=\"" + Self.number(rect.x) + "\" y=\"" + Self.number(rect.y)
            + "\" width=\"" + Self.number(max(rect.width, 0)) + "\" height=\"" + Self.number(max(rect.height, 0))
            + "\"/></clipPath>\n<g clip-path=\"url(#" + id + ")\">\n"
    }

    func popClip() { body += "</g>\n" }

    /// The document: header, an optional `<title>`, everything drawn.
    func document(title: String?) -> [UInt8] {
        var head = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        head += "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" version=\"1.1\" width=\""
            + Self.number(width) + "pt\" height=\"" + Self.number(height) + "pt\" viewBox=\"0 0 " + Self.number(width) + " "
            + Self.number(height) + "\" xml:space=\"preserve\">\n"
        if let title, !title.isEmpty { head += "<title>" + Self.escaped(title) + "</title>\n" }
        return Array((head + body + "</svg>\n").utf8)
    }
}
