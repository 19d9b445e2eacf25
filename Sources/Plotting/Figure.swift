import CCairo
import Foundation

/// A figure: a canvas of `width` × `height` points with a title. (Skeleton: the full Axes layer is added by the
/// plotting issue; this type's `render`/`write` signatures are the contract the report relies on.)
public final class Figure: @unchecked Sendable {
    /// Size in points (1/72 in).
    public let width: Double
    public let height: Double
    public var title: String?

    public init(width: Double = 460, height: Double = 345, title: String? = nil) {
        self.width = width
        self.height = height
        self.title = title
    }

    /// Renders the figure and returns the file's bytes. `scale` is the PNG pixel scale (pixels per point);
    /// vector formats ignore it. The same figure gives the same bytes in every format.
    public func render(_ format: ImageFormat, scale: Double = 1) throws(PlotError) -> [UInt8] {
        let pixelWidth = Int32((width * scale).rounded()), pixelHeight = Int32((height * scale).rounded())
        guard format == .png else { throw PlotError.invalidData("skeleton renders PNG only") }
        guard let surface = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, pixelWidth, pixelHeight) else {
            throw PlotError.cairo(operation: "image_surface_create", status: "NULL", path: nil)
        }
        defer { cairo_surface_destroy(surface) }
        let cr = cairo_create(surface)
        defer { cairo_destroy(cr) }
        cairo_scale(cr, scale, scale)
        cairo_set_source_rgb(cr, 1, 1, 1)
        cairo_paint(cr)
        if let title {
            cairo_set_source_rgb(cr, 0, 0, 0)
            cairo_select_font_face(cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL)
            cairo_set_font_size(cr, 12)
            cairo_move_to(cr, 20, 24)
            cairo_show_text(cr, title)
        }
        cairo_surface_flush(surface)
        var bytes: [UInt8] = []
        let status = withUnsafeMutablePointer(to: &bytes) { pointer in
            cairo_surface_write_to_png_stream(surface, { closure, data, length in
                let out = closure!.assumingMemoryBound(to: [UInt8].self)
                out.pointee.append(contentsOf: UnsafeBufferPointer(start: data, count: Int(length)))
                return CAIRO_STATUS_SUCCESS
            }, pointer)
        }
        guard status == CAIRO_STATUS_SUCCESS else {
            throw PlotError.cairo(operation: "write_to_png_stream", status: String(cString: cairo_status_to_string(status)), path: nil)
        }
        return bytes
    }

    /// Renders the figure into `path`.
    public func write(to path: String, format: ImageFormat, scale: Double = 1) throws(PlotError) {
        let bytes = try render(format, scale: scale)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes)) else {
            throw PlotError.unwritable(path: path, reason: "the file could not be created")
        }
    }
}
