import CCairo

/// Reads a PNG back into straight-alpha RGBA through Cairo (used by the reference-image tests).
enum PNGDecoding {
    private final class Source {
        let bytes: [UInt8]
        var offset = 0
        init(_ bytes: [UInt8]) { self.bytes = bytes }
    }

    /// The PNG decoded by Cairo into an ARGB32 image surface (premultiplied).
    static func surface(_ bytes: [UInt8]) throws(PlotError) -> CairoSurface {
        let source = Source(bytes)
        let read: cairo_read_func_t = { closure, data, length in
            guard let closure, let data else { return CAIRO_STATUS_READ_ERROR }
            let s = Unmanaged<Source>.fromOpaque(closure).takeUnretainedValue()
            let n = Int(length)
            guard s.offset + n <= s.bytes.count else { return CAIRO_STATUS_READ_ERROR }
            for k in 0..<n { data[k] = s.bytes[s.offset + k] }
            s.offset += n
            return CAIRO_STATUS_SUCCESS
        }
        guard let handle = cairo_image_surface_create_from_png_stream(read, Unmanaged.passUnretained(source).toOpaque()) else {
            throw PlotError.cairo(operation: "image_surface_create_from_png_stream", status: "NULL surface", path: nil)
        }
        return try CairoSurface(adopting: handle, operation: "image_surface_create_from_png_stream")
    }

    static func decode(_ bytes: [UInt8]) throws(PlotError) -> RasterImage {
        let surface = try Self.surface(bytes)
        let handle = surface.handle
        cairo_surface_flush(handle)
        let w = Int(cairo_image_surface_get_width(handle)), h = Int(cairo_image_surface_get_height(handle))
        let stride = Int(cairo_image_surface_get_stride(handle))
        guard let data = cairo_image_surface_get_data(handle) else {
            throw PlotError.cairo(operation: "image_surface_get_data", status: "NULL data", path: nil)
        }
        var rgba = [UInt8](repeating: 0, count: 4 * w * h)
        for y in 0..<h {
            let line = (data + y * stride).withMemoryRebound(to: UInt32.self, capacity: w) { $0 }
            for x in 0..<w {
                let p = line[x], a = (p >> 24) & 0xFF
                func un(_ c: UInt32) -> UInt8 { a == 0 ? 0 : UInt8(min(255, (c * 255 + a / 2) / a)) }
                let k = 4 * (y * w + x)
                rgba[k] = un((p >> 16) & 0xFF); rgba[k + 1] = un((p >> 8) & 0xFF); rgba[k + 2] = un(p & 0xFF); rgba[k + 3] = UInt8(a)
            }
        }
        return RasterImage(width: w, height: h, rgba: rgba)
    }

    /// Root-mean-square difference of the RGBA channels (0–255 scale), as matplotlib's image comparison; nil if the
    /// sizes differ.
    static func rms(_ a: RasterImage, _ b: RasterImage) -> Double? {
        guard a.width == b.width, a.height == b.height else { return nil }
        var sum = 0.0
        for k in a.rgba.indices { let d = Double(a.rgba[k]) - Double(b.rgba[k]); sum += d * d }
        return (sum / Double(max(a.rgba.count, 1))).squareRoot()
    }
}
