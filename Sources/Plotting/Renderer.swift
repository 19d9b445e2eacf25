/// The drawing back end. Marks and axes lay themselves out in device space (points, y down) and call these
/// primitives; `CairoRenderer` turns them into PNG/SVG/PDF and `RecordingRenderer` keeps them for tests.

/// Font weight of a text run (Book or Bold).
enum FontWeight: Sendable, Equatable { case regular, bold }

/// Measured extents of a text run, in points.
struct TextExtents: Equatable, Sendable {
    /// Advance width of the run.
    var width: Double
    /// Font ascent and descent (the same for every run of one size: gives stable line heights).
    var ascent: Double
    var descent: Double
    /// Height of the ink above the baseline for this run.
    var inkTop: Double
    /// Depth of the ink below the baseline for this run.
    var inkBottom: Double

    var lineHeight: Double { ascent + descent }
}

enum FillRule: Sendable, Equatable { case nonZero, evenOdd }
enum LineCap: Sendable, Equatable { case butt, round, square }
enum LineJoin: Sendable, Equatable { case miter, round, bevel }

struct StrokeStyle: Equatable, Sendable {
    var color: Color
    var width: Double
    var dash: [Double] = []
    var cap: LineCap = .butt
    var join: LineJoin = .round
    /// For axis-aligned decorations (frame, ticks, grid): raster back ends round the width to whole pixels and put
    /// the line on the pixel grid, so it is crisp instead of smeared over two pixel rows.
    var snap = false
}

/// An image of straight-alpha RGBA bytes, row-major from the top row.
struct RasterImage: Equatable, Sendable {
    var width: Int
    var height: Int
    var rgba: [UInt8]
}

protocol Renderer: AnyObject {
    /// The typeface, text sizes and math setting of the figure being drawn.
    var style: FigureStyle { get }
    /// Extents of `text` in the style's face at `size` points.
    func measure(_ text: String, size: Double, weight: FontWeight) -> TextExtents
    func fill(_ path: Path, color: Color, rule: FillRule)
    func stroke(_ path: Path, style: StrokeStyle)
    /// Draws `text` with its baseline starting at `origin`, rotated by `angle` radians (clockwise on screen; −π/2
    /// reads bottom to top).
    func text(_ text: String, at origin: Point, size: Double, weight: FontWeight, color: Color, angle: Double)
    /// Draws `image` stretched over `rect`; `nearest` keeps pixels crisp instead of interpolating.
    func image(_ image: RasterImage, in rect: Rect, nearest: Bool)
    /// Draws `marker` (radius `size` points) at every centre, in order (later points over earlier ones, so overlaps
    /// darken); `colors`, if given, has one colour per centre and replaces `color`. The default (vector surfaces,
    /// recording) fills or strokes each marker as `ScatterMark.drawMarker` does; `CairoRenderer` blends precomputed
    /// coverage masks into PNG pixels for large scatters (see `MarkerRaster.swift`).
    func markers(_ centres: [Point], marker: Marker, size: Double, color: Color, colors: [Color]?)
    /// Restricts drawing to `rect` until the matching `popClip`.
    func pushClip(_ rect: Rect)
    func popClip()
}

extension Renderer {
    func markers(_ centres: [Point], marker: Marker, size: Double, color: Color, colors: [Color]?) {
        drawMarkersOneByOne(centres, marker: marker, size: size, color: color, colors: colors)
    }

    /// One fill (or stroke) per marker: the vector path, and the raster one for small scatters.
    func drawMarkersOneByOne(_ centres: [Point], marker: Marker, size: Double, color: Color, colors: [Color]?) {
        for k in centres.indices {
            ScatterMark.drawMarker(marker, at: centres[k], size: size, color: colors?[k] ?? color, renderer: self)
        }
    }
}
