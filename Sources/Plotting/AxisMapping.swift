import Foundation

/// The map from data values on one axis to device coordinates: `lower` ↦ `start`, `upper` ↦ `end` (for the y axis
/// `start` is the bottom of the plot area, which has the larger device y). Log₁₀ axes are linear in log₁₀ of the
/// value; non-positive values map to NaN (not drawn).
struct AxisMapping: Equatable, Sendable {
    var scale: AxisScale
    var lower: Double
    var upper: Double
    var start: Double
    var end: Double

    @inline(__always) func position(_ v: Double) -> Double {
        let t: Double
        switch scale {
        case .linear:
            t = (v - lower) / (upper - lower)
        case .log10:
            guard v > 0 else { return .nan }
            t = (Foundation.log10(v) - Foundation.log10(lower)) / (Foundation.log10(upper) - Foundation.log10(lower))
        }
        return start + t * (end - start)
    }

    /// The data value at device coordinate `p`.
    func value(at p: Double) -> Double {
        let t = (p - start) / (end - start)
        switch scale {
        case .linear: return lower + t * (upper - lower)
        case .log10: return pow(10, Foundation.log10(lower) + t * (Foundation.log10(upper) - Foundation.log10(lower)))
        }
    }

    /// Device length per data unit (linear axes).
    var pointsPerUnit: Double { abs(end - start) / (upper - lower) }
}

/// Data → device transform of one axes.
struct DataTransform: Equatable, Sendable {
    var x: AxisMapping
    var y: AxisMapping

    @inline(__always) func point(_ dx: Double, _ dy: Double) -> Point { Point(x.position(dx), y.position(dy)) }
}
