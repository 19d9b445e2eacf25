import Foundation
import Testing
@testable import Plotting

#if canImport(Glibc)
import Glibc
#endif

/// `PNGEncoder`: exact round trips through Cairo's decoder, RGB for opaque and RGBA for translucent images, every
/// filter type, reproducible bytes.
@Suite struct PNGEncoderTests {
    /// A deterministic generator (the tests must not depend on the run).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt32 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt32(truncatingIfNeeded: state >> 32)
        }
    }

    /// Opaque pixels: random colours, with runs of repeated rows and columns so every filter has work to do.
    static func opaquePixels(width: Int, height: Int) -> [UInt32] {
        var g = Generator(state: 7)
        var pixels = [UInt32](repeating: 0, count: width * height)
        for y in 0..<height {
            for x in 0..<width {
                let k = y * width + x
                if y % 5 == 2 { pixels[k] = pixels[k - width]; continue }  // a row like the one above
                if x % 3 == 1 { pixels[k] = pixels[k - 1]; continue }      // runs
                pixels[k] = 0xFF00_0000 | (g.next() & 0x00FF_FFFF)
            }
        }
        return pixels
    }

    /// Valid premultiplied pixels (each colour ≤ alpha), including fully transparent and fully opaque ones.
    static func translucentPixels(width: Int, height: Int) -> [UInt32] {
        var g = Generator(state: 11)
        return (0..<(width * height)).map { k in
            let a: UInt32 = k % 7 == 0 ? 0 : (k % 7 == 1 ? 255 : g.next() % 256)
            func c() -> UInt32 { a == 0 ? 0 : g.next() % (a + 1) }
            return a << 24 | c() << 16 | c() << 8 | c()
        }
    }

    static func roundTrip(_ pixels: [UInt32], width: Int, height: Int,
                          settings: PNGEncoder.Settings = .standard) throws -> (png: [UInt8], decoded: [UInt32]) {
        let surface = try CairoSurface(argbWidth: width, height: height, pixels: pixels)
        let png = try surface.encodePNG(settings: settings)
        let decoded = try PNGDecoding.surface(png).argbPixels()
        #expect(decoded.width == width && decoded.height == height)
        return (png, decoded.pixels)
    }

    /// IHDR's colour type: 2 = RGB, 6 = RGBA.
    static func colourType(_ png: [UInt8]) -> UInt8 { png[25] }

    static let allFilters: [PNGEncoder.Filter] =
        [.fixed(0), .fixed(1), .fixed(2), .fixed(3), .fixed(4), .minimumSum]

    @Test(arguments: [(37, 23), (1, 1), (1, 9), (64, 2)])
    func opaqueImagesRoundTripExactlyAsRGB(width: Int, height: Int) throws {
        let pixels = Self.opaquePixels(width: width, height: height)
        for filter in Self.allFilters {
            let (png, decoded) = try Self.roundTrip(pixels, width: width, height: height,
                                                   settings: .init(filter: filter, level: 6, strategy: 0))
            #expect(decoded == pixels, "\(filter)")
            #expect(Self.colourType(png) == 2)
        }
    }

    @Test(arguments: [(37, 23), (1, 1), (3, 9), (64, 2)])
    func translucentImagesRoundTripExactlyAsRGBA(width: Int, height: Int) throws {
        let pixels = Self.translucentPixels(width: width, height: height)
        for filter in Self.allFilters {
            let (png, decoded) = try Self.roundTrip(pixels, width: width, height: height,
                                                   settings: .init(filter: filter, level: 6, strategy: 0))
            #expect(decoded == pixels, "\(filter)")
            #expect(Self.colourType(png) == 6)
        }
    }

    /// One translucent pixel is enough for RGBA; a figure (white background) is RGB.
    @Test func colourTypeFollowsTheAlpha() throws {
        var pixels = Self.opaquePixels(width: 9, height: 4)
        #expect(Self.colourType(try Self.roundTrip(pixels, width: 9, height: 4).png) == 2)
        pixels[20] = 0x8040_2010
        let (png, decoded) = try Self.roundTrip(pixels, width: 9, height: 4)
        #expect(Self.colourType(png) == 6 && decoded == pixels)
        #expect(Self.colourType(try sampleFigure().render(.png, scale: 2)) == 2)
    }

    /// Large images span several IDAT chunks; the bytes are the same on every call.
    @Test func largeImagesAreDeterministicAndSpanSeveralChunks() throws {
        let (w, h) = (401, 300)
        let pixels = Self.translucentPixels(width: w, height: h)
        let (png, decoded) = try Self.roundTrip(pixels, width: w, height: h)
        #expect(decoded == pixels)
        #expect(png == (try Self.roundTrip(pixels, width: w, height: h).png))
        let idats = Self.chunkTypes(png).filter { $0 == "IDAT" }.count
        #expect(idats >= 2)
        #expect(Self.chunkTypes(png).first == "IHDR" && Self.chunkTypes(png).last == "IEND")
    }

    static func chunkTypes(_ png: [UInt8]) -> [String] {
        var types: [String] = [], k = 8
        while k + 8 <= png.count {
            let n = png[k..<(k + 4)].reduce(0) { $0 << 8 | Int($1) }
            types.append(String(decoding: png[(k + 4)..<(k + 8)], as: UTF8.self))
            k += 12 + n
        }
        return types
    }

    @Test func figuresDecodeToTheSurfacePixels() throws {
        let figure = sampleFigure()
        let png = try figure.render(.png, scale: 2)
        let cairo = try PNGDecoding.decode(Self.cairoWriterPNG(figure, scale: 2))
        #expect(PNGDecoding.rms(try PNGDecoding.decode(png), cairo) == 0)
    }

    /// The same figure through Cairo's own PNG writer (the encoder's predecessor).
    static func cairoWriterPNG(_ figure: Figure, scale: Double) throws -> [UInt8] {
        let surface = try figure.rasterSurface(scale: scale)
        let sink = ByteSink()
        try surface.writeCairoPNG(into: sink)
        return sink.bytes
    }

    @Test func badGeometryIsATypedError() throws {
        let pixels = [UInt32](repeating: 0xFFFF_FFFF, count: 4)
        #expect(throws: PlotError.self) {
            try pixels.withUnsafeBytes { try PNGEncoder.encode(argb: $0.baseAddress!, width: 4, height: 1, stride: 8) }
        }
    }

    // MARK: - Survey (not a test: run by hand)

    /// Times the encoder settings on every PNG under `PLOTTING_PNG_SURVEY_DIR` (decoded to surfaces first) against
    /// Cairo's writer, printing CPU seconds and total bytes per setting.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PLOTTING_PNG_SURVEY_DIR"] != nil, "a measurement tool, not a test: set PLOTTING_PNG_SURVEY_DIR=FOLDER to run it"))
    func settingsSurvey() throws {
        let dir = try #require(ProcessInfo.processInfo.environment["PLOTTING_PNG_SURVEY_DIR"])
        var surfaces: [CairoSurface] = []
        let files = FileManager.default.enumerator(atPath: dir)!.compactMap { $0 as? String }.filter { $0.hasSuffix(".png") }.sorted()
        for f in files {
            // Cairo decodes RGB files into RGB24 surfaces: copy into ARGB32 ones (alpha bytes are 255 there).
            let decoded = try PNGDecoding.surface([UInt8](try Data(contentsOf: URL(fileURLWithPath: dir + "/" + f)))).argbPixels()
            surfaces.append(try CairoSurface(argbWidth: decoded.width, height: decoded.height, pixels: decoded.pixels))
        }
        func cpu() -> Double {
            var t = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
        var t0 = cpu(), total = 0
        for s in surfaces { let sink = ByteSink(); try s.writeCairoPNG(into: sink); total += sink.bytes.count }
        print("survey \(surfaces.count) files cairo: \(String(format: "%.3f", cpu() - t0)) s \(total) bytes")
        var settings: [PNGEncoder.Settings] = []
        if let spec = ProcessInfo.processInfo.environment["PLOTTING_PNG_SURVEY_SETTINGS"] {
            // "filter:level:strategy,…" with filter 0-4 or m (minimum sum)
            for item in spec.split(separator: ",") {
                let p = item.split(separator: ":").map(String.init)
                let f: PNGEncoder.Filter = p[0] == "m" ? .minimumSum : .fixed(UInt8(p[0])!)
                settings.append(.init(filter: f, level: Int32(p[1])!, strategy: Int32(p[2])!))
            }
        } else {
            settings = [.standard]
        }
        for s in settings {
            t0 = cpu(); total = 0
            for surface in surfaces { total += try surface.encodePNG(settings: s).count }
            print("survey \(s.filter) level \(s.level) strategy \(s.strategy): \(String(format: "%.3f", cpu() - t0)) s \(total) bytes")
        }
    }
}
