import Foundation

/// A point in device space: points (1/72 in) from the figure's top-left corner, y pointing down.
struct Point: Equatable, Sendable {
    var x: Double
    var y: Double
    init(_ x: Double, _ y: Double) { self.x = x; self.y = y }
    var isFinite: Bool { x.isFinite && y.isFinite }
}

/// An axis-aligned rectangle in device space.
struct Rect: Equatable, Sendable {
    var x: Double, y: Double, width: Double, height: Double
    init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x; self.y = y; self.width = width; self.height = height
    }
    var minX: Double { x }
    var maxX: Double { x + width }
    var minY: Double { y }
    var maxY: Double { y + height }
    var midX: Double { x + width / 2 }
    var midY: Double { y + height / 2 }
    func insetBy(dx: Double, dy: Double) -> Rect { Rect(x: x + dx, y: y + dy, width: width - 2 * dx, height: height - 2 * dy) }
    func contains(_ p: Point) -> Bool { p.x >= minX && p.x <= maxX && p.y >= minY && p.y <= maxY }
    func intersects(_ r: Rect) -> Bool { r.minX < maxX && r.maxX > minX && r.minY < maxY && r.maxY > minY }
}

/// A vector path in device space, built from moves, lines, cubic Béziers and closes.
struct Path: Equatable, Sendable {
    enum Element: Equatable, Sendable {
        case move(Point)
        case line(Point)
        case curve(Point, Point, Point)
        case close
    }

    var elements: [Element] = []

    var isEmpty: Bool { elements.isEmpty }
    mutating func move(to p: Point) { elements.append(.move(p)) }
    mutating func line(to p: Point) { elements.append(.line(p)) }
    mutating func curve(_ c1: Point, _ c2: Point, _ p: Point) { elements.append(.curve(c1, c2, p)) }
    mutating func close() { elements.append(.close) }
    mutating func append(_ other: Path) { elements.append(contentsOf: other.elements) }

    /// A polyline through `points`; non-finite points break it into separate pieces.
    static func polyline(_ points: [Point], closed: Bool = false) -> Path {
        var path = Path()
        var penDown = false
        for p in points {
            guard p.isFinite else { penDown = false; continue }
            if penDown { path.line(to: p) } else { path.move(to: p); penDown = true }
        }
        if closed && !path.isEmpty { path.close() }
        return path
    }

    /// A closed polygon.
    static func polygon(_ points: [Point]) -> Path { polyline(points, closed: true) }

    static func rectangle(_ r: Rect) -> Path {
        polygon([Point(r.minX, r.minY), Point(r.maxX, r.minY), Point(r.maxX, r.maxY), Point(r.minX, r.maxY)])
    }

    /// A circle as four cubic Bézier arcs (radial error below 0.03 %).
    static func circle(center c: Point, radius r: Double) -> Path {
        ellipse(center: c, rx: r, ry: r)
    }

    static func ellipse(center c: Point, rx: Double, ry: Double) -> Path {
        let k = 0.5522847498307936  // 4/3 (√2 − 1)
        var p = Path()
        p.move(to: Point(c.x + rx, c.y))
        p.curve(Point(c.x + rx, c.y + k * ry), Point(c.x + k * rx, c.y + ry), Point(c.x, c.y + ry))
        p.curve(Point(c.x - k * rx, c.y + ry), Point(c.x - rx, c.y + k * ry), Point(c.x - rx, c.y))
        p.curve(Point(c.x - rx, c.y - k * ry), Point(c.x - k * rx, c.y - ry), Point(c.x, c.y - ry))
        p.curve(Point(c.x + k * rx, c.y - ry), Point(c.x + rx, c.y - k * ry), Point(c.x + rx, c.y))
        p.close()
        return p
    }

    /// The end points of all elements (control points excluded), for hit counting.
    var vertices: [Point] {
        elements.compactMap {
            switch $0 {
            case let .move(p), let .line(p), let .curve(_, _, p): return p
            case .close: return nil
            }
        }
    }
}
