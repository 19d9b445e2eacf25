import CZlib
import Foundation

/// Our PNG encoder for Cairo image surfaces. It replaces `cairo_surface_write_to_png_stream` (libpng with its
/// default per-row choice among all five filters by minimum sum of absolute differences, and zlib level 6), which took
/// 25 % of the report's CPU time.
///
/// Conventions:
/// - Input: Cairo `CAIRO_FORMAT_ARGB32` pixels — one native-endian `UInt32` per pixel, `A << 24 | R << 16 | G << 8 | B`,
///   colour *premultiplied* by alpha — rows `stride` bytes apart, top row first.
/// - Colour type: if every pixel is opaque (alpha 255, the normal case: figures paint a white background first) the
///   image is written as 8-bit RGB (colour type 2), as Cairo does; else as 8-bit RGBA (colour type 6) with the colour
///   un-premultiplied as Cairo's writer does it (`(c · 255 + a / 2) / a`, and 0,0,0,0 where a = 0), so a decoder that
///   premultiplies again (Cairo) gets back exactly the surface's pixels.
/// - Filter: None on every row (`Settings.standard`). Figures are mostly rows that repeat the row above exactly
///   (background, frames, flat colour bands) and runs of one colour; deflate finds both as matches (the row above is
///   `3 × width` bytes back, inside its 32 KiB window), so None compresses *better* than Up, Sub or Paeth at the same
///   level, and libpng's minimum-sum choice saves under 2 % for twice the time (measurements in the README).
///   A row equal to the one above is not unpacked again.
/// - zlib: level 3, default strategy, 32 KiB window. Levels 1–3 are deflate's fast (greedy) matcher; level 3 is as
///   fast as level 1 on figures and 5 % smaller; levels ≥ 4 (lazy matching) are smaller still but 1.6–2× slower.
/// - Chunks: IHDR, IDAT (one per 256 KiB of compressed data), IEND; no ancillary chunks (no time, no gamma), so the
///   bytes depend only on the pixels, the settings and the zlib version: byte-identical run to run and across
///   processes.
enum PNGEncoder {
    /// How each row is filtered before deflate.
    enum Filter: Sendable, Equatable {
        /// One filter type for every row (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth).
        case fixed(UInt8)
        /// Per row, the filter among None, Sub, Up and Paeth whose output has the smallest sum of absolute values
        /// (as bytes taken as signed) — libpng's heuristic, restricted to four filters.
        case minimumSum
    }

    struct Settings: Sendable, Equatable {
        var filter: Filter
        /// zlib level 0–9.
        var level: Int32
        /// zlib strategy: Z_DEFAULT_STRATEGY (0), Z_FILTERED (1), Z_HUFFMAN_ONLY (2), Z_RLE (3).
        var strategy: Int32

        /// None, level 3, default strategy: see the type's comment.
        static let standard = Settings(filter: .fixed(0), level: 3, strategy: 0)
    }

    /// Encodes the ARGB32 pixels at `data` (`width` × `height`, rows `stride` bytes apart).
    static func encode(argb data: UnsafeRawPointer, width: Int, height: Int, stride: Int,
                       settings: Settings = .standard) throws(PlotError) -> [UInt8] {
        guard width >= 1, height >= 1, width <= 0x7FFF_FFFF / 4, height <= 0x7FFF_FFFF, stride >= 4 * width else {
            throw PlotError.invalidData("PNG encoder: \(width)×\(height) pixels with a stride of \(stride) bytes")
        }
        let opaque = isOpaque(data, width: width, height: height, stride: stride)
        let bpp = opaque ? 3 : 4
        let rowBytes = bpp * width

        var out: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr: [UInt8] = []
        appendBigEndian(UInt32(width), to: &ihdr)
        appendBigEndian(UInt32(height), to: &ihdr)
        ihdr += [8, opaque ? 2 : 6, 0, 0, 0]  // depth 8, colour type, deflate, adaptive filtering, no interlace
        try appendChunk("IHDR", ihdr, to: &out)

        var stream = z_stream()
        let status = czlib_deflate_init(&stream, settings.level, settings.strategy)
        guard status == Z_OK else { throw zlibError("deflateInit2", status) }
        defer { deflateEnd(&stream) }

        // Unfiltered rows (current and the one above, zeros before the first) and the filtered row with its type
        // byte in front (plus a scratch one for `.minimumSum`).
        let previousRow = UnsafeMutablePointer<UInt8>.allocate(capacity: rowBytes)
        let currentRow = UnsafeMutablePointer<UInt8>.allocate(capacity: rowBytes)
        let filtered = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 + rowBytes)
        let scratch = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 + rowBytes)
        let chunkSize = 1 << 18
        let compressed = UnsafeMutablePointer<UInt8>.allocate(capacity: chunkSize)
        defer {
            previousRow.deallocate(); currentRow.deallocate(); filtered.deallocate(); scratch.deallocate()
            compressed.deallocate()
        }
        previousRow.initialize(repeating: 0, count: rowBytes)
        currentRow.initialize(repeating: 0, count: rowBytes)
        var used = 0  // bytes of `compressed` filled

        /// Feeds `count` bytes at `input` to deflate (all of them, or everything pending with Z_FINISH), writing an
        /// IDAT chunk whenever the output buffer is full.
        func pump(_ input: UnsafeMutablePointer<UInt8>?, _ count: Int, flush: Int32) throws(PlotError) {
            stream.next_in = input
            stream.avail_in = UInt32(count)
            while true {
                stream.next_out = compressed + used
                stream.avail_out = UInt32(chunkSize - used)
                let status = deflate(&stream, flush)
                used = chunkSize - Int(stream.avail_out)
                if used == chunkSize {
                    try appendChunk("IDAT", UnsafeBufferPointer(start: compressed, count: used), to: &out)
                    used = 0
                }
                if flush == Z_FINISH {
                    if status == Z_STREAM_END { return }
                    guard status == Z_OK else { throw zlibError("deflate", status) }
                } else {
                    guard status == Z_OK || (status == Z_BUF_ERROR && stream.avail_in == 0) else {
                        throw zlibError("deflate", status)
                    }
                    if stream.avail_in == 0 && stream.avail_out > 0 { return }
                }
            }
        }

        var sameAsAbove = false
        for y in 0..<height {
            let line = (data + y * stride).assumingMemoryBound(to: UInt32.self)
            // A row identical to the one above (backgrounds, frames) needs no unpacking: `previousRow` holds it.
            sameAsAbove = y > 0 && memcmp(line, data + (y - 1) * stride, 4 * width) == 0
            let row = sameAsAbove ? previousRow : currentRow
            if !sameAsAbove {
                if opaque { unpackRGB(line, width, currentRow) } else { unpackRGBA(line, width, currentRow) }
            }
            let above = y > 0 ? previousRow : nil
            if sameAsAbove && (settings.filter == .fixed(2) || settings.filter == .minimumSum) {
                // Up gives zeros here (and is what the minimum-sum choice picks).
                filtered[0] = 2
                (filtered + 1).update(repeating: 0, count: rowBytes)
            } else {
                chooseFilter(settings.filter, row, above, count: rowBytes, bpp: bpp, into: filtered, scratch: scratch)
            }
            try pump(filtered, 1 + rowBytes, flush: Z_NO_FLUSH)
            if !sameAsAbove { previousRow.update(from: currentRow, count: rowBytes) }
        }
        try pump(nil, 0, flush: Z_FINISH)
        if used > 0 { try appendChunk("IDAT", UnsafeBufferPointer(start: compressed, count: used), to: &out) }
        try appendChunk("IEND", [], to: &out)
        return out
    }

    // MARK: - Pixels

    static func isOpaque(_ data: UnsafeRawPointer, width: Int, height: Int, stride: Int) -> Bool {
        for y in 0..<height {
            let line = (data + y * stride).assumingMemoryBound(to: UInt32.self)
            var all: UInt32 = 0xFF00_0000
            for x in 0..<width { all &= line[x] }
            if all & 0xFF00_0000 != 0xFF00_0000 { return false }
        }
        return true
    }

    static func unpackRGB(_ line: UnsafePointer<UInt32>, _ width: Int, _ row: UnsafeMutablePointer<UInt8>) {
        for x in 0..<width {
            let p = line[x]
            row[3 * x] = UInt8(truncatingIfNeeded: p >> 16)
            row[3 * x + 1] = UInt8(truncatingIfNeeded: p >> 8)
            row[3 * x + 2] = UInt8(truncatingIfNeeded: p)
        }
    }

    /// Straight (un-premultiplied) RGBA, rounded as Cairo's own PNG writer does.
    static func unpackRGBA(_ line: UnsafePointer<UInt32>, _ width: Int, _ row: UnsafeMutablePointer<UInt8>) {
        for x in 0..<width {
            let p = line[x], a = p >> 24
            let r = (p >> 16) & 0xFF, g = (p >> 8) & 0xFF, b = p & 0xFF
            let k = 4 * x
            switch a {
            case 0:
                row[k] = 0; row[k + 1] = 0; row[k + 2] = 0; row[k + 3] = 0
            case 255:
                row[k] = UInt8(r); row[k + 1] = UInt8(g); row[k + 2] = UInt8(b); row[k + 3] = 255
            default:
                func un(_ c: UInt32) -> UInt8 { UInt8(min(255, (c * 255 + a / 2) / a)) }
                row[k] = un(r); row[k + 1] = un(g); row[k + 2] = un(b); row[k + 3] = UInt8(a)
            }
        }
    }

    // MARK: - Filters

    /// Writes the filter-type byte and the filtered row (`count` bytes of `cur`; `prev` is the unfiltered row above,
    /// nil on the first row) into `out`.
    static func chooseFilter(_ filter: Filter, _ cur: UnsafePointer<UInt8>, _ prev: UnsafePointer<UInt8>?, count n: Int,
                             bpp: Int, into out: UnsafeMutablePointer<UInt8>, scratch: UnsafeMutablePointer<UInt8>) {
        switch filter {
        case let .fixed(type):
            apply(type, cur, prev, count: n, bpp: bpp, into: out)
        case .minimumSum:
            var bestSum = Int.max
            for t: UInt8 in [0, 1, 2, 4] {
                apply(t, cur, prev, count: n, bpp: bpp, into: scratch)
                let s = absoluteSum(scratch + 1, count: n, limit: bestSum)
                if s < bestSum { bestSum = s; out.update(from: scratch, count: 1 + n) }
            }
        }
    }

    /// Sum of |byte as Int8| over `count` filtered bytes, stopping early once it reaches `limit`.
    static func absoluteSum(_ b: UnsafePointer<UInt8>, count n: Int, limit: Int) -> Int {
        var sum = 0, k = 0
        while k < n {
            let end = min(n, k + 1024)
            var partial = 0
            while k < end {
                let v = Int(Int8(bitPattern: b[k]))
                partial &+= v < 0 ? -v : v
                k += 1
            }
            sum += partial
            if sum >= limit { return sum }
        }
        return sum
    }

    /// Filter type `t` (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth) of the PNG specification applied to `count` bytes of
    /// `c`; `p` is the unfiltered row above (nil: the first row, where the row above counts as zeros). Writes the
    /// type byte, then the filtered bytes, to `o`.
    static func apply(_ t: UInt8, _ c: UnsafePointer<UInt8>, _ p: UnsafePointer<UInt8>?, count n: Int, bpp: Int,
                      into o: UnsafeMutablePointer<UInt8>) {
        o[0] = t
        let d = o + 1
        let first = min(bpp, n)
        guard let p else {
            // Above the first row is zero: Up is None, Paeth is Sub, Average halves the left neighbour.
            switch t {
            case 1, 4:
                for i in 0..<first { d[i] = c[i] }
                for i in first..<n { d[i] = c[i] &- c[i - bpp] }
            case 3:
                for i in 0..<first { d[i] = c[i] }
                for i in first..<n { d[i] = c[i] &- (c[i - bpp] >> 1) }
            default:
                d.update(from: c, count: n)
            }
            return
        }
        switch t {
        case 0:
            d.update(from: c, count: n)
        case 1:
            for i in 0..<first { d[i] = c[i] }
            for i in first..<n { d[i] = c[i] &- c[i - bpp] }
        case 2:
            for i in 0..<n { d[i] = c[i] &- p[i] }
        case 3:
            for i in 0..<first { d[i] = c[i] &- (p[i] >> 1) }
            for i in first..<n { d[i] = c[i] &- UInt8((UInt16(c[i - bpp]) + UInt16(p[i])) >> 1) }
        default:  // 4, Paeth
            for i in 0..<first { d[i] = c[i] &- p[i] }
            for i in first..<n {
                let a = Int(c[i - bpp]), b = Int(p[i]), cc = Int(p[i - bpp])
                let pa = abs(b - cc), pb = abs(a - cc), pc = abs(a + b - 2 * cc)
                let pred = pa <= pb && pa <= pc ? a : (pb <= pc ? b : cc)
                d[i] = c[i] &- UInt8(pred)
            }
        }
    }

    // MARK: - Chunks

    static func appendBigEndian(_ v: UInt32, to bytes: inout [UInt8]) {
        bytes += [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)]
    }

    /// Length, type, data and the CRC-32 of type + data.
    static func appendChunk<C: Collection>(_ type: String, _ data: C, to out: inout [UInt8]) throws(PlotError)
    where C.Element == UInt8 {
        guard data.count <= 0x7FFF_FFFF else { throw PlotError.invalidData("PNG chunk \(type) too long") }
        appendBigEndian(UInt32(data.count), to: &out)
        let start = out.count
        out += Array(type.utf8)
        out += data
        let crc = out.withUnsafeBufferPointer { b in crc32(0, b.baseAddress! + start, UInt32(b.count - start)) }
        appendBigEndian(UInt32(truncatingIfNeeded: crc), to: &out)
    }

    static func zlibError(_ operation: String, _ status: Int32) -> PlotError {
        PlotError.encoding(operation: "zlib \(operation)", status: "status \(status)", path: nil)
    }
}
