import CCairo
import Foundation

/// A figure as an immutable value: its size, title, subplot grid and a `FrozenAxes` per axes with the marks. Made by
/// `Figure.frozen()`; it is what crosses threads (a lesson's figures render on a background thread while the next
/// lesson computes), and the compiler checks that it is `Sendable`.
///
/// All layout and drawing happen here — `Figure.render` freezes and renders — so a snapshot gives byte-identical
/// PNG, SVG and PDF to the figure it was frozen from, and later changes to that figure or its axes do not reach it.
public struct FrozenFigure: Sendable {
    /// Size in points (1/72 in).
    public let width: Double
    public let height: Double
    public let title: String?
    /// The subplot grid; `axes` holds `rows × columns` axes in row-major order.
    public let rows: Int
    public let columns: Int
    public let axes: [FrozenAxes]
    /// The typeface, text sizes and title rule it is drawn with (`.web` unless `resized(…)` chose another).
    public let style: FigureStyle
    /// The relative height of each grid row (nil: all rows alike). `resized(…)` sets it so that a row with a legend
    /// under its plot, or an image grid that needs less or more than the others, gets the height it needs.
    public let rowHeights: [Double]?

    init(width: Double, height: Double, title: String?, rows: Int, columns: Int, axes: [FrozenAxes], style: FigureStyle = .web,
         rowHeights: [Double]? = nil) {
        self.style = style
        self.rowHeights = rowHeights.flatMap { $0.count == rows && $0.allSatisfy { $0 > 0 && $0.isFinite } ? $0 : nil }
        self.width = width
        self.height = height
        self.title = title
        self.rows = rows
        self.columns = columns
        self.axes = axes
    }

    // MARK: - Layout and drawing

    private func titleBlock(_ r: Renderer) -> Double {
        guard let title, style.showsFigureTitle else { return 0 }
        return Theme.outerPad + r.measure(title, size: r.style.figureTitleSize, weight: .bold).lineHeight
    }

    /// The cell of each axes, in row-major order.
    func cells(renderer r: Renderer) -> [Rect] {
        let top = titleBlock(r)
        let cw = width / Double(columns)
        let relative = rowHeights ?? [Double](repeating: 1, count: rows)
        let unit = (height - top) / relative.reduce(0, +)
        var tops: [Double] = [], y = top
        for (row, h) in relative.enumerated() {
            // Equal rows as `top + row × height` (the bytes of figures laid out before row heights existed).
            tops.append(rowHeights == nil ? top + Double(row) * unit : y)
            y += h * unit
        }
        return axes.indices.map { k in
            Rect(x: Double(k % columns) * cw, y: tops[min(k / columns, rows - 1)], width: cw,
                 height: relative[min(k / columns, rows - 1)] * unit)
        }
    }

    /// The layout of every axes (used by the tests through a recording renderer).
    /// Plot areas of a subplot grid are aligned: every axes in a grid column gets the largest left and right margin
    /// of that column, every axes in a row the largest top and bottom margin of that row (image grids excepted).
    func layouts(renderer r: Renderer) -> [AxesLayout] {
        let cells = self.cells(renderer: r)
        let first = zip(axes, cells).map { $0.layout(in: $1, renderer: r) }
        guard axes.count > 1 else { return first }
        var minimum = [Margins](repeating: Margins(), count: axes.count)
        for k in axes.indices where !first[k].imageMode {
            for other in axes.indices where !first[other].imageMode {
                if other % columns == k % columns {
                    minimum[k].left = max(minimum[k].left, first[other].margins.left)
                    minimum[k].right = max(minimum[k].right, first[other].margins.right)
                }
                if other / columns == k / columns {
                    minimum[k].top = max(minimum[k].top, first[other].margins.top)
                    minimum[k].bottom = max(minimum[k].bottom, first[other].margins.bottom)
                }
            }
        }
        return axes.indices.map { k in
            first[k].imageMode ? first[k]
                : axes[k].layout(in: cells[k], renderer: r, minimum: minimum[k],
                                 legendPosition: [.outsideRight, .below].contains(first[k].legendPosition) ? first[k].legendPosition : nil)
        }
    }

    func validate() throws(PlotError) {
        guard width.isFinite, height.isFinite, width >= 1, height >= 1, width <= 20_000, height <= 20_000 else {
            throw PlotError.invalidData("figure size must be between 1 and 20000 points, got \(width)×\(height)")
        }
        for a in axes { try a.validate() }
    }

    /// Draws the whole figure.
    func draw(on r: Renderer) throws(PlotError) {
        try validate()
        r.fill(.rectangle(Rect(x: 0, y: 0, width: width, height: height)), color: .white, rule: .nonZero)
        if let title, style.showsFigureTitle {
            let e0 = r.measure(title, size: r.style.figureTitleSize, weight: .bold)
            let (text, size) = fitText(title, size: r.style.figureTitleSize, weight: .bold, maxWidth: width - 2 * Theme.outerPad, renderer: r)
            let e = r.measure(text, size: size, weight: .bold)
            r.text(text, at: Point((width - e.width) / 2, Theme.outerPad + e0.ascent), size: size, weight: .bold,
                   color: Theme.textColor, angle: 0)
        }
        for (a, l) in zip(axes, layouts(renderer: r)) { a.draw(l, renderer: r) }
    }

    // MARK: - Output

    /// Renders the figure and returns the file's bytes. `scale` is the PNG pixel scale (pixels per point; 2 for
    /// high-density screens); vector formats ignore it. The same figure gives the same bytes, on any thread: the
    /// bytes of `Figure.render` for the figure this was frozen from.
    public func render(_ format: ImageFormat, scale: Double = 1) throws(PlotError) -> [UInt8] {
        let sink = ByteSink()
        switch format {
        case .png:
            return try rasterSurface(scale: scale).encodePNG()
        case .svg:
            // Our own writer, not Cairo's SVG surface: text stays text (`SVGRenderer`).
            try validate()
            let renderer = try SVGRenderer(width: width, height: height, style: style)
            try draw(on: renderer)
            return renderer.document(title: title)
        case .pdf:
            try validate()
            do {
                let surface = try CairoSurface(pdfInto: sink, width: width, height: height)
                cairo_pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_CREATE_DATE, Figure.pinnedPDFDate)
                cairo_pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_MOD_DATE, Figure.pinnedPDFDate)
                cairo_pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_CREATOR, "lvm-lessons Plotting (cairo)")
                if let title { cairo_pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_TITLE, title) }
                try surface.check("pdf_surface_set_metadata")
                let context = try CairoContext(surface: surface, style: style)
                let renderer = CairoRenderer(context: context, scale: 1, isVector: true)
                try draw(on: renderer)
                try renderer.check("drawing")
                try surface.finish()
            }
            return sink.bytes
        }
    }

    /// The figure drawn on an ARGB32 image surface of `scale` pixels per point (what `render(.png)` encodes).
    /// `rasterMarkers: false` makes Cairo fill every scatter marker (the tests compare the two).
    func rasterSurface(scale: Double, rasterMarkers: Bool = true) throws(PlotError) -> CairoSurface {
        guard scale.isFinite, scale > 0 else { throw PlotError.invalidData("PNG scale must be positive, got \(scale)") }
        let pw = Int((width * scale).rounded()), ph = Int((height * scale).rounded())
        guard pw >= 1, ph >= 1, pw <= 32_767, ph <= 32_767 else {
            throw PlotError.invalidData("PNG of \(pw)×\(ph) pixels is out of range (1…32767)")
        }
        try validate()
        let surface = try CairoSurface(imageWidth: pw, height: ph)
        let context = try CairoContext(surface: surface, style: style)
        let renderer = CairoRenderer(context: context, scale: Double(pw) / width, isVector: false,
                                     rasterMarkers: rasterMarkers)
        try draw(on: renderer)
        try renderer.check("drawing")
        try surface.check("drawing")
        return surface
    }

    /// Renders the figure into the file at `path` (replacing it). Errors name the file.
    public func write(to path: String, format: ImageFormat, scale: Double = 1) throws(PlotError) {
        let bytes: [UInt8]
        do {
            bytes = try render(format, scale: scale)
        } catch {
            if case let .cairo(operation, status, _) = error { throw PlotError.cairo(operation: operation, status: status, path: path) }
            if case let .encoding(operation, status, _) = error {
                throw PlotError.encoding(operation: operation, status: status, path: path)
            }
            throw error
        }
        do {
            try Data(bytes).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            let reason = (error as NSError).localizedDescription
            throw PlotError.unwritable(path: path, reason: reason)
        }
    }
}
