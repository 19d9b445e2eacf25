import CCairo
import Foundation

/// A figure: a page of `width` × `height` points holding one axes or a grid of subplots, and an optional title.
///
/// Rendering lays out every axes from measured text (nothing clipped, nothing overlapping), then draws through a
/// `Renderer`; PNG, SVG and PDF come from the same drawing code. The output is deterministic: the same figure gives
/// byte-identical files, within a process and across processes (SVG ids are renumbered per document, PDF dates are
/// pinned).
public final class Figure: @unchecked Sendable {
    /// Size in points (1/72 in).
    public let width: Double
    public let height: Double
    public var title: String?

    /// Common sizes in points: the default (6.4 × 4.8 in, matplotlib's), a course-notes column (4.8 × 3.6 in), a
    /// 16:9 slide figure and a square.
    public enum Size: Sendable {
        case standard, column, slide, square
        public var points: (width: Double, height: Double) {
            switch self {
            case .standard: return (460, 345)
            case .column: return (345, 259)
            case .slide: return (640, 360)
            case .square: return (400, 400)
            }
        }
    }

    /// The PDF creation and modification date written into every PDF, fixed so that files are reproducible.
    public static let pinnedPDFDate = "2000-01-01T00:00:00Z"

    private var axesList: [Axes] = []
    private var gridShape = (rows: 1, columns: 1)

    public init(width: Double = 460, height: Double = 345, title: String? = nil) {
        self.width = width
        self.height = height
        self.title = title
    }

    public convenience init(size: Size, title: String? = nil) {
        self.init(width: size.points.width, height: size.points.height, title: title)
    }

    /// One plot filling the figure (below the title). Replaces any axes added before.
    public func addAxes() -> Axes {
        let a = Axes()
        axesList = [a]
        gridShape = (1, 1)
        return a
    }

    /// A `rows` × `columns` grid of plots in row-major order. Replaces any axes added before.
    public func subplots(rows: Int, columns: Int) -> [Axes] {
        let r = max(rows, 1), c = max(columns, 1)
        axesList = (0..<(r * c)).map { _ in Axes() }
        gridShape = (r, c)
        return axesList
    }

    /// The axes in row-major order.
    public var axes: [Axes] { axesList }

    // MARK: - Layout and drawing

    private func titleBlock(_ r: Renderer) -> Double {
        guard let title else { return 0 }
        return Theme.outerPad + r.measure(title, size: Theme.figureTitleSize, weight: .bold).lineHeight
    }

    /// The cell of each axes, in row-major order.
    func cells(renderer r: Renderer) -> [Rect] {
        let top = titleBlock(r)
        let cw = width / Double(gridShape.columns), ch = (height - top) / Double(gridShape.rows)
        return axesList.indices.map { k in
            Rect(x: Double(k % gridShape.columns) * cw, y: top + Double(k / gridShape.columns) * ch, width: cw, height: ch)
        }
    }

    /// The layout of every axes (used by the tests through a recording renderer).
    /// Plot areas of a subplot grid are aligned: every axes in a grid column gets the largest left and right margin
    /// of that column, every axes in a row the largest top and bottom margin of that row (image grids excepted).
    func layouts(renderer r: Renderer) -> [AxesLayout] {
        let cells = self.cells(renderer: r)
        let first = zip(axesList, cells).map { $0.layout(in: $1, renderer: r) }
        guard axesList.count > 1 else { return first }
        let columns = gridShape.columns
        var minimum = [Margins](repeating: Margins(), count: axesList.count)
        for k in axesList.indices where !first[k].imageMode {
            for other in axesList.indices where !first[other].imageMode {
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
        return axesList.indices.map { k in
            first[k].imageMode ? first[k]
                : axesList[k].layout(in: cells[k], renderer: r, minimum: minimum[k],
                                     legendPosition: first[k].legendPosition == .outsideRight ? .outsideRight : nil)
        }
    }

    func validate() throws(PlotError) {
        guard width.isFinite, height.isFinite, width >= 1, height >= 1, width <= 20_000, height <= 20_000 else {
            throw PlotError.invalidData("figure size must be between 1 and 20000 points, got \(width)×\(height)")
        }
        for a in axesList { try a.validate() }
    }

    /// Draws the whole figure.
    func draw(on r: Renderer) throws(PlotError) {
        try validate()
        r.fill(.rectangle(Rect(x: 0, y: 0, width: width, height: height)), color: .white, rule: .nonZero)
        if let title {
            let e0 = r.measure(title, size: Theme.figureTitleSize, weight: .bold)
            let (text, size) = fitText(title, size: Theme.figureTitleSize, weight: .bold, maxWidth: width - 2 * Theme.outerPad, renderer: r)
            let e = r.measure(text, size: size, weight: .bold)
            r.text(text, at: Point((width - e.width) / 2, Theme.outerPad + e0.ascent), size: size, weight: .bold,
                   color: Theme.textColor, angle: 0)
        }
        for (a, l) in zip(axesList, layouts(renderer: r)) { a.draw(l, renderer: r) }
    }

    // MARK: - Output

    /// Renders the figure and returns the file's bytes. `scale` is the PNG pixel scale (pixels per point; 2 for
    /// high-density screens); vector formats ignore it. The same figure gives the same bytes in every format.
    public func render(_ format: ImageFormat, scale: Double = 1) throws(PlotError) -> [UInt8] {
        let sink = ByteSink()
        switch format {
        case .png:
            return try rasterSurface(scale: scale).encodePNG()
        case .svg:
            try validate()
            do {
                let surface = try CairoSurface(svgInto: sink, width: width, height: height)
                let context = try CairoContext(surface: surface)
                let renderer = CairoRenderer(context: context, scale: 1, isVector: true)
                try draw(on: renderer)
                try renderer.check("drawing")
                try surface.finish()
            }
            return SVGNormalizer.normalize(sink.bytes)
        case .pdf:
            try validate()
            do {
                let surface = try CairoSurface(pdfInto: sink, width: width, height: height)
                cairo_pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_CREATE_DATE, Self.pinnedPDFDate)
                cairo_pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_MOD_DATE, Self.pinnedPDFDate)
                cairo_pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_CREATOR, "lvm-lessons Plotting (cairo)")
                if let title { cairo_pdf_surface_set_metadata(surface.handle, CAIRO_PDF_METADATA_TITLE, title) }
                try surface.check("pdf_surface_set_metadata")
                let context = try CairoContext(surface: surface)
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
        let context = try CairoContext(surface: surface)
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
