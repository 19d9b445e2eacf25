// NonlinearLessonOutput — collects the nonlinear lesson's values (with their labels and conventions), figures and
// tables while the steps run, and small helpers the steps share (grids over the plane, the toy arc data).

import Foundation
import LinearAlgebra
import Models
import Plotting

/// What the steps of the nonlinear lesson produce, gathered into a `LessonResult` at the end.
struct NonlinearLessonOutput {
    /// Top-level groups of results.json (`toy`, `digits`, ...), each an object of values.
    private(set) var groups: [String: [String: JSONValue]] = [:]
    /// Top-level values that are not objects (e.g. `elbo_gap_examples`, a list).
    var topLevel: [String: JSONValue] = [:]
    var quantities: [String: Quantity] = [:]
    var figures: [String: FigureOutput] = [:]
    var tables: [String: Table] = [:]

    /// Stores `value` at `group.key` with the label and convention shown in the step's panel of numbers.
    mutating func set(_ group: String, _ key: String, _ value: JSONValue, _ label: String, convention: String? = nil) {
        groups[group, default: [:]][key] = value
        quantities["\(group).\(key)"] = Quantity(label, convention: convention)
    }

    /// Stores a number.
    mutating func set(_ group: String, _ key: String, _ value: Double, _ label: String, convention: String? = nil) {
        set(group, key, .number(value), label, convention: convention)
    }

    /// Stores an integer.
    mutating func set(_ group: String, _ key: String, _ value: Int, _ label: String, convention: String? = nil) {
        set(group, key, .integer(value), label, convention: convention)
    }

    mutating func figure(_ name: String, _ figure: Figure) { figures[name] = .single(figure) }

    var result: LessonResult {
        var results = topLevel
        for (name, members) in groups { results[name] = .object(members) }
        return LessonResult(results: results, quantities: quantities, figures: figures, tables: tables)
    }
}

/// Points of a regular grid over a rectangle of the plane, in the order `ScalarGrid` expects
/// (values[j * nx + i] = f(xs[i], ys[j])).
struct NonlinearPlaneGrid {
    let xs: [Double]
    let ys: [Double]

    init(x: ClosedRange<Double>, y: ClosedRange<Double>, count n: Int) {
        xs = (0..<n).map { x.lowerBound + (x.upperBound - x.lowerBound) * Double($0) / Double(n - 1) }
        ys = (0..<n).map { y.lowerBound + (y.upperBound - y.lowerBound) * Double($0) / Double(n - 1) }
    }

    /// All grid points as rows (nx·ny, 2), x varying fastest.
    var points: Matrix {
        var e = [Double]()
        e.reserveCapacity(xs.count * ys.count * 2)
        for y in ys { for x in xs { e += [x, y] } }
        return Matrix(rows: xs.count * ys.count, columns: 2, elements: e)
    }

    func scalarGrid(_ values: [Double]) -> ScalarGrid { ScalarGrid(xs: xs, ys: ys, values: values) }
}

/// The toy data of the lesson: points on three quarters of the unit circle (angles uniform in [−3π/4, 3π/4], so the
/// gap faces −x) with isotropic Gaussian noise of standard deviation `noise`.
enum NonlinearToyArc {
    static func sample<G: RandomNumberGenerator>(rows n: Int, noise: Double, using g: inout G) -> Matrix {
        var e = [Double]()
        e.reserveCapacity(2 * n)
        for _ in 0..<n {
            let t = -0.75 * Double.pi + 1.5 * Double.pi * g.nextUniform()
            let ex = noise * g.nextStandardNormal(), ey = noise * g.nextStandardNormal()
            e += [cos(t) + ex, sin(t) + ey]
        }
        return Matrix(rows: n, columns: 2, elements: e)
    }

    /// The noise-free arc, for reference lines.
    static func curve(points n: Int = 200) -> (x: [Double], y: [Double]) {
        let t = (0..<n).map { -0.75 * Double.pi + 1.5 * Double.pi * Double($0) / Double(n - 1) }
        return (t.map(cos), t.map(sin))
    }

    static let xLimits: ClosedRange<Double> = -1.75...1.75
    static let yLimits: ClosedRange<Double> = -1.5...1.5
}

/// Small numeric and plotting helpers of the nonlinear lesson (a namespace, so the names cannot clash with other lessons).
enum NL {
    /// Evenly spaced values.
    static func linspace(_ a: Double, _ b: Double, _ n: Int) -> [Double] {
        (0..<n).map { a + (b - a) * Double($0) / Double(max(n - 1, 1)) }
    }

    /// A column matrix (n, 1) from values.
    static func column(_ v: [Double]) -> Matrix { Matrix(rows: v.count, columns: 1, elements: v) }

    /// The curve fθ(z) at the given z (1-D latent), as x and y arrays.
    static func decodedCurve(_ model: NonlinearLVM, _ z: [Double]) -> (x: [Double], y: [Double]) {
        let f = model.decoder(NL.column(z))
        return (f.column(0), f.column(1))
    }

    /// The distance from every point of `grid` to the polyline `curve` (segments between successive points), as a
    /// scalar grid for a contour at a chosen distance.
    static func distanceGrid(to curve: (x: [Double], y: [Double]), over grid: NonlinearPlaneGrid) -> ScalarGrid {
        let n = curve.x.count
        var values = [Double]()
        values.reserveCapacity(grid.xs.count * grid.ys.count)
        for py in grid.ys {
            for px in grid.xs {
                var best = Double.infinity
                for i in 0..<max(n - 1, 1) {
                    let ax = curve.x[i], ay = curve.y[i]
                    let bx = curve.x[min(i + 1, n - 1)], by = curve.y[min(i + 1, n - 1)]
                    let dx = bx - ax, dy = by - ay
                    let len2 = dx * dx + dy * dy
                    let t = len2 > 0 ? min(max(((px - ax) * dx + (py - ay) * dy) / len2, 0), 1) : 0
                    let ex = ax + t * dx - px, ey = ay + t * dy - py
                    best = min(best, ex * ex + ey * ey)
                }
                values.append(best.squareRoot())
            }
        }
        return grid.scalarGrid(values)
    }

    /// A density over a 1-D grid, normalised by the trapezoid rule, from log values.
    static func normalisedDensity(logValues: [Double], grid z: [Double]) -> [Double] {
        let m = logValues.max() ?? 0
        let p = logValues.map { exp($0 - m) }
        var area = 0.0
        for i in 1..<z.count { area += 0.5 * (p[i] + p[i - 1]) * (z[i] - z[i - 1]) }
        return p.map { $0 / area }
    }

    /// N(z; m, s²) on a grid.
    static func gaussianCurve(mean m: Double, sd s: Double, on z: [Double]) -> [Double] {
        z.map { exp(-0.5 * pow(($0 - m) / s, 2)) / (s * (2 * Double.pi).squareRoot()) }
    }

    /// A coordinate with two decimals and a true minus sign ("−0.94", "0.00").
    static func coordinate(_ v: Double) -> String {
        let r = (v * 100).rounded() / 100
        return String(format: "%.2f", r == 0 ? 0 : r).replacingOccurrences(of: "-", with: "−")
    }

    /// A short decimal for figure text (not for the page: the page formats values itself).
    static func fmt(_ v: Double, _ significant: Int = 2) -> String {
        guard v.isFinite else { return "—" }
        if v == 0 { return "0" }
        let digits = max(0, significant - 1 - Int(floor(log10(abs(v)))))
        return String(format: "%.\(min(digits, 8))f", v).replacingOccurrences(of: "-", with: "−")
    }
}
