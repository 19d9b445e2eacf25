import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif
@testable import Plotting

/// The raster path for large scatters (`MarkerRaster`) against Cairo's own per-point fills of the same figure.
@Suite struct MarkerRasterTests {
    /// RMS tolerance (0–255, RGBA channels) between the mask path and Cairo's per-point rendering of a figure.
    static let tolerance = 0.75

    struct Generator {
        var state: UInt64
        mutating func uniform() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        mutating func normal() -> Double {
            (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform())
        }
    }

    /// `count` correlated Gaussian points (a lesson-like cloud), deterministic.
    static func cloud(_ count: Int, seed: UInt64 = 3) -> (x: [Double], y: [Double]) {
        var g = Generator(state: seed)
        var xs: [Double] = [], ys: [Double] = []
        for _ in 0..<count {
            let a = g.normal(), b = g.normal()
            xs.append(2 * a); ys.append(0.8 * a + 0.6 * b)
        }
        return (xs, ys)
    }

    static func figure(_ count: Int, marker: Marker = .circle, size: Double = 2, alpha: Double = 0.6,
                       colors: Bool = false, limits: Bool = false) -> Figure {
        let figure = Figure(width: 320, height: 240, title: "\(count) points")
        let ax = figure.addAxes()
        let (xs, ys) = cloud(count)
        ax.scatter(x: xs, y: ys, colors: colors ? xs.indices.map { Color.category($0 % 5) } : nil, size: size,
                   marker: marker, alpha: alpha, label: "data")
        if limits {  // many points cross the plot's edges
            ax.xLimits = -1.5...1.5
            ax.yLimits = -0.9...0.9
        }
        return figure
    }

    static func pixels(_ figure: Figure, scale: Double = 2, raster: Bool) throws -> RasterImage {
        let surface = try figure.rasterSurface(scale: scale, rasterMarkers: raster)
        return try PNGDecoding.decode(try surface.encodePNG())
    }

    static func rms(_ figure: Figure, scale: Double = 2) throws -> Double {
        let fast = try pixels(figure, scale: scale, raster: true), cairo = try pixels(figure, scale: scale, raster: false)
        return try #require(PNGDecoding.rms(fast, cairo))
    }

    @Test(arguments: [(2.0, 0.6), (2.5, 0.4), (2.0, 0.7), (1.8, 1.0)])
    func circlesMatchCairo(size: Double, alpha: Double) throws {
        let rms = try Self.rms(Self.figure(3_000, size: size, alpha: alpha))
        print("MarkerRaster circles size \(size) alpha \(alpha): RMS \(rms)")
        #expect(rms <= Self.tolerance)
        #expect(rms > 0)  // the fast path did run
    }

    @Test(arguments: [1.0, 1.5, 3.0])
    func otherScalesMatchCairo(scale: Double) throws {
        let rms = try Self.rms(Self.figure(3_000), scale: scale)
        print("MarkerRaster circles scale \(scale): RMS \(rms)")
        #expect(rms <= Self.tolerance)
    }

    @Test(arguments: [Marker.square, .triangle, .diamond])
    func filledMarkersMatchCairo(marker: Marker) throws {
        let rms = try Self.rms(Self.figure(3_000, marker: marker, size: 2.5))
        print("MarkerRaster \(marker): RMS \(rms)")
        #expect(rms <= Self.tolerance)
    }

    @Test func perPointColoursMatchCairo() throws {
        let rms = try Self.rms(Self.figure(3_000, colors: true))
        print("MarkerRaster per-point colours: RMS \(rms)")
        #expect(rms <= Self.tolerance)
    }

    /// Points across the plot's edges are cut there: outside the plot area the two renderings are identical, inside
    /// they agree within the tolerance.
    @Test func clippedAtThePlotEdge() throws {
        let figure = Self.figure(3_000, limits: true)
        let scale = 2.0
        let fast = try Self.pixels(figure, scale: scale, raster: true), cairo = try Self.pixels(figure, scale: scale, raster: false)
        let rms = try #require(PNGDecoding.rms(fast, cairo))
        print("MarkerRaster clipped: RMS \(rms)")
        #expect(rms <= Self.tolerance)
        let plot = try figure.layouts(renderer: RecordingRenderer())[0].plot
        let x0 = Int((plot.minX * scale).rounded(.down)), x1 = Int((plot.maxX * scale).rounded(.up))
        let y0 = Int((plot.minY * scale).rounded(.down)), y1 = Int((plot.maxY * scale).rounded(.up))
        var outside = 0, differing = 0
        for y in 0..<fast.height {
            for x in 0..<fast.width where x < x0 || x >= x1 || y < y0 || y >= y1 {
                outside += 1
                let k = 4 * (y * fast.width + x)
                if fast.rgba[k..<(k + 4)] != cairo.rgba[k..<(k + 4)] { differing += 1 }
            }
        }
        #expect(outside > 10_000)
        #expect(differing == 0)
        // And the points were drawn near the edges inside (not everything dropped): dark pixels along the left edge.
        let inside = (y0 + 2..<y1 - 2).filter { y in fast.rgba[4 * (y * fast.width + x0 + 2)] < 200 }.count
        #expect(inside > 10)
    }

    /// Later points cover earlier ones: opaque red then opaque blue at the same places leaves blue.
    @Test func pointsAreDrawnInOrder() throws {
        let figure = Figure(width: 200, height: 150)
        let ax = figure.addAxes()
        let n = 2_500
        let xs = (0..<n).map { Double($0 % 50) }, ys = (0..<n).map { Double($0 / 50) }
        ax.scatter(x: xs + xs, y: ys + ys, colors: Array(repeating: Color(hex: 0xFF0000), count: n)
                   + Array(repeating: Color(hex: 0x0000FF), count: n), size: 1.2, alpha: 1)
        let image = try Self.pixels(figure, raster: true)
        let c = try figure.layouts(renderer: RecordingRenderer())[0].transform.point(25, 25)
        let k = 4 * (Int(c.y * 2) * image.width + Int(c.x * 2))
        #expect(Array(image.rgba[k..<(k + 4)]) == [0, 0, 255, 255])
    }

    @Test func rasterScattersGiveIdenticalBytes() throws {
        let a = try Self.figure(5_000, colors: true).render(.png, scale: 2)
        _ = try Self.figure(2_000).render(.png, scale: 2)
        let b = try Self.figure(5_000, colors: true).render(.png, scale: 2)
        #expect(a == b)
    }

    /// Vector output and the recording renderer keep one fill per point.
    @Test func vectorAndRecordingStayPerPoint() throws {
        let recorder = try RecordingRenderer()
        try Self.figure(2_500).draw(on: recorder)
        let fills = recorder.operations.filter { if case .fill = $0 { return true } else { return false } }.count
        #expect(fills >= 2_500)
        let svg = String(decoding: try Self.figure(2_500).render(.svg), as: UTF8.self)
        #expect(svg.components(separatedBy: "<path").count > 2_500)
    }

    /// Below the threshold Cairo draws: the figure is pixel-identical with the mask path off.
    @Test func smallScattersAreCairos() throws {
        let figure = Self.figure(CairoRenderer.rasterMarkerThreshold - 1)
        #expect(try Self.pixels(figure, raster: true) == (try Self.pixels(figure, raster: false)))
    }

    // MARK: - Timing (not a test: run by hand)

    /// With `PLOTTING_TIMING=1`: CPU time of drawing a lesson-size scatter of 100 000 points (460 × 345 pt, scale 2)
    /// with Cairo's per-point fills and with the masks, and of encoding it with Cairo's writer and with `PNGEncoder`.
    @Test(.enabled(if: ProcessInfo.processInfo.environment["PLOTTING_TIMING"] != nil, "a timing tool, not a test: set PLOTTING_TIMING=1 to run it"))
    func timing() throws {
        func cpu() -> Double {
            var t = timespec(); clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t)
            return Double(t.tv_sec) + Double(t.tv_nsec) * 1e-9
        }
        let figure = Figure(title: "100 000 points")
        let (xs, ys) = Self.cloud(100_000)
        figure.addAxes().scatter(x: xs, y: ys, size: 2, alpha: 0.6, label: "data")
        for raster in [false, true] {
            var times: [Double] = []
            for _ in 0..<3 {
                let t0 = cpu(); _ = try figure.rasterSurface(scale: 2, rasterMarkers: raster); times.append(cpu() - t0)
            }
            print("timing draw 100k points, masks \(raster): \(times.sorted()[1]) s")
        }
        for (name, f) in [("benchmark figure", PlottingBenchmark.standardFigure()), ("100k scatter", figure)] {
            let surface = try f.rasterSurface(scale: 2)
            var cairo: [Double] = [], ours: [Double] = [], sizes = (0, 0)
            for _ in 0..<5 {
                var t0 = cpu()
                let sink = ByteSink(); try surface.writeCairoPNG(into: sink); cairo.append(cpu() - t0)
                t0 = cpu(); let png = try surface.encodePNG(); ours.append(cpu() - t0)
                sizes = (sink.bytes.count, png.count)
            }
            print("timing encode \(name): cairo \(cairo.sorted()[2]) s \(sizes.0) B, ours \(ours.sorted()[2]) s \(sizes.1) B")
        }
    }
}
